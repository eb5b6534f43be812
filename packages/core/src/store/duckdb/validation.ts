/**
 * Validation of a staged file against an entity spec, in one pass of SQL per check: missing
 * values, malformed values, unknown customers and users, duplicate keys and cross-column rules.
 * Every bad record is remembered in `<stage>_bad` (so merges can skip it); the first problems in
 * file order are returned for the user.
 */
import type { ColumnSpec, EntitySpec } from '@license-insights/contracts';
import { ident, join, raw, type SqlFragment, sql } from '../sql';
import type { CheckKind, RowProblem, ValidationResult } from '../store';
import { listItems, malformed, malformedDate, type ValueFormat } from './column-sql';
import type { DuckDbClient } from './duckdb-client';

interface Check {
  readonly field: string;
  readonly kind: CheckKind;
  /** SELECT of (rec, value, ref_rec) for the records failing the check. */
  readonly select: SqlFragment;
}

const present = (v: SqlFragment) => sql`(${v} IS NOT NULL AND ${v} <> '')`;

/**
 * A staging table and the rowid of its first row. Inside a transaction DuckDB numbers new rows
 * from a large offset (transaction-local storage), contiguously and in file order, so a record's
 * index in its file is `rowid - base`.
 */
export interface StageRef {
  readonly id: number;
  readonly base: bigint;
}

/** Record index (0-based, file order) of a staging row aliased `alias`. */
export function recOf(stage: StageRef, alias = 's'): SqlFragment {
  return sql`(${ident(alias)}.rowid - ${stage.base})`;
}

export async function stageBase(db: DuckDbClient, stageId: number): Promise<bigint> {
  const { base } = await db.one<{ base: string | null }>(
    sql`SELECT min(rowid)::VARCHAR AS base FROM ${stageTable(stageId)}`,
  );
  return BigInt(base ?? '0');
}

/**
 * `WHERE` clause keeping the valid records of a stage. The anti-join is only written when there are
 * bad records: even against an empty table it costs a second per million rows.
 */
export async function validRecords(db: DuckDbClient, stage: StageRef, alias = 's'): Promise<SqlFragment> {
  const bad = badTable(stage.id);
  const exists = await db.all<{ n: number }>(
    sql`SELECT count(*) AS n FROM duckdb_tables() WHERE temporary AND table_name = ${`stg_${stage.id}_bad`}`,
  );
  if ((exists[0]?.n ?? 0) === 0) return raw('true');
  const { n } = await db.one<{ n: number }>(sql`SELECT count(*) AS n FROM ${bad}`);
  if (n === 0) return raw('true');
  return sql`NOT EXISTS (SELECT 1 FROM ${bad} b WHERE b.rec = ${recOf(stage, alias)})`;
}

export function stageTable(stageId: number): SqlFragment {
  return ident(`stg_${stageId}`);
}

export function badTable(stageId: number): SqlFragment {
  return ident(`stg_${stageId}_bad`);
}

/** The checks of one cell on its own (no other rows or tables): true when the value fails. */
export function valueChecks(
  c: ColumnSpec,
  x: SqlFragment,
  /** The date column's value cast leniently (`try_cast(x AS DATE)`), when computed already. */
  castDate?: SqlFragment,
  format: ValueFormat = {},
): { readonly kind: 'missing' | 'whitespace' | 'format'; readonly cond: SqlFragment }[] {
  const checks: { kind: 'missing' | 'whitespace' | 'format'; cond: SqlFragment }[] = [];
  // A required list column must be in the header but may be empty (a product with no workloads).
  if (c.required && c.type.kind !== 'list')
    checks.push({ kind: 'missing', cond: sql`(${x} IS NULL OR ${x} = '')` });
  if (c.type.kind === 'id')
    checks.push({ kind: 'whitespace', cond: sql`${present(x)} AND ${x} <> trim(${x})` });
  const bad =
    c.type.kind === 'date' && castDate !== undefined
      ? malformedDate(x, castDate)
      : malformed(c.type, x, format);
  checks.push({ kind: 'format', cond: sql`${present(x)} AND ${bad}` });
  return checks;
}

function checksFor(
  stage: StageRef,
  spec: EntitySpec,
  presentColumns: readonly string[],
  partnerId: string,
  format: ValueFormat,
): Check[] {
  const s = stageTable(stage.id);
  const rec = recOf(stage);
  const has = new Set(presentColumns);
  const checks: Check[] = [];
  const columns: ColumnSpec[] = spec.columns.filter((c) => has.has(c.name));
  const v = (name: string) => sql`s.${ident(name)}`;
  const failing = (field: string, kind: CheckKind, cond: SqlFragment, refRec: SqlFragment = raw('NULL')) => {
    checks.push({
      field,
      kind,
      select: sql`SELECT ${rec} AS rec, CAST(${v(field)} AS VARCHAR) AS value, ${refRec} AS ref_rec FROM ${s} s WHERE ${cond}`,
    });
  };
  for (const c of columns) {
    for (const check of valueChecks(c, v(c.name), undefined, format)) failing(c.name, check.kind, check.cond);
  }
  const customerOk = sql`${present(v('customer_id'))} AND NOT ${malformed({ kind: 'id' }, v('customer_id'))}`;
  if (has.has('customer_id') && spec.entity !== 'customers') {
    failing(
      'customer_id',
      'unknown_customer',
      sql`${customerOk} AND NOT EXISTS (SELECT 1 FROM customers c WHERE c.partner_id = ${partnerId} AND c.customer_id = s.customer_id)`,
    );
  }
  if (has.has('user_id') && spec.entity !== 'users') {
    failing(
      'user_id',
      'unknown_user',
      sql`${customerOk} AND ${present(v('user_id'))}
        AND EXISTS (SELECT 1 FROM customers c WHERE c.partner_id = ${partnerId} AND c.customer_id = s.customer_id)
        AND NOT EXISTS (SELECT 1 FROM users u WHERE u.partner_id = ${partnerId} AND u.customer_id = s.customer_id AND u.user_id = s.user_id)`,
    );
  }
  // Duplicate keys inside one file (activity is a set of facts: its duplicates are merged instead).
  if (spec.entity !== 'activity' && spec.key.every((k) => has.has(k))) {
    const keyCols = join(spec.key.map((k) => ident(k)));
    const keyPresent = join(
      spec.key.map((k) => present(v(k))),
      ' AND ',
    );
    const last = spec.key[spec.key.length - 1] ?? spec.key[0] ?? 'rowid';
    checks.push({
      field: last,
      kind: 'duplicate',
      select: sql`SELECT rec, value, ref_rec FROM (
          SELECT ${rec} AS rec, concat_ws(' / ', ${join(spec.key.map((k) => v(k)))}) AS value,
                 min(${rec}) OVER (PARTITION BY ${keyCols}) AS ref_rec
          FROM ${s} s WHERE ${keyPresent}) d WHERE rec <> ref_rec`,
    });
  }
  if (spec.entity === 'license_assignments' && has.has('unassigned_on')) {
    // Only two well-formed dates are compared (a malformed one is a format problem already).
    const day = (name: string) => sql`try_cast(${v(name)} AS DATE)`;
    const wellFormed = (name: string) => sql`NOT ${malformedDate(v(name), day(name))}`;
    failing(
      'unassigned_on',
      'order',
      sql`${day('unassigned_on')} <= ${day('assigned_on')} AND ${wellFormed('unassigned_on')} AND ${wellFormed('assigned_on')}`,
    );
  }
  if (spec.entity === 'products' && has.has('open_workloads')) {
    failing(
      'open_workloads',
      'subset',
      sql`NOT list_has_all(list_transform(${listItems(v('workloads'))}, x -> lower(x)), list_transform(${listItems(v('open_workloads'))}, x -> lower(x)))`,
    );
  }
  return checks;
}

export async function validateStage(
  db: DuckDbClient,
  stage: StageRef,
  spec: EntitySpec,
  presentColumns: readonly string[],
  partnerId: string,
  limit: number,
  format: ValueFormat = {},
): Promise<ValidationResult> {
  const checks = checksFor(stage, spec, presentColumns, partnerId, format);
  const stageId = stage.id;
  const bad = badTable(stageId);
  const parts = checks.map((c, i) => sql`SELECT rec, ${i} AS check_id, value, ref_rec FROM (${c.select})`);
  await db.run(sql`CREATE OR REPLACE TEMP TABLE ${bad} AS ${join(parts, ' UNION ALL ')}`);
  const counts = await db.one<{ problems: number; records: number }>(
    sql`SELECT count(*) AS problems, count(DISTINCT rec) AS records FROM ${bad}`,
  );
  const rows = await db.all<{
    rec: number;
    line: number | null;
    check_id: number;
    value: string | null;
    ref_rec: number | null;
    ref_line: number | null;
  }>(
    sql`SELECT b.rec, s._line AS line, b.check_id, b.value, b.ref_rec, r._line AS ref_line
        FROM ${bad} b JOIN ${stageTable(stageId)} s ON ${recOf(stage)} = b.rec
        LEFT JOIN ${stageTable(stageId)} r ON ${recOf(stage, 'r')} = b.ref_rec
        ORDER BY b.rec, b.check_id LIMIT ${limit}`,
  );
  const problems: RowProblem[] = rows.map((r) => {
    const check = checks[r.check_id];
    if (check === undefined) throw new Error(`unknown check ${r.check_id}`);
    return {
      rec: r.rec,
      line: r.line,
      field: check.field,
      value: r.value,
      check: check.kind,
      refRec: r.ref_rec,
      refLine: r.ref_line,
    };
  });
  return { problems, problemCount: counts.problems, badRecords: counts.records };
}
