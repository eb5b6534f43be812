import { type SqlFragment, sql } from '../sql';

/**
 * The rows of the customers a read is limited to (undefined or null: every customer). One
 * customer is an equality, which DuckDB pushes into the scan: the per-user tables are written in
 * customer order, so the other customers' row groups are skipped by their min/max and a customer's
 * page reads only its own rows. A list is `list_contains` (bound once; not pushed into the scan).
 */
export function ofCustomers(
  customerIds: readonly string[] | null | undefined,
  column: SqlFragment = sql`customer_id`,
): SqlFragment {
  if (customerIds === undefined || customerIds === null) return sql`true`;
  if (customerIds.length === 1) return sql`${column} = ${customerIds[0] ?? ''}`;
  return sql`list_contains(${[...customerIds]}, ${column})`;
}
