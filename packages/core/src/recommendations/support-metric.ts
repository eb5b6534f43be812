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

const k = (...parts: readonly (string | null)[]) => parts.map((p) => p ?? '').join('\u0000');

export function composeSupportMetrics(
  counts: readonly SupportCount[],
  activeUsers: readonly ActiveUserCount[],
  metrics: readonly ProductDayMetrics[],
): SupportMetric[] {
  const users = new Map(activeUsers.map((a) => [k(a.customerId, a.day, a.workload), a.users]));
  const productActive = new Map(
    metrics.map((m) => [k(m.customerId, m.day, m.productId, m.workload), m.active]),
  );
  const out = new Map<string, SupportMetric>();
  const add = (c: Omit<SupportMetric, 'activeUsers' | 'howToPer100'>) => {
    const active =
      c.productId === null
        ? (users.get(k(c.customerId, c.day, c.workload)) ?? 0)
        : (productActive.get(k(c.customerId, c.day, c.productId, c.workload ?? 'ALL')) ?? 0);
    out.set(k(c.customerId, c.day, c.productId, c.workload), {
      ...c,
      activeUsers: active,
      howToPer100: active === 0 ? null : (c.howTo / active) * 100,
    });
  };
  for (const c of counts) add(c);
  // Every customer with active people has a whole-customer value each day, 0 when nobody asked.
  for (const a of activeUsers) {
    if (a.workload !== null || out.has(k(a.customerId, a.day, null, null))) continue;
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
  return [...out.values()].sort(
    (a, b) =>
      cmp(a.customerId, b.customerId) ||
      cmp(a.day, b.day) ||
      cmp(a.productId ?? '', b.productId ?? '') ||
      cmp(a.workload ?? '', b.workload ?? ''),
  );
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
