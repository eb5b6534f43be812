/**
 * The store on Citus (distributed PostgreSQL, docs/scale-out.md): when the database has the
 * `citus` extension (CREATE EXTENSION citus, done by the operator before the first open), the
 * store lays its tables out over the cluster on open, right after the migrations and under the
 * same advisory lock. On plain PostgreSQL this does nothing, so one schema and one SQL serve both.
 *
 * Not a numbered migration: the layout depends on the database, not on the schema version. A
 * store migrated on plain PostgreSQL that later gets Citus (or a Citus store after a migration that
 * adds a table) is laid out on its next open, and a released migration is never edited. The step
 * is idempotent: a table Citus already knows (pg_dist_partition) is left as it is. Each call runs
 * on its own (outside a transaction block), as Citus prefers for moving a table's rows to shards
 * (a store that ran on plain PostgreSQL keeps its rows: they move to the shards); a failure part
 * way leaves the tables laid out so far, and the next open goes on from there.
 *
 * - Per-customer tables (every key holds partner_id and customer_id) are distributed by
 *   customer_id, all co-located with `customers`: a customer's rows of every table live on one
 *   shard group, so joins on (partner_id, customer_id) run on the workers, shard by shard. Every
 *   primary key holds customer_id, as Citus requires of a distributed table's unique constraints.
 * - Small per-partner tables read beside the large ones (partners, products, metrics_state,
 *   recommendation_settings) are reference tables: a copy on every node, so joins of any
 *   distributed table with them are local to each shard.
 * - audit_log is written often, grows without end and is read alone (by partner, never joined):
 *   a reference table would copy every entry to every node in a two-phase commit, so it stays on
 *   the coordinator as a Citus local table (citus_add_local_table_to_metadata), which a
 *   transaction that writes distributed tables may write too. schema_migrations stays a plain
 *   table of the coordinator (read only by the migration step), as are app_servers (servers
 *   registered) and a split compute's compute_jobs and compute_parts: small, never joined with
 *   the distributed tables, read and locked by statements of their own.
 * - The sequences (user_key_seq for users.user_key, audit_seq) stay the coordinator's: every
 *   INSERT of the store runs through the coordinator, which evaluates the defaults.
 */
import { sql } from '@license-insights/core/sql';
import type { PgClient } from './pg-client';

/** Tables distributed by customer_id, co-located with the first (the colocation group's anchor). */
export const CITUS_DISTRIBUTED = [
  'customers',
  'users',
  'license_assignments',
  'subscription_snapshots',
  'activity',
  'support_requests',
  'source_coverage',
  'customer_flags',
  'measured_sources',
  'metrics_dirty',
  'recommendation_exclusions',
  'metric_runs',
  'customer_sums',
  // A split compute's staging (migration 3): co-located with the live tables, so the publish
  // moves each customer's rows within its shard group.
  'compute_staged_customers',
  'metric_runs_staged',
  'customer_sums_staged',
] as const;

/** Small shared tables: a copy on every node. */
export const CITUS_REFERENCE = ['partners', 'products', 'metrics_state', 'recommendation_settings'] as const;

/** Tables kept on the coordinator, known to Citus. */
export const CITUS_LOCAL = ['audit_log'] as const;

/** Whether the store's database has the citus extension (the store then runs distributed). */
export async function hasCitus(db: PgClient): Promise<boolean> {
  const rows = await db.all<{ x: number }>(sql`SELECT 1 AS x FROM pg_extension WHERE extname = 'citus'`);
  return rows.length > 0;
}

/** Lays the tables out on Citus (see above); nothing on plain PostgreSQL. Returns whether Citus is there. */
export async function applyCitusLayout(db: PgClient): Promise<boolean> {
  if (!(await hasCitus(db))) return false;
  const known = new Set(
    (
      await db.all<{ t: string }>(
        sql`SELECT c.relname AS t FROM pg_dist_partition d JOIN pg_class c ON c.oid = d.logicalrelid
            WHERE c.relnamespace = current_schema()::regnamespace`,
      )
    ).map((r) => r.t),
  );
  const [anchor] = CITUS_DISTRIBUTED;
  for (const table of CITUS_DISTRIBUTED) {
    if (known.has(table)) continue;
    // The anchor gets a colocation group of its own (not the cluster's default group of text
    // columns, which other applications' tables may share); the others join it.
    const colocateWith = table === anchor ? 'none' : anchor;
    await db.run(
      sql`SELECT create_distributed_table(${table}::regclass, 'customer_id', colocate_with => ${colocateWith}::text)`,
    );
    await dropLocalCopy(db, table);
  }
  for (const table of CITUS_REFERENCE) {
    if (known.has(table)) continue;
    await db.run(sql`SELECT create_reference_table(${table}::regclass)`);
    await dropLocalCopy(db, table);
  }
  for (const table of CITUS_LOCAL)
    if (!known.has(table)) await db.run(sql`SELECT citus_add_local_table_to_metadata(${table}::regclass)`);
  return true;
}

/**
 * Rows a table held before it was distributed (a store that ran on plain PostgreSQL first) are
 * copied to the shards and stay, unseen, in the coordinator's table: removed (nothing on an empty
 * table).
 */
async function dropLocalCopy(db: PgClient, table: string): Promise<void> {
  await db.run(sql`SELECT truncate_local_data_after_distributing_table(${table}::regclass)`);
}
