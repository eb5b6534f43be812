/**
 * Blueprint: the worked example of SPEC §2.2 (must hold exactly).
 * Contoso, Office 365 E3, D = 2026-03-31, window 2026-03-04 … 2026-03-31.
 *   S1 own 10 active; S2 direct 5, expired from 2026-03-20; S3 trial 3 active.
 *   u1…u15 hold E3 all along and are active in EXO on 2026-03-25; u16 holds E3 from 2026-03-10
 *   (taking u17's license) and is not active; u17 held E3 until 2026-03-10, active in EXO on 03-05.
 * Expected EXO row: sold 10, sold_own 10, assigned 16, active 16, usage 160 %, deployment 160 %;
 *   usage excess 6 = ROTATION 1 + TRIAL 3 + NONCOUNTED_SUBSCRIPTION 2;
 *   deployment excess 6 = TRIAL 3 + NONCOUNTED_SUBSCRIPTION 3.
 * Other workloads: nobody active → active 0, usage 0 % (every workload is measured: a canonical
 * activity import from 2026-01-01, so the window of D lies within the data).
 */
import { describe, expect, it } from 'vitest';
import { type CustomerInput, referenceCustomerMetrics } from '../src/metrics/reference';

const E3 = {
  productId: 'e3',
  workloads: ['EXO', 'SPO', 'TEAMS', 'YAM', 'SFB', 'OFFICE'] as const,
  openWorkloads: ['YAM'] as const,
};

function contoso(): CustomerInput {
  const holders = Array.from({ length: 15 }, (_, i) => `u${i + 1}`);
  return {
    customerId: 'contoso',
    products: [
      { productId: E3.productId, workloads: [...E3.workloads], openWorkloads: [...E3.openWorkloads] },
    ],
    subscriptions: [
      {
        subscriptionId: 'S1',
        productId: 'e3',
        snapshots: [{ asOf: '2026-01-01', quantity: 10, status: 'active', isTrial: false, channel: 'own' }],
      },
      {
        subscriptionId: 'S2',
        productId: 'e3',
        snapshots: [
          { asOf: '2026-01-01', quantity: 5, status: 'active', isTrial: false, channel: 'direct' },
          { asOf: '2026-03-20', quantity: 5, status: 'expired', isTrial: false, channel: 'direct' },
        ],
      },
      {
        subscriptionId: 'S3',
        productId: 'e3',
        snapshots: [{ asOf: '2026-03-01', quantity: 3, status: 'active', isTrial: true, channel: 'own' }],
      },
    ],
    users: [...holders, 'u16', 'u17'].map((userId) => ({ userId, deletedOn: null })),
    assignments: [
      ...holders.map((userId) => ({ userId, productId: 'e3', assignedOn: '2026-01-01', unassignedOn: null })),
      { userId: 'u17', productId: 'e3', assignedOn: '2026-01-01', unassignedOn: '2026-03-10' },
      { userId: 'u16', productId: 'e3', assignedOn: '2026-03-10', unassignedOn: null },
    ],
    activity: [
      ...holders.map((userId) => ({ userId, workload: 'EXO' as const, date: '2026-03-25' })),
      { userId: 'u17', workload: 'EXO', date: '2026-03-05' },
    ],
    measured: {
      canonical: E3.workloads.map((workload) => ({ workload, from: '2026-01-01' })),
      graph: [],
    },
  };
}

describe('reference metrics: SPEC §2.2 worked example', () => {
  const rows = referenceCustomerMetrics(contoso(), '2026-03-31');
  const exo = rows.find((r) => r.workload === 'EXO');

  it('EXO row holds exactly', () => {
    expect(exo).toEqual({
      customerId: 'contoso',
      productId: 'e3',
      workload: 'EXO',
      day: '2026-03-31',
      sold: 10,
      soldOwn: 10,
      assigned: 16,
      active: 16,
      deploymentPercent: 160,
      usagePercent: 160,
      usageReasons: { ROTATION: 1, TRIAL: 3, NONCOUNTED_SUBSCRIPTION: 2 },
      deploymentReasons: { TRIAL: 3, NONCOUNTED_SUBSCRIPTION: 3 },
      usageKnown: true,
      partialWindow: false,
    });
  });

  it('has a row for the product and for every workload, used or not', () => {
    expect(rows.map((r) => r.workload)).toEqual(['ALL', 'EXO', 'SPO', 'TEAMS', 'YAM', 'SFB', 'OFFICE']);
    expect(rows.find((r) => r.workload === 'ALL')).toMatchObject({ active: 16, usagePercent: 160 });
    expect(rows.find((r) => r.workload === 'TEAMS')).toMatchObject({
      active: 0,
      usagePercent: 0,
      usageReasons: {},
    });
  });

  it('window edge: activity 27 days before D counts, 28 days before does not', () => {
    const c = contoso();
    const u17Only = { ...c, activity: [{ userId: 'u17', workload: 'EXO' as const, date: '2026-03-04' }] };
    expect(referenceCustomerMetrics(u17Only, '2026-03-31').find((r) => r.workload === 'EXO')?.active).toBe(1);
    const tooOld = { ...c, activity: [{ userId: 'u1', workload: 'EXO' as const, date: '2026-03-03' }] };
    expect(referenceCustomerMetrics(tooOld, '2026-03-31').find((r) => r.workload === 'EXO')?.active).toBe(0);
  });

  it('usage and deployment are null when nothing is sold', () => {
    const c = contoso();
    const none = { ...c, subscriptions: [] };
    const r = referenceCustomerMetrics(none, '2026-03-31').find((x) => x.workload === 'EXO');
    expect(r).toMatchObject({ sold: 0, usagePercent: null, deploymentPercent: null });
  });
});

/**
 * Blueprints, one rule each. Product P (EXO, YAM open), Q (EXO only), D = 2026-03-01 unless said.
 * Window of 2026-03-01 is 2026-02-02 … 2026-03-01 (2026 is not a leap year).
 */
const P = { productId: 'p', workloads: ['EXO', 'YAM'] as const, openWorkloads: ['YAM'] as const };
const Q = { productId: 'q', workloads: ['EXO'] as const, openWorkloads: [] as const };
type Snap = CustomerInput['subscriptions'][number]['snapshots'][number];
const snap = (
  asOf: string,
  quantity: number,
  status: Snap['status'] = 'active',
  isTrial = false,
  channel: Snap['channel'] = 'own',
): Snap => ({
  asOf,
  quantity,
  status,
  isTrial,
  channel,
});
function base(over: Partial<CustomerInput>): CustomerInput {
  return {
    customerId: 'c',
    products: [
      { productId: 'p', workloads: [...P.workloads], openWorkloads: [...P.openWorkloads] },
      { productId: 'q', workloads: [...Q.workloads], openWorkloads: [] },
    ],
    subscriptions: [{ subscriptionId: 's', productId: 'p', snapshots: [snap('2026-01-01', 1)] }],
    users: [],
    assignments: [],
    activity: [],
    measured: {
      canonical: (['EXO', 'YAM'] as const).map((workload) => ({ workload, from: '2020-01-01' })),
      graph: [],
    },
    ...over,
  };
}
const row = (c: CustomerInput, productId: string, workload: string, day = '2026-03-01') =>
  referenceCustomerMetrics(c, day).find((r) => r.productId === productId && r.workload === workload);
const held = (
  userId: string,
  productId = 'p',
  assignedOn = '2026-01-01',
  unassignedOn: string | null = null,
) => ({
  userId,
  productId,
  assignedOn,
  unassignedOn,
});
const act = (userId: string, workload: 'EXO' | 'YAM', date: string) => ({ userId, workload, date });

describe('reference metrics: blueprints', () => {
  it('ROTATION alone: two people used the one license in turn', () => {
    const c = base({
      assignments: [held('a', 'p', '2026-01-01', '2026-02-15'), held('b', 'p', '2026-02-15')],
      activity: [act('a', 'EXO', '2026-02-10'), act('b', 'EXO', '2026-02-20')],
    });
    expect(row(c, 'p', 'EXO')).toMatchObject({
      sold: 1,
      assigned: 1,
      active: 2,
      usagePercent: 200,
      usageReasons: { ROTATION: 1 },
    });
  });

  it('activity while not holding P does not count for P', () => {
    const c = base({
      assignments: [held('a', 'p', '2026-02-20')],
      activity: [act('a', 'EXO', '2026-02-10')],
    });
    expect(row(c, 'p', 'EXO')?.active).toBe(0);
  });

  it('UNLICENSED_WORKLOAD_USE alone: Yammer use without a license goes to the product with most licenses sold', () => {
    const c = base({
      subscriptions: [{ subscriptionId: 's', productId: 'p', snapshots: [snap('2026-01-01', 1)] }],
      assignments: [held('a')],
      activity: [act('a', 'YAM', '2026-02-20'), act('x', 'YAM', '2026-02-21')],
    });
    expect(row(c, 'p', 'YAM')).toMatchObject({ active: 2, usageReasons: { UNLICENSED_WORKLOAD_USE: 1 } });
    expect(row(c, 'p', 'ALL')).toMatchObject({ active: 2, usageReasons: { UNLICENSED_WORKLOAD_USE: 1 } });
    // Not counted in EXO, nor in Q (Q has no Yammer).
    expect(row(c, 'p', 'EXO')?.active).toBe(0);
  });

  it('TRIAL alone, and a trial that ended inside the window still explains', () => {
    const c = base({
      subscriptions: [
        { subscriptionId: 's', productId: 'p', snapshots: [snap('2026-01-01', 1)] },
        {
          subscriptionId: 't',
          productId: 'p',
          snapshots: [snap('2026-02-01', 5, 'active', true), snap('2026-02-20', 5, 'expired', true)],
        },
      ],
      assignments: [held('a'), held('b')],
    });
    expect(row(c, 'p', 'ALL')).toMatchObject({
      sold: 1,
      assigned: 2,
      deploymentPercent: 200,
      deploymentReasons: { TRIAL: 1 },
    });
  });

  it('NONCOUNTED_SUBSCRIPTION alone: a second subscription in grace period; disabled counts, deleted does not', () => {
    const subs = (status: Snap['status']) => [
      { subscriptionId: 's', productId: 'p', snapshots: [snap('2026-01-01', 1)] },
      { subscriptionId: 'g', productId: 'p', snapshots: [snap('2025-01-01', 2, status)] },
    ];
    const people = { assignments: [held('a'), held('b'), held('c')] };
    expect(row(base({ subscriptions: subs('expired'), ...people }), 'p', 'ALL')?.deploymentReasons).toEqual({
      NONCOUNTED_SUBSCRIPTION: 2,
    });
    expect(row(base({ subscriptions: subs('disabled'), ...people }), 'p', 'ALL')?.deploymentReasons).toEqual({
      NONCOUNTED_SUBSCRIPTION: 2,
    });
    expect(row(base({ subscriptions: subs('deleted'), ...people }), 'p', 'ALL')?.deploymentReasons).toEqual({
      UNEXPLAINED: 2,
    });
  });

  it('suspended, pending and trial subscriptions are not sold; other channels are, but not sold_own', () => {
    const c = base({
      subscriptions: [
        { subscriptionId: '1', productId: 'p', snapshots: [snap('2026-01-01', 1, 'suspended')] },
        { subscriptionId: '2', productId: 'p', snapshots: [snap('2026-01-01', 2, 'pending')] },
        { subscriptionId: '3', productId: 'p', snapshots: [snap('2026-01-01', 4, 'active', true)] },
        {
          subscriptionId: '4',
          productId: 'p',
          snapshots: [snap('2026-01-01', 8, 'active', false, 'other_partner')],
        },
        {
          subscriptionId: '5',
          productId: 'p',
          snapshots: [snap('2026-01-01', 16, 'active', false, 'direct')],
        },
        { subscriptionId: '6', productId: 'p', snapshots: [snap('2026-01-01', 32, 'active', false, 'own')] },
      ],
    });
    expect(row(c, 'p', 'ALL')).toMatchObject({ sold: 56, soldOwn: 32 });
  });

  it('a subscription changing status inside the window: the state on D decides', () => {
    const c = base({
      subscriptions: [
        {
          subscriptionId: 's',
          productId: 'p',
          snapshots: [snap('2026-01-01', 3), snap('2026-02-20', 3, 'suspended')],
        },
      ],
      assignments: [held('a')],
    });
    expect(row(c, 'p', 'ALL')).toMatchObject({ sold: 0, deploymentPercent: null });
    expect(row(c, 'p', 'ALL', '2026-02-19')).toMatchObject({ sold: 3 });
  });

  it('deleted users hold nothing from their deletion day', () => {
    const c = base({ users: [{ userId: 'a', deletedOn: '2026-03-01' }], assignments: [held('a')] });
    expect(row(c, 'p', 'ALL', '2026-02-28')?.assigned).toBe(1);
    expect(row(c, 'p', 'ALL', '2026-03-01')?.assigned).toBe(0);
  });

  it('leap day and year boundary windows', () => {
    const c = base({
      assignments: [held('a', 'p', '2023-01-01')],
      activity: [act('a', 'EXO', '2024-02-29')],
    });
    // 2024-03-27 − 27 days = 2024-02-29: still in the window; one day later it is not.
    expect(row(c, 'p', 'EXO', '2024-03-27')?.active).toBe(1);
    expect(row(c, 'p', 'EXO', '2024-03-28')?.active).toBe(0);
    const y = base({
      assignments: [held('a', 'p', '2025-01-01')],
      activity: [act('a', 'EXO', '2025-12-31')],
    });
    expect(row(y, 'p', 'EXO', '2026-01-27')?.active).toBe(1);
    expect(row(y, 'p', 'EXO', '2026-01-28')?.active).toBe(0);
  });

  it('reasons combined, capped in order, summing exactly to the excess', () => {
    const c = base({
      subscriptions: [
        { subscriptionId: 's', productId: 'p', snapshots: [snap('2026-01-01', 1)] },
        { subscriptionId: 't', productId: 'p', snapshots: [snap('2026-02-01', 1, 'active', true)] },
      ],
      assignments: [held('a', 'p', '2026-01-01', '2026-02-10'), held('b', 'p', '2026-02-10')],
      activity: [
        act('a', 'EXO', '2026-02-05'),
        act('b', 'EXO', '2026-02-12'),
        act('x', 'YAM', '2026-02-12'),
        act('y', 'YAM', '2026-02-13'),
        act('z', 'YAM', '2026-02-14'),
      ],
    });
    const all = row(c, 'p', 'ALL');
    // active: a (rotation), b, x, y, z (unlicensed) = 5; sold 1; excess 4 = ROTATION 1 + UNLICENSED 3.
    expect(all).toMatchObject({ active: 5, usageReasons: { ROTATION: 1, UNLICENSED_WORKLOAD_USE: 3 } });
    const sum = Object.values(all?.usageReasons ?? {}).reduce((a, b) => a + b, 0);
    expect(sum).toBe((all?.active ?? 0) - (all?.sold ?? 0));
  });
});

/**
 * Blueprint, SPEC §2.1 item 2 (open workloads, worded precisely). D = 2026-03-01, window
 * 2026-02-02 … 2026-03-01. Products P (EXO, YAM) with 1 license sold and R (EXO, YAM) with 5 (the
 * product unlicensed Yammer use is attributed to). User a holds P from 2026-02-15; a used Yammer on
 * 2026-02-10 (no license including Yammer) and on 2026-02-20 (holding P). User x used Yammer on
 * 2026-02-12 without any license.
 * Expected: a counts once, in P (licensed there on an activity day): P YAM active 1, R YAM active 1
 * (x only, UNLICENSED_WORKLOAD_USE 1) — before the rule was worded precisely, a was counted in R too.
 */
describe('reference metrics: open workloads', () => {
  const R = { productId: 'r', workloads: ['EXO', 'YAM'] as const, openWorkloads: ['YAM'] as const };
  const c = base({
    products: [
      { productId: 'p', workloads: [...P.workloads], openWorkloads: [...P.openWorkloads] },
      { productId: 'r', workloads: [...R.workloads], openWorkloads: [...R.openWorkloads] },
    ],
    subscriptions: [
      { subscriptionId: 's', productId: 'p', snapshots: [snap('2026-01-01', 1)] },
      { subscriptionId: 't', productId: 'r', snapshots: [snap('2026-01-01', 5)] },
    ],
    assignments: [held('a', 'p', '2026-02-15')],
    activity: [act('a', 'YAM', '2026-02-10'), act('a', 'YAM', '2026-02-20'), act('x', 'YAM', '2026-02-12')],
  });

  it('a user licensed on one Yammer activity day and not on another counts only where licensed', () => {
    expect(row(c, 'p', 'YAM')).toMatchObject({ active: 1, usageReasons: {} });
    expect(row(c, 'r', 'YAM')).toMatchObject({ active: 1, usageReasons: {}, usagePercent: 20 });
    expect(row(c, 'r', 'ALL')).toMatchObject({ active: 1 });
  });

  it('once the licensed day leaves the window, the unlicensed use is attributed again', () => {
    // On 2026-03-19 the window is 2026-02-20 … 2026-03-19: a's licensed day 2026-02-20 is in it.
    expect(row(c, 'r', 'YAM', '2026-03-19')?.active).toBe(0);
    // Window 2026-02-10 … 2026-03-09 holds both of a's Yammer days: a counts in P only.
    expect(row(c, 'r', 'YAM', '2026-03-09')?.active).toBe(1); // x only
    // Window 2026-01-16 … 2026-02-12: a used Yammer only unlicensed (2026-02-10), so a counts in R.
    expect(row(c, 'r', 'YAM', '2026-02-12')?.active).toBe(2);
    expect(row(c, 'p', 'YAM', '2026-02-12')?.active).toBe(0);
  });
});

/**
 * Blueprints, SPEC §2.3 (what the data can tell). Product E (EXO, TEAMS, OFFICE) with 10 licenses
 * sold, users a, b, c holding it since 2025. a used EXO on 2026-02-20, b OFFICE on 2026-02-21, c
 * nothing. D = 2026-03-01 unless said.
 * - Graph report (D30) refreshed on 2026-03-01 only: EXO and TEAMS measured on that day, OFFICE
 *   never (the report has no Office column). EXO 1 (10 %), TEAMS 0 (0 %), OFFICE null; ALL counts
 *   users active in EXO or TEAMS: 1 (b's Office use is not measured). On 2026-03-02 nothing is
 *   measured: every usage null, sold/assigned/deployment as before.
 * - A D7 report measures nothing; a product without workloads never has known usage.
 * - A canonical import with facts from 2026-02-10 measures from then on: partial window until
 *   2026-03-08 (the window reaches back before 2026-02-10), complete from 2026-03-09.
 */
describe('reference metrics: what the data can tell', () => {
  const E = { productId: 'e', workloads: ['EXO', 'TEAMS', 'OFFICE'] as const, openWorkloads: [] as const };
  const V = { productId: 'v', workloads: [] as const, openWorkloads: [] as const };
  const data = (measured: CustomerInput['measured']): CustomerInput => ({
    customerId: 'c',
    products: [
      { productId: 'e', workloads: [...E.workloads], openWorkloads: [] },
      { productId: 'v', workloads: [...V.workloads], openWorkloads: [] },
    ],
    subscriptions: [
      { subscriptionId: 's', productId: 'e', snapshots: [snap('2025-01-01', 10)] },
      { subscriptionId: 'w', productId: 'v', snapshots: [snap('2025-01-01', 4)] },
    ],
    users: [],
    assignments: [
      held('a', 'e', '2025-01-01'),
      held('b', 'e', '2025-01-01'),
      held('c', 'e', '2025-01-01'),
      held('a', 'v', '2025-01-01'),
    ],
    activity: [
      { userId: 'a', workload: 'EXO', date: '2026-02-20' },
      { userId: 'b', workload: 'OFFICE', date: '2026-02-21' },
    ],
    measured,
  });
  const unknown = {
    active: null,
    usagePercent: null,
    usageReasons: null,
    usageKnown: false,
    partialWindow: false,
  };
  const graph30 = data({ canonical: [], graph: [{ refreshDate: '2026-03-01', periodDays: 30 }] });

  it('a Graph report of 30 days measures its workloads on its refresh date only; Office is never measured by it', () => {
    expect(row(graph30, 'e', 'EXO')).toMatchObject({
      active: 1,
      usagePercent: 10,
      usageKnown: true,
      partialWindow: false,
    });
    expect(row(graph30, 'e', 'TEAMS')).toMatchObject({ active: 0, usagePercent: 0, usageKnown: true });
    expect(row(graph30, 'e', 'OFFICE')).toMatchObject({
      sold: 10,
      assigned: 3,
      deploymentPercent: 30,
      ...unknown,
    });
    expect(row(graph30, 'e', 'ALL')).toMatchObject({ active: 1, usagePercent: 10, usageKnown: true });
    for (const w of ['ALL', 'EXO', 'TEAMS', 'OFFICE'])
      expect(row(graph30, 'e', w, '2026-03-02')).toMatchObject({ sold: 10, assigned: 3, ...unknown });
  });

  it('a D7 report measures nothing; a product without workloads never has known usage', () => {
    const d7 = data({ canonical: [], graph: [{ refreshDate: '2026-03-01', periodDays: 7 }] });
    expect(row(d7, 'e', 'ALL')).toMatchObject(unknown);
    expect(row(d7, 'e', 'EXO')).toMatchObject(unknown);
    expect(row(graph30, 'v', 'ALL')).toMatchObject({
      sold: 4,
      assigned: 1,
      deploymentPercent: 25,
      ...unknown,
    });
  });

  it('a canonical import measures its workloads from its first fact date on: partial window for 27 days', () => {
    const c = data({
      canonical: (['EXO', 'TEAMS', 'OFFICE'] as const).map((workload) => ({ workload, from: '2026-02-10' })),
      graph: [],
    });
    expect(row(c, 'e', 'ALL', '2026-02-09')).toMatchObject(unknown);
    expect(row(c, 'e', 'ALL', '2026-02-21')).toMatchObject({
      active: 2,
      usageKnown: true,
      partialWindow: true,
    });
    expect(row(c, 'e', 'ALL', '2026-03-08')).toMatchObject({ active: 2, partialWindow: true });
    expect(row(c, 'e', 'ALL', '2026-03-09')).toMatchObject({ active: 2, partialWindow: false });
    expect(row(c, 'e', 'OFFICE', '2026-03-09')).toMatchObject({
      active: 1,
      usagePercent: 10,
      partialWindow: false,
    });
    // A Graph report of 30 days on a partial day gives its workloads a whole window; ALL stays
    // partial while OFFICE (canonical only) is.
    const both = data({
      canonical: c.measured.canonical,
      graph: [{ refreshDate: '2026-03-01', periodDays: 30 }],
    });
    expect(row(both, 'e', 'EXO', '2026-03-01')).toMatchObject({ partialWindow: false });
    expect(row(both, 'e', 'OFFICE', '2026-03-01')).toMatchObject({ partialWindow: true });
    expect(row(both, 'e', 'ALL', '2026-03-01')).toMatchObject({ partialWindow: true });
  });
});
