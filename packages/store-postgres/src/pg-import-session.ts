/**
 * One import on PostgreSQL (the core's ImportSession): files are read in JavaScript (CSV through
 * the one CSV dialect of ingest/csv-scan.ts, so structural faults are set aside and counted as the
 * embedded store's bulk reader refuses them), validated with the engine-neutral
 * `validateRecords`, and merged by set-based SQL (pg-import-merge.ts, pg-import-graph.ts).
 *
 * Everything between `begin` and `commit` is one transaction on one connection holding the
 * partner's advisory lock (as a write unit of PostgresStore), so writers of the partner queue
 * behind the import in every process; `rollback`, a failure or a lost connection leaves nothing.
 * Reading files happens before `begin`, without the lock.
 *
 * Activity files, the large ones, take the fast path: `preaggregateActivityCsv` streams the file
 * into day-mask groups (activity-aggregate.ts) while it scans, never holding the records, and
 * gives up at the first record it cannot take as it is (a structural fault, an empty key, a day
 * not written YYYY-MM-DD, a workload that is no code); `mergeActivityAggregate` gives up when a
 * group names a user the store does not hold. The precise path (stageCsv + validate + merge) then
 * reads the file again and says what is wrong where; it holds a stage's records in memory (files
 * of some 10⁶ records). `readGraphCsv` returns null (the interface allows it): a Graph report
 * always takes the precise path.
 */
import {
  type CanonicalEntity,
  type CatalogProduct,
  type DataSource,
  ENTITY_SPECS,
  type EntitySpec,
} from '@license-insights/contracts';
import { productResolver } from '@license-insights/core/catalog/catalog';
import type { CustomerCandidate } from '@license-insights/core/customers/resolve-customer';
import { scanCsv } from '@license-insights/core/ingest/csv-scan';
import {
  lowerCase,
  type ParsedRecord,
  validateRecords,
} from '@license-insights/core/ingest/validate-records';
import { ident, sql } from '@license-insights/core/sql';
import type {
  CsvFormat,
  GraphReportOutcome,
  ImportSession,
  MergeCounts,
  Staged,
  StagedValue,
  ValidationResult,
} from '@license-insights/core/store';
import { ActivityAggregate } from './activity-aggregate';
import { COMMITS_CHANNEL, LOCK_NAMESPACE, type PgClient } from './pg-client';
import { mergeGraphReport } from './pg-import-graph';
import {
  IMPORT_ACTIVITY_DDL,
  loadTemp,
  mergeActivityGroups,
  mergedTable,
  mergeOk,
  OK_TABLE,
  pgType,
  RESOLVES_PRODUCT,
  recordCanonicalMeasured,
  type TempColumn,
  typedValue,
} from './pg-import-merge';
import { queryCustomerCandidates, queryPartnerProducts } from './pg-status-reads';

/** Rows an import writes into a table from which the table is analyzed after the commit. */
const ANALYZE_FROM = 1000;

/** Tables of partner data (the audit log is kept: it records the purge too). */
const PARTNER_TABLES = [
  'activity',
  'license_assignments',
  'subscription_snapshots',
  'support_requests',
  'users',
  'customers',
  'products',
  'source_coverage',
  'customer_flags',
  'measured_sources',
  'metric_runs',
  'customer_sums',
  'metrics_dirty',
  'metrics_state',
] as const;

/** What the store lends an import: the end of its connection, and the count of its commits. */
export interface PgImportUnit {
  /** Gives the connection back (`broken`: close it, its state is unknown). */
  readonly release: (broken: boolean) => void;
  readonly committed: () => void;
  /** Cancels the statement running on the session's connection (from another connection). */
  readonly cancel: () => Promise<void>;
}

/** A stage: records in file order (index = record number), their columns, and what validation found. */
interface Stage {
  readonly columns: readonly string[];
  readonly records: ParsedRecord[];
  /** CSV stages: lines come from the scanner in the core (as for the embedded store's bulk reader). */
  readonly csv: boolean;
  readonly decimalComma: boolean;
  bad: ReadonlySet<number> | null;
}

/** Every record is wanted by the scan that stages a file. */
const EVERY_RECORD: ReadonlySet<number> = { has: () => true } as unknown as ReadonlySet<number>;

export class PgImportSession implements ImportSession {
  private nextStage = 1;
  private readonly stages = new Map<number, Stage>();
  /** Activity files read by the fast path, by stage id. */
  private readonly aggregates = new Map<number, ActivityAggregate>();
  private begun = false;
  private finished = false;
  /** A cancel was sent: it may reach a later statement, so the connection is closed, not reused. */
  private cancelling: Promise<void> | null = null;
  /** Lower-cased ids and part numbers → product ids they may mean, the default first. */
  private idKeys = new Map<string, string[]>();
  /** Upper-cased report names → products they may mean, the default first. */
  private reportKeys = new Map<string, CatalogProduct[]>();

  constructor(
    private readonly db: PgClient,
    private readonly partnerId: string,
    private readonly unit: PgImportUnit,
  ) {}

  async begin(): Promise<void> {
    if (this.begun) throw new Error('import transaction already begun');
    await this.db.exec('BEGIN');
    this.begun = true;
    await this.db.run(sql`SELECT pg_advisory_xact_lock(${LOCK_NAMESPACE}, hashtext(${this.partnerId}))`);
    await this.db.run(
      sql`INSERT INTO partners (partner_id, created_at) VALUES (${this.partnerId}, now() AT TIME ZONE 'UTC') ON CONFLICT DO NOTHING`,
    );
    await this.db.exec(IMPORT_ACTIVITY_DDL);
  }

  async purgePartner(): Promise<void> {
    for (const table of PARTNER_TABLES)
      await this.db.run(sql`DELETE FROM ${ident(table)} WHERE partner_id = ${this.partnerId}`);
  }

  async stageCsv(path: string, columns: readonly string[], format: CsvFormat): Promise<Staged> {
    const records: ParsedRecord[] = [];
    const scan = await scanCsv(path, {
      displayName: path,
      maxProblems: 0,
      delimiter: format.delimiter,
      wanted: EVERY_RECORD,
      // An empty field is NULL, as the bulk reader of the embedded store reads it.
      onWanted: (_rec, line, fields) =>
        records.push({ line, values: fields.map((f) => (f === '' ? null : f)) }),
    });
    return this.register(
      { columns, records, csv: true, decimalComma: format.delimiter === ';', bad: null },
      scan.badRecords,
    );
  }

  async stageRecords(
    columns: readonly string[],
    records:
      | AsyncIterable<{ readonly line: number; readonly values: readonly StagedValue[] }>
      | Iterable<{ readonly line: number; readonly values: readonly StagedValue[] }>,
  ): Promise<Staged> {
    const out: ParsedRecord[] = [];
    for await (const r of records) out.push({ line: r.line, values: [...r.values] });
    return this.register({ columns, records: out, csv: false, decimalComma: false, bad: null }, 0);
  }

  private register(stage: Stage, refused: number): Staged {
    const stageId = this.nextStage++;
    this.stages.set(stageId, stage);
    return { stageId, rows: stage.records.length, refused };
  }

  private stage(staged: Staged): Stage {
    const s = this.stages.get(staged.stageId);
    if (s === undefined) throw new Error(`unknown stage ${staged.stageId}`);
    return s;
  }

  async validate(
    staged: Staged,
    spec: EntitySpec,
    presentColumns: readonly string[],
    limit: number,
  ): Promise<ValidationResult> {
    const s = this.stage(staged);
    const ci = presentColumns.includes('customer_id') ? s.columns.indexOf('customer_id') : -1;
    const ui = presentColumns.includes('user_id') ? s.columns.indexOf('user_id') : -1;
    const customers = new Set<string>();
    if (ci >= 0) {
      const rows = await this.db.all<{ customer_id: string }>(
        sql`SELECT customer_id FROM customers WHERE partner_id = ${this.partnerId}`,
      );
      for (const r of rows) customers.add(r.customer_id);
    }
    const users = new Set<string>();
    if (ci >= 0 && ui >= 0 && spec.entity !== 'users') {
      const named = new Set<string>();
      for (const r of s.records) {
        const c = r.values[ci];
        if (c !== null && c !== undefined && customers.has(c)) named.add(c);
      }
      if (named.size > 0) {
        const rows = await this.db.all<{ customer_id: string; user_id: string }>(
          sql`SELECT customer_id, user_id FROM users
              WHERE partner_id = ${this.partnerId} AND customer_id = ANY(${[...named]}::text[])`,
        );
        for (const r of rows) users.add(`${r.customer_id}\u0000${r.user_id}`);
      }
    }
    const v = validateRecords(
      spec,
      s.columns,
      presentColumns,
      s.records,
      {
        customer: (c) => customers.has(c),
        user: (c, u) => users.has(`${c}\u0000${u}`),
      },
      limit,
      { decimalComma: s.decimalComma },
    );
    s.bad = v.bad;
    // A CSV stage does not know its lines (as the embedded store's bulk reader): the core's
    // scanner finds them, and the structural problems with them.
    const problems = s.csv ? v.problems.map((p) => ({ ...p, line: null, refLine: null })) : v.problems;
    return { problems, problemCount: v.problemCount, badRecords: v.badRecords };
  }

  /** Indexes of a stage's valid records, in file order. */
  private valid(s: Stage): number[] {
    const out: number[] = [];
    for (let i = 0; i < s.records.length; i++) if (!s.bad?.has(i)) out.push(i);
    return out;
  }

  async merge(
    staged: Staged,
    entity: CanonicalEntity,
    presentColumns: readonly string[],
    source: DataSource,
  ): Promise<MergeCounts> {
    const counts = await this.mergeEntity(staged, entity, presentColumns, source);
    this.wrote([mergedTable(entity)], counts);
    return counts;
  }

  /**
   * Tables this import changed much (at least ANALYZE_FROM rows): analyzed right after the commit,
   * so the next statements (a compute follows an import) are planned with the new sizes, not
   * with the statistics of a table that was empty a moment ago; autovacuum would come later.
   */
  private readonly changedTables = new Set<string>();

  private wrote(tables: readonly string[], counts: MergeCounts): void {
    if (counts.inserted + counts.updated >= ANALYZE_FROM) for (const t of tables) this.changedTables.add(t);
  }

  private async mergeEntity(
    staged: Staged,
    entity: CanonicalEntity,
    presentColumns: readonly string[],
    source: DataSource,
  ): Promise<MergeCounts> {
    const s = this.stage(staged);
    const spec = ENTITY_SPECS[entity];
    const has = new Set(presentColumns);
    const at = (name: string) => s.columns.indexOf(name);
    const value = (rec: number, i: number): StagedValue =>
      i < 0 ? null : (s.records[rec]?.values[i] ?? null);
    let recs = this.valid(s);
    if (entity === 'activity') {
      const type = spec.columns.find((c) => c.name === 'workload')?.type;
      if (type === undefined) throw new Error('activity has no workload column');
      const [ci, ui, wi, di] = ['customer_id', 'user_id', 'workload', 'date'].map(at) as [
        number,
        number,
        number,
        number,
      ];
      const groups = new ActivityAggregate();
      for (const rec of recs) {
        const date = value(rec, di) as string;
        if (
          !groups.add(
            value(rec, ci) as string,
            value(rec, ui) as string,
            typedValue(type, value(rec, wi)) as string,
            date,
          )
        )
          throw new Error(`a validated record holds no day: ${date}`);
      }
      return mergeActivityGroups(this.db, this.partnerId, groups, source);
    }
    // One row per key, the last one in the file winning (keys compared as written).
    const keyIdx = spec.key.map(at);
    const lastOf = new Map<string, number>();
    for (const rec of recs) lastOf.set(keyIdx.map((i) => value(rec, i) ?? '\u0001').join('\u0000'), rec);
    if (lastOf.size < recs.length) recs = [...lastOf.values()].sort((a, b) => a - b);

    const resolves = has.has('product_id') && RESOLVES_PRODUCT.has(entity);
    const held = resolves ? await this.heldProducts() : new Map<string, Set<string>>();
    const extras = s.columns.filter((c) => c.startsWith('_') && !/^_(unknown|dup|extra)_/.test(c));
    const present = spec.columns.filter((c) => has.has(c.name));
    const columns: TempColumn[] = [
      { name: '_rec', type: 'integer' },
      { name: '_line', type: 'integer' },
      ...present.map((c) => ({ name: c.name, type: pgType(c.type) })),
      ...(resolves ? [{ name: '_product_known', type: 'boolean' }] : []),
      ...extras.map((name) => ({ name, type: 'text' })),
    ];
    const ci = at('customer_id');
    const rows = recs.map((rec) => {
      const row: Record<string, unknown> = {
        _rec: rec,
        _line: s.csv ? null : (s.records[rec]?.line ?? null),
      };
      for (const c of present) {
        const v = value(rec, at(c.name));
        if (c.name === 'product_id' && resolves) {
          const r = this.resolveProduct(v, value(rec, ci), held);
          row.product_id = r.productId;
          row._product_known = r.known;
        } else row[c.name] = typedValue(c.type, v);
      }
      for (const e of extras) row[e] = value(rec, at(e));
      return row;
    });
    await loadTemp(this.db, OK_TABLE, columns, rows);
    const counts = await mergeOk(this.db, this.partnerId, entity, presentColumns, extras, source);
    await this.db.exec(`DROP TABLE IF EXISTS ${OK_TABLE}`);
    return counts;
  }

  /**
   * A product id or part number as the catalog resolves it for a customer: of several products
   * the key names, the one the customer's subscriptions hold, else the default; unknown ids are
   * kept as written (as the embedded store's cat_keys and cat_held).
   */
  private resolveProduct(
    v: StagedValue,
    customerId: StagedValue,
    held: ReadonlyMap<string, ReadonlySet<string>>,
  ): { productId: string | null; known: boolean } {
    if (v === null || v === '') return { productId: null, known: true };
    const candidates = this.idKeys.get(lowerCase(v));
    if (candidates === undefined) return { productId: v, known: false };
    const holds = customerId === null ? undefined : held.get(customerId);
    const chosen =
      candidates.length > 1 && holds !== undefined ? candidates.find((p) => holds.has(p)) : undefined;
    return { productId: chosen ?? (candidates[0] as string), known: true };
  }

  /** Per customer, the products of keys that name several, as the customer's subscriptions hold them. */
  private async heldProducts(): Promise<Map<string, Set<string>>> {
    const shared = new Set<string>();
    for (const ids of this.idKeys.values()) if (ids.length > 1) for (const id of ids) shared.add(id);
    const out = new Map<string, Set<string>>();
    if (shared.size === 0) return out;
    const rows = await this.db.all<{ customer_id: string; product_id: string }>(
      sql`SELECT DISTINCT customer_id, product_id FROM subscription_snapshots
          WHERE partner_id = ${this.partnerId} AND product_id = ANY(${[...shared]}::text[])`,
    );
    for (const r of rows) {
      let set = out.get(r.customer_id);
      if (set === undefined) {
        set = new Set();
        out.set(r.customer_id, set);
      }
      set.add(r.product_id);
    }
    return out;
  }

  /**
   * Reads an activity file into day-mask groups as it scans (no record is kept). Null at the first
   * record the groups cannot take as written — a structural fault, an empty key, a day not in
   * YYYY-MM-DD, a workload that is not a code — so the precise path says what and where.
   */
  async preaggregateActivityCsv(
    path: string,
    columns: readonly string[],
    format: CsvFormat,
  ): Promise<Staged | null> {
    const [ci, ui, wi, di] = ['customer_id', 'user_id', 'workload', 'date'].map((name) => {
      const i = columns.indexOf(name);
      if (i < 0) throw new Error(`activity file lacks ${name}`);
      return i;
    }) as [number, number, number, number];
    const type = ENTITY_SPECS.activity.columns.find((c) => c.name === 'workload')?.type;
    if (type === undefined) throw new Error('activity has no workload column');
    const codes = new Map<string, string | null>();
    const groups = new ActivityAggregate();
    const stop = new AbortController();
    const take = (fields: readonly string[]): boolean => {
      const c = fields[ci];
      const u = fields[ui];
      const w = fields[wi];
      const d = fields[di];
      if (!c || !u || !w || d === undefined) return false;
      let code = codes.get(w);
      if (code === undefined) {
        code = typedValue(type, w) as string | null;
        codes.set(w, code);
      }
      return code !== null && groups.add(c, u, code, d);
    };
    try {
      const scan = await scanCsv(path, {
        displayName: path,
        maxProblems: 0,
        delimiter: format.delimiter,
        wanted: EVERY_RECORD,
        signal: stop.signal,
        onWanted: (_rec, _line, fields) => {
          if (!stop.signal.aborted && !take(fields)) stop.abort();
        },
      });
      if (scan.badRecords > 0) return null;
    } catch (e) {
      if (stop.signal.aborted) return null;
      throw e;
    }
    const stageId = this.nextStage++;
    this.aggregates.set(stageId, groups);
    return { stageId, rows: groups.records, refused: 0 };
  }

  /** Merges a file's groups; null (nothing written) when a group names a user the store does not hold. */
  async mergeActivityAggregate(staged: Staged, source: DataSource): Promise<MergeCounts | null> {
    const groups = this.aggregates.get(staged.stageId);
    if (groups === undefined) throw new Error(`unknown activity aggregate ${staged.stageId}`);
    this.aggregates.delete(staged.stageId);
    const counts = await mergeActivityGroups(this.db, this.partnerId, groups, source, 'refuse');
    if (counts !== null) this.wrote(['activity'], counts);
    return counts;
  }

  async readRecords(staged: Staged, recs: readonly number[]): Promise<Map<number, readonly StagedValue[]>> {
    const s = this.stage(staged);
    const out = new Map<number, readonly StagedValue[]>();
    for (const rec of recs) {
      const r = s.records[rec];
      if (r !== undefined && s.columns.length > 0)
        out.set(
          rec,
          s.columns.map((_, i) => r.values[i] ?? null),
        );
    }
    return out;
  }

  /** No fast path here: the precise path (stageCsv, validate) reads the report. */
  async readGraphCsv(): Promise<Staged | null> {
    return null;
  }

  async mergeGraphActiveUsers(
    staged: Staged,
    customerId: string,
    periodDays: number,
  ): Promise<GraphReportOutcome> {
    const s = this.stage(staged);
    const records = this.valid(s).map((rec) => s.records[rec]?.values ?? []);
    // The text is all that was needed: free it (a large report's stage is much memory).
    this.stages.delete(staged.stageId);
    const outcome = await mergeGraphReport(this.db, this.partnerId, {
      columns: s.columns,
      records,
      customerId,
      periodDays,
      reportKeys: this.reportKeys,
      customerProducts: await this.customerProducts(customerId),
    });
    this.wrote(['users'], outcome.users);
    this.wrote(['activity'], outcome.activity);
    if (outcome.assignments.opened + outcome.assignments.closed >= ANALYZE_FROM)
      this.changedTables.add('license_assignments');
    return outcome;
  }

  customerCandidates(userDomain: string | null): Promise<CustomerCandidate[]> {
    return queryCustomerCandidates(this.db, this.partnerId, userDomain);
  }

  async createCustomer(customer: {
    readonly customerId: string;
    readonly name: string;
    readonly domain: string | null;
  }): Promise<void> {
    await this.db.run(
      sql`INSERT INTO customers (partner_id, customer_id, name, domain) VALUES (${this.partnerId}, ${customer.customerId}, ${customer.name}, ${customer.domain})`,
    );
  }

  partnerProducts(): Promise<CatalogProduct[]> {
    return queryPartnerProducts(this.db, this.partnerId);
  }

  async useCatalog(catalog: readonly CatalogProduct[]): Promise<void> {
    // Discovered placeholders are not real catalog entries: input naming them stays "unknown".
    const resolver = productResolver(catalog.filter((p) => p.origin !== 'discovered'));
    this.idKeys = new Map(resolver.idKeys.map((k) => [k.key, k.products.map((p) => p.productId)]));
    this.reportKeys = new Map(resolver.reportKeys.map((k) => [k.key, [...k.products]]));
  }

  async customerProducts(customerId: string): Promise<Set<string>> {
    const rows = await this.db.all<{ product_id: string }>(
      sql`SELECT DISTINCT product_id FROM subscription_snapshots
          WHERE partner_id = ${this.partnerId} AND customer_id = ${customerId}`,
    );
    return new Set(rows.map((r) => r.product_id));
  }

  async commit(): Promise<void> {
    this.finish();
    let broken = false;
    try {
      if (this.begun) {
        try {
          await recordCanonicalMeasured(this.db, this.partnerId);
          // Every app instance hears of the commit (PostgresStore.commitCount).
          await this.db.run(sql`SELECT pg_notify(${COMMITS_CHANNEL}, '')`);
          await this.db.exec('COMMIT');
          this.unit.committed();
          // Our own table names (mergedTable), no input. Statistics only: a failure loses nothing.
          for (const table of this.changedTables)
            await this.db.exec(`ANALYZE ${table}`).catch(() => undefined);
        } catch (e) {
          await this.db.exec('ROLLBACK').catch(() => {
            broken = true;
          });
          throw e;
        }
      }
    } finally {
      this.stages.clear();
      this.aggregates.clear();
      await this.release(broken);
    }
  }

  async rollback(): Promise<void> {
    this.finish();
    let broken = false;
    try {
      if (this.begun)
        await this.db.exec('ROLLBACK').catch(() => {
          broken = true;
        });
    } finally {
      this.stages.clear();
      this.aggregates.clear();
      await this.release(broken);
    }
  }

  /**
   * Interrupts the running statement (Store.interrupt): it fails, and the import then rolls back.
   * Only while the import is open, and never once its commit has begun.
   */
  interrupt(): void {
    if (this.finished || this.cancelling !== null) return;
    this.cancelling = this.unit.cancel();
  }

  /** Gives the connection back; closed when its state is unknown or a cancel may still reach it. */
  private async release(broken: boolean): Promise<void> {
    if (this.cancelling !== null) await this.cancelling;
    this.unit.release(broken || this.cancelling !== null);
  }

  private finish(): void {
    if (this.finished) throw new Error('import session already finished');
    this.finished = true;
  }
}
