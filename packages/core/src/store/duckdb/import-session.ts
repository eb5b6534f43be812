/**
 * One import as one DuckDB transaction: files are staged into temporary tables, validated and
 * merged; `commit` makes all of it durable at once, `rollback` (or a crash, or SIGKILL) leaves the
 * store exactly as it was. Temporary tables live only in this connection.
 */
import { DuckDBDataChunk, INTEGER, VARCHAR } from '@duckdb/node-api';
import type { CanonicalEntity, CatalogProduct, DataSource, EntitySpec } from '@license-insights/contracts';
import { WORKLOAD_CODES } from '@license-insights/contracts';
import type { CustomerCandidate } from '../../customers/resolve-customer';
import { MAX_RECORD_BYTES } from '../../ingest/csv-scan';
import { ident, join, raw, sql } from '../sql';
import type {
  CsvFormat,
  GraphReportOutcome,
  ImportSession,
  MergeCounts,
  Staged,
  StagedValue,
  ValidationResult,
} from '../store';
import { CATALOG_DDL, loadCatalogKeys } from './catalog-keys';
import { typed } from './column-sql';
import { queryCustomerCandidates } from './customer-candidates';
import type { DuckDbClient } from './duckdb-client';
import {
  type GraphSummary,
  mergeGraphActiveUsersStage,
  mergeGraphOk,
  readGraphCsvTyped,
} from './graph-active-users';
import { IMPORT_ACTIVITY_DDL, noteCanonicalActivity, recordCanonicalMeasured } from './measured-sources';
import {
  markDirty,
  mergeActivityAgg,
  mergeCanonicalStage,
  recordCoverage,
  withoutInsertionOrder,
} from './merge-canonical';
import { queryPartnerProducts } from './products-query';
import { recOf, type StageRef, stageBase, stageTable, validateStage } from './validation';

/**
 * Options DuckDB's CSV reader is always given: the dialect csv-scan.ts implements, with the file's
 * separator. `max_line_size` is the scanner's record limit, so both refuse the same records.
 */
function csvDialect(format: CsvFormat) {
  const delim = format.delimiter === ';' ? ';' : ',';
  return raw(
    `header = true, auto_detect = false, delim = '${delim}', quote = '"', escape = '"', strict_mode = true, encoding = 'utf-8', null_padding = false, max_line_size = ${MAX_RECORD_BYTES}`,
  );
}

/** Structurally bad records are set aside in per-stage reject tables instead of failing the statement (which would abort the import's transaction). */
function csvRejects(stageId: number) {
  return raw(
    `store_rejects = true, rejects_scan = 'stg_${stageId}_rscan', rejects_table = 'stg_${stageId}_rerr'`,
  );
}

function csvColumns(count: number) {
  // Program-generated names f0…fn: header text from the file never reaches the SQL.
  return raw(`columns = {${Array.from({ length: count }, (_, i) => `'f${i}': 'VARCHAR'`).join(', ')}}`);
}

/** What the store lends an import: its commit (through the gate) and the end of its write unit. */
export interface ImportUnit {
  readonly commit: () => Promise<void>;
  /** Releases the store's writer lock (after the session's temporary tables are gone). */
  readonly finished: () => void;
}

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

/** First and last active day of a day mask row (computed per group, not per fact). */
function firstDay(alias: string) {
  const a = ident(alias);
  return sql`(${a}.month + (log2((${a}.days::BIGINT & -(${a}.days::BIGINT))::DOUBLE)::INTEGER))`;
}
function lastDay(alias: string) {
  const a = ident(alias);
  return sql`(${a}.month + (floor(log2(${a}.days::DOUBLE))::INTEGER))`;
}

export class DuckDbImportSession implements ImportSession {
  private nextStage = 1;
  private readonly stages = new Map<
    number,
    { readonly ref: StageRef; readonly columns: readonly string[]; readonly decimalComma: boolean }
  >();
  /** Graph reports read by the fast path: their typed tables' summaries, by stage. */
  private readonly graphStages = new Map<number, GraphSummary>();
  private finished = false;
  private begun = false;

  constructor(
    private readonly db: DuckDbClient,
    private readonly partnerId: string,
    private readonly unit: ImportUnit,
  ) {}

  /**
   * Opens a session on the writer connection (the store holds its writer lock for it); reading
   * files may start now, writes only after `begin`.
   */
  static async open(db: DuckDbClient, partnerId: string, unit: ImportUnit): Promise<DuckDbImportSession> {
    // Query progress for the import's progress bar (computed by DuckDB, never printed by it).
    await db.exec('SET SESSION enable_progress_bar = true');
    await db.exec('SET SESSION enable_progress_bar_print = false');
    for (const ddl of CATALOG_DDL) await db.exec(ddl);
    await db.exec(IMPORT_ACTIVITY_DDL);
    return new DuckDbImportSession(db, partnerId, unit);
  }

  async begin(): Promise<void> {
    if (this.begun) throw new Error('import transaction already begun');
    await this.db.exec('BEGIN TRANSACTION');
    this.begun = true;
    await this.db.run(
      sql`INSERT INTO partners (partner_id, created_at) VALUES (${this.partnerId}, now()::TIMESTAMP) ON CONFLICT DO NOTHING`,
    );
  }

  async purgePartner(): Promise<void> {
    for (const table of PARTNER_TABLES) {
      await this.db.run(sql`DELETE FROM ${ident(table)} WHERE partner_id = ${this.partnerId}`);
    }
  }

  async stageCsv(path: string, columns: readonly string[], format: CsvFormat): Promise<Staged> {
    const stageId = this.nextStage++;
    const select = join(columns.map((name, i) => sql`${raw(`f${i}`)} AS ${ident(name)}`));
    await this.db.run(sql`CREATE OR REPLACE TEMP TABLE ${stageTable(stageId)} AS
      SELECT ${select}, NULL::INTEGER AS _line FROM read_csv(${path}, ${csvDialect(format)}, ${csvColumns(columns.length)}, ${csvRejects(stageId)})`);
    return this.register(stageId, columns, await this.refused(stageId), format.delimiter === ';');
  }

  private async refused(stageId: number): Promise<number> {
    const { n } = await this.db.one<{ n: number }>(
      sql`SELECT count(DISTINCT line) AS n FROM ${ident(`stg_${stageId}_rerr`)}`,
    );
    return n;
  }

  async stageRecords(
    columns: readonly string[],
    records:
      | AsyncIterable<{ readonly line: number; readonly values: readonly StagedValue[] }>
      | Iterable<{ readonly line: number; readonly values: readonly StagedValue[] }>,
  ): Promise<Staged> {
    const stageId = this.nextStage++;
    const table = `stg_${stageId}`;
    const defs = join([...columns.map((c) => sql`${ident(c)} VARCHAR`), raw('_line INTEGER')]);
    await this.db.run(sql`CREATE OR REPLACE TEMP TABLE ${ident(table)} (${defs})`);
    const appender = await this.db.connection.createAppender(table, 'main', 'temp');
    const types = [...columns.map(() => VARCHAR), INTEGER];
    const CHUNK = 2048;
    let cols: (string | number | null)[][] = types.map(() => []);
    const flush = () => {
      const n = cols[0]?.length ?? 0;
      if (n === 0) return;
      const chunk = DuckDBDataChunk.create(types, n);
      chunk.setColumns(cols);
      appender.appendDataChunk(chunk);
      cols = types.map(() => []);
    };
    for await (const r of records) {
      r.values.forEach((v, i) => {
        cols[i]?.push(v);
      });
      cols[columns.length]?.push(r.line);
      if ((cols[0]?.length ?? 0) >= CHUNK) flush();
    }
    flush();
    appender.closeSync();
    return this.register(stageId, columns, 0, false);
  }

  private async register(
    stageId: number,
    columns: readonly string[],
    refused: number,
    decimalComma: boolean,
  ): Promise<Staged> {
    const ref = { id: stageId, base: await stageBase(this.db, stageId) };
    this.stages.set(stageId, { ref, columns, decimalComma });
    const { n } = await this.db.one<{ n: number }>(sql`SELECT count(*) AS n FROM ${stageTable(stageId)}`);
    return { stageId, rows: n, refused };
  }

  private stage(staged: Staged): {
    readonly ref: StageRef;
    readonly columns: readonly string[];
    readonly decimalComma: boolean;
  } {
    const s = this.stages.get(staged.stageId);
    if (s === undefined) throw new Error(`unknown stage ${staged.stageId}`);
    return s;
  }

  validate(
    stage: Staged,
    spec: EntitySpec,
    presentColumns: readonly string[],
    limit: number,
  ): Promise<ValidationResult> {
    const s = this.stage(stage);
    return validateStage(this.db, s.ref, spec, presentColumns, this.partnerId, limit, {
      decimalComma: s.decimalComma,
    });
  }

  merge(
    stage: Staged,
    entity: CanonicalEntity,
    presentColumns: readonly string[],
    source: DataSource,
  ): Promise<MergeCounts> {
    const s = this.stage(stage);
    const extras = s.columns.filter((c) => c.startsWith('_') && !/^_(unknown|dup|extra)_/.test(c));
    return mergeCanonicalStage(this.db, this.partnerId, s.ref, entity, presentColumns, extras, source);
  }

  async preaggregateActivityCsv(
    path: string,
    columns: readonly string[],
    format: CsvFormat,
  ): Promise<Staged | null> {
    const at = (name: string) => {
      const i = columns.indexOf(name);
      if (i < 0) throw new Error(`activity file lacks ${name}`);
      return raw(`f${i}`);
    };
    const stageId = this.nextStage++;
    const agg = ident(`stg_${stageId}_agg`);
    // Facts grouped by their text keys into day masks; validity counted per group. Row order does
    // not matter (record numbers are only needed if the precise path runs), and letting DuckDB scan
    // out of order is a quarter faster.
    await withoutInsertionOrder(this.db, () =>
      this.db.run(sql`CREATE OR REPLACE TEMP TABLE ${agg} AS
        SELECT customer_id, user_id, workload, date_trunc('month', d)::DATE AS month,
               bit_or((1::UINTEGER) << (day(d) - 1)::UINTEGER) AS days,
               count(*) AS n,
               count(*) FILTER (WHERE d IS NULL OR d::VARCHAR <> date OR d NOT BETWEEN DATE '1900-01-01' AND DATE '2999-12-31') AS bad
        FROM (
          SELECT ${at('customer_id')} AS customer_id, ${at('user_id')} AS user_id, ${at('workload')} AS workload,
                 ${at('date')} AS date, try_cast(${at('date')} AS DATE) AS d
          FROM read_csv(${path}, ${csvDialect(format)}, ${csvColumns(columns.length)}, ${csvRejects(stageId)})
        )
        GROUP BY ALL`),
    );
    const refused = await this.refused(stageId);
    const { bad, rows } = await this.db.one<{ bad: number | null; rows: number | null }>(
      sql`SELECT sum(bad) AS bad, sum(n) AS rows FROM ${agg}`,
    );
    if (refused > 0 || (bad ?? 0) > 0) {
      await this.db.run(sql`DROP TABLE IF EXISTS ${agg}`);
      return null;
    }
    return { stageId, rows: rows ?? 0, refused: 0 };
  }

  async mergeActivityAggregate(staged: Staged, source: DataSource): Promise<MergeCounts | null> {
    const agg = ident(`stg_${staged.stageId}_agg`);
    const workload = typed({ kind: 'enum', values: WORKLOAD_CODES }, raw('a.workload'));
    // Users looked up once per (user, workload, month); workload spellings normalised, so groups
    // of 'exo' and 'EXO' meet again.
    const keyed = sql`SELECT u.user_key, a.customer_id, ${workload} AS workload, a.month, bit_or(a.days) AS days,
             min(${firstDay('a')}) AS first, max(${lastDay('a')}) AS last, sum(a.n) AS n
      FROM ${agg} a
      LEFT JOIN users u ON u.partner_id = ${this.partnerId} AND u.customer_id = a.customer_id AND u.user_id = a.user_id
      GROUP BY ALL`;
    const check = await this.db.one<{
      bad: number;
      respelt: number;
      rows: number | null;
      facts: number | null;
      stored: number;
    }>(
      sql`SELECT count(*) FILTER (WHERE u.user_key IS NULL OR ${workload} IS NULL) AS bad, sum(a.n) AS rows,
                 count(*) FILTER (WHERE NOT list_contains(${[...WORKLOAD_CODES]}, a.workload)) AS respelt,
                 sum(bit_count(a.days)) AS facts,
                 (SELECT count(*) FROM activity t WHERE t.partner_id = ${this.partnerId}
                    AND t.customer_id IN (SELECT DISTINCT customer_id FROM ${agg})) AS stored
          FROM ${agg} a
          LEFT JOIN users u ON u.partner_id = ${this.partnerId} AND u.customer_id = a.customer_id AND u.user_id = a.user_id`,
    );
    if (check.bad > 0) {
      await this.db.run(sql`DROP TABLE IF EXISTS ${agg}`);
      return null;
    }
    if (check.stored > 0 || check.respelt > 0) {
      // The customers have activity already, or workloads spelt in other letter cases must meet
      // again: OR-merge through activity_agg (exact counts).
      await this.db.run(sql`CREATE OR REPLACE TEMP TABLE activity_agg AS ${keyed}`);
      await this.db.run(sql`DROP TABLE IF EXISTS ${agg}`);
      return mergeActivityAgg(this.db, this.partnerId, source);
    }
    // First activity of these customers (the bulk-load case): everything is new, one pass.
    const rows = sql`SELECT a.customer_id, u.user_key, a.workload, a.month, a.days FROM ${agg} a
      JOIN users u ON u.partner_id = ${this.partnerId} AND u.customer_id = a.customer_id AND u.user_id = a.user_id`;
    // In customer order (so in insertion order, not the parallel unordered insert): a customer's
    // rows lie together and a read of one customer skips the others' row groups (see
    // mergeActivityAgg).
    await this.db.run(sql`INSERT INTO activity (partner_id, customer_id, user_key, workload, month, days)
      SELECT ${this.partnerId}, customer_id, user_key, workload, month, days FROM (${rows})
      ORDER BY customer_id, month`);
    await markDirty(this.db, this.partnerId, sql`SELECT customer_id, ${firstDay('a')} AS d FROM ${agg} a`);
    if (source === 'canonical')
      await noteCanonicalActivity(
        this.db,
        sql`SELECT customer_id, workload, ${firstDay('a')} AS first FROM ${agg} a`,
      );
    await recordCoverage(
      this.db,
      this.partnerId,
      source,
      'activity',
      sql`SELECT customer_id, min(${firstDay('a')}) AS d FROM ${agg} a GROUP BY customer_id
          UNION ALL SELECT customer_id, max(${lastDay('a')}) AS d FROM ${agg} a GROUP BY customer_id`,
    );
    await this.db.run(sql`DROP TABLE IF EXISTS ${agg}`);
    return {
      rows: check.rows ?? 0,
      inserted: check.facts ?? 0,
      updated: 0,
      unchanged: 0,
      unknownProducts: [],
    };
  }

  async readRecords(stage: Staged, recs: readonly number[]): Promise<Map<number, readonly StagedValue[]>> {
    const { ref, columns } = this.stage(stage);
    const out = new Map<number, readonly StagedValue[]>();
    if (recs.length === 0 || columns.length === 0) return out;
    const rows = await this.db.all(
      sql`SELECT ${recOf(ref)} AS _rec, ${join(columns.map((c) => sql`s.${ident(c)}`))} FROM ${stageTable(stage.stageId)} s
          WHERE ${recOf(ref)} IN (SELECT unnest(list_transform(${recs.map(String)}, x -> x::BIGINT)))`,
    );
    for (const r of rows)
      out.set(
        Number(r._rec),
        columns.map((c) => (r[c] ?? null) as StagedValue),
      );
    return out;
  }

  async readGraphCsv(path: string, columns: readonly string[], format: CsvFormat): Promise<Staged | null> {
    const stageId = this.nextStage++;
    const ok = ident(`stg_${stageId}_g`);
    const read = sql`read_csv(${path}, ${csvDialect(format)}, ${csvColumns(columns.length)}, ${csvRejects(stageId)})`;
    const summary = await readGraphCsvTyped(this.db, ok, read, columns);
    const refused = await this.refused(stageId);
    // Anything to report (a bad value, a refused record, a UPN twice): the precise path says what
    // and where.
    if (refused > 0 || summary.bad > 0 || summary.distinctUsers < summary.rows) {
      await this.db.run(sql`DROP TABLE IF EXISTS ${ok}`);
      return null;
    }
    this.graphStages.set(stageId, summary);
    return { stageId, rows: summary.rows, refused: 0 };
  }

  async mergeGraphActiveUsers(
    stage: Staged,
    customerId: string,
    periodDays: number,
  ): Promise<GraphReportOutcome> {
    const summary = this.graphStages.get(stage.stageId);
    if (summary === undefined)
      return mergeGraphActiveUsersStage(
        this.db,
        this.partnerId,
        this.stage(stage).ref,
        customerId,
        periodDays,
      );
    this.graphStages.delete(stage.stageId);
    const ok = ident(`stg_${stage.stageId}_g`);
    const outcome = await mergeGraphOk(this.db, this.partnerId, ok, summary, customerId, periodDays);
    await this.db.run(sql`DROP TABLE IF EXISTS ${ok}`);
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
    await loadCatalogKeys(this.db, catalog);
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
    try {
      if (this.begun) {
        try {
          await recordCanonicalMeasured(this.db, this.partnerId);
          // Through the store's commit gate: when no read is open, so it checkpoints.
          await this.unit.commit();
        } catch (e) {
          await this.db.exec('ROLLBACK').catch(() => undefined);
          throw e;
        }
      }
    } finally {
      await this.dropTemp().finally(this.unit.finished);
    }
  }

  async rollback(): Promise<void> {
    this.finish();
    try {
      if (this.begun) await this.db.exec('ROLLBACK');
    } finally {
      await this.dropTemp().finally(this.unit.finished);
    }
  }

  private finish(): void {
    if (this.finished) throw new Error('import session already finished');
    this.finished = true;
  }

  private async dropTemp(): Promise<void> {
    await this.db.exec('RESET SESSION enable_progress_bar');
    await this.db.exec('RESET SESSION enable_progress_bar_print');
    const temps = await this.db.all<{ table_name: string }>(
      sql`SELECT table_name FROM duckdb_tables() WHERE temporary AND database_name = 'temp'`,
    );
    for (const t of temps) {
      if (/^[a-z_0-9]+$/.test(t.table_name))
        await this.db.run(sql`DROP TABLE IF EXISTS temp.main.${ident(t.table_name)}`);
    }
  }
}
