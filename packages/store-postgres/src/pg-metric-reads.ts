/**
 * The stored metrics read back on PostgreSQL: metric runs and per-customer sums as typed columns
 * (the portfolio views), and the metrics rows of a day or of a range of days (SPEC §4) with their
 * percentages and reasons from the core's one definition (metrics/rows.ts). Answers equal the
 * embedded store's (store/duckdb/daily-metrics.ts, customer-sums.ts), ids sorted bytewise.
 */
import { type ProductDayMetrics, WORKLOAD_CODES, type WorkloadCode } from '@license-insights/contracts';
import { dayOf, formatDay } from '@license-insights/core/dates';
import { metricsRowOf } from '@license-insights/core/metrics/rows';
import { SERVICES } from '@license-insights/core/metrics/sum-runs';
import { F, SUM_FIELDS } from '@license-insights/core/metrics/sums';
import { ident, join, type SqlFragment, sql } from '@license-insights/core/sql';
import type { MetricRunColumns, SumRunColumns, SumWorkloads } from '@license-insights/core/store';
import type { PgClient } from './pg-client';

/** Workload index 0 is ALL, then the codes in their order (the order of a product's rows). */
const WORKLOADS = ['ALL', ...WORKLOAD_CODES] as const;
const WORKLOAD_INDEX = new Map<string, number>(WORKLOADS.map((w, i) => [w, i]));
const SERVICE_INDEX = new Map<string, number>(SERVICES.map((s, i) => [s, i]));

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

/** Customers (all, or the listed ones) as a condition. */
export function ofCustomers(customerIds: readonly string[] | undefined): SqlFragment {
  if (customerIds === undefined) return sql`true`;
  if (customerIds.length === 1) return sql`customer_id = ${customerIds[0] as string}`;
  return sql`customer_id = ANY(${[...customerIds]}::text[])`;
}

/** Ids sorted bytewise, as the embedded store sorts them. */
const C = sql`COLLATE "C"`;

const day = (column: string) => sql`(${ident(column)} - DATE '1970-01-01')`;

export async function querySumRuns(
  db: PgClient,
  partnerId: string,
  from: string,
  to: string,
  workloads: SumWorkloads,
): Promise<SumRunColumns> {
  const which = workloads === 'ALL' ? sql`workload = 'ALL'` : sql`workload <> 'ALL'`;
  const where = sql`partner_id = ${partnerId} AND ${which} AND first_day <= ${to}::date AND last_day >= ${from}::date`;
  const rows = await db.all<Record<string, number | string | boolean>>(
    sql`SELECT customer_id, own, service, workload, ${day('first_day')} AS first, ${day('last_day')} AS last,
               ${join(SUM_FIELDS.map((f) => ident(f)))}
        FROM customer_sums WHERE ${where}`,
  );
  const customerIds = [...new Set(rows.map((r) => r.customer_id as string))].sort(bytewise);
  const index = new Map(customerIds.map((c, i) => [c, i]));
  const n = rows.length;
  const out = {
    customerIds,
    count: n,
    customer: new Int32Array(n),
    cell: new Uint8Array(n),
    first: new Int32Array(n),
    last: new Int32Array(n),
    values: new Int32Array(n * F),
  };
  const nw = WORKLOADS.length;
  rows.forEach((r, i) => {
    out.customer[i] = index.get(r.customer_id as string) as number;
    out.cell[i] =
      ((r.own === true ? 1 : 0) * SERVICES.length + (SERVICE_INDEX.get(r.service as string) as number)) * nw +
      (WORKLOAD_INDEX.get(r.workload as string) as number);
    out.first[i] = r.first as number;
    out.last[i] = r.last as number;
    SUM_FIELDS.forEach((f, k) => {
      out.values[i * F + k] = r[f] as number;
    });
  });
  return out;
}

export async function queryMetricRunColumns(
  db: PgClient,
  partnerId: string,
  from: string,
  to: string,
  workloads: SumWorkloads,
  productId: string | null,
): Promise<MetricRunColumns> {
  const which = workloads === 'ALL' ? sql`workload = 'ALL'` : sql`workload <> 'ALL'`;
  const product = productId === null ? sql`true` : sql`product_id = ${productId}`;
  const where = sql`partner_id = ${partnerId} AND ${which} AND ${product} AND first_day <= ${to}::date AND last_day >= ${from}::date`;
  const rows = await db.all<Record<string, number | string>>(
    sql`SELECT customer_id, product_id, workload, ${day('first_day')} AS first, ${day('last_day')} AS last,
               ${join(METRIC_VALUES.map((c) => sql`${ident(c)}::integer AS ${ident(c)}`))}
        FROM metric_runs WHERE ${where}`,
  );
  const customerIds = [...new Set(rows.map((r) => r.customer_id as string))].sort(bytewise);
  const productIds = [...new Set(rows.map((r) => r.product_id as string))].sort(bytewise);
  const ci = new Map(customerIds.map((c, i) => [c, i]));
  const pi = new Map(productIds.map((p, i) => [p, i]));
  const n = rows.length;
  const m = METRIC_VALUES.length;
  const out = {
    customerIds,
    productIds,
    count: n,
    customer: new Int32Array(n),
    product: new Int32Array(n),
    workload: new Uint8Array(n),
    first: new Int32Array(n),
    last: new Int32Array(n),
    values: new Int32Array(n * m),
  };
  rows.forEach((r, i) => {
    out.customer[i] = ci.get(r.customer_id as string) as number;
    out.product[i] = pi.get(r.product_id as string) as number;
    out.workload[i] = WORKLOAD_INDEX.get(r.workload as string) as number;
    out.first[i] = r.first as number;
    out.last[i] = r.last as number;
    METRIC_VALUES.forEach((c, k) => {
      out.values[i * m + k] = r[c] as number;
    });
  });
  return out;
}

function bytewise(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

interface RunRow {
  customer_id: string;
  product_id: string;
  workload: WorkloadCode | 'ALL';
  first_day: string;
  last_day: string;
  sold: number;
  sold_own: number;
  assigned: number;
  active: number;
  rotation: number;
  unlicensed: number;
  trial_capacity: number;
  noncounted_capacity: number;
  usage_state: number;
}

function rowOf(r: RunRow, d: string): ProductDayMetrics {
  return metricsRowOf({
    customerId: r.customer_id,
    productId: r.product_id,
    workload: r.workload,
    day: d,
    sold: r.sold,
    soldOwn: r.sold_own,
    assigned: r.assigned,
    active: r.active,
    rotation: r.rotation,
    unlicensed: r.unlicensed,
    trial: r.trial_capacity,
    noncounted: r.noncounted_capacity,
    usage: r.usage_state,
  });
}

/** Runs in the rows' order: customer, product (bytewise), workload ALL first, then the codes' order. */
const RUN_ORDER = sql`ORDER BY customer_id ${C}, product_id ${C}, array_position(${[...WORKLOADS]}::text[], workload)`;

/** The metrics rows of a day (all customers, or the listed ones), sorted by customer, product, workload. */
export async function queryDailyMetrics(
  db: PgClient,
  partnerId: string,
  d: string,
  customerIds?: readonly string[],
): Promise<ProductDayMetrics[]> {
  if (customerIds !== undefined && customerIds.length === 0) return [];
  const runs = await db.all<RunRow>(
    sql`SELECT customer_id, product_id, workload, first_day, last_day, ${join(METRIC_VALUES.map((c) => sql`${ident(c)}::integer AS ${ident(c)}`))}
        FROM metric_runs
        WHERE partner_id = ${partnerId} AND first_day <= ${d}::date AND last_day >= ${d}::date AND ${ofCustomers(customerIds)}
        ${RUN_ORDER}`,
  );
  return runs.map((r) => rowOf(r, d));
}

/** The metrics rows of every day from `from` to `to` of the listed customers, by day, then as a day's rows. */
export async function queryDailyMetricsRange(
  db: PgClient,
  partnerId: string,
  from: string,
  to: string,
  customerIds: readonly string[],
): Promise<ProductDayMetrics[]> {
  if (customerIds.length === 0 || from > to) return [];
  const runs = await db.all<RunRow>(
    sql`SELECT customer_id, product_id, workload,
               greatest(first_day, ${from}::date)::text AS first_day, least(last_day, ${to}::date)::text AS last_day,
               ${join(METRIC_VALUES.map((c) => sql`${ident(c)}::integer AS ${ident(c)}`))}
        FROM metric_runs
        WHERE partner_id = ${partnerId} AND ${ofCustomers(customerIds)} AND first_day <= ${to}::date AND last_day >= ${from}::date
        ${RUN_ORDER}`,
  );
  const first = dayOf(from);
  const byDay: ProductDayMetrics[][] = Array.from({ length: dayOf(to) - first + 1 }, () => []);
  for (const r of runs)
    for (let d = dayOf(r.first_day); d <= dayOf(r.last_day); d++)
      byDay[d - first]?.push(rowOf(r, formatDay(d)));
  return byDay.flat();
}

/**
 * A day's rows in chunks of at most `chunkRows`, whole customers per page (one customer with more
 * rows than a chunk is cut into chunks of its own), as the embedded store pages them.
 */
export async function* queryDailyMetricsChunks(
  db: PgClient,
  partnerId: string,
  d: string,
  customerIds: readonly string[] | undefined,
  chunkRows: number,
): AsyncGenerator<ProductDayMetrics[], void, undefined> {
  const size = Math.max(1, Math.floor(chunkRows));
  const counts = await db.all<{ customer_id: string; n: number }>(
    sql`SELECT customer_id ${C} AS customer_id, count(*) AS n FROM metric_runs
        WHERE partner_id = ${partnerId} AND first_day <= ${d}::date AND last_day >= ${d}::date AND ${ofCustomers(customerIds)}
        GROUP BY 1 ORDER BY 1`,
  );
  for (let i = 0; i < counts.length; ) {
    const page: string[] = [];
    let n = 0;
    while (i < counts.length) {
      const c = counts[i] as { customer_id: string; n: number };
      if (page.length > 0 && n + c.n > size) break;
      page.push(c.customer_id);
      n += c.n;
      i++;
    }
    const rows = await queryDailyMetrics(db, partnerId, d, page);
    for (let at = 0; at < rows.length; at += size)
      yield rows.length <= size ? rows : rows.slice(at, at + size);
  }
}
