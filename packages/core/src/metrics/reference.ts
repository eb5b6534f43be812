/**
 * The reference implementation of the metrics of SPEC §2, for one customer and one day D: simple,
 * obviously right, slow. It is the oracle the production engine is tested against, and the
 * executable form of docs/metrics.md. Pure and IO-free.
 *
 * Definitions (SPEC §2, with the choices the spec leaves open written down):
 * - A subscription's state on d is its latest snapshot with as_of ≤ d (none before its first).
 * - sold(P, D): Σ quantity of P's subscriptions whose state on D is active and not a trial (all
 *   channels); sold_own: the same, channel own.
 * - A user holds P on d when an assignment of P has assigned_on ≤ d < unassigned_on (or none) and
 *   the user is not deleted on d (deleted_on ≤ d). assigned(P, D): users holding P on D.
 * - active(P, W, D): users with activity in W on some d of the window D−27…D while holding P on d.
 *   active(P, ALL, D): users active in any workload of P by that rule.
 * - Open workloads (catalog `openWorkloads`, e.g. YAM): a user active in W in the window who held no
 *   product including W on any of their W activity days in the window is an unlicensed W user. Each
 *   is counted once, in the customer's product that includes W with the most licenses sold on D
 *   (ties: lowest product id as text; the customer's products are those with a row on D, i.e. with
 *   a subscription or an assignment), in its W row and ALL row — unless already counted there. A
 *   user who held such a product on at least one W activity day counts only where licensed.
 * - What the data can tell (§2.3): a W row's usage is known on D when a source measures W on D
 *   (measured.ts); the ALL row's when one of the product's workloads is measured, counting users
 *   active in the measured ones. Unknown usage is null (active, usage %, usage reasons). Known
 *   usage whose 28-day window reaches back before the data is marked partial.
 * - Reasons for active > sold (and assigned > sold) are taken in SPEC order, each capped at what is
 *   still unexplained: ROTATION (counted active, not holding P on D), UNLICENSED_WORKLOAD_USE
 *   (counted only through the open-workload rule), TRIAL (Σ over trial subscriptions of P active on
 *   some window day of their largest quantity on such a day), NONCOUNTED_SUBSCRIPTION (the same
 *   over non-trial subscriptions not counted on D that were active, expired or disabled on some
 *   window day), UNEXPLAINED (the rest).
 */
import type {
  CatalogProduct,
  Channel,
  ProductDayMetrics,
  SubscriptionStatus,
  WorkloadCode,
} from '@license-insights/contracts';
import { dayOf, formatDay } from '../dates';
import { figuresOf, WINDOW_DAYS } from './definitions';
import { combineStates, type MeasuredSources, PARTIAL, UNKNOWN, usageStateOf } from './measured';

export interface SnapshotInput {
  readonly asOf: string;
  readonly quantity: number;
  readonly status: SubscriptionStatus;
  readonly isTrial: boolean;
  readonly channel: Channel;
}

export interface SubscriptionInput {
  readonly subscriptionId: string;
  readonly productId: string;
  readonly snapshots: readonly SnapshotInput[];
}

export interface CustomerInput {
  readonly customerId: string;
  /** Catalog entries of the products the customer has (unknown products: no workloads). */
  readonly products: readonly Pick<CatalogProduct, 'productId' | 'workloads' | 'openWorkloads'>[];
  readonly subscriptions: readonly SubscriptionInput[];
  readonly users: readonly { readonly userId: string; readonly deletedOn: string | null }[];
  readonly assignments: readonly {
    readonly userId: string;
    readonly productId: string;
    readonly assignedOn: string;
    readonly unassignedOn: string | null;
  }[];
  readonly activity: readonly {
    readonly userId: string;
    readonly workload: WorkloadCode;
    readonly date: string;
  }[];
  /** The customer's activity sources (SPEC §2.3): which workloads are measured on which days. */
  readonly measured: {
    /** Canonical activity imports: each measures `workload` from its first fact date `from` on. */
    readonly canonical: readonly { readonly workload: WorkloadCode; readonly from: string }[];
    /** Graph active-user reports (period in days; under 28 measures nothing). */
    readonly graph: readonly { readonly refreshDate: string; readonly periodDays: number }[];
  };
}

/** The measured sources in day numbers. */
export function measuredSourcesOf(m: CustomerInput['measured']): MeasuredSources {
  return {
    canonical: m.canonical.map((c) => ({ workload: c.workload, from: dayOf(c.from) })),
    graph: m.graph.map((g) => ({ day: dayOf(g.refreshDate), periodDays: g.periodDays })),
  };
}

function stateOn(s: SubscriptionInput, d: number): SnapshotInput | undefined {
  let best: SnapshotInput | undefined;
  for (const snap of s.snapshots) {
    if (dayOf(snap.asOf) <= d && (best === undefined || dayOf(snap.asOf) > dayOf(best.asOf))) best = snap;
  }
  return best;
}

export function referenceCustomerMetrics(input: CustomerInput, date: string): ProductDayMetrics[] {
  const D = dayOf(date);
  const from = D - WINDOW_DAYS + 1;
  const measured = measuredSourcesOf(input.measured);
  const stateOf = (w: WorkloadCode) => usageStateOf(measured, w, D);
  const deleted = new Map(
    input.users.map((u) => [u.userId, u.deletedOn === null ? null : dayOf(u.deletedOn)]),
  );
  const holds = (userId: string, productId: string, d: number): boolean => {
    const del = deleted.get(userId);
    if (del !== undefined && del !== null && del <= d) return false;
    return input.assignments.some(
      (a) =>
        a.userId === userId &&
        a.productId === productId &&
        dayOf(a.assignedOn) <= d &&
        (a.unassignedOn === null || d < dayOf(a.unassignedOn)),
    );
  };
  const products = new Map(input.products.map((p) => [p.productId, p]));
  const customerProducts = [
    ...new Set([
      ...input.subscriptions.map((s) => s.productId),
      ...input.assignments.map((a) => a.productId),
    ]),
  ].sort();
  const sold = (productId: string, own: boolean): number =>
    input.subscriptions
      .filter((s) => s.productId === productId)
      .reduce((sum, s) => {
        const st = stateOn(s, D);
        return st !== undefined && st.status === 'active' && !st.isTrial && (!own || st.channel === 'own')
          ? sum + st.quantity
          : sum;
      }, 0);
  const soldOf = new Map(customerProducts.map((p) => [p, sold(p, false)]));
  const workloadsOf = (productId: string): readonly WorkloadCode[] =>
    products.get(productId)?.workloads ?? [];
  const inWindow = input.activity.filter((a) => {
    const d = dayOf(a.date);
    return d >= from && d <= D;
  });

  // Open workloads: who used W in the window without holding a product including W on any of
  // their W activity days there (a user licensed on one of those days counts only where licensed).
  const attributedTo = new Map<WorkloadCode, string>();
  const unlicensed = new Map<WorkloadCode, Set<string>>();
  const openWorkloads = new Set(customerProducts.flatMap((p) => [...(products.get(p)?.openWorkloads ?? [])]));
  for (const w of openWorkloads) {
    const including = customerProducts.filter((p) => workloadsOf(p).includes(w));
    const target = [...including].sort(
      (a, b) => (soldOf.get(b) ?? 0) - (soldOf.get(a) ?? 0) || (a < b ? -1 : a > b ? 1 : 0),
    )[0];
    if (target === undefined) continue;
    attributedTo.set(w, target);
    const used = new Set<string>();
    const licensedSomeDay = new Set<string>();
    for (const a of inWindow) {
      if (a.workload !== w) continue;
      used.add(a.userId);
      const d = dayOf(a.date);
      if (including.some((p) => holds(a.userId, p, d))) licensedSomeDay.add(a.userId);
    }
    unlicensed.set(w, new Set([...used].filter((u) => !licensedSomeDay.has(u))));
  }

  // Capacities that explain an excess.
  const capacity = (productId: string, trial: boolean): number => {
    let total = 0;
    for (const s of input.subscriptions) {
      if (s.productId !== productId) continue;
      let largest = 0;
      for (let d = from; d <= D; d++) {
        const st = stateOn(s, d);
        if (st === undefined || st.isTrial !== trial) continue;
        if (trial ? st.status === 'active' : ['active', 'expired', 'disabled'].includes(st.status)) {
          largest = Math.max(largest, st.quantity);
        }
      }
      if (!trial) {
        const now = stateOn(s, D);
        if (now !== undefined && now.status === 'active' && !now.isTrial) continue; // counted on D
      }
      total += largest;
    }
    return total;
  };

  const rows: ProductDayMetrics[] = [];
  for (const productId of customerProducts) {
    const s = soldOf.get(productId) ?? 0;
    const soldOwn = sold(productId, true);
    const holders = new Set<string>();
    for (const a of input.assignments)
      if (a.productId === productId && holds(a.userId, productId, D)) holders.add(a.userId);
    const assigned = holders.size;
    const trial = capacity(productId, true);
    const noncounted = capacity(productId, false);
    const base = {
      customerId: input.customerId,
      productId,
      day: formatDay(D),
      sold: s,
      soldOwn,
      assigned,
    };
    const figures = (active: number | null, rotation: number, unlicensed: number) =>
      figuresOf({ sold: s, assigned, active, usageSold: s, rotation, unlicensed, trial, noncounted });
    /** The row of workloads `ws` (one workload, or the product's measured ones for ALL). */
    const rowFor = (
      workload: WorkloadCode | 'ALL',
      ws: readonly WorkloadCode[],
      state: number,
    ): ProductDayMetrics => {
      if (state === UNKNOWN) {
        return {
          ...base,
          workload,
          active: null,
          ...figures(null, 0, 0),
          usageKnown: false,
          partialWindow: false,
        };
      }
      const licensed = new Set<string>();
      for (const a of inWindow) {
        if (ws.includes(a.workload) && holds(a.userId, productId, dayOf(a.date))) licensed.add(a.userId);
      }
      const extra = new Set<string>();
      for (const w of ws) {
        if (attributedTo.get(w) !== productId) continue;
        for (const u of unlicensed.get(w) ?? []) if (!licensed.has(u)) extra.add(u);
      }
      const active = licensed.size + extra.size;
      const rotation = [...licensed].filter((u) => !holds(u, productId, D)).length;
      return {
        ...base,
        workload,
        active,
        ...figures(active, rotation, extra.size),
        usageKnown: true,
        partialWindow: state === PARTIAL,
      };
    };
    const ws = workloadsOf(productId);
    const measuredWs = ws.filter((w) => stateOf(w) !== UNKNOWN);
    rows.push(rowFor('ALL', measuredWs, combineStates(ws.map((w) => stateOf(w)))));
    for (const w of ws) rows.push(rowFor(w, [w], stateOf(w)));
  }
  return rows;
}
