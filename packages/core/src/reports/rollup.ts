/**
 * Roll-ups: ratios of sums (Σ assigned / Σ sold), never averages of percentages; the excess of a
 * roll-up is decomposed with the summed components of its rows, in SPEC order, so the codes still
 * add up exactly. Pure.
 */
import type { ProductDayMetrics, Reasons, Totals, UsageBand } from '@license-insights/contracts';
import { decompose } from '../metrics/reference';

const sumReason = (
  rows: readonly ProductDayMetrics[],
  pick: (r: ProductDayMetrics) => Reasons,
  code: keyof Reasons,
) => rows.reduce((s, r) => s + (pick(r)[code] ?? 0), 0);

export function totalsOf(rows: readonly ProductDayMetrics[]): Totals {
  let sold = 0;
  let soldOwn = 0;
  let assigned = 0;
  let active = 0;
  for (const r of rows) {
    sold += r.sold;
    soldOwn += r.soldOwn;
    assigned += r.assigned;
    active += r.active;
  }
  const u = (c: keyof Reasons) => sumReason(rows, (r) => r.usageReasons, c);
  const d = (c: keyof Reasons) => sumReason(rows, (r) => r.deploymentReasons, c);
  return {
    sold,
    soldOwn,
    assigned,
    active,
    deploymentPercent: sold === 0 ? null : (assigned / sold) * 100,
    usagePercent: sold === 0 ? null : (active / sold) * 100,
    usageReasons:
      active > sold
        ? decompose(active - sold, [
            ['ROTATION', u('ROTATION')],
            ['UNLICENSED_WORKLOAD_USE', u('UNLICENSED_WORKLOAD_USE')],
            ['TRIAL', u('TRIAL')],
            ['NONCOUNTED_SUBSCRIPTION', u('NONCOUNTED_SUBSCRIPTION')],
          ])
        : {},
    deploymentReasons:
      assigned > sold
        ? decompose(assigned - sold, [
            ['TRIAL', d('TRIAL')],
            ['NONCOUNTED_SUBSCRIPTION', d('NONCOUNTED_SUBSCRIPTION')],
          ])
        : {},
  };
}

/** Usage band of a percentage: <25, 25–50, 50–75, 75–100 (100 included), >100; none when nothing is sold. */
export function bandOf(usagePercent: number | null): UsageBand {
  if (usagePercent === null) return 'none';
  if (usagePercent < 25) return '<25';
  if (usagePercent < 50) return '25-50';
  if (usagePercent < 75) return '50-75';
  if (usagePercent <= 100) return '75-100';
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
