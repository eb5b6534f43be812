/**
 * The metric engine's edge of the store: what it reads (per customer: subscription snapshots,
 * users' deletion days, assignment intervals, activity facts as day lists) and where its results
 * go (`daily_metrics`, replaced per customer from a day on). Large reads and writes go through
 * typed arrays; strings are mapped to small integers in SQL first. The per-customer sums
 * (`customer_sums`) are written with the runs (customer-sums.ts).
 */
import { DATE, INTEGER, UTINYINT } from '@duckdb/node-api';
import {
  type ProductDayMetrics,
  SUBSCRIPTION_STATUSES,
  type SubscriptionStatus,
  WORKLOAD_CODES,
  type WorkloadCode,
} from '@license-insights/contracts';
import { dayOf, formatDay } from '../../dates';
import { NEVER_YIELD } from '../../jobs/yielder';
import { OPEN } from '../../metrics/bitset-engine';
import type { MeasuredSources } from '../../metrics/measured';
import { metricsRowOf } from '../../metrics/rows';
import { RUN_COLUMNS } from '../../metrics/runs';
import { ident, type SqlFragment, sql } from '../sql';
import type { CustomerMetricData, DailyMetricsWrite, MetricsPlan, Yield } from '../store';
import { ofCustomers } from './customer-filter';
import { writeCustomerSums } from './customer-sums';
import type { DuckDbClient, HeldResult } from './duckdb-client';

/** A query started and awaited later: its failure is not unhandled meanwhile (await rethrows it). */
function pending<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

/** A list as a table (value, 0-based position): ids become small integers through a join. */
function indexed(list: readonly string[], value: string, position: string): SqlFragment {
  // The list is bound once (a parameter of 10⁴ strings costs a native call per element).
  return sql`(SELECT unnest(l) AS ${ident(value)}, (generate_subscripts(l, 1) - 1)::INTEGER AS ${ident(position)} FROM (SELECT ${[...list]} AS l))`;
}

/** The customers of a partner (or the listed ones) as a temporary index table m_customers(idx, customer_id). */
async function customerIndex(
  db: DuckDbClient,
  partnerId: string,
  customerIds: readonly string[] | null,
): Promise<string[]> {
  // Built in the database (no id list sent back in), then read once.
  const subset = ofCustomers(customerIds);
  await db.run(sql`CREATE OR REPLACE TEMP TABLE m_customers AS
    SELECT (row_number() OVER (ORDER BY customer_id) - 1)::INTEGER AS idx, customer_id
    FROM customers WHERE partner_id = ${partnerId} AND ${subset}`);
  const ids = (
    await db.all<{ customer_id: string }>(sql`SELECT customer_id FROM m_customers ORDER BY idx`)
  ).map((r) => r.customer_id);
  lastBatch.set(db, { partnerId, ids });
  return ids;
}

/** The batch m_customers holds, per client: the write of that batch joins it instead of a new list. */
const lastBatch = new WeakMap<
  DuckDbClient,
  { readonly partnerId: string; readonly ids: readonly string[] }
>();

export async function queryMetricsPlan(db: DuckDbClient, partnerId: string): Promise<MetricsPlan> {
  const dirty = await db.all<{ customer_id: string; from_day: string }>(
    sql`SELECT customer_id, from_day::VARCHAR AS from_day FROM metrics_dirty WHERE partner_id = ${partnerId} ORDER BY customer_id`,
  );
  const state = await db.all<{ first_day: string; last_day: string }>(
    sql`SELECT first_day::VARCHAR AS first_day, last_day::VARCHAR AS last_day FROM metrics_state WHERE partner_id = ${partnerId}`,
  );
  // From the first day of activity to the last day any source speaks of (subscriptions and
  // assignments may be newer than the last usage report).
  const range = await db.one<{ first: string | null; last: string | null }>(
    sql`SELECT min(first_date) FILTER (WHERE entity = 'activity')::VARCHAR AS first,
               greatest(max(last_date) FILTER (WHERE entity = 'activity'),
                        max(last_date) FILTER (WHERE entity IN ('subscriptions', 'license_assignments')))::VARCHAR AS last
        FROM source_coverage WHERE partner_id = ${partnerId}`,
  );
  return {
    dirty: dirty.map((d) => ({ customerId: d.customer_id, fromDay: d.from_day })),
    computed: state[0] === undefined ? null : { firstDay: state[0].first_day, lastDay: state[0].last_day },
    activity:
      range.first === null || range.last === null ? null : { firstDay: range.first, lastDay: range.last },
  };
}

/** A customer being loaded: its products numbered as met, users counted, subscriptions grouped. */
interface LoadingCustomer {
  readonly customerId: string;
  readonly products: Map<string, number>;
  users: number;
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

/** The customer's index for a product id, given in order of first sight (renumbered by id at the end). */
function productOf(c: LoadingCustomer, productId: string): number {
  let p = c.products.get(productId);
  if (p === undefined) {
    p = c.products.size;
    c.products.set(productId, p);
  }
  return p;
}

/** Users grouped by customer: each user key's customer and local index, and where each customer's users start. */
interface UserIndex {
  readonly localOf: Int32Array;
  readonly customerOf: Int32Array;
  readonly uStart: Int32Array;
}

/**
 * Typed arrays in shared memory: the engine's worker thread reads a customer's slices of them
 * without a copy (a message carries views, not the data).
 */
const sharedInt32 = (n: number) => new Int32Array(new SharedArrayBuffer(4 * n));
const sharedUint32 = (n: number) => new Uint32Array(new SharedArrayBuffer(4 * n));
const sharedUint8 = (n: number) => new Uint8Array(new SharedArrayBuffer(n));

/** Rows a loop processes between two checks of the yielder. */
const SLICE_ROWS = 1 << 16;

/**
 * Reads what the engine needs for a batch of customers. Users and products get small per-customer
 * indexes; activity masks are read through typed vectors and grouped by customer with a counting
 * sort, so 10⁸ facts never become JavaScript objects. Phases, in order: customers and products,
 * sizes, users, deletions, subscriptions, assignments, activity, measured sources. Each query
 * starts before the previous result is grouped (the database works on the next read while
 * JavaScript groups the last one; results are held natively until copied), and the grouping
 * yields to the event loop in slices.
 */
export async function loadMetricData(
  db: DuckDbClient,
  partnerId: string,
  customerIds: readonly string[] | null,
  factsFrom: string,
  y: Yield = NEVER_YIELD,
): Promise<CustomerMetricData[]> {
  const ids = await customerIndex(db, partnerId, customerIds);
  const C = ids.length;
  const customers: LoadingCustomer[] = ids.map((customerId) => ({
    customerId,
    products: new Map(),
    users: 0,
    subscriptions: new Map(),
  }));
  // Products of the partner's subscriptions and assignments, as indexes for typed reads.
  const productIds = (
    await db.all<{ product_id: string }>(
      sql`SELECT product_id FROM subscription_snapshots WHERE partner_id = ${partnerId}
          UNION SELECT product_id FROM license_assignments WHERE partner_id = ${partnerId} ORDER BY 1`,
    )
  ).map((r) => r.product_id);
  const mine = customerIds === null ? sql`true` : sql`a.customer_id IN (SELECT customer_id FROM m_customers)`;
  const fromMonth = dayOf(`${factsFrom.slice(0, 7)}-01`);
  const factsWhere = sql`a.partner_id = ${partnerId} AND a.month >= DATE '1970-01-01' + ${fromMonth}::INTEGER AND ${mine}`;
  const maxKey = await reserveReadBuffers(db, partnerId, mine, factsWhere);

  const usersHeld = await db.query(
    sql`SELECT m.idx::INTEGER, u.user_key
        FROM users u JOIN m_customers m ON m.customer_id = u.customer_id WHERE u.partner_id = ${partnerId}`,
  );
  // Deleted users are few: read on their own.
  const gonePending = pending(
    db.query(
      sql`SELECT user_key, deleted_on FROM users WHERE partner_id = ${partnerId} AND deleted_on IS NOT NULL`,
    ),
  );
  const users = await groupUsers(db, usersHeld, customers, maxKey, y);
  // One query at a time on the connection: the deleted users are in before the next starts.
  const goneHeld = await gonePending;
  const subsPending =
    productIds.length > 0
      ? pending(
          db.query(
            sql`SELECT m.idx::INTEGER, (dense_rank() OVER (ORDER BY s.customer_id, s.subscription_id))::INTEGER AS sub,
                 (list_position(${productIds}, s.product_id) - 1)::INTEGER AS p, s.as_of, s.quantity,
                 (list_position(${[...SUBSCRIPTION_STATUSES]}, s.status) - 1)::INTEGER AS status,
                 s.is_trial::INTEGER, (s.channel = 'own')::INTEGER
          FROM subscription_snapshots s JOIN m_customers m ON m.customer_id = s.customer_id
          WHERE s.partner_id = ${partnerId} ORDER BY m.idx, sub, s.as_of`,
          ),
        )
      : null;
  const deleted = await groupDeletions(db, goneHeld, users, y);
  const subsHeld = subsPending === null ? null : await subsPending;
  const assignmentsPending =
    productIds.length > 0
      ? pending(
          db.query(
            sql`SELECT a.user_key, (list_position(${productIds}, a.product_id) - 1)::INTEGER AS p,
                 a.assigned_on, coalesce(a.unassigned_on, DATE '9999-12-31') AS unassigned_on
          FROM license_assignments a WHERE a.partner_id = ${partnerId} AND ${mine}`,
          ),
        )
      : null;
  if (subsHeld !== null) await groupSubscriptions(db, subsHeld, customers, productIds, y);
  // Activity masks: the last and largest read, started before the assignments are grouped.
  const assignmentsHeld = assignmentsPending === null ? null : await assignmentsPending;
  const factsPending = pending(
    db.query(
      sql`SELECT a.user_key, (list_position(${[...WORKLOAD_CODES]}, a.workload) - 1)::UTINYINT AS w, a.month, a.days
        FROM activity a WHERE ${factsWhere}`,
    ),
  );
  const assignments =
    assignmentsHeld === null
      ? emptyAssignments(C)
      : await groupAssignments(db, assignmentsHeld, customers, productIds, users, y);
  const facts = await groupFacts(db, await factsPending, C, users, y);
  const measured = await loadMeasuredSources(db, partnerId, C);
  const out: CustomerMetricData[] = [];
  for (let ci = 0; ci < C; ci++) {
    if ((ci & 255) === 0) await y.slice();
    const c = customers[ci] as LoadingCustomer;
    out.push(
      assembleCustomer(
        c,
        ci,
        users,
        deleted,
        assignments,
        facts,
        measured[ci] ?? { canonical: [], graph: [] },
      ),
    );
  }
  return out;
}

/** Counts the three large reads so their transient buffers are sized once; returns the largest user key. */
async function reserveReadBuffers(
  db: DuckDbClient,
  partnerId: string,
  mine: SqlFragment,
  factsWhere: SqlFragment,
): Promise<number> {
  const { maxKey } = await db.one<{ maxKey: number | null }>(
    sql`SELECT max(user_key) AS maxKey FROM users WHERE partner_id = ${partnerId}`,
  );
  const counts = await db.one<{ u: number; a: number; f: number }>(
    sql`SELECT (SELECT count(*) FROM users WHERE partner_id = ${partnerId})::INTEGER AS u,
               (SELECT count(*) FROM license_assignments a WHERE a.partner_id = ${partnerId} AND ${mine})::INTEGER AS a,
               (SELECT count(*) FROM activity a WHERE ${factsWhere})::INTEGER AS f`,
  );
  const most = Math.max(counts.u, counts.a, counts.f);
  db.reserveTransient([
    4 * most,
    Math.max(4 * counts.u, 4 * counts.a, counts.f),
    4 * Math.max(counts.a, counts.f),
    4 * Math.max(counts.a, counts.f),
  ]);
  return maxKey ?? 0;
}

/** Users: a per-customer index for every user key, and where each customer's users start. */
async function groupUsers(
  db: DuckDbClient,
  held: HeldResult,
  customers: LoadingCustomer[],
  maxKey: number,
  y: Yield,
): Promise<UserIndex> {
  const C = customers.length;
  const localOf = new Int32Array(maxKey + 1).fill(-1);
  const uStart = new Int32Array(C + 1);
  const customerOf = new Int32Array(maxKey + 1).fill(-1);
  const { rows, columns } = await db.copyColumns(held, ['i32', 'i32'], { transient: true, yielder: y });
  const [idx, key] = columns as [Int32Array, Int32Array];
  for (let r = 0; r < rows; r++) {
    if ((r & (SLICE_ROWS - 1)) === 0) await y.slice();
    const c = customers[idx[r] as number];
    if (c === undefined) continue;
    localOf[key[r] as number] = c.users++;
    customerOf[key[r] as number] = idx[r] as number;
  }
  for (let c = 0; c < C; c++) uStart[c + 1] = (uStart[c] as number) + (customers[c]?.users ?? 0);
  return { localOf, customerOf, uStart };
}

/**
 * A customer's deletion days are one typed slice of this array, NEVER standing for "not deleted"
 * (no million boxed values).
 */
async function groupDeletions(
  db: DuckDbClient,
  held: HeldResult,
  u: UserIndex,
  y: Yield,
): Promise<Int32Array> {
  const C = u.uStart.length - 1;
  const deleted = sharedInt32(u.uStart[C] as number).fill(NEVER);
  const gone = await db.copyColumns(held, ['i32', 'i32'], { transient: true, yielder: y });
  const [goneKey, goneOn] = gone.columns as [Int32Array, Int32Array];
  for (let r = 0; r < gone.rows; r++) {
    const k = goneKey[r] as number;
    const ci = u.customerOf[k] as number;
    if (ci < 0) continue;
    deleted[(u.uStart[ci] as number) + (u.localOf[k] as number)] = goneOn[r] as number;
  }
  return deleted;
}

/** Subscriptions' snapshots grouped per customer and subscription (rows come sorted by both). */
async function groupSubscriptions(
  db: DuckDbClient,
  held: HeldResult,
  customers: LoadingCustomer[],
  productIds: readonly string[],
  y: Yield,
): Promise<void> {
  const { rows, columns } = await db.copyColumns(
    held,
    ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32'],
    {
      yielder: y,
    },
  );
  const [idx, sub, prod, asOf, qty, status, trial, own] = columns as Int32Array[];
  for (let r = 0; r < rows; r++) {
    if ((r & (SLICE_ROWS - 1)) === 0) await y.slice();
    const c = customers[idx?.[r] as number];
    if (c === undefined) continue;
    const key = String(sub?.[r]);
    let entry = c.subscriptions.get(key);
    if (entry === undefined) {
      entry = { product: productOf(c, productIds[prod?.[r] as number] as string), snapshots: [] };
      c.subscriptions.set(key, entry);
    }
    entry.snapshots.push({
      asOf: asOf?.[r] as number,
      quantity: qty?.[r] as number,
      status: SUBSCRIPTION_STATUSES[status?.[r] as number] as SubscriptionStatus,
      isTrial: trial?.[r] === 1,
      own: own?.[r] === 1,
    });
  }
}

/** Assignments as columns grouped by customer (`start[c]` … `start[c + 1]`), products numbered per customer. */
interface GroupedAssignments {
  readonly start: Int32Array;
  readonly user: Int32Array;
  readonly product: Int32Array;
  readonly from: Int32Array;
  readonly to: Int32Array;
}

function emptyAssignments(C: number): GroupedAssignments {
  return {
    start: new Int32Array(C + 1),
    user: new Int32Array(0),
    product: new Int32Array(0),
    from: new Int32Array(0),
    to: new Int32Array(0),
  };
}

/** Assignments grouped by customer with a counting sort; each customer's products numbered as met. */
async function groupAssignments(
  db: DuckDbClient,
  held: HeldResult,
  customers: LoadingCustomer[],
  productIds: readonly string[],
  u: UserIndex,
  y: Yield,
): Promise<GroupedAssignments> {
  const C = customers.length;
  const { rows, columns } = await db.copyColumns(held, ['i32', 'i32', 'i32', 'i32'], {
    transient: true,
    yielder: y,
  });
  const [key, prod, from, to] = columns as [Int32Array, Int32Array, Int32Array, Int32Array];
  const start = new Int32Array(C + 1);
  for (let r = 0; r < rows; r++) {
    const c = u.customerOf[key[r] as number] as number;
    if (c >= 0) start[c + 1] = (start[c + 1] as number) + 1;
  }
  for (let c = 0; c < C; c++) start[c + 1] = (start[c + 1] as number) + (start[c] as number);
  const total = start[C] as number;
  const out = {
    start,
    user: sharedInt32(total),
    product: sharedInt32(total),
    from: sharedInt32(total),
    to: sharedInt32(total),
  };
  const at = start.slice(0, C);
  // Customer × product → the customer's product index, cached (a Map lookup per row costs more).
  const P = productIds.length;
  const local = new Int32Array(C * P).fill(-1);
  for (let r = 0; r < rows; r++) {
    if ((r & (SLICE_ROWS - 1)) === 0) await y.slice();
    const k = key[r] as number;
    const ci = u.customerOf[k] as number;
    const c = customers[ci];
    if (c === undefined) continue;
    const i = at[ci] as number;
    at[ci] = i + 1;
    out.user[i] = u.localOf[k] as number;
    const gp = prod[r] as number;
    let lp = local[ci * P + gp] as number;
    if (lp < 0) {
      lp = productOf(c, productIds[gp] as string);
      local[ci * P + gp] = lp;
    }
    out.product[i] = lp;
    out.from[i] = from[r] as number;
    const t = to[r] as number;
    out.to[i] = t >= NEVER ? OPEN : t;
  }
  return out;
}

/** Activity masks grouped by customer (counting sort); a fact's customer comes from its user. */
interface GroupedFacts {
  readonly start: Int32Array;
  readonly user: Int32Array;
  readonly workload: Uint8Array;
  readonly month: Int32Array;
  readonly days: Uint32Array;
}

async function groupFacts(
  db: DuckDbClient,
  held: HeldResult,
  C: number,
  u: UserIndex,
  y: Yield,
): Promise<GroupedFacts> {
  const facts = await db.copyColumns(held, ['i32', 'u8', 'i32', 'u32'], { transient: true, yielder: y });
  const [key, work, month, mask] = facts.columns as [Int32Array, Uint8Array, Int32Array, Uint32Array];
  const total = facts.rows;
  const start = new Int32Array(C + 1);
  for (let r = 0; r < total; r++) {
    if ((r & (SLICE_ROWS - 1)) === 0) await y.slice();
    const c = u.customerOf[key[r] as number] as number;
    if (c >= 0) start[c + 1] = (start[c + 1] as number) + 1;
  }
  for (let c = 0; c < C; c++) start[c + 1] = (start[c + 1] as number) + (start[c] as number);
  const n = start[C] as number;
  const pos = start.slice(0, C);
  const out = {
    start,
    user: sharedInt32(n),
    workload: sharedUint8(n),
    month: sharedInt32(n),
    days: sharedUint32(n),
  };
  for (let r = 0; r < total; r++) {
    if ((r & (SLICE_ROWS - 1)) === 0) await y.slice();
    const k = key[r] as number;
    const c = u.customerOf[k] as number;
    if (c < 0) continue;
    const at = pos[c] as number;
    pos[c] = at + 1;
    out.user[at] = u.localOf[k] as number;
    out.workload[at] = work[r] as number;
    out.month[at] = month[r] as number;
    out.days[at] = mask[r] as number;
  }
  return out;
}

/** One customer's engine input: its products renumbered by id, slices of the grouped columns. */
function assembleCustomer(
  c: LoadingCustomer,
  ci: number,
  u: UserIndex,
  deleted: Int32Array,
  a: GroupedAssignments,
  f: GroupedFacts,
  measured: MeasuredSources,
): CustomerMetricData {
  const order = [...c.products.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  const remap = new Int32Array(order.length);
  order.forEach(([, old], i) => {
    remap[old] = i;
  });
  const s0 = a.start[ci] as number;
  const s1 = a.start[ci + 1] as number;
  const product = a.product.subarray(s0, s1);
  for (let i = 0; i < product.length; i++) product[i] = remap[product[i] as number] as number;
  const f0 = f.start[ci] as number;
  const f1 = f.start[ci + 1] as number;
  return {
    customerId: c.customerId,
    productIds: order.map(([id]) => id),
    users: c.users,
    subscriptions: [...c.subscriptions.values()].map((s) => ({
      product: remap[s.product] as number,
      snapshots: s.snapshots,
    })),
    deletedOn: deleted.subarray(u.uStart[ci] as number, u.uStart[ci + 1] as number),
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
    measured,
  };
}

/**
 * The activity sources of the batch's customers (m_customers): which workloads are measured on
 * which days (SPEC §2.3). One row per customer × workload × source × day, read as typed columns.
 */
async function loadMeasuredSources(
  db: DuckDbClient,
  partnerId: string,
  C: number,
): Promise<MeasuredSources[]> {
  const { rows, columns } = await db.readColumns(
    sql`SELECT m.idx::INTEGER, (list_position(${[...WORKLOAD_CODES]}, s.workload) - 1)::INTEGER AS w,
               (s.source = 'graph')::INTEGER AS graph, (s.from_day - DATE '1970-01-01')::INTEGER AS d,
               coalesce(s.period_days, 0)::INTEGER AS period
        FROM measured_sources s JOIN m_customers m ON m.customer_id = s.customer_id
        WHERE s.partner_id = ${partnerId} AND s.workload IN (SELECT unnest(${[...WORKLOAD_CODES]}))
        ORDER BY 1, 3, 4`,
    ['i32', 'i32', 'i32', 'i32', 'i32'],
  );
  const [idx, w, graph, d, period] = columns as [Int32Array, Int32Array, Int32Array, Int32Array, Int32Array];
  const out = Array.from({ length: C }, () => ({
    canonical: [] as { workload: WorkloadCode; from: number }[],
    graph: [] as { day: number; periodDays: number }[],
    graphDays: new Set<number>(),
  }));
  for (let r = 0; r < rows; r++) {
    const m = out[idx[r] as number];
    if (m === undefined) continue;
    if (graph[r] === 1) {
      // A report measures all its workloads on its day: one entry per day is enough.
      const day = d[r] as number;
      if (!m.graphDays.has(day)) {
        m.graphDays.add(day);
        m.graph.push({ day, periodDays: period[r] as number });
      }
    } else
      m.canonical.push({ workload: WORKLOAD_CODES[w[r] as number] as WorkloadCode, from: d[r] as number });
  }
  return out.map((m) => ({ canonical: m.canonical, graph: m.graph }));
}

/** Day number of 9999-12-31, the stand-in for "never" in typed reads. */
const NEVER = Date.UTC(9999, 11, 31) / 86_400_000;

/**
 * Replaces the metrics of the written customers from `fromDay` on (in the caller's unit of work): runs that
 * reach into the recomputed days are cut at `fromDay − 1`, later ones deleted, new runs appended.
 * A new run that starts at `fromDay` with the same values as the run ending the day before
 * extends that run instead: a daily update adds a row only where a value changed, so the table
 * stays as compact as after a full recompute.
 *
 * The stored runs concerned (those reaching `fromDay − 1` or later) are found in one scan and
 * handled by rowid; keys are compared as small integers, names are joined only to insert.
 */
export async function writeDailyMetrics(
  db: DuckDbClient,
  partnerId: string,
  write: DailyMetricsWrite,
  y?: Yield,
): Promise<void> {
  const { customerIds, productIds } = write;
  const n = write.runs.count;
  await db.exec(
    `CREATE OR REPLACE TEMP TABLE m_runs (${RUN_COLUMNS.map((c) => `${c} ${c === 'w' ? 'UTINYINT' : c.endsWith('_day') ? 'DATE' : 'INTEGER'}`).join(', ')})`,
  );
  for (const chunk of write.runs.chunks) {
    await db.appendTyped(
      'm_runs',
      'main',
      'temp',
      RUN_COLUMNS.map((c) => (c === 'w' ? UTINYINT : c.endsWith('_day') ? DATE : INTEGER)),
      chunk.columns,
      chunk.count,
      y,
    );
  }

  const from = sql`(DATE '1970-01-01' + ${write.fromDay}::INTEGER)`;
  const workloads = ['ALL', ...WORKLOAD_CODES];
  // The names behind the indexes of the runs.
  // The customers of the batch just loaded are in m_customers already (10⁴ ids not sent again).
  const last = lastBatch.get(db);
  const sameBatch =
    last !== undefined &&
    last.partnerId === partnerId &&
    last.ids.length === customerIds.length &&
    last.ids.every((id, i) => id === customerIds[i]);
  if (!sameBatch)
    await db.run(
      sql`CREATE OR REPLACE TEMP TABLE m_written AS SELECT * FROM ${indexed(customerIds, 'customer_id', 'c')}`,
    );
  const written = sameBatch ? sql`(SELECT customer_id, idx AS c FROM m_customers)` : sql`m_written`;
  await db.run(
    sql`CREATE OR REPLACE TEMP TABLE m_products AS SELECT * FROM ${indexed(productIds, 'product_id', 'p')}`,
  );
  await db.run(
    sql`CREATE OR REPLACE TEMP TABLE m_workloads AS SELECT * FROM ${indexed(workloads, 'workload', 'w')}`,
  );
  const named = sql`SELECT ${partnerId}, cl.customer_id, pl.product_id, wl.workload, r.first_day, r.last_day, r.sold, r.sold_own,
           r.assigned, r.active, r.rotation, r.unlicensed, r.trial_capacity, r.noncounted_capacity, r.usage_state
    FROM m_runs r JOIN ${written} cl ON cl.c = r.c JOIN m_products pl ON pl.p = r.p JOIN m_workloads wl ON wl.w = r.w`;
  // In the caller's unit of work (the compute's write transaction).
  try {
    if (write.replaceAll) {
      // Nothing stored to cut or extend: straight in.
      await db.run(sql`DELETE FROM metric_runs WHERE partner_id = ${partnerId}`);
      // Stored in order of last day: the runs a daily update reads (those reaching its first
      // day) are then the last row groups, and the others are skipped on their min/max.
      if (n > 0) await db.run(sql`INSERT INTO metric_runs ${named} ORDER BY r.last_day`);
    } else if (customerIds.length > 0) {
      // Stored runs of the written customers that reach fromDay − 1 or later, keys as indexes.
      await db.run(sql`CREATE OR REPLACE TEMP TABLE m_prev AS
        SELECT o.rowid AS rid, cl.c, pl.p, wl.w::UTINYINT AS w, o.first_day, o.last_day, o.sold, o.sold_own, o.assigned, o.active,
               o.rotation, o.unlicensed, o.trial_capacity, o.noncounted_capacity, o.usage_state
        FROM (SELECT rowid, * FROM metric_runs o WHERE o.partner_id = ${partnerId} AND o.last_day >= ${from} - 1) o
        JOIN ${written} cl ON cl.customer_id = o.customer_id
        LEFT JOIN m_products pl ON pl.product_id = o.product_id
        JOIN m_workloads wl ON wl.workload = o.workload`);
      // The run through fromDay − 1 extends into its equal successor starting at fromDay, or ends
      // at fromDay − 1; runs starting at fromDay or later go.
      await db.run(sql`CREATE OR REPLACE TEMP TABLE m_cut AS
        SELECT p.rid, p.last_day AS stored_last, n.c IS NOT NULL AS merged, p.c, p.p, p.w,
               coalesce(n.last_day, ${from} - 1) AS last_day
        FROM (SELECT * FROM m_prev WHERE first_day < ${from}) p
        LEFT JOIN (SELECT * FROM m_runs WHERE first_day = ${from}) n
          ON n.c = p.c AND n.p = p.p AND n.w = p.w AND n.sold = p.sold AND n.sold_own = p.sold_own
          AND n.assigned = p.assigned AND n.active = p.active AND n.rotation = p.rotation
          AND n.unlicensed = p.unlicensed AND n.trial_capacity = p.trial_capacity
          AND n.noncounted_capacity = p.noncounted_capacity AND n.usage_state = p.usage_state`);
      await db.run(sql`UPDATE metric_runs SET last_day = u.last_day
        FROM (SELECT rid, last_day FROM m_cut WHERE last_day <> stored_last) u WHERE metric_runs.rowid = u.rid`);
      await db.run(
        sql`DELETE FROM metric_runs WHERE rowid IN (SELECT rid FROM m_prev WHERE first_day >= ${from})`,
      );
      if (n > 0) {
        await db.run(sql`INSERT INTO metric_runs ${named}
          WHERE NOT EXISTS (SELECT 1 FROM m_cut m WHERE m.merged AND m.c = r.c AND m.p = r.p AND m.w = r.w
                            AND r.first_day = ${from})`);
      }
    } else if (n > 0) await db.run(sql`INSERT INTO metric_runs ${named}`);
    // The customers' sums, from the same runs, by the same rules, in the same unit of work.
    await writeCustomerSums(
      db,
      partnerId,
      {
        replaceAll: write.replaceAll,
        fromDay: write.fromDay,
        customers: customerIds.length,
        sums: write.sums,
      },
      written,
      y,
    );
    if (customerIds.length > 0) {
      await db.run(
        write.allCustomers
          ? sql`DELETE FROM metrics_dirty WHERE partner_id = ${partnerId}`
          : sql`DELETE FROM metrics_dirty WHERE partner_id = ${partnerId} AND customer_id IN (SELECT customer_id FROM ${written})`,
      );
    }
    await db.run(sql`INSERT INTO metrics_state (partner_id, first_day, last_day, computed_at)
      VALUES (${partnerId}, DATE '1970-01-01' + ${write.firstDay}::INTEGER, DATE '1970-01-01' + ${write.lastDay}::INTEGER, now()::TIMESTAMP)
      ON CONFLICT (partner_id) DO UPDATE SET first_day = excluded.first_day, last_day = excluded.last_day, computed_at = excluded.computed_at`);
  } finally {
    for (const t of ['m_runs', 'm_written', 'm_products', 'm_workloads', 'm_prev', 'm_cut'])
      await db.exec(`DROP TABLE IF EXISTS ${t}`);
  }
}

/** A day's stored runs of a partner (all customers, or the listed ones). */
function ofDay(partnerId: string, day: string, customerIds?: readonly string[]): SqlFragment {
  const filter = ofCustomers(customerIds);
  return sql`partner_id = ${partnerId} AND first_day <= ${day}::DATE AND last_day >= ${day}::DATE AND ${filter}`;
}

/** The distinct values of a key column among some runs, sorted (a dictionary for typed reads). */
async function dictionary(
  db: DuckDbClient,
  column: 'customer_id' | 'product_id',
  where: SqlFragment,
): Promise<string[]> {
  return (
    await db.all<{ v: string }>(
      sql`SELECT DISTINCT ${ident(column)} AS v FROM metric_runs WHERE ${where} ORDER BY 1`,
    )
  ).map((r) => r.v);
}

/** Workload index 0 is ALL, then the codes in their order: the order of a customer's product's rows. */
const ROW_WORKLOADS = ['ALL', ...WORKLOAD_CODES] as const;

/**
 * The rows of a day among `where`, for the customers and products of two sorted dictionaries (rows
 * of other customers are left out), sorted by customer, product, workload. Read as typed columns:
 * the rows carry dictionary indexes (10⁵ rows × 11 values through the generic row conversion cost
 * 3× the query itself).
 */
async function readDayRows(
  db: DuckDbClient,
  day: string,
  where: SqlFragment,
  customers: readonly string[],
  products: readonly string[],
): Promise<ProductDayMetrics[]> {
  const { rows, columns } = await db.readColumns(
    sql`WITH cl AS ${indexed(customers, 'customer_id', 'ci')}, pl AS ${indexed(products, 'product_id', 'pi')}
        SELECT cl.ci, pl.pi, (list_position(${[...ROW_WORKLOADS]}, m.workload) - 1)::INTEGER AS wi,
               m.sold, m.sold_own, m.assigned, m.active, m.rotation, m.unlicensed, m.trial_capacity, m.noncounted_capacity,
               m.usage_state::INTEGER
        FROM (SELECT * FROM metric_runs WHERE ${where}) m
        JOIN cl ON cl.customer_id = m.customer_id JOIN pl ON pl.product_id = m.product_id
        ORDER BY cl.ci, pl.pi, wi`,
    ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32'],
  );
  const [ci, pi, wi, sold, soldOwn, assigned, active, rotation, unlicensed, trial, noncounted, usage] =
    columns as Int32Array[];
  const at = (col: Int32Array | undefined, r: number) => (col?.[r] ?? 0) as number;
  const out: ProductDayMetrics[] = new Array(rows);
  for (let r = 0; r < rows; r++) {
    out[r] = metricsRowOf({
      customerId: customers[at(ci, r)] as string,
      productId: products[at(pi, r)] as string,
      workload: ROW_WORKLOADS[at(wi, r)] as WorkloadCode | 'ALL',
      day,
      sold: at(sold, r),
      soldOwn: at(soldOwn, r),
      assigned: at(assigned, r),
      active: at(active, r),
      rotation: at(rotation, r),
      unlicensed: at(unlicensed, r),
      trial: at(trial, r),
      noncounted: at(noncounted, r),
      usage: at(usage, r),
    });
  }
  return out;
}

/**
 * The metrics rows of every day from `from` to `to` for a few customers (a customer's trend): the
 * runs overlapping the range are read once and each is spread over its days in the range. Rows of
 * a day come in `queryDailyMetrics`'s order (customer, product, workload ALL first, then the
 * codes' order): the runs are read in that order and a row has one run per day.
 */
export async function queryDailyMetricsRange(
  db: DuckDbClient,
  partnerId: string,
  from: string,
  to: string,
  customerIds: readonly string[],
): Promise<ProductDayMetrics[]> {
  if (customerIds.length === 0 || from > to) return [];
  const workloads = ['ALL', ...WORKLOAD_CODES] as const;
  const runs = await db.all<{
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
  }>(sql`SELECT customer_id, product_id, workload,
                greatest(first_day, ${from}::DATE)::VARCHAR AS first_day,
                least(last_day, ${to}::DATE)::VARCHAR AS last_day,
                sold, sold_own, assigned, active, rotation, unlicensed, trial_capacity, noncounted_capacity,
                usage_state::INTEGER AS usage_state
         FROM metric_runs
         WHERE partner_id = ${partnerId} AND ${ofCustomers(customerIds)}
           AND first_day <= ${to}::DATE AND last_day >= ${from}::DATE
         ORDER BY customer_id, product_id, list_position(${[...workloads]}, workload)`);
  const first = dayOf(from);
  const byDay: ProductDayMetrics[][] = Array.from({ length: dayOf(to) - first + 1 }, () => []);
  for (const r of runs) {
    for (let d = dayOf(r.first_day); d <= dayOf(r.last_day); d++) {
      byDay[d - first]?.push(
        metricsRowOf({
          customerId: r.customer_id,
          productId: r.product_id,
          workload: r.workload,
          day: formatDay(d),
          sold: r.sold,
          soldOwn: r.sold_own,
          assigned: r.assigned,
          active: r.active,
          rotation: r.rotation,
          unlicensed: r.unlicensed,
          trial: r.trial_capacity,
          noncounted: r.noncounted_capacity,
          usage: r.usage_state,
        }),
      );
    }
  }
  return byDay.flat();
}

/** The metrics rows of a day (all customers, or the listed ones), sorted by customer, product, workload. */
export async function queryDailyMetrics(
  db: DuckDbClient,
  partnerId: string,
  day: string,
  customerIds?: readonly string[],
): Promise<ProductDayMetrics[]> {
  const where = ofDay(partnerId, day, customerIds);
  const customers = await dictionary(db, 'customer_id', where);
  if (customers.length === 0) return [];
  return readDayRows(db, day, where, customers, await dictionary(db, 'product_id', where));
}

/**
 * The metrics rows of a day in chunks of at most `chunkRows`, in queryDailyMetrics' order, with
 * only one page in memory: keyset pages of whole customers. One scan counts each customer's rows;
 * then each page of customers holding about `chunkRows` rows is read on its own (a range of
 * customer ids the scan can skip by, joined with the page's ids). Each page is a complete query,
 * so the caller may run other reads of its unit between chunks; all pages read the unit's one
 * snapshot.
 */
export async function* queryDailyMetricsChunks(
  db: DuckDbClient,
  partnerId: string,
  day: string,
  customerIds: readonly string[] | undefined,
  chunkRows: number,
): AsyncGenerator<ProductDayMetrics[], void, undefined> {
  const size = Math.max(1, Math.floor(chunkRows));
  const where = ofDay(partnerId, day, customerIds);
  const counts = await db.all<{ customer_id: string; n: number }>(
    sql`SELECT customer_id, count(*)::INTEGER AS n FROM metric_runs WHERE ${where} GROUP BY customer_id ORDER BY customer_id`,
  );
  if (counts.length === 0) return;
  const products = await dictionary(db, 'product_id', where);
  // Without a list of customers the page is a plain range: no 10⁴-id list to test each run against.
  const base = ofDay(partnerId, day);
  const pages: string[][] = [];
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
    pages.push(page);
  }
  const read = (page: readonly string[]) =>
    pending(
      readDayRows(
        db,
        day,
        sql`${base} AND customer_id >= ${page[0] as string} AND customer_id <= ${page[page.length - 1] as string}`,
        page,
        products,
      ),
    );
  // The next page is read while the caller works on this one (the database's threads and the
  // caller's overlap): two pages in memory at most.
  let next = pages[0] === undefined ? null : read(pages[0]);
  try {
    for (let p = 0; next !== null; p++) {
      const rows = await next;
      const following = pages[p + 1];
      next = following === undefined ? null : read(following);
      // One customer with more rows than a chunk is cut into chunks of its own.
      for (let at = 0; at < rows.length; at += size)
        yield rows.length <= size ? rows : rows.slice(at, at + size);
    }
  } finally {
    // A caller that stops early: the read under way ends before the unit does.
    if (next !== null) await next.catch(() => undefined);
  }
}
