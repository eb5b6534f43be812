/**
 * Whether stored metrics still match the data: imports mark the customers they change (from the
 * first changed day) and may add days past the last computed one; only `insights compute` brings
 * the metrics back in line. Reports and recommendations carry this signal (`stale`) so that no
 * adapter prints old numbers silently.
 */
import { addDays } from '../dates';
import type { MetricsPlan, StoreReader } from '../store/store';

export interface StaleMetrics {
  /** Customers (ids, sorted) whose data changed, on or before the day reported, since the metrics were computed. */
  readonly customers: readonly string[];
  /** First changed day among them (null: no customer's metrics of the day are out of date). */
  readonly fromDay: string | null;
  /** Days the data now covers past the last computed day (null: none). */
  readonly uncomputed: { readonly firstDay: string; readonly lastDay: string } | null;
}

/** What is out of date for a report of `day` (over the listed customers, or all); null: nothing. */
export function staleMetricsOf(
  plan: MetricsPlan,
  day: string,
  scope?: readonly string[],
): StaleMetrics | null {
  const only = scope === undefined ? null : new Set(scope);
  const dirty = plan.dirty.filter((d) => d.fromDay <= day && (only === null || only.has(d.customerId)));
  const last = plan.computed?.lastDay ?? null;
  const uncomputed =
    plan.activity !== null && last !== null && plan.activity.lastDay > last
      ? { firstDay: addDays(last, 1), lastDay: plan.activity.lastDay }
      : null;
  if (dirty.length === 0 && uncomputed === null) return null;
  return {
    customers: dirty.map((d) => d.customerId).sort(),
    fromDay: dirty.reduce<string | null>((m, d) => (m === null || d.fromDay < m ? d.fromDay : m), null),
    uncomputed,
  };
}

export async function getStaleMetrics(
  store: StoreReader,
  partnerId: string,
  day: string,
  scope?: readonly string[],
): Promise<StaleMetrics | null> {
  return staleMetricsOf(await store.metricsPlan(partnerId), day, scope);
}
