/**
 * The stored metrics read back on PostgreSQL: metric runs and per-customer sums as typed columns
 * (the portfolio views), and the metrics rows of a day or of a range of days (SPEC §4) with their
 * percentages and reasons from the core's one definition (metrics/rows.ts); and the metric
 * engine's input (`loadMetricData`). Answers equal the embedded store's
 * (store/duckdb/daily-metrics.ts, customer-sums.ts), ids sorted bytewise.
 */
import {
  type ProductDayMetrics,
  type SubscriptionStatus,
  WORKLOAD_CODES,
  type WorkloadCode,
} from '@license-insights/contracts';
import { dayOf, formatDay } from '@license-insights/core/dates';
import { NEVER_YIELD } from '@license-insights/core/jobs/yielder';
import { OPEN } from '@license-insights/core/metrics/bitset-engine';
import type { MeasuredSources } from '@license-insights/core/metrics/measured';
import { metricsRowOf } from '@license-insights/core/metrics/rows';
import { SERVICES } from '@license-insights/core/metrics/sum-runs';
import { F, SUM_FIELDS } from '@license-insights/core/metrics/sums';
import { ident, join, raw, type SqlFragment, sql } from '@license-insights/core/sql';
import type {
  CustomerMetricData,
  MetricRunColumns,
  SumRunColumns,
  SumWorkloads,
  Yield,
} from '@license-insights/core/store';
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

/** Day number of 9999-12-31, the stand-in for "never" in typed reads (as the embedded store's). */
const NEVER = Date.UTC(9999, 11, 31) / 86_400_000;
const EPOCH = sql`DATE '1970-01-01'`;

/**
 * Typed arrays in shared memory, as the embedded store gives them: the engine's worker thread
 * reads a customer's slices of them without a copy.
 */
const sharedInt32 = (n: number) => new Int32Array(new SharedArrayBuffer(4 * n));
const sharedUint32 = (n: number) => new Uint32Array(new SharedArrayBuffer(4 * n));
const sharedUint8 = (n: number) => new Uint8Array(new SharedArrayBuffer(n));

/** A customer being loaded: its products numbered as met (renumbered by id at the end). */
interface LoadingCustomer {
  readonly customerId: string;
  readonly products: Map<string, number>;
  readonly subscriptions: Map<
    string,
    {
      product: number;
      snapshots: {
        asOf: number;
        quantity: number;
        status: SubscriptionStatus;
        isTrial: boolean;
        own: boolean;
      }[];
    }
  >;
}

function productOf(c: LoadingCustomer, productId: string): number {
  let p = c.products.get(productId);
  if (p === undefined) {
    p = c.products.size;
    c.products.set(productId, p);
  }
  return p;
}

/** Kinds of the columns a packed read gives (each sent as an int4). */
type Kind = 'i32' | 'u32' | 'u8';
type Column = Int32Array | Uint32Array | Uint8Array;
const makers: Record<Kind, (n: number) => Column> = {
  i32: (n) => new Int32Array(n),
  u32: (n) => new Uint32Array(n),
  u8: (n) => new Uint8Array(n),
};
const sharedMakers: Record<Kind, (n: number) => Column> = {
  i32: sharedInt32,
  u32: sharedUint32,
  u8: sharedUint8,
};

/** Columns grouped by customer: customer c's records are `start[c]` … `start[c + 1]`. */
interface Grouped {
  readonly start: Int32Array;
  readonly columns: readonly Column[];
}

/** Rows (customers, or parts of one) a fetch of a packed read brings at most (each a few bytea values). */
const ROWS_PER_FETCH = 64;

/**
 * Users per part of a customer's packed records: a part's hex text stays far below a JavaScript
 * string's limit (2¹⁶ users of 100 facts each are 2·10⁸ characters).
 */
const USERS_PER_PART = 1 << 16;

/**
 * Reads a query giving a customer's records in one row or a few — `customer_id`, `part` (the
 * order of its rows), `n` (the row's records) and `packed` (the records as big-endian int4 values,
 * `kinds.length` per record) — through a cursor of the unit's transaction, a page of rows at a
 * time, so only one page of packed text is held at once. Returns the records' columns in shared
 * memory, grouped in the batch's customer order.
 */
async function readPacked(
  db: PgClient,
  cursor: string,
  query: SqlFragment,
  index: ReadonlyMap<string, number>,
  kinds: readonly Kind[],
  y: Yield,
): Promise<Grouped> {
  const nc = index.size;
  const width = kinds.length;
  const parts: { part: number; columns: Column[] }[][] = Array.from({ length: nc }, () => []);
  const start = new Int32Array(nc + 1);
  // Every row is fetched: plan for the whole result, not for the first rows (a cursor's default,
  // cursor_tuple_fraction 0.1, chose nested loops over the user index: 43 s instead of 0.2 s).
  await db.exec('SET LOCAL cursor_tuple_fraction = 1');
  await db.run(sql`DECLARE ${raw(cursor)} NO SCROLL CURSOR FOR ${query}`);
  try {
    for (;;) {
      const rows = await db.all<{ customer_id: string; part: number; n: number; packed: Buffer | null }>(
        sql`FETCH ${raw(String(ROWS_PER_FETCH))} FROM ${raw(cursor)}`,
      );
      if (rows.length === 0) break;
      for (const r of rows) {
        const ci = index.get(r.customer_id);
        if (ci === undefined || r.packed === null) continue;
        const view = new DataView(r.packed.buffer, r.packed.byteOffset, r.packed.byteLength);
        const columns = kinds.map((k) => makers[k](r.n));
        for (let i = 0; i < r.n; i++) {
          if ((i & 0xffff) === 0xffff) await y.slice();
          for (let k = 0; k < width; k++)
            (columns[k] as Int32Array)[i] = view.getInt32(4 * (i * width + k), false);
        }
        parts[ci]?.push({ part: r.part, columns });
        start[ci + 1] = (start[ci + 1] as number) + r.n;
      }
      await y.slice();
    }
  } finally {
    // After a failed statement the transaction is aborted and the cursor goes with it.
    await db.exec(`CLOSE ${cursor}`).catch(() => undefined);
  }
  for (let c = 0; c < nc; c++) start[c + 1] = (start[c + 1] as number) + (start[c] as number);
  const total = start[nc] as number;
  const columns = kinds.map((k) => sharedMakers[k](total));
  for (let c = 0; c < nc; c++) {
    let at = start[c] as number;
    for (const p of (parts[c] ?? []).sort((x, z) => x.part - z.part)) {
      p.columns.forEach((col, k) => {
        (columns[k] as Int32Array).set(col as Int32Array, at);
      });
      at += p.columns[0]?.length ?? 0;
    }
    parts[c] = [];
  }
  return { start, columns };
}

/**
 * The engine's input for a partner's customers (all, or the listed ones), facts from the month of
 * `factsFrom` on: the same answer as the embedded store's (store/duckdb/daily-metrics.ts), with
 * the same typed arrays in shared memory.
 *
 * The per-user tables come a row per customer (grouped by customer_id, the column Citus
 * distributes them by, so each shard aggregates its own customers): a customer's records packed
 * into one bytea of big-endian int4 values (`int4send`), so 10⁷ facts never become JavaScript
 * objects nor text arrays. A user's index is its rank by user_key within its customer; the
 * per-user tables join users on partner, customer and user_key (co-located under Citus).
 *
 * Order: users, subscriptions and their snapshots come in the embedded store's order (user key;
 * subscription id bytewise, then as_of). Within a customer, assignments are sorted by user,
 * product and day, facts by user, workload and month, and the canonical measured sources of one
 * day by workload; the embedded store gives these in its storage order, which the engine does
 * not depend on (the same records, maybe in another order).
 *
 * A customer's records come in parts of USERS_PER_PART users (a bytea's hex text is 32
 * characters a fact: one text for a customer of 10⁷ facts would outgrow a JavaScript string).
 */
export async function loadMetricData(
  db: PgClient,
  partnerId: string,
  customerIds: readonly string[] | null,
  factsFrom: string,
  y: Yield = NEVER_YIELD,
): Promise<CustomerMetricData[]> {
  const ids = (
    await db.all<{ customer_id: string }>(
      sql`SELECT customer_id FROM customers WHERE partner_id = ${partnerId} AND ${ofCustomers(customerIds ?? undefined)}
          ORDER BY customer_id ${C}`,
    )
  ).map((r) => r.customer_id);
  const nc = ids.length;
  if (nc === 0) return [];
  const index = new Map(ids.map((id, i) => [id, i]));
  const customers: LoadingCustomer[] = ids.map((customerId) => ({
    customerId,
    products: new Map(),
    subscriptions: new Map(),
  }));
  // The batch: every customer of the partner, or the listed ones (a condition on the
  // distribution column, so Citus prunes to their shards).
  const mine = (alias: string) =>
    customerIds === null ? sql`true` : sql`${ident(alias)}.customer_id = ANY(${ids}::text[])`;
  // Each user's index within its customer (its rank by user_key), joined by the per-user tables.
  const userIndex = sql`(SELECT customer_id, user_key,
      (row_number() OVER (PARTITION BY customer_id ORDER BY user_key) - 1)::integer AS l
    FROM users u WHERE u.partner_id = ${partnerId} AND ${mine('u')})`;

  // Users: their count and deletion days (NEVER: not deleted), in user_key order.
  const users = await readPacked(
    db,
    'm_users',
    sql`SELECT u.customer_id, 0 AS part, count(*)::integer AS n,
               string_agg(int4send(coalesce(u.deleted_on - ${EPOCH}, ${NEVER}::integer)), ''::bytea ORDER BY u.user_key) AS packed
        FROM users u WHERE u.partner_id = ${partnerId} AND ${mine('u')}
        GROUP BY u.customer_id`,
    index,
    ['i32'],
    y,
  );
  const uStart = users.start;
  const deleted = users.columns[0] as Int32Array;

  // Subscriptions' snapshots (few): grouped per customer and subscription, in id order.
  const subs = await db.all<{
    customer_id: string;
    subscription_id: string;
    product_id: string;
    as_of: number;
    quantity: number;
    status: SubscriptionStatus;
    is_trial: boolean;
    own: boolean;
  }>(
    sql`SELECT s.customer_id, s.subscription_id, s.product_id, (s.as_of - ${EPOCH}) AS as_of, s.quantity, s.status,
               s.is_trial, s.channel = 'own' AS own
        FROM subscription_snapshots s WHERE s.partner_id = ${partnerId} AND ${mine('s')}
        ORDER BY s.customer_id ${C}, s.subscription_id ${C}, s.as_of`,
  );
  for (let r = 0; r < subs.length; r++) {
    if ((r & 0xffff) === 0) await y.slice();
    const s = subs[r] as (typeof subs)[number];
    const ci = index.get(s.customer_id);
    const c = ci === undefined ? undefined : customers[ci];
    if (c === undefined) continue;
    let entry = c.subscriptions.get(s.subscription_id);
    if (entry === undefined) {
      entry = { product: productOf(c, s.product_id), snapshots: [] };
      c.subscriptions.set(s.subscription_id, entry);
    }
    entry.snapshots.push({
      asOf: s.as_of,
      quantity: s.quantity,
      status: s.status,
      isTrial: s.is_trial,
      own: s.own,
    });
  }

  // Assignments: user, product (an index in the batch's list of assigned products), from, to.
  const assignedProducts = (
    await db.all<{ product_id: string }>(
      sql`SELECT DISTINCT a.product_id FROM license_assignments a
          WHERE a.partner_id = ${partnerId} AND ${mine('a')} ORDER BY 1`,
    )
  ).map((r) => r.product_id);
  const assignments = await readPacked(
    db,
    'm_assignments',
    sql`SELECT a.customer_id, u.l / ${USERS_PER_PART}::integer AS part, count(*)::integer AS n,
               string_agg(int4send(u.l) || int4send(p.i) || int4send(a.assigned_on - ${EPOCH})
                 || int4send(CASE WHEN a.unassigned_on IS NULL OR a.unassigned_on >= DATE '9999-12-31'
                                  THEN ${OPEN}::integer ELSE a.unassigned_on - ${EPOCH} END),
                          ''::bytea ORDER BY u.user_key, a.product_id ${C}, a.assigned_on) AS packed
        FROM license_assignments a
        JOIN ${userIndex} u ON u.customer_id = a.customer_id AND u.user_key = a.user_key
        JOIN (SELECT product_id, (i - 1)::integer AS i
              FROM unnest(${assignedProducts}::text[]) WITH ORDINALITY t(product_id, i)) p ON p.product_id = a.product_id
        WHERE a.partner_id = ${partnerId} AND ${mine('a')}
        GROUP BY a.customer_id, part`,
    index,
    ['i32', 'i32', 'i32', 'i32'],
    y,
  );
  const aStart = assignments.start;
  const [aUser, aProduct, aFrom, aTo] = assignments.columns as Int32Array[];
  const a = {
    user: aUser as Int32Array,
    product: aProduct as Int32Array,
    from: aFrom as Int32Array,
    to: aTo as Int32Array,
  };
  // The batch's product indexes become each customer's, numbered as met after its subscriptions'.
  for (let ci = 0; ci < nc; ci++) {
    const c = customers[ci] as LoadingCustomer;
    for (let i = aStart[ci] as number; i < (aStart[ci + 1] as number); i++)
      a.product[i] = productOf(c, assignedProducts[a.product[i] as number] as string);
  }

  // Activity masks from the first of factsFrom's month: user, workload, month, days.
  const fromMonth = dayOf(`${factsFrom.slice(0, 7)}-01`);
  const facts = await readPacked(
    db,
    'm_facts',
    sql`SELECT f.customer_id, u.l / ${USERS_PER_PART}::integer AS part, count(*)::integer AS n,
               string_agg(int4send(u.l) || int4send((array_position(${[...WORKLOAD_CODES]}::text[], f.workload) - 1)::integer)
                 || int4send(f.month - ${EPOCH}) || int4send(f.days),
                          ''::bytea ORDER BY u.user_key, f.workload ${C}, f.month) AS packed
        FROM activity f JOIN ${userIndex} u ON u.customer_id = f.customer_id AND u.user_key = f.user_key
        WHERE f.partner_id = ${partnerId} AND ${mine('f')} AND f.month >= ${EPOCH} + ${fromMonth}::integer
          AND f.workload = ANY(${[...WORKLOAD_CODES]}::text[])
        GROUP BY f.customer_id, part`,
    index,
    ['i32', 'u8', 'i32', 'u32'],
    y,
  );
  const fStart = facts.start;
  const f = {
    user: facts.columns[0] as Int32Array,
    workload: facts.columns[1] as Uint8Array,
    month: facts.columns[2] as Int32Array,
    days: facts.columns[3] as Uint32Array,
  };

  const measured = await loadMeasuredSources(db, partnerId, mine('s'), index, nc);
  const out: CustomerMetricData[] = [];
  for (let ci = 0; ci < nc; ci++) {
    if ((ci & 255) === 0) await y.slice();
    const c = customers[ci] as LoadingCustomer;
    const order = [...c.products.entries()].sort(([x], [z]) => (x < z ? -1 : x > z ? 1 : 0));
    const remap = new Int32Array(order.length);
    order.forEach(([, old], i) => {
      remap[old] = i;
    });
    const s0 = aStart[ci] as number;
    const s1 = aStart[ci + 1] as number;
    const product = a.product.subarray(s0, s1);
    for (let i = 0; i < product.length; i++) product[i] = remap[product[i] as number] as number;
    const f0 = fStart[ci] as number;
    const f1 = fStart[ci + 1] as number;
    out.push({
      customerId: c.customerId,
      productIds: order.map(([id]) => id),
      users: (uStart[ci + 1] as number) - (uStart[ci] as number),
      subscriptions: [...c.subscriptions.values()].map((s) => ({
        product: remap[s.product] as number,
        snapshots: s.snapshots,
      })),
      deletedOn: deleted.subarray(uStart[ci] as number, uStart[ci + 1] as number),
      assignments: {
        count: s1 - s0,
        user: a.user.subarray(s0, s1),
        product,
        from: a.from.subarray(s0, s1),
        to: a.to.subarray(s0, s1),
      },
      facts: {
        count: f1 - f0,
        user: f.user.subarray(f0, f1),
        workload: f.workload.subarray(f0, f1),
        month: f.month.subarray(f0, f1),
        days: f.days.subarray(f0, f1),
      },
      measured: measured[ci] ?? { canonical: [], graph: [] },
    });
  }
  return out;
}

/**
 * The activity sources of the batch's customers (SPEC §2.3): canonical imports per workload, and
 * one entry per Graph report day (a report measures all its workloads on its day).
 */
async function loadMeasuredSources(
  db: PgClient,
  partnerId: string,
  mine: SqlFragment,
  index: ReadonlyMap<string, number>,
  count: number,
): Promise<MeasuredSources[]> {
  const rows = await db.all<{ customer_id: string; w: number; graph: boolean; d: number; period: number }>(
    sql`SELECT s.customer_id, (array_position(${[...WORKLOAD_CODES]}::text[], s.workload) - 1)::integer AS w,
               s.source = 'graph' AS graph, (s.from_day - ${EPOCH}) AS d, coalesce(s.period_days, 0) AS period
        FROM measured_sources s
        WHERE s.partner_id = ${partnerId} AND ${mine} AND s.workload = ANY(${[...WORKLOAD_CODES]}::text[])
        ORDER BY s.customer_id ${C}, graph, d, w`,
  );
  const out = Array.from({ length: count }, () => ({
    canonical: [] as { workload: WorkloadCode; from: number }[],
    graph: [] as { day: number; periodDays: number }[],
    graphDays: new Set<number>(),
  }));
  for (const r of rows) {
    const ci = index.get(r.customer_id);
    const m = ci === undefined ? undefined : out[ci];
    if (m === undefined) continue;
    if (r.graph) {
      if (!m.graphDays.has(r.d)) {
        m.graphDays.add(r.d);
        m.graph.push({ day: r.d, periodDays: r.period });
      }
    } else m.canonical.push({ workload: WORKLOAD_CODES[r.w] as WorkloadCode, from: r.d });
  }
  return out.map((m) => ({ canonical: m.canonical, graph: m.graph }));
}
