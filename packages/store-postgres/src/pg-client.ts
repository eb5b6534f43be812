/**
 * The PostgreSQL side of the store's SQL: statements built with the core's `sql` tag (bound `$n`
 * parameters only) run on one connection. Values are normalised here, at the store's edge, to
 * what the core expects of every engine: BIGINT (counts, sums) as numbers, DATE as `YYYY-MM-DD`
 * text, TIMESTAMP as text, never JavaScript Date objects.
 */
import { type CompiledSql, compile, type SqlFragment } from '@license-insights/core/sql';
import pg from 'pg';

const OID = { INT8: 20, NUMERIC: 1700, DATE: 1082, TIMESTAMP: 1114, TIMESTAMPTZ: 1184 } as const;

/** The first key of every advisory lock the store takes ("LI"), apart from other applications' locks. */
export const LOCK_NAMESPACE = 0x4c49;

/** The channel every commit of a write unit or import notifies, for every app instance's caches. */
export const COMMITS_CHANNEL = 'li_commits';

/** BIGINT as a number; past 2^53 it would lose digits, which no count or sum of ours reaches. */
function int8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new Error(`BIGINT ${text} is beyond the safe integer range`);
  return n;
}

/** Type parsers of every connection of the store (pg's defaults make Date objects of dates). */
export const TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === OID.INT8) return int8;
    // numeric(14, 4) list prices: a number, as the embedded store gives them.
    if (oid === OID.NUMERIC) return Number;
    if (oid === OID.DATE || oid === OID.TIMESTAMP || oid === OID.TIMESTAMPTZ) return (v: string) => v;
    return pg.types.getTypeParser(oid, format);
  },
} as unknown as pg.CustomTypesConfig;

/** A connection (or the pool, for single statements outside a transaction). */
export type Queryable = pg.Pool | pg.PoolClient | pg.Client;

export class PgClient {
  constructor(readonly conn: Queryable) {}

  private async query<T>(q: SqlFragment): Promise<pg.QueryResult<T & pg.QueryResultRow>> {
    const c: CompiledSql = compile(q);
    return this.conn.query<T & pg.QueryResultRow>(c.text, c.params as unknown[]);
  }

  async all<T>(q: SqlFragment): Promise<T[]> {
    return (await this.query<T>(q)).rows;
  }

  async one<T>(q: SqlFragment): Promise<T> {
    const rows = await this.all<T>(q);
    if (rows.length !== 1) throw new Error(`expected one row, got ${rows.length}`);
    return rows[0] as T;
  }

  /** Runs a statement; returns the rows it changed. */
  async run(q: SqlFragment): Promise<number> {
    return (await this.query(q)).rowCount ?? 0;
  }

  /** Runs program text (DDL, transaction control): never input. */
  async exec(text: string): Promise<void> {
    await this.conn.query(text);
  }
}
