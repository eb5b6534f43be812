/**
 * Whether stored metrics still match the data: imports mark the customers they change (from the
 * first changed day) and may add days past the last computed one; only `insights compute` brings
 * the metrics back in line. Reports and recommendations carry this signal (`stale`) so that no
 * adapter prints old numbers silently.
 */
import type { StaleMetrics } from '@license-insights/contracts';
import { addDays } from '../dates';
import type { MetricsPlan, StoreReader } from '../store/store';

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
