/**
 * What the recommendation playbook reads besides the daily metrics: support requests and active
 * users over rolling 28-day windows, subscriptions as of a day; and what it keeps: the partner's
 * settings and exclusions, every change audited in the same transaction.
 */
import {
  type Exclusion,
  type ExclusionInput,
  type RecommendationSettings,
  WORKLOAD_CODES,
  type WorkloadCode,
} from '@license-insights/contracts';
import { ident, join, sql } from '../sql';
import type { ActiveUserCount, StoredSettings, SubscriptionState, SupportCount } from '../store';
import { insertAudit } from './audit-log';
import { ofCustomers } from './customer-filter';
import type { DuckDbClient } from './duckdb-client';

const asWorkload = (w: string | null): WorkloadCode | null =>
  w !== null && (WORKLOAD_CODES as readonly string[]).includes(w) ? (w as WorkloadCode) : null;

/**
 * Requests opened in D−27 … D for every day D of a range, per customer and per scope: the whole
 * customer, each product named, each workload named, each product × workload named. A request that
 * names no product counts only in the scopes that do not ask for one.
 */
export async function querySupportCounts(
  db: DuckDbClient,
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
  }>(sql`WITH days AS (SELECT unnest(generate_series(${from}::DATE, ${to}::DATE, INTERVAL 1 DAY))::DATE AS day),
      r AS (
        SELECT s.customer_id, d.day, s.product_id, s.workload, s.category
        FROM support_requests s JOIN days d ON s.opened_on BETWEEN d.day - 27 AND d.day
        WHERE s.partner_id = ${partnerId} AND s.opened_on BETWEEN ${from}::DATE - 27 AND ${to}::DATE
          AND ${ofCustomers(customerIds)})
      SELECT customer_id, day::VARCHAR AS day, product_id, workload,
             count(*) FILTER (WHERE category = 'how_to')::INTEGER AS how_to,
             count(*) FILTER (WHERE category = 'problem')::INTEGER AS problem,
             count(*) FILTER (WHERE category = 'other')::INTEGER AS other
      FROM r
      GROUP BY GROUPING SETS ((customer_id, day), (customer_id, day, product_id),
                              (customer_id, day, workload), (customer_id, day, product_id, workload))
      HAVING (grouping(product_id) = 1 OR product_id IS NOT NULL)
         AND (grouping(workload) = 1 OR workload IS NOT NULL)
      ORDER BY customer_id, day, product_id NULLS FIRST, workload NULLS FIRST`);
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

/**
 * Users with activity in D−27 … D for every day D of a range, per customer: in any workload
 * (workload null) and per workload. Licenses play no part: these are the customer's active people.
 * Each stored month mask is cut to the part of the window inside its month; each user's workloads
 * become one bit set, so one pass counts every scope (no DISTINCT per grouping set).
 */
export async function queryActiveUserCounts(
  db: DuckDbClient,
  partnerId: string,
  from: string,
  to: string,
  customerIds?: readonly string[],
): Promise<ActiveUserCount[]> {
  const perWorkload = WORKLOAD_CODES.map(
    (_, i) => sql`, count(*) FILTER (WHERE ws & ${1 << i} <> 0)::INTEGER AS ${ident(`w${i}`)}`,
  );
  const rows = await db.all<Record<string, number | string>>(
    sql`WITH days AS (SELECT unnest(generate_series(${from}::DATE, ${to}::DATE, INTERVAL 1 DAY))::DATE AS day),
      u AS (
        SELECT a.customer_id, d.day, a.user_key,
               bit_or(1 << (list_position(${[...WORKLOAD_CODES]}, a.workload) - 1)) AS ws
        FROM activity a JOIN days d
          ON a.month BETWEEN date_trunc('month', d.day - 27) AND d.day
        WHERE a.partner_id = ${partnerId}
          AND a.month BETWEEN date_trunc('month', ${from}::DATE - 27) AND ${to}::DATE
          AND ${ofCustomers(customerIds)}
          AND a.days::UBIGINT & (((1::UBIGINT << day(least(d.day, last_day(a.month)))::UBIGINT) - 1)
              - ((1::UBIGINT << (day(greatest(d.day - 27, a.month)) - 1)::UBIGINT) - 1)) <> 0
        GROUP BY ALL)
      SELECT customer_id, day::VARCHAR AS day, count(*)::INTEGER AS users ${join(perWorkload, '')}
      FROM u GROUP BY ALL ORDER BY customer_id, day`,
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
  db: DuckDbClient,
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
                billing_cycle, term_end::VARCHAR AS term_end, auto_renew
         FROM subscription_snapshots
         WHERE partner_id = ${partnerId} AND as_of <= ${day}::DATE AND ${ofCustomers(customerIds)}
         QUALIFY row_number() OVER (PARTITION BY customer_id, subscription_id ORDER BY as_of DESC) = 1
         ORDER BY customer_id, subscription_id`);
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

export async function queryRecommendationSettings(
  db: DuckDbClient,
  partnerId: string,
): Promise<StoredSettings | null> {
  const rows = await db.all<{ settings: string; updated_at: string; updated_by: string }>(
    sql`SELECT settings::VARCHAR AS settings, strftime(updated_at, '%Y-%m-%dT%H:%M:%SZ') AS updated_at, updated_by
        FROM recommendation_settings WHERE partner_id = ${partnerId}`,
  );
  const r = rows[0];
  return r === undefined
    ? null
    : { settings: JSON.parse(r.settings) as unknown, updatedAt: r.updated_at, updatedBy: r.updated_by };
}

/** Stores the whole settings object (already validated) and audits before → after (in the caller's unit of work). */
export async function saveRecommendationSettings(
  db: DuckDbClient,
  partnerId: string,
  settings: RecommendationSettings | null,
  actor: string,
  change: Readonly<Record<string, unknown>>,
): Promise<void> {
  await db.run(sql`DELETE FROM recommendation_settings WHERE partner_id = ${partnerId}`);
  if (settings !== null) {
    await db.run(sql`INSERT INTO recommendation_settings (partner_id, settings, updated_at, updated_by)
      VALUES (${partnerId}, ${JSON.stringify(settings)}, now()::TIMESTAMP, ${actor})`);
  }
  await insertAudit(db, { partnerId, actor, action: 'settings.change', outcome: 'ok', details: change });
}

export async function queryExclusions(db: DuckDbClient, partnerId: string): Promise<Exclusion[]> {
  const rows = await db.all<{
    customer_id: string;
    product_id: string;
    reason: string;
    created_by: string;
    created_at: string;
  }>(sql`SELECT customer_id, product_id, reason, created_by,
                strftime(created_at, '%Y-%m-%dT%H:%M:%SZ') AS created_at
         FROM recommendation_exclusions WHERE partner_id = ${partnerId}
         ORDER BY customer_id, product_id`);
  return rows.map((r) => ({
    customerId: r.customer_id,
    productId: r.product_id,
    reason: r.reason,
    createdBy: r.created_by,
    createdAt: r.created_at,
  }));
}

/** Adds an exclusion, or replaces the reason of an existing one; returns the previous reason. */
export async function upsertExclusion(
  db: DuckDbClient,
  partnerId: string,
  e: ExclusionInput,
  actor: string,
): Promise<string | null> {
  const before = await db.all<{ reason: string }>(
    sql`SELECT reason FROM recommendation_exclusions
        WHERE partner_id = ${partnerId} AND customer_id = ${e.customerId} AND product_id = ${e.productId}`,
  );
  const previous = before[0]?.reason ?? null;
  await db.run(sql`DELETE FROM recommendation_exclusions
      WHERE partner_id = ${partnerId} AND customer_id = ${e.customerId} AND product_id = ${e.productId}`);
  await db.run(sql`INSERT INTO recommendation_exclusions (partner_id, customer_id, product_id, reason, created_at, created_by)
      VALUES (${partnerId}, ${e.customerId}, ${e.productId}, ${e.reason}, now()::TIMESTAMP, ${actor})`);
  await insertAudit(db, {
    partnerId,
    actor,
    action: 'exclusion.add',
    outcome: 'ok',
    details: {
      customerId: e.customerId,
      productId: e.productId,
      reason: e.reason,
      previousReason: previous,
    },
  });
  return previous;
}

/** Removes an exclusion; false when there was none (nothing is audited then). */
export async function deleteExclusion(
  db: DuckDbClient,
  partnerId: string,
  customerId: string,
  productId: string,
  actor: string,
): Promise<boolean> {
  const before = await db.all<{ reason: string }>(
    sql`SELECT reason FROM recommendation_exclusions
        WHERE partner_id = ${partnerId} AND customer_id = ${customerId} AND product_id = ${productId}`,
  );
  const r = before[0];
  if (r === undefined) return false;
  await db.run(sql`DELETE FROM recommendation_exclusions
      WHERE partner_id = ${partnerId} AND customer_id = ${customerId} AND product_id = ${productId}`);
  await insertAudit(db, {
    partnerId,
    actor,
    action: 'exclusion.remove',
    outcome: 'ok',
    details: { customerId, productId, reason: r.reason },
  });
  return true;
}
