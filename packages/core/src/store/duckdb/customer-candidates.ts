/**
 * The partner's customers as the customer resolver sees them: id, name, domain and the domains of
 * their users' sign-in names. One scan of the users (distinct domains per customer are few);
 * concealed names (32-character hashes) have no "@" and give no domain.
 */
import type { CustomerCandidate } from '../../customers/resolve-customer';
import { sql } from '../sql';
import type { DuckDbClient } from './duckdb-client';

export async function queryCustomerCandidates(
  db: DuckDbClient,
  partnerId: string,
): Promise<CustomerCandidate[]> {
  const rows = await db.all<{
    customer_id: string;
    name: string;
    domain: string | null;
    user_domains: string[] | null;
  }>(
    sql`WITH d AS (
          SELECT DISTINCT customer_id, lower(trim(regexp_extract(upn, '@([^@]*)$', 1))) AS domain
          FROM users WHERE partner_id = ${partnerId} AND upn LIKE '%@%'
        )
        SELECT c.customer_id, c.name, c.domain,
               (SELECT list(d.domain ORDER BY d.domain) FROM d WHERE d.customer_id = c.customer_id AND d.domain <> '') AS user_domains
        FROM customers c WHERE c.partner_id = ${partnerId} ORDER BY c.customer_id`,
  );
  return rows.map((r) => ({
    customerId: r.customer_id,
    name: r.name,
    domain: r.domain,
    userDomains: r.user_domains ?? [],
  }));
}
