/**
 * Roll-ups: ratios of sums (Σ assigned / Σ sold), never averages of percentages; usage over the
 * rows whose usage is known (SPEC §2.3); the excess of a roll-up is decomposed with the summed
 * components of its rows, in SPEC order, so the codes still add up exactly. The sums themselves
 * and their totals are defined once, in metrics/sums.ts (the stored per-customer sums use them
 * too). Pure.
 */
import type { ProductDayMetrics, Totals } from '@license-insights/contracts';
import { addRowSums, bandOf, F, totalsOfSums } from '../metrics/sums';

export { bandOf };

/**
 * The roll-up of some rows. Deployment sums every row; usage sums active and sold over the rows
 * whose usage is known (SPEC §2.3) and says how many licenses' usage is not measured.
 */
export function totalsOf(rows: readonly ProductDayMetrics[]): Totals {
  const sums = new Float64Array(F);
  for (const r of rows) addRowSums(sums, 0, r);
  return totalsOfSums(sums);
}

/** A roll-up built row by row (rows streamed in chunks need not be kept): `totalsOf`'s sums. */
export class TotalsBuilder {
  private readonly sums = new Float64Array(F);

  add(r: ProductDayMetrics): void {
    addRowSums(this.sums, 0, r);
  }

  totals(): Totals {
    return totalsOfSums(this.sums);
  }
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
