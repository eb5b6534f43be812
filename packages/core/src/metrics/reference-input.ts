/**
 * The reference's customers as the engine's input, and a day of engine output as metrics rows: how
 * the tests run the engine and the reference (reference.ts) on the same data. Not used at run time.
 */
import { type ProductDayMetrics, WORKLOAD_CODES } from '@license-insights/contracts';
import { dayOf, formatDay } from '../dates';
import { type BitsetInput, OPEN } from './bitset-engine';
import { UNKNOWN } from './measured';
import { type CustomerInput, measuredSourcesOf } from './reference';
import { metricsRowOf } from './rows';
import type { EngineOutput } from './series';

/** The products of a customer as the engine numbers them: those with a subscription or an assignment, sorted. */
export function customerProductIds(input: CustomerInput): string[] {
  return [
    ...new Set([
      ...input.subscriptions.map((s) => s.productId),
      ...input.assignments.map((a) => a.productId),
    ]),
  ].sort();
}

/** The engine's input for a reference customer (facts as day masks per month, as the store holds them). */
export function bitsetInputOf(input: CustomerInput): BitsetInput {
  const productIds = customerProductIds(input);
  const catalog = new Map(input.products.map((p) => [p.productId, p]));
  const productIndex = new Map(productIds.map((p, i) => [p, i]));
  const userIds = [
    ...new Set([
      ...input.users.map((u) => u.userId),
      ...input.assignments.map((a) => a.userId),
      ...input.activity.map((a) => a.userId),
    ]),
  ];
  const userIndex = new Map(userIds.map((u, i) => [u, i]));
  const deleted = new Map(input.users.map((u) => [u.userId, u.deletedOn]));
  const masks = new Map<string, number>(); // user|workload|month → day mask
  for (const a of input.activity) {
    const d = dayOf(a.date);
    const month = dayOf(`${a.date.slice(0, 7)}-01`);
    const key = `${userIndex.get(a.userId)}|${WORKLOAD_CODES.indexOf(a.workload)}|${month}`;
    masks.set(key, ((masks.get(key) ?? 0) | (1 << (d - month))) >>> 0);
  }
  const facts = [...masks].map(([key, days]) => {
    const [u, w, m] = key.split('|').map(Number) as [number, number, number];
    return { u, w, m, days };
  });
  return {
    products: productIds.map((productId) => ({
      productId,
      workloads: catalog.get(productId)?.workloads ?? [],
      openWorkloads: catalog.get(productId)?.openWorkloads ?? [],
    })),
    subscriptions: input.subscriptions.map((s) => ({
      product: productIndex.get(s.productId) as number,
      snapshots: [...s.snapshots]
        .map((x) => ({
          asOf: dayOf(x.asOf),
          quantity: x.quantity,
          status: x.status,
          isTrial: x.isTrial,
          own: x.channel === 'own',
        }))
        .sort((a, b) => a.asOf - b.asOf),
    })),
    users: userIds.length,
    deletedOn: userIds.map((u) => {
      const d = deleted.get(u);
      return d === undefined || d === null ? null : dayOf(d);
    }),
    assignments: {
      count: input.assignments.length,
      user: Int32Array.from(input.assignments.map((a) => userIndex.get(a.userId) as number)),
      product: Int32Array.from(input.assignments.map((a) => productIndex.get(a.productId) as number)),
      from: Int32Array.from(input.assignments.map((a) => dayOf(a.assignedOn))),
      to: Int32Array.from(
        input.assignments.map((a) => (a.unassignedOn === null ? OPEN : dayOf(a.unassignedOn))),
      ),
    },
    facts: {
      count: facts.length,
      user: Int32Array.from(facts.map((f) => f.u)),
      workload: Uint8Array.from(facts.map((f) => f.w)),
      month: Int32Array.from(facts.map((f) => f.m)),
      days: Uint32Array.from(facts.map((f) => f.days)),
    },
    measured: measuredSourcesOf(input.measured),
  };
}

/** The metrics rows of day index `i` of the output (product by product, ALL first). */
export function rowsOfDay(
  customerId: string,
  productIds: readonly string[],
  out: EngineOutput,
  i: number,
): ProductDayMetrics[] {
  const day = formatDay(out.first + i);
  return out.rows.map((r) => {
    const p = out.products[r.product];
    return metricsRowOf({
      customerId,
      productId: productIds[r.product] ?? '',
      workload: r.workload,
      day,
      sold: p?.sold[i] ?? 0,
      soldOwn: p?.soldOwn[i] ?? 0,
      assigned: p?.assigned[i] ?? 0,
      active: r.active[i] ?? 0,
      rotation: r.rotation[i] ?? 0,
      unlicensed: r.unlicensed[i] ?? 0,
      trial: p?.trial[i] ?? 0,
      noncounted: p?.noncounted[i] ?? 0,
      usage: r.usage[i] ?? UNKNOWN,
    });
  });
}
