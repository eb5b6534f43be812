/**
 * The recommendation playbook as a pure function: a blueprint per rule that fires it exactly once
 * and a near miss that does not, threshold edges (exact integers, no float drift), reason-coded
 * excess, exclusions, priority, stability, and the texts in English and Polish.
 *
 * Day D = 2026-03-31; "before" rows are D − 28 = 2026-03-03. Product E3 = Office 365 E3 from the
 * shipped catalog (workloads EXO SPO TEAMS YAM SFB OFFICE, no price); PRICED is a custom product
 * with a list price of 20 EUR.
 */
import {
  type CatalogProduct,
  DEFAULT_RECOMMENDATION_SETTINGS,
  fieldName,
  LOCALES,
  MESSAGES,
  messageParams,
  type ProductDayMetrics,
  type Reasons,
  type RecommendationSettings,
  type SupportMetric,
  translate,
  type WorkloadCode,
} from '@license-insights/contracts';
import { describe, expect, it } from 'vitest';
import { shippedCatalog } from '../src/catalog/catalog';
import { describePriority, key, type PlaybookInput, runPlaybook } from '../src/recommendations/playbook';
import type { SubscriptionState } from '../src/store/store';

const D = '2026-03-31';
const BEFORE = '2026-03-03';
const E3 = '6fd2c87f-b296-42f0-b197-1e91e994b900';
const PRICED = 'custom-priced';

const catalog = new Map<string, CatalogProduct>(shippedCatalog().products.map((p) => [p.productId, p]));
catalog.set(PRICED, {
  productId: PRICED,
  partNumber: null,
  name: 'Priced Suite',
  service: 'O365',
  workloads: ['EXO', 'TEAMS'],
  openWorkloads: [],
  reportNames: [],
  offerIds: [],
  listPrice: 20,
  currency: 'EUR',
  origin: 'custom',
});

interface RowSpec {
  customer?: string;
  product?: string;
  workload?: WorkloadCode | 'ALL';
  day?: string;
  sold: number;
  assigned: number;
  active: number;
  usageReasons?: Reasons;
  deploymentReasons?: Reasons;
  /** Usage known (default) or not (SPEC §2.3); partial window (default no). */
  known?: boolean;
  partial?: boolean;
}

function row(s: RowSpec): ProductDayMetrics {
  const known = s.known ?? true;
  return {
    customerId: s.customer ?? 'c1',
    productId: s.product ?? E3,
    workload: s.workload ?? 'ALL',
    day: s.day ?? D,
    sold: s.sold,
    soldOwn: s.sold,
    assigned: s.assigned,
    active: known ? s.active : null,
    deploymentPercent: s.sold === 0 ? null : (s.assigned / s.sold) * 100,
    usagePercent: s.sold === 0 || !known ? null : (s.active / s.sold) * 100,
    usageReasons: known ? (s.usageReasons ?? {}) : null,
    deploymentReasons: s.deploymentReasons ?? {},
    usageKnown: known,
    partialWindow: known && (s.partial ?? false),
  };
}

/**
 * Licensed users inactive for 28 days, as the store would count them: by default every assigned
 * user not counted active (a test of the reclaim card gives its own).
 */
function inactiveOf(metrics: readonly ProductDayMetrics[]): Map<string, number> {
  return new Map(
    metrics
      .filter((r) => r.workload === 'ALL' && r.usageKnown && !r.partialWindow && r.active !== null)
      .map((r) => [key(r.customerId, r.productId), Math.max(r.assigned - (r.active ?? 0), 0)]),
  );
}

function support(
  customer: string,
  howTo: number,
  activeUsers: number,
  extra: Partial<SupportMetric> = {},
): SupportMetric {
  return {
    customerId: customer,
    day: D,
    productId: null,
    workload: null,
    howTo,
    problem: 0,
    other: 0,
    activeUsers,
    howToPer100: activeUsers === 0 ? null : (howTo / activeUsers) * 100,
    ...extra,
  };
}

function sub(s: Partial<SubscriptionState> & { termEnd: string | null }): SubscriptionState {
  return {
    customerId: 'c1',
    subscriptionId: 'S1',
    productId: E3,
    quantity: 10,
    status: 'active',
    isTrial: false,
    channel: 'own',
    billingCycle: 'annual',
    autoRenew: true,
    ...s,
  };
}

function input(p: Partial<PlaybookInput>): PlaybookInput {
  return {
    day: D,
    locale: 'en',
    settings: DEFAULT_RECOMMENDATION_SETTINGS,
    exclusions: [],
    customerNames: new Map([
      ['c1', 'Contoso'],
      ['c2', 'Fabrikam'],
    ]),
    products: catalog,
    metrics: [],
    metricsBefore: [],
    support: [],
    subscriptions: [],
    inactive28: inactiveOf(p.metrics ?? []),
    ...p,
  };
}

const fired = (p: Partial<PlaybookInput>, rule?: string) =>
  runPlaybook(input(p))
    .cards.filter((c) => rule === undefined || c.rule === rule)
    .map((c) => `${c.rule}:${c.customerId}`);

describe('LOW_ADOPTION', () => {
  it('fires once when usage < 50 % with ≥ 5 licenses sold, naming the weakest workloads', () => {
    const r = runPlaybook(
      input({
        metrics: [
          row({ sold: 10, assigned: 9, active: 4 }),
          row({ workload: 'EXO', sold: 10, assigned: 9, active: 4 }),
          row({ workload: 'TEAMS', sold: 10, assigned: 9, active: 1 }),
          row({ workload: 'SPO', sold: 10, assigned: 9, active: 2 }),
        ],
      }),
    );
    expect(r.cards.map((c) => c.rule)).toEqual(['LOW_ADOPTION']);
    const c = r.cards[0];
    expect(c).toMatchObject({
      rank: 1,
      customerId: 'c1',
      customerName: 'Contoso',
      productId: E3,
      productName: 'Office 365 E3',
      workload: 'TEAMS',
      priority: { score: 6, quantity: 6, unit: 'licenses', unitPrice: null, currency: null },
      evidence: {
        licensesSold: 10,
        licensesDeployed: 9,
        licensesActive: 4,
        usagePercent: 40,
        deploymentPercent: 90,
        licensesNotInUse: 6,
        weakestWorkloads: ['TEAMS', 'SPO'],
      },
      thresholds: { usageBelow: 50, deploymentBelow: 70, minLicensesSold: 5 },
    });
    expect(c?.text.problem).toBe(
      'Office 365 E3: usage 40\u00a0% and deployment 90\u00a0% of 10 licenses sold; 6 licenses not in use.',
    );
    expect(c?.text.try).toContain('start with Teams, SharePoint and OneDrive');
  });

  it.each([
    ['usage exactly 50 %, deployment exactly 70 %', { sold: 10, assigned: 7, active: 5 }, false],
    ['usage 49 % (49 of 100)', { sold: 100, assigned: 100, active: 49 }, true],
    ['deployment 69 % (69 of 100), usage 69 %', { sold: 100, assigned: 69, active: 69 }, true],
    ['only 4 licenses sold', { sold: 4, assigned: 4, active: 0 }, false],
    ['exactly 5 licenses sold', { sold: 5, assigned: 5, active: 0 }, true],
    ['nothing sold (usage null)', { sold: 0, assigned: 3, active: 3 }, false],
  ])('%s', (_, spec, fires) => {
    expect(fired({ metrics: [row(spec)] })).toEqual(fires ? ['LOW_ADOPTION:c1'] : []);
  });

  it('compares on integers: 29 of 100 is not below 29 % (29 / 100 × 100 = 28.999… in floating point)', () => {
    const settings: RecommendationSettings = {
      ...DEFAULT_RECOMMENDATION_SETTINGS,
      LOW_ADOPTION: { ...DEFAULT_RECOMMENDATION_SETTINGS.LOW_ADOPTION, usageBelow: 29, deploymentBelow: 0 },
    };
    expect((29 / 100) * 100).toBeLessThan(29);
    expect(fired({ settings, metrics: [row({ sold: 100, assigned: 100, active: 29 })] })).toEqual([]);
    expect(fired({ settings, metrics: [row({ sold: 100, assigned: 100, active: 28 })] })).toEqual([
      'LOW_ADOPTION:c1',
    ]);
  });

  it('judges usage that is not known (a product without workloads, nothing measured) by deployment only', () => {
    const d365NoWorkload: CatalogProduct = {
      ...(catalog.get(PRICED) as CatalogProduct),
      productId: 'nw',
      workloads: [],
    };
    const products = new Map(catalog).set('nw', d365NoWorkload);
    const unknown = { product: 'nw', sold: 10, active: 0, known: false };
    expect(fired({ products, metrics: [row({ ...unknown, assigned: 10 })] })).toEqual([]);
    const r = runPlaybook(input({ products, metrics: [row({ ...unknown, assigned: 6 })] }));
    expect(r.cards.map((c) => `${c.rule}:${c.customerId}`)).toEqual(['LOW_ADOPTION:c1']);
    expect(r.cards[0]?.evidence).toMatchObject({
      licensesActive: null,
      usagePercent: null,
      licensesNotInUse: 4,
    });
    expect(r.cards[0]?.text.problem).toBe(
      'Priced Suite: deployment 60\u00a0% of 10 licenses sold (usage not measured); 4 licenses not in use.',
    );
  });

  it('does not judge usage over a partial window (SPEC §2.3), nor a workload whose usage is not known', () => {
    const partial = { sold: 10, assigned: 9, active: 1, partial: true };
    expect(fired({ metrics: [row(partial)] })).toEqual([]);
    const r = runPlaybook(
      input({
        metrics: [
          row({ sold: 10, assigned: 9, active: 4 }),
          row({ workload: 'EXO', sold: 10, assigned: 9, active: 4 }),
          row({ workload: 'OFFICE', sold: 10, assigned: 9, active: 0, known: false }),
          row({ workload: 'TEAMS', sold: 10, assigned: 9, active: 1 }),
        ],
      }),
    );
    expect(r.cards[0]?.evidence.weakestWorkloads).toEqual(['TEAMS', 'EXO']);
  });
});

describe('HIGH_HOWTO_SUPPORT', () => {
  it('fires once at 10 how-to requests per 100 active users, pointing at the most asked product and workload', () => {
    const r = runPlaybook(
      input({
        metrics: [row({ sold: 100, assigned: 100, active: 80 })],
        support: [
          support('c1', 8, 80),
          support('c1', 5, 80, { productId: E3 }),
          support('c1', 1, 30, { productId: PRICED }),
          support('c1', 4, 60, { workload: 'TEAMS' }),
          support('c1', 2, 60, { workload: 'EXO' }),
        ],
      }),
    );
    expect(r.cards.map((c) => c.rule)).toEqual(['HIGH_HOWTO_SUPPORT']);
    expect(r.cards[0]).toMatchObject({
      productId: E3,
      workload: 'TEAMS',
      priority: { quantity: 80, unit: 'users', unitPrice: null },
      evidence: {
        howToRequests28Days: 8,
        activeUsers28Days: 80,
        howToPer100ActiveUsers: 10,
        topWorkload: 'TEAMS',
      },
      thresholds: { howToPer100AtLeast: 10, minHowToRequests: 1 },
    });
    expect(r.cards[0]?.text.consider).toContain('Most requests concern: Office 365 E3, Teams.');
  });

  it.each([
    [7, 80, false], // 8.75 per 100
    [8, 81, false], // 9.88 per 100
    [8, 80, true], // exactly 10
    [1, 10, true],
    [0, 10, false],
    [3, 0, false], // no active users: no rate
  ])('%i how-to requests, %i active users → fires %s', (howTo, active, fires) => {
    expect(fired({ support: [support('c1', howTo, active)] })).toEqual(
      fires ? ['HIGH_HOWTO_SUPPORT:c1'] : [],
    );
  });

  it('needs the minimum number of requests when set', () => {
    const settings = {
      ...DEFAULT_RECOMMENDATION_SETTINGS,
      HIGH_HOWTO_SUPPORT: { ...DEFAULT_RECOMMENDATION_SETTINGS.HIGH_HOWTO_SUPPORT, minHowToRequests: 3 },
    };
    expect(fired({ settings, support: [support('c1', 2, 10)] })).toEqual([]);
    expect(fired({ settings, support: [support('c1', 3, 10)] })).toEqual(['HIGH_HOWTO_SUPPORT:c1']);
  });
});

describe('UPSELL', () => {
  it('fires once at usage ≥ 90 % and deployment ≥ 95 %, suggesting 10 % headroom', () => {
    const r = runPlaybook(input({ metrics: [row({ sold: 20, assigned: 19, active: 18 })] }));
    expect(r.cards.map((c) => c.rule)).toEqual(['UPSELL']);
    expect(r.cards[0]).toMatchObject({
      priority: { quantity: 2 },
      evidence: { realUsagePercent: 90, realDeploymentPercent: 95, licensesSuggested: 2 },
    });
  });

  it.each([
    ['usage 85 %', { sold: 20, assigned: 20, active: 17 }, false],
    ['deployment 90 %', { sold: 20, assigned: 18, active: 18 }, false],
    ['both at 100 %', { sold: 10, assigned: 10, active: 10 }, true],
    [
      'unexplained excess is real demand',
      { sold: 10, assigned: 10, active: 12, usageReasons: { UNEXPLAINED: 2 } },
      true,
    ],
  ])('%s', (_, spec, fires) => {
    expect(fired({ metrics: [row(spec)] })).toEqual(fires ? ['UPSELL:c1'] : []);
  });

  it('removes reason-coded excess: it is no demand for more licenses, the unexplained rest is', () => {
    // Excess exists only above 100 %, so removing it never takes usage below the threshold; it
    // changes the evidence and how many licenses are suggested.
    const explained = runPlaybook(
      input({
        metrics: [
          row({
            sold: 10,
            assigned: 13,
            active: 13,
            deploymentReasons: { TRIAL: 3 },
            usageReasons: { ROTATION: 1, TRIAL: 2 },
          }),
        ],
      }),
    );
    expect(explained.cards[0]).toMatchObject({
      rule: 'UPSELL',
      priority: { quantity: 1 },
      evidence: {
        usagePercent: 130,
        explainedUsageExcess: 3,
        explainedDeploymentExcess: 3,
        realUsagePercent: 100,
        realDeploymentPercent: 100,
        licensesSuggested: 1,
      },
    });
    const unexplained = runPlaybook(
      input({
        metrics: [
          row({
            sold: 10,
            assigned: 14,
            active: 13,
            deploymentReasons: { TRIAL: 1, UNEXPLAINED: 3 },
            usageReasons: { TRIAL: 1, UNEXPLAINED: 2 },
          }),
        ],
      }),
    );
    expect(unexplained.cards[0]).toMatchObject({
      evidence: { realUsagePercent: 120, realDeploymentPercent: 130, licensesSuggested: 3 },
    });
  });
});

describe('DECLINING_USAGE', () => {
  it('fires once when usage fell by ≥ 15 points over 28 days, naming the workloads that fell', () => {
    const r = runPlaybook(
      input({
        metrics: [
          row({ sold: 10, assigned: 10, active: 7 }),
          row({ workload: 'EXO', sold: 10, assigned: 10, active: 7 }),
          row({ workload: 'TEAMS', sold: 10, assigned: 10, active: 2 }),
        ],
        metricsBefore: [
          row({ day: BEFORE, sold: 10, assigned: 10, active: 9 }),
          row({ day: BEFORE, workload: 'EXO', sold: 10, assigned: 10, active: 8 }),
          row({ day: BEFORE, workload: 'TEAMS', sold: 10, assigned: 10, active: 6 }),
        ],
      }),
    );
    expect(r.cards.map((c) => c.rule)).toEqual(['DECLINING_USAGE']);
    expect(r.cards[0]).toMatchObject({
      workload: 'TEAMS',
      priority: { quantity: 2 },
      evidence: {
        usagePercent28DaysAgo: 90,
        usagePercent: 70,
        dropPoints: 20,
        workloadsThatFell: ['TEAMS', 'EXO'],
      },
    });
    expect(r.cards[0]?.text.problem).toBe(
      'Office 365 E3: usage fell from 90\u00a0% to 70\u00a0% in 28 days (20 points; 2 fewer active users).',
    );
  });

  it.each([
    ['drop of exactly 15 points (95 → 80 %)', { sold: 20, active: 19 }, { sold: 20, active: 16 }, true],
    ['drop of 14 points', { sold: 50, active: 47 }, { sold: 50, active: 40 }, false],
    ['more licenses, same users: 80 → 60 %', { sold: 10, active: 8 }, { sold: 40, active: 24 }, true],
    ['growth', { sold: 10, active: 5 }, { sold: 10, active: 9 }, false],
    ['nothing sold 28 days ago', { sold: 0, active: 5 }, { sold: 10, active: 7 }, false],
  ])('%s', (_, before, now, fires) => {
    expect(
      fired(
        {
          metrics: [row({ ...now, assigned: now.sold })],
          metricsBefore: [row({ ...before, assigned: before.sold, day: BEFORE })],
        },
        'DECLINING_USAGE',
      ),
    ).toEqual(fires ? ['DECLINING_USAGE:c1'] : []);
  });

  it('does not fire without metrics 28 days earlier', () => {
    expect(fired({ metrics: [row({ sold: 10, assigned: 10, active: 6 })] })).toEqual([]);
  });

  it('does not fire when the usage of either day is not known or only over a partial window', () => {
    const now = row({ sold: 10, assigned: 10, active: 2 });
    for (const before of [
      row({ day: BEFORE, sold: 10, assigned: 10, active: 9, partial: true }),
      row({ day: BEFORE, sold: 10, assigned: 10, active: 9, known: false }),
    ])
      expect(fired({ metrics: [now], metricsBefore: [before] }, 'DECLINING_USAGE')).toEqual([]);
    expect(
      fired(
        {
          metrics: [row({ sold: 10, assigned: 10, active: 2, known: false })],
          metricsBefore: [row({ day: BEFORE, sold: 10, assigned: 10, active: 9 })],
        },
        'DECLINING_USAGE',
      ),
    ).toEqual([]);
  });
});

describe('RECLAIM_AT_RENEWAL', () => {
  const metrics = [row({ sold: 10, assigned: 8, active: 6 })];

  it('fires once for an own subscription whose commitment ends within 60 days, splitting unassigned and inactive', () => {
    const r = runPlaybook(input({ metrics, subscriptions: [sub({ termEnd: '2026-05-30' })] }));
    expect(r.cards.map((c) => c.rule)).toEqual(['RECLAIM_AT_RENEWAL']);
    expect(r.cards[0]).toMatchObject({
      subscriptionId: 'S1',
      priority: { quantity: 4 },
      evidence: {
        daysToTermEnd: 60,
        licensesToReclaim: 4,
        unassigned: 2,
        inactive: 2,
        termEnd: '2026-05-30',
      },
    });
    expect(r.cards[0]?.text.problem).toContain('ends its commitment on 2026-05-30, in 60 days: 4 licenses');
    expect(r.cards[0]?.text.try).toContain('reduce by up to 4 licenses at renewal');
    // A monthly term is reduced now, not "at renewal".
    const monthly = runPlaybook(
      input({ metrics, subscriptions: [sub({ termEnd: '2026-12-31', billingCycle: 'monthly' })] }),
    );
    expect(monthly.cards[0]?.text.try).toContain('reduce by up to 4 licenses now (a monthly term');
  });

  it.each([
    ['commitment ends in 61 days', sub({ termEnd: '2026-05-31' }), false],
    ['commitment ends today', sub({ termEnd: D }), true],
    ['commitment ended yesterday', sub({ termEnd: '2026-03-30' }), false],
    ['no commitment end known (annual)', sub({ termEnd: null }), false],
    ['monthly term: now, whatever the end', sub({ termEnd: '2026-12-31', billingCycle: 'monthly' }), true],
    ['another partner sells it', sub({ termEnd: '2026-04-30', channel: 'other_partner' }), false],
    ['bought direct', sub({ termEnd: '2026-04-30', channel: 'direct' }), false],
    ['trial', sub({ termEnd: '2026-04-30', isTrial: true }), false],
    ['suspended', sub({ termEnd: '2026-04-30', status: 'suspended' }), false],
  ])('%s', (_, s, fires) => {
    expect(fired({ metrics, subscriptions: [s] })).toEqual(fires ? ['RECLAIM_AT_RENEWAL:c1'] : []);
  });

  it('counts licenses in use as the customer report does: holders active in the 28 days (not rotation)', () => {
    // 10 sold, 10 assigned, 12 counted active (2 by rotation), but 3 holders inactive for 28 days.
    const r = runPlaybook(
      input({
        metrics: [row({ sold: 10, assigned: 10, active: 12, usageReasons: { ROTATION: 2 } })],
        inactive28: new Map([[key('c1', E3), 3]]),
        subscriptions: [sub({ termEnd: '2026-04-30' })],
      }),
    );
    expect(r.cards.filter((c) => c.rule === 'RECLAIM_AT_RENEWAL').map((c) => c.evidence)).toMatchObject([
      { licensesToReclaim: 3, unassigned: 0, inactive: 3, inactiveLicensedUsers28Days: 3 },
    ]);
  });

  it('gives no reclaim advice where the data cannot tell who is inactive', () => {
    const s = [sub({ termEnd: '2026-04-30' })];
    const notKnown = [row({ sold: 10, assigned: 4, active: 0, known: false })];
    expect(fired({ metrics: notKnown, subscriptions: s }, 'RECLAIM_AT_RENEWAL')).toEqual([]);
    const partial = [row({ sold: 10, assigned: 4, active: 1, partial: true })];
    expect(fired({ metrics: partial, subscriptions: s }, 'RECLAIM_AT_RENEWAL')).toEqual([]);
    // Usage known, but the inactive list is not (e.g. not enough data for 28 days): no card.
    const known = [row({ sold: 10, assigned: 4, active: 1 })];
    expect(fired({ metrics: known, subscriptions: s, inactive28: new Map() }, 'RECLAIM_AT_RENEWAL')).toEqual(
      [],
    );
  });

  it('does not fire when every license is in use', () => {
    expect(
      fired({
        metrics: [row({ sold: 10, assigned: 10, active: 10 })],
        subscriptions: [sub({ termEnd: '2026-04-30' })],
      }),
    ).not.toContain('RECLAIM_AT_RENEWAL:c1');
  });

  it('gives the licenses to the soonest renewals first, at most their quantity', () => {
    const r = runPlaybook(
      input({
        metrics: [row({ sold: 20, assigned: 12, active: 10 })],
        subscriptions: [
          sub({ subscriptionId: 'LATE', termEnd: '2026-05-20', quantity: 12 }),
          sub({ subscriptionId: 'SOON', termEnd: '2026-04-10', quantity: 8 }),
        ],
      }),
    );
    const reclaim = r.cards.filter((c) => c.rule === 'RECLAIM_AT_RENEWAL');
    expect(reclaim.map((c) => [c.subscriptionId, c.priority.quantity, c.evidence.unassigned])).toEqual([
      ['SOON', 8, 8],
      ['LATE', 2, 0],
    ]);
  });
});

describe('the cards', () => {
  const all = (): Partial<PlaybookInput> => ({
    metrics: [
      row({ sold: 10, assigned: 9, active: 4 }),
      row({ customer: 'c2', product: PRICED, sold: 10, assigned: 10, active: 10 }),
      row({ customer: 'c2', sold: 10, assigned: 8, active: 6 }),
    ],
    support: [support('c1', 5, 20)],
    subscriptions: [sub({ customerId: 'c2', termEnd: '2026-04-15' })],
  });

  it('are ordered by priority: licenses × price when a price is known, else the count', () => {
    const r = runPlaybook(input(all()));
    expect(r.cards.map((c) => [c.rank, c.rule, c.customerId, c.priority.score])).toEqual([
      [1, 'HIGH_HOWTO_SUPPORT', 'c1', 20], // 20 users; the same score: the playbook's rule order decides
      [2, 'UPSELL', 'c2', 20], // 1 license × 20 EUR
      [3, 'LOW_ADOPTION', 'c1', 6],
      [4, 'RECLAIM_AT_RENEWAL', 'c2', 4],
    ]);
    // Bug: "1 licenses × 20 EUR = 20" (no plural, no period: list prices are per license per month).
    expect(describePriority('en', r.cards[1]?.priority ?? ({} as never))).toBe(
      '1 license × €20.00/month = €20.00/month',
    );
    expect(describePriority('pl', r.cards[1]?.priority ?? ({} as never))).toBe(
      '1 licencja × 20,00\u00a0€/mies. = 20,00\u00a0€/mies.',
    );
    expect(describePriority('en', r.cards[2]?.priority ?? ({} as never))).toBe('6 licenses (no price known)');
  });

  it('are the same, in the same order, whatever the order of the input', () => {
    const base = all();
    const reversed: Partial<PlaybookInput> = {
      metrics: [...(base.metrics ?? [])].reverse(),
      support: [...(base.support ?? [])].reverse(),
      subscriptions: [...(base.subscriptions ?? [])].reverse(),
    };
    expect(runPlaybook(input(reversed))).toEqual(runPlaybook(input(base)));
    expect(runPlaybook(input(base))).toEqual(runPlaybook(input(base)));
  });

  it('are silenced by an exclusion of the customer × product, or of the whole customer', () => {
    const byProduct = runPlaybook(
      input({ ...all(), exclusions: [{ customerId: 'c2', productId: E3, reason: 'pilot' }] }),
    );
    expect(byProduct.cards.map((c) => c.rule)).toEqual(['HIGH_HOWTO_SUPPORT', 'UPSELL', 'LOW_ADOPTION']);
    expect(byProduct.silenced.map((c) => [c.rule, c.customerId, c.rank])).toEqual([
      ['RECLAIM_AT_RENEWAL', 'c2', 0],
    ]);
    const whole = runPlaybook(
      input({ ...all(), exclusions: [{ customerId: 'c1', productId: '*', reason: 'churned' }] }),
    );
    expect(whole.cards.map((c) => `${c.rule}:${c.customerId}`)).toEqual([
      'UPSELL:c2',
      'RECLAIM_AT_RENEWAL:c2',
    ]);
    expect(whole.silenced).toHaveLength(2);
  });

  it('are not made by a disabled rule', () => {
    const settings = {
      ...DEFAULT_RECOMMENDATION_SETTINGS,
      UPSELL: { ...DEFAULT_RECOMMENDATION_SETTINGS.UPSELL, enabled: false },
    };
    expect(runPlaybook(input({ ...all(), settings })).cards.map((c) => c.rule)).not.toContain('UPSELL');
  });

  it('speak Polish with Polish numbers', () => {
    const r = runPlaybook(
      input({ locale: 'pl', metrics: [row({ sold: 1000, assigned: 900, active: 455 })] }),
    );
    expect(r.cards[0]?.text.problem).toBe(
      'Office 365 E3: użycie 45,5\u00a0% i wdrożenie 90\u00a0% z 1000 sprzedanych licencji; 545 licencji nie jest używanych.',
    );
    expect(describePriority('pl', r.cards[0]?.priority ?? ({} as never))).toBe(
      '545 licencji (cena nieznana)',
    );
  });
});

describe('texts', () => {
  it('exist in every language with the same parameters', () => {
    for (const locale of LOCALES) {
      for (const [key, en] of Object.entries(MESSAGES.en)) {
        const text = MESSAGES[locale][key as keyof typeof MESSAGES.en];
        expect(text, `${locale} ${key}`).toBeTruthy();
        expect(messageParams(text).sort(), `${locale} ${key}`).toEqual(messageParams(en).sort());
      }
    }
  });

  it('name every evidence and threshold field of every rule in every language', () => {
    const r = runPlaybook(
      input({
        metrics: [
          row({ sold: 10, assigned: 9, active: 4 }),
          row({ customer: 'c2', sold: 10, assigned: 10, active: 10 }),
          row({ customer: 'c2', product: PRICED, sold: 10, assigned: 8, active: 6 }),
        ],
        metricsBefore: [
          row({ customer: 'c2', product: PRICED, day: BEFORE, sold: 10, assigned: 10, active: 9 }),
        ],
        support: [support('c1', 5, 20)],
        subscriptions: [sub({ customerId: 'c2', productId: PRICED, termEnd: '2026-04-15' })],
      }),
    );
    expect(new Set(r.cards.map((c) => c.rule)).size).toBe(5);
    const fields = new Set(
      r.cards.flatMap((c) => [...Object.keys(c.evidence), ...Object.keys(c.thresholds)]),
    );
    for (const locale of LOCALES) {
      for (const f of fields) expect(`field.${f}` in MESSAGES[locale], `${locale} ${f}`).toBe(true);
    }
    expect(fieldName('pl', 'licensesSold')).toBe('sprzedane licencje');
  });

  it('format numbers per locale and leave a missing parameter visible', () => {
    expect(translate('en', 'ui.cards', { count: 12345, day: D })).toBe(
      '12,345 recommendations for 2026-03-31',
    );
    expect(translate('pl', 'ui.cards', { count: 12345, day: D })).toBe(
      '12\u00a0345 rekomendacji na 2026-03-31',
    );
    expect(translate('en', 'ui.none')).toBe('No recommendations for {day}.');
  });
});
