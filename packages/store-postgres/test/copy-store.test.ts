/**
 * A whole embedded store copied into PostgreSQL (the migrate-store path): every table's rows
 * arrive, nothing else; a copy into a store holding data is refused; and what the PostgreSQL
 * store reads from the copy is what the embedded store reads from the original.
 */
import { STORE_TABLES, type Store, type StoreTable } from '@license-insights/core/store';
import { TEST_PARTNER, type TempStore } from '@license-insights/core/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PostgresStore } from '../src';
import { type CopiedDemo, copiedDemo } from './helpers/copied-demo';
import { describeEngines } from './helpers/engines';
import { runTuples, sumTuples } from './helpers/run-tuples';

const P = TEST_PARTNER;

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

describeEngines('a store copied', (engine) => {
  let demo: CopiedDemo;
  let duck: TempStore;
  let copy: PostgresStore;
  let copied: Record<StoreTable, number>;
  beforeAll(async () => {
    demo = await copiedDemo({ engine });
    ({ duck, copy, copied } = demo);
  }, 300_000);
  afterAll(async () => {
    await demo?.close();
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
    const look = (s: Pick<Store, 'read'>) =>
      s.read(async (q) => ({
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

  it('reads the stored metrics as the embedded store does: runs, sums, rows of a day, of a range, in chunks', async () => {
    const look = (s: Pick<Store, 'read'>) =>
      s.read(async (q) => {
        const ids = await q.customerIds(P);
        const some = [ids[3] ?? '', ids[0] ?? ''];
        const out: Record<string, unknown> = {};
        for (const w of ['ALL', 'each'] as const) {
          const sums = await q.sumRuns(P, '2026-02-01', '2026-03-31', w);
          out[`sums ${w}`] = sumTuples(sums);
          out[`sum customers ${w}`] = sums.customerIds;
          const runs = await q.metricRunColumns(P, '2026-03-01', '2026-03-31', w, null);
          out[`runs ${w}`] = runTuples(runs);
          out[`run ids ${w}`] = [runs.customerIds, runs.productIds];
          const product = runs.productIds[0] ?? '';
          out[`runs of ${w} one product`] = runTuples(
            await q.metricRunColumns(P, '2026-03-01', '2026-03-31', w, product),
          );
        }
        out.day = await q.dailyMetrics(P, '2026-03-31');
        out.someDay = await q.dailyMetrics(P, '2026-03-15', some);
        out.oneDay = await q.dailyMetrics(P, '2026-03-15', [some[0] as string]);
        out.none = await q.dailyMetrics(P, '2026-03-15', []);
        out.before = await q.dailyMetrics(P, '1999-01-01');
        out.range = await q.dailyMetricsRange(P, '2026-03-20', '2026-03-31', some);
        const chunks: number[] = [];
        const rows: unknown[] = [];
        for await (const c of q.dailyMetricsChunks(P, '2026-03-31', { chunkRows: 40 })) {
          chunks.push(c.length);
          rows.push(...c);
        }
        out.chunks = chunks;
        out.chunkRows = rows;
        return out;
      });
    const fromCopy = await look(copy);
    const fromDuck = await look(duck.store);
    for (const key of Object.keys(fromDuck)) expect(fromCopy[key], key).toEqual(fromDuck[key]);
    expect((fromCopy.day as unknown[]).length).toBeGreaterThan(40);
    expect((fromCopy['sums each'] as unknown[]).length).toBeGreaterThan(0);
    expect((fromCopy.chunks as number[]).length).toBeGreaterThan(1);
    expect(fromCopy.chunkRows).toEqual(fromCopy.day);
  });
});
