/**
 * Typed metric and sum runs as sorted tuples, ids in place of indexes: two stores (or two computes)
 * answered alike when their tuples are equal (the order of runs is not part of the answer).
 */
import type { MetricRunColumns, Store, StoreReader, SumRunColumns } from '@license-insights/core/store';
import { F } from '@license-insights/core/sums';

export const sumTuples = (r: SumRunColumns): string[] =>
  Array.from({ length: r.count }, (_, i) =>
    JSON.stringify([
      r.customerIds[r.customer[i] as number],
      r.cell[i],
      r.first[i],
      r.last[i],
      ...r.values.slice(i * F, (i + 1) * F),
    ]),
  ).sort();

export const runTuples = (r: MetricRunColumns): string[] =>
  Array.from({ length: r.count }, (_, i) =>
    JSON.stringify([
      r.customerIds[r.customer[i] as number],
      r.productIds[r.product[i] as number],
      r.workload[i],
      r.first[i],
      r.last[i],
      ...r.values.slice(i * 9, (i + 1) * 9),
    ]),
  ).sort();

/**
 * What a compute leaves for a partner, read in one unit: the metric rows of its first, a middle
 * and its last computed day (the first and last of the quarter before any compute), every run and
 * sum as tuples, the plan, and the integrity check.
 */
export function storedMetrics(s: Store, partnerId: string, middle: string) {
  return s.read(async (q: StoreReader) => {
    const plan = await q.metricsPlan(partnerId);
    const first = plan.computed?.firstDay ?? '2026-01-01';
    const last = plan.computed?.lastDay ?? '2026-03-31';
    return {
      plan,
      days: {
        first: await q.dailyMetrics(partnerId, first),
        middle: await q.dailyMetrics(partnerId, middle),
        last: await q.dailyMetrics(partnerId, last),
      },
      sumsAll: sumTuples(await q.sumRuns(partnerId, '2000-01-01', '2100-12-31', 'ALL')),
      sumsEach: sumTuples(await q.sumRuns(partnerId, '2000-01-01', '2100-12-31', 'each')),
      runsAll: runTuples(await q.metricRunColumns(partnerId, '2000-01-01', '2100-12-31', 'ALL', null)),
      runsEach: runTuples(await q.metricRunColumns(partnerId, '2000-01-01', '2100-12-31', 'each', null)),
      integrity: await q.verifyIntegrity(),
    };
  });
}
