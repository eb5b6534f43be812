/**
 * Roll-ups: ratios of sums (Σ assigned / Σ sold), never averages of percentages; usage over the
 * rows whose usage is known (SPEC §2.3); the excess of a roll-up is decomposed with the summed
 * components of its rows, in SPEC order, so the codes still add up exactly. Pure.
 */
import type { ProductDayMetrics, Totals, UsageBand } from '@license-insights/contracts';
import { figuresOf } from '../metrics/definitions';

/**
 * The roll-up of some rows. Deployment sums every row; usage sums active and sold over the rows
 * whose usage is known (SPEC §2.3) and says how many licenses' usage is not measured.
 */
export function totalsOf(rows: readonly ProductDayMetrics[]): Totals {
  const t = new TotalsBuilder();
  for (const r of rows) t.add(r);
  return t.totals();
}

/** A roll-up built row by row (rows streamed in chunks need not be kept): `totalsOf`'s sums. */
export class TotalsBuilder {
  private sold = 0;
  private soldOwn = 0;
  private assigned = 0;
  private active = 0;
  private soldMeasured = 0;
  private known = 0;
  private partial = false;
  private readonly u = { ROTATION: 0, UNLICENSED_WORKLOAD_USE: 0, TRIAL: 0, NONCOUNTED_SUBSCRIPTION: 0 };
  private readonly d = { TRIAL: 0, NONCOUNTED_SUBSCRIPTION: 0 };

  add(r: ProductDayMetrics): void {
    this.sold += r.sold;
    this.soldOwn += r.soldOwn;
    this.assigned += r.assigned;
    this.d.TRIAL += r.deploymentReasons.TRIAL ?? 0;
    this.d.NONCOUNTED_SUBSCRIPTION += r.deploymentReasons.NONCOUNTED_SUBSCRIPTION ?? 0;
    if (!r.usageKnown || r.active === null) return;
    this.known++;
    this.active += r.active;
    this.soldMeasured += r.sold;
    if (r.partialWindow) this.partial = true;
    const x = r.usageReasons ?? {};
    this.u.ROTATION += x.ROTATION ?? 0;
    this.u.UNLICENSED_WORKLOAD_USE += x.UNLICENSED_WORKLOAD_USE ?? 0;
    this.u.TRIAL += x.TRIAL ?? 0;
    this.u.NONCOUNTED_SUBSCRIPTION += x.NONCOUNTED_SUBSCRIPTION ?? 0;
  }

  totals(): Totals {
    const { sold, soldOwn, assigned, soldMeasured, u, d } = this;
    const active = this.known > 0 ? this.active : null;
    return {
      sold,
      soldOwn,
      assigned,
      active,
      soldMeasured,
      soldNotMeasured: sold - soldMeasured,
      partialWindow: this.partial,
      // The roll-up's excess is decomposed with the sums of its rows' components (SPEC §2.3).
      ...figuresOf({
        sold,
        assigned,
        active,
        usageSold: soldMeasured,
        rotation: u.ROTATION,
        unlicensed: u.UNLICENSED_WORKLOAD_USE,
        // Trial and non-counted capacity explain deployment and usage alike; each sum is its rows'.
        trial: u.TRIAL,
        noncounted: u.NONCOUNTED_SUBSCRIPTION,
      }),
      deploymentReasons: figuresOf({
        sold,
        assigned,
        active: null,
        usageSold: 0,
        rotation: 0,
        unlicensed: 0,
        trial: d.TRIAL,
        noncounted: d.NONCOUNTED_SUBSCRIPTION,
      }).deploymentReasons,
    };
  }
}

/**
 * Usage band of a roll-up (a customer's): `none` when nothing is sold, `unmeasured` when no
 * licenses sold have known usage, else by usage %: <25, 25–50, 50–75, 75–100 (100 included), >100.
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

/** Groups rows by a key and totals each group, sorted by key. */
export function groupTotals<K extends string>(
  rows: readonly ProductDayMetrics[],
  keyOf: (r: ProductDayMetrics) => K | readonly K[],
): { key: K; totals: Totals }[] {
  const groups = new Map<K, ProductDayMetrics[]>();
  for (const r of rows) {
    const keys = keyOf(r);
    for (const k of Array.isArray(keys) ? (keys as readonly K[]) : [keys as K]) {
      const list = groups.get(k) ?? [];
      list.push(r);
      groups.set(k, list);
    }
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, list]) => ({ key, totals: totalsOf(list) }));
}

/** The same day one month earlier (the last day of that month when it is shorter). */
export function monthBefore(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const py = m === 1 ? y - 1 : y;
  const pm = m === 1 ? 12 : m - 1;
  const last = new Date(Date.UTC(py, pm, 0)).getUTCDate();
  return `${py}-${String(pm).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}
