/**
 * The support metric (issue 4): how-to requests per 100 active users over the 28 days D−27 … D,
 * per customer and per product, workload or product × workload the requests name. Pure: it joins
 * counts the store made.
 *
 * Active users of a scope: the customer (or a workload alone) counts its people with any activity
 * (in that workload) in the window, licensed or not; a product (or product × workload) uses the
 * metric engine's `active` of that product (or workload) on D, so it matches the metrics rows.
 */
import type { ProductDayMetrics, SupportMetric } from '@license-insights/contracts';
import type { ActiveUserCount, SupportCount } from '../store/store';

/** Items grouped by customer (no composite string keys: 10⁵ rows would make as many strings). */
function byCustomer<T extends { readonly customerId: string }>(items: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const x of items) {
    const list = out.get(x.customerId);
    if (list === undefined) out.set(x.customerId, [x]);
    else list.push(x);
  }
  return out;
}

export function composeSupportMetrics(
  counts: readonly SupportCount[],
  activeUsers: readonly ActiveUserCount[],
  metrics: readonly ProductDayMetrics[],
): SupportMetric[] {
  const users = byCustomer(activeUsers);
  const rows = byCustomer(metrics);
  const countsOf = byCustomer(counts);
  const out: SupportMetric[] = [];
  const add = (c: Omit<SupportMetric, 'activeUsers' | 'howToPer100'>) => {
    const active =
      c.productId === null
        ? (users.get(c.customerId)?.find((a) => a.day === c.day && a.workload === c.workload)?.users ?? 0)
        : (rows
            .get(c.customerId)
            ?.find(
              (m) => m.day === c.day && m.productId === c.productId && m.workload === (c.workload ?? 'ALL'),
            )?.active ?? 0);
    out.push({ ...c, activeUsers: active, howToPer100: active === 0 ? null : (c.howTo / active) * 100 });
  };
  for (const c of counts) add(c);
  // Every customer with active people has a whole-customer value each day, 0 when nobody asked.
  for (const a of activeUsers) {
    if (a.workload !== null) continue;
    const asked = countsOf
      .get(a.customerId)
      ?.some((c) => c.day === a.day && c.productId === null && c.workload === null);
    if (asked === true) continue;
    add({
      customerId: a.customerId,
      day: a.day,
      productId: null,
      workload: null,
      howTo: 0,
      problem: 0,
      other: 0,
    });
  }
  return out.sort(
    (a, b) =>
      cmp(a.customerId, b.customerId) ||
      cmp(a.day, b.day) ||
      cmp(a.productId ?? '', b.productId ?? '') ||
      cmp(a.workload ?? '', b.workload ?? ''),
  );
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
