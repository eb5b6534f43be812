/**
 * The shapes the metric engine works in: subscription snapshots as day numbers, and the daily
 * series of a customer (per product, and per row: a product × workload or the product's ALL row).
 */
import type { SubscriptionStatus, WorkloadCode } from '@license-insights/contracts';

export interface EngineSnapshot {
  readonly asOf: number;
  readonly quantity: number;
  readonly status: SubscriptionStatus;
  readonly isTrial: boolean;
  readonly own: boolean;
}

/** Series for one row (product × workload or ALL), one value per day of the range. */
export interface RowSeries {
  readonly product: number;
  readonly workload: WorkloadCode | 'ALL';
  /** Active users (licensed plus unlicensed open-workload use); 0 where usage is not known. */
  readonly active: Int32Array;
  readonly rotation: Int32Array;
  readonly unlicensed: Int32Array;
  /** What the data can tell (measured.ts): 0 not known, 1 known, 2 known over a partial window. */
  readonly usage: Int32Array;
}

export interface ProductSeries {
  readonly sold: Int32Array;
  readonly soldOwn: Int32Array;
  readonly assigned: Int32Array;
  /** Capacity that explains an excess: trial subscriptions active in the window. */
  readonly trial: Int32Array;
  /** Capacity of non-trial subscriptions not counted on D but active, expired or disabled in the window. */
  readonly noncounted: Int32Array;
}

export interface EngineOutput {
  /** First day (day number) of the series. */
  readonly first: number;
  readonly days: number;
  readonly products: readonly ProductSeries[];
  /** Per product: the ALL row then one row per workload, in catalog order. */
  readonly rows: readonly RowSeries[];
}
