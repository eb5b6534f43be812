/**
 * The production metric engine: every metric of SPEC §2 for one customer and every day of a range
 * at once, in typed arrays. Same definitions as reference.ts (the oracle it is tested against), but
 * computed with intervals and difference arrays instead of day-by-day searches:
 * - a fact on day f while holding P makes the user active for P on D ∈ [f, f+27]; the union of
 *   those intervals over a user's facts is added once to a difference array of the row;
 * - holdings are intervals too (assignment ∩ not deleted), so assigned counts are interval sums;
 * - subscription states are step functions, the 28-day "was … at some day of the window"
 *   capacities are sliding maxima.
 * Work is proportional to the number of facts and intervals, not to users × days. Pure and IO-free.
 */
import type { SubscriptionStatus, WorkloadCode } from '@license-insights/contracts';
import { WINDOW_DAYS } from './reference';
import { subscriptionSeries } from './subscription-series';

export interface EngineSnapshot {
  readonly asOf: number;
  readonly quantity: number;
  readonly status: SubscriptionStatus;
  readonly isTrial: boolean;
  readonly own: boolean;
}

export interface EngineInput {
  /** Products of the customer (with a subscription or an assignment), sorted by id. */
  readonly products: readonly {
    readonly productId: string;
    readonly workloads: readonly WorkloadCode[];
    readonly openWorkloads: readonly WorkloadCode[];
  }[];
  /** Per subscription: its product (index) and snapshots sorted by asOf. */
  readonly subscriptions: readonly {
    readonly product: number;
    readonly snapshots: readonly EngineSnapshot[];
  }[];
  /** Deletion day per user index (null: never deleted). */
  readonly deletedOn: readonly (number | null)[];
  readonly assignments: readonly {
    readonly user: number;
    readonly product: number;
    readonly from: number;
    readonly to: number | null;
  }[];
  /** Activity facts per user and workload, as sorted day lists. */
  readonly facts: ReadonlyMap<number, ReadonlyMap<WorkloadCode, readonly number[]>>;
}

/** Series for one row (product × workload or ALL), one value per day of the range. */
export interface RowSeries {
  readonly product: number;
  readonly workload: WorkloadCode | 'ALL';
  readonly active: Int32Array;
  readonly rotation: Int32Array;
  readonly unlicensed: Int32Array;
}

export interface ProductSeries {
  readonly sold: Int32Array;
  readonly soldOwn: Int32Array;
  readonly assigned: Int32Array;
  /** Capacity that explains an excess: trial subscriptions active in the window. */
  readonly trial: Int32Array;
  /** Capacity of non-trial subscriptions not counted on D but active, expired or disabled in the window. */
  readonly noncounted: Int32Array;
}

export interface EngineOutput {
  /** First day (day number) of the series. */
  readonly first: number;
  readonly days: number;
  readonly products: readonly ProductSeries[];
  /** Per product: the ALL row then one row per workload, in catalog order. */
  readonly rows: readonly RowSeries[];
}

/** Sorted, disjoint half-open intervals [s, e) as a flat list. */
type Intervals = number[];

function addInterval(out: Intervals, s: number, e: number): void {
  const n = out.length;
  if (n > 0 && s <= (out[n - 1] as number)) {
    if (e > (out[n - 1] as number)) out[n - 1] = e;
  } else out.push(s, e);
}

/** Union of [f, f + 28) over sorted fact days. */
function windowCover(days: readonly number[]): Intervals {
  const out: Intervals = [];
  for (const f of days) addInterval(out, f, f + WINDOW_DAYS);
  return out;
}

function contains(iv: Intervals, d: number): boolean {
  for (let i = 0; i < iv.length; i += 2) {
    if (d < (iv[i] as number)) return false;
    if (d < (iv[i + 1] as number)) return true;
  }
  return false;
}

/** a minus b, both sorted and disjoint. */
function subtract(a: Intervals, b: Intervals): Intervals {
  const out: Intervals = [];
  let j = 0;
  for (let i = 0; i < a.length; i += 2) {
    let s = a[i] as number;
    const e = a[i + 1] as number;
    while (j < b.length && (b[j + 1] as number) <= s) j += 2;
    let k = j;
    while (s < e && k < b.length && (b[k] as number) < e) {
      const bs = b[k] as number;
      const be = b[k + 1] as number;
      if (bs > s) out.push(s, bs);
      s = Math.max(s, be);
      k += 2;
    }
    if (s < e) out.push(s, e);
  }
  return out;
}

function union(lists: readonly Intervals[]): Intervals {
  const all: [number, number][] = [];
  for (const l of lists) for (let i = 0; i < l.length; i += 2) all.push([l[i] as number, l[i + 1] as number]);
  all.sort((x, y) => x[0] - y[0]);
  const out: Intervals = [];
  for (const [s, e] of all) addInterval(out, s, e);
  return out;
}

/** Adds 1 over each interval (clipped to the range) into a difference array. */
function addCover(diff: Int32Array, iv: Intervals, first: number): void {
  const n = diff.length - 1;
  for (let i = 0; i < iv.length; i += 2) {
    const s = Math.max(0, (iv[i] as number) - first);
    const e = Math.min(n, (iv[i + 1] as number) - first);
    if (s < e) {
      (diff[s] as number)++;
      (diff[e] as number)--;
    }
  }
}

function prefixSum(diff: Int32Array): Int32Array {
  const out = new Int32Array(diff.length - 1);
  let acc = 0;
  for (let i = 0; i < out.length; i++) {
    acc += diff[i] as number;
    out[i] = acc;
  }
  return out;
}

/** Facts of a user in workload w on days they held P (intervals). */
function factsWhileHolding(days: readonly number[] | undefined, holding: Intervals): number[] {
  if (days === undefined || holding.length === 0) return [];
  const out: number[] = [];
  let j = 0;
  for (const d of days) {
    while (j < holding.length && (holding[j + 1] as number) <= d) j += 2;
    if (j < holding.length && (holding[j] as number) <= d) out.push(d);
  }
  return out;
}

/**
 * Computes every series for days first … first + days − 1. Facts before `first − 27` do not matter;
 * the caller may leave them out.
 */
export function computeCustomerSeries(input: EngineInput, first: number, days: number): EngineOutput {
  const end = first + days; // exclusive
  const nProducts = input.products.length;

  // Holdings per user and product: assignment intervals, merged, cut at deletion.
  const holdings = new Map<number, Intervals[]>(); // user → per product intervals
  const byUser = new Map<number, [number, number][][]>();
  for (const a of input.assignments) {
    let lists = byUser.get(a.user);
    if (lists === undefined) {
      lists = Array.from({ length: nProducts }, () => []);
      byUser.set(a.user, lists);
    }
    const del = input.deletedOn[a.user] ?? null;
    const to = a.to === null ? Number.MAX_SAFE_INTEGER : a.to;
    const e = del === null ? to : Math.min(to, del);
    if (a.from < e) lists[a.product]?.push([a.from, e]);
  }
  for (const [user, lists] of byUser) {
    holdings.set(
      user,
      lists.map((l) => {
        l.sort((x, y) => x[0] - y[0]);
        const out: Intervals = [];
        for (const [s, e] of l) addInterval(out, s, e);
        return out;
      }),
    );
  }

  // Subscriptions: sold, sold own, and the capacities that explain an excess.
  const products = subscriptionSeries(nProducts, input.subscriptions, first, days);

  // Open workloads: each day, the product that takes unlicensed users (most sold, lowest id).
  const openTargets = new Map<WorkloadCode, { including: number[]; target: Int32Array }>();
  for (const prod of input.products) {
    for (const w of prod.openWorkloads) {
      if (openTargets.has(w)) continue;
      const including = input.products.flatMap((q, i) => (q.workloads.includes(w) ? [i] : []));
      if (including.length === 0) continue;
      const target = new Int32Array(days);
      for (let i = 0; i < days; i++) {
        let best = -1;
        for (const q of including) {
          if (best < 0 || (products[q]?.sold[i] ?? 0) > (products[best]?.sold[i] ?? 0)) best = q;
        }
        target[i] = best;
      }
      openTargets.set(w, { including, target });
    }
  }

  // Rows and their difference arrays.
  const rowIndex: number[][] = [];
  const rowKeys: { product: number; workload: WorkloadCode | 'ALL' }[] = [];
  input.products.forEach((prod, p) => {
    const idx: number[] = [rowKeys.length];
    rowKeys.push({ product: p, workload: 'ALL' });
    for (const w of prod.workloads) {
      idx.push(rowKeys.length);
      rowKeys.push({ product: p, workload: w });
    }
    rowIndex.push(idx);
  });
  const activeDiff = rowKeys.map(() => new Int32Array(days + 1));
  const rotationDiff = rowKeys.map(() => new Int32Array(days + 1));
  const unlicensed = rowKeys.map(() => new Int32Array(days));
  const assignedDiff = input.products.map(() => new Int32Array(days + 1));

  const users = new Set<number>([...holdings.keys(), ...input.facts.keys()]);
  for (const u of users) {
    const held = holdings.get(u);
    const facts = input.facts.get(u);
    // Licensed activity cover per row (kept for the open-workload rule below).
    const covers = new Map<number, Intervals>();
    if (held !== undefined) {
      input.products.forEach((prod, p) => {
        const h = held[p] ?? [];
        if (h.length === 0) return;
        addCover(assignedDiff[p] as Int32Array, h, first);
        const perWorkload: Intervals[] = [];
        prod.workloads.forEach((w, wi) => {
          const f = factsWhileHolding(facts?.get(w), h);
          if (f.length === 0) return;
          const cover = windowCover(f);
          perWorkload.push(cover);
          const r = rowIndex[p]?.[wi + 1] as number;
          covers.set(r, cover);
          addCover(activeDiff[r] as Int32Array, cover, first);
          addCover(rotationDiff[r] as Int32Array, subtract(cover, h), first);
        });
        if (perWorkload.length > 0) {
          const all = union(perWorkload);
          const r = rowIndex[p]?.[0] as number;
          covers.set(r, all);
          addCover(activeDiff[r] as Int32Array, all, first);
          addCover(rotationDiff[r] as Int32Array, subtract(all, h), first);
        }
      });
    }
    if (facts === undefined || openTargets.size === 0) continue;
    // Unlicensed use of open workloads, counted once in the target product's rows.
    const extraAllDays = new Map<number, Set<number>>(); // ALL row → days already counted
    for (const [w, { including, target }] of openTargets) {
      const days_ = facts.get(w);
      if (days_ === undefined) continue;
      const unl = days_.filter((d) => !including.some((q) => contains(held?.[q] ?? [], d)));
      if (unl.length === 0) continue;
      const cover = windowCover(unl);
      for (let i = 0; i < cover.length; i += 2) {
        const s = Math.max(first, cover[i] as number);
        const e = Math.min(end, cover[i + 1] as number);
        for (let d = s; d < e; d++) {
          const q = target[d - first] as number;
          const prod = input.products[q];
          if (prod === undefined) continue;
          const wRow = rowIndex[q]?.[prod.workloads.indexOf(w) + 1] as number;
          const wSeries = unlicensed[wRow] as Int32Array;
          if (!contains(covers.get(wRow) ?? [], d)) wSeries[d - first] = (wSeries[d - first] ?? 0) + 1;
          const allRow = rowIndex[q]?.[0] as number;
          if (!contains(covers.get(allRow) ?? [], d)) {
            let seen = extraAllDays.get(allRow);
            if (seen === undefined) {
              seen = new Set();
              extraAllDays.set(allRow, seen);
            }
            if (!seen.has(d)) {
              seen.add(d);
              const allSeries = unlicensed[allRow] as Int32Array;
              allSeries[d - first] = (allSeries[d - first] ?? 0) + 1;
            }
          }
        }
      }
    }
  }

  products.forEach((p, i) => {
    p.assigned.set(prefixSum(assignedDiff[i] as Int32Array));
  });
  const rows: RowSeries[] = rowKeys.map((k, r) => {
    const licensed = prefixSum(activeDiff[r] as Int32Array);
    const extra = unlicensed[r] as Int32Array;
    const active = new Int32Array(days);
    for (let i = 0; i < days; i++) active[i] = (licensed[i] as number) + (extra[i] as number);
    return { ...k, active, rotation: prefixSum(rotationDiff[r] as Int32Array), unlicensed: extra };
  });
  return { first, days, products, rows };
}
