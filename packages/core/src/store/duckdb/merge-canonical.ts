/**
 * Merges the valid records of a staged canonical file into the store. One upsert per entity by
 * natural key: only rows that are new or differ are written, so importing the same file again
 * changes nothing. Columns absent from the file keep their stored values. Activity is merged as
 * day masks with a bitwise OR (see migrations.ts).
 */

import {
  type CanonicalEntity,
  type ColumnSpec,
  type DataSource,
  ENTITY_SPECS,
} from '@license-insights/contracts';
import { ident, join, raw, type SqlFragment, type SqlValue, sql } from '../sql';
import type { MergeCounts } from '../store';
import { buildHeldKeys } from './catalog-keys';
import { typed } from './column-sql';
import type { DuckDbClient } from './duckdb-client';
import { noteCanonicalActivity } from './measured-sources';
import { recOf, type StageRef, stageTable, validRecords } from './validation';

interface TableMapping {
  readonly table: string;
  /** Natural key columns after partner_id. */
  readonly key: readonly string[];
  /** Columns set on every write, whatever the file holds (origin, source). */
  readonly constants: (source: DataSource) => Readonly<Record<string, SqlValue>>;
  /** Date columns whose range is recorded in source_coverage. */
  readonly coverageDate?: string;
  /** Columns computed from a new row `o` (not in files), written on insert. */
  readonly derived?: (partnerId: string) => Readonly<Record<string, SqlFragment>>;
  /**
   * From which day a changed row (`o` new, `t` stored) can change metrics; absent when the entity
   * does not enter the metrics. Null dates mark nothing.
   */
  readonly dirtyFrom?: (has: ReadonlySet<string>) => SqlFragment | null;
}

const MAPPINGS: Readonly<Record<Exclude<CanonicalEntity, 'activity'>, TableMapping>> = {
  products: { table: 'products', key: ['product_id'], constants: () => ({ origin: 'custom' }) },
  customers: { table: 'customers', key: ['customer_id'], constants: () => ({}) },
  users: {
    table: 'users',
    key: ['customer_id', 'user_id'],
    constants: () => ({}),
    // Only a deletion moves metrics: from the earlier of the old and the new deletion day.
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
      user_key: sql`(SELECT u.user_key FROM users u WHERE u.partner_id = ${partnerId} AND u.customer_id = o.customer_id AND u.user_id = o.user_id)`,
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

const RESOLVES_PRODUCT: ReadonlySet<CanonicalEntity> = new Set([
  'license_assignments',
  'subscriptions',
  'support_requests',
]);

export function okTable(stageId: number): SqlFragment {
  return ident(`stg_${stageId}_ok`);
}

/**
 * Builds `<stage>_ok`: valid records only, typed and normalised, product ids resolved through the
 * catalog (`cat_keys`; a part number of several products per customer, `cat_held`), one row per
 * key (the last one in the file wins).
 */
async function buildOkTable(
  db: DuckDbClient,
  partnerId: string,
  stage: StageRef,
  entity: CanonicalEntity,
  presentColumns: readonly string[],
  stagedExtras: readonly string[],
): Promise<void> {
  const spec = ENTITY_SPECS[entity];
  const has = new Set(presentColumns);
  const stageId = stage.id;
  const s = stageTable(stageId);
  const exprs = spec.columns
    .filter((c: ColumnSpec) => has.has(c.name))
    .map((c) => {
      const v = sql`s.${ident(c.name)}`;
      if (c.name === 'product_id' && RESOLVES_PRODUCT.has(entity)) {
        return sql`coalesce(h.product_id, k.product_id, nullif(${v}, '')) AS product_id, (k.product_id IS NOT NULL OR nullif(${v}, '') IS NULL) AS _product_known`;
      }
      return sql`${typed(c.type, v)} AS ${ident(c.name)}`;
    });
  for (const extra of stagedExtras) exprs.push(sql`s.${ident(extra)} AS ${ident(extra)}`);
  const resolves = has.has('product_id') && RESOLVES_PRODUCT.has(entity);
  if (resolves) await buildHeldKeys(db, partnerId);
  const productJoin = resolves
    ? raw(`LEFT JOIN cat_keys k ON k.key = lower(s.product_id) AND k.ord = 0
           LEFT JOIN cat_held h ON h.key = lower(s.product_id) AND h.customer_id = s.customer_id`)
    : raw('');
  const dedupe =
    entity === 'activity'
      ? raw('')
      : sql`QUALIFY row_number() OVER (PARTITION BY ${join(spec.key.map((k) => ident(k)))} ORDER BY _rec DESC) = 1`;
  await db.run(sql`CREATE OR REPLACE TEMP TABLE ${okTable(stageId)} AS
    SELECT * FROM (
      SELECT ${recOf(stage)} AS _rec, s._line AS _line, ${join(exprs)}
      FROM ${s} s ${productJoin}
      WHERE ${await validRecords(db, stage)}
    ) ${dedupe}`);
}

/** Products the catalog does not know are kept by id, flagged as discovered, never dropped. */
async function keepUnknownProducts(
  db: DuckDbClient,
  partnerId: string,
  ok: SqlFragment,
  hasNameHint: boolean,
): Promise<MergeCounts['unknownProducts']> {
  const unknown = await db.all<{ product_id: string; rec: number; line: number | null }>(
    sql`SELECT product_id, min(_rec) AS rec, min(_line) AS line FROM ${ok}
        WHERE NOT _product_known GROUP BY product_id ORDER BY min(_rec)`,
  );
  if (unknown.length > 0) {
    const name = hasNameHint ? raw("coalesce(nullif(_product_name, ''), product_id)") : raw('product_id');
    await db.run(sql`INSERT INTO products (partner_id, product_id, name, service, origin)
      SELECT ${partnerId}, product_id, arg_min(${name}, _rec), 'OTHER', 'discovered' FROM ${ok}
      WHERE NOT _product_known GROUP BY product_id
      ON CONFLICT DO NOTHING`);
  }
  return unknown.map((u) => ({ productId: u.product_id, rec: u.rec, line: u.line }));
}

export async function mergeCanonicalStage(
  db: DuckDbClient,
  partnerId: string,
  stage: StageRef,
  entity: CanonicalEntity,
  presentColumns: readonly string[],
  stagedExtras: readonly string[],
  source: DataSource,
): Promise<MergeCounts> {
  await buildOkTable(db, partnerId, stage, entity, presentColumns, stagedExtras);
  const counts = await mergeOkTable(
    db,
    partnerId,
    okTable(stage.id),
    entity,
    presentColumns,
    stagedExtras,
    source,
  );
  await db.run(sql`DROP TABLE IF EXISTS ${okTable(stage.id)}`);
  return counts;
}

/** The activity facts of an ok table (customer_id, user_id, workload, date) as day masks per month. */
export function activityAggSelect(partnerId: string, facts: SqlFragment): SqlFragment {
  return activityAggOfKeyed(
    sql`SELECT u.user_key, o.customer_id, o.workload, o.date
        FROM (${facts}) o JOIN users u ON u.partner_id = ${partnerId} AND u.customer_id = o.customer_id AND u.user_id = o.user_id`,
  );
}

/** Facts that already carry their user_key (user_key, customer_id, workload, date) as day masks per month. */
export function activityAggOfKeyed(facts: SqlFragment): SqlFragment {
  return sql`SELECT user_key, customer_id, workload, date_trunc('month', date)::DATE AS month,
             bit_or((1::UINTEGER) << (day(date) - 1)::UINTEGER) AS days, min(date) AS first, max(date) AS last,
             count(*) AS n
      FROM (${facts}) GROUP BY ALL`;
}

/**
 * Upserts a table of valid, typed records (`_rec`, `_line`, the entity's present columns) into the
 * store by natural key, writing only rows that are new or differ.
 */
export async function mergeOkTable(
  db: DuckDbClient,
  partnerId: string,
  ok: SqlFragment,
  entity: CanonicalEntity,
  presentColumns: readonly string[],
  stagedExtras: readonly string[],
  source: DataSource,
): Promise<MergeCounts> {
  if (entity === 'activity') {
    await db.run(
      sql`CREATE OR REPLACE TEMP TABLE activity_agg AS ${activityAggSelect(partnerId, sql`SELECT customer_id, user_id, workload, date FROM ${ok}`)}`,
    );
    return mergeActivityAgg(db, partnerId, source);
  }
  const mapping = MAPPINGS[entity];
  const spec = ENTITY_SPECS[entity];
  const has = new Set(presentColumns);
  const unknownProducts =
    has.has('product_id') && RESOLVES_PRODUCT.has(entity)
      ? await keepUnknownProducts(db, partnerId, ok, stagedExtras.includes('_product_name'))
      : [];
  const constants = mapping.constants(source);
  const valueCols = spec.columns.map((c) => c.name).filter((n) => has.has(n) && !mapping.key.includes(n));
  const t = ident(mapping.table);
  const keyJoin = join(
    [sql`t.partner_id = ${partnerId}`, ...mapping.key.map((k) => sql`t.${ident(k)} = o.${ident(k)}`)],
    ' AND ',
  );
  const differs = [
    ...valueCols.map((c) => sql`t.${ident(c)} IS DISTINCT FROM o.${ident(c)}`),
    ...Object.entries(constants).map(([c, val]) => sql`t.${ident(c)} IS DISTINCT FROM ${val}`),
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
        sql`SELECT customer_id, DATE '1900-01-01' AS d FROM customers WHERE partner_id = ${partnerId}`,
      );
    }
    const derived = mapping.derived?.(partnerId) ?? {};
    const insertCols = [
      'partner_id',
      ...mapping.key,
      ...valueCols,
      ...Object.keys(constants),
      ...Object.keys(derived),
    ];
    const selectExprs = [
      sql`${partnerId}`,
      ...mapping.key.map((k) => sql`o.${ident(k)}`),
      ...valueCols.map((c) => sql`o.${ident(c)}`),
      ...Object.values(constants).map((val) => sql`${val}`),
      ...Object.values(derived),
    ];
    // Update the rows whose key is stored and whose values differ, then insert the others. A
    // file's keys are unique (validated), so this keeps the natural key unique without relying on
    // an index (the per-user tables have none, see migration 6).
    const sets = [
      ...valueCols.map((c) => sql`${ident(c)} = o.${ident(c)}`),
      ...Object.entries(constants).map(([c, val]) => sql`${ident(c)} = ${val}`),
    ];
    if (counts.updated > 0 && sets.length > 0) {
      await db.run(sql`UPDATE ${t} t SET ${join(sets)} FROM ${ok} o WHERE ${keyJoin} AND (${changed})`);
    }
    if (counts.inserted > 0) {
      // Every key new (a first load): nothing to look up again.
      const onlyNew =
        counts.inserted === counts.total
          ? raw('')
          : sql`WHERE NOT EXISTS (SELECT 1 FROM ${t} t WHERE ${keyJoin})`;
      // In key order (the customer first, where there is one): a customer's rows lie together,
      // so a read of one customer skips the row groups of the others.
      await db.run(sql`INSERT INTO ${t} (${join(insertCols.map((c) => ident(c)))})
        SELECT ${join(selectExprs)} FROM ${ok} o ${onlyNew} ORDER BY o.${firstKey}`);
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
 * Runs a bulk write with DuckDB free to write rows in any order (in parallel). Only for statements
 * whose row order means nothing: staging tables keep file order, record numbers depend on it. The
 * setting is the writer connection's own (SESSION): readers on other connections keep theirs.
 */
export async function withoutInsertionOrder<T>(db: DuckDbClient, write: () => Promise<T>): Promise<T> {
  await db.exec('SET SESSION preserve_insertion_order = false');
  try {
    return await write();
  } finally {
    await db.exec('SET SESSION preserve_insertion_order = true');
  }
}

/** Marks customers' metrics out of date from a day on (the earliest day wins). */
export async function markDirty(db: DuckDbClient, partnerId: string, rows: SqlFragment): Promise<void> {
  await db.run(sql`INSERT INTO metrics_dirty (partner_id, customer_id, from_day)
    SELECT ${partnerId}, customer_id, min(d) FROM (${rows}) WHERE d IS NOT NULL GROUP BY customer_id
    ON CONFLICT (partner_id, customer_id) DO UPDATE SET from_day = least(metrics_dirty.from_day, excluded.from_day)`);
}

/** Widens the recorded date range of data per customer, source and entity (idempotent). */
export async function recordCoverage(
  db: DuckDbClient,
  partnerId: string,
  source: DataSource,
  entity: string,
  rows: SqlFragment,
): Promise<void> {
  await db.run(sql`INSERT INTO source_coverage (partner_id, customer_id, source, entity, first_date, last_date)
    SELECT ${partnerId}, customer_id, ${source}, ${entity}, min(d), max(d) FROM (${rows}) WHERE d IS NOT NULL GROUP BY customer_id
    ON CONFLICT (partner_id, customer_id, source, entity) DO UPDATE SET
      first_date = least(source_coverage.first_date, excluded.first_date),
      last_date = greatest(source_coverage.last_date, excluded.last_date)`);
}

/**
 * Merges `activity_agg` (user_key, customer_id, workload, month, days, first, last, n) into
 * activity: days are OR-ed into the row of the same key, missing keys are inserted — the one
 * writer of the table, which keeps its natural key unique. Counts are in facts (user × workload ×
 * day): new ones, and ones already stored.
 */
export async function mergeActivityAgg(
  db: DuckDbClient,
  partnerId: string,
  source: DataSource,
): Promise<MergeCounts> {
  // Customers without stored activity (a first load) need no comparison with the table.
  const { stored } = await db.one<{ stored: number }>(
    sql`SELECT count(*) AS stored FROM (SELECT 1 FROM activity t WHERE t.partner_id = ${partnerId}
          AND t.customer_id IN (SELECT DISTINCT customer_id FROM activity_agg) LIMIT 1)`,
  );
  const match = sql`t.partner_id = ${partnerId} AND t.user_key = a.user_key AND t.workload = a.workload AND t.month = a.month`;
  if (stored > 0) {
    await db.run(sql`CREATE OR REPLACE TEMP TABLE activity_cmp AS
      SELECT a.user_key, a.customer_id, a.workload, a.month, a.days, t.days AS stored, a.n
      FROM activity_agg a LEFT JOIN activity t ON ${match}`);
  }
  const cmp =
    stored > 0
      ? raw('activity_cmp')
      : raw(
          '(SELECT user_key, customer_id, workload, month, days, NULL::UINTEGER AS stored, n FROM activity_agg)',
        );
  const counts = await db.one<{
    total: number | null;
    fresh: number | null;
    rows: number | null;
    updates: number;
    inserts: number;
  }>(
    sql`SELECT sum(bit_count(days)) AS total, sum(bit_count(days & ~coalesce(stored, 0::UINTEGER))) AS fresh, sum(n) AS rows,
               count(*) FILTER (WHERE stored IS NOT NULL AND (days & ~stored) <> 0) AS updates,
               count(*) FILTER (WHERE stored IS NULL) AS inserts
        FROM ${cmp} c`,
  );
  if ((counts.fresh ?? 0) > 0) {
    // From the first new fact (lowest new bit of the day mask), not the whole month.
    await markDirty(
      db,
      partnerId,
      // CASE, not only the WHERE: DuckDB may evaluate a pushed-down conjunction in any order.
      sql`SELECT customer_id, CASE WHEN fresh <> 0 THEN month + log2((fresh & -fresh)::DOUBLE)::INTEGER END AS d
          FROM (SELECT customer_id, month, (days & ~coalesce(stored, 0::UINTEGER))::BIGINT AS fresh FROM ${cmp} c)
          WHERE fresh <> 0`,
    );
  }
  if (counts.updates > 0) {
    await db.run(sql`UPDATE activity t SET days = t.days | c.days FROM ${cmp} c
      WHERE t.partner_id = ${partnerId} AND t.user_key = c.user_key AND t.workload = c.workload AND t.month = c.month
        AND c.stored IS NOT NULL AND (c.days & ~c.stored) <> 0`);
  }
  if (counts.inserts > 0) {
    // Written in customer order: each import's rows lie together per customer, so a read of one
    // customer (its page, its data-trust panel) skips the row groups of the others by their
    // min/max instead of scanning the table (~85 → ~15 ms at L for a customer's active users).
    await db.run(sql`INSERT INTO activity (partner_id, customer_id, user_key, workload, month, days)
      SELECT ${partnerId}, customer_id, user_key, workload, month, days FROM ${cmp} c WHERE stored IS NULL
      ORDER BY customer_id, month`);
  }
  await recordCoverage(
    db,
    partnerId,
    source,
    'activity',
    sql`SELECT customer_id, first AS d FROM activity_agg UNION ALL SELECT customer_id, last AS d FROM activity_agg`,
  );
  if (source === 'canonical')
    await noteCanonicalActivity(db, sql`SELECT customer_id, workload, first FROM activity_agg`);
  await db.exec('DROP TABLE IF EXISTS activity_cmp');
  await db.exec('DROP TABLE IF EXISTS activity_agg');
  const fresh = counts.fresh ?? 0;
  return {
    rows: counts.rows ?? 0,
    inserted: fresh,
    updated: 0,
    unchanged: (counts.total ?? 0) - fresh,
    unknownProducts: [],
  };
}
