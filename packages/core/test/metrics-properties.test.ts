/**
 * Invariants of the metrics on random data (fast-check): reason components sum exactly to the
 * excess, for rows and for roll-ups; roll-ups are ratios of sums and equal the sums of their parts.
 */
import type { ProductDayMetrics, Reasons } from '@license-insights/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decompose } from '../src/metrics/reference';
import { bandOf, groupTotals, totalsOf } from '../src/reports/rollup';

const sum = (r: Reasons) => Object.values(r).reduce((a, b) => a + (b ?? 0), 0);

const rowArb: fc.Arbitrary<ProductDayMetrics> = fc
  .record({
    customer: fc.constantFrom('c1', 'c2', 'c3'),
    product: fc.constantFrom('p1', 'p2'),
    sold: fc.integer({ min: 0, max: 50 }),
    assigned: fc.integer({ min: 0, max: 80 }),
    active: fc.integer({ min: 0, max: 80 }),
    rotation: fc.integer({ min: 0, max: 20 }),
    unlicensed: fc.integer({ min: 0, max: 20 }),
    trial: fc.integer({ min: 0, max: 20 }),
    noncounted: fc.integer({ min: 0, max: 20 }),
  })
  .map((x) => ({
    customerId: x.customer,
    productId: x.product,
    workload: 'ALL',
    day: '2026-03-31',
    sold: x.sold,
    soldOwn: Math.floor(x.sold / 2),
    assigned: x.assigned,
    active: x.active,
    deploymentPercent: x.sold === 0 ? null : (x.assigned / x.sold) * 100,
    usagePercent: x.sold === 0 ? null : (x.active / x.sold) * 100,
    usageReasons:
      x.active > x.sold
        ? decompose(x.active - x.sold, [
            ['ROTATION', x.rotation],
            ['UNLICENSED_WORKLOAD_USE', x.unlicensed],
            ['TRIAL', x.trial],
            ['NONCOUNTED_SUBSCRIPTION', x.noncounted],
          ])
        : {},
    deploymentReasons:
      x.assigned > x.sold
        ? decompose(x.assigned - x.sold, [
            ['TRIAL', x.trial],
            ['NONCOUNTED_SUBSCRIPTION', x.noncounted],
          ])
        : {},
  }));

describe('metric invariants', () => {
  it('reason components sum exactly to the excess, in order, each capped', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100 }),
        fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 4, maxLength: 4 }),
        (excess, parts) => {
          const codes = ['ROTATION', 'UNLICENSED_WORKLOAD_USE', 'TRIAL', 'NONCOUNTED_SUBSCRIPTION'] as const;
          const r = decompose(
            excess,
            codes.map((c, i) => [c, parts[i] ?? 0] as const),
          );
          expect(sum(r)).toBe(excess);
          let left = excess;
          codes.forEach((c, i) => {
            const expected = Math.min(left, parts[i] ?? 0);
            expect(r[c] ?? 0).toBe(expected);
            left -= expected;
          });
          expect(r.UNEXPLAINED ?? 0).toBe(left);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('roll-ups are ratios of sums, equal to the sums of their parts, and their reasons add up', () => {
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 30 }), (rows) => {
        const t = totalsOf(rows);
        expect(t.sold).toBe(rows.reduce((a, r) => a + r.sold, 0));
        expect(t.assigned).toBe(rows.reduce((a, r) => a + r.assigned, 0));
        expect(t.active).toBe(rows.reduce((a, r) => a + r.active, 0));
        expect(t.usagePercent).toBe(t.sold === 0 ? null : (t.active / t.sold) * 100);
        expect(sum(t.usageReasons)).toBe(Math.max(0, t.active - t.sold));
        expect(sum(t.deploymentReasons)).toBe(Math.max(0, t.assigned - t.sold));
        // Groups partition the rows: their totals add up to the whole.
        const groups = groupTotals(rows, (r) => r.customerId);
        expect(groups.reduce((a, g) => a + g.totals.sold, 0)).toBe(t.sold);
        expect(groups.reduce((a, g) => a + g.totals.active, 0)).toBe(t.active);
        expect(groups.reduce((a, g) => a + g.totals.assigned, 0)).toBe(t.assigned);
      }),
      { numRuns: 300 },
    );
  });

  it('usage bands have fixed edges: 25, 50, 75 open below, 100 closed', () => {
    expect([null, 0, 24.99, 25, 49.9, 50, 74.9, 75, 100, 100.01].map(bandOf)).toEqual([
      'none',
      '<25',
      '<25',
      '25-50',
      '25-50',
      '50-75',
      '50-75',
      '75-100',
      '75-100',
      '>100',
    ]);
  });
});
