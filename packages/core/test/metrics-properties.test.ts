/**
 * Invariants of the metrics on random data (fast-check): reason components sum exactly to the
 * excess, for rows and for roll-ups; roll-ups are ratios of sums and equal the sums of their parts.
 */
import type { ProductDayMetrics, Reasons } from '@license-insights/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decompose } from '../src/metrics/definitions';
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
    known: fc.boolean(),
    partial: fc.boolean(),
  })
  .map((x) => ({
    customerId: x.customer,
    productId: x.product,
    workload: 'ALL',
    day: '2026-03-31',
    sold: x.sold,
    soldOwn: Math.floor(x.sold / 2),
    assigned: x.assigned,
    active: x.known ? x.active : null,
    deploymentPercent: x.sold === 0 ? null : (x.assigned / x.sold) * 100,
    usagePercent: x.sold === 0 || !x.known ? null : (x.active / x.sold) * 100,
    usageKnown: x.known,
    partialWindow: x.known && x.partial,
    usageReasons: !x.known
      ? null
      : x.active > x.sold
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
        const known = rows.filter((r) => r.usageKnown);
        const knownActive = known.reduce((a, r) => a + (r.active ?? 0), 0);
        const knownSold = known.reduce((a, r) => a + r.sold, 0);
        expect(t.sold).toBe(rows.reduce((a, r) => a + r.sold, 0));
        expect(t.assigned).toBe(rows.reduce((a, r) => a + r.assigned, 0));
        // Usage sums the rows whose usage is known (SPEC §2.3); deployment sums every row.
        expect(t.active).toBe(known.length === 0 ? null : knownActive);
        expect(t.soldMeasured).toBe(knownSold);
        expect(t.soldNotMeasured).toBe(t.sold - knownSold);
        expect(t.partialWindow).toBe(rows.some((r) => r.partialWindow));
        expect(t.usagePercent).toBe(
          known.length === 0 || knownSold === 0 ? null : (knownActive / knownSold) * 100,
        );
        expect(t.deploymentPercent).toBe(t.sold === 0 ? null : (t.assigned / t.sold) * 100);
        if (known.length === 0) expect(t.usageReasons).toBeNull();
        else expect(sum(t.usageReasons ?? {})).toBe(Math.max(0, knownActive - knownSold));
        expect(sum(t.deploymentReasons)).toBe(Math.max(0, t.assigned - t.sold));
        // Groups partition the rows: their totals add up to the whole.
        const groups = groupTotals(rows, (r) => r.customerId);
        expect(groups.reduce((a, g) => a + g.totals.sold, 0)).toBe(t.sold);
        expect(groups.reduce((a, g) => a + (g.totals.active ?? 0), 0)).toBe(t.active ?? 0);
        expect(groups.reduce((a, g) => a + g.totals.soldMeasured, 0)).toBe(t.soldMeasured);
        expect(groups.reduce((a, g) => a + g.totals.assigned, 0)).toBe(t.assigned);
      }),
      { numRuns: 300 },
    );
  });

  it('usage bands have fixed edges: 25, 50, 75 open below, 100 closed; unmeasured and nothing sold apart', () => {
    const band = (usagePercent: number | null, sold = 10) => bandOf({ sold, usagePercent });
    expect(band(null, 0)).toBe('none');
    expect(band(50, 0)).toBe('none');
    expect(band(null)).toBe('unmeasured');
    expect([0, 24.99, 25, 49.9, 50, 74.9, 75, 100, 100.01].map((p) => band(p))).toEqual([
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
