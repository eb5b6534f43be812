/**
 * The playbook's reads on PostgreSQL answer as the embedded store's on the same data: support
 * requests and active users over rolling 28-day windows, subscriptions as of a day, licensed users
 * inactive for 28/60/90 days (lists and counts), asked of a demo portfolio copied from DuckDB.
 */
import { WORKLOAD_CODES, type WorkloadCode } from '@license-insights/contracts';
import type { InactiveScope, StoreReader } from '@license-insights/core/store';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PostgresStore } from '../src';
import { type CopiedDemo, copiedDemo } from './helpers/copied-demo';
import { describeEngines } from './helpers/engines';

type Reads = Pick<
  StoreReader,
  | 'customerIds'
  | 'dailyMetrics'
  | 'supportCounts'
  | 'activeUserCounts'
  | 'subscriptionsOn'
  | 'inactiveLicensedUsers'
  | 'inactiveLicensedCounts'
>;

/** The last day of the demo's data (90 days: 2026-01-01 … 2026-03-31; subscriptions start earlier). */
const END = '2026-03-31';
/** A day before any data. */
const BEFORE = '2000-01-01';

describeEngines('the playbook reads', (engine) => {
  let demo: CopiedDemo;
  let copy: PostgresStore;
  let P: string;
  let ids: string[];
  let some: string[];
  beforeAll(async () => {
    demo = await copiedDemo({ engine });
    copy = demo.copy;
    P = demo.partnerId;
    ids = await demo.duck.store.read((q) => q.customerIds(P));
    some = [ids[3] ?? '', ids[0] ?? ''];
  }, 300_000);
  afterAll(async () => {
    await demo?.close();
  });

  /** The same questions to both stores: the copy's answers, then the original's. */
  async function both<T>(ask: (q: Reads) => Promise<T>): Promise<{ pg: T; duck: T }> {
    const pg = await copy.read((q) => ask(q));
    const duck = await demo.duck.store.read((q) => ask(q));
    return { pg, duck };
  }

  function expectSame(answers: { pg: Record<string, unknown>; duck: Record<string, unknown> }): void {
    expect(Object.keys(answers.pg)).toEqual(Object.keys(answers.duck));
    for (const key of Object.keys(answers.duck)) expect(answers.pg[key], key).toEqual(answers.duck[key]);
  }

  it('counts support requests over rolling 28 days as the embedded store does', async () => {
    const answers = await both(async (q) => ({
      quarter: await q.supportCounts(P, '2026-01-01', END),
      march: await q.supportCounts(P, '2026-03-01', END, some),
      one: await q.supportCounts(P, '2026-02-10', '2026-03-05', [some[0] as string]),
      lastDay: await q.supportCounts(P, END, END),
      pastEnd: await q.supportCounts(P, '2026-04-10', '2026-04-30'),
      before: await q.supportCounts(P, BEFORE, '2000-01-31'),
      reversed: await q.supportCounts(P, END, '2026-03-01'),
      none: await q.supportCounts(P, '2026-01-01', END, []),
    }));
    expectSame(answers);
    const { quarter, march, lastDay, pastEnd, before, reversed, none } = answers.pg;
    expect(quarter.length).toBeGreaterThan(50);
    expect(march.length).toBeGreaterThan(0);
    expect(lastDay.length).toBeGreaterThan(0);
    expect(pastEnd.length).toBeGreaterThan(0); // the window of 2026-04-10 still reaches back into March
    expect([before, reversed, none]).toEqual([[], [], []]);
    // Every kind of scope is there: whole customer, product, workload, product × workload.
    expect(quarter.some((r) => r.productId === null && r.workload === null)).toBe(true);
    expect(quarter.some((r) => r.productId !== null && r.workload === null)).toBe(true);
    expect(quarter.some((r) => r.productId === null && r.workload !== null)).toBe(true);
    expect(quarter.some((r) => r.productId !== null && r.workload !== null)).toBe(true);
    expect(quarter.some((r) => r.howTo > 1)).toBe(true);
  });

  it('counts active users over rolling 28 days as the embedded store does', async () => {
    const answers = await both(async (q) => ({
      quarter: await q.activeUserCounts(P, '2026-01-01', END),
      acrossMonths: await q.activeUserCounts(P, '2026-02-20', '2026-03-10', some),
      one: await q.activeUserCounts(P, '2026-03-01', END, [some[0] as string]),
      lastDay: await q.activeUserCounts(P, END, END),
      pastEnd: await q.activeUserCounts(P, '2026-04-01', '2026-05-05'),
      before: await q.activeUserCounts(P, BEFORE, '2000-01-31'),
      reversed: await q.activeUserCounts(P, END, '2026-03-01'),
      none: await q.activeUserCounts(P, '2026-01-01', END, []),
    }));
    expectSame(answers);
    const { quarter, acrossMonths, lastDay, pastEnd, before, reversed, none } = answers.pg;
    expect(quarter.length).toBeGreaterThan(8 * 90);
    expect(acrossMonths.length).toBeGreaterThan(0);
    expect(lastDay.filter((r) => r.workload === null).length).toBe(8);
    expect(lastDay.some((r) => r.workload !== null && r.users > 0)).toBe(true);
    // The window slides out of the data: on 2026-04-28 it starts on 04-01, past the last activity.
    expect(pastEnd.length).toBeGreaterThan(0);
    expect(pastEnd.some((r) => r.day >= '2026-04-28')).toBe(false);
    expect([before, reversed, none]).toEqual([[], [], []]);
  });

  it('reads subscriptions as of a day (the latest snapshot on or before it) as the embedded store does', async () => {
    const answers = await both(async (q) => ({
      end: await q.subscriptionsOn(P, END),
      later: await q.subscriptionsOn(P, '2027-01-01'),
      mid: await q.subscriptionsOn(P, '2026-02-15', some),
      first: await q.subscriptionsOn(P, '2026-01-01'),
      one: await q.subscriptionsOn(P, '2026-03-01', [some[0] as string]),
      before: await q.subscriptionsOn(P, BEFORE),
      none: await q.subscriptionsOn(P, END, []),
    }));
    expectSame(answers);
    const { end, later, mid, one, before, none } = answers.pg;
    expect(end.length).toBeGreaterThan(8);
    expect(later).toEqual(end);
    expect(mid.length).toBeGreaterThan(0);
    expect(one.length).toBeGreaterThan(0);
    expect(new Set(end.map((s) => s.customerId)).size).toBe(8);
    expect([before, none]).toEqual([[], []]);
  });

  /**
   * Scopes as the core builds them (use-cases/inactive-users.ts planInactive): per customer and
   * product held on the day, the product's workloads measured (here: those with metrics rows on
   * the day, what the demo measures).
   */
  async function scopesOn(day: string, customers?: readonly string[]): Promise<InactiveScope[]> {
    const rows = await demo.duck.store.read((q) => q.dailyMetrics(P, day, customers));
    const scopes = new Map<string, { customerId: string; productId: string; workloads: WorkloadCode[] }>();
    for (const r of rows) {
      const key = `${r.customerId}\u0000${r.productId}`;
      const s = scopes.get(key) ?? { customerId: r.customerId, productId: r.productId, workloads: [] };
      scopes.set(key, s);
      if (r.workload !== 'ALL') s.workloads.push(r.workload);
    }
    return [...scopes.values()];
  }

  it('lists and counts licensed users inactive for 28, 60 and 90 days as the embedded store does', async () => {
    const atEnd = await scopesOn(END);
    const atMid = await scopesOn('2026-03-15', some);
    const atFeb = await scopesOn('2026-02-28');
    expect(atEnd.filter((s) => s.workloads.length > 0).length).toBeGreaterThan(8);
    const first = atEnd.find((s) => s.workloads.length > 1) as InactiveScope;
    const narrow: InactiveScope[] = [
      { ...first, workloads: [first.workloads[0] as WorkloadCode] },
      // Every workload code counted for one product, twice over (duplicates change nothing).
      { ...first, workloads: [...WORKLOAD_CODES] },
      { ...first, workloads: [...WORKLOAD_CODES] },
    ];
    const asks: [string, string, readonly InactiveScope[]][] = [
      ['end', END, atEnd],
      ['mid', '2026-03-15', atMid],
      ['feb', '2026-02-28', atFeb],
      ['narrow', END, narrow],
      ['before', BEFORE, atEnd],
      ['no scopes', END, []],
      ['no workloads', END, atEnd.map((s) => ({ ...s, workloads: [] }))],
    ];
    const answers = await both(async (q) => {
      const out: Record<string, unknown> = {};
      // 45.5: a fraction of a day is rounded as both engines cast it to a whole number.
      for (const [name, day, scopes] of asks)
        for (const n of [28, 45.5, 60, 90]) {
          out[`users ${name} ${n}`] = await q.inactiveLicensedUsers(P, day, scopes, n);
          out[`counts ${name} ${n}`] = await q.inactiveLicensedCounts(P, day, scopes, n);
        }
      return out;
    });
    expectSame(answers);
    const users = answers.pg as Record<string, Awaited<ReturnType<Reads['inactiveLicensedUsers']>>>;
    const counts = answers.pg as Record<string, Awaited<ReturnType<Reads['inactiveLicensedCounts']>>>;
    for (const n of [28, 60, 90]) {
      // The counts are the lists' lengths per customer and product.
      for (const name of ['end', 'mid', 'feb', 'narrow']) {
        const list = users[`users ${name} ${n}`] ?? [];
        const tally = new Map<string, number>();
        for (const u of list)
          tally.set(`${u.customerId} ${u.productId}`, (tally.get(`${u.customerId} ${u.productId}`) ?? 0) + 1);
        expect(
          (counts[`counts ${name} ${n}`] ?? []).map((c) => [`${c.customerId} ${c.productId}`, c.users]),
          `${name} ${n}`,
        ).toEqual([...tally]);
      }
      expect(users[`users before ${n}`]).toEqual([]);
      expect(users[`users no scopes ${n}`]).toEqual([]);
      expect(users[`users no workloads ${n}`]).toEqual([]);
    }
    const end28 = users['users end 28'] ?? [];
    expect(end28.length).toBeGreaterThan(0);
    expect(new Set(end28.map((u) => u.customerId)).size).toBeGreaterThan(1);
    // Users with activity before the 28 days (dated, per workload) and users never active.
    expect(end28.some((u) => u.lastActive !== null && Object.keys(u.lastActiveByWorkload).length > 0)).toBe(
      true,
    );
    expect(end28.some((u) => u.lastActive === null && u.daysInactive === null)).toBe(true);
    // The same texts too: the per-workload days keyed in the same (workload) order.
    expect(JSON.stringify(end28)).toBe(JSON.stringify(answers.duck['users end 28']));
    expect((users['users narrow 28'] ?? []).length).toBeGreaterThan(0);
    expect((users['users feb 28'] ?? []).length).toBeGreaterThan(0);
    expect((users['users mid 28'] ?? []).length).toBeGreaterThan(0);
    expect((users['users end 90'] ?? []).length).toBeLessThanOrEqual(end28.length);
  });
});
