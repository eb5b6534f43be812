/**
 * One metrics row of SPEC §4 from its stored counts and reason ingredients: what the engine wrote
 * and the store reads back, with percentages and reasons from the one definition (definitions.ts)
 * and what the data can tell (SPEC §2.3).
 */
import type { ProductDayMetrics, WorkloadCode } from '@license-insights/contracts';
import { figuresOf } from './definitions';
import { PARTIAL, UNKNOWN } from './measured';

/** One metrics row from its counts and reason ingredients; `usage` is the stored state (measured.ts). */
export function metricsRowOf(x: {
  readonly customerId: string;
  readonly productId: string;
  readonly workload: WorkloadCode | 'ALL';
  readonly day: string;
  readonly sold: number;
  readonly soldOwn: number;
  readonly assigned: number;
  readonly active: number;
  readonly rotation: number;
  readonly unlicensed: number;
  readonly trial: number;
  readonly noncounted: number;
  readonly usage: number;
}): ProductDayMetrics {
  const known = x.usage !== UNKNOWN;
  return {
    customerId: x.customerId,
    productId: x.productId,
    workload: x.workload,
    day: x.day,
    sold: x.sold,
    soldOwn: x.soldOwn,
    assigned: x.assigned,
    active: known ? x.active : null,
    ...figuresOf({ ...x, active: known ? x.active : null, usageSold: x.sold }),
    usageKnown: known,
    partialWindow: x.usage === PARTIAL,
  };
}
