/** What `insights status` (and later the API's status route) reports about the store. */
import { z } from 'zod';
import { dataSourceSchema, daySchema } from './codes';

export const sourceCoverageSchema = z.object({
  source: dataSourceSchema,
  /** Entity the dates are of: activity days, subscription snapshots, license assignments… */
  entity: z.enum(['activity', 'subscriptions', 'license_assignments', 'support_requests', 'users']),
  customers: z.number(),
  firstDate: daySchema.nullable(),
  lastDate: daySchema.nullable(),
});
export type SourceCoverage = z.infer<typeof sourceCoverageSchema>;

export const statusWarningSchema = z.object({
  code: z.string(),
  customerId: z.string().optional(),
  message: z.string(),
});
export type StatusWarning = z.infer<typeof statusWarningSchema>;

export const IMPORT_OUTCOMES = ['committed', 'rejected', 'unchanged', 'partial'] as const;
export const importOutcomeSchema = z.enum(IMPORT_OUTCOMES);
export const IMPORT_MODES = ['all_or_nothing', 'partial'] as const;
export const importModeSchema = z.enum(IMPORT_MODES);

export const importLogEntrySchema = z.object({
  importId: z.string(),
  startedAt: z.string(),
  actor: z.string(),
  mode: importModeSchema,
  files: z.array(z.string()).readonly(),
  rowsRead: z.number(),
  rowsRejected: z.number(),
  outcome: importOutcomeSchema,
});
export type ImportLogEntry = z.infer<typeof importLogEntrySchema>;

export const partnerStatusSchema = z.object({
  partnerId: z.string(),
  customers: z.number(),
  users: z.number(),
  products: z.object({ catalog: z.number(), custom: z.number(), unknown: z.number() }),
  subscriptions: z.number(),
  licenseAssignments: z.number(),
  /** Number of (user, workload, day) activity facts. */
  activityFacts: z.number(),
  supportRequests: z.number(),
  coverage: z.array(sourceCoverageSchema).readonly(),
  warnings: z.array(statusWarningSchema).readonly(),
  recentImports: z.array(importLogEntrySchema).readonly(),
  /** Days daily metrics were computed for, and how many customers changed since (null: never computed). */
  metrics: z.object({ firstDay: daySchema, lastDay: daySchema, outOfDate: z.number() }).nullable(),
});
export type PartnerStatus = z.infer<typeof partnerStatusSchema>;

/** What the store reports (the store's own part of the status). */
export const storeStatusSchema = z.object({
  store: z.string(),
  engine: z.enum(['duckdb', 'postgres']),
  schemaVersion: z.number(),
  partners: z.array(partnerStatusSchema).readonly(),
});
export type StoreStatus = z.infer<typeof storeStatusSchema>;

export const statusRequestSchema = z.object({
  /** Only this partner (it must exist); every partner when absent. */
  partnerId: z.string().min(1).optional(),
  /**
   * Only these customers of the partner (a staff account's scope, by id): counts, coverage,
   * warnings and out-of-date metrics over them; every customer when absent. Needs `partnerId`.
   */
  customerIds: z.array(z.string()).readonly().optional(),
});
export type StatusRequest = z.infer<typeof statusRequestSchema>;

export const statusResponseSchema = storeStatusSchema.extend({
  /** Version of the shipped SKU catalog. */
  catalogVersion: z.string(),
});
export type StatusResponse = z.infer<typeof statusResponseSchema>;
