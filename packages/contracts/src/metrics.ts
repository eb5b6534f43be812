/**
 * The metrics row of SPEC §4 (one per customer × product × workload, `ALL` for the product as a
 * whole), the reason codes of SPEC §2.1, roll-up totals and usage bands. Browser-safe: the API and
 * the web app share it.
 */
import { z } from 'zod';
import type { WorkloadCode } from './codes';

export const USAGE_REASON_CODES = [
  'ROTATION',
  'UNLICENSED_WORKLOAD_USE',
  'TRIAL',
  'NONCOUNTED_SUBSCRIPTION',
  'UNEXPLAINED',
] as const;
export const reasonCodeSchema = z.enum(USAGE_REASON_CODES);
export type ReasonCode = z.infer<typeof reasonCodeSchema>;
export const DEPLOYMENT_REASON_CODES = ['TRIAL', 'NONCOUNTED_SUBSCRIPTION', 'UNEXPLAINED'] as const;

/** Components of an excess over 100 %, in decomposition order; only non-zero components appear. */
export const reasonsSchema = z.partialRecord(reasonCodeSchema, z.number());
export type Reasons = z.infer<typeof reasonsSchema>;

/**
 * What the data can tell of a row's usage on its day (SPEC §2.3): not known (no source measures
 * the row's workload, or none of the product's workloads, on that day), known, or known over a
 * partial window (the 28-day window reaches back before the data).
 */
export const USAGE_STATES = ['unknown', 'known', 'partial'] as const;
export const usageStateSchema = z.enum(USAGE_STATES);
export type UsageState = z.infer<typeof usageStateSchema>;

export interface ProductDayMetrics {
  readonly customerId: string;
  readonly productId: string;
  /** A workload of the product, or `ALL` for the product as a whole. */
  readonly workload: WorkloadCode | 'ALL';
  readonly day: string;
  readonly sold: number;
  readonly soldOwn: number;
  readonly assigned: number;
  /**
   * Users active in the window (SPEC §2); for `ALL`, in the product's workloads measured on the
   * day. Null when usage is not known (§2.3): never 0 for "no data".
   */
  readonly active: number | null;
  /** assigned / sold × 100; null when sold = 0. Never clamped. */
  readonly deploymentPercent: number | null;
  /** active / sold × 100; null when sold = 0 or usage is not known. Never clamped. */
  readonly usagePercent: number | null;
  /** Null when usage is not known. */
  readonly usageReasons: Reasons | null;
  readonly deploymentReasons: Reasons;
  /** Usage known on the day (a source measures the workload, or for ALL one of the product's). */
  readonly usageKnown: boolean;
  /** Usage known, but the 28-day window reaches back before the data (§2.3): shown, marked. */
  readonly partialWindow: boolean;
}

/** The view of a report: all channels, or only products the partner sold itself. */
export const CHANNEL_VIEWS = ['all', 'own'] as const;
export const channelViewSchema = z.enum(CHANNEL_VIEWS, { error: 'must be all or own' });
export type ChannelView = z.infer<typeof channelViewSchema>;

/** The metrics row of SPEC §4, the same in CLI csv/json output, exports and the API. */
export const metricsRowSchema = z.object({
  /** The as-of day D. */
  processedDateTime: z.string(),
  customerTenantId: z.string(),
  customerName: z.string(),
  serviceCode: z.string(),
  serviceName: z.string(),
  productId: z.string(),
  productName: z.string(),
  /** The view: all channels, or only products the partner sold itself. */
  channel: channelViewSchema,
  workloadCode: z.string(),
  workloadName: z.string(),
  licensesSold: z.number(),
  licensesSoldOwn: z.number(),
  licensesDeployed: z.number(),
  /** Null when usage is not known (SPEC §2.3). */
  licensesActive: z.number().nullable(),
  /** = licensesSold, for Partner Center compatibility. */
  licensesQualified: z.number(),
  deploymentPercent: z.number().nullable(),
  /** Null when sold = 0 or usage is not known. */
  usagePercent: z.number().nullable(),
  /** Null when usage is not known. */
  usageReasons: reasonsSchema.nullable(),
  deploymentReasons: reasonsSchema,
  /** Whether the data can tell this row's usage on the day (SPEC §2.3). */
  usageKnown: z.boolean(),
  /** Usage known over a partial window: the 28 days reach back before the data. */
  partialWindow: z.boolean(),
});
export type MetricsRow = z.infer<typeof metricsRowSchema>;

export const METRICS_ROW_COLUMNS = [
  'processedDateTime',
  'customerTenantId',
  'customerName',
  'serviceCode',
  'serviceName',
  'productId',
  'productName',
  'channel',
  'workloadCode',
  'workloadName',
  'licensesSold',
  'licensesSoldOwn',
  'licensesDeployed',
  'licensesActive',
  'licensesQualified',
  'deploymentPercent',
  'usagePercent',
  'usageReasons',
  'deploymentReasons',
  'usageKnown',
  'partialWindow',
] as const satisfies readonly (keyof MetricsRow)[];

/** `ROTATION:1;TRIAL:3`, the CSV form of reasons (empty when none or not known). */
export function formatReasons(r: Reasons | null): string {
  if (r === null) return '';
  return Object.entries(r)
    .filter(([, v]) => (v ?? 0) > 0)
    .map(([k, v]) => `${k}:${v}`)
    .join(';');
}

/**
 * Counts of a roll-up (ratios of sums) and the decomposition of its excesses. Deployment sums every
 * row; usage sums active and sold over the rows whose usage is known (SPEC §2.3).
 */
export const totalsSchema = z.object({
  sold: z.number(),
  soldOwn: z.number(),
  assigned: z.number(),
  /** Σ active over the rows with known usage; null when no row's usage is known. */
  active: z.number().nullable(),
  /** Σ sold over the rows with known usage: the usage denominator. */
  soldMeasured: z.number(),
  /** Σ sold over the rows whose usage is not known: licenses whose usage is not measured. */
  soldNotMeasured: z.number(),
  /** Some row's usage is known over a partial window only. */
  partialWindow: z.boolean(),
  deploymentPercent: z.number().nullable(),
  /** Σ active / Σ sold over the rows with known usage; null when that sold is 0. */
  usagePercent: z.number().nullable(),
  /** Null when no row's usage is known. */
  usageReasons: reasonsSchema.nullable(),
  deploymentReasons: reasonsSchema,
});
export type Totals = z.infer<typeof totalsSchema>;

/**
 * Usage bands of customers (from their rows with known usage): `unmeasured` when the data tells
 * the usage of none of the licenses sold, `none` when nothing is sold.
 */
export const USAGE_BANDS = ['<25', '25-50', '50-75', '75-100', '>100', 'unmeasured', 'none'] as const;
export const usageBandSchema = z.enum(USAGE_BANDS);
export type UsageBand = z.infer<typeof usageBandSchema>;
