/**
 * Licensed users inactive for N days (SPEC §2.3): holders of a product on D with no activity in any
 * of the product's measured workloads in D−N+1 … D. The caller says, per customer and product,
 * which workloads count (the measured ones, when the data reaches back N days); one definition for
 * the customer report, the drill-down list and the reclaim card (the counts are the lists'
 * lengths).
 */
import { INTEGER } from '@duckdb/node-api';
import { WORKLOAD_CODES, type WorkloadCode } from '@license-insights/contracts';
import { ident, type SqlFragment, sql } from '../sql';
import type { InactiveScope, InactiveUser } from '../store';
import type { DuckDbClient } from './duckdb-client';

/** A list as a table (value, 0-based position). */
function indexed(list: readonly string[], value: string, position: string): SqlFragment {
  return sql`(SELECT unnest(l) AS ${ident(value)}, (generate_subscripts(l, 1) - 1)::INTEGER AS ${ident(position)} FROM (SELECT ${[...list]} AS l))`;
}

/**
 * Loads the scopes into the temporary table ia_scope(customer_id, product_id, workload), ids as
 * small integers appended in bulk (a portfolio has 10⁵ scopes). Returns false when there are none.
 */
async function loadScopes(db: DuckDbClient, scopes: readonly InactiveScope[]): Promise<boolean> {
  const customers = [...new Set(scopes.map((s) => s.customerId))].sort();
  const products = [...new Set(scopes.map((s) => s.productId))].sort();
  const ci = new Map(customers.map((c, i) => [c, i]));
  const pi = new Map(products.map((p, i) => [p, i]));
  const c: number[] = [];
  const p: number[] = [];
  const w: number[] = [];
  for (const s of scopes) {
    for (const workload of s.workloads) {
      c.push(ci.get(s.customerId) as number);
      p.push(pi.get(s.productId) as number);
      w.push(WORKLOAD_CODES.indexOf(workload));
    }
  }
  if (c.length === 0) return false;
  await db.exec('CREATE OR REPLACE TEMP TABLE ia_idx (c INTEGER, p INTEGER, w INTEGER)');
  await db.appendTyped(
    'ia_idx',
    'main',
    'temp',
    [INTEGER, INTEGER, INTEGER],
    [Int32Array.from(c), Int32Array.from(p), Int32Array.from(w)],
    c.length,
  );
  await db.run(sql`CREATE OR REPLACE TEMP TABLE ia_scope AS
    SELECT cl.customer_id, pl.product_id, ${[...WORKLOAD_CODES]}[i.w + 1] AS workload
    FROM ia_idx i JOIN ${indexed(customers, 'customer_id', 'ci')} cl ON cl.ci = i.c
    JOIN ${indexed(products, 'product_id', 'pi')} pl ON pl.pi = i.p`);
  await db.exec('DROP TABLE IF EXISTS ia_idx');
  return true;
}

/**
 * Inactive holders per scope: user, product, last day of activity per counted workload (on or
 * before D). `fullHistory`: last activity over all history (for the lists); otherwise only the
 * months of the N days are read (for counts, enough to tell inactive from active).
 */
function inactiveHolders(partnerId: string, day: string, minDays: number, fullHistory: boolean): SqlFragment {
  const d = sql`${day}::DATE`;
  const below = sql`((1::UBIGINT << day(${d})::UBIGINT) - 1)`;
  const since = fullHistory ? sql`true` : sql`t.month >= date_trunc('month', ${d} - ${minDays - 1}::INTEGER)`;
  // The scope's users first, on their own (materialized): joined with the assignments directly,
  // DuckDB builds its hash table from every user of the partner (a second for one customer at L).
  return sql`WITH scoped_users AS MATERIALIZED (
        SELECT u.customer_id, u.user_id, u.user_key, u.upn, u.display_name
        FROM users u
        WHERE u.partner_id = ${partnerId} AND (u.deleted_on IS NULL OR u.deleted_on > ${d})
          AND u.customer_id IN (SELECT DISTINCT customer_id FROM ia_scope)),
      holders AS (
        SELECT DISTINCT a.customer_id, a.product_id, u.user_key, u.user_id, u.upn, u.display_name
        FROM license_assignments a
        JOIN scoped_users u ON u.customer_id = a.customer_id AND u.user_id = a.user_id
        WHERE a.partner_id = ${partnerId}
          AND a.assigned_on <= ${d} AND (a.unassigned_on IS NULL OR ${d} < a.unassigned_on)
          AND (a.customer_id, a.product_id) IN (SELECT DISTINCT customer_id, product_id FROM ia_scope)),
      facts AS (
        -- Activity masks up to D (the month of D cut at D), as their last active day.
        SELECT t.user_key, t.workload,
               t.month + CASE WHEN t.month = date_trunc('month', ${d})
                 THEN CASE WHEN (t.days::UBIGINT & ${below}) <> 0
                   THEN floor(log2((t.days::UBIGINT & ${below})::DOUBLE))::INTEGER END
                 ELSE floor(log2(t.days::DOUBLE))::INTEGER END AS last_day
        FROM activity t
        WHERE t.partner_id = ${partnerId} AND t.month <= ${d} AND ${since}
          AND t.customer_id IN (SELECT DISTINCT customer_id FROM ia_scope)
          AND (t.month < date_trunc('month', ${d}) OR (t.days::UBIGINT & ${below}) <> 0))
      SELECT h.customer_id, h.product_id, h.user_id, h.upn, h.display_name,
             max(f.last_day) AS last_day,
             list({'workload': s.workload, 'last': f.last_day::VARCHAR} ORDER BY s.workload)
               FILTER (WHERE f.last_day IS NOT NULL) AS per_workload
      FROM holders h JOIN ia_scope s ON s.customer_id = h.customer_id AND s.product_id = h.product_id
      LEFT JOIN facts f ON f.user_key = h.user_key AND f.workload = s.workload
      GROUP BY ALL
      HAVING max(f.last_day) IS NULL OR max(f.last_day) <= ${d} - ${minDays}::INTEGER`;
}

export async function queryInactiveLicensedUsers(
  db: DuckDbClient,
  partnerId: string,
  day: string,
  scopes: readonly InactiveScope[],
  minDays: number,
): Promise<InactiveUser[]> {
  if (!(await loadScopes(db, scopes))) return [];
  try {
    const rows = await db.all<{
      customer_id: string;
      product_id: string;
      user_id: string;
      upn: string | null;
      display_name: string | null;
      last_active: string | null;
      days_inactive: number | null;
      per_workload: { workload: string; last: string }[] | null;
    }>(sql`SELECT customer_id, product_id, user_id, upn, display_name, last_day::VARCHAR AS last_active,
                  (${day}::DATE - last_day)::INTEGER AS days_inactive, per_workload
           FROM (${inactiveHolders(partnerId, day, minDays, true)})
           ORDER BY customer_id, product_id, last_day NULLS FIRST, user_id`);
    return rows.map((r) => ({
      customerId: r.customer_id,
      productId: r.product_id,
      userId: r.user_id,
      upn: r.upn,
      displayName: r.display_name,
      lastActive: r.last_active,
      daysInactive: r.days_inactive,
      lastActiveByWorkload: Object.fromEntries(
        (r.per_workload ?? []).map((x) => [x.workload as WorkloadCode, x.last]),
      ),
    }));
  } finally {
    await db.exec('DROP TABLE IF EXISTS ia_scope');
  }
}

export async function queryInactiveLicensedCounts(
  db: DuckDbClient,
  partnerId: string,
  day: string,
  scopes: readonly InactiveScope[],
  minDays: number,
): Promise<{ customerId: string; productId: string; users: number }[]> {
  if (!(await loadScopes(db, scopes))) return [];
  try {
    const rows = await db.all<{ customer_id: string; product_id: string; users: number }>(
      sql`SELECT customer_id, product_id, count(*)::INTEGER AS users
          FROM (${inactiveHolders(partnerId, day, minDays, false)}) GROUP BY ALL ORDER BY 1, 2`,
    );
    return rows.map((r) => ({ customerId: r.customer_id, productId: r.product_id, users: r.users }));
  } finally {
    await db.exec('DROP TABLE IF EXISTS ia_scope');
  }
}
