/**
 * Recommendations end to end on real DuckDB: canonical files imported, metrics computed, cards
 * read through the use-case; the support metric's 28-day windows; settings and exclusions with
 * their audit trail.
 *
 * Blueprint (D = 2026-03-31, D − 28 = 2026-03-03), one product (Office 365 E3), 10 licenses sold
 * (own, annual, commitment ending 2027-01-31 unless said) and 10 users assigned from 2026-02-01
 * per customer; users active in Exchange every day from 2026-02-01:
 *   c1 LOW_ADOPTION        4 active → usage 40 %                            → 6 licenses at stake
 *   c2 HIGH_HOWTO_SUPPORT  8 active → usage 80 %; 1 how-to request in the window (2026-03-20),
 *                          one on 2026-03-03 (D − 28, outside), one problem; u11 (no license)
 *                          active only on 2026-03-03                        → 12.5 per 100, 8 users
 *   c3 UPSELL              10 active → 100 % / 100 %                         → 1 license (10 %)
 *   c4 DECLINING_USAGE     9 active until 2026-03-01, then 6 → 90 % on D−28, 60 % on D (30 points)
 *                                                                            → 3 licenses
 *   c5 RECLAIM_AT_RENEWAL  7 active → 70 %; commitment ends 2026-05-15 (45 days) → 3 licenses
 * Expected order (score, then rule order): c2 HOWTO 8, c1 LOW 6, c4 DECL 3, c5 RECLAIM 3, c3 UPSELL 1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../src/dates';
import { AppError } from '../src/errors';
import { type TempStore, tempStore } from '../src/testing';
import { computeMetrics } from '../src/use-cases/compute-metrics';
import { getRecommendations, getSupportMetrics } from '../src/use-cases/get-recommendations';
import {
  addExclusion,
  getRecommendationSettings,
  removeExclusion,
  resetRecommendationSettings,
  setRecommendationSetting,
  settingsHistory,
} from '../src/use-cases/recommendation-settings';
import { getCustomerReport } from '../src/use-cases/report-metrics';

const P = 'p-test';
const D = '2026-03-31';
const E3 = '6fd2c87f-b296-42f0-b197-1e91e994b900';

function daysFrom(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

function blueprint(t: TempStore): string {
  const customers = ['c1', 'c2', 'c3', 'c4', 'c5'];
  const active: Record<string, number> = { c1: 4, c2: 8, c3: 10, c4: 6, c5: 7 };
  const users = (c: string) => Array.from({ length: 10 }, (_, i) => `${c}u${i + 1}`);
  t.files.file(
    'bp/customers.csv',
    `customer_id,name\n${customers.map((c) => `${c},Customer ${c}`).join('\n')}\n`,
  );
  t.files.file(
    'bp/users.csv',
    `customer_id,user_id\n${customers.flatMap((c) => users(c).map((u) => `${c},${u}`)).join('\n')}\nc2,c2u11\n`,
  );
  t.files.file(
    'bp/subscriptions.csv',
    [
      'as_of,subscription_id,customer_id,product_id,quantity,status,is_trial,channel,billing_cycle,term_end',
      ...customers.map(
        (c) =>
          `2026-02-01,S-${c},${c},${E3},10,active,false,own,annual,${c === 'c5' ? '2026-05-15' : '2027-01-31'}`,
      ),
    ].join('\n'),
  );
  t.files.file(
    'bp/license_assignments.csv',
    [
      'customer_id,user_id,product_id,assigned_on',
      ...customers.flatMap((c) => users(c).map((u) => `${c},${u},${E3},2026-02-01`)),
    ].join('\n'),
  );
  const activity = ['customer_id,user_id,workload,date'];
  for (const c of customers) {
    for (const day of daysFrom('2026-02-01', D)) {
      const n = c === 'c4' && day <= '2026-03-01' ? 9 : (active[c] ?? 0);
      for (const u of users(c).slice(0, n)) activity.push(`${c},${u},EXO,${day}`);
    }
  }
  activity.push('c2,c2u11,TEAMS,2026-03-03');
  t.files.file('bp/activity.csv', activity.join('\n'));
  t.files.file(
    'bp/support_requests.csv',
    [
      'customer_id,request_id,opened_on,category,product_id,workload',
      `c2,r1,2026-03-20,how_to,${E3},TEAMS`,
      'c2,r2,2026-03-03,how_to,,',
      `c2,r3,2026-03-25,problem,${E3},`,
    ].join('\n'),
  );
  return `${t.files.dir}/bp`;
}

let t: TempStore;
beforeAll(async () => {
  t = await tempStore();
  expect((await t.import([blueprint(t)])).outcome).toBe('committed');
  await computeMetrics(t.store, { partnerId: P });
});
afterAll(async () => {
  await t.close();
});

const summary = async (extra: { customer?: string } = {}) =>
  (await getRecommendations(t.store, { partnerId: P, locale: 'en', ...extra })).cards.map(
    (c) => `${c.rank} ${c.rule} ${c.customerId} ${c.priority.score}`,
  );

describe('recommendations from the store', () => {
  it('fire each rule exactly once, for its customer, by priority', async () => {
    expect(await summary()).toEqual([
      '1 HIGH_HOWTO_SUPPORT c2 8',
      '2 LOW_ADOPTION c1 6',
      '3 DECLINING_USAGE c4 3',
      '4 RECLAIM_AT_RENEWAL c5 3',
      '5 UPSELL c3 1',
    ]);
  });

  it('carry the evidence read from the store', async () => {
    const r = await getRecommendations(t.store, { partnerId: P, locale: 'en' });
    const byRule = new Map(r.cards.map((c) => [c.rule, c]));
    expect(byRule.get('HIGH_HOWTO_SUPPORT')).toMatchObject({
      customerName: 'Customer c2',
      productId: E3,
      workload: 'TEAMS',
      evidence: {
        howToRequests28Days: 1,
        activeUsers28Days: 8,
        howToPer100ActiveUsers: 12.5,
        problemRequests28Days: 1,
      },
    });
    expect(byRule.get('DECLINING_USAGE')?.evidence).toMatchObject({
      usagePercent28DaysAgo: 90,
      usagePercent: 60,
      dropPoints: 30,
    });
    expect(byRule.get('RECLAIM_AT_RENEWAL')?.evidence).toMatchObject({
      subscriptionId: 'S-c5',
      termEnd: '2026-05-15',
      daysToTermEnd: 45,
      licensesToReclaim: 3,
      unassigned: 0,
      inactive: 3,
    });
  });

  it('narrow to a customer or a rule, ranked within what was asked', async () => {
    expect(await summary({ customer: 'c5' })).toEqual(['1 RECLAIM_AT_RENEWAL c5 3']);
    expect(await summary({ customer: 'customer C5' })).toEqual(['1 RECLAIM_AT_RENEWAL c5 3']); // by name
    const r = await getRecommendations(t.store, { partnerId: P, locale: 'en', rule: 'UPSELL' });
    expect(r.cards.map((c) => [c.rank, c.customerId])).toEqual([[1, 'c3']]);
    await expect(
      getRecommendations(t.store, { partnerId: P, locale: 'en', customer: 'nobody' }),
    ).rejects.toThrow(/no customer with the id, domain or name "nobody"/);
  });

  it('give the same cards in the same order on the same data, and none for another partner', async () => {
    const a = await getRecommendations(t.store, { partnerId: P, locale: 'en' });
    const b = await getRecommendations(t.store, { partnerId: P, locale: 'en' });
    expect(b).toEqual(a);
    await expect(getRecommendations(t.store, { partnerId: 'someone-else', locale: 'en' })).rejects.toThrow(
      /no metrics yet/,
    );
  });

  it('speak Polish when asked', async () => {
    const r = await getRecommendations(t.store, { partnerId: P, locale: 'pl', rule: 'HIGH_HOWTO_SUPPORT' });
    expect(r.cards[0]?.text.problem).toBe(
      '1 pytanie „jak to zrobić” w 28 dni od 8 aktywnych użytkowników, czyli 12,5 na 100 aktywnych użytkowników (próg 10).',
    );
  });
});

describe('the support metric', () => {
  it('counts requests and active people over D−27 … D, per scope, with history', async () => {
    const rows = await getSupportMetrics(t.store, {
      partnerId: P,
      customer: 'c2',
      from: '2026-03-30',
      to: D,
    });
    const view = rows.map((m) => [
      m.day,
      m.productId === null ? '-' : 'E3',
      m.workload ?? '-',
      m.howTo,
      m.problem,
      m.activeUsers,
      m.howToPer100,
    ]);
    expect(view).toEqual([
      // 2026-03-30: window 03-03 … 03-30 holds r2 (03-03) and r1; u11 was active on 03-03.
      ['2026-03-30', '-', '-', 2, 1, 9, (2 / 9) * 100],
      ['2026-03-30', '-', 'TEAMS', 1, 0, 1, 100],
      ['2026-03-30', 'E3', '-', 1, 1, 8, 12.5],
      ['2026-03-30', 'E3', 'TEAMS', 1, 0, 0, null],
      // D: 03-03 left the window (day 28 back), with r2 and u11's only activity.
      [D, '-', '-', 1, 1, 8, 12.5],
      [D, '-', 'TEAMS', 1, 0, 0, null],
      [D, 'E3', '-', 1, 1, 8, 12.5],
      [D, 'E3', 'TEAMS', 1, 0, 0, null],
    ]);
  });

  it('is zero, not missing, for a customer with active people and no requests', async () => {
    const rows = await getSupportMetrics(t.store, { partnerId: P, customer: 'c1', from: D, to: D });
    expect(rows).toEqual([
      {
        customerId: 'c1',
        customerName: 'Customer c1',
        day: D,
        productId: null,
        productName: null,
        workload: null,
        howTo: 0,
        problem: 0,
        other: 0,
        activeUsers: 4,
        howToPer100: 0,
      },
    ]);
  });

  it('covers 28 days by default and refuses a reversed range', async () => {
    const rows = await getSupportMetrics(t.store, { partnerId: P, customer: 'c1' });
    expect(new Set(rows.map((r) => r.day)).size).toBe(28);
    await expect(getSupportMetrics(t.store, { partnerId: P, from: D, to: '2026-03-01' })).rejects.toThrow(
      /after/,
    );
  });
});

describe('settings and exclusions', () => {
  it('start from the defaults and record every change with who and when', async () => {
    expect((await getRecommendationSettings(t.store, { partnerId: P })).changed).toBeNull();
    // 40 % is not below 40 %: c1 leaves the low-adoption list.
    expect(
      await setRecommendationSetting(t.store, {
        partnerId: P,
        actor: 'alice',
        path: 'LOW_ADOPTION.usageBelow',
        value: '40',
      }),
    ).toEqual({
      before: 50,
      after: 40,
    });
    expect(await summary()).not.toContain('2 LOW_ADOPTION c1 6');
    expect((await summary()).some((s) => s.includes('LOW_ADOPTION'))).toBe(false);
    await setRecommendationSetting(t.store, {
      partnerId: P,
      actor: 'bob',
      path: 'UPSELL.enabled',
      value: 'false',
    });
    expect((await summary()).some((s) => s.includes('UPSELL'))).toBe(false);
    const s = await getRecommendationSettings(t.store, { partnerId: P });
    expect(s.settings.LOW_ADOPTION.usageBelow).toBe(40);
    expect(s.changed?.by).toBe('bob');
    expect(s.changed?.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    await resetRecommendationSettings(t.store, { partnerId: P, actor: 'carol', rule: 'LOW_ADOPTION' });
    expect((await getRecommendationSettings(t.store, { partnerId: P })).settings.UPSELL.enabled).toBe(false);
    await resetRecommendationSettings(t.store, { partnerId: P, actor: 'carol' });
    expect(await summary()).toHaveLength(5);

    const log = await settingsHistory(t.store, { partnerId: P });
    expect(log.map((e) => [e.actor, e.action])).toEqual([
      ['carol', 'settings.change'],
      ['carol', 'settings.change'],
      ['bob', 'settings.change'],
      ['alice', 'settings.change'],
    ]);
    expect(log[3]?.details).toEqual({ path: 'LOW_ADOPTION.usageBelow', before: 50, after: 40 });
  });

  it.each([
    ['LOW_ADOPTION.nothing', '1', /unknown setting/],
    ['LOW_ADOPTION.usageBelow', 'fifty', /must be a number/],
    ['LOW_ADOPTION.usageBelow', '-5', /must be a percentage from 0 to 100 \(got -5\)/],
    ['UPSELL.enabled', 'yes', /true or false/],
    ['HIGH_HOWTO_SUPPORT.minHowToRequests', '0.5', /must be a whole number of requests from 1 to 1,000,000/],
  ])('refuse %s = %s with a clear message and change nothing', async (path, value, message) => {
    const before = await settingsHistory(t.store, { partnerId: P });
    await expect(
      setRecommendationSetting(t.store, { partnerId: P, actor: 'alice', path: path, value: value }),
    ).rejects.toThrow(message);
    expect(await settingsHistory(t.store, { partnerId: P })).toEqual(before);
  });

  it('silence a customer × product while its report stays whole, audited', async () => {
    const { exclusion, previousReason } = await addExclusion(t.store, {
      partnerId: P,
      actor: 'dave',
      customer: 'c1',
      product: E3,
      reason: 'pilot until June',
    });
    expect(exclusion).toMatchObject({
      customerId: 'c1',
      productId: E3,
      reason: 'pilot until June',
      createdBy: 'dave',
    });
    expect(previousReason).toBeNull();
    const r = await getRecommendations(t.store, { partnerId: P, locale: 'en' });
    expect(r.cards.map((c) => c.customerId)).not.toContain('c1');
    expect(r.silenced.map((c) => `${c.rule} ${c.customerId}`)).toEqual(['LOW_ADOPTION c1']);
    const report = await getCustomerReport(t.store, { partnerId: P, customer: 'c1' });
    expect(report.rows.filter((row) => row.productId === E3 && row.workloadCode === 'ALL')).toHaveLength(1);

    await removeExclusion(t.store, { partnerId: P, actor: 'dave', customer: 'c1', product: E3 });
    expect(await summary()).toContain('2 LOW_ADOPTION c1 6');
    const log = await settingsHistory(t.store, { partnerId: P, limit: 2 });
    expect(log.map((e) => [e.actor, e.action, e.details.reason])).toEqual([
      ['dave', 'exclusion.remove', 'pilot until June'],
      ['dave', 'exclusion.add', 'pilot until June'],
    ]);
  });

  it('refuse an exclusion without a reason, of an unknown customer or product, or one that does not exist', async () => {
    const add = (customer: string, product: string, reason: string) =>
      addExclusion(t.store, { partnerId: P, actor: 'dave', customer, product, reason });
    await expect(add('c1', E3, '   ')).rejects.toThrow(/give a reason/);
    await expect(add('nobody', E3, 'x')).rejects.toThrow(/no customer with the id, domain or name "nobody"/);
    await expect(add('c1', 'no-such-product', 'x')).rejects.toThrow(/no product "no-such-product"/);
    await expect(
      removeExclusion(t.store, { partnerId: P, actor: 'dave', customer: 'c1', product: E3 }),
    ).rejects.toBeInstanceOf(AppError);
    expect(await t.store.exclusions(P)).toEqual([]);
  });
});
