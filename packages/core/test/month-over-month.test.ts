/**
 * Month over month (SPEC §2): D against the same day a month earlier, over the customers whose usage
 * is known on both days — a known day at most 3 days from the compared day stands in (nearest
 * first, the earlier on a tie) — every figure, with how many customers were left out; null when
 * none remain. Blueprint, D = 2026-03-31, compared day 2026-02-28 (February is shorter):
 *   a: known on both days                         → compared on 2026-02-28
 *   b: compared day unknown, known on 03-02 (+2)  → stand-in 2026-03-02
 *   c: known on 02-26 (−2) and 03-02 (+2)         → stand-in 2026-02-26 (the earlier)
 *   d: known on D only (nothing within 3 days)    → left out
 *   e: partial window on D                        → left out
 * Expected: 3 customers, 2 stand-ins, 2 left out; sold +3 (a 10→11, b 10→11, c 10→11);
 * active: now 8+6+4 = 18, then 9+7+5 = 21 → −3; usage 18/33 − 21/30 = −15.45… points.
 */
import type { ProductDayMetrics } from '@license-insights/contracts';
import { describe, expect, it } from 'vitest';
import { monthOverMonth } from '../src/use-cases/report-metrics';

function row(
  customerId: string,
  day: string,
  sold: number,
  active: number | null,
  partial = false,
): ProductDayMetrics {
  const known = active !== null;
  return {
    customerId,
    productId: 'p',
    workload: 'ALL',
    day,
    sold,
    soldOwn: sold,
    assigned: sold,
    active,
    deploymentPercent: 100,
    usagePercent: active === null ? null : (active / sold) * 100,
    usageReasons: known ? {} : null,
    deploymentReasons: {},
    usageKnown: known,
    partialWindow: known && partial,
  };
}

const history: Record<string, ProductDayMetrics[]> = {
  '2026-02-26': [row('c', '2026-02-26', 10, 5), row('d', '2026-02-26', 10, null)],
  '2026-02-28': [
    row('a', '2026-02-28', 10, 9),
    row('b', '2026-02-28', 10, null),
    row('c', '2026-02-28', 10, null),
  ],
  '2026-03-02': [row('b', '2026-03-02', 10, 7), row('c', '2026-03-02', 10, 1)],
};
const rowsOf = async (day: string, ids: readonly string[] | undefined) =>
  (history[day] ?? []).filter((r) => ids === undefined || ids.includes(r.customerId));

describe('month over month', () => {
  it('compares the customers known on both days, with stand-ins within 3 days, and says who was left out', async () => {
    const now = [
      row('a', '2026-03-31', 11, 8),
      row('b', '2026-03-31', 11, 6),
      row('c', '2026-03-31', 11, 4),
      row('d', '2026-03-31', 11, 10),
      row('e', '2026-03-31', 11, 10, true),
    ];
    const m = await monthOverMonth('2026-03-31', now, rowsOf);
    expect(m).toMatchObject({ comparedDay: '2026-02-28', customers: 3, standIns: 2, leftOut: 2 });
    expect(m.change.sold).toBe(3);
    expect(m.change.assigned).toBe(3);
    expect(m.change.active).toBe(-3);
    expect(m.change.usagePoints).toBeCloseTo((18 / 33 - 21 / 30) * 100, 10);
    expect(m.change.deploymentPoints).toBe(0);
  });

  it('is null ("not enough history") when no customer is known on both days, never a comparison with no data', async () => {
    // Bug: 30 days of history beside an older Graph report showed "usage +89.0 pt".
    const m = await monthOverMonth('2026-03-31', [row('d', '2026-03-31', 11, 10)], rowsOf);
    expect(m).toMatchObject({ customers: 0, leftOut: 1, current: null, previous: null });
    expect(m.change).toEqual({
      sold: null,
      assigned: null,
      active: null,
      deploymentPoints: null,
      usagePoints: null,
    });
  });
});
