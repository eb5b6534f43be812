/**
 * A whole embedded store copied into PostgreSQL (the migrate-store path): every table's rows
 * arrive, nothing else; a copy into a store holding data is refused; and what the PostgreSQL
 * store reads from the copy is what the embedded store reads from the original.
 */
import path from 'node:path';
import { computeMetrics, setRecommendationSetting, writeDemoDataset } from '@license-insights/core';
import { STORE_TABLES, type StoreTable } from '@license-insights/core/store';
import {
  postgresInstalled,
  startPostgres,
  TEST_PARTNER,
  type TempStore,
  type TestPostgres,
  tempStore,
} from '@license-insights/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../src';

const P = TEST_PARTNER;

let server: TestPostgres | null = null;
let duck: TempStore;
let copy: PostgresStore;
let copied: Record<StoreTable, number>;

/** A value with object keys sorted (jsonb keeps its own key order) and instants written one way. */
function normal(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normal);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, normal((v as Record<string, unknown>)[k])]),
    );
  return typeof v === 'string' ? v.replace(/^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)/, '$1 $2') : v;
}

/** Rows of a table as comparable texts, sorted. */
async function rowsOf(read: AsyncIterable<string[]>): Promise<string[]> {
  const out: string[] = [];
  for await (const batch of read)
    for (const text of batch) out.push(JSON.stringify(normal(JSON.parse(text))));
  return out.sort();
}

describe.skipIf(!postgresInstalled() && process.env.CI !== 'true')('a store copied into PostgreSQL', () => {
  beforeAll(async () => {
    server = await startPostgres();
    if (server === null) throw new Error('no PostgreSQL');
    duck = await tempStore();
    const dataset = path.join(duck.files.dir, 'demo');
    await writeDemoDataset(dataset, { customers: 8, seed: 'copy', days: 90, end: '2026-03-31' });
    const report = await duck.import([dataset]);
    expect(report.outcome).toBe('committed');
    await setRecommendationSetting(duck.store, {
      partnerId: P,
      actor: 'ann',
      path: 'LOW_ADOPTION.usageBelow',
      value: '35',
    });
    const customer = (await duck.store.customerIds(P))[0] ?? '';
    await duck.store.write(P, (tx) =>
      tx.addExclusion(P, { customerId: customer, productId: 'x', reason: 'Zażółć "gęślą"' }, 'ann'),
    );
    await computeMetrics(duck.store, { partnerId: P });
    copy = await PostgresStore.open({ url: server.url });
    copied = await copy.load((table) => duck.store.tableRows(table, 997));
  }, 300_000);
  afterAll(async () => {
    await copy?.close();
    await duck?.close();
    await server?.stop();
  });

  it('every row of every table arrives, as it was', async () => {
    for (const table of STORE_TABLES) {
      const source = await rowsOf(duck.store.tableRows(table));
      expect(copied[table], table).toBe(source.length);
      expect(await rowsOf(copy.tableRows(table, 1000)), table).toEqual(source);
    }
    // The demo's tables are not empty (else the comparison above proves little).
    for (const table of [
      'customers',
      'users',
      'activity',
      'license_assignments',
      'metric_runs',
      'customer_sums',
    ] as const)
      expect(copied[table], table).toBeGreaterThan(0);
  });

  it('refuses to copy into a store that holds data, and changes nothing', async () => {
    const before = copied.audit_log;
    const e = await copy.load((table) => duck.store.tableRows(table)).catch((x: unknown) => x);
    expect((e as { code?: string }).code).toBe('conflict');
    expect(String((e as Error).message)).toMatch(/not empty/);
    expect((await rowsOf(copy.tableRows('audit_log'))).length).toBe(before);
  });

  it('reads the copy as the embedded store reads the original', async () => {
    const look = (s: Pick<PostgresStore, 'read'> | TempStore['store']) =>
      (s as PostgresStore).read(async (q) => ({
        partners: await q.partnerIds(),
        customerIds: await q.customerIds(P),
        customers: await q.customers(P),
        settings: await q.recommendationSettings(P),
        exclusions: await q.exclusions(P),
        audit: await q.auditLog(P, null, 1000),
      }));
    const fromCopy = await look(copy);
    expect(fromCopy).toEqual(await look(duck.store));
    expect(fromCopy.customers.length).toBe(8);
    expect(fromCopy.audit.length).toBeGreaterThan(1);
  });
});
