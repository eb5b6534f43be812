/**
 * The store test suite, written once for every engine (`describeStore(name, open)`): what a store
 * must do, by what goes in and what can be read back — units of work (snapshots, writers one at a
 * time, all or nothing, cancel, the commit bound), import merges, metric writes and reads, and
 * many readers during an import and a compute. The DuckDB store runs it
 * (test/store-duckdb.test.ts), the PostgreSQL store too (packages/store-postgres/test/store-suite.test.ts),
 * on plain PostgreSQL and on Citus. Where engines differ by design, `traits` says how.
 */
import path from 'node:path';
import type { ProductDayMetrics } from '@license-insights/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeDemoDataset } from '../demo/generate-demo';
import { isAppError } from '../errors';
import { RUN_COLUMNS } from '../metrics/runs';
import { serviceIndex, sumRunsOf } from '../metrics/sum-runs';
import type { Store } from '../store/store';
import { computeMetrics } from '../use-cases/compute-metrics';
import { getRecommendations } from '../use-cases/get-recommendations';
import { getStatus } from '../use-cases/get-status';
import { type ImportRequest, importFiles } from '../use-cases/import-files';
import { setRecommendationSetting } from '../use-cases/recommendation-settings';
import { getCustomerReport, getPortfolioReport } from '../use-cases/report-metrics';
import { type TempDir, tempDir } from './index';

export interface SuiteStore {
  readonly store: Store;
  close(): Promise<void>;
}

/** Opens a fresh, empty store; `commitWaitMs` bounds how long a commit waits for open reads. */
export type OpenSuiteStore = (options: { readonly commitWaitMs?: number }) => Promise<SuiteStore>;

/** How an engine differs from another by design (every other expectation is the same). */
export interface StoreTraits {
  /**
   * A commit waits until open reads end (the embedded store checkpoints at commit); with
   * multi-version concurrency (PostgreSQL) a commit never waits for readers, which keep their
   * snapshot regardless.
   */
  readonly commitWaitsForReads: boolean;
  /** The database's threads can be limited for every connection (`Store.limitThreads`). */
  readonly threadLimit: boolean;
}

const EMBEDDED: StoreTraits = { commitWaitsForReads: true, threadLimit: true };

const PARTNER = 'p-suite';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function describeStore(engine: string, open: OpenSuiteStore, traits: StoreTraits = EMBEDDED): void {
  describe(`store suite: ${engine}`, () => {
    let s: SuiteStore;
    let files: TempDir;
    beforeEach(async () => {
      s = await open({});
      files = tempDir('li-suite-');
    });
    afterEach(async () => {
      await s.close();
      files.cleanup();
    });
    const importDir = (dir: string, over: Partial<ImportRequest> = {}) =>
      importFiles(s.store, {
        partnerId: PARTNER,
        actor: 'suite',
        paths: [dir],
        asOf: '2026-03-31',
        channel: 'direct',
        partial: false,
        rejectsPath: path.join(files.dir, 'rejects.csv'),
        maxProblemsPerFile: 100,
        ...over,
      });
    const customersDir = (rows: string) => {
      files.file('c/customers.csv', `customer_id,name\n${rows}`);
      return path.join(files.dir, 'c');
    };
    const exclusion = (customerId: string) => ({ customerId, productId: '*', reason: 'suite' });

    describe('units of work', () => {
      it(`a read sees one snapshot: a write ${traits.commitWaitsForReads ? 'waits until open reads end' : 'commits meanwhile'}, then shows`, async () => {
        await importDir(customersDir('c1,One\n'));
        const events: string[] = [];
        let writeDone: Promise<unknown> = Promise.resolve();
        const seen = await s.store.read(async (q) => {
          const first = await q.exclusions(PARTNER);
          writeDone = s.store
            .write(PARTNER, (tx) => tx.addExclusion(PARTNER, exclusion('c1'), 'suite'))
            .then(() => events.push('committed'));
          // Without a commit gate the write lands while the read is open: the read still sees its snapshot.
          if (traits.commitWaitsForReads) await sleep(50);
          else await writeDone;
          const second = await q.exclusions(PARTNER);
          events.push('read ends');
          return [first.length, second.length];
        });
        await writeDone;
        expect(seen).toEqual([0, 0]);
        if (traits.commitWaitsForReads) expect(events).toEqual(['read ends', 'committed']);
        else expect(events).toEqual(['committed', 'read ends']);
        expect(await s.store.exclusions(PARTNER)).toHaveLength(1);
      });

      it('writers run one at a time, in order, and both commit', async () => {
        await importDir(customersDir('c1,One\nc2,Two\n'));
        const log: string[] = [];
        const writer = (id: string) =>
          s.store.write(PARTNER, async (tx) => {
            log.push(`${id} in`);
            await tx.addExclusion(PARTNER, exclusion(id), 'suite');
            await sleep(20);
            await tx.audit({ partnerId: PARTNER, actor: 'suite', action: 'test', outcome: id, details: {} });
            log.push(`${id} out`);
          });
        await Promise.all([writer('c1'), writer('c2')]);
        expect(log).toEqual(['c1 in', 'c1 out', 'c2 in', 'c2 out']);
        expect((await s.store.exclusions(PARTNER)).map((e) => e.customerId)).toEqual(['c1', 'c2']);
      });

      it('a write that fails stores nothing of itself, and the error is its own', async () => {
        await importDir(customersDir('c1,One\n'));
        const failure = new Error('the work failed');
        await expect(
          s.store.write(PARTNER, async (tx) => {
            await tx.addExclusion(PARTNER, exclusion('c1'), 'suite');
            throw failure;
          }),
        ).rejects.toBe(failure);
        expect(await s.store.exclusions(PARTNER)).toEqual([]);
        expect(await s.store.auditLog(PARTNER, ['exclusion.add'], 10)).toEqual([]);
      });

      it('a cancelled write stores nothing and says so', async () => {
        await importDir(customersDir('c1,One\n'));
        const abort = new AbortController();
        const run = s.store.write(
          PARTNER,
          async (tx) => {
            await tx.addExclusion(PARTNER, exclusion('c1'), 'suite');
            abort.abort();
          },
          { signal: abort.signal },
        );
        await expect(run).rejects.toSatisfy((e) => isAppError(e) && e.code === 'interrupted');
        expect(await s.store.exclusions(PARTNER)).toEqual([]);
      });

      it.skipIf(!traits.commitWaitsForReads)(
        'a commit waits for open reads at most its bound: then store.busy and nothing stored',
        async () => {
          const bounded = await open({ commitWaitMs: 100 });
          try {
            const reading = bounded.store.read(async (q) => {
              await sleep(600);
              return q.partnerIds();
            });
            await sleep(10);
            const write = bounded.store.write(PARTNER, (tx) =>
              tx.audit({ partnerId: PARTNER, actor: 'suite', action: 'test', outcome: 'ok', details: {} }),
            );
            await expect(write).rejects.toSatisfy((e) => isAppError(e) && e.code === 'store.busy');
            await reading;
            expect(await bounded.store.auditLog(PARTNER, ['test'], 10)).toEqual([]);
          } finally {
            await bounded.close();
          }
        },
      );

      it('an import is a write unit: a settings change during it waits and both commit (bug: "cannot start a transaction within a transaction")', async () => {
        await importDir(customersDir('c1,One\n'));
        const dataset = path.join(files.dir, 'demo');
        await writeDemoDataset(dataset, { customers: 6, seed: 'suite', days: 60, end: '2026-03-31' });
        const [imported] = await Promise.all([
          importDir(dataset),
          (async () => {
            await sleep(5);
            return setRecommendationSetting(s.store, {
              partnerId: PARTNER,
              actor: 'suite',
              path: 'LOW_ADOPTION.usageBelow',
              value: '40',
            });
          })(),
        ]);
        expect(imported.outcome).toBe('committed');
        const audit = await s.store.auditLog(PARTNER, ['settings.change'], 10);
        expect(audit.map((a) => a.details)).toEqual([
          { path: 'LOW_ADOPTION.usageBelow', before: 50, after: 40 },
        ]);
        expect((await s.store.customers(PARTNER)).length).toBe(7);
      });

      it.skipIf(!traits.threadLimit)(
        'limits the threads for every connection while a job runs, and gives them back',
        async () => {
          const own = await s.store.limitThreads(null);
          expect(own).toBeGreaterThanOrEqual(1);
          // The store's own setting is the ceiling: asking for more changes nothing.
          expect(await s.store.limitThreads(own + 4)).toBe(own);
          expect(await s.store.limitThreads(1)).toBe(1);
          // Work goes on with one thread: a write unit and reads at once.
          await importDir(customersDir('c1,One\n'));
          await Promise.all([s.store.customers(PARTNER), s.store.status(PARTNER)]);
          expect(await s.store.limitThreads(null)).toBe(own);
        },
      );
    });

    describe('import merges', () => {
      it('keep what goes in, change nothing the second time, and store nothing of a rejected import', async () => {
        files.file(
          'd/customers.csv',
          'customer_id,name,domain,groups\nc1,Contoso,contoso.com,west;priority\nc2,Fabrikam,,\n',
        );
        files.file('d/users.csv', 'customer_id,user_id,upn\nc1,u1,u1@contoso.com\nc2,u2,\n');
        const dir = path.join(files.dir, 'd');
        expect((await importDir(dir)).outcome).toBe('committed');
        const dump = async () =>
          Object.fromEntries(
            await Promise.all(
              (['customers', 'users'] as const).map(async (e) => [
                e,
                await s.store.dumpCanonical(PARTNER, e),
              ]),
            ),
          );
        const stored = await dump();
        expect(stored.customers).toEqual([
          {
            customer_id: 'c1',
            name: 'Contoso',
            domain: 'contoso.com',
            country: '',
            segment: '',
            groups: 'west;priority',
          },
          { customer_id: 'c2', name: 'Fabrikam', domain: '', country: '', segment: '', groups: '' },
        ]);
        expect(stored.users?.map((u: Record<string, string>) => [u.customer_id, u.user_id, u.upn])).toEqual([
          ['c1', 'u1', 'u1@contoso.com'],
          ['c2', 'u2', ''],
        ]);
        expect((await importDir(dir)).outcome).toBe('unchanged');
        files.file('bad/users.csv', 'customer_id,user_id\nc1,u3\nnobody,u4\n');
        expect((await importDir(path.join(files.dir, 'bad'))).outcome).toBe('rejected');
        expect(await dump()).toEqual(stored);
        expect(await s.store.verifyIntegrity()).toEqual([]);
      });
    });

    describe('metric writes and reads', () => {
      /** Runs of one product × ALL row per customer: [customer, first day, last day, sold, assigned, active, state]. */
      const runs = (rows: readonly (readonly [number, number, number, number, number, number, number])[]) => {
        const columns = RUN_COLUMNS.map((c) =>
          c === 'w' ? new Uint8Array(rows.length) : new Int32Array(rows.length),
        );
        const col = (name: (typeof RUN_COLUMNS)[number]) => columns[RUN_COLUMNS.indexOf(name)] as Int32Array;
        rows.forEach(([c, first, last, sold, assigned, active, state], i) => {
          col('c')[i] = c;
          col('first_day')[i] = first;
          col('last_day')[i] = last;
          col('sold')[i] = sold;
          col('assigned')[i] = assigned;
          col('active')[i] = active;
          col('usage_state')[i] = state;
        });
        return { count: rows.length, chunks: [{ count: rows.length, columns }] };
      };
      const D = Date.UTC(2026, 2, 1) / 86_400_000; // 2026-03-01
      const write = (
        fromDay: number,
        lastDay: number,
        rows: Parameters<typeof runs>[0],
        replaceAll: boolean,
      ): Promise<void> =>
        s.store.writeDailyMetrics(PARTNER, {
          replaceAll,
          allCustomers: true,
          fromDay,
          previousLastDay: replaceAll ? null : fromDay - 1,
          days: lastDay - fromDay + 1,
          firstDay: D,
          lastDay,
          customerIds: ['c1', 'c2'],
          productIds: ['p'],
          runs: runs(rows),
          // The customers' sums from the same runs (product p: OTHER), as the compute writes them.
          sums: sumRunsOf(runs(rows), fromDay, lastDay - fromDay + 1, [serviceIndex('OTHER')]),
        });
      const row = (r: ProductDayMetrics | undefined) =>
        r === undefined
          ? undefined
          : [r.customerId, r.sold, r.assigned, r.active, r.usagePercent, r.usageKnown];

      it('read back per day, with percentages, unknown usage as null, and replaced from a day on', async () => {
        await write(
          D,
          D + 9,
          [
            [0, D, D + 4, 10, 8, 5, 1],
            [0, D + 5, D + 9, 10, 9, 12, 1],
            [1, D, D + 9, 4, 4, 0, 0],
          ],
          true,
        );
        const day = (d: number) =>
          s.store.dailyMetrics(PARTNER, new Date(d * 86_400_000).toISOString().slice(0, 10));
        expect((await day(D + 2)).map(row)).toEqual([
          ['c1', 10, 8, 5, 50, true],
          ['c2', 4, 4, null, null, false],
        ]);
        const above = (await day(D + 6))[0];
        expect(above).toMatchObject({ active: 12, usagePercent: 120, usageReasons: { UNEXPLAINED: 2 } });
        // From D + 7 on, c1 changes; its earlier days stay; equal runs merge (maximal).
        await write(
          D + 7,
          D + 9,
          [
            [0, D + 7, D + 9, 10, 9, 12, 1],
            [1, D + 7, D + 9, 4, 4, 1, 1],
          ],
          false,
        );
        expect((await day(D + 2)).map(row)).toEqual([
          ['c1', 10, 8, 5, 50, true],
          ['c2', 4, 4, null, null, false],
        ]);
        expect((await day(D + 8)).map(row)).toEqual([
          ['c1', 10, 9, 12, 120, true],
          ['c2', 4, 4, 1, 25, true],
        ]);
        expect(await s.store.verifyIntegrity()).toEqual([]);
      });

      it('a range of days reads as each of its days does, for the customers listed (a trend)', async () => {
        await write(
          D,
          D + 9,
          [
            [0, D, D + 4, 10, 8, 5, 1],
            [0, D + 5, D + 9, 10, 9, 12, 2],
            [1, D, D + 9, 4, 4, 0, 0],
          ],
          true,
        );
        const iso = (d: number) => new Date(d * 86_400_000).toISOString().slice(0, 10);
        const perDay = async (from: number, to: number, ids: readonly string[]) => {
          const out: ProductDayMetrics[] = [];
          for (let d = from; d <= to; d++) out.push(...(await s.store.dailyMetrics(PARTNER, iso(d), ids)));
          return out;
        };
        // Across a change of run (D + 4 → D + 5), both customers, and one of them.
        const both = await s.store.dailyMetricsRange(PARTNER, iso(D + 3), iso(D + 6), ['c1', 'c2']);
        expect(both).toHaveLength(8);
        expect(both).toEqual(await perDay(D + 3, D + 6, ['c1', 'c2']));
        expect(await s.store.dailyMetricsRange(PARTNER, iso(D + 3), iso(D + 6), ['c2'])).toEqual(
          await perDay(D + 3, D + 6, ['c2']),
        );
        // A range reaching past the metrics holds the days that have them.
        const wide = await s.store.dailyMetricsRange(PARTNER, iso(D - 5), iso(D + 20), ['c1']);
        expect(wide.map((r) => r.day)).toEqual(Array.from({ length: 10 }, (_, i) => iso(D + i)));
        expect(wide).toEqual(await perDay(D, D + 9, ['c1']));
        expect(await s.store.dailyMetricsRange(PARTNER, iso(D), iso(D + 9), [])).toEqual([]);
        // Bug pinned: a filter of no customers (an empty list parameter) failed to bind.
        expect(await s.store.dailyMetrics(PARTNER, iso(D), [])).toEqual([]);
        expect(await s.store.subscriptionsOn(PARTNER, iso(D), [])).toEqual([]);
      });

      /**
       * 23 customers (ids not in index order: c10 sorts before c2) × 2 products × the rows ALL,
       * EXO (w 1) and TEAMS (w 3), the second product only for every third customer.
       */
      const manyCustomers = async (store: Store = s.store): Promise<string[]> => {
        const ids = Array.from({ length: 23 }, (_, i) => `c${i + 1}`);
        const list: { c: number; p: number; w: number }[] = [];
        ids.forEach((_, c) => {
          for (const p of c % 3 === 0 ? [1, 0] : [1]) for (const w of [3, 0, 1]) list.push({ c, p, w });
        });
        const columns = RUN_COLUMNS.map((name) =>
          name === 'w' ? new Uint8Array(list.length) : new Int32Array(list.length),
        );
        const col = (name: (typeof RUN_COLUMNS)[number]) => columns[RUN_COLUMNS.indexOf(name)] as Int32Array;
        list.forEach(({ c, p, w }, i) => {
          col('c')[i] = c;
          col('p')[i] = p;
          (columns[RUN_COLUMNS.indexOf('w')] as Uint8Array)[i] = w;
          col('first_day')[i] = D;
          col('last_day')[i] = D + 3;
          col('sold')[i] = 10 + c;
          col('assigned')[i] = 5 + p;
          col('active')[i] = w;
          col('usage_state')[i] = 1;
        });
        await store.writeDailyMetrics(PARTNER, {
          replaceAll: true,
          allCustomers: true,
          fromDay: D,
          previousLastDay: null,
          days: 4,
          firstDay: D,
          lastDay: D + 3,
          customerIds: ids,
          productIds: ['p-b', 'p-a'],
          runs: { count: list.length, chunks: [{ count: list.length, columns }] },
          sums: sumRunsOf({ chunks: [{ count: list.length, columns }] }, D, 4, [
            serviceIndex('OTHER'),
            serviceIndex('OTHER'),
          ]),
        });
        return ids;
      };
      const key = (r: ProductDayMetrics) => `${r.customerId}|${r.productId}|${r.workload}`;
      const collect = async (chunks: AsyncIterable<ProductDayMetrics[]>, most: number) => {
        const out: ProductDayMetrics[] = [];
        for await (const chunk of chunks) {
          expect(chunk.length).toBeGreaterThan(0);
          expect(chunk.length).toBeLessThanOrEqual(most);
          out.push(...chunk);
        }
        return out;
      };

      it('read in chunks: the same rows in the same order as one read, at any chunk size, of all or listed customers', async () => {
        const ids = await manyCustomers();
        const whole = await s.store.dailyMetrics(PARTNER, '2026-03-02');
        expect(whole).toHaveLength(8 * 3 * 2 + 15 * 3);
        // Sorted by customer id as text, product id, then ALL before the workloads in code order.
        expect(whole.slice(0, 6).map(key)).toEqual([
          'c1|p-a|ALL',
          'c1|p-a|EXO',
          'c1|p-a|TEAMS',
          'c1|p-b|ALL',
          'c1|p-b|EXO',
          'c1|p-b|TEAMS',
        ]);
        expect(whole[6]?.customerId).toBe('c10');
        for (const size of [1, 2, 5, 7, 50, 10_000]) {
          const chunked = await s.store.read((q) =>
            collect(q.dailyMetricsChunks(PARTNER, '2026-03-02', { chunkRows: size }), size),
          );
          expect(chunked).toEqual(whole);
        }
        const listed = ['c4', 'c2', 'c19', 'nobody'];
        const some = await s.store.dailyMetrics(PARTNER, '2026-03-02', listed);
        expect(new Set(some.map((r) => r.customerId))).toEqual(new Set(['c2', 'c4', 'c19']));
        expect(
          await collect(
            s.store.dailyMetricsChunks(PARTNER, '2026-03-02', { customerIds: listed, chunkRows: 4 }),
            4,
          ),
        ).toEqual(some);
        expect(await collect(s.store.dailyMetricsChunks(PARTNER, '2026-04-02'), 10_000)).toEqual([]);
        expect(ids).toHaveLength(23);
      });

      it('read in chunks: every chunk sees the unit’s snapshot, other reads run between chunks, and leaving early ends the unit', async () => {
        await manyCustomers();
        const before = await s.store.dailyMetrics(PARTNER, '2026-03-02');
        let writeDone: Promise<unknown> = Promise.resolve();
        const seen = await s.store.read(async (q) => {
          const out: ProductDayMetrics[] = [];
          for await (const chunk of q.dailyMetricsChunks(PARTNER, '2026-03-02', { chunkRows: 10 })) {
            if (out.length === 0) {
              // A full recompute that leaves only 2026-03-01 starts; the iteration keeps its snapshot.
              writeDone = write(D, D, [[0, D, D, 1, 1, 1, 1]], true);
              await sleep(30);
            }
            expect((await q.metricsPlan(PARTNER)).computed).toEqual({
              firstDay: '2026-03-01',
              lastDay: '2026-03-04',
            });
            out.push(...chunk);
          }
          return out;
        });
        await writeDone;
        expect(seen).toEqual(before);
        expect(await s.store.dailyMetrics(PARTNER, '2026-03-02')).toEqual([]);

        // Left after one chunk, the store's own iteration ends its unit: a write commits (with an
        // open read it would fail with store.busy after 100 ms).
        const bounded = await open({ commitWaitMs: 100 });
        try {
          await manyCustomers(bounded.store);
          for await (const chunk of bounded.store.dailyMetricsChunks(PARTNER, '2026-03-02', {
            chunkRows: 3,
          })) {
            expect(chunk).toHaveLength(3);
            break;
          }
          await bounded.store.write(PARTNER, (tx) =>
            tx.audit({ partnerId: PARTNER, actor: 'suite', action: 'test', outcome: 'after', details: {} }),
          );
          expect((await bounded.store.auditLog(PARTNER, ['test'], 10)).map((a) => a.outcome)).toEqual([
            'after',
          ]);
        } finally {
          await bounded.close();
        }
      });
    });

    describe('many readers while an import and a compute run', () => {
      it('every read succeeds and equals a read of the state before or after (one snapshot each)', async () => {
        const early = path.join(files.dir, 'early');
        await writeDemoDataset(early, { customers: 8, seed: 'readers', days: 90, end: '2026-03-31' });
        await importDir(early);
        await computeMetrics(s.store, { partnerId: PARTNER });
        const day = '2026-03-31';
        const customer = (await s.store.customers(PARTNER))[0]?.customerId ?? '';
        /** Everything a reader looks at, read as a person would, one use-case after another. */
        const look = async () => {
          const [portfolio, report, cards, status] = await Promise.all([
            getPortfolioReport(s.store, { partnerId: PARTNER, day }),
            getCustomerReport(s.store, { partnerId: PARTNER, customer, day }),
            getRecommendations(s.store, { partnerId: PARTNER, day, locale: 'en' }),
            getStatus(s.store, { partnerId: PARTNER }),
          ]);
          const { recentImports: _time, ...partner } = status.partners[0] ?? { recentImports: [] };
          return {
            portfolio: JSON.stringify({
              totals: portfolio.totals,
              rows: portfolio.rows,
              stale: portfolio.stale,
            }),
            report: JSON.stringify({ rows: report.rows, stale: report.stale }),
            cards: JSON.stringify(cards.cards.map((c) => c.id)),
            status: JSON.stringify(partner),
          };
        };
        type Look = Awaited<ReturnType<typeof look>>;
        const whole = (l: Look) => JSON.stringify(l);
        const states = [await look()];
        const reads: Look[] = [];
        /** Four people reading over and over while `work` runs, then the state after it. */
        const readWhile = async (work: Promise<unknown>) => {
          let done = false;
          const finished = work.finally(() => {
            done = true;
          });
          // A person's pace, not a tight loop: the work is not starved of the machine's cores.
          const reader = async () => {
            while (!done) {
              reads.push(await look());
              await sleep(20);
            }
          };
          await Promise.all([finished, reader(), reader(), reader(), reader()]);
          states.push(await look());
        };
        // An import that changes customers, users, activity and subscriptions, then a compute.
        const late = path.join(files.dir, 'late');
        await writeDemoDataset(late, { customers: 10, seed: 'readers-late', days: 90, end: '2026-03-31' });
        await readWhile(importDir(late));
        await readWhile(computeMetrics(s.store, { partnerId: PARTNER }));
        expect(new Set(states.map(whole)).size).toBe(3);
        expect(reads.length).toBeGreaterThan(8);
        // Each use-case reads one snapshot: what it shows is all of a state, never half of one.
        for (const r of reads)
          for (const part of ['portfolio', 'report', 'cards', 'status'] as const)
            expect(
              states.map((x) => x[part]),
              part,
            ).toContain(r[part]);
        // A look's four use-cases start together; where a commit waits for open reads they all
        // see one state. Elsewhere (PostgreSQL) a commit may land between their snapshots.
        if (traits.commitWaitsForReads) for (const r of reads) expect(states.map(whole)).toContain(whole(r));
      });
    });
  });
}
