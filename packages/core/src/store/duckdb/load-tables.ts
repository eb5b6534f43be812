/**
 * A whole store copied into this empty embedded store (migrate-store from another engine): each
 * table's rows arrive as JSON object texts (StoreReader.tableRows) and DuckDB reads each batch
 * itself, typed by the table's own columns, from a scratch file in the store's `tmp` directory.
 */
import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../errors';
import { ident, raw, sql } from '../sql';
import { STORE_TABLES, type StoreTable } from '../store';
import type { DuckDbClient } from './duckdb-client';

/** Columns of a table with their DuckDB types, in table order. */
async function columnsOf(db: DuckDbClient, table: StoreTable): Promise<{ name: string; type: string }[]> {
  return (
    await db.all<{ name: string; type: string }>(
      sql`SELECT column_name AS name, data_type AS type FROM information_schema.columns
          WHERE table_schema = 'main' AND table_name = ${table} ORDER BY ordinal_position`,
    )
  ).map((r) => ({ name: r.name, type: r.type }));
}

/** A DuckDB struct literal naming each column's type for read_json (our own names and types). */
function columnsLiteral(columns: readonly { name: string; type: string }[]): string {
  return `{${columns.map((c) => `'${c.name}': '${c.type}'`).join(', ')}}`;
}

/**
 * Inserts every table's rows inside the caller's write transaction; refuses a store holding any
 * data ('conflict') and a source whose columns differ from the table's ('internal'). Returns the
 * rows written per table. Key sequences are then drawn past the copied keys.
 */
export async function loadTables(
  db: DuckDbClient,
  location: string,
  tmpDir: string,
  rows: (table: StoreTable) => AsyncIterable<readonly string[]>,
): Promise<Record<StoreTable, number>> {
  for (const table of STORE_TABLES) {
    const { n } = await db.one<{ n: number }>(
      sql`SELECT count(*)::INTEGER AS n FROM (SELECT 1 FROM ${ident(table)} LIMIT 1)`,
    );
    if (n > 0)
      throw new AppError(
        'conflict',
        `the store ${location} is not empty (table ${table} has rows); copy into an empty store`,
      );
  }
  const counts = {} as Record<StoreTable, number>;
  const scratch = path.join(tmpDir, `load-${randomUUID()}.ndjson`);
  try {
    for (const table of STORE_TABLES) {
      const columns = await columnsOf(db, table);
      const want = columns.map((c) => c.name).sort();
      let written = 0;
      for await (const batch of rows(table)) {
        if (batch.length === 0) continue;
        if (written === 0) {
          const keys = Object.keys(JSON.parse(batch[0] as string) as object).sort();
          if (JSON.stringify(keys) !== JSON.stringify(want))
            throw new AppError(
              'internal',
              `table ${table}: the source has columns ${keys.join(', ')}, this store ${want.join(', ')}`,
            );
        }
        await writeFile(scratch, `${batch.join('\n')}\n`);
        // The file name is ours (a UUID in the store's tmp directory); types are the table's own.
        written += await db.run(
          sql`INSERT INTO ${ident(table)} BY NAME SELECT * FROM read_json(${scratch},
                format = 'newline_delimited', columns = ${raw(columnsLiteral(columns))})`,
        );
      }
      counts[table] = written;
    }
  } finally {
    await rm(scratch, { force: true });
  }
  // DuckDB cannot set a sequence: draw keys until the next one follows the copied ones.
  for (const [seq, table, column] of [
    ['user_key_seq', 'users', 'user_key'],
    ['audit_seq', 'audit_log', 'audit_id'],
  ] as const) {
    await db.run(
      sql`SELECT max(nextval(${raw(`'${seq}'`)})) FROM range((SELECT coalesce(max(${ident(column)}), 0) FROM ${ident(table)}))`,
    );
  }
  return counts;
}
