/**
 * Imports on PostgreSQL (PgImportSession through the core's importFiles) give what the embedded
 * store gives for the same files: the same stored data (every canonical entity, and the tables an
 * import keeps beside them: coverage, flags, measured sources, out-of-date metrics), the same
 * status, the same reports (problems with file, line, column, value and expectation; counts), the
 * same rejects, and nothing stored when an import is refused.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CANONICAL_ENTITIES, type CanonicalEntity, ENTITY_SPECS } from '@license-insights/contracts';
import { importFiles, isAppError, writeDemoDataset } from '@license-insights/core';
import { scanCsv } from '@license-insights/core/ingest/csv-scan';
import type { StoreTable } from '@license-insights/core/store';
import {
  type CanonicalRecord,
  TEST_PARTNER,
  type TempDir,
  type TempStore,
  type TestPostgres,
  tempDir,
  tempStore,
  toCsv,
} from '@license-insights/core/testing';
import type { ImportReport, ImportRequest } from '@license-insights/core/use-cases/import-files';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { PostgresStore } from '../src';
import { describeEngines } from './helpers/engines';

const P = TEST_PARTNER;
const FIXTURES = path.resolve(import.meta.dirname, '../../core/test/fixtures');

let server: TestPostgres | null = null;
let database = 0;

async function freshUrl(): Promise<string> {
  if (server === null) throw new Error('no PostgreSQL');
  return server.newDatabase(`imp${++database}`);
}

/** The same files imported into both stores. */
interface Pair {
  readonly duck: TempStore;
  readonly pg: PostgresStore;
  readonly files: TempDir;
  import(paths: readonly string[], overrides?: Partial<ImportRequest>): Promise<{ duck: Seen; pg: Seen }>;
  /** Imports into the PostgreSQL store only. */
  importPg(paths: readonly string[], overrides?: Partial<ImportRequest>): Promise<ImportReport>;
  close(): Promise<void>;
}

/** A report as compared: the import's id and the rejects file's place differ by design. */
interface Seen {
  readonly report: ImportReport;
  readonly rejects: string | null;
}

async function pair(): Promise<Pair> {
  const duck = await tempStore();
  const store = await PostgresStore.open({ url: await freshUrl() });
  const files = tempDir('li-pg-import-');
  let n = 0;
  const seen = (report: ImportReport): Seen => ({
    report: { ...report, importId: '', rejectsFile: report.rejectsFile === null ? null : 'rejects.csv' },
    rejects: report.rejectsFile === null ? null : readFileSync(report.rejectsFile, 'utf8'),
  });
  const request = (
    paths: readonly string[],
    overrides: Partial<ImportRequest>,
    rejectsPath: string,
  ): ImportRequest => ({
    partnerId: P,
    actor: 'test',
    paths,
    asOf: '2026-03-31',
    channel: 'direct',
    partial: false,
    rejectsPath,
    maxProblemsPerFile: 100,
    ...overrides,
  });
  return {
    duck,
    pg: store,
    files,
    importPg: (paths, overrides = {}) =>
      importFiles(store, request(paths, overrides, path.join(files.dir, `rejects-pg-${++n}.csv`))),
    async import(paths, overrides = {}) {
      n++;
      const d = await importFiles(
        duck.store,
        request(paths, overrides, path.join(files.dir, `rejects-duck-${n}.csv`)),
      );
      const p = await importFiles(
        store,
        request(paths, overrides, path.join(files.dir, `rejects-pg-${n}.csv`)),
      );
      return { duck: seen(d), pg: seen(p) };
    },
    async close() {
      await store.close();
      await duck.close();
      files.cleanup();
    },
  };
}

/** Tables an import writes beside the canonical entities (compared row by row, user keys aside). */
const SIDE_TABLES: readonly StoreTable[] = [
  'partners',
  'products',
  'license_assignments',
  'subscription_snapshots',
  'source_coverage',
  'customer_flags',
  'measured_sources',
  'metrics_dirty',
];

async function tableRows(
  rows: (table: StoreTable) => AsyncIterable<readonly string[]>,
  table: StoreTable,
): Promise<string[]> {
  const out: string[] = [];
  for await (const batch of rows(table)) {
    for (const text of batch) {
      const r = JSON.parse(text) as Record<string, unknown>;
      // Keys are drawn from a sequence (their order is the engine's); whether there is one is not.
      if ('user_key' in r) r.user_key = r.user_key === null ? null : 'key';
      if ('created_at' in r) r.created_at = 'at';
      if (typeof r.list_price === 'number' || typeof r.list_price === 'string')
        r.list_price = Number(r.list_price);
      out.push(JSON.stringify(Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : 1)))));
    }
  }
  return out.sort();
}

/** What the store holds for the partner, as both stores answer it. */
async function stored(p: Pair) {
  const look = async (
    dump: (e: CanonicalEntity) => Promise<Record<string, string>[]>,
    status: () => Promise<unknown>,
    rows: (table: StoreTable) => AsyncIterable<readonly string[]>,
  ) => {
    const dumps: Record<string, unknown> = {};
    for (const e of CANONICAL_ENTITIES) dumps[e] = await dump(e);
    const tables: Record<string, unknown> = {};
    for (const t of SIDE_TABLES) tables[t] = await tableRows(rows, t);
    const s = (await status()) as {
      partners: { recentImports: { importId: string; startedAt: string }[] }[];
    };
    const partners = s.partners.map((x) => ({
      ...x,
      recentImports: x.recentImports.map((i) => ({ ...i, importId: '', startedAt: '' })),
    }));
    return { dumps, tables, partners };
  };
  const duck = await look(
    (e) => p.duck.store.dumpCanonical(P, e),
    () => p.duck.store.status(P),
    (t) => p.duck.store.tableRows(t, 5000),
  );
  const pgs = await look(
    (e) => p.pg.read((q) => q.dumpCanonical(P, e)),
    () => p.pg.read((q) => q.status(P)),
    (t) => p.pg.tableRows(t, 5000),
  );
  return { duck, pg: pgs };
}

/** Equal, compared as JSON text first (a deep comparison of 10⁵ rows takes vitest seconds). */
function expectSame(actual: unknown, expected: unknown, label: string): void {
  if (JSON.stringify(actual) === JSON.stringify(expected)) return;
  expect(actual, label).toEqual(expected);
}

async function expectSameStore(p: Pair): Promise<void> {
  const s = await stored(p);
  for (const key of Object.keys(s.duck.dumps))
    expectSame(s.pg.dumps[key], s.duck.dumps[key], `dump of ${key}`);
  for (const key of Object.keys(s.duck.tables))
    expectSame(s.pg.tables[key], s.duck.tables[key], `table ${key}`);
  expect(s.pg.partners).toEqual(s.duck.partners);
}

function expectSameImport(r: { duck: Seen; pg: Seen }): void {
  expect(r.pg.report).toEqual(r.duck.report);
  const rejects = (text: string | null) =>
    text?.replaceAll(/rejects-(duck|pg)-\d+\.csv/g, 'rejects.csv') ?? null;
  expect(rejects(r.pg.rejects)).toEqual(rejects(r.duck.rejects));
}

/** A canonical CSV file's records (read with the core's scanner: quotes and all). */
async function readCsv(file: string): Promise<CanonicalRecord[]> {
  const rows: (readonly string[])[] = [];
  const scan = await scanCsv(file, {
    displayName: file,
    maxProblems: 0,
    wanted: { has: () => true } as unknown as ReadonlySet<number>,
    onWanted: (_rec, _line, fields) => rows.push(fields),
  });
  const header = scan.header ?? [];
  return rows.map((fields) => Object.fromEntries(header.map((h, i) => [h, fields[i] ?? ''])));
}

describeEngines('imports', (engine) => {
  beforeAll(async () => {
    server = await engine.start();
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  let p: Pair;
  beforeEach(async () => {
    p = await pair();
  }, 60_000);
  afterEach(async () => {
    await p?.close();
  });

  it('imports the demo portfolio, then changed files, as the embedded store does', async () => {
    const demo = path.join(p.files.dir, 'demo');
    await writeDemoDataset(demo, { customers: 3, seed: 'pg-import', days: 45, end: '2026-03-31' });
    const first = await p.import([demo]);
    expect(first.duck.report.outcome).toBe('committed');
    expectSameImport(first);
    await expectSameStore(p);

    // The same files again: nothing changes.
    const again = await p.import([demo]);
    expect(again.duck.report.outcome).toBe('unchanged');
    expectSameImport(again);

    // Changed files: renamed customers, deleted users, closed assignments, new quantities, more
    // activity (some of it stored already), an unknown product.
    const changed = path.join(p.files.dir, 'changed');
    const write = async (
      entity: CanonicalEntity,
      edit: (r: CanonicalRecord, i: number) => CanonicalRecord | null,
    ) => {
      const records = (await readCsv(path.join(demo, `${entity}.csv`)))
        .map(edit)
        .filter((r): r is CanonicalRecord => r !== null);
      p.files.file(`changed/${entity}.csv`, toCsv(entity, records).text);
    };
    await write('customers', (r, i) =>
      i === 1 ? { ...r, name: `${r.name} (renamed)`, groups: 'west;priority' } : r,
    );
    await write('users', (r, i) =>
      i % 7 === 3 ? { ...r, deleted_on: '2026-03-20' } : i % 11 === 0 ? null : r,
    );
    await write('license_assignments', (r, i) =>
      i % 5 === 2 && r.unassigned_on === '' && (r.assigned_on ?? '') < '2026-03-10'
        ? { ...r, unassigned_on: '2026-03-15' }
        : r,
    );
    await write('subscriptions', (r, i) =>
      i % 3 === 0
        ? { ...r, quantity: String(Number(r.quantity) + 2) }
        : i === 1
          ? { ...r, product_id: 'NOT-A-SKU-1' }
          : r,
    );
    await write('activity', (r, i) => (i % 4 === 0 ? { ...r, date: '2026-04-02' } : i % 9 === 0 ? r : null));
    const second = await p.import([changed]);
    expect(second.duck.report.outcome).toBe('committed');
    expect(second.duck.report.files.some((f) => f.updated > 0)).toBe(true);
    expectSameImport(second);
    await expectSameStore(p);

    // A full reload: the partner's data replaced by the first files.
    const replaced = await p.import([demo], { replace: true });
    expect(replaced.duck.report.outcome).toBe('committed');
    expectSameImport(replaced);
    await expectSameStore(p);
  }, 600_000);

  it('reports bad records alike, stores nothing when refused, and writes the same rejects', async () => {
    const demo = path.join(p.files.dir, 'demo');
    await writeDemoDataset(demo, { customers: 2, seed: 'pg-bad', days: 20, end: '2026-03-31' });
    await p.import([
      path.join(demo, 'customers.csv'),
      path.join(demo, 'products.csv'),
      path.join(demo, 'users.csv'),
    ]);
    const users = (await readCsv(path.join(demo, 'users.csv'))).slice(0, 4);
    const u = (i: number) => users[i] as CanonicalRecord;
    const header = ENTITY_SPECS.license_assignments.columns.map((c) => c.name).join(',');
    const row = (r: Record<string, string>) =>
      ENTITY_SPECS.license_assignments.columns.map((c) => r[c.name] ?? '').join(',');
    const a = (i: number, extra: Record<string, string>) =>
      row({
        customer_id: u(i).customer_id ?? '',
        user_id: u(i).user_id ?? '',
        product_id: 'NOT-A-SKU',
        assigned_on: '2026-01-05',
        ...extra,
      });
    const bad = p.files.file(
      'bad/license_assignments.csv',
      [
        header,
        a(0, {}),
        a(1, { assigned_on: '2026-02-30' }),
        a(2, { customer_id: 'nobody' }),
        a(0, {}),
        `${a(3, {})},extra`,
        a(3, { unassigned_on: '2026-01-01' }),
        a(1, { assigned_on: ' 2026-01-06' }),
        a(2, { user_id: 'ghost@example.com' }),
        a(3, { assigned_on: '2026-01-07' }),
        '',
      ].join('\n'),
    );
    const subs = p.files.file(
      'bad/subscriptions.csv',
      `${ENTITY_SPECS.subscriptions.columns.map((c) => c.name).join(';')}\n` +
        `2026-03-01;s1;${u(0).customer_id};O365_BUSINESS_PREMIUM;12;active;false;direct;;;;\n` +
        `2026-03-01;s2;${u(0).customer_id};O365_BUSINESS_PREMIUM;x;active;maybe;csp;;;2026-13-01;\n`,
    );
    // Structural faults: bad UTF-8, a quote never closed.
    const support = p.files.file(
      'bad/support_requests.csv',
      Buffer.concat([
        Buffer.from(
          `${ENTITY_SPECS.support_requests.columns.map((c) => c.name).join(',')}\n` +
            `${u(0).customer_id},r1,2026-03-01,problem,,EXO\n` +
            `${u(0).customer_id},r2,2026-03-02,problem,,`,
        ),
        Buffer.from([0xe9, 0x0a]),
        Buffer.from(
          `${u(0).customer_id},r3,2026-03-03,other,,\n${u(0).customer_id},"r4,2026-03-04,other,,\n`,
        ),
      ]),
    );
    const before = await stored(p);
    expectSame(before.pg, before.duck, 'before');
    const refused = await p.import([bad, subs, support]);
    expect(refused.duck.report.outcome).toBe('rejected');
    expect(refused.duck.report.errorCount).toBeGreaterThan(5);
    const codes = refused.pg.report.files.flatMap((f) => f.errors.map((e) => e.code));
    for (const code of [
      'ingest.invalid_value',
      'ingest.unknown_reference',
      'ingest.duplicate_key',
      'ingest.field_count',
    ])
      expect(codes).toContain(code);
    expectSameImport(refused);
    const after = await stored(p);
    expectSame({ ...after.pg, partners: null }, { ...before.pg, partners: null }, 'nothing stored');
    expectSame(after.pg, after.duck, 'after');

    const partial = await p.import([bad, subs, support], { partial: true });
    expect(partial.duck.report.outcome).toBe('partial');
    const structural = partial.duck.report.files.find((f) => f.file === support);
    expect(structural?.errors.map((e) => e.code)).toEqual(['ingest.encoding', 'ingest.quote']);
    expect(structural?.inserted).toBe(2);
    expect(partial.duck.rejects).not.toBeNull();
    expectSameImport(partial);
    await expectSameStore(p);
  }, 300_000);

  it('reads activity files as it scans, and sends every file it cannot take to the precise path, alike', async () => {
    const demo = path.join(p.files.dir, 'demo');
    await writeDemoDataset(demo, { customers: 2, seed: 'pg-activity', days: 40, end: '2026-03-31' });
    await p.import([demo]);
    const users = await readCsv(path.join(demo, 'users.csv'));
    const u = (i: number) => users[i] as CanonicalRecord;
    const fact = (i: number, workload: string, date: string, sep = ',') =>
      [u(i).customer_id, u(i).user_id, workload, date].join(sep);
    const file = (name: string, lines: readonly string[], sep = ',') =>
      p.files.file(
        `activity/${name}/activity.csv`,
        [`customer_id${sep}user_id${sep}workload${sep}date`, ...lines, ''].join('\n'),
      );
    // Taken as it scans: quoted fields, ';' separators, letter cases, facts twice, month ends,
    // days stored already beside new ones, several users of two customers.
    const good = file(
      'good',
      [
        `"${u(0).customer_id}";"${u(0).user_id}";exo;2026-03-31`,
        fact(0, 'EXO', '2026-03-31', ';'),
        fact(0, 'Teams', '2026-04-01', ';'),
        fact(1, 'spo', '2026-02-28', ';'),
        fact(1, 'SPO', '2026-03-01', ';'),
        fact(users.length - 1, 'teams', '2026-01-31', ';'),
        fact(users.length - 1, 'yam', '2025-12-01', ';'),
        ...users
          .slice(0, 30)
          .map((_, i) => fact(i, 'EXO', `2026-03-${String((i % 28) + 1).padStart(2, '0')}`, ';')),
      ],
      ';',
    );
    const faults: Record<string, string> = {
      unknownUser: file('unknown-user', [
        fact(0, 'EXO', '2026-04-02'),
        `${u(0).customer_id},ghost@example.com,EXO,2026-04-02`,
      ]),
      unknownCustomer: file('unknown-customer', [
        fact(1, 'EXO', '2026-04-03'),
        `nobody,${u(1).user_id},EXO,2026-04-03`,
      ]),
      badDay: file('bad-day', [fact(0, 'EXO', '2026-04-04'), fact(1, 'EXO', '2026-02-30')]),
      shortDay: file('short-day', [fact(0, 'EXO', '2026-04-05'), fact(1, 'EXO', '2026-4-05')]),
      badWorkload: file('bad-workload', [fact(0, 'EXO', '2026-04-06'), fact(1, 'OneDrive', '2026-04-06')]),
      emptyWorkload: file('empty-workload', [fact(0, 'EXO', '2026-04-07'), fact(1, '', '2026-04-07')]),
      spaced: file('spaced', [
        fact(0, 'EXO', '2026-04-08'),
        `${u(1).customer_id}, ${u(1).user_id},EXO,2026-04-08`,
      ]),
      structural: file('structural', [fact(0, 'EXO', '2026-04-09'), `${fact(1, 'EXO', '2026-04-09')},extra`]),
    };

    // The session itself: the good file is taken as it scans, each faulty one is not (or not merged).
    const columns = ['customer_id', 'user_id', 'workload', 'date'];
    const session = await p.pg.openImport(P);
    try {
      const staged = await session.preaggregateActivityCsv(good, columns, { delimiter: ';' });
      expect(staged?.rows).toBe(37);
      for (const [name, f] of Object.entries(faults)) {
        const s = await session.preaggregateActivityCsv(f, columns, { delimiter: ',' });
        // Read as written: the merge finds that no such user is stored.
        const fastOnly = ['unknownUser', 'unknownCustomer', 'spaced'].includes(name);
        expect(s === null, name).toBe(!fastOnly);
      }
      await session.begin();
      const merged = await session.mergeActivityAggregate(staged as NonNullable<typeof staged>, 'canonical');
      expect(merged?.rows).toBe(37);
      const unknown = await session.preaggregateActivityCsv(faults.unknownUser as string, columns, {
        delimiter: ',',
      });
      expect(
        await session.mergeActivityAggregate(unknown as NonNullable<typeof unknown>, 'canonical'),
      ).toBeNull();
    } finally {
      await session.rollback();
    }

    const taken = await p.import([good]);
    expect(taken.duck.report.outcome).toBe('committed');
    expectSameImport(taken);
    await expectSameStore(p);
    for (const [name, f] of Object.entries(faults)) {
      const refused = await p.import([f]);
      expect(refused.duck.report.outcome, name).toBe('rejected');
      expectSameImport(refused);
      const partial = await p.import([f], { partial: true });
      expect(partial.duck.report.outcome, name).toBe('partial');
      expect(partial.duck.report.files[0]?.inserted, name).toBe(1);
      expectSameImport(partial);
    }
    await expectSameStore(p);
  }, 300_000);

  it('applies Graph active-user reports alike: a first, a later, a stale and a concealed one', async () => {
    const graph = (name: string) => path.join(FIXTURES, 'graph', name);
    const first = await p.import([graph('active-users-2026-03-30.csv')], { createCustomer: 'Contoso' });
    expect(first.duck.report.outcome).toBe('committed');
    expect(first.duck.report.files[0]?.inserted).toBeGreaterThan(10);
    expectSameImport(first);
    await expectSameStore(p);
    const later = await p.import([graph('active-users-2026-03-31.csv')], { customer: 'Contoso' });
    expectSameImport(later);
    await expectSameStore(p);
    const stale = await p.import([graph('active-users-2026-03-30.csv')], { customer: 'Contoso' });
    expect(stale.duck.report.files[0]?.warnings.some((w) => w.code === 'ingest.stale_report')).toBe(true);
    expectSameImport(stale);
    await expectSameStore(p);
    const concealed = await p.import([graph('active-users-concealed.csv')], { createCustomer: 'Fabrikam' });
    expect(concealed.duck.report.files[0]?.warnings.map((w) => w.code)).toContain('ingest.concealed_names');
    expectSameImport(concealed);
    await expectSameStore(p);
    // A report with bad records: the precise path on both.
    const text = readFileSync(graph('active-users-2026-03-31.csv'), 'utf8').split('\n');
    const broken = p.files.file(
      'broken_D7.csv',
      [
        text[0],
        ...(text.slice(1, 3).map((l) => l.replace(/2026-03-31/, '2026-02-31')) as string[]),
        ...text.slice(3),
      ].join('\n'),
    );
    const bad = await p.import([broken], { customer: 'Contoso', partial: true });
    expect(bad.duck.report.errorCount).toBeGreaterThan(0);
    expectSameImport(bad);
    await expectSameStore(p);
  }, 300_000);

  it('holds the partner lock from begin to the end: writers of the partner wait, a rollback leaves nothing', async () => {
    const session = await p.pg.openImport(P);
    await session.begin();
    await session.createCustomer({ customerId: 'c-1', name: 'Contoso', domain: null });
    let wrote = false;
    const waiting = p.pg.write(P, async () => {
      wrote = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(wrote).toBe(false);
    // Another partner's writer does not wait.
    await p.pg.write('p-other', async () => undefined);
    await session.rollback();
    await waiting;
    expect(wrote).toBe(true);
    expect(await p.pg.read((q) => q.customerIds(P))).toEqual([]);
    expect(await p.pg.read((q) => q.partnerIds())).toEqual([]);

    const committed = await p.pg.openImport(P);
    await committed.begin();
    await committed.createCustomer({ customerId: 'c-1', name: 'Contoso', domain: null });
    await committed.commit();
    expect(await p.pg.read((q) => q.customerIds(P))).toEqual(['c-1']);
    await expect(committed.rollback()).rejects.toThrow(/already finished/);
  }, 60_000);

  it('an interrupted import stores nothing, and the store goes on', async () => {
    const demo = path.join(p.files.dir, 'demo');
    await writeDemoDataset(demo, { customers: 2, seed: 'pg-cancel', days: 30, end: '2026-03-31' });
    const controller = new AbortController();
    const e = await p
      .importPg([demo], {
        signal: controller.signal,
        onProgress: (x) => {
          if (x.phase === 'merging' && x.file.endsWith('activity.csv')) controller.abort();
        },
      })
      .catch((x: unknown) => x);
    expect(isAppError(e) && e.code).toBe('interrupted');
    expect(await p.pg.read((q) => q.customerIds(P))).toEqual([]);
    expect(await p.pg.read((q) => q.dumpCanonical(P, 'activity'))).toEqual([]);
    const r = await p.importPg([demo]);
    expect(r.outcome).toBe('committed');
    expect((await p.pg.read((q) => q.customerIds(P))).length).toBe(2);
  }, 120_000);

  it('imports NDJSON and JSON subscription exports alike', async () => {
    const demo = path.join(p.files.dir, 'demo');
    await writeDemoDataset(demo, { customers: 1, seed: 'pg-json', days: 10, end: '2026-03-31' });
    const customers = await readCsv(path.join(demo, 'customers.csv'));
    const nd = p.files.file(
      'json/customers.ndjson',
      `${customers.map((c) => JSON.stringify({ customer_id: c.customer_id, name: c.name, groups: 'a; b ;a' })).join('\n')}\n{"customer_id": 5}\nnot json\n`,
    );
    const r1 = await p.import([nd], { partial: true });
    expect(r1.duck.report.outcome).toBe('partial');
    expectSameImport(r1);
    // A ;-separated products file writes decimals with a comma; list cells hold any letter case.
    const products = p.files.file(
      'json/products.csv',
      'product_id;name;service;workloads;open_workloads;list_price;currency\n' +
        'own-1;Own product;OTHER;"exo; Teams ;EXO";exo;12,5;EUR\n' +
        'own-2;Own product 2;OTHER;;;3;PLN\n',
    );
    const r0 = await p.import([products]);
    expect(r0.duck.report.files[0]?.inserted).toBe(2);
    expectSameImport(r0);
    // Activity spelt in several letter cases, facts twice, over the users of the demo.
    const users = await readCsv(path.join(demo, 'users.csv'));
    const [a, b] = users as [CanonicalRecord, CanonicalRecord];
    const fact = (u: CanonicalRecord, workload: string, date: string) =>
      `${u.customer_id},${u.user_id},${workload},${date}`;
    const activity = p.files.file(
      'json/activity.csv',
      [
        'customer_id,user_id,workload,date',
        fact(a, 'exo', '2026-03-02'),
        fact(a, 'EXO', '2026-03-02'),
        fact(a, 'Teams', '2026-03-31'),
        fact(b, 'spo', '2026-02-28'),
        fact(b, 'SPO', '2026-03-01'),
        fact(b, 'teams', '2026-01-31'),
        '',
      ].join('\n'),
    );
    const ra = await p.import([path.join(demo, 'users.csv'), activity]);
    expect(ra.duck.report.outcome).toBe('committed');
    expectSameImport(ra);
    await expectSameStore(p);
    const name = customers[0]?.customer_id ?? '';
    const r2 = await p.import([path.join(FIXTURES, 'graph', 'subscribed-skus.json')], { customer: name });
    expect(r2.duck.report.files[0]?.inserted).toBeGreaterThan(0);
    expectSameImport(r2);
    const r3 = await p.import([path.join(FIXTURES, 'partner-center', 'subscriptions.json')], {
      customer: name,
    });
    expect(r3.duck.report.files[0]?.inserted).toBeGreaterThan(0);
    expectSameImport(r3);
    await expectSameStore(p);
  }, 300_000);
});
