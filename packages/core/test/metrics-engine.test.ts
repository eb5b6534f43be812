/**
 * The production engine equals the reference implementation on every metric and day, on random
 * customers (fast-check): random subscriptions, assignments, deletions, activity (Yammer used by
 * users licensed on some activity days and not on others, SPEC §2.1 item 2) and measured sources
 * (canonical imports from a day on, Graph reports of 7 to 180 days, SPEC §2.3).
 */
import type { SubscriptionStatus } from '@license-insights/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dayOf, formatDay } from '../src/dates';
import { computeCustomerBitsets } from '../src/metrics/bitset-engine';
import { type CustomerInput, referenceCustomerMetrics } from '../src/metrics/reference';
import { bitsetInputOf, customerProductIds, rowsOfDay } from '../src/metrics/reference-input';

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
        workload: fc.constantFrom('EXO', 'SPO', 'TEAMS', 'YAM', 'YAM', 'OFFICE') as fc.Arbitrary<'EXO'>,
        date: dayArb,
      }),
      { maxLength: 60 },
    ),
    canonical: fc.array(
      fc.record({
        workload: fc.constantFrom('EXO', 'SPO', 'TEAMS', 'YAM', 'OFFICE', 'D365') as fc.Arbitrary<'EXO'>,
        from: fc.integer({ min: -10, max: SPAN }).map((i) => formatDay(START + i)),
      }),
      { maxLength: 6 },
    ),
    graph: fc.array(fc.record({ refreshDate: dayArb, periodDays: fc.constantFrom(7, 30, 30, 90, 180) }), {
      maxLength: 4,
    }),
    // Yammer used while licensed and, within 27 days, while not (before or after the license).
    mixed: fc.array(
      fc.record({
        userId: userArb,
        productId: fc.constantFrom('a-e3', 'c-bp'),
        start: fc.integer({ min: 0, max: SPAN - 30 }),
        length: fc.integer({ min: 1, max: 20 }),
        gap: fc.integer({ min: 0, max: 20 }),
        after: fc.boolean(),
      }),
      { maxLength: 2 },
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
      assignments: [
        ...r.assignments.map((a) => ({
          userId: a.userId,
          productId: a.productId,
          assignedOn: a.assignedOn,
          unassignedOn: a.length === null ? null : formatDay(dayOf(a.assignedOn) + a.length),
        })),
        ...r.mixed.map((m) => ({
          userId: m.userId,
          productId: m.productId,
          assignedOn: formatDay(START + m.start),
          unassignedOn: formatDay(START + m.start + m.length),
        })),
      ],
      activity: [
        ...r.activity,
        ...r.mixed.flatMap((m) => [
          { userId: m.userId, workload: 'YAM' as const, date: formatDay(START + m.start + m.length - 1) },
          {
            userId: m.userId,
            workload: 'YAM' as const,
            date: formatDay(m.after ? START + m.start + m.length + m.gap : START + m.start - 1 - m.gap),
          },
        ]),
      ],
      measured: { canonical: r.canonical, graph: r.graph },
    };
  });

/**
 * A user active in Yammer on two days of one window, licensed for it on one and not on the other:
 * the case SPEC §2.1 item 2 words precisely (counted only where licensed).
 */
function hasMixedYammerUser(c: CustomerInput): boolean {
  const including = new Set(c.products.filter((p) => p.workloads.includes('YAM')).map((p) => p.productId));
  const licensed = (userId: string, d: number) =>
    c.assignments.some(
      (a) =>
        a.userId === userId &&
        including.has(a.productId) &&
        dayOf(a.assignedOn) <= d &&
        (a.unassignedOn === null || d < dayOf(a.unassignedOn)),
    );
  const yam = c.activity.filter((a) => a.workload === 'YAM');
  return yam.some((a) =>
    yam.some(
      (b) =>
        b.userId === a.userId &&
        Math.abs(dayOf(a.date) - dayOf(b.date)) < 28 &&
        licensed(a.userId, dayOf(a.date)) &&
        !licensed(b.userId, dayOf(b.date)),
    ),
  );
}

describe('metric engine', () => {
  it('the generator produces users licensed for Yammer on one activity day and not on another', () => {
    const samples = fc.sample(customerArb, { numRuns: 300, seed: 42 });
    expect(samples.filter(hasMixedYammerUser).length).toBeGreaterThan(10);
  });

  it('equals the reference on every metric and every day of random customers', () => {
    fc.assert(
      fc.property(customerArb, (c) => {
        const first = START + 20;
        const days = SPAN - 20;
        const out = computeCustomerBitsets(bitsetInputOf(c), first, days);
        const products = customerProductIds(c);
        for (let i = 0; i < days; i++) {
          const day = formatDay(first + i);
          expect(rowsOfDay('c', products, out, i)).toEqual(referenceCustomerMetrics(c, day));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('equals the reference on any range of days (its first days reach back before it)', () => {
    fc.assert(
      fc.property(
        customerArb,
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 60 }),
        (c, offset, length) => {
          const first = START + offset;
          const days = Math.min(length, SPAN + 30 - offset);
          const out = computeCustomerBitsets(bitsetInputOf(c), first, days);
          const products = customerProductIds(c);
          for (let i = 0; i < days; i += 5) {
            expect(rowsOfDay('c', products, out, i)).toEqual(
              referenceCustomerMetrics(c, formatDay(first + i)),
            );
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the one-day fast path (the daily update) equals the reference', () => {
    fc.assert(
      fc.property(customerArb, fc.integer({ min: 0, max: SPAN + 20 }), (c, offset) => {
        const out = computeCustomerBitsets(bitsetInputOf(c), START + offset, 1);
        expect(rowsOfDay('c', customerProductIds(c), out, 0)).toEqual(
          referenceCustomerMetrics(c, formatDay(START + offset)),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('the one-day fast path equals the same day of a longer range', () => {
    fc.assert(
      fc.property(customerArb, fc.integer({ min: 28, max: SPAN + 20 }), (c, offset) => {
        const input = bitsetInputOf(c);
        const one = computeCustomerBitsets(input, START + offset, 1);
        const range = computeCustomerBitsets(input, START + offset - 27, 28);
        const last = (x: Int32Array) => x.slice(27);
        expect(one.rows.map((r) => [r.active, r.rotation, r.unlicensed, r.usage])).toEqual(
          range.rows.map((r) => [last(r.active), last(r.rotation), last(r.unlicensed), last(r.usage)]),
        );
      }),
      { numRuns: 200 },
    );
  });
});
