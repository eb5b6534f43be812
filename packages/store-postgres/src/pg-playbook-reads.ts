/**
 * What the recommendation playbook reads besides the daily metrics, on PostgreSQL: support
 * requests and active users over rolling 28-day windows, subscriptions as of a day, and licensed
 * users inactive for N days (SPEC §2.3). Answers equal the embedded store's
 * (store/duckdb/playbook-queries.ts, inactive-users.ts): same values, same order (ids bytewise).
 */
import { WORKLOAD_CODES, type WorkloadCode } from '@license-insights/contracts';
import { ident, join, type SqlFragment, sql } from '@license-insights/core/sql';
import type {
  ActiveUserCount,
  InactiveScope,
  InactiveUser,
  SubscriptionState,
  SupportCount,
} from '@license-insights/core/store';
import type { PgClient } from './pg-client';
import { ofCustomers } from './pg-metric-reads';

/** Ids sorted bytewise, as the embedded store sorts them. */
const C = sql`COLLATE "C"`;

const CODES = sql`${[...WORKLOAD_CODES]}::text[]`;

const asWorkload = (w: string | null): WorkloadCode | null =>
  w !== null && (WORKLOAD_CODES as readonly string[]).includes(w) ? (w as WorkloadCode) : null;

/** The first day of the month of a date, as a date (date_trunc alone gives a timestamp). */
const monthOf = (d: SqlFragment) => sql`date_trunc('month', (${d})::timestamp)::date`;

/** Every day from `from` to `to` (none when `from` is after `to`) as the table days(day). */
const days = (from: string, to: string) =>
  sql`days AS (SELECT ${from}::date + i AS day FROM generate_series(0, ${to}::date - ${from}::date) AS i)`;

/**
 * Requests opened in D−27 … D for every day D of a range, per customer and per scope: the whole
 * customer, each product named, each workload named, each product × workload named. A request that
 * names no product counts only in the scopes that do not ask for one.
 */
export async function querySupportCounts(
  db: PgClient,
  partnerId: string,
  from: string,
  to: string,
  customerIds?: readonly string[],
): Promise<SupportCount[]> {
  const rows = await db.all<{
    customer_id: string;
    day: string;
    product_id: string | null;
    workload: string | null;
    how_to: number;
    problem: number;
    other: number;
  }>(sql`WITH ${days(from, to)},
      r AS (
        SELECT s.customer_id, d.day, s.product_id, s.workload, s.category
        FROM support_requests s JOIN days d ON s.opened_on BETWEEN d.day - 27 AND d.day
        WHERE s.partner_id = ${partnerId} AND s.opened_on BETWEEN ${from}::date - 27 AND ${to}::date
          AND ${ofCustomers(customerIds)})
      SELECT customer_id, day::text AS day, product_id, workload,
             (count(*) FILTER (WHERE category = 'how_to'))::integer AS how_to,
             (count(*) FILTER (WHERE category = 'problem'))::integer AS problem,
             (count(*) FILTER (WHERE category = 'other'))::integer AS other
      FROM r
      GROUP BY GROUPING SETS ((customer_id, day), (customer_id, day, product_id),
                              (customer_id, day, workload), (customer_id, day, product_id, workload))
      HAVING (GROUPING(product_id) = 1 OR product_id IS NOT NULL)
         AND (GROUPING(workload) = 1 OR workload IS NOT NULL)
      ORDER BY customer_id ${C}, r.day, product_id ${C} NULLS FIRST, workload ${C} NULLS FIRST`);
  return rows.map((r) => ({
    customerId: r.customer_id,
    day: r.day,
    productId: r.product_id,
    workload: asWorkload(r.workload),
    howTo: r.how_to,
    problem: r.problem,
    other: r.other,
  }));
}

/** Days `lo` … `hi` of a month (1-based, `lo` ≤ `hi` ≤ 31) as a day mask. */
const daysMask = (lo: SqlFragment, hi: SqlFragment) =>
  sql`(((1::bigint << (${hi})) - 1) - ((1::bigint << ((${lo}) - 1)) - 1))`;

const dayOfMonth = (d: SqlFragment) => sql`extract(day FROM ${d})::integer`;

/** Masks of a user's month: any workload (`any`), then each workload code (`0` … `6`). */
const MASKS = ['any', ...WORKLOAD_CODES.map((_, i) => String(i))];

/**
 * Users with activity in D−27 … D for every day D of a range, per customer: in any workload
 * (workload null) and per workload. Licenses play no part: these are the customer's active people.
 *
 * The same answer as the embedded store's (each stored month mask cut to the part of the window
 * inside its month), computed without joining every stored month with every day of the range: the
 * window of D lies in D's month and (when D−27 is in the month before) the month before, so each
 * user's masks are gathered per month T — T's own and those of T − 1 month, per workload and for
 * any workload — and each user × month is tested once against each day of T with two window masks.
 */
export async function queryActiveUserCounts(
  db: PgClient,
  partnerId: string,
  from: string,
  to: string,
  customerIds?: readonly string[],
): Promise<ActiveUserCount[]> {
  const masks = (role: 'cur' | 'prev') =>
    join(
      MASKS.map((m, i) => {
        const of = role === 'cur' ? sql`r.cur` : sql`NOT r.cur`;
        const which = i === 0 ? sql`true` : sql`a.workload = ${WORKLOAD_CODES[i - 1] as string}`;
        return sql`coalesce(bit_or(a.days::bigint) FILTER (WHERE ${of} AND ${which}), 0) AS ${ident(`${role}_${m}`)}`;
      }),
    );
  // Active in mask m on the day: the window's part in T or in the month before meets a stored day.
  const active = (m: string) =>
    sql`((u.${ident(`cur_${m}`)} & w.cur) <> 0 OR (u.${ident(`prev_${m}`)} & w.prev) <> 0)`;
  const perWorkload = WORKLOAD_CODES.map(
    (_, i) => sql`, (count(*) FILTER (WHERE ${active(String(i))}))::integer AS ${ident(`w${i}`)}`,
  );
  const rows = await db.all<Record<string, number | string>>(
    sql`WITH ${days(from, to)},
      w AS MATERIALIZED (
        SELECT day, ${monthOf(sql`day`)} AS month,
               ${daysMask(sql`CASE WHEN ${monthOf(sql`day - 27`)} = ${monthOf(sql`day`)} THEN ${dayOfMonth(sql`day - 27`)} ELSE 1 END`, dayOfMonth(sql`day`))} AS cur,
               CASE WHEN ${monthOf(sql`day - 27`)} < ${monthOf(sql`day`)}
                 THEN ${daysMask(dayOfMonth(sql`day - 27`), dayOfMonth(sql`${monthOf(sql`day`)} - 1`))} ELSE 0 END AS prev
        FROM days),
      u AS (
        SELECT a.customer_id, a.user_key, r.month, ${masks('cur')}, ${masks('prev')}
        FROM activity a
        CROSS JOIN LATERAL (VALUES (a.month, true), ((a.month + interval '1 month')::date, false)) AS r(month, cur)
        WHERE a.partner_id = ${partnerId}
          AND a.month BETWEEN ${monthOf(sql`${from}::date - 27`)} AND ${to}::date
          AND ${ofCustomers(customerIds)}
        GROUP BY a.customer_id, a.user_key, r.month)
      SELECT u.customer_id, w.day::text AS day, (count(*) FILTER (WHERE ${active('any')}))::integer AS users
             ${join(perWorkload, '')}
      FROM u JOIN w ON w.month = u.month
      GROUP BY u.customer_id, w.day
      HAVING count(*) FILTER (WHERE ${active('any')}) > 0
      ORDER BY u.customer_id ${C}, w.day`,
  );
  return rows.flatMap((r) => {
    const base = { customerId: String(r.customer_id), day: String(r.day) };
    return [
      { ...base, workload: null, users: Number(r.users) },
      ...WORKLOAD_CODES.map((w, i) => ({ ...base, workload: w, users: Number(r[`w${i}`]) })).filter(
        (x) => x.users > 0,
      ),
    ];
  });
}

/** Every subscription's state on a day: its latest snapshot dated on or before the day (SPEC §2). */
export async function querySubscriptionsOn(
  db: PgClient,
  partnerId: string,
  day: string,
  customerIds?: readonly string[],
): Promise<SubscriptionState[]> {
  const rows = await db.all<{
    customer_id: string;
    subscription_id: string;
    product_id: string;
    quantity: number;
    status: SubscriptionState['status'];
    is_trial: boolean;
    channel: SubscriptionState['channel'];
    billing_cycle: SubscriptionState['billingCycle'];
    term_end: string | null;
    auto_renew: boolean | null;
  }>(sql`SELECT customer_id, subscription_id, product_id, quantity, status, is_trial, channel,
                billing_cycle, term_end::text AS term_end, auto_renew
         FROM (SELECT s.*, row_number() OVER (PARTITION BY customer_id, subscription_id ORDER BY as_of DESC) AS latest
               FROM subscription_snapshots s
               WHERE partner_id = ${partnerId} AND as_of <= ${day}::date AND ${ofCustomers(customerIds)}) x
         WHERE latest = 1
         ORDER BY customer_id ${C}, subscription_id ${C}`);
  return rows.map((r) => ({
    customerId: r.customer_id,
    subscriptionId: r.subscription_id,
    productId: r.product_id,
    quantity: r.quantity,
    status: r.status,
    isTrial: r.is_trial,
    channel: r.channel,
    billingCycle: r.billing_cycle,
    termEnd: r.term_end,
    autoRenew: r.auto_renew,
  }));
}

/**
 * The scopes as the table ia_scope(customer_id, product_id, workload), one row per customer,
 * product and counted workload, from three bound arrays (one element per scope × workload); null
 * when no scope counts any workload. A name that is not a workload code is null there (it matches
 * no activity), as in the embedded store.
 */
function scopeTable(scopes: readonly InactiveScope[]): SqlFragment | null {
  const c: string[] = [];
  const p: string[] = [];
  const w: string[] = [];
  for (const s of scopes)
    for (const workload of s.workloads) {
      c.push(s.customerId);
      p.push(s.productId);
      w.push(workload);
    }
  if (c.length === 0) return null;
  return sql`ia_scope AS MATERIALIZED (
      SELECT DISTINCT customer_id, product_id, coalesce(CASE WHEN workload = ANY(${CODES}) THEN workload END, '') AS workload
      FROM unnest(${c}::text[], ${p}::text[], ${w}::text[]) AS s(customer_id, product_id, workload))`;
}

/**
 * The workloads a scope may count as rows (bound values): the codes, and '' for a name that is
 * not one (activity has none of it).
 */
const SCOPE_WORKLOADS = sql`(VALUES ${join(['', ...WORKLOAD_CODES].map((w) => sql`(${w}::text)`))}) AS w(workload)`;

/** The highest set bit (0-based) of a non-zero mask of at most 32 bits. */
const highBit = (mask: SqlFragment) => sql`(32 - position('1' IN (${mask})::bit(32)::text))`;

/**
 * Inactive holders per scope: user, product, last day of activity (on or before D) overall and per
 * counted workload (`perWorkload`, as two arrays ordered by workload). `fullHistory`: last activity
 * over all history (for the lists); otherwise only the months of the N days are read (for counts,
 * enough to tell inactive from active).
 *
 * The holders (assignments on D of a scope's products and their users, each user looked up by its
 * key: OFFSET 0, never joined on a guess of the planner, poor on multi-column keys and absent on a
 * freshly copied store), then per workload the scope counts, their activity as an outer join on
 * the activity key, grouped per holder and workload.
 *
 * Citus: every join is on partner and customer, and the scopes (a table of the query's own rows)
 * only filter the holders (IN), so the whole query runs on the shards. Driven from the scopes' rows
 * instead (a join, or a lateral subquery per holder and workload), Citus would bring the holders
 * and the partner's activity to the coordinator (a recurring relation on the outer side of a join)
 * or refuse the lateral join beside the scopes' unnest.
 */
function inactiveHolders(
  scope: SqlFragment,
  partnerId: string,
  day: string,
  minDays: number,
  fullHistory: boolean,
): SqlFragment {
  const d = sql`${day}::date`;
  // A whole number of days (a fraction rounded half away from zero, as DuckDB casts it).
  const n = sql`${minDays}::numeric::integer`;
  const below = sql`((1::bigint << extract(day FROM ${d})::integer) - 1)`;
  const since = fullHistory ? sql`true` : sql`t.month >= ${monthOf(sql`${d} - (${n} - 1)`)}`;
  const perWorkload = fullHistory
    ? sql`, array_agg(workload ORDER BY workload ${C}) FILTER (WHERE last_day IS NOT NULL) AS workloads,
          array_agg(last_day::text ORDER BY workload ${C}) FILTER (WHERE last_day IS NOT NULL) AS lasts`
    : sql``;
  return sql`WITH ${scope},
      holders AS (
        SELECT DISTINCT a.customer_id, a.product_id, u.user_key, u.user_id, u.upn, u.display_name
        FROM license_assignments a
        -- The assignment's user by its key (OFFSET 0: looked up per assignment, never joined on a guess).
        CROSS JOIN LATERAL (
          SELECT u.user_key, u.user_id, u.upn, u.display_name
          FROM users u
          WHERE u.partner_id = ${partnerId} AND u.customer_id = a.customer_id AND u.user_id = a.user_id
            AND (u.deleted_on IS NULL OR u.deleted_on > ${d})
          OFFSET 0) u
        WHERE a.partner_id = ${partnerId} AND a.assigned_on <= ${d} AND (a.unassigned_on IS NULL OR ${d} < a.unassigned_on)
          AND (a.customer_id, a.product_id) IN (SELECT customer_id, product_id FROM ia_scope)),
      held AS (
        -- The holder's activity masks in each counted workload up to D (the month of D cut at D),
        -- as its last active day.
        SELECT h.customer_id, h.product_id, h.user_id, h.upn, h.display_name, w.workload,
               max(t.month + CASE WHEN t.month = ${monthOf(d)}
                   THEN CASE WHEN (t.days::bigint & ${below}) <> 0 THEN ${highBit(sql`t.days::bigint & ${below}`)} END
                   ELSE ${highBit(sql`t.days`)} END) AS last_day
        FROM holders h
        CROSS JOIN ${SCOPE_WORKLOADS}
        LEFT JOIN activity t
          ON t.partner_id = ${partnerId} AND t.customer_id = h.customer_id AND t.user_key = h.user_key
            AND t.workload = w.workload AND t.month <= ${d} AND ${since}
            AND (t.month < ${monthOf(d)} OR (t.days::bigint & ${below}) <> 0)
        WHERE (h.customer_id, h.product_id, w.workload) IN (SELECT customer_id, product_id, workload FROM ia_scope)
        GROUP BY h.customer_id, h.product_id, h.user_id, h.upn, h.display_name, w.workload)
      SELECT customer_id, product_id, user_id, upn, display_name, max(last_day) AS last_day ${perWorkload}
      FROM held
      GROUP BY customer_id, product_id, user_id, upn, display_name
      HAVING max(last_day) IS NULL OR max(last_day) <= ${d} - ${n}`;
}

export async function queryInactiveLicensedUsers(
  db: PgClient,
  partnerId: string,
  day: string,
  scopes: readonly InactiveScope[],
  minDays: number,
): Promise<InactiveUser[]> {
  const scope = scopeTable(scopes);
  if (scope === null) return [];
  const rows = await db.all<{
    customer_id: string;
    product_id: string;
    user_id: string;
    upn: string | null;
    display_name: string | null;
    last_active: string | null;
    days_inactive: number | null;
    workloads: string[] | null;
    lasts: string[] | null;
  }>(sql`SELECT customer_id, product_id, user_id, upn, display_name, last_day::text AS last_active,
                ${day}::date - last_day AS days_inactive, workloads, lasts
         FROM (${inactiveHolders(scope, partnerId, day, minDays, true)}) x
         ORDER BY customer_id ${C}, product_id ${C}, last_day NULLS FIRST, user_id ${C}`);
  return rows.map((r) => ({
    customerId: r.customer_id,
    productId: r.product_id,
    userId: r.user_id,
    upn: r.upn,
    displayName: r.display_name,
    lastActive: r.last_active,
    daysInactive: r.days_inactive,
    lastActiveByWorkload: Object.fromEntries(
      (r.workloads ?? []).map((w, i) => [w as WorkloadCode, (r.lasts ?? [])[i] as string]),
    ),
  }));
}

export async function queryInactiveLicensedCounts(
  db: PgClient,
  partnerId: string,
  day: string,
  scopes: readonly InactiveScope[],
  minDays: number,
): Promise<{ customerId: string; productId: string; users: number }[]> {
  const scope = scopeTable(scopes);
  if (scope === null) return [];
  const rows = await db.all<{ customer_id: string; product_id: string; users: number }>(
    sql`SELECT customer_id, product_id, count(*)::integer AS users
        FROM (${inactiveHolders(scope, partnerId, day, minDays, false)}) x
        GROUP BY customer_id, product_id ORDER BY customer_id ${C}, product_id ${C}`,
  );
  return rows.map((r) => ({ customerId: r.customer_id, productId: r.product_id, users: r.users }));
}
