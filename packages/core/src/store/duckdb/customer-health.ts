/** Per-customer data-trust signals behind the reports. */

import { ident, sql } from '../sql';
import type { DataTrust } from '../store';
import { ofCustomers } from './customer-filter';
import type { DuckDbClient } from './duckdb-client';

export async function queryDataTrust(
  db: DuckDbClient,
  partnerId: string,
  customerIds?: readonly string[],
): Promise<DataTrust[]> {
  // Each table read once, grouped per customer, the customers asked for named on every read:
  // DuckDB filters each scan (tables are written in customer order, so one customer's panel
  // reads only that customer's row groups) — not correlated subqueries, which it turns into joins
  // over whole tables (~45 ms for one customer at L).
  const only = (alias: string) => ofCustomers(customerIds, sql`${ident(alias)}.customer_id`);
  const rows = await db.all<{
    customer_id: string;
    sources: { source: string; entity: string; last_date: string }[] | null;
    flags: { flag: string; detail: string }[] | null;
    unknown: string[] | null;
    has_activity: boolean;
    has_subscriptions: boolean;
    has_assignments: boolean;
  }>(sql`WITH
      src AS (SELECT s.customer_id,
                     list({'source': s.source, 'entity': s.entity, 'last_date': s.last_date::VARCHAR} ORDER BY s.source, s.entity) AS sources,
                     bool_or(s.entity = 'activity') AS has_activity
              FROM source_coverage s WHERE s.partner_id = ${partnerId} AND ${only('s')} GROUP BY s.customer_id),
      fl AS (SELECT f.customer_id, list({'flag': f.flag, 'detail': f.detail} ORDER BY f.flag) AS flags
             FROM customer_flags f WHERE f.partner_id = ${partnerId} AND ${only('f')} GROUP BY f.customer_id),
      sub AS (SELECT DISTINCT s.customer_id, s.product_id FROM subscription_snapshots s
              WHERE s.partner_id = ${partnerId} AND ${only('s')}),
      asg AS (SELECT DISTINCT a.customer_id, a.product_id FROM license_assignments a
              WHERE a.partner_id = ${partnerId} AND ${only('a')}),
      unk AS (SELECT h.customer_id, list(DISTINCT h.product_id ORDER BY h.product_id) AS unknown
              FROM (SELECT * FROM sub UNION ALL SELECT * FROM asg) h
              JOIN products p ON p.partner_id = ${partnerId} AND p.product_id = h.product_id AND p.origin = 'discovered'
              GROUP BY h.customer_id)
    SELECT c.customer_id, src.sources, fl.flags, unk.unknown,
           coalesce(src.has_activity, false) AS has_activity,
           c.customer_id IN (SELECT customer_id FROM sub) AS has_subscriptions,
           c.customer_id IN (SELECT customer_id FROM asg) AS has_assignments
    FROM customers c
      LEFT JOIN src ON src.customer_id = c.customer_id
      LEFT JOIN fl ON fl.customer_id = c.customer_id
      LEFT JOIN unk ON unk.customer_id = c.customer_id
    WHERE c.partner_id = ${partnerId} AND ${only('c')} ORDER BY c.customer_id`);
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
