/** Public surface of the core: use-cases, the store, configuration and errors. Adapters import only this. */

export type {
  AccountPatch,
  AccountStore,
  NewAccount,
  StoredAccount,
  StoredSession,
  StoredToken,
} from './accounts/account-store';
export * from './accounts/secrets';
export * from './analytics/filter';
export * from './catalog/catalog';
export * from './config';
export {
  type CustomerCandidate,
  type CustomerMatchRule,
  type CustomerResolution,
  describeCustomer,
  resolveCustomer,
} from './customers/resolve-customer';
export * from './dates';
export type { DemoOptions, DemoSummary } from './demo/generate-demo';
export { writeDemoDataset } from './demo/generate-demo';
export * from './errors';
export * from './export/csv-writer';
export * from './export/metrics-csv';
export { type CsvScanResult, scanCsv } from './ingest/csv-scan';
export {
  type DetectedFile,
  detectFile,
  entityFromFileName,
  entityFromHeader,
  FORMATS,
  type FormatName,
} from './ingest/detect';
export * from './local-server';
export {
  describePriority,
  type PlaybookInput,
  type PlaybookResult,
  runPlaybook,
} from './recommendations/playbook';
export { composeSupportMetrics } from './recommendations/support-metric';
export * from './reports/rollup';
export {
  engineFor,
  openAccountStore,
  openStore,
  registerStoreEngine,
  type StoreEngine,
  storeExists,
} from './store/open-store';
export type {
  ActiveUserCount,
  AuditEntry,
  AuditFilter,
  AuditRecord,
  InactiveUser,
  RegisteredServer,
  ServerInfo,
  ServerRegistration,
  Store,
  SubscriptionState,
  SupportCount,
} from './store/store';
export { SERVER_BEAT_SECONDS, SERVER_SEEN_SECONDS } from './store/store';
// Customer analytics and the partner's admin reads (issue 12)
export * from './use-cases/audit-log';
export * from './use-cases/compute-metrics';
export * from './use-cases/customer-analytics';
export * from './use-cases/data-trust';
export * from './use-cases/find-customer';
export * from './use-cases/generate-demo';
export * from './use-cases/get-recommendations';
export * from './use-cases/get-status';
export * from './use-cases/import-files';
export * from './use-cases/inactive-users';
export * from './use-cases/insights';
export * from './use-cases/license-analytics';
export * from './use-cases/look-up-catalog';
export * from './use-cases/look-up-catalog';
export * from './use-cases/metrics-freshness';
export * from './use-cases/metrics-freshness';
export * from './use-cases/metrics-rows';
export * from './use-cases/migrate-store';
export * from './use-cases/oidc-accounts';
export * from './use-cases/portfolio-views';
export * from './use-cases/recommendation-settings';
export * from './use-cases/report-metrics';
export * from './use-cases/resolve-partner';
export * from './use-cases/staff-accounts';
