/**
 * Blueprint: the worked example of SPEC §2.2 (must hold exactly).
 * Contoso, Office 365 E3, D = 2026-03-31, window 2026-03-04 … 2026-03-31.
 *   S1 own 10 active; S2 direct 5, expired from 2026-03-20; S3 trial 3 active.
 *   u1…u15 hold E3 all along and are active in EXO on 2026-03-25; u16 holds E3 from 2026-03-10
 *   (taking u17's license) and is not active; u17 held E3 until 2026-03-10, active in EXO on 03-05.
 * Expected EXO row: sold 10, sold_own 10, assigned 16, active 16, usage 160 %, deployment 160 %;
 *   usage excess 6 = ROTATION 1 + TRIAL 3 + NONCOUNTED_SUBSCRIPTION 2;
 *   deployment excess 6 = TRIAL 3 + NONCOUNTED_SUBSCRIPTION 3.
 * Other workloads: nobody active → active 0, usage 0 %.
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
