/**
 * The metric compute on PostgreSQL gives what it gives on the embedded store: the engine's input
 * (loadMetricData), then whole computes — full, incremental for a few customers, incremental for
 * every customer, incremental after a change of data — read back as the rows of several days, the
 * sum runs and metric runs of the whole range, the metrics plan and an empty integrity check; and
 * the integrity check finds what is planted, as the embedded store's does. On a demo portfolio
 * copied from DuckDB, both stores asked the same.
 */
import { computeMetrics } from '@license-insights/core';
import { type SqlFragment, sql } from '@license-insights/core/sql';
import type { CustomerMetricData, Store } from '@license-insights/core/store';
import type { DuckDbClient } from '@license-insights/core/store/duckdb/duckdb-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PgClient } from '../src/pg-client';
import { type CopiedDemo, copiedDemo } from './helpers/copied-demo';
import { describeEngines } from './helpers/engines';
import { storedMetrics } from './helpers/run-tuples';

/** A day of the demo's data (2026-01-01 … 2026-03-31) from which the incremental computes start. */
const MIDDLE = '2026-02-15';

/** Record indexes sorted by their key tuples. */
function orderBy(n: number, key: (i: number) => readonly number[]): number[] {
  const keys = Array.from({ length: n }, (_, i) => key(i));
  return Array.from({ length: n }, (_, i) => i).sort((x, y) => {
    const a = keys[x] as readonly number[];
    const b = keys[y] as readonly number[];
    for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return (a[k] as number) - (b[k] as number);
    return 0;
  });
}

/** A typed array's values in another order, in an array of the same type. */
function permuted<T extends Int32Array | Uint32Array | Uint8Array>(a: T, order: readonly number[]): T {
  const out = a.slice() as T;
  order.forEach((j, i) => {
    out[i] = a[j] as number;
  });
  return out;
}

/**
 * The engine's input with the records whose order the embedded store leaves to its storage
 * (assignments, facts, canonical measured sources of one day) sorted: the engine's answer does not
 * depend on it. Everything else is compared as given.
 */
function canonical(data: readonly CustomerMetricData[]) {
  return data.map((c) => {
    const a = c.assignments;
    const ao = orderBy(a.count, (i) => [a.user[i], a.product[i], a.from[i], a.to[i]] as number[]);
    const f = c.facts;
    const fo = orderBy(f.count, (i) => [f.user[i], f.workload[i], f.month[i], f.days[i]] as number[]);
    return {
      ...c,
      assignments: {
        count: a.count,
        user: permuted(a.user, ao),
        product: permuted(a.product, ao),
        from: permuted(a.from, ao),
        to: permuted(a.to, ao),
      },
      facts: {
        count: f.count,
        user: permuted(f.user, fo),
        workload: permuted(f.workload, fo),
        month: permuted(f.month, fo),
        days: permuted(f.days, fo),
      },
      measured: {
        canonical: [...c.measured.canonical].sort(
          (x, y) => x.from - y.from || (x.workload < y.workload ? -1 : x.workload > y.workload ? 1 : 0),
        ),
        graph: c.measured.graph,
      },
    };
  });
}

describeEngines('the metric compute', (engine) => {
  let demo: CopiedDemo;
  /**
   * The PostgreSQL store as the core's Store: PostgresStore does not implement all of it yet
   * (imports, thread limits, …), but everything computeMetrics asks of it (the write unit with
   * metricsPlan, markAllMetricsDirty, partnerProducts, customerIds, loadMetricData,
   * writeDailyMetrics) — hence the cast.
   */
  let pg: Store;
  let duck: Store;
  let P: string;
  let ids: string[];
  beforeAll(async () => {
    demo = await copiedDemo({ seed: 'compute', engine });
    pg = demo.copy;
    duck = demo.duck.store;
    P = demo.partnerId;
    ids = await duck.read((q) => q.customerIds(P));
  }, 300_000);
  afterAll(async () => {
    await demo?.close();
  });

  /** Runs a statement of the test's own (a change of data, a mark, a planted fault) in a write unit of each engine. */
  async function onBoth(statement: SqlFragment): Promise<{ pg: number; duck: number }> {
    // The units' connections are protected members: reached here for SQL no store method writes.
    const pgRows = await demo.copy.write(P, (tx) => (tx as unknown as { db: PgClient }).db.run(statement));
    const duckRows = await duck.write(P, (tx) => (tx as unknown as { db: DuckDbClient }).db.run(statement));
    return { pg: pgRows, duck: duckRows };
  }

  /** What a compute leaves, read in one unit (run-tuples.ts). */
  const stored = (s: Store) => storedMetrics(s, P, MIDDLE);

  async function expectSameStored(): Promise<Awaited<ReturnType<typeof stored>>> {
    const onPg = await stored(pg);
    const onDuck = await stored(duck);
    for (const key of Object.keys(onDuck) as (keyof typeof onDuck)[])
      expect(onPg[key], key).toEqual(onDuck[key]);
    expect(onPg.integrity).toEqual([]);
    expect(onPg.plan.dirty).toEqual([]);
    return onPg;
  }

  it('loads the engine input as the embedded store does: all customers, two, facts from a later month', async () => {
    const some = [ids[5] ?? '', ids[2] ?? ''];
    const cases = [
      [null, '2025-12-04'],
      [some, '2025-12-04'],
      [null, '2026-03-10'],
      [[], '2025-12-04'],
    ] as const;
    for (const [customers, factsFrom] of cases) {
      const onPg = await pg.read((q) => q.loadMetricData(P, customers, factsFrom));
      const onDuck = await duck.read((q) => q.loadMetricData(P, customers, factsFrom));
      expect(canonical(onPg)).toEqual(canonical(onDuck));
    }
    const all = await pg.read((q) => q.loadMetricData(P, null, '2025-12-04'));
    expect(all.map((c) => c.customerId)).toEqual(ids);
    expect(all.reduce((n, c) => n + c.facts.count, 0)).toBeGreaterThan(10_000);
    expect(all.reduce((n, c) => n + c.assignments.count, 0)).toBeGreaterThan(1_000);
    expect(all.some((c) => c.subscriptions.length > 1)).toBe(true);
    // In shared memory, as the engine's worker thread reads them.
    expect(all[0]?.facts.user.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(all[0]?.assignments.to.buffer).toBeInstanceOf(SharedArrayBuffer);
    const later = await pg.read((q) => q.loadMetricData(P, null, '2026-03-10'));
    expect(later.reduce((n, c) => n + c.facts.count, 0)).toBeLessThan(
      all.reduce((n, c) => n + c.facts.count, 0),
    );
  });

  it('computes every metric in full as the embedded store does (engine in a worker thread on PostgreSQL)', async () => {
    const onPg = await computeMetrics(pg, { partnerId: P, full: true, engine: 'worker' });
    const onDuck = await computeMetrics(duck, { partnerId: P, full: true });
    expect(onPg.mode).toBe('full');
    expect({ ...onPg, seconds: 0, phases: null }).toEqual({ ...onDuck, seconds: 0, phases: null });
    const s = await expectSameStored();
    expect(s.days.first.length).toBeGreaterThan(0);
    expect(s.days.middle.length).toBeGreaterThan(0);
    expect(s.days.last.length).toBeGreaterThan(0);
    expect(s.runsEach.length).toBeGreaterThan(s.runsAll.length);
    expect(s.sumsAll.length).toBeGreaterThan(0);
  });

  it('recomputes two customers from a middle day as the embedded store does (nothing changed: the same runs)', async () => {
    const before = await stored(pg);
    const two = [ids[1] ?? '', ids[6] ?? ''];
    const marked = await onBoth(
      sql`INSERT INTO metrics_dirty (partner_id, customer_id, from_day)
          SELECT partner_id, customer_id, ${MIDDLE}::date FROM customers WHERE partner_id = ${P} AND customer_id IN (${two[0] ?? ''}, ${two[1] ?? ''})`,
    );
    expect(marked).toEqual({ pg: 2, duck: 2 });
    const onPg = await computeMetrics(pg, { partnerId: P });
    const onDuck = await computeMetrics(duck, { partnerId: P });
    expect(onPg).toMatchObject({ mode: 'incremental', customers: 2, fromDay: MIDDLE });
    expect({ ...onPg, seconds: 0, phases: null }).toEqual({ ...onDuck, seconds: 0, phases: null });
    const after = await expectSameStored();
    // Runs through the middle day were cut and extended again: the table is as it was.
    expect({ ...after, plan: null }).toEqual({ ...before, plan: null });
  });

  it('recomputes every customer from a day as the embedded store does (markAllMetricsDirty)', async () => {
    await pg.write(P, (tx) => tx.markAllMetricsDirty(P, '2026-03-20'));
    await duck.write(P, (tx) => tx.markAllMetricsDirty(P, '2026-03-20'));
    const plans = {
      pg: await pg.read((q) => q.metricsPlan(P)),
      duck: await duck.read((q) => q.metricsPlan(P)),
    };
    expect(plans.pg).toEqual(plans.duck);
    expect(plans.pg.dirty).toHaveLength(ids.length);
    const onPg = await computeMetrics(pg, { partnerId: P });
    const onDuck = await computeMetrics(duck, { partnerId: P });
    expect(onPg).toMatchObject({ mode: 'incremental', customers: ids.length, fromDay: '2026-03-20' });
    expect({ ...onPg, seconds: 0, phases: null }).toEqual({ ...onDuck, seconds: 0, phases: null });
    await expectSameStored();
  });

  it('recomputes changed customers from a middle day as the embedded store does, and as a full recompute', async () => {
    // Two customers' data change from the middle day on: a subscription's quantity, a month of activity.
    const { customer_id: resized } = await demo.copy.read((q) =>
      (q as unknown as { db: PgClient }).db.one<{ customer_id: string }>(
        sql`SELECT customer_id FROM subscription_snapshots WHERE partner_id = ${P} AND as_of >= ${MIDDLE}::date
            ORDER BY customer_id COLLATE "C" LIMIT 1`,
      ),
    );
    const quiet = ids.find((id) => id !== resized) ?? '';
    const resizedRows = await onBoth(
      sql`UPDATE subscription_snapshots SET quantity = quantity + 7
          WHERE partner_id = ${P} AND customer_id = ${resized} AND as_of >= ${MIDDLE}::date`,
    );
    expect(resizedRows.pg).toBeGreaterThan(0);
    expect(resizedRows.duck).toBe(resizedRows.pg);
    const quietRows = await onBoth(
      sql`DELETE FROM activity WHERE partner_id = ${P} AND customer_id = ${quiet} AND month = DATE '2026-03-01'`,
    );
    expect(quietRows.pg).toBeGreaterThan(0);
    expect(quietRows.duck).toBe(quietRows.pg);
    await onBoth(
      sql`INSERT INTO metrics_dirty (partner_id, customer_id, from_day)
          SELECT partner_id, customer_id, ${MIDDLE}::date FROM customers WHERE partner_id = ${P} AND customer_id IN (${resized}, ${quiet})`,
    );
    const before = await stored(pg);
    const onPg = await computeMetrics(pg, { partnerId: P });
    const onDuck = await computeMetrics(duck, { partnerId: P });
    expect(onPg).toMatchObject({ mode: 'incremental', customers: 2, fromDay: MIDDLE });
    expect({ ...onPg, seconds: 0, phases: null }).toEqual({ ...onDuck, seconds: 0, phases: null });
    const incremental = await expectSameStored();
    expect(incremental.runsAll).not.toEqual(before.runsAll);
    expect(incremental.sumsAll).not.toEqual(before.sumsAll);
    // A full recompute on PostgreSQL stores exactly what the incremental one did.
    await computeMetrics(pg, { partnerId: P, full: true });
    const full = await stored(pg);
    expect({ ...full, plan: null }).toEqual({ ...incremental, plan: null });
    expect(full.plan.computed).toEqual(incremental.plan.computed);
  });

  it('finds planted faults as the embedded store does: overlapping runs, runs not maximal, sums off', async () => {
    const run = await demo.copy.read((q) =>
      (q as unknown as { db: PgClient }).db.one<{
        customer_id: string;
        product_id: string;
        workload: string;
        first_day: string;
      }>(
        sql`SELECT customer_id, product_id, workload, first_day FROM metric_runs
            WHERE partner_id = ${P} AND last_day > first_day AND workload = 'ALL' AND sold > 0
            ORDER BY customer_id COLLATE "C", product_id COLLATE "C", first_day LIMIT 1`,
      ),
    );
    const key = sql`partner_id = ${P} AND customer_id = ${run.customer_id} AND product_id = ${run.product_id}
      AND workload = ${run.workload} AND first_day = ${run.first_day}::date`;
    const copyFrom = (first: SqlFragment) => sql`INSERT INTO metric_runs
      SELECT partner_id, customer_id, product_id, workload, ${first}, last_day, sold, sold_own, assigned, active,
             rotation, unlicensed, trial_capacity, noncounted_capacity, usage_state
      FROM metric_runs WHERE ${key}`;
    const planted: Record<string, SqlFragment[]> = {
      // The run again from its second day: two runs on the days they share.
      overlap: [copyFrom(sql`first_day + 1`)],
      // The run cut in two equal halves.
      split: [copyFrom(sql`first_day + 1`), sql`UPDATE metric_runs SET last_day = first_day WHERE ${key}`],
      // One more license sold: the sums no longer add up.
      sold: [sql`UPDATE metric_runs SET sold = sold + 1 WHERE ${key}`],
    };
    const found: Record<string, unknown> = {};
    for (const [name, statements] of Object.entries(planted)) {
      const answers: unknown[] = [];
      for (const s of [pg, duck]) {
        // Planted in a write unit that then fails: it rolls back, the store stays as it was.
        const seen = await s
          .write(P, async (tx) => {
            const db = (tx as unknown as { db: PgClient | DuckDbClient }).db;
            for (const statement of statements) await db.run(statement);
            throw Object.assign(new Error('roll back'), { found: await tx.verifyIntegrity() });
          })
          .catch((e: { found?: unknown }) => e.found);
        answers.push(seen);
      }
      expect(answers[0], name).toEqual(answers[1]);
      found[name] = answers[0];
    }
    const checks = (name: string) => (found[name] as { check: string }[]).map((c) => c.check);
    expect(checks('overlap')).toContain('metric runs of one row do not overlap');
    expect(checks('overlap')).toContain('customer sums equal the sums of the metrics rows');
    expect(found.split).toEqual([
      {
        check: 'metric runs are maximal (no two adjacent runs of one row hold the same values)',
        violations: 1,
      },
    ]);
    expect(checks('sold')).toEqual(['customer sums equal the sums of the metrics rows']);
    expect(await pg.read((q) => q.verifyIntegrity())).toEqual([]);
  });
});
