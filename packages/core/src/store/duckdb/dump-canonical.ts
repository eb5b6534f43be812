/**
 * Everything stored for an entity in canonical form (text values, `;`-joined lists, empty for
 * null), sorted by natural key. The inverse of import: used by round-trip tests and exports.
 */
import type { CanonicalEntity } from '@license-insights/contracts';
import { type SqlFragment, sql } from '../sql';
import type { DuckDbClient } from './duckdb-client';

const QUERIES: Readonly<Record<CanonicalEntity, (p: string) => SqlFragment>> = {
  products: (
    p,
  ) => sql`SELECT product_id, name, service, array_to_string(workloads, ';') AS workloads, part_number,
      array_to_string(report_names, ';') AS report_names, array_to_string(open_workloads, ';') AS open_workloads,
      array_to_string(offer_ids, ';') AS offer_ids, list_price::VARCHAR AS list_price, currency
    FROM products WHERE partner_id = ${p} AND origin = 'custom' ORDER BY product_id`,
  customers: (
    p,
  ) => sql`SELECT customer_id, name, domain, country, segment, array_to_string(groups, ';') AS groups
    FROM customers WHERE partner_id = ${p} ORDER BY customer_id`,
  users: (p) => sql`SELECT customer_id, user_id, upn, display_name, deleted_on::VARCHAR AS deleted_on
    FROM users WHERE partner_id = ${p} ORDER BY customer_id, user_id`,
  license_assignments: (
    p,
  ) => sql`SELECT customer_id, user_id, product_id, assigned_on::VARCHAR AS assigned_on,
      unassigned_on::VARCHAR AS unassigned_on
    FROM license_assignments WHERE partner_id = ${p} ORDER BY customer_id, user_id, product_id, assigned_on`,
  subscriptions: (
    p,
  ) => sql`SELECT as_of::VARCHAR AS as_of, subscription_id, customer_id, product_id, quantity::VARCHAR AS quantity,
      status, is_trial::VARCHAR AS is_trial, channel, suspension_reason, billing_cycle, term_end::VARCHAR AS term_end,
      auto_renew::VARCHAR AS auto_renew
    FROM subscription_snapshots WHERE partner_id = ${p} ORDER BY customer_id, subscription_id, as_of`,
  activity: (
    p,
  ) => sql`SELECT a.customer_id, u.user_id, a.workload, (a.month + (b.bit::INTEGER))::VARCHAR AS date
    FROM activity a JOIN users u ON u.partner_id = a.partner_id AND u.user_key = a.user_key
    CROSS JOIN (SELECT unnest(range(31)) AS bit) b
    WHERE a.partner_id = ${p} AND (a.days >> b.bit::UINTEGER) & 1::UINTEGER = 1
    ORDER BY a.customer_id, u.user_id, a.workload, date`,
  support_requests: (
    p,
  ) => sql`SELECT customer_id, request_id, opened_on::VARCHAR AS opened_on, category, product_id, workload
    FROM support_requests WHERE partner_id = ${p} ORDER BY customer_id, request_id`,
};

export async function dumpCanonicalEntity(
  db: DuckDbClient,
  partnerId: string,
  entity: CanonicalEntity,
): Promise<Record<string, string>[]> {
  const rows = await db.all(QUERIES[entity](partnerId));
  return rows.map((r) => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(r)) out[k] = v === null || v === undefined ? '' : String(v);
    return out;
  });
}
