/**
 * Between the engine's arrays and the metrics rows of SPEC §4: the plain customer data turned into
 * engine input, and a day of engine output turned into rows with percentages and reason codes.
 */
import { type ProductDayMetrics, WORKLOAD_CODES, type WorkloadCode } from '@license-insights/contracts';
import { dayOf, formatDay } from '../dates';
import { type BitsetInput, OPEN } from './bitset-engine';
import type { EngineInput, EngineOutput } from './engine';
import { type CustomerInput, decompose } from './reference';

export function engineInputOf(input: CustomerInput): EngineInput {
  const productIds = [
    ...new Set([
      ...input.subscriptions.map((s) => s.productId),
      ...input.assignments.map((a) => a.productId),
    ]),
  ].sort();
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
  const facts = new Map<number, Map<WorkloadCode, number[]>>();
  for (const a of input.activity) {
    const u = userIndex.get(a.userId) as number;
    let m = facts.get(u);
    if (m === undefined) {
      m = new Map();
      facts.set(u, m);
    }
    const list = m.get(a.workload) ?? [];
    list.push(dayOf(a.date));
    m.set(a.workload, list);
  }
  for (const m of facts.values())
    for (const [w, l] of m)
      m.set(
        w,
        [...new Set(l)].sort((x, y) => x - y),
      );
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
    deletedOn: userIds.map((u) => {
      const d = deleted.get(u);
      return d === undefined || d === null ? null : dayOf(d);
    }),
    assignments: input.assignments.map((a) => ({
      user: userIndex.get(a.userId) as number,
      product: productIndex.get(a.productId) as number,
      from: dayOf(a.assignedOn),
      to: a.unassignedOn === null ? null : dayOf(a.unassignedOn),
    })),
    facts,
  };
}

/** Engine input with facts as day masks per month (what the store holds), for the bitset engine. */
export function bitsetInputOf(input: EngineInput): BitsetInput {
  const user: number[] = [];
  const workload: number[] = [];
  const month: number[] = [];
  const days: number[] = [];
  for (const [u, byW] of input.facts) {
    for (const [w, list] of byW) {
      const masks = new Map<number, number>();
      for (const d of list) {
        const iso = formatDay(d);
        const m = dayOf(`${iso.slice(0, 7)}-01`);
        masks.set(m, ((masks.get(m) ?? 0) | (1 << (d - m))) >>> 0);
      }
      for (const [m, bits] of masks) {
        user.push(u);
        workload.push(WORKLOAD_CODES.indexOf(w));
        month.push(m);
        days.push(bits);
      }
    }
  }
  return {
    products: input.products,
    subscriptions: input.subscriptions,
    users: input.deletedOn.length,
    deletedOn: input.deletedOn,
    assignments: {
      count: input.assignments.length,
      user: Int32Array.from(input.assignments.map((a) => a.user)),
      product: Int32Array.from(input.assignments.map((a) => a.product)),
      from: Int32Array.from(input.assignments.map((a) => a.from)),
      to: Int32Array.from(input.assignments.map((a) => (a.to === null ? OPEN : a.to))),
    },
    facts: {
      count: user.length,
      user: Int32Array.from(user),
      workload: Uint8Array.from(workload),
      month: Int32Array.from(month),
      days: Uint32Array.from(days),
    },
  };
}

const percent = (part: number, whole: number) => (whole === 0 ? null : (part / whole) * 100);

/** The metrics rows of day index `i` of the output (product by product, ALL first). */
export function rowsOfDay(
  customerId: string,
  engine: EngineInput,
  out: EngineOutput,
  i: number,
): ProductDayMetrics[] {
  const day = formatDay(out.first + i);
  return out.rows.map((r) => {
    const p = out.products[r.product];
    const sold = p?.sold[i] ?? 0;
    const assigned = p?.assigned[i] ?? 0;
    const active = r.active[i] ?? 0;
    const trial = p?.trial[i] ?? 0;
    const noncounted = p?.noncounted[i] ?? 0;
    return {
      customerId,
      productId: engine.products[r.product]?.productId ?? '',
      workload: r.workload,
      day,
      sold,
      soldOwn: p?.soldOwn[i] ?? 0,
      assigned,
      active,
      deploymentPercent: percent(assigned, sold),
      usagePercent: percent(active, sold),
      usageReasons:
        active > sold
          ? decompose(active - sold, [
              ['ROTATION', r.rotation[i] ?? 0],
              ['UNLICENSED_WORKLOAD_USE', r.unlicensed[i] ?? 0],
              ['TRIAL', trial],
              ['NONCOUNTED_SUBSCRIPTION', noncounted],
            ])
          : {},
      deploymentReasons:
        assigned > sold
          ? decompose(assigned - sold, [
              ['TRIAL', trial],
              ['NONCOUNTED_SUBSCRIPTION', noncounted],
            ])
          : {},
    };
  });
}
