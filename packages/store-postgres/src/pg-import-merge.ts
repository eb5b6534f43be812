/**
 * The merges of an import on PostgreSQL: typed rows computed in JavaScript are loaded into a
 * temporary table of the import's transaction (batches of one JSON parameter each), then merged
 * into the store by set-based SQL that follows the embedded store's rules exactly
 * (store/duckdb/merge-canonical.ts, measured-sources.ts): one upsert per entity by natural key,
 * only rows that are new or differ written, columns absent from the file kept, activity merged as
 * day masks with a bitwise OR, metrics_dirty, source_coverage and measured_sources kept alike.
 *
 * Citus: every statement between the store's large tables joins on partner_id and customer_id
 * (the distribution column), the temporary tables are the coordinator's own. Citus joins a
 * temporary table with a distributed table by recursive planning (the distributed side's rows of
 * the partner are brought to the coordinator as an intermediate result, then joined there), which
 * works for SELECT, INSERT … SELECT, UPDATE … FROM and CREATE TABLE AS; it cannot plan a
 * subquery of a distributed table correlated to a temporary table's rows (NOT EXISTS …), so the
 * new rows are found by anti-joins (LEFT JOIN … IS NULL), the same answer on plain PostgreSQL.
 */
import {
  type CanonicalEntity,
  type ColumnType,
  type DataSource,
  ENTITY_SPECS,
  GRAPH_MEASURED_WORKLOADS,
} from '@license-insights/contracts';
import { listItems, lowerCase } from '@license-insights/core/ingest/validate-records';
import { WINDOW_DAYS } from '@license-insights/core/metrics/definitions';
import { ident, join, raw, type SqlFragment, sql } from '@license-insights/core/sql';
import type { MergeCounts, StagedValue } from '@license-insights/core/store';
import type { ActivityAggregate } from './activity-aggregate';
import type { PgClient } from './pg-client';

/** Rows per JSON parameter when a temporary table is filled. */
const LOAD_BATCH = 20_000;

/** The PostgreSQL type a column of a spec is stored as. */
export function pgType(type: ColumnType): string {
  switch (type.kind) {
    case 'date':
      return 'date';
    case 'bool':
      return 'boolean';
    case 'int':
      return 'integer';
    case 'decimal':
      return 'numeric(14, 4)';
    case 'list':
      return 'text[]';
    default:
      return 'text';
  }
}

/** Duplicates removed, first occurrence kept, order preserved. */
function stableDistinct(items: readonly string[]): string[] {
  return [...new Set(items)];
}

/**
 * The typed value of a valid text cell, as the embedded store's `typed` (column-sql.ts) makes it:
 * JSON for jsonb_to_recordset (dates and decimals as text, lists as arrays).
 */
export function typedValue(type: ColumnType, v: StagedValue): unknown {
  const empty = v === null || v === '';
  switch (type.kind) {
    case 'id':
      return v;
    case 'text':
    case 'date':
      return empty ? null : v;
    case 'bool':
      return empty ? null : lowerCase(v) === 'true';
    case 'int':
      return empty ? null : Number(v);
    case 'decimal':
      return empty ? null : v.replace(',', '.');
    case 'enum': {
      if (empty) return null;
      const l = lowerCase(v);
      return type.values.find((x) => x.toLowerCase() === l) ?? null;
    }
    case 'list': {
      const items = listItems(v);
      if (type.item.kind !== 'enum') return stableDistinct(items);
      const values = type.item.values;
      return stableDistinct(
        items.map((x) => {
          const l = lowerCase(x);
          return values.find((w) => w.toLowerCase() === l) ?? null;
        }) as string[],
      );
    }
  }
}

/** A column of a temporary table: its name (from our specs) and PostgreSQL type. */
export interface TempColumn {
  readonly name: string;
  readonly type: string;
}

/** Creates a temporary table of the transaction (dropped at its end) and fills it with `rows`. */
export async function loadTemp(
  db: PgClient,
  table: string,
  columns: readonly TempColumn[],
  rows: readonly object[],
): Promise<void> {
  const defs = join(columns.map((c) => sql`${ident(c.name)} ${raw(c.type)}`));
  await db.exec(`DROP TABLE IF EXISTS ${table}`);
  await db.run(sql`CREATE TEMP TABLE ${ident(table)} (${defs}) ON COMMIT DROP`);
  const names = join(columns.map((c) => ident(c.name)));
  for (let i = 0; i < rows.length; i += LOAD_BATCH) {
    const batch = JSON.stringify(rows.slice(i, i + LOAD_BATCH));
    await db.run(sql`INSERT INTO ${ident(table)} (${names})
      SELECT ${names} FROM jsonb_to_recordset(${batch}::jsonb) AS x(${defs})`);
  }
  // Autovacuum never analyzes temporary tables: without statistics the planner takes a large one
  // for a few rows and joins it to the store's tables by nested loops.
  await db.exec(`ANALYZE ${table}`);
}

interface TableMapping {
  readonly table: string;
  readonly key: readonly string[];
  readonly constants: (source: DataSource) => Readonly<Record<string, string>>;
  readonly coverageDate?: string;
  /**
   * Columns computed for a new row `o` (not in files), written on insert: their expressions and
   * the joins they read (by partner and customer: one shard group under Citus).
   */
  readonly derived?: (partnerId: string) => {
    readonly columns: Readonly<Record<string, SqlFragment>>;
    readonly joins: SqlFragment;
  };
  readonly dirtyFrom?: (has: ReadonlySet<string>) => SqlFragment | null;
}

/** As store/duckdb/merge-canonical.ts's MAPPINGS (user_key from the users of the same customer). */
const MAPPINGS: Readonly<Record<Exclude<CanonicalEntity, 'activity'>, TableMapping>> = {
  products: { table: 'products', key: ['product_id'], constants: () => ({ origin: 'custom' }) },
  customers: { table: 'customers', key: ['customer_id'], constants: () => ({}) },
  users: {
    table: 'users',
    key: ['customer_id', 'user_id'],
    constants: () => ({}),
    dirtyFrom: (has) =>
      has.has('deleted_on')
        ? sql`CASE WHEN t.deleted_on IS DISTINCT FROM o.deleted_on THEN least(t.deleted_on, o.deleted_on) END`
        : null,
  },
  license_assignments: {
    table: 'license_assignments',
    key: ['customer_id', 'user_id', 'product_id', 'assigned_on'],
    constants: (source) => ({ source }),
    coverageDate: 'assigned_on',
    dirtyFrom: () => sql`o.assigned_on`,
    derived: (partnerId) => ({
      columns: { user_key: sql`u.user_key` },
      joins: sql`LEFT JOIN users u ON u.partner_id = ${partnerId}::text AND u.customer_id = o.customer_id AND u.user_id = o.user_id`,
    }),
  },
  subscriptions: {
    table: 'subscription_snapshots',
    key: ['customer_id', 'subscription_id', 'as_of'],
    constants: (source) => ({ source }),
    coverageDate: 'as_of',
    dirtyFrom: () => sql`o.as_of`,
  },
  support_requests: {
    table: 'support_requests',
    key: ['customer_id', 'request_id'],
    constants: () => ({}),
    coverageDate: 'opened_on',
    dirtyFrom: () => sql`o.opened_on`,
  },
};

/** Entities whose product_id is resolved through the catalog. */
/** The table an entity's merge writes. */
export function mergedTable(entity: CanonicalEntity): string {
  return entity === 'activity' ? 'activity' : MAPPINGS[entity].table;
}

export const RESOLVES_PRODUCT: ReadonlySet<CanonicalEntity> = new Set([
  'license_assignments',
  'subscriptions',
  'support_requests',
]);

/** The temporary table the canonical merges read (`_rec`, `_line`, typed columns, extras). */
export const OK_TABLE = 'imp_ok';

/**
 * Upserts `imp_ok` (`_rec`, `_line`, the entity's present columns typed, `_product_known` when
 * product ids were resolved, staged extras) into the store by natural key, writing only rows that
 * are new or differ; as mergeOkTable of the embedded store.
 */
export async function mergeOk(
  db: PgClient,
  partnerId: string,
  entity: Exclude<CanonicalEntity, 'activity'>,
  presentColumns: readonly string[],
  stagedExtras: readonly string[],
  source: DataSource,
): Promise<MergeCounts> {
  const ok = raw(OK_TABLE);
  const p = sql`${partnerId}::text`;
  const mapping = MAPPINGS[entity];
  const spec = ENTITY_SPECS[entity];
  const has = new Set(presentColumns);
  const unknownProducts =
    has.has('product_id') && RESOLVES_PRODUCT.has(entity)
      ? await keepUnknownProducts(db, partnerId, stagedExtras.includes('_product_name'))
      : [];
  const constants = mapping.constants(source);
  const valueCols = spec.columns.map((c) => c.name).filter((n) => has.has(n) && !mapping.key.includes(n));
  const t = ident(mapping.table);
  // The batch's customers, named to the stored table too: Citus then brings only their shards'
  // rows to the coordinator for the outer joins below, not the partner's whole table.
  const ofBatch = mapping.key.includes('customer_id')
    ? [sql`t.customer_id = ANY(${await batchCustomers(db, OK_TABLE)}::text[])`]
    : [];
  const keyJoin = join(
    [sql`t.partner_id = ${p}`, ...ofBatch, ...mapping.key.map((k) => sql`t.${ident(k)} = o.${ident(k)}`)],
    ' AND ',
  );
  const differs = [
    ...valueCols.map((c) => sql`t.${ident(c)} IS DISTINCT FROM o.${ident(c)}`),
    ...Object.entries(constants).map(([c, val]) => sql`t.${ident(c)} IS DISTINCT FROM ${val}::text`),
  ];
  const changed = differs.length > 0 ? join(differs, ' OR ') : raw('false');
  const firstKey = ident(mapping.key[0] ?? 'partner_id');
  const counts = await db.one<{ total: number; inserted: number; updated: number }>(
    sql`SELECT count(*) AS total,
               count(*) FILTER (WHERE t.${firstKey} IS NULL) AS inserted,
               count(*) FILTER (WHERE t.${firstKey} IS NOT NULL AND (${changed})) AS updated
        FROM ${ok} o LEFT JOIN ${t} t ON ${keyJoin}`,
  );
  if (counts.inserted + counts.updated > 0) {
    const dirty = mapping.dirtyFrom?.(has) ?? null;
    if (dirty !== null) {
      await markDirty(
        db,
        partnerId,
        sql`SELECT o.customer_id, ${dirty} AS d FROM ${ok} o LEFT JOIN ${t} t ON ${keyJoin}
            WHERE t.${firstKey} IS NULL OR (${changed})`,
      );
    } else if (entity === 'products') {
      // A product's workloads decide every metric of it: all customers, from the start.
      await markDirty(
        db,
        partnerId,
        sql`SELECT customer_id, DATE '1900-01-01' AS d FROM customers WHERE partner_id = ${p}`,
      );
    }
    const derivation = mapping.derived?.(partnerId);
    const derived = derivation?.columns ?? {};
    const insertCols = [
      'partner_id',
      ...mapping.key,
      ...valueCols,
      ...Object.keys(constants),
      ...Object.keys(derived),
    ];
    const selectExprs = [
      p,
      ...mapping.key.map((k) => sql`o.${ident(k)}`),
      ...valueCols.map((c) => sql`o.${ident(c)}`),
      ...Object.values(constants).map((val) => sql`${val}::text`),
      ...Object.values(derived),
    ];
    const sets = [
      ...valueCols.map((c) => sql`${ident(c)} = o.${ident(c)}`),
      ...Object.entries(constants).map(([c, val]) => sql`${ident(c)} = ${val}::text`),
    ];
    if (counts.updated > 0 && sets.length > 0) {
      await db.run(sql`UPDATE ${t} t SET ${join(sets)} FROM ${ok} o WHERE ${keyJoin} AND (${changed})`);
    }
    if (counts.inserted > 0) {
      // The new rows: an anti-join (Citus plans no correlated subquery of a distributed table
      // from a temporary table's rows).
      const onlyNew =
        counts.inserted === counts.total
          ? raw('')
          : sql`LEFT JOIN ${t} t ON ${keyJoin} WHERE t.${firstKey} IS NULL`;
      await db.run(sql`INSERT INTO ${t} (${join(insertCols.map((c) => ident(c)))})
        SELECT ${join(selectExprs)} FROM ${ok} o ${derivation?.joins ?? raw('')} ${onlyNew}`);
    }
  }
  if (mapping.coverageDate !== undefined && has.has(mapping.coverageDate)) {
    await recordCoverage(
      db,
      partnerId,
      source,
      entity,
      sql`SELECT customer_id, ${ident(mapping.coverageDate)} AS d FROM ${ok}`,
    );
  }
  return {
    inserted: counts.inserted,
    updated: counts.updated,
    unchanged: counts.total - counts.inserted - counts.updated,
    unknownProducts,
  };
}

/**
 * The customers of a temporary table's rows. Named in a join condition on a stored table beside
 * `customer_id = o.customer_id` (which already says it), they let Citus prune the shards it reads
 * when it plans the join on the coordinator (a temporary table on the outer side of a join).
 */
async function batchCustomers(db: PgClient, table: string): Promise<string[]> {
  return (await db.all<{ customer_id: string }>(sql`SELECT DISTINCT customer_id FROM ${ident(table)}`)).map(
    (r) => r.customer_id,
  );
}

/** Products the catalog does not know are kept by id, flagged as discovered, never dropped. */
async function keepUnknownProducts(
  db: PgClient,
  partnerId: string,
  hasNameHint: boolean,
): Promise<MergeCounts['unknownProducts']> {
  const ok = raw(OK_TABLE);
  const unknown = await db.all<{ product_id: string; rec: number; line: number | null }>(
    sql`SELECT product_id, min(_rec) AS rec, min(_line) AS line FROM ${ok}
        WHERE NOT _product_known GROUP BY product_id ORDER BY min(_rec)`,
  );
  if (unknown.length > 0) {
    const name = hasNameHint ? raw("coalesce(nullif(_product_name, ''), product_id)") : raw('product_id');
    await db.run(sql`INSERT INTO products (partner_id, product_id, name, service, origin)
      SELECT ${partnerId}::text, product_id, (array_agg(${name} ORDER BY _rec))[1], 'OTHER', 'discovered' FROM ${ok}
      WHERE NOT _product_known GROUP BY product_id
      ON CONFLICT DO NOTHING`);
  }
  return unknown.map((u) => ({ productId: u.product_id, rec: u.rec, line: u.line }));
}

/** Marks customers' metrics out of date from a day on (the earliest day wins). */
export async function markDirty(db: PgClient, partnerId: string, rows: SqlFragment): Promise<void> {
  await db.run(sql`INSERT INTO metrics_dirty (partner_id, customer_id, from_day)
    SELECT ${partnerId}::text, customer_id, min(d) FROM (${rows}) x WHERE d IS NOT NULL GROUP BY customer_id
    ON CONFLICT (partner_id, customer_id) DO UPDATE SET from_day = least(metrics_dirty.from_day, excluded.from_day)`);
}

/** Widens the recorded date range of data per customer, source and entity (idempotent). */
export async function recordCoverage(
  db: PgClient,
  partnerId: string,
  source: string,
  entity: string,
  rows: SqlFragment,
): Promise<void> {
  await db.run(sql`INSERT INTO source_coverage (partner_id, customer_id, source, entity, first_date, last_date)
    SELECT ${partnerId}::text, customer_id, ${source}::text, ${entity}::text, min(d), max(d) FROM (${rows}) x
    WHERE d IS NOT NULL GROUP BY customer_id
    ON CONFLICT (partner_id, customer_id, source, entity) DO UPDATE SET
      first_date = least(source_coverage.first_date, excluded.first_date),
      last_date = greatest(source_coverage.last_date, excluded.last_date)`);
}

/** Days after the first of the month of a day mask's first and last day (bits 0–30). */
function lowestDay(days: number): number {
  return 31 - Math.clz32(days & -days);
}
function highestDay(days: number): number {
  return 31 - Math.clz32(days);
}

/** Per customer, its users' keys by user id. */
async function userKeys(
  db: PgClient,
  partnerId: string,
  customers: readonly string[],
): Promise<Map<string, Map<string, number>>> {
  const byCustomer = new Map<string, Map<string, number>>(customers.map((c) => [c, new Map()]));
  for (let i = 0; i < customers.length; i += USER_LOOKUP_BATCH) {
    const rows = await db.all<{ customer_id: string; user_id: string; user_key: number }>(
      sql`SELECT customer_id, user_id, user_key FROM users
          WHERE partner_id = ${partnerId} AND customer_id = ANY(${customers.slice(i, i + USER_LOOKUP_BATCH)}::text[])`,
    );
    for (const r of rows) byCustomer.get(r.customer_id)?.set(r.user_id, r.user_key);
  }
  return byCustomer;
}

/** Index of the lowest set bit of a positive integer expression (day masks have bits 0–30). */
function lowBit(x: SqlFragment): SqlFragment {
  return sql`(position('1' in reverse((${x})::bit(32)::text)) - 1)`;
}

/** Groups of activity per batch of the load into the import's temporary table. */
const GROUP_BATCH = 50_000;

/** Customers per lookup of their users' keys. */
const USER_LOOKUP_BATCH = 2_000;

/**
 * Merges activity groups into the store (mergeActivityAgg of the embedded store): days OR-ed into
 * the row of the same key, missing keys inserted; counts in facts (user × workload × day).
 * Workloads must be spelt as their codes. Groups of users the store does not hold: skipped
 * (`unknownUsers: 'skip'`, for callers that checked the users before) or the merge writes
 * nothing and returns null (`'refuse'`: the import's precise path then says which records).
 */
export function mergeActivityGroups(
  db: PgClient,
  partnerId: string,
  groups: ActivityAggregate,
  source: string,
  unknownUsers?: 'skip',
): Promise<MergeCounts>;
export function mergeActivityGroups(
  db: PgClient,
  partnerId: string,
  groups: ActivityAggregate,
  source: string,
  unknownUsers: 'refuse',
): Promise<MergeCounts | null>;
export async function mergeActivityGroups(
  db: PgClient,
  partnerId: string,
  groups: ActivityAggregate,
  source: string,
  unknownUsers: 'skip' | 'refuse' = 'skip',
): Promise<MergeCounts | null> {
  const p = sql`${partnerId}::text`;
  // Users are looked up first (in JavaScript: the groups are loaded by user key, so the activity
  // lookup is by its whole key, from one table).
  const keys = await userKeys(db, partnerId, groups.customers());
  await db.exec('DROP TABLE IF EXISTS imp_cmp');
  await db.exec('DROP TABLE IF EXISTS imp_act_keyed');
  await db.exec(`CREATE TEMP TABLE imp_act_keyed (user_key integer, customer_id text, workload text,
    month date, days integer, first date, last date, n integer) ON COMMIT DROP`);
  for (const b of groups.batches(GROUP_BATCH)) {
    const userKey: number[] = [];
    const at: number[] = [];
    for (let i = 0; i < b.user.length; i++) {
      const k = keys.get(b.customerIds[b.customer[i] as number] as string)?.get(b.user[i] as string);
      if (k !== undefined) {
        userKey.push(k);
        at.push(i);
      } else if (unknownUsers === 'refuse') {
        await db.exec('DROP TABLE IF EXISTS imp_act_keyed');
        return null;
      }
    }
    if (at.length === 0) continue;
    const column = (a: Int32Array) => `{${at.map((i) => a[i]).join(',')}}`;
    const first = at.map((i) => lowestDay(b.days[i] as number));
    const last = at.map((i) => highestDay(b.days[i] as number));
    await db.run(sql`INSERT INTO imp_act_keyed (user_key, customer_id, workload, month, days, first, last, n)
      SELECT g.user_key, (${b.customerIds}::text[])[g.c + 1], (${b.workloads}::text[])[g.w + 1], m.month,
             g.days, m.month + g.first, m.month + g.last, g.n
      FROM unnest(${`{${userKey.join(',')}}`}::integer[], ${column(b.customer)}::integer[],
                  ${column(b.workload)}::integer[], ${column(b.month)}::integer[], ${column(b.days)}::integer[],
                  ${`{${first.join(',')}}`}::integer[], ${`{${last.join(',')}}`}::integer[], ${column(b.n)}::integer[])
             AS g(user_key, c, w, m, days, first, last, n)
      CROSS JOIN LATERAL (SELECT make_date(1900 + g.m / 12, g.m % 12 + 1, 1) AS month) m`);
  }
  await db.exec('ANALYZE imp_act_keyed');
  await db.run(sql`CREATE TEMP TABLE imp_cmp ON COMMIT DROP AS
    SELECT a.user_key, a.customer_id, a.workload, a.month, a.days, t.days AS stored, a.first, a.last, a.n
    FROM imp_act_keyed a
    LEFT JOIN activity t ON t.partner_id = ${p} AND t.customer_id = ANY(${await batchCustomers(db, 'imp_act_keyed')}::text[])
      AND t.customer_id = a.customer_id AND t.user_key = a.user_key
      AND t.workload = a.workload AND t.month = a.month`);
  const counts = await db.one<{
    total: number | null;
    fresh: number | null;
    rows: number | null;
    updates: number;
    inserts: number;
  }>(
    sql`SELECT sum(bit_count(days::bit(32))) AS total,
               sum(bit_count((days & ~coalesce(stored, 0))::bit(32))) AS fresh, sum(n) AS rows,
               count(*) FILTER (WHERE stored IS NOT NULL AND (days & ~stored) <> 0) AS updates,
               count(*) FILTER (WHERE stored IS NULL) AS inserts
        FROM imp_cmp`,
  );
  if ((counts.fresh ?? 0) > 0) {
    // From the first new fact (lowest new bit of the day mask), not the whole month.
    await markDirty(
      db,
      partnerId,
      sql`SELECT customer_id, month + ${lowBit(raw('fresh'))} AS d
          FROM (SELECT customer_id, month, days & ~coalesce(stored, 0) AS fresh FROM imp_cmp) c
          WHERE fresh <> 0`,
    );
  }
  if (counts.updates > 0) {
    await db.run(sql`UPDATE activity t SET days = t.days | c.days FROM imp_cmp c
      WHERE t.partner_id = ${p} AND t.customer_id = c.customer_id AND t.user_key = c.user_key
        AND t.workload = c.workload AND t.month = c.month
        AND c.stored IS NOT NULL AND (c.days & ~c.stored) <> 0`);
  }
  if (counts.inserts > 0) {
    await db.run(sql`INSERT INTO activity (partner_id, customer_id, user_key, workload, month, days)
      SELECT ${p}, customer_id, user_key, workload, month, days FROM imp_cmp WHERE stored IS NULL`);
  }
  await recordCoverage(
    db,
    partnerId,
    source,
    'activity',
    sql`SELECT customer_id, first AS d FROM imp_cmp UNION ALL SELECT customer_id, last AS d FROM imp_cmp`,
  );
  if (source === 'canonical') {
    await db.run(sql`INSERT INTO imp_activity (customer_id, workload, first)
      SELECT customer_id, workload, min(first) FROM imp_cmp GROUP BY customer_id, workload`);
  }
  await db.exec('DROP TABLE IF EXISTS imp_cmp');
  await db.exec('DROP TABLE IF EXISTS imp_act_keyed');
  const fresh = counts.fresh ?? 0;
  return {
    rows: counts.rows ?? 0,
    inserted: fresh,
    updated: 0,
    unchanged: (counts.total ?? 0) - fresh,
    unknownProducts: [],
  };
}

/** The session's note of canonical activity merged so far (customer_id, workload, first day). */
export const IMPORT_ACTIVITY_DDL =
  'CREATE TEMP TABLE imp_activity (customer_id text, workload text, first date) ON COMMIT DROP';

/** At commit: the import's canonical activity becomes a measured source of its customers × workloads. */
export async function recordCanonicalMeasured(db: PgClient, partnerId: string): Promise<void> {
  const p = sql`${partnerId}::text`;
  const { noted } = await db.one<{ noted: number }>(sql`SELECT count(*) AS noted FROM imp_activity`);
  if (noted === 0) return;
  await db.exec('DROP TABLE IF EXISTS imp_measured');
  await db.run(sql`CREATE TEMP TABLE imp_measured ON COMMIT DROP AS
    SELECT c.customer_id, w.workload, f.first
    FROM (SELECT DISTINCT customer_id FROM imp_activity) c,
         (SELECT DISTINCT workload FROM imp_activity) w,
         (SELECT min(first) AS first FROM imp_activity) f`);
  // An anti-join, not a correlated NOT EXISTS (which Citus cannot plan from a temporary table).
  await markDirty(
    db,
    partnerId,
    sql`SELECT m.customer_id, m.first AS d FROM imp_measured m
        LEFT JOIN measured_sources s ON s.partner_id = ${p} AND s.customer_id = m.customer_id
          AND s.workload = m.workload AND s.source = 'canonical' AND s.from_day <= m.first
        WHERE s.customer_id IS NULL`,
  );
  await db.run(sql`INSERT INTO measured_sources (partner_id, customer_id, workload, source, from_day, period_days)
    SELECT ${p}, customer_id, workload, 'canonical', first, NULL FROM imp_measured
    ON CONFLICT DO NOTHING`);
  await db.exec('DROP TABLE IF EXISTS imp_measured');
  await db.exec('DELETE FROM imp_activity');
}

/** A Graph report of `periodDays` (28 or more) measures the Graph workloads on each refresh date. */
export async function recordGraphMeasured(
  db: PgClient,
  partnerId: string,
  customerId: string,
  refreshDates: readonly string[],
  periodDays: number,
): Promise<void> {
  if (periodDays < WINDOW_DAYS || refreshDates.length === 0) return;
  const p = sql`${partnerId}::text`;
  const rows = sql`SELECT ${customerId}::text AS customer_id, w.workload, d.day
    FROM unnest(${[...GRAPH_MEASURED_WORKLOADS]}::text[]) AS w(workload),
         unnest(${[...refreshDates]}::date[]) AS d(day)`;
  // The customer's sources measured already, an uncorrelated subquery (Citus plans it on its own,
  // as a query of one shard; it plans no subquery correlated to the rows of unnest).
  await markDirty(
    db,
    partnerId,
    sql`SELECT customer_id, day AS d FROM (${rows}) r
        WHERE (r.workload, r.day) NOT IN (SELECT s.workload, s.from_day FROM measured_sources s
          WHERE s.partner_id = ${p} AND s.customer_id = ${customerId}::text AND s.source = 'graph'
            AND s.period_days >= ${periodDays}::integer)`,
  );
  await db.run(sql`INSERT INTO measured_sources (partner_id, customer_id, workload, source, from_day, period_days)
    SELECT ${p}, customer_id, workload, 'graph', day, ${periodDays}::integer FROM (${rows}) r
    ON CONFLICT (partner_id, customer_id, workload, source, from_day)
    DO UPDATE SET period_days = greatest(measured_sources.period_days, excluded.period_days)`);
}

/** `SELECT customer_id, d` rows of some days (for markDirty and recordCoverage). */
export function dayRows(customerId: string, days: readonly (string | null)[]): SqlFragment {
  const known = days.filter((d): d is string => d !== null);
  if (known.length === 0) return sql`SELECT ${customerId}::text AS customer_id, NULL::date AS d WHERE false`;
  return sql`SELECT ${customerId}::text AS customer_id, d FROM unnest(${known}::date[]) AS x(d)`;
}
