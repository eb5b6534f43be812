/**
 * The PostgreSQL store on a real PostgreSQL 15 (a throwaway cluster on loopback): migrations,
 * units of work across several store objects (as several app instances), and the partner's
 * settings, exclusions and audit log — answered exactly as the embedded store answers them.
 */
import { DEFAULT_RECOMMENDATION_SETTINGS } from '@license-insights/contracts';
import { isAppError } from '@license-insights/core';
import type { StoreReader, StoreWriter } from '@license-insights/core/store';
import { type TempStore, type TestPostgres, tempStore } from '@license-insights/core/testing';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, PostgresStore } from '../src';
import { CITUS_DISTRIBUTED, CITUS_LOCAL, CITUS_REFERENCE } from '../src/citus-layout';
import { describeEngines } from './helpers/engines';

const P = 'p-pg';

let server: TestPostgres | null = null;
let database = 0;

/** A fresh database of the test cluster for each test (stores never share state by accident). */
async function freshUrl(): Promise<string> {
  if (server === null) throw new Error('no PostgreSQL');
  return server.newDatabase(`t${++database}`);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describeEngines('the store', (engine) => {
  beforeAll(async () => {
    server = await engine.start();
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    server = null;
  });

  let url: string;
  beforeEach(async () => {
    url = await freshUrl();
  });

  it('migrates a new database once, even when several instances open it together', async () => {
    const stores = await Promise.all([1, 2, 3].map(() => PostgresStore.open({ url, connections: 2 })));
    try {
      for (const s of stores) expect(await s.read((q) => q.schemaVersion())).toBe(LATEST_SCHEMA_VERSION);
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      const { rows } = await c.query('SELECT version FROM schema_migrations ORDER BY version');
      await c.end();
      expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('servers register themselves: every instance sees the live ones, a stopped or silent one drops out', async () => {
    const [a, b] = await Promise.all([PostgresStore.open({ url }), PostgresStore.open({ url })]);
    try {
      const info = (publicUrl: string) => ({ publicUrl, host: 'h', pid: 1, version: 'v' });
      const first = await a.registerServer(info('https://one.example'));
      await sleep(1100); // started_at has whole seconds: the second starts later
      const second = await b.registerServer(info('https://two.example'));
      expect((await a.servers()).map((s) => s.publicUrl)).toEqual([
        'https://two.example',
        'https://one.example',
      ]);
      expect((await b.servers())[0]).toMatchObject({
        serverId: second.serverId,
        host: 'h',
        pid: 1,
        version: 'v',
      });
      await second.remove();
      expect((await b.servers()).map((s) => s.serverId)).toEqual([first.serverId]);
      // A server that stopped refreshing (it died) is no longer listed; the next start clears it.
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`UPDATE app_servers SET seen_at = seen_at - interval '1 hour'`);
      expect(await a.servers()).toEqual([]);
      await first.beat();
      expect((await a.servers()).map((s) => s.serverId)).toEqual([first.serverId]);
      await c.query(`UPDATE app_servers SET seen_at = seen_at - interval '1 hour'`);
      await b.registerServer(info('https://three.example'));
      const { rows } = await c.query('SELECT public_url FROM app_servers');
      await c.end();
      expect(rows.map((r) => r.public_url)).toEqual(['https://three.example']);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('lays the tables out on Citus, and only there: per-customer tables distributed by customer and co-located, shared ones reference tables', async () => {
    const s = await PostgresStore.open({ url });
    const again = await PostgresStore.open({ url });
    try {
      expect(s.distributed()).toBe(engine.name === 'citus');
      expect(again.distributed()).toBe(engine.name === 'citus');
      if (engine.name !== 'citus') return;
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      const { rows } = await c.query<{ t: string; kind: string; column: string; group: number }>(
        `SELECT table_name::text AS t, citus_table_type AS kind, distribution_column AS column, colocation_id AS group
         FROM citus_tables ORDER BY 1`,
      );
      await c.end();
      const of = (names: readonly string[]) => rows.filter((r) => names.includes(r.t));
      expect(
        of(CITUS_DISTRIBUTED)
          .map((r) => [r.t, r.kind, r.column])
          .sort(),
      ).toEqual(CITUS_DISTRIBUTED.map((t) => [t, 'distributed', 'customer_id']).sort());
      expect(new Set(of(CITUS_DISTRIBUTED).map((r) => r.group)).size).toBe(1);
      expect(of(CITUS_REFERENCE).map((r) => r.kind)).toEqual(CITUS_REFERENCE.map(() => 'reference'));
      expect(of(CITUS_LOCAL).map((r) => r.kind)).toEqual(CITUS_LOCAL.map(() => 'local'));
      // Every table of the store is laid out (schema_migrations stays the coordinator's own).
      expect(rows.length).toBe(CITUS_DISTRIBUTED.length + CITUS_REFERENCE.length + CITUS_LOCAL.length);
    } finally {
      await s.close();
      await again.close();
    }
  });

  it.runIf(engine.name === 'citus')(
    'lays out a store used on PostgreSQL when Citus comes, its rows moved to the shards',
    async () => {
      const name = `plain${++database}`;
      const plain = await server?.newDatabase(name, { citus: false });
      if (plain === undefined || server?.addCitus === undefined) throw new Error('no Citus');
      const before = await PostgresStore.open({ url: plain });
      const read = (s: PostgresStore) =>
        s.read(async (q) => ({ exclusions: await q.exclusions(P), log: await q.auditLog(P, null, 10) }));
      let seen: Awaited<ReturnType<typeof read>>;
      try {
        expect(before.distributed()).toBe(false);
        for (const c of ['c1', 'c2', 'c3'])
          await before.write(P, (tx) =>
            tx.addExclusion(P, { customerId: c, productId: 'E3', reason: 'pilot' }, 'ann'),
          );
        seen = await read(before);
        expect(seen.exclusions.length).toBe(3);
      } finally {
        await before.close();
      }
      await server.addCitus(name);
      const after = await PostgresStore.open({ url: plain });
      try {
        expect(after.distributed()).toBe(true);
        expect(await read(after)).toEqual(seen);
        // Writes go on, to the shards and the coordinator's audit log alike.
        await after.write(P, (tx) => tx.removeExclusion(P, 'c2', 'E3', 'ann'));
        expect((await read(after)).exclusions.map((e) => e.customerId)).toEqual(['c1', 'c3']);
      } finally {
        await after.close();
      }
    },
  );

  it("hears of every instance's commits: caches on one are void after another's write, and a unit's data version changes", async () => {
    const [a, b] = await Promise.all([PostgresStore.open({ url }), PostgresStore.open({ url })]);
    try {
      const version = await a.read((q) => q.dataVersion());
      const seen = a.commitCount();
      await b.write(P, (tx) => tx.addExclusion(P, { customerId: 'c1', productId: 'E3', reason: 'x' }, 'ann'));
      // Delivered when the commit lands; a moment later on the other instance.
      for (let waited = 0; a.commitCount() === seen && waited < 5000; waited += 20) await sleep(20);
      expect(a.commitCount()).not.toBe(seen);
      expect(await a.read((q) => q.dataVersion())).not.toBe(version);
      // A write unit's own version is never a reader's (it sees its uncommitted writes).
      const inWrite = await a.write(P, (tx) => tx.dataVersion());
      expect(inWrite).not.toBe(await a.read((q) => q.dataVersion()));
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('when its listener drops, voids what it cached, listens again and hears commits again', async () => {
    const s = await PostgresStore.open({ url });
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const ofListener = `FROM pg_stat_activity WHERE application_name = 'license-insights-listener' AND datname = current_database()`;
    const listeners = async () =>
      (await admin.query<{ pid: number }>(`SELECT pid ${ofListener}`)).rows.map((r) => r.pid);
    try {
      const [dropped] = await listeners();
      expect(dropped).toBeDefined();
      const before = s.commitCount();
      await admin.query(`SELECT pg_terminate_backend(pid) ${ofListener}`);
      // The terminated backend may still be listed a moment: wait for another one, alone.
      const relistened = async () => {
        const now = await listeners();
        return now.length === 1 && now[0] !== dropped;
      };
      for (let waited = 0; !(await relistened()) && waited < 10_000; waited += 100) await sleep(100);
      expect(await relistened()).toBe(true);
      // No commit anywhere, yet what was cached before the drop is void.
      expect(s.commitCount()).toBeGreaterThan(before);
      // Listening again: the count holds still without commits, and moves with the next one.
      const settled = s.commitCount();
      await sleep(1500);
      expect(s.commitCount()).toBe(settled);
      await s.write(P, (tx) => tx.addExclusion(P, { customerId: 'c9', productId: 'E3', reason: 'x' }, 'ann'));
      for (let waited = 0; s.commitCount() === settled && waited < 5000; waited += 20) await sleep(20);
      expect(s.commitCount()).toBeGreaterThan(settled);
    } finally {
      await admin.end();
      await s.close();
    }
  });

  it('refuses a database migrated by a newer program, naming both versions', async () => {
    const s = await PostgresStore.open({ url });
    await s.close();
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(`INSERT INTO schema_migrations VALUES (999, 'from the future', now())`);
    await c.end();
    const e = await PostgresStore.open({ url }).catch((x: unknown) => x);
    expect(isAppError(e) && e.code).toBe('store.migration_failed');
    expect(String((e as Error).message)).toContain(
      `schema version 999, newer than this program knows (${LATEST_SCHEMA_VERSION})`,
    );
  });

  it('a read unit sees one snapshot: a write committed meanwhile shows only in later reads', async () => {
    const a = await PostgresStore.open({ url });
    const b = await PostgresStore.open({ url });
    try {
      let release = () => {};
      const held = new Promise<void>((r) => {
        release = r;
      });
      let firstLook: unknown;
      const reading = a.read(async (q) => {
        firstLook = await q.exclusions(P);
        await held;
        return q.exclusions(P);
      });
      await sleep(50);
      await b.write(P, (tx) =>
        tx.addExclusion(P, { customerId: 'c1', productId: 'x', reason: 'pilot' }, 'ann'),
      );
      release();
      const secondLook = await reading;
      expect(firstLook).toEqual([]);
      expect(secondLook).toEqual([]);
      expect((await a.read((q) => q.exclusions(P))).map((x) => x.reason)).toEqual(['pilot']);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('writers of one partner queue across instances; writers of another partner do not wait', async () => {
    const a = await PostgresStore.open({ url });
    const b = await PostgresStore.open({ url });
    try {
      const order: string[] = [];
      let release = () => {};
      const held = new Promise<void>((r) => {
        release = r;
      });
      const first = a.write(P, async (tx) => {
        order.push('a starts');
        await tx.addExclusion(P, { customerId: 'c1', productId: 'x', reason: 'first' }, 'ann');
        await held;
        order.push('a ends');
      });
      await sleep(100);
      const second = b.write(P, async (tx) => {
        order.push('b starts');
        // The first writer committed before this unit began: its change is seen and replaced.
        return tx.addExclusion(P, { customerId: 'c1', productId: 'x', reason: 'second' }, 'bob');
      });
      const other = b.write('p-other', async () => {
        order.push('other partner');
      });
      await other;
      await sleep(150);
      try {
        expect(order).toEqual(['a starts', 'other partner']);
      } finally {
        release();
      }
      await first;
      expect(await second).toBe('first');
      expect(order).toEqual(['a starts', 'other partner', 'a ends', 'b starts']);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('a unit that fails or is cancelled stores nothing', async () => {
    const s = await PostgresStore.open({ url });
    try {
      await expect(
        s.write(P, async (tx) => {
          await tx.addExclusion(P, { customerId: 'c1', productId: 'x', reason: 'half' }, 'ann');
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      const controller = new AbortController();
      const e = await s
        .write(
          P,
          async (tx) => {
            await tx.addExclusion(P, { customerId: 'c1', productId: 'x', reason: 'cancelled' }, 'ann');
            controller.abort();
          },
          { signal: controller.signal },
        )
        .catch((x: unknown) => x);
      expect(isAppError(e) && e.code).toBe('interrupted');
      expect(await s.read((q) => q.exclusions(P))).toEqual([]);
      expect(await s.read((q) => q.auditLog(P, null, 10))).toEqual([]);
    } finally {
      await s.close();
    }
  });

  describe('answers as the embedded store does', () => {
    let pgStore: PostgresStore;
    let duck: TempStore;
    beforeEach(async () => {
      pgStore = await PostgresStore.open({ url });
      duck = await tempStore();
      return async () => {
        await pgStore.close();
        await duck.close();
      };
    });

    /** The same changes through any store's write units; then everything the reads tell. */
    interface Units {
      read<T>(work: (q: StoreReader) => Promise<T>): Promise<T>;
      write<T>(partnerId: string, work: (tx: StoreWriter) => Promise<T>): Promise<T>;
    }
    async function scenario(s: Units) {
      const w = <T>(f: (tx: StoreWriter) => Promise<T>) => s.write(P, f);
      await w((tx) =>
        tx.saveRecommendationSettings(
          P,
          {
            ...DEFAULT_RECOMMENDATION_SETTINGS,
            LOW_ADOPTION: { ...DEFAULT_RECOMMENDATION_SETTINGS.LOW_ADOPTION, usageBelow: 35 },
          },
          'ann@partner',
          { 'LOW_ADOPTION.usageBelow': { from: 40, to: 35 } },
        ),
      );
      const previous = [
        await w((tx) =>
          tx.addExclusion(P, { customerId: 'c2', productId: 'E3', reason: 'pilot' }, 'ann@partner'),
        ),
        await w((tx) =>
          tx.addExclusion(
            P,
            { customerId: 'c1', productId: 'E5', reason: 'Zażółć "gęślą" jaźń' },
            'Bob@Partner',
          ),
        ),
        await w((tx) =>
          tx.addExclusion(P, { customerId: 'c2', productId: 'E3', reason: 'renewal' }, 'bob@partner'),
        ),
      ];
      const removed = [
        await w((tx) => tx.removeExclusion(P, 'c1', 'E5', 'ann@partner')),
        await w((tx) => tx.removeExclusion(P, 'c1', 'nothing', 'ann@partner')),
      ];
      await w((tx) =>
        tx.audit({ partnerId: 'p-else', actor: 'x', action: 'settings.change', outcome: 'ok', details: {} }),
      );
      return s.read(async (q) => {
        const settings = await q.recommendationSettings(P);
        const strip = <T extends { occurredAt?: string; createdAt?: string; auditId?: number }>(r: T) => {
          const { occurredAt, createdAt, auditId, ...rest } = r;
          for (const t of [occurredAt, createdAt])
            if (t !== undefined) expect(t).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
          if (auditId !== undefined) expect(typeof auditId).toBe('number');
          return rest;
        };
        const log = await q.auditLog(P, null, 100);
        // Newest first by id.
        expect(log.map((r) => r.auditId)).toEqual([...log.map((r) => r.auditId)].sort((x, y) => y - x));
        return {
          previous,
          removed,
          settings: settings && { settings: settings.settings, updatedBy: settings.updatedBy },
          none: await q.recommendationSettings('p-none'),
          exclusions: (await q.exclusions(P)).map(strip),
          log: log.map(strip),
          onlyAdds: (await q.auditLog(P, ['exclusion.add'], 100)).map(strip),
          limited: (await q.auditLog(P, null, 2)).map(strip),
          aboutC1: (await q.auditLog(P, null, 100, ['c1'])).map(strip),
          byActor: (await q.auditLog(P, null, 100, undefined, { actor: 'BOB' })).map(strip),
          inFuture: await q.auditLog(P, null, 100, undefined, { from: '2999-01-01T00:00:00Z' }),
          beforeNow: (await q.auditLog(P, null, 100, undefined, { to: '2999-01-01T00:00:00Z' })).length,
        };
      });
    }

    it('settings, exclusions and the audit log with its filters', async () => {
      const fromPg = await scenario(pgStore);
      const fromDuck = await scenario(duck.store);
      expect(fromPg).toEqual(fromDuck);
      expect(fromPg.previous).toEqual([null, null, 'pilot']);
      expect(fromPg.removed).toEqual([true, false]);
      expect(fromPg.aboutC1.length).toBeGreaterThan(0);
    });
  });
});
