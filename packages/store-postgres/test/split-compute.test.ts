/**
 * A metric compute split by customer across workers (core use-cases/compute-metrics.ts `parts`)
 * stores exactly what one worker stores — runs, sums, daily metrics, plan (computed range, dirty
 * marks) — full, incremental after a change of data, incremental for every customer; readers see
 * the old metrics and sums until the coordinator publishes, then the new ones together; a part
 * that fails, a cancel, or a failure before the publish leaves the live metrics as they were and
 * no staging rows. On the demo portfolio copied into a throwaway PostgreSQL 15, and a two-worker
 * Citus cluster.
 */
import { computeMetrics, isAppError, joinComputeJobs, splitCustomers } from '@license-insights/core';
import { ident, type SqlFragment, sql } from '@license-insights/core/sql';
import type { Store } from '@license-insights/core/store';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PostgresStore } from '../src';
import type { PgClient } from '../src/pg-client';
import { type CopiedDemo, copiedDemo } from './helpers/copied-demo';
import { describeEngines } from './helpers/engines';
import { storedMetrics, sumTuples } from './helpers/run-tuples';

const MIDDLE = '2026-02-15';

/** The staging tables of migration 3: empty whenever no split compute runs. */
const STAGING = [
  'compute_jobs',
  'compute_parts',
  'compute_staged_customers',
  'metric_runs_staged',
  'customer_sums_staged',
] as const;

describeEngines('a metric compute split across workers', (engine) => {
  let demo: CopiedDemo;
  /** The store on PostgreSQL or Citus. */
  let pg: Store;
  let P: string;
  let ids: string[];
  /** Parts staged (stageComputePart calls) since the test began counting. */
  let partsRun = 0;
  beforeAll(async () => {
    demo = await copiedDemo({ seed: 'split', engine });
    pg = demo.copy;
    P = demo.partnerId;
    ids = await pg.read((q) => q.customerIds(P));
    // Counts the parts staged (the store's own method runs them).
    const stage = demo.copy.stageComputePart.bind(demo.copy);
    demo.copy.stageComputePart = (async (...args: Parameters<typeof stage>) => {
      const claimed = await stage(...args);
      if (claimed !== null) partsRun++;
      return claimed;
    }) as typeof stage;
  }, 300_000);
  afterAll(async () => {
    await demo?.close();
  });

  /** A statement of the test's own (a change of data, a mark) in a write unit of the partner. */
  function change(statement: SqlFragment): Promise<number> {
    return demo.copy.write(P, (tx) => (tx as unknown as { db: PgClient }).db.run(statement));
  }

  /** Rows of each staging table. */
  async function stagingRows(): Promise<Record<string, number>> {
    return demo.copy.read(async (q) => {
      const db = (q as unknown as { db: PgClient }).db;
      const out: Record<string, number> = {};
      for (const t of STAGING)
        out[t] = (await db.one<{ n: number }>(sql`SELECT count(*) AS n FROM ${ident(t)}`)).n;
      return out;
    });
  }
  const noStaging = Object.fromEntries(STAGING.map((t) => [t, 0]));

  /** What a compute leaves, read in one unit (run-tuples.ts). */
  const stored = (s: Store = pg) => storedMetrics(s, P, MIDDLE);

  /** A report without its timings. */
  const untimed = (r: Awaited<ReturnType<typeof computeMetrics>>) => ({ ...r, seconds: 0, phases: null });

  /** Marks customers dirty from a day (as an import of changed data does). */
  function markDirty(customers: readonly string[], from: string): Promise<number> {
    return change(sql`INSERT INTO metrics_dirty (partner_id, customer_id, from_day)
      SELECT partner_id, customer_id, ${from}::date FROM customers WHERE partner_id = ${P} AND customer_id = ANY(${[...customers]}::text[])
      ON CONFLICT (partner_id, customer_id) DO UPDATE SET from_day = least(metrics_dirty.from_day, excluded.from_day)`);
  }

  it('splits customers by a stable hash: every customer in exactly one part, the same part every time', () => {
    for (const n of [2, 3, 5]) {
      const shares = splitCustomers(ids, n);
      expect(shares).toHaveLength(n);
      expect(shares.flat().sort()).toEqual([...ids].sort());
      expect(splitCustomers([...ids].reverse(), n).map((s) => [...s].sort())).toEqual(
        shares.map((s) => [...s].sort()),
      );
    }
    // The demo's customers fall in more than one part (else the tests below would not split).
    expect(splitCustomers(ids, 2).every((s) => s.length > 0)).toBe(true);
    expect(splitCustomers(ids, 3).filter((s) => s.length > 0).length).toBeGreaterThan(1);
  });

  it('computes in full in two and in three parts exactly what one worker computes', async () => {
    const one = await computeMetrics(pg, { partnerId: P, full: true });
    const unsplit = await stored();
    expect(unsplit.integrity).toEqual([]);
    expect(unsplit.runsEach.length).toBeGreaterThan(0);
    for (const parts of [2, 3]) {
      partsRun = 0;
      const split = await computeMetrics(pg, { partnerId: P, full: true, parts, engine: 'worker' });
      expect(partsRun).toBe(parts);
      expect(untimed(split)).toEqual(untimed(one));
      expect(await stored()).toEqual(unsplit);
      expect(await stagingRows()).toEqual(noStaging);
    }
  });

  it('computes incrementally after a change of data in two and three parts what one worker computes', async () => {
    // Two customers' data change from the middle day on: a subscription's quantity, a month of activity.
    const { customer_id: resized } = await demo.copy.read((q) =>
      (q as unknown as { db: PgClient }).db.one<{ customer_id: string }>(
        sql`SELECT customer_id FROM subscription_snapshots WHERE partner_id = ${P} AND as_of >= ${MIDDLE}::date
            ORDER BY customer_id COLLATE "C" LIMIT 1`,
      ),
    );
    const quiet = ids.find((id) => id !== resized) ?? '';
    const changed = [resized, quiet];
    expect(
      await change(sql`UPDATE subscription_snapshots SET quantity = quantity + 7
        WHERE partner_id = ${P} AND customer_id = ${resized} AND as_of >= ${MIDDLE}::date`),
    ).toBeGreaterThan(0);
    expect(
      await change(
        sql`DELETE FROM activity WHERE partner_id = ${P} AND customer_id = ${quiet} AND month = DATE '2026-03-01'`,
      ),
    ).toBeGreaterThan(0);
    const before = await stored();
    // Split in two: the changed customers fall in both parts or one; either way the same result.
    await markDirty(changed, MIDDLE);
    partsRun = 0;
    const two = await computeMetrics(pg, { partnerId: P, parts: 2 });
    expect(partsRun).toBe(2);
    expect(two).toMatchObject({ mode: 'incremental', customers: 2, fromDay: MIDDLE });
    const split = await stored();
    expect(split.runsAll).not.toEqual(before.runsAll);
    expect(split.sumsAll).not.toEqual(before.sumsAll);
    expect(split.integrity).toEqual([]);
    expect(split.plan.dirty).toEqual([]);
    // One worker, on the same marks: the same report and the same stored metrics.
    await markDirty(changed, MIDDLE);
    const one = await computeMetrics(pg, { partnerId: P });
    expect(untimed(two)).toEqual(untimed(one));
    expect(await stored()).toEqual(split);
    // Three parts (one of them empty or holding one customer): the same again.
    await markDirty(changed, MIDDLE);
    partsRun = 0;
    const three = await computeMetrics(pg, { partnerId: P, parts: 3 });
    expect(partsRun).toBe(3);
    expect(untimed(three)).toEqual(untimed(one));
    expect(await stored()).toEqual(split);
    // And a full recompute in one worker stores it too.
    await computeMetrics(pg, { partnerId: P, full: true });
    expect({ ...(await stored()), plan: null }).toEqual({ ...split, plan: null });
    expect(await stagingRows()).toEqual(noStaging);
  });

  it('recomputes every customer from a day in parts as one worker does (all customers: no id lists)', async () => {
    await pg.write(P, (tx) => tx.markAllMetricsDirty(P, '2026-03-20'));
    const one = await computeMetrics(pg, { partnerId: P });
    expect(one).toMatchObject({ mode: 'incremental', customers: ids.length, fromDay: '2026-03-20' });
    const unsplit = await stored();
    for (const parts of [2, 3]) {
      await pg.write(P, (tx) => tx.markAllMetricsDirty(P, '2026-03-20'));
      expect((await pg.read((q) => q.metricsPlan(P))).dirty).toHaveLength(ids.length);
      const split = await computeMetrics(pg, { partnerId: P, parts, batchSize: 2 });
      expect(untimed(split)).toEqual(untimed(one));
      expect(await stored()).toEqual(unsplit);
    }
  });

  it('shows readers the old metrics and sums until the publish, then the new ones together', async () => {
    const { customer_id: customer } = await demo.copy.read((q) =>
      (q as unknown as { db: PgClient }).db.one<{ customer_id: string }>(
        sql`SELECT customer_id FROM subscription_snapshots WHERE partner_id = ${P} AND as_of >= ${MIDDLE}::date
            ORDER BY customer_id COLLATE "C" DESC LIMIT 1`,
      ),
    );
    expect(
      await change(sql`UPDATE subscription_snapshots SET quantity = quantity + 3
        WHERE partner_id = ${P} AND customer_id = ${customer} AND as_of >= ${MIDDLE}::date`),
    ).toBeGreaterThan(0);
    await markDirty([customer], MIDDLE);
    const before = await stored();
    // A reader's unit opened before the publish and still open after it: one snapshot throughout.
    let releaseReader: () => void = () => undefined;
    let readerOpen: () => void = () => undefined;
    const opened = new Promise<void>((resolve) => {
      readerOpen = resolve;
    });
    const held = new Promise<void>((resolve) => {
      releaseReader = resolve;
    });
    const longReader = pg.read(async (q) => {
      const first = await q.sumRuns(P, '2000-01-01', '2100-12-31', 'ALL');
      readerOpen();
      await held;
      return {
        first: sumTuples(first),
        after: sumTuples(await q.sumRuns(P, '2000-01-01', '2100-12-31', 'ALL')),
      };
    });
    await opened;
    let after: Awaited<ReturnType<typeof stored>>;
    try {
      let during: Awaited<ReturnType<typeof stored>> | null = null;
      let stagedDuring: Record<string, number> | null = null;
      const report = await computeMetrics(pg, {
        partnerId: P,
        parts: 2,
        // Every part has committed its staging; the publish has not begun.
        onStaged: async () => {
          during = await stored();
          stagedDuring = await stagingRows();
        },
      });
      expect(report).toMatchObject({ mode: 'incremental', customers: 1, fromDay: MIDDLE });
      // Staged, committed, invisible: the live metrics, sums and dirty mark as before.
      expect(stagedDuring).toMatchObject({
        compute_jobs: 1,
        compute_parts: 2,
        compute_staged_customers: 1,
      });
      expect((stagedDuring as unknown as Record<string, number>).metric_runs_staged).toBeGreaterThan(0);
      expect((stagedDuring as unknown as Record<string, number>).customer_sums_staged).toBeGreaterThan(0);
      expect(during).toEqual(before);
      // After the publish: new runs and their sums together, no staging left.
      after = await stored();
      expect(after.runsAll).not.toEqual(before.runsAll);
      expect(after.sumsAll).not.toEqual(before.sumsAll);
      expect(after.plan.dirty).toEqual([]);
      expect(after.integrity).toEqual([]);
      expect(await stagingRows()).toEqual(noStaging);
    } finally {
      releaseReader();
    }
    const seen = await longReader;
    expect(seen.first).toEqual(before.sumsAll);
    expect(seen.after).toEqual(before.sumsAll);
    // The metrics are one worker's.
    await markDirty([customer], MIDDLE);
    await computeMetrics(pg, { partnerId: P });
    expect(await stored()).toEqual(after);
  });

  it('publishes nothing and leaves no staging rows when a part fails, the job is cancelled, or the publish fails', async () => {
    await markDirty(ids.slice(0, 5), '2026-01-10');
    const before = await stored();
    expect(before.plan.dirty).toHaveLength(5);
    const expectUnchanged = async () => {
      expect(await stored()).toEqual(before);
      expect(await stagingRows()).toEqual(noStaging);
    };

    // A part fails after staging its share (its unit rolls back); the other may have committed.
    const stage = demo.copy.stageComputePart.bind(demo.copy);
    demo.copy.stageComputePart = ((job, work, options) =>
      stage(
        job,
        async (unit, part) => {
          const rows = await work(unit, part);
          if (part.part === 1) throw new Error('part 1 broke');
          return rows;
        },
        options,
      )) as typeof stage;
    try {
      await expect(computeMetrics(pg, { partnerId: P, parts: 2, batchSize: 1 })).rejects.toThrow(
        'part 1 broke',
      );
    } finally {
      demo.copy.stageComputePart = stage;
    }
    await expectUnchanged();

    // Cancelled while the parts compute.
    const cancel = new AbortController();
    const cancelled = await computeMetrics(pg, {
      partnerId: P,
      parts: 2,
      batchSize: 1,
      signal: cancel.signal,
      onProgress: (p) => {
        if (p.phase === 'writing' && p.done >= 2) cancel.abort();
      },
    }).catch((e: unknown) => e);
    expect(isAppError(cancelled) && cancelled.code).toBe('interrupted');
    await expectUnchanged();

    // Cancelled when every part has staged, before the publish.
    const late = new AbortController();
    const lateCancel = await computeMetrics(pg, {
      partnerId: P,
      parts: 3,
      signal: late.signal,
      onStaged: async () => {
        expect((await stagingRows()).compute_parts).toBe(3);
        late.abort();
      },
    }).catch((e: unknown) => e);
    expect(isAppError(lateCancel) && lateCancel.code).toBe('interrupted');
    await expectUnchanged();

    // A failure between staging and publishing.
    await expect(
      computeMetrics(pg, {
        partnerId: P,
        parts: 2,
        onStaged: async () => {
          throw new Error('coordinator broke');
        },
      }),
    ).rejects.toThrow('coordinator broke');
    await expectUnchanged();

    // Then the job runs through.
    await computeMetrics(pg, { partnerId: P, parts: 2 });
    const done = await stored();
    expect(done.plan.dirty).toEqual([]);
    expect({ ...done, plan: null }).toEqual({ ...before, plan: null });
    expect(await stagingRows()).toEqual(noStaging);
  });

  it('lets a worker of another process run parts of a job, and takes back the part of a worker that failed', async () => {
    await pg.write(P, (tx) => tx.markAllMetricsDirty(P, '2026-02-01'));
    const one = await computeMetrics(pg, { partnerId: P });
    const unsplit = await stored();
    // Another app instance on the same database: a store of its own (its own pool).
    const other = await PostgresStore.open({ url: demo.copy.location });
    const otherStore = other as unknown as Store;
    const coordinatorStage = demo.copy.stageComputePart.bind(demo.copy);
    try {
      // The coordinator's one worker claims its first part only once the other process has
      // staged one (or failed one), so the other process surely takes part.
      const gate = (ready: Promise<void>) => {
        let first = true;
        demo.copy.stageComputePart = (async (...args: Parameters<typeof coordinatorStage>) => {
          if (first) {
            first = false;
            await ready;
          }
          return coordinatorStage(...args);
        }) as typeof coordinatorStage;
      };
      // 1. The other process joins and stages parts beside the coordinator's worker.
      let joinedParts = 0;
      let told: () => void = () => undefined;
      gate(
        new Promise<void>((resolve) => {
          told = resolve;
        }),
      );
      let coordinating = true;
      const joining = (async () => {
        while (coordinating) {
          joinedParts += await joinComputeJobs(otherStore, { onPart: () => told() });
          await new Promise((r) => setTimeout(r, 10));
        }
      })();
      await pg.write(P, (tx) => tx.markAllMetricsDirty(P, '2026-02-01'));
      const split = await computeMetrics(pg, { partnerId: P, parts: 4, workers: 1 }).finally(() => {
        coordinating = false;
      });
      await joining;
      expect(joinedParts).toBeGreaterThanOrEqual(1);
      expect(untimed(split)).toEqual(untimed(one));
      expect(await stored()).toEqual(unsplit);
      expect(await stagingRows()).toEqual(noStaging);

      // 2. The other process's worker fails in its part: the part is open again, and the
      // coordinator's worker runs it.
      let failedThere: unknown = null;
      let gaveUp: () => void = () => undefined;
      gate(
        new Promise<void>((resolve) => {
          gaveUp = resolve;
        }),
      );
      const stop = new AbortController();
      const failing = (async () => {
        for (;;) {
          const r = await joinComputeJobs(otherStore, { signal: stop.signal }).catch((e: unknown) => e);
          if (r !== 0) return r;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      })().then((r) => {
        failedThere = r;
        gaveUp();
      });
      // Cancelled once it has claimed a part and staged its first batch.
      const cancelOnStage = other.stageComputePart.bind(other);
      other.stageComputePart = ((job, work, options) =>
        cancelOnStage(
          job,
          async (unit, part) => {
            stop.abort();
            return work(unit, part);
          },
          options,
        )) as typeof cancelOnStage;
      await pg.write(P, (tx) => tx.markAllMetricsDirty(P, '2026-02-01'));
      const taken = await computeMetrics(pg, { partnerId: P, parts: 3, workers: 1 });
      await failing;
      expect(isAppError(failedThere) && failedThere.code).toBe('interrupted');
      expect(untimed(taken)).toEqual(untimed(one));
      expect(await stored()).toEqual(unsplit);
      expect(await stagingRows()).toEqual(noStaging);
    } finally {
      demo.copy.stageComputePart = coordinatorStage;
      await other.close();
    }
  });

  it('deletes a job whose coordinator died, and staged rows a dead job left at the next publish', async () => {
    // A job opened with no coordinator holding the partner's lock: dead from the start. A
    // joining worker finds it dead and deletes it, staging nothing.
    await pg.openComputeJob(
      P,
      'dead-job',
      {
        fromDay: '2026-03-01',
        firstDay: '2026-01-01',
        lastDay: '2026-03-31',
        batchSize: null,
        engine: 'inline',
      },
      [[ids[0] ?? ''], [ids[1] ?? '']],
    );
    expect((await stagingRows()).compute_parts).toBe(2);
    expect(await joinComputeJobs(pg)).toBe(0);
    expect(await stagingRows()).toEqual(noStaging);
    // A part staged while the coordinator lived, which then died before publishing or
    // discarding (its write unit ends here without either): the rows stay, unseen, until the
    // partner's next job publishes.
    await pg.write(P, async () => {
      await pg.openComputeJob(
        P,
        'orphan-job',
        {
          fromDay: '2026-03-01',
          firstDay: '2026-01-01',
          lastDay: '2026-03-31',
          batchSize: null,
          engine: 'inline',
        },
        [[ids[0] ?? '']],
      );
      expect(await joinComputeJobs(pg)).toBe(1);
    });
    const left = await stagingRows();
    expect(left).toMatchObject({ compute_jobs: 1, compute_parts: 1, compute_staged_customers: 1 });
    expect(left.metric_runs_staged).toBeGreaterThan(0);
    await markDirty([ids[0] ?? ''], '2026-03-30');
    await computeMetrics(pg, { partnerId: P, parts: 2 });
    expect(await stagingRows()).toEqual(noStaging);
  });

  it('is refused by the embedded store, and parts out of range are refused', async () => {
    const onDuck = await computeMetrics(demo.duck.store, { partnerId: P, full: true, parts: 2 }).catch(
      (e: unknown) => e,
    );
    expect(isAppError(onDuck) && onDuck.code).toBe('usage.invalid_argument');
    expect((onDuck as Error).message).toContain('PostgreSQL');
    // The embedded store's metrics stayed as they were (its write unit rolled back).
    expect(await demo.duck.store.read((q) => q.verifyIntegrity())).toEqual([]);
    for (const parts of [0, 1.5, 65])
      await expect(computeMetrics(pg, { partnerId: P, parts })).rejects.toMatchObject({
        code: 'usage.invalid_argument',
      });
  });
});
