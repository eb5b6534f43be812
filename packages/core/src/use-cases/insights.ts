/**
 * The use-cases an adapter drives on a partner's data, as one interface: contract requests in,
 * contract responses out (plus the core's callbacks and signals for the long ones).
 *
 * Why: one process owns the embedded store. `localInsights(store)` runs the use-cases here, on a
 * store this process opened; while a server holds the store, the CLI runs the same interface over
 * HTTP instead (apps/cli `remote-insights.ts`: the server's local-operator routes call this very
 * implementation, imports and computes through its job runner). A command is written once against
 * `Insights` and prints the same either way.
 *
 * Staff accounts and tokens live in the account store and are not part of this interface; they get
 * a facade of their own when their commands learn to go through a server.
 */
import type {
  AddExclusionRequest,
  AddExclusionResponse,
  AuditRecord,
  CustomerReport,
  CustomerReportRequest,
  EffectiveSettings,
  Exclusion,
  InactiveUsersReport,
  InactiveUsersRequest,
  ListCatalogRequest,
  ListCatalogResponse,
  ListExclusionsRequest,
  PortfolioReport,
  PortfolioReportRequest,
  RecommendationsRequest,
  RecommendationsResponse,
  RemoveExclusionRequest,
  RemoveExclusionResponse,
  ResetSettingsRequest,
  ResetSettingsResponse,
  ResolvePartnerRequest,
  ResolvePartnerResponse,
  SetSettingRequest,
  SetSettingResponse,
  SettingsLogRequest,
  ShowCatalogProductRequest,
  ShowCatalogProductResponse,
  ShowSettingsRequest,
  StaleMetrics,
  StaleMetricsRequest,
  StatusRequest,
  StatusResponse,
  SupportMetricsRequest,
  SupportReportRow,
} from '@license-insights/contracts';
import type { Store } from '../store/store';
import { type ComputeReport, type ComputeRequest, computeMetrics } from './compute-metrics';
import { getRecommendations, getSupportMetrics } from './get-recommendations';
import { getStatus } from './get-status';
import { type ImportReport, type ImportRequest, importFiles } from './import-files';
import { getInactiveUsers } from './inactive-users';
import { listCatalog, showCatalogProduct } from './look-up-catalog';
import { getStaleMetrics } from './metrics-freshness';
import {
  addExclusion,
  getRecommendationSettings,
  listExclusions,
  removeExclusion,
  resetRecommendationSettings,
  setRecommendationSetting,
  settingsHistory,
} from './recommendation-settings';
import { getCustomerReport, getPortfolioReport } from './report-metrics';
import { resolvePartner } from './resolve-partner';

export interface Insights {
  /** Where the work runs, for messages: the store's location, or the server's URL. */
  readonly where: string;
  partnerIds(): Promise<string[]>;
  /** The partner a command acts for (see `resolvePartner`), and whether the store holds it yet. */
  resolvePartner(req: ResolvePartnerRequest): Promise<ResolvePartnerResponse>;
  importFiles(req: ImportRequest): Promise<ImportReport>;
  computeMetrics(req: ComputeRequest): Promise<ComputeReport>;
  portfolioReport(req: PortfolioReportRequest): Promise<PortfolioReport>;
  customerReport(req: CustomerReportRequest): Promise<CustomerReport>;
  inactiveUsers(req: InactiveUsersRequest): Promise<InactiveUsersReport>;
  supportMetrics(req: SupportMetricsRequest): Promise<SupportReportRow[]>;
  staleMetrics(req: StaleMetricsRequest): Promise<StaleMetrics | null>;
  recommendations(req: RecommendationsRequest): Promise<RecommendationsResponse>;
  settings(req: ShowSettingsRequest): Promise<EffectiveSettings>;
  setSetting(req: SetSettingRequest): Promise<SetSettingResponse>;
  resetSettings(req: ResetSettingsRequest): Promise<ResetSettingsResponse>;
  settingsLog(req: SettingsLogRequest): Promise<AuditRecord[]>;
  exclusions(req: ListExclusionsRequest): Promise<Exclusion[]>;
  addExclusion(req: AddExclusionRequest): Promise<AddExclusionResponse>;
  removeExclusion(req: RemoveExclusionRequest): Promise<RemoveExclusionResponse>;
  status(req: StatusRequest): Promise<StatusResponse>;
  listCatalog(req: ListCatalogRequest): Promise<ListCatalogResponse>;
  showCatalogProduct(req: ShowCatalogProductRequest): Promise<ShowCatalogProductResponse>;
  /** Ends the session: closes the store this process opened (the server's stays open). */
  close(): Promise<void>;
}

/** The use-cases on a store of this process; `close` closes the store when `owned`. */
export function localInsights(store: Store, options: { readonly owned?: boolean } = {}): Insights {
  return {
    where: store.location,
    partnerIds: () => store.partnerIds(),
    async resolvePartner(req) {
      const partnerId = await resolvePartner(store, req.partnerId, req.purpose);
      return { partnerId, exists: (await store.partnerIds()).includes(partnerId) };
    },
    importFiles: (req) => importFiles(store, req),
    computeMetrics: (req) => computeMetrics(store, req),
    portfolioReport: (req) => getPortfolioReport(store, req),
    customerReport: (req) => getCustomerReport(store, req),
    inactiveUsers: (req) => getInactiveUsers(store, req),
    supportMetrics: (req) => getSupportMetrics(store, req),
    staleMetrics: (req) => getStaleMetrics(store, req.partnerId, req.day, req.customerIds),
    recommendations: (req) => getRecommendations(store, req),
    settings: (req) => getRecommendationSettings(store, req),
    setSetting: (req) => setRecommendationSetting(store, req),
    resetSettings: (req) => resetRecommendationSettings(store, req),
    settingsLog: (req) => settingsHistory(store, req),
    exclusions: (req) => listExclusions(store, req),
    addExclusion: (req) => addExclusion(store, req),
    removeExclusion: (req) => removeExclusion(store, req),
    status: (req) => getStatus(store, req),
    listCatalog: (req) => listCatalog(store, req),
    showCatalogProduct: (req) => showCatalogProduct(store, req),
    close: async () => {
      if (options.owned === true) await store.close();
    },
  };
}
