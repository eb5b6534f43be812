/**
 * The per-customer sums of the metrics rows (`customer_sums`, metrics/sum-runs.ts): written by the
 * compute beside the metric runs, in its unit of work and by the same rules (replaced per customer
 * from the first recomputed day; a run through the day before is extended when its successor holds
 * the same sums, so the table stays maximal); read back as typed columns for the portfolio views.
 * Also the typed read of metric runs over a range of days (a product's rows, for views filtered
 * by product).
 */
import { DATE, INTEGER, UTINYINT } from '@duckdb/node-api';
import { WORKLOAD_CODES } from '@license-insights/contracts';
import { CELLS, cellOwn, cellService, cellWorkload, SERVICES, type SumRuns } from '../../metrics/sum-runs';
import { F, SUM_FIELDS } from '../../metrics/sums';
import { ident, join, type SqlFragment, sql } from '../sql';
import type { MetricRunColumns, SumRunColumns, SumWorkloads, Yield } from '../store';
import type { DuckDbClient } from './duckdb-client';

const WORKLOADS = ['ALL', ...WORKLOAD_CODES] as const;
const VALUE_COLUMNS = SUM_FIELDS.map((f) => ident(f));
const list = (alias: string) => join(VALUE_COLUMNS.map((c) => sql`${ident(alias)}.${c}`));
const sameValues = (a: string, b: string) =>
  join(
    VALUE_COLUMNS.map((c) => sql`${ident(a)}.${c} = ${ident(b)}.${c}`),
    ' AND ',
  );

/**
 * Replaces the written customers' sums from `fromDay` on, like their metric runs
 * (daily-metrics.ts): `written` is a table (customer_id, c) of the batch's customers.
 */
export async function writeCustomerSums(
  db: DuckDbClient,
  partnerId: string,
  w: {
    readonly replaceAll: boolean;
    readonly fromDay: number;
    readonly customers: number;
    readonly sums: SumRuns;
  },
  written: SqlFragment,
  y?: Yield,
): Promise<void> {
  await db.exec(
    `CREATE OR REPLACE TEMP TABLE m_sums (c INTEGER, cell UTINYINT, first_day DATE, last_day DATE, ${SUM_FIELDS.map((f) => `${f} INTEGER`).join(', ')})`,
  );
  const types = [INTEGER, UTINYINT, DATE, DATE, ...SUM_FIELDS.map(() => INTEGER)];
  for (const chunk of w.sums.chunks)
    await db.appendTyped('m_sums', 'main', 'temp', types, chunk.columns, chunk.count, y);
  // The cells' keys: side, service, workload.
  const cells = Array.from({ length: CELLS }, (_, cell) => cell).map(
    (cell) =>
      sql`(${cell}::UTINYINT, ${cellOwn(cell)}, ${SERVICES[cellService(cell)] as string}, ${WORKLOADS[cellWorkload(cell)] as string})`,
  );
  await db.run(sql`CREATE OR REPLACE TEMP TABLE m_cells AS
    SELECT * FROM (VALUES ${join(cells)}) t(cell, own, service, workload)`);
  const from = sql`(DATE '1970-01-01' + ${w.fromDay}::INTEGER)`;
  const named = sql`SELECT ${partnerId}, cl.customer_id, k.own, k.service, k.workload, r.first_day, r.last_day, ${list('r')}
    FROM m_sums r JOIN ${written} cl ON cl.c = r.c JOIN m_cells k ON k.cell = r.cell`;
  try {
    if (w.replaceAll) {
      await db.run(sql`DELETE FROM customer_sums WHERE partner_id = ${partnerId}`);
      // In order of last day, as the metric runs: a daily update's reads are the last row groups.
      if (w.sums.count > 0) await db.run(sql`INSERT INTO customer_sums ${named} ORDER BY r.last_day`);
      return;
    }
    if (w.customers === 0) return;
    // Stored runs of the written customers reaching fromDay − 1 or later, keys as indexes.
    await db.run(sql`CREATE OR REPLACE TEMP TABLE m_sprev AS
      SELECT o.rowid AS rid, cl.c, k.cell, o.first_day, o.last_day, ${list('o')}
      FROM (SELECT rowid, * FROM customer_sums o WHERE o.partner_id = ${partnerId} AND o.last_day >= ${from} - 1) o
      JOIN ${written} cl ON cl.customer_id = o.customer_id
      JOIN m_cells k ON k.own = o.own AND k.service = o.service AND k.workload = o.workload`);
    await db.run(sql`CREATE OR REPLACE TEMP TABLE m_scut AS
      SELECT p.rid, p.last_day AS stored_last, n.c IS NOT NULL AS merged, p.c, p.cell,
             coalesce(n.last_day, ${from} - 1) AS last_day
      FROM (SELECT * FROM m_sprev WHERE first_day < ${from}) p
      LEFT JOIN (SELECT * FROM m_sums WHERE first_day = ${from}) n
        ON n.c = p.c AND n.cell = p.cell AND ${sameValues('n', 'p')}`);
    await db.run(sql`UPDATE customer_sums SET last_day = u.last_day
      FROM (SELECT rid, last_day FROM m_scut WHERE last_day <> stored_last) u WHERE customer_sums.rowid = u.rid`);
    await db.run(
      sql`DELETE FROM customer_sums WHERE rowid IN (SELECT rid FROM m_sprev WHERE first_day >= ${from})`,
    );
    if (w.sums.count > 0) {
      await db.run(sql`INSERT INTO customer_sums ${named}
        WHERE NOT EXISTS (SELECT 1 FROM m_scut m WHERE m.merged AND m.c = r.c AND m.cell = r.cell
                          AND r.first_day = ${from})`);
    }
  } finally {
    for (const t of ['m_sums', 'm_cells', 'm_sprev', 'm_scut']) await db.exec(`DROP TABLE IF EXISTS ${t}`);
  }
}

/** A list as a table (value, 0-based position). */
function indexed(values: readonly string[], value: string, position: string): SqlFragment {
  return sql`(SELECT unnest(l) AS ${ident(value)}, (generate_subscripts(l, 1) - 1)::INTEGER AS ${ident(position)} FROM (SELECT ${[...values]} AS l))`;
}

const dayNumber = (column: string) => sql`(${ident(column)} - DATE '1970-01-01')::INTEGER`;

/** Interleaves F columns into one array of F values per row. */
function interleave(columns: readonly ArrayLike<number>[], rows: number): Int32Array {
  const out = new Int32Array(rows * F);
  for (let k = 0; k < F; k++) {
    const col = columns[k] as ArrayLike<number>;
    for (let i = 0; i < rows; i++) out[i * F + k] = col[i] as number;
  }
  return out;
}

/** The partner's sum runs that overlap the days `from` … `to` (YYYY-MM-DD), of the ALL cells or the workload cells. */
export async function querySumRuns(
  db: DuckDbClient,
  partnerId: string,
  from: string,
  to: string,
  workloads: SumWorkloads,
): Promise<SumRunColumns> {
  const which = workloads === 'ALL' ? sql`workload = 'ALL'` : sql`workload <> 'ALL'`;
  const where = sql`partner_id = ${partnerId} AND ${which} AND first_day <= ${to}::DATE AND last_day >= ${from}::DATE`;
  const customerIds = (
    await db.all<{ v: string }>(
      sql`SELECT DISTINCT customer_id AS v FROM customer_sums WHERE ${where} ORDER BY 1`,
    )
  ).map((r) => r.v);
  if (customerIds.length === 0) return emptySumRuns();
  const nw = WORKLOADS.length;
  const { rows, columns } = await db.readColumns(
    sql`WITH cl AS ${indexed(customerIds, 'customer_id', 'ci')}
        SELECT cl.ci,
               (((s.own::INTEGER) * ${SERVICES.length} + list_position(${[...SERVICES]}, s.service) - 1) * ${nw}
                 + list_position(${[...WORKLOADS]}, s.workload) - 1)::UTINYINT AS cell,
               ${dayNumber('first_day')}, ${dayNumber('last_day')}, ${list('s')}
        FROM (SELECT * FROM customer_sums WHERE ${where}) s JOIN cl ON cl.customer_id = s.customer_id`,
    ['i32', 'u8', 'i32', 'i32', ...SUM_FIELDS.map(() => 'i32' as const)],
  );
  return {
    customerIds,
    count: rows,
    customer: columns[0] as Int32Array,
    cell: columns[1] as Uint8Array,
    first: columns[2] as Int32Array,
    last: columns[3] as Int32Array,
    values: interleave(columns.slice(4), rows),
  };
}

function emptySumRuns(): SumRunColumns {
  return {
    customerIds: [],
    count: 0,
    customer: new Int32Array(0),
    cell: new Uint8Array(0),
    first: new Int32Array(0),
    last: new Int32Array(0),
    values: new Int32Array(0),
  };
}

export const METRIC_VALUES = [
  'sold',
  'sold_own',
  'assigned',
  'active',
  'rotation',
  'unlicensed',
  'trial_capacity',
  'noncounted_capacity',
  'usage_state',
] as const;

/** The partner's metric runs overlapping `from` … `to`: ALL rows or workload rows, of every product or one. */
export async function queryMetricRunColumns(
  db: DuckDbClient,
  partnerId: string,
  from: string,
  to: string,
  workloads: SumWorkloads,
  productId: string | null,
): Promise<MetricRunColumns> {
  const which = workloads === 'ALL' ? sql`workload = 'ALL'` : sql`workload <> 'ALL'`;
  const product = productId === null ? sql`true` : sql`product_id = ${productId}`;
  const where = sql`partner_id = ${partnerId} AND ${which} AND ${product} AND first_day <= ${to}::DATE AND last_day >= ${from}::DATE`;
  const dictionary = async (column: 'customer_id' | 'product_id') =>
    (
      await db.all<{ v: string }>(
        sql`SELECT DISTINCT ${ident(column)} AS v FROM metric_runs WHERE ${where} ORDER BY 1`,
      )
    ).map((r) => r.v);
  const customerIds = await dictionary('customer_id');
  const productIds = customerIds.length === 0 ? [] : await dictionary('product_id');
  const n = METRIC_VALUES.length;
  if (customerIds.length === 0) {
    return {
      customerIds,
      productIds,
      count: 0,
      customer: new Int32Array(0),
      product: new Int32Array(0),
      workload: new Uint8Array(0),
      first: new Int32Array(0),
      last: new Int32Array(0),
      values: new Int32Array(0),
    };
  }
  const { rows, columns } = await db.readColumns(
    sql`WITH cl AS ${indexed(customerIds, 'customer_id', 'ci')}, pl AS ${indexed(productIds, 'product_id', 'pi')}
        SELECT cl.ci, pl.pi, (list_position(${[...WORKLOADS]}, m.workload) - 1)::UTINYINT AS wi,
               ${dayNumber('first_day')}, ${dayNumber('last_day')},
               ${join(METRIC_VALUES.map((c) => sql`m.${ident(c)}::INTEGER`))}
        FROM (SELECT * FROM metric_runs WHERE ${where}) m
        JOIN cl ON cl.customer_id = m.customer_id JOIN pl ON pl.product_id = m.product_id`,
    ['i32', 'i32', 'u8', 'i32', 'i32', ...METRIC_VALUES.map(() => 'i32' as const)],
  );
  const values = new Int32Array(rows * n);
  for (let k = 0; k < n; k++) {
    const col = columns[5 + k] as Int32Array;
    for (let i = 0; i < rows; i++) values[i * n + k] = col[i] as number;
  }
  return {
    customerIds,
    productIds,
    count: rows,
    customer: columns[0] as Int32Array,
    product: columns[1] as Int32Array,
    workload: columns[2] as Uint8Array,
    first: columns[3] as Int32Array,
    last: columns[4] as Int32Array,
    values,
  };
}
