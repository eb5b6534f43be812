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
import { typed } from './column-sql';
import type { DuckDbClient } from './duckdb-client';
import { badTable, recOf, type StageRef, stageTable } from './validation';

interface TableMapping {
  readonly table: string;
  /** Natural key columns after partner_id. */
  readonly key: readonly string[];
  /** Columns set on every write, whatever the file holds (origin, source). */
  readonly constants: (source: DataSource) => Readonly<Record<string, SqlValue>>;
  /** Date columns whose range is recorded in source_coverage. */
  readonly coverageDate?: string;
}

const MAPPINGS: Readonly<Record<Exclude<CanonicalEntity, 'activity'>, TableMapping>> = {
  products: { table: 'products', key: ['product_id'], constants: () => ({ origin: 'custom' }) },
  customers: { table: 'customers', key: ['customer_id'], constants: () => ({}) },
  users: { table: 'users', key: ['customer_id', 'user_id'], constants: () => ({}) },
  license_assignments: {
    table: 'license_assignments',
    key: ['customer_id', 'user_id', 'product_id', 'assigned_on'],
    constants: (source) => ({ source }),
    coverageDate: 'assigned_on',
  },
  subscriptions: {
    table: 'subscription_snapshots',
    key: ['customer_id', 'subscription_id', 'as_of'],
    constants: (source) => ({ source }),
    coverageDate: 'as_of',
  },
  support_requests: {
    table: 'support_requests',
    key: ['customer_id', 'request_id'],
    constants: () => ({}),
    coverageDate: 'opened_on',
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
 * catalog (`cat_keys`), one row per key (the last one in the file wins).
 */
async function buildOkTable(
  db: DuckDbClient,
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
        return sql`coalesce(k.product_id, nullif(${v}, '')) AS product_id, (k.product_id IS NOT NULL OR nullif(${v}, '') IS NULL) AS _product_known`;
      }
      return sql`${typed(c.type, v)} AS ${ident(c.name)}`;
    });
  for (const extra of stagedExtras) exprs.push(sql`s.${ident(extra)} AS ${ident(extra)}`);
  const productJoin =
    has.has('product_id') && RESOLVES_PRODUCT.has(entity)
      ? raw('LEFT JOIN cat_keys k ON k.key = lower(s.product_id)')
      : raw('');
  const dedupe =
    entity === 'activity'
      ? raw('')
      : sql`QUALIFY row_number() OVER (PARTITION BY ${join(spec.key.map((k) => ident(k)))} ORDER BY _rec DESC) = 1`;
  await db.run(sql`CREATE OR REPLACE TEMP TABLE ${okTable(stageId)} AS
    SELECT * FROM (
      SELECT ${recOf(stage)} AS _rec, s._line AS _line, ${join(exprs)}
      FROM ${s} s ${productJoin}
      WHERE NOT EXISTS (SELECT 1 FROM ${badTable(stageId)} b WHERE b.rec = ${recOf(stage)})
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
  await buildOkTable(db, stage, entity, presentColumns, stagedExtras);
  const ok = okTable(stage.id);
  if (entity === 'activity') {
    await db.run(sql`CREATE OR REPLACE TEMP TABLE activity_agg AS
      SELECT u.user_key, o.customer_id, o.workload, date_trunc('month', o.date)::DATE AS month,
             bit_or((1::UINTEGER) << (day(o.date) - 1)::UINTEGER) AS days, min(o.date) AS first, max(o.date) AS last,
             count(*) AS n
      FROM ${ok} o JOIN users u ON u.partner_id = ${partnerId} AND u.customer_id = o.customer_id AND u.user_id = o.user_id
      GROUP BY ALL`);
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
    const insertCols = ['partner_id', ...mapping.key, ...valueCols, ...Object.keys(constants)];
    const selectExprs = [
      sql`${partnerId}`,
      ...mapping.key.map((k) => sql`o.${ident(k)}`),
      ...valueCols.map((c) => sql`o.${ident(c)}`),
      ...Object.values(constants).map((val) => sql`${val}`),
    ];
    const updates = [...valueCols, ...Object.keys(constants)].map(
      (c) => sql`${ident(c)} = excluded.${ident(c)}`,
    );
    const onConflict =
      updates.length > 0
        ? sql`ON CONFLICT (${join(['partner_id', ...mapping.key].map((k) => ident(k)))}) DO UPDATE SET ${join(updates)}`
        : raw('ON CONFLICT DO NOTHING');
    await db.run(sql`INSERT INTO ${t} (${join(insertCols.map((c) => ident(c)))})
      SELECT ${join(selectExprs)} FROM ${ok} o LEFT JOIN ${t} t ON ${keyJoin}
      WHERE t.${firstKey} IS NULL OR (${changed})
      ${onConflict}`);
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
 * Merges `activity_agg` (user_key, customer_id, workload, month, days, first, last) into activity.
 * Counts are in facts (user × workload × day): new ones, and ones already stored.
 */
export async function mergeActivityAgg(
  db: DuckDbClient,
  partnerId: string,
  source: DataSource,
): Promise<MergeCounts> {
  const join_ = sql`LEFT JOIN activity t ON t.partner_id = ${partnerId} AND t.user_key = a.user_key AND t.workload = a.workload AND t.month = a.month`;
  const counts = await db.one<{ total: number | null; fresh: number | null; rows: number | null }>(
    sql`SELECT sum(bit_count(a.days)) AS total, sum(bit_count(a.days & ~coalesce(t.days, 0::UINTEGER))) AS fresh, sum(a.n) AS rows
        FROM activity_agg a ${join_}`,
  );
  const fresh = counts.fresh ?? 0;
  if (fresh > 0) {
    await db.run(sql`INSERT INTO activity (partner_id, customer_id, user_key, workload, month, days)
      SELECT ${partnerId}, a.customer_id, a.user_key, a.workload, a.month, a.days FROM activity_agg a ${join_}
      WHERE t.days IS NULL OR (a.days & ~t.days) <> 0
      ON CONFLICT (partner_id, user_key, workload, month) DO UPDATE SET days = activity.days | excluded.days`);
  }
  await recordCoverage(
    db,
    partnerId,
    source,
    'activity',
    sql`SELECT customer_id, first AS d FROM activity_agg UNION ALL SELECT customer_id, last AS d FROM activity_agg`,
  );
  return {
    rows: counts.rows ?? 0,
    inserted: fresh,
    updated: 0,
    unchanged: (counts.total ?? 0) - fresh,
    unknownProducts: [],
  };
}
