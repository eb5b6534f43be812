/**
 * The production engine equals the reference implementation on every metric and day, on random
 * portfolios (fast-check) and on the SPEC §2.2 worked example.
 */
import type { SubscriptionStatus } from '@license-insights/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dayOf, formatDay } from '../src/dates';
import { computeCustomerBitsets } from '../src/metrics/bitset-engine';
import { computeCustomerSeries } from '../src/metrics/engine';
import { type CustomerInput, referenceCustomerMetrics } from '../src/metrics/reference';
import { bitsetInputOf, engineInputOf, rowsOfDay } from '../src/metrics/rows';

const PRODUCTS = [
  { productId: 'a-e3', workloads: ['EXO', 'SPO', 'TEAMS', 'YAM'] as const, openWorkloads: ['YAM'] as const },
  { productId: 'b-kiosk', workloads: ['EXO'] as const, openWorkloads: [] as const },
  { productId: 'c-bp', workloads: ['EXO', 'YAM', 'OFFICE'] as const, openWorkloads: ['YAM'] as const },
  { productId: 'd-pbi', workloads: [] as const, openWorkloads: [] as const },
];
const START = dayOf('2024-02-01');
const SPAN = 90;
const dayArb = fc.integer({ min: 0, max: SPAN - 1 }).map((i) => formatDay(START + i));
const userArb = fc.constantFrom('u1', 'u2', 'u3', 'u4', 'u5', 'u6');
const productArb = fc.constantFrom(...PRODUCTS.map((p) => p.productId));
const statusArb = fc.constantFrom<SubscriptionStatus>(
  'active',
  'active',
  'active',
  'expired',
  'disabled',
  'suspended',
  'deleted',
  'pending',
);

const customerArb: fc.Arbitrary<CustomerInput> = fc
  .record({
    subscriptions: fc.array(
      fc.record({
        productId: productArb,
        snapshots: fc.array(
          fc.record({
            asOf: dayArb,
            quantity: fc.integer({ min: 0, max: 6 }),
            status: statusArb,
            isTrial: fc.boolean(),
            channel: fc.constantFrom('own', 'direct', 'other_partner') as fc.Arbitrary<
              'own' | 'direct' | 'other_partner'
            >,
          }),
          { minLength: 1, maxLength: 3 },
        ),
      }),
      { maxLength: 5 },
    ),
    users: fc.array(fc.record({ userId: userArb, deletedOn: fc.option(dayArb, { nil: null }) }), {
      maxLength: 6,
    }),
    assignments: fc.array(
      fc.record({
        userId: userArb,
        productId: productArb,
        assignedOn: dayArb,
        length: fc.option(fc.integer({ min: 1, max: 60 }), { nil: null }),
      }),
      { maxLength: 10 },
    ),
    activity: fc.array(
      fc.record({
        userId: userArb,
        workload: fc.constantFrom('EXO', 'SPO', 'TEAMS', 'YAM', 'OFFICE') as fc.Arbitrary<'EXO'>,
        date: dayArb,
      }),
      { maxLength: 60 },
    ),
  })
  .map((r) => {
    // One users row per id (the first wins), as the store guarantees.
    const users = [...new Map(r.users.map((u) => [u.userId, u])).values()];
    return {
      customerId: 'c',
      products: PRODUCTS.map((p) => ({
        productId: p.productId,
        workloads: [...p.workloads],
        openWorkloads: [...p.openWorkloads],
      })),
      subscriptions: r.subscriptions.map((s, i) => ({
        subscriptionId: `s${i}`,
        productId: s.productId,
        // One snapshot per as_of, as the store's key guarantees.
        snapshots: [...new Map(s.snapshots.map((x) => [x.asOf, x])).values()],
      })),
      users,
      assignments: r.assignments.map((a) => ({
        userId: a.userId,
        productId: a.productId,
        assignedOn: a.assignedOn,
        unassignedOn: a.length === null ? null : formatDay(dayOf(a.assignedOn) + a.length),
      })),
      activity: r.activity,
    };
  });

describe('metric engine', () => {
  it('equals the reference on every metric and every day of random customers', () => {
    fc.assert(
      fc.property(customerArb, (c) => {
        const input = engineInputOf(c);
        const first = START + 20;
        const days = SPAN - 20;
        const out = computeCustomerSeries(input, first, days);
        for (let i = 0; i < days; i++) {
          const day = formatDay(first + i);
          expect(rowsOfDay('c', input, out, i)).toEqual(referenceCustomerMetrics(c, day));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('the bitset engine equals the interval engine on random customers (and so the reference)', () => {
    fc.assert(
      fc.property(
        customerArb,
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 60 }),
        (c, offset, length) => {
          const input = engineInputOf(c);
          const first = START + offset;
          const days = Math.min(length, SPAN + 30 - offset);
          const a = computeCustomerSeries(input, first, days);
          const b = computeCustomerBitsets(bitsetInputOf(input), first, days);
          expect(b).toEqual(a);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('the bitset engine equals the reference on every day', () => {
    fc.assert(
      fc.property(customerArb, (c) => {
        const input = engineInputOf(c);
        const first = START + 20;
        const days = SPAN - 20;
        const out = computeCustomerBitsets(bitsetInputOf(input), first, days);
        for (let i = 0; i < days; i += 7) {
          expect(rowsOfDay('c', input, out, i)).toEqual(referenceCustomerMetrics(c, formatDay(first + i)));
        }
      }),
      { numRuns: 100 },
    );
  });

  it('the one-day fast path (the daily update) equals the interval engine', () => {
    fc.assert(
      fc.property(customerArb, fc.integer({ min: 0, max: SPAN + 20 }), (c, offset) => {
        const input = engineInputOf(c);
        expect(computeCustomerBitsets(bitsetInputOf(input), START + offset, 1)).toEqual(
          computeCustomerSeries(input, START + offset, 1),
        );
      }),
      { numRuns: 300 },
    );
  });
});
