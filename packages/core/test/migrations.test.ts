/**
 * Schema migrations on real DuckDB: a store written by an older version opens with the newest
 * schema and the same data. Migration 6 rebuilds the per-user tables without primary-key indexes;
 * migration 8 adds the per-customer sums, to be written by the next compute.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeDemoDataset } from '../src/demo/generate-demo';
import { DuckDbClient } from '../src/store/duckdb/duckdb-client';
import { DATABASE_FILE } from '../src/store/duckdb/duckdb-store';
import { MIGRATIONS } from '../src/store/duckdb/migrations';
import { openStore } from '../src/store/open-store';
import { dumpAll, type TempStore, tempStore } from '../src/testing';
import { computeMetrics } from '../src/use-cases/compute-metrics';
import { getPortfolioReport } from '../src/use-cases/report-metrics';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

let t: TempStore;
beforeEach(async () => {
  t = await tempStore();
});
afterEach(async () => {
  await t.close();
});

describe('migrations', () => {
  it('a store at schema 5 opens at the newest schema with every row kept and its keys unique', async () => {
    await t.import([fixture('graph/active-users-2026-03-30.csv')], { createCustomer: 'Contoso' });
    await t.import([fixture('graph/active-users-2026-03-31.csv')], { customer: 'Contoso' });
    const expected = await dumpAll(t.store);
    expect(expected.license_assignments?.length).toBeGreaterThan(3);
    await t.store.close();

    // The same rows in a store built by migrations 1–5 only, as version 5 left it.
    const oldDir = path.join(t.files.dir, 'v5');
    mkdirSync(oldDir);
    const db = await DuckDbClient.open({ path: path.join(oldDir, DATABASE_FILE) });
    await db.exec(
      `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)`,
    );
    for (const m of MIGRATIONS.filter((x) => x.version <= 5)) {
      for (const s of m.statements) await db.exec(s);
      await db.exec(`INSERT INTO schema_migrations VALUES (${m.version}, 'm', now()::TIMESTAMP)`);
    }
    await db.exec(`ATTACH '${path.join(t.dataDir, DATABASE_FILE)}' AS src (READ_ONLY)`);
    // Tables and columns that schema 5 has (later migrations add some).
    const columns = await db.all<{ name: string; cols: string[] }>({
      text: `SELECT s.table_name AS name, list(s.column_name ORDER BY s.column_index) AS cols
             FROM duckdb_columns() s JOIN duckdb_columns() o ON o.table_name = s.table_name AND o.column_name = s.column_name
             WHERE s.database_name = 'src' AND o.database_name = current_database() AND s.table_name <> 'schema_migrations'
             GROUP BY 1`,
      params: [],
    });
    for (const { name, cols } of columns) {
      const list = cols.map((c) => `"${c}"`).join(', ');
      await db.exec(`INSERT INTO main."${name}" (${list}) SELECT ${list} FROM src."${name}"`);
    }
    await db.exec('DETACH src');
    db.close();

    const migrated = await openStore({ dataDir: oldDir, memoryLimit: '1GB', threads: 1 });
    try {
      expect(await migrated.schemaVersion()).toBe(MIGRATIONS.at(-1)?.version);
      expect(await dumpAll(migrated)).toEqual(expected);
      expect(await migrated.verifyIntegrity()).toEqual([]);
      // Migration 7: the Graph-fed customer's latest report measures the Graph workloads (as D30).
      const measured = (await migrated.measuredSources('p-test')).get('contoso');
      expect(measured).toEqual({
        canonical: [],
        graph: [{ day: Date.UTC(2026, 2, 31) / 86_400_000, periodDays: 30 }],
      });
    } finally {
      await migrated.close();
    }
    // The tempStore's own close at afterEach must not fail on the closed store: reopen it.
    t = await tempStore();
  });
});

describe('migration 8: per-customer sums', () => {
  it('a store computed before the sums opens with every customer stale, and the next compute writes them', async () => {
    const dir = path.join(t.files.dir, 'demo');
    await writeDemoDataset(dir, { customers: 4, seed: 'm8', days: 40, end: '2026-03-31' });
    await t.import([dir]);
    await computeMetrics(t.store, { partnerId: 'p-test' });
    const before = await getPortfolioReport(t.store, { partnerId: 'p-test' });
    await t.store.close();
    // Back to schema 7 as version 7 left it: metrics computed, no sums table.
    const db = await DuckDbClient.open({ path: path.join(t.dataDir, DATABASE_FILE) });
    await db.exec('DROP TABLE customer_sums');
    await db.exec('DELETE FROM schema_migrations WHERE version = 8');
    db.close();

    const migrated = await openStore({ dataDir: t.dataDir, memoryLimit: '1GB', threads: 1 });
    try {
      expect(await migrated.schemaVersion()).toBe(8);
      const ids = await migrated.customerIds('p-test');
      // The old metrics still read, and every report says they are out of date for every customer.
      const stale = await getPortfolioReport(migrated, { partnerId: 'p-test' });
      expect(stale.totals).toEqual(before.totals);
      expect(stale.stale).toMatchObject({ customers: ids, fromDay: '2026-02-20' });
      const compute = await computeMetrics(migrated, { partnerId: 'p-test' });
      expect(compute).toMatchObject({ mode: 'incremental', customers: ids.length, fromDay: '2026-02-20' });
      expect(await migrated.verifyIntegrity()).toEqual([]);
      expect((await migrated.sumRuns('p-test', '2026-02-20', '2026-03-31', 'ALL')).customerIds).toEqual(ids);
      const after = await getPortfolioReport(migrated, { partnerId: 'p-test' });
      expect(after.stale).toBeNull();
      expect(after.totals).toEqual(before.totals);
    } finally {
      await migrated.close();
    }
    t = await tempStore();
  });
});
