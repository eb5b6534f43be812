/**
 * The metric definitions production code shares (SPEC §2): the window, and the one function that
 * turns counts into percentages and reason components (`figuresOf`) — used by the engine's rows,
 * the stored rows read back, the roll-ups, and the reference. Pure and IO-free.
 */
import type { Reasons } from '@license-insights/contracts';

/** The window of D: D − 27 … D, 28 calendar days. */
export const WINDOW_DAYS = 28;

/** part / whole × 100; null when whole = 0 (shown "—", never 0, ∞ or NaN). Never clamped. */
export function percent(part: number, whole: number): number | null {
  return whole === 0 ? null : (part / whole) * 100;
}

/** Decomposes `excess` into the components, in order, each capped at what is left; the rest is UNEXPLAINED. */
export function decompose(
  excess: number,
  components: readonly (readonly [keyof Reasons, number])[],
): Reasons {
  const out: Reasons = {};
  let left = Math.max(0, excess);
  for (const [code, amount] of components) {
    const take = capped(left, amount);
    if (take > 0) out[code] = take;
    left -= take;
  }
  if (left > 0) out.UNEXPLAINED = left;
  return out;
}

/**
 * One component of a decomposition: the amount, capped at what is still unexplained (`left`).
 * The one rule `decompose` and the per-customer sums (sums.ts) both apply.
 */
export function capped(left: number, amount: number): number {
  return Math.min(left, Math.max(0, amount));
}

/** The ingredients of the reason codes (SPEC §2.1), in decomposition order. */
export interface ReasonParts {
  readonly rotation: number;
  readonly unlicensed: number;
  readonly trial: number;
  readonly noncounted: number;
}

/** Counts of a row or a roll-up; `active` and `usageSold` are null/absent when usage is not known. */
export interface Counts extends ReasonParts {
  readonly sold: number;
  readonly assigned: number;
  /** Active users where usage is known; null when it is not (SPEC §2.3). */
  readonly active: number | null;
  /** The usage denominator: sold of the rows whose usage is known (a row: its sold). */
  readonly usageSold: number;
}

export interface Figures {
  readonly deploymentPercent: number | null;
  readonly usagePercent: number | null;
  readonly usageReasons: Reasons | null;
  readonly deploymentReasons: Reasons;
}

/**
 * Percentages and reasons from counts: deployment = assigned / sold; usage = active / usageSold
 * (null when usage is not known); each excess decomposed in SPEC order — usage by ROTATION,
 * UNLICENSED_WORKLOAD_USE, TRIAL, NONCOUNTED_SUBSCRIPTION; deployment by TRIAL,
 * NONCOUNTED_SUBSCRIPTION — the rest UNEXPLAINED.
 */
export function figuresOf(c: Counts): Figures {
  return {
    deploymentPercent: percent(c.assigned, c.sold),
    usagePercent: c.active === null ? null : percent(c.active, c.usageSold),
    usageReasons:
      c.active === null
        ? null
        : c.active > c.usageSold
          ? decompose(c.active - c.usageSold, [
              ['ROTATION', c.rotation],
              ['UNLICENSED_WORKLOAD_USE', c.unlicensed],
              ['TRIAL', c.trial],
              ['NONCOUNTED_SUBSCRIPTION', c.noncounted],
            ])
          : {},
    deploymentReasons:
      c.assigned > c.sold
        ? decompose(c.assigned - c.sold, [
            ['TRIAL', c.trial],
            ['NONCOUNTED_SUBSCRIPTION', c.noncounted],
          ])
        : {},
  };
}
