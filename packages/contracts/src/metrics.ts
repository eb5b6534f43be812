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
