/**
 * Typed metric and sum runs as sorted tuples, ids in place of indexes: two stores (or two computes)
 * answered alike when their tuples are equal (the order of runs is not part of the answer).
 */
import type { MetricRunColumns, SumRunColumns } from '@license-insights/core/store';
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
