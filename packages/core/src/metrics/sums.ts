/**
 * The sums a roll-up is made of (SPEC §2 "ratios of sums", §2.3 usage over the rows with known
 * usage): a fixed vector of integers per set of metrics rows, so that any roll-up — a customer, a
 * group, a scope, a whole portfolio, a day of a trend — is the element-wise sum of the vectors of
 * its rows, and `totalsOfSums` turns the sum into `Totals`. One definition: `totalsOf(rows)` in
 * reports/rollup.ts is `totalsOfSums` of its rows' sums, the compute stores per customer and day
 * the sums of its rows (`customer_sums`, built by sum-runs.ts), and the portfolio views add those.
 *
 * The reason components are summed as each row decomposed them (SPEC §2.3: "a roll-up's excess is
 * decomposed with the sums of its rows' components"), so a vector holds the decomposed components,
 * not the raw capacities. Pure and IO-free.
 */
import type { ProductDayMetrics, Totals, UsageBand } from '@license-insights/contracts';
import { capped, figuresOf, percent } from './definitions';
import { PARTIAL, UNKNOWN } from './measured';

/** The fields of a sums vector, in storage order (`customer_sums` columns after the keys). */
export const SUM_FIELDS = [
  /** Metrics rows summed (a customer has a row of the view on the day when > 0). */
  'metric_rows',
  'sold',
  'sold_own',
  'assigned',
  /** Σ active over the rows with known usage. */
  'active',
  /** Σ sold over the rows with known usage (the usage denominator). */
  'sold_known',
  /** Rows with known usage, and of them those over a partial window. */
  'known_rows',
  'partial_rows',
  /** Usage reason components as each row decomposed them. */
  'usage_rotation',
  'usage_unlicensed',
  'usage_trial',
  'usage_noncounted',
  /** Deployment reason components as each row decomposed them. */
  'deployment_trial',
  'deployment_noncounted',
] as const;
export type SumField = (typeof SUM_FIELDS)[number];

/** Length of a sums vector. */
export const F = SUM_FIELDS.length;

// Offsets in a vector.
export const ROWS = 0;
export const SOLD = 1;
export const SOLD_OWN = 2;
export const ASSIGNED = 3;
export const ACTIVE = 4;
export const SOLD_KNOWN = 5;
export const KNOWN = 6;
export const PARTIAL_ROWS = 7;
export const U_ROTATION = 8;
export const U_UNLICENSED = 9;
export const U_TRIAL = 10;
export const U_NONCOUNTED = 11;
export const D_TRIAL = 12;
export const D_NONCOUNTED = 13;

/** Writable numeric storage: a typed array or a plain array. */
export interface NumberSink {
  [i: number]: number;
}

/**
 * Adds the sums of one stored row (its counts and reason ingredients, `usage` the stored state of
 * measured.ts) to `out` at `at`. The usage excess (known usage, active > sold) is decomposed by
 * ROTATION, UNLICENSED_WORKLOAD_USE, TRIAL, NONCOUNTED_SUBSCRIPTION; the deployment excess
 * (assigned > sold) by TRIAL, NONCOUNTED_SUBSCRIPTION — each capped at what is left, as `figuresOf`
 * does for the row itself.
 */
export function addRowCounts(
  out: NumberSink,
  at: number,
  sold: number,
  soldOwn: number,
  assigned: number,
  active: number,
  rotation: number,
  unlicensed: number,
  trial: number,
  noncounted: number,
  usage: number,
): void {
  out[at + ROWS] = (out[at + ROWS] as number) + 1;
  out[at + SOLD] = (out[at + SOLD] as number) + sold;
  out[at + SOLD_OWN] = (out[at + SOLD_OWN] as number) + soldOwn;
  out[at + ASSIGNED] = (out[at + ASSIGNED] as number) + assigned;
  if (assigned > sold) {
    let left = assigned - sold;
    const t = capped(left, trial);
    left -= t;
    out[at + D_TRIAL] = (out[at + D_TRIAL] as number) + t;
    out[at + D_NONCOUNTED] = (out[at + D_NONCOUNTED] as number) + capped(left, noncounted);
  }
  if (usage === UNKNOWN) return;
  out[at + ACTIVE] = (out[at + ACTIVE] as number) + active;
  out[at + SOLD_KNOWN] = (out[at + SOLD_KNOWN] as number) + sold;
  out[at + KNOWN] = (out[at + KNOWN] as number) + 1;
  if (usage === PARTIAL) out[at + PARTIAL_ROWS] = (out[at + PARTIAL_ROWS] as number) + 1;
  if (active > sold) {
    let left = active - sold;
    const r = capped(left, rotation);
    left -= r;
    const u = capped(left, unlicensed);
    left -= u;
    const t = capped(left, trial);
    left -= t;
    out[at + U_ROTATION] = (out[at + U_ROTATION] as number) + r;
    out[at + U_UNLICENSED] = (out[at + U_UNLICENSED] as number) + u;
    out[at + U_TRIAL] = (out[at + U_TRIAL] as number) + t;
    out[at + U_NONCOUNTED] = (out[at + U_NONCOUNTED] as number) + capped(left, noncounted);
  }
}

/**
 * Adds the sums of a metrics row as reports hold it (its reasons already decomposed) to `out` at
 * `at`. Usage counts only where the row's usage is known (SPEC §2.3).
 */
export function addRowSums(out: NumberSink, at: number, r: ProductDayMetrics): void {
  out[at + ROWS] = (out[at + ROWS] as number) + 1;
  out[at + SOLD] = (out[at + SOLD] as number) + r.sold;
  out[at + SOLD_OWN] = (out[at + SOLD_OWN] as number) + r.soldOwn;
  out[at + ASSIGNED] = (out[at + ASSIGNED] as number) + r.assigned;
  out[at + D_TRIAL] = (out[at + D_TRIAL] as number) + (r.deploymentReasons.TRIAL ?? 0);
  out[at + D_NONCOUNTED] =
    (out[at + D_NONCOUNTED] as number) + (r.deploymentReasons.NONCOUNTED_SUBSCRIPTION ?? 0);
  if (!r.usageKnown || r.active === null) return;
  out[at + ACTIVE] = (out[at + ACTIVE] as number) + r.active;
  out[at + SOLD_KNOWN] = (out[at + SOLD_KNOWN] as number) + r.sold;
  out[at + KNOWN] = (out[at + KNOWN] as number) + 1;
  if (r.partialWindow) out[at + PARTIAL_ROWS] = (out[at + PARTIAL_ROWS] as number) + 1;
  const x = r.usageReasons ?? {};
  out[at + U_ROTATION] = (out[at + U_ROTATION] as number) + (x.ROTATION ?? 0);
  out[at + U_UNLICENSED] = (out[at + U_UNLICENSED] as number) + (x.UNLICENSED_WORKLOAD_USE ?? 0);
  out[at + U_TRIAL] = (out[at + U_TRIAL] as number) + (x.TRIAL ?? 0);
  out[at + U_NONCOUNTED] = (out[at + U_NONCOUNTED] as number) + (x.NONCOUNTED_SUBSCRIPTION ?? 0);
}

/** Adds the vector `src` at `from` to `out` at `at`. */
export function addSums(out: NumberSink, at: number, src: ArrayLike<number>, from: number): void {
  for (let k = 0; k < F; k++) out[at + k] = (out[at + k] as number) + (src[from + k] as number);
}

/**
 * The roll-up of a sums vector. Deployment over every row; usage over the rows with known usage,
 * `active` null when there are none; each excess decomposed with the summed components of the rows,
 * in SPEC order, so the codes still add up exactly.
 */
export function totalsOfSums(s: ArrayLike<number>, at = 0): Totals {
  const v = (k: number) => s[at + k] as number;
  const sold = v(SOLD);
  const assigned = v(ASSIGNED);
  const soldMeasured = v(SOLD_KNOWN);
  const active = v(KNOWN) > 0 ? v(ACTIVE) : null;
  return {
    sold,
    soldOwn: v(SOLD_OWN),
    assigned,
    active,
    soldMeasured,
    soldNotMeasured: sold - soldMeasured,
    partialWindow: v(PARTIAL_ROWS) > 0,
    ...figuresOf({
      sold,
      assigned,
      active,
      usageSold: soldMeasured,
      rotation: v(U_ROTATION),
      unlicensed: v(U_UNLICENSED),
      // Trial and non-counted capacity explain deployment and usage alike; each sum is its rows'.
      trial: v(U_TRIAL),
      noncounted: v(U_NONCOUNTED),
    }),
    deploymentReasons: figuresOf({
      sold,
      assigned,
      active: null,
      usageSold: 0,
      rotation: 0,
      unlicensed: 0,
      trial: v(D_TRIAL),
      noncounted: v(D_NONCOUNTED),
    }).deploymentReasons,
  };
}

/**
 * Usage band of a roll-up: `none` when nothing is sold, `unmeasured` when no licenses sold have
 * known usage, else by usage %: <25, 25–50, 50–75, 75–100 (100 included), >100.
 */
export function bandOf(t: Pick<Totals, 'sold' | 'usagePercent'>): UsageBand {
  if (t.sold === 0) return 'none';
  const p = t.usagePercent;
  if (p === null) return 'unmeasured';
  if (p < 25) return '<25';
  if (p < 50) return '25-50';
  if (p < 75) return '50-75';
  if (p <= 100) return '75-100';
  return '>100';
}

/** The usage % of a sums vector (as `totalsOfSums` gives it), without building the totals. */
export function usagePercentOfSums(s: ArrayLike<number>, at = 0): number | null {
  return (s[at + KNOWN] as number) > 0
    ? percent(s[at + ACTIVE] as number, s[at + SOLD_KNOWN] as number)
    : null;
}

/** The deployment % of a sums vector. */
export function deploymentPercentOfSums(s: ArrayLike<number>, at = 0): number | null {
  return percent(s[at + ASSIGNED] as number, s[at + SOLD] as number);
}

/** The usage band of a sums vector (`bandOf(totalsOfSums(s))`, without building the totals). */
export function bandOfSums(s: ArrayLike<number>, at = 0): UsageBand {
  return bandOf({ sold: s[at + SOLD] as number, usagePercent: usagePercentOfSums(s, at) });
}

/**
 * Whether a customer's usage can be compared on a day (month over month, SPEC §2): some row of the
 * view has known usage, and none only over a partial window.
 */
export function comparableSums(s: ArrayLike<number>, at = 0): boolean {
  return (s[at + KNOWN] as number) > 0 && (s[at + PARTIAL_ROWS] as number) === 0;
}
