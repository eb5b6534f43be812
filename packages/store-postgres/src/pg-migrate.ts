/**
 * Migrations of a PostgreSQL schema (the data store's, the account store's): each applied once,
 * in order, in a transaction of its own with its row in the schema's version table, all under a
 * session advisory lock of the schema, so several app instances opening one database together
 * migrate it once. A database migrated by a newer program is refused, naming both versions.
 */
import { AppError, messageOf } from '@license-insights/core';
import { ident, sql } from '@license-insights/core/sql';
import type { PgClient } from './pg-client';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly statements: readonly string[];
}

export interface Schema {
  /** The version table (our own constant name). */
  readonly table: string;
  /** The second key of the schema's advisory lock (the first is the store's namespace). */
  readonly lock: readonly [number, number];
  readonly migrations: readonly Migration[];
  /** How messages name the store, e.g. "the store postgres://…". */
  readonly what: string;
}

/**
 * Applies what the database lacks, then `after` (e.g. the Citus layout), both under the schema's
 * lock on this connection.
 */
export async function migrateSchema(
  db: PgClient,
  schema: Schema,
  after?: () => Promise<void>,
): Promise<void> {
  const [ns, key] = schema.lock;
  await db.run(sql`SELECT pg_advisory_lock(${ns}, ${key})`);
  try {
    // Our own constant table name, never input.
    await db.exec(`CREATE TABLE IF NOT EXISTS ${schema.table} (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamp NOT NULL)`);
    const { v } = await db.one<{ v: number | null }>(
      sql`SELECT max(version) AS v FROM ${ident(schema.table)}`,
    );
    const current = v ?? 0;
    const latest = schema.migrations.reduce((m, x) => Math.max(m, x.version), 0);
    if (current > latest) {
      throw new AppError(
        'store.migration_failed',
        `${schema.what} has schema version ${current}, newer than this program knows (${latest}); upgrade License Insights`,
      );
    }
    for (const m of schema.migrations) {
      if (m.version <= current) continue;
      try {
        await db.exec('BEGIN');
        for (const statement of m.statements) await db.exec(statement);
        await db.run(
          sql`INSERT INTO ${ident(schema.table)} (version, name, applied_at) VALUES (${m.version}, ${m.name}, now() AT TIME ZONE 'UTC')`,
        );
        await db.exec('COMMIT');
      } catch (e) {
        await db.exec('ROLLBACK').catch(() => undefined);
        throw new AppError(
          'store.migration_failed',
          `${schema.what}: migration ${m.version} (${m.name}) failed: ${messageOf(e)}`,
          [],
          { cause: e },
        );
      }
    }
    await after?.();
  } finally {
    await db.run(sql`SELECT pg_advisory_unlock(${ns}, ${key})`);
  }
}
