/** Per-customer data-trust signals behind the reports. */

import { sql } from '../sql';
import type { DataTrust } from '../store';
import type { DuckDbClient } from './duckdb-client';

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
