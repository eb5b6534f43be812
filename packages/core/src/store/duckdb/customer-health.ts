/** Per-customer lists behind the reports: licensed users without activity, data-trust signals. */

import { sql } from '../sql';
import type { DataTrust, InactiveUser } from '../store';
import type { DuckDbClient } from './duckdb-client';

export async function queryInactiveLicensedUsers(
  db: DuckDbClient,
  partnerId: string,
  customerId: string,
  day: string,
  productWorkloads: readonly { readonly productId: string; readonly workloads: readonly string[] }[],
  minDays: number,
): Promise<InactiveUser[]> {
  const pairs = productWorkloads.flatMap((p) => p.workloads.map((w) => [p.productId, w] as const));
  if (pairs.length === 0) return [];
  const rows = await db.all<{
    product_id: string;
    user_id: string;
    upn: string | null;
    display_name: string | null;
    last_active: string | null;
    days_inactive: number | null;
  }>(sql`WITH pw AS (SELECT unnest(${pairs.map((p) => p[0])}) AS product_id, unnest(${pairs.map((p) => p[1])}) AS workload),
      holders AS (
        SELECT DISTINCT a.product_id, u.user_key, u.user_id, u.upn, u.display_name
        FROM license_assignments a
        JOIN users u ON u.partner_id = a.partner_id AND u.customer_id = a.customer_id AND u.user_id = a.user_id
        WHERE a.partner_id = ${partnerId} AND a.customer_id = ${customerId}
          AND a.assigned_on <= ${day}::DATE AND (a.unassigned_on IS NULL OR ${day}::DATE < a.unassigned_on)
          AND (u.deleted_on IS NULL OR u.deleted_on > ${day}::DATE)
          AND a.product_id IN (SELECT product_id FROM pw)),
      facts AS (
        -- Activity masks up to D (the month of D cut at D), as their last active day.
        SELECT t.user_key, t.workload,
               t.month + CASE WHEN t.month = date_trunc('month', ${day}::DATE)
                 THEN CASE WHEN (t.days::UBIGINT & ((1::UBIGINT << day(${day}::DATE)::UBIGINT) - 1)) <> 0
                   THEN floor(log2((t.days::UBIGINT & ((1::UBIGINT << day(${day}::DATE)::UBIGINT) - 1))::DOUBLE))::INTEGER END
                 ELSE floor(log2(t.days::DOUBLE))::INTEGER END AS last_day
        FROM activity t
        WHERE t.partner_id = ${partnerId} AND t.customer_id = ${customerId} AND t.month <= ${day}::DATE
          AND (t.month < date_trunc('month', ${day}::DATE) OR (t.days::UBIGINT & ((1::UBIGINT << day(${day}::DATE)::UBIGINT) - 1)) <> 0))
      SELECT h.product_id, h.user_id, h.upn, h.display_name, max(f.last_day)::VARCHAR AS last_active,
             (${day}::DATE - max(f.last_day))::INTEGER AS days_inactive
      FROM holders h JOIN pw ON pw.product_id = h.product_id
      LEFT JOIN facts f ON f.user_key = h.user_key AND f.workload = pw.workload
      GROUP BY ALL
      HAVING max(f.last_day) IS NULL OR max(f.last_day) <= ${day}::DATE - ${minDays}::INTEGER
      ORDER BY h.product_id, max(f.last_day) NULLS FIRST, h.user_id`);
  return rows.map((r) => ({
    productId: r.product_id,
    userId: r.user_id,
    upn: r.upn,
    displayName: r.display_name,
    lastActive: r.last_active,
    daysInactive: r.days_inactive,
  }));
}

export async function queryDataTrust(
  db: DuckDbClient,
  partnerId: string,
  customerIds?: readonly string[],
): Promise<DataTrust[]> {
  const filter =
    customerIds === undefined ? sql`true` : sql`list_contains(${[...customerIds]}, c.customer_id)`;
  const rows = await db.all<{
    customer_id: string;
    sources: { source: string; entity: string; last_date: string }[] | null;
    flags: { flag: string; detail: string }[] | null;
    unknown: string[] | null;
    has_activity: boolean;
    has_subscriptions: boolean;
    has_assignments: boolean;
  }>(sql`SELECT c.customer_id,
      (SELECT list({'source': s.source, 'entity': s.entity, 'last_date': s.last_date::VARCHAR} ORDER BY s.source, s.entity)
         FROM source_coverage s WHERE s.partner_id = c.partner_id AND s.customer_id = c.customer_id) AS sources,
      (SELECT list({'flag': f.flag, 'detail': f.detail} ORDER BY f.flag) FROM customer_flags f
         WHERE f.partner_id = c.partner_id AND f.customer_id = c.customer_id) AS flags,
      (SELECT list(DISTINCT p.product_id ORDER BY p.product_id) FROM products p
         WHERE p.partner_id = c.partner_id AND p.origin = 'discovered'
           AND (EXISTS (SELECT 1 FROM subscription_snapshots s WHERE s.partner_id = c.partner_id AND s.customer_id = c.customer_id AND s.product_id = p.product_id)
             OR EXISTS (SELECT 1 FROM license_assignments a WHERE a.partner_id = c.partner_id AND a.customer_id = c.customer_id AND a.product_id = p.product_id))) AS unknown,
      EXISTS (SELECT 1 FROM source_coverage s WHERE s.partner_id = c.partner_id AND s.customer_id = c.customer_id AND s.entity = 'activity') AS has_activity,
      EXISTS (SELECT 1 FROM subscription_snapshots s WHERE s.partner_id = c.partner_id AND s.customer_id = c.customer_id) AS has_subscriptions,
      EXISTS (SELECT 1 FROM license_assignments a WHERE a.partner_id = c.partner_id AND a.customer_id = c.customer_id) AS has_assignments
    FROM customers c WHERE c.partner_id = ${partnerId} AND ${filter} ORDER BY c.customer_id`);
  return rows.map((r) => ({
    customerId: r.customer_id,
    sources: (r.sources ?? []).map((s) => ({ source: s.source, entity: s.entity, lastDate: s.last_date })),
    flags: r.flags ?? [],
    unknownProducts: r.unknown ?? [],
    missing: [
      ...(r.has_activity ? [] : (['activity'] as const)),
      ...(r.has_subscriptions ? [] : (['subscriptions'] as const)),
      ...(r.has_assignments ? [] : (['license_assignments'] as const)),
    ],
  }));
}
