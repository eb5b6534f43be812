/**
 * The metrics row of SPEC §4 (one per customer × product × workload, `ALL` for the product as a
 * whole) and the reason codes of SPEC §2.1. Browser-safe: the API and the web app share it.
 */
import type { WorkloadCode } from './codes';

export const USAGE_REASON_CODES = [
  'ROTATION',
  'UNLICENSED_WORKLOAD_USE',
  'TRIAL',
  'NONCOUNTED_SUBSCRIPTION',
  'UNEXPLAINED',
] as const;
export type ReasonCode = (typeof USAGE_REASON_CODES)[number];
export const DEPLOYMENT_REASON_CODES = ['TRIAL', 'NONCOUNTED_SUBSCRIPTION', 'UNEXPLAINED'] as const;

/** Components of an excess over 100 %, in decomposition order; only non-zero components appear. */
export type Reasons = Partial<Record<ReasonCode, number>>;

export interface ProductDayMetrics {
  readonly customerId: string;
  readonly productId: string;
  /** A workload of the product, or `ALL` for the product as a whole. */
  readonly workload: WorkloadCode | 'ALL';
  readonly day: string;
  readonly sold: number;
  readonly soldOwn: number;
  readonly assigned: number;
  readonly active: number;
  /** assigned / sold × 100; null when sold = 0. Never clamped. */
  readonly deploymentPercent: number | null;
  /** active / sold × 100; null when sold = 0. Never clamped. */
  readonly usagePercent: number | null;
  readonly usageReasons: Reasons;
  readonly deploymentReasons: Reasons;
}

/** The metrics row of SPEC §4, the same in CLI csv/json output, exports and the API. */
export interface MetricsRow {
  /** The as-of day D. */
  readonly processedDateTime: string;
  readonly customerTenantId: string;
  readonly customerName: string;
  readonly serviceCode: string;
  readonly serviceName: string;
  readonly productId: string;
  readonly productName: string;
  /** The view: all channels, or only products the partner sold itself. */
  readonly channel: 'all' | 'own';
  readonly workloadCode: string;
  readonly workloadName: string;
  readonly licensesSold: number;
  readonly licensesSoldOwn: number;
  readonly licensesDeployed: number;
  readonly licensesActive: number;
  /** = licensesSold, for Partner Center compatibility. */
  readonly licensesQualified: number;
  readonly deploymentPercent: number | null;
  readonly usagePercent: number | null;
  readonly usageReasons: Reasons;
  readonly deploymentReasons: Reasons;
}

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
] as const satisfies readonly (keyof MetricsRow)[];

/** `ROTATION:1;TRIAL:3`, the CSV form of reasons (empty when none). */
export function formatReasons(r: Reasons): string {
  return Object.entries(r)
    .filter(([, v]) => (v ?? 0) > 0)
    .map(([k, v]) => `${k}:${v}`)
    .join(';');
}

/** Counts of a roll-up (ratios of sums) and the decomposition of its excesses. */
export interface Totals {
  readonly sold: number;
  readonly soldOwn: number;
  readonly assigned: number;
  readonly active: number;
  readonly deploymentPercent: number | null;
  readonly usagePercent: number | null;
  readonly usageReasons: Reasons;
  readonly deploymentReasons: Reasons;
}

export const USAGE_BANDS = ['<25', '25-50', '50-75', '75-100', '>100', 'none'] as const;
export type UsageBand = (typeof USAGE_BANDS)[number];
