/**
 * The PostgreSQL store: the core's units of work on a shared database, for several app instances
 * at once (SPEC §5 server mode, docs/scale-out.md).
 *
 * - A read unit is one REPEATABLE READ, READ ONLY transaction: one snapshot, whatever commits
 *   meanwhile, so a reader never sees half of a write unit.
 * - A write unit is one transaction holding the partner's advisory lock (transaction-scoped, so
 *   a crash or a lost connection releases it): writers of one partner queue behind each other in
 *   every process on the database, writers of different partners run side by side.
 * - Cancelling a unit (its AbortSignal) cancels its running statement on the server; the unit
 *   rolls back and the store stays as before.
 * - Migrations run on open under a global advisory lock, so instances starting together apply
 *   each once; on a database with the citus extension the tables are then distributed
 *   (citus-layout.ts), and the same SQL runs on both.
 *
 * It is the whole `Store` (the conveniences come from the core's UnitStore), picked by
 * configuration: a `postgres://` store URL (`--store`, `LI_STORE_URL`; core config.ts and
 * open-store.ts, where this package registers itself).
 */
import { randomUUID } from 'node:crypto';
import { AppError, isAppError, messageOf } from '@license-insights/core';
import { ident, sql } from '@license-insights/core/sql';
import {
  type ClaimedPart,
  type ComputeJobSpec,
  type ComputePartsState,
  type RegisteredServer,
  SERVER_SEEN_SECONDS,
  type ServerInfo,
  type ServerRegistration,
  STORE_TABLES,
  type StoreTable,
  type WriteOptions,
} from '@license-insights/core/store';
import { UnitStore } from '@license-insights/core/store/unit-store';
import pg from 'pg';
import { applyCitusLayout } from './citus-layout';
import { MIGRATIONS } from './migrations';
import { COMMITS_CHANNEL, LOCK_NAMESPACE, PgClient, TYPES } from './pg-client';
import { awaitComputeParts, claimComputePart, markPartStaged, openComputeJob } from './pg-compute-jobs';
import { PgImportSession } from './pg-import-session';
import { deleteStaged } from './pg-metric-writes';
import { migrateSchema } from './pg-migrate';
import { PgReader, PgStagingUnit, PgWriter } from './pg-units';

export { LOCK_NAMESPACE };

/** The second key of the migration lock (partner locks hash their id; a collision only queues). */
const MIGRATION_LOCK = 0;
/** SQLSTATE of a REPEATABLE READ transaction that met a row changed after its snapshot. */
const SERIALIZATION_FAILURE = '40001';

export interface PostgresStoreOptions {
  /** postgres://user@host:port/database */
  readonly url: string;
  /** Connections at most (default 10): readers and writers of this process together. */
  readonly connections?: number;
}

export class PostgresStore extends UnitStore {
  readonly engine = 'postgres' as const;
  private commits = 0;
  /** Cancels of the write units and imports open now (Store.interrupt cancels them all). */
  private readonly open = new Set<() => void>();
  /** Whether the database is a Citus cluster's (the tables laid out by citus-layout.ts). */
  private citus = false;

  private constructor(
    readonly location: string,
    private readonly pool: pg.Pool,
    private readonly connections: number,
  ) {
    super();
  }

  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const connections = options.connections ?? 10;
    const pool = new pg.Pool({
      connectionString: options.url,
      max: connections,
      types: TYPES,
      application_name: 'license-insights',
    });
    // A connection dropped by the server while idle is an event, not a crash of the process.
    pool.on('error', () => undefined);
    const store = new PostgresStore(redacted(options.url), pool, connections);
    try {
      await store.migrate();
      await store.listen(options.url);
    } catch (e) {
      await store.listener?.end().catch(() => undefined);
      await pool.end();
      if (isAppError(e)) throw e;
      throw new AppError(
        'store.unavailable',
        `cannot open the PostgreSQL store ${store.location}: ${messageOf(e)}`,
        [],
        { cause: e },
      );
    }
    return store;
  }

  private async migrate(): Promise<void> {
    const conn = await this.pool.connect();
    try {
      const db = new PgClient(conn);
      const schema = {
        table: 'schema_migrations',
        lock: [LOCK_NAMESPACE, MIGRATION_LOCK] as const,
        migrations: MIGRATIONS,
        what: `the store ${this.location}`,
      };
      await migrateSchema(db, schema, async () => {
        try {
          this.citus = await applyCitusLayout(db);
        } catch (e) {
          throw new AppError(
            'store.migration_failed',
            `laying the tables out on Citus failed: ${messageOf(e)}`,
            [],
            { cause: e },
          );
        }
      });
    } finally {
      conn.release();
    }
  }

  /** A read unit: one snapshot (REPEATABLE READ, READ ONLY), concurrent with other reads and writers. */
  async read<T>(work: (q: PgReader) => Promise<T>): Promise<T> {
    const conn = await this.pool.connect();
    const db = new PgClient(conn);
    let broken = false;
    try {
      await db.exec('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      try {
        return await work(new PgReader(db, this.location));
      } finally {
        await db.exec('ROLLBACK').catch(() => {
          broken = true;
        });
      }
    } finally {
      conn.release(broken);
    }
  }

  /** A read unit lasting as long as an iteration (a cursor's batches), one snapshot throughout. */
  protected async *readEach<T>(work: (q: PgReader) => AsyncIterable<T>): AsyncGenerator<T, void, undefined> {
    const conn = await this.pool.connect();
    const db = new PgClient(conn);
    let broken = false;
    try {
      await db.exec('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      try {
        yield* work(new PgReader(db, this.location));
      } finally {
        await db.exec('ROLLBACK').catch(() => {
          broken = true;
        });
      }
    } finally {
      conn.release(broken);
    }
  }

  /**
   * A write unit of a partner: one transaction holding the partner's advisory lock (taken first,
   * so writers of the partner in every process queue here); commits all or nothing. `signal`
   * cancels the running statement on the server and rolls the unit back.
   *
   * READ COMMITTED whatever the server's default: each statement sees what committed before it,
   * which a split compute's publish needs (its parts commit their staging after the coordinator's
   * unit began); the partner's data cannot change under the unit meanwhile, its lock is held.
   */
  write<T>(partnerId: string, work: (tx: PgWriter) => Promise<T>, options: WriteOptions = {}): Promise<T> {
    return this.transaction('BEGIN ISOLATION LEVEL READ COMMITTED', options.signal, true, async (db) => {
      await db.run(sql`SELECT pg_advisory_xact_lock(${LOCK_NAMESPACE}, hashtext(${partnerId}))`);
      options.signal?.throwIfAborted();
      return work(new PgWriter(db, this.location));
    });
  }

  /**
   * Opens a split compute job (core use-cases/compute-metrics.ts, pg-compute-jobs.ts): its spec
   * and parts committed in a transaction of their own, so workers of every process see them. The
   * coordinator calls it inside its write unit, which holds the partner's lock.
   */
  openComputeJob(
    partnerId: string,
    jobId: string,
    spec: ComputeJobSpec,
    shares: readonly (readonly string[])[],
  ): Promise<void> {
    return this.transaction('BEGIN', undefined, false, (db) =>
      openComputeJob(db, partnerId, jobId, spec, shares),
    );
  }

  /**
   * Claims an open part (of one job, or of any live job: `job` null) and runs `work` on it in a
   * transaction of its own beside the coordinator's write unit: REPEATABLE READ from the claim
   * on, so every batch of the part reads one snapshot (the same data as every other part: the
   * coordinator holds the partner's lock, no import of the partner commits meanwhile); its
   * staged rows and the part's mark as staged commit when `work` ends, visible to the job's
   * publish and to no reader (readers never read the staging tables). No partner lock here: the
   * coordinator holds it. `signal` cancels as for a write unit; a failed part stages nothing and
   * is open again. A claim that lost a race with another worker (a serialization failure: a part
   * staged after this snapshot began) is tried again.
   */
  async stageComputePart(
    job: { readonly partnerId: string; readonly jobId: string } | null,
    work: (unit: PgStagingUnit, part: ClaimedPart) => Promise<number>,
    options: WriteOptions = {},
  ): Promise<ClaimedPart | null> {
    for (let attempt = 1; ; attempt++) {
      try {
        const claimed = await this.transaction(
          'BEGIN ISOLATION LEVEL REPEATABLE READ',
          options.signal,
          false,
          async (db) => {
            const part = await claimComputePart(db, job);
            if (part === null || part === 'dead') return part;
            const rows = await work(new PgStagingUnit(db, this.location, part), part);
            await markPartStaged(db, part, rows);
            return part;
          },
        );
        if (claimed !== 'dead') return claimed;
      } catch (e) {
        if (!(attempt < 10 && (e as { code?: unknown }).code === SERIALIZATION_FAILURE)) throw e;
      }
    }
  }

  /** Waits until no worker holds a part of the job, then counts its parts (pg-compute-jobs.ts). */
  awaitComputeParts(
    partnerId: string,
    jobId: string,
    options: WriteOptions = {},
  ): Promise<ComputePartsState> {
    return this.transaction('BEGIN', options.signal, false, (db) => awaitComputeParts(db, partnerId, jobId));
  }

  /**
   * Deletes a split compute job and its staged rows (it failed or was cancelled) in a transaction
   * of its own: its coordinator's unit, aborted, cannot. Called while the coordinator still holds
   * the partner's lock; waits for workers of other processes still running one of its parts.
   */
  discardStagedMetrics(partnerId: string, jobId: string): Promise<void> {
    return this.transaction('BEGIN', undefined, false, (db) =>
      deleteStaged(db, sql`partner_id = ${partnerId} AND job_id = ${jobId}`),
    );
  }

  /**
   * One transaction on a connection of the pool: `begin`, `body`, COMMIT — or ROLLBACK when the
   * body fails or `signal` fires. Cancelling goes through another connection: the statement
   * running on this one ends with an error. The cancel may arrive after the unit ended, so a
   * cancelled unit's connection is closed, never handed to the next unit (whose statement it
   * would cancel). `counted`: the commit changes what readers see (`commitCount`).
   */
  private async transaction<T>(
    begin: string,
    signal: AbortSignal | undefined,
    counted: boolean,
    body: (db: PgClient) => Promise<T>,
  ): Promise<T> {
    signal?.throwIfAborted();
    const conn = await this.pool.connect();
    const db = new PgClient(conn);
    let broken = false;
    let cancelling: Promise<unknown> | null = null;
    let abort: (() => void) | null = null;
    try {
      // `signal`, or Store.interrupt (every open unit of this store object), cancels the unit.
      const { pid } = await db.one<{ pid: number }>(sql`SELECT pg_backend_pid() AS pid`);
      abort = () => {
        cancelling = this.pool.query('SELECT pg_cancel_backend($1)', [pid]).catch(() => undefined);
      };
      signal?.addEventListener('abort', abort);
      this.open.add(abort);
      await db.exec(begin);
      try {
        const out = await body(db);
        signal?.throwIfAborted();
        // Once the commit begins, the unit is no longer interrupted (it lands whole or not at all).
        this.open.delete(abort);
        if (cancelling !== null) throw cancelled(signal);
        // Every app instance hears of the commit (delivered when it lands: commitCount below).
        if (counted) await db.run(sql`SELECT pg_notify(${COMMITS_CHANNEL}, '')`);
        await db.exec('COMMIT');
        if (counted) this.commits++;
        return out;
      } catch (e) {
        await db.exec('ROLLBACK').catch(() => {
          broken = true;
        });
        if (signal?.aborted || cancelling !== null) throw cancelled(signal);
        throw e;
      }
    } finally {
      if (abort !== null) {
        signal?.removeEventListener('abort', abort);
        this.open.delete(abort);
      }
      if (cancelling !== null) {
        await cancelling;
        broken = true;
      }
      conn.release(broken);
    }
  }

  /**
   * Fills an empty store with every row of another store (migrate-store), in one transaction: all
   * or nothing. `rows` gives a table's rows as JSON object texts (StoreReader.tableRows); each
   * batch is inserted by PostgreSQL itself from one JSON parameter. The columns of the first row
   * of each table must be exactly the table's (nothing dropped or left empty unnoticed). Returns
   * the rows written per table.
   */
  async load(
    rows: (table: StoreTable) => AsyncIterable<readonly string[]>,
  ): Promise<Record<StoreTable, number>> {
    const conn = await this.pool.connect();
    const db = new PgClient(conn);
    let broken = false;
    const counts = {} as Record<StoreTable, number>;
    try {
      await db.exec('BEGIN');
      try {
        // Every writer of every partner waits (they take the partner lock, this takes the table's).
        for (const table of STORE_TABLES) await db.exec(`LOCK TABLE ${table} IN EXCLUSIVE MODE`);
        for (const table of STORE_TABLES) {
          const { n } = await db.one<{ n: number }>(
            sql`SELECT count(*) AS n FROM (SELECT 1 FROM ${ident(table)} LIMIT 1) x`,
          );
          if (n > 0)
            throw new AppError(
              'conflict',
              `the store ${this.location} is not empty (table ${table} has rows); copy into an empty database`,
            );
        }
        for (const table of STORE_TABLES) {
          const columns = (
            await db.all<{ c: string }>(
              sql`SELECT column_name AS c FROM information_schema.columns
                  WHERE table_schema = current_schema() AND table_name = ${table} ORDER BY ordinal_position`,
            )
          ).map((r) => r.c);
          let written = 0;
          for await (const batch of rows(table)) {
            if (batch.length === 0) continue;
            if (written === 0) {
              const keys = Object.keys(JSON.parse(batch[0] as string) as object).sort();
              const want = [...columns].sort();
              if (JSON.stringify(keys) !== JSON.stringify(want))
                throw new AppError(
                  'internal',
                  `table ${table}: the source has columns ${keys.join(', ')}, this store ${want.join(', ')}`,
                );
            }
            written += await db.run(
              sql`INSERT INTO ${ident(table)} SELECT * FROM jsonb_populate_recordset(NULL::${ident(table)}, ${`[${batch.join(',')}]`}::jsonb)`,
            );
          }
          counts[table] = written;
        }
        // Keys drawn later continue after the copied ones.
        await db.exec(
          `SELECT setval('user_key_seq', coalesce((SELECT max(user_key) FROM users), 0) + 1, false)`,
        );
        await db.exec(
          `SELECT setval('audit_seq', coalesce((SELECT max(audit_id) FROM audit_log), 0) + 1, false)`,
        );
        await db.exec('COMMIT');
        this.commits++;
        // Statistics now, not at autovacuum's leisure: the reads' plans depend on them.
        for (const table of STORE_TABLES) await db.exec(`ANALYZE ${table}`);
        return counts;
      } catch (e) {
        await db.exec('ROLLBACK').catch(() => {
          broken = true;
        });
        throw e;
      }
    } finally {
      conn.release(broken);
    }
  }

  /**
   * Opens an import of a partner (pg-import-session.ts): files may be read right away; from its
   * `begin` to its `commit` or `rollback` it is one transaction on one connection of the pool,
   * holding the partner's advisory lock as a write unit does.
   */
  async openImport(partnerId: string): Promise<PgImportSession> {
    const conn = await this.pool.connect();
    const db = new PgClient(conn);
    let pid: number;
    try {
      ({ pid } = await db.one<{ pid: number }>(sql`SELECT pg_backend_pid() AS pid`));
    } catch (e) {
      conn.release(true);
      throw e;
    }
    const session: PgImportSession = new PgImportSession(db, partnerId, {
      release: (broken) => {
        this.open.delete(stop);
        conn.release(broken);
      },
      committed: () => {
        this.commits++;
      },
      cancel: () =>
        this.pool.query('SELECT pg_cancel_backend($1)', [pid]).then(
          () => undefined,
          () => undefined,
        ),
    });
    const stop = () => session.interrupt();
    this.open.add(stop);
    return session;
  }

  /** PostgreSQL reports no progress of a running statement: progress bars count work done instead. */
  progress(): number {
    return -1;
  }

  /** Interrupts every write unit and import of this store object: each rolls back. */
  interrupt(): void {
    for (const stop of [...this.open]) stop();
  }

  /**
   * Nothing to limit: PostgreSQL runs each connection in a process of its own, so a job's
   * statements never take the cores of the readers' connections the way an embedded engine's
   * shared thread pool does. Returns the connections this process uses at most.
   */
  async limitThreads(threads: number | null): Promise<number> {
    if (threads !== null && (!Number.isInteger(threads) || threads < 1)) {
      throw new AppError('internal', `threads must be a whole number ≥ 1 (got ${threads})`);
    }
    return this.connections;
  }

  /**
   * Registers a running server (app_servers): CLI commands find its public URL there, and the
   * instances see each other. Rows not refreshed within SERVER_SEEN_SECONDS are servers that died:
   * they are not listed, and the next registration removes them.
   */
  async registerServer(server: ServerInfo): Promise<ServerRegistration> {
    const serverId = randomUUID();
    await this.pool.query(
      `DELETE FROM app_servers WHERE seen_at < (now() AT TIME ZONE 'UTC') - make_interval(secs => $1)`,
      [SERVER_SEEN_SECONDS],
    );
    await this.pool.query(
      `INSERT INTO app_servers (server_id, public_url, host, pid, version, started_at, seen_at)
       VALUES ($1, $2, $3, $4, $5, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC')`,
      [serverId, server.publicUrl, server.host, server.pid, server.version],
    );
    return {
      serverId,
      beat: async () => {
        await this.pool.query(
          `UPDATE app_servers SET seen_at = now() AT TIME ZONE 'UTC' WHERE server_id = $1`,
          [serverId],
        );
      },
      remove: async () => {
        await this.pool.query('DELETE FROM app_servers WHERE server_id = $1', [serverId]);
      },
    };
  }

  async servers(): Promise<RegisteredServer[]> {
    const r = await this.pool.query<{
      server_id: string;
      public_url: string;
      host: string;
      pid: number;
      version: string;
      started_at: string;
      seen_at: string;
    }>(
      `SELECT server_id, public_url, host, pid, version,
              to_char(started_at, 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS started_at,
              to_char(seen_at, 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS seen_at
       FROM app_servers WHERE seen_at >= (now() AT TIME ZONE 'UTC') - make_interval(secs => $1)
       ORDER BY app_servers.started_at DESC, server_id`,
      [SERVER_SEEN_SECONDS],
    );
    return r.rows.map((row) => ({
      serverId: row.server_id,
      publicUrl: row.public_url,
      host: row.host,
      pid: row.pid,
      version: row.version,
      startedAt: row.started_at,
      seenAt: row.seen_at,
    }));
  }

  /** Whether the store runs on Citus: its large tables distributed by customer (citus-layout.ts). */
  distributed(): boolean {
    return this.citus;
  }

  /**
   * Commits of write units seen since the store was opened — this process's and every other app
   * instance's on the database (each commit notifies COMMITS_CHANNEL; a connection of this store
   * listens): the caches of derived data (portfolio views, the customer directory) are current
   * while it is unchanged. While the listener is down (the server restarted, a network cut) the
   * count moves on every second, so nothing cached lives longer than that, until it listens again.
   */
  commitCount(): number {
    return this.commits;
  }

  /** The connection that hears of every commit; kept open, opened again when it drops. */
  private listener: pg.Client | null = null;
  /** While not listening: the timer that moves the commit count on every second. */
  private deaf: NodeJS.Timeout | null = null;
  private closed = false;

  private async listen(url: string): Promise<void> {
    const client = new pg.Client({ connectionString: url, application_name: 'license-insights-listener' });
    client.on('notification', () => {
      this.commits++;
    });
    const lost = () => {
      if (this.listener !== client) return;
      this.listener = null;
      client.end().catch(() => undefined);
      this.deaf ??= setInterval(() => {
        this.commits++;
      }, 1000);
      this.deaf.unref();
      this.listenAgain(url);
    };
    client.on('error', lost);
    client.on('end', lost);
    try {
      await client.connect();
      await client.query(`LISTEN ${COMMITS_CHANNEL}`);
    } catch (e) {
      await client.end().catch(() => undefined);
      throw e;
    }
    this.listener = client;
    if (this.deaf !== null) clearInterval(this.deaf);
    this.deaf = null;
    // Commits that landed while no one listened: caches made before are void.
    this.commits++;
  }

  /** Listens again in a second, and again after that until it works or the store closes. */
  private listenAgain(url: string): void {
    if (this.closed) return;
    setTimeout(() => {
      if (!this.closed) this.listen(url).catch(() => this.listenAgain(url));
    }, 1000).unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.deaf !== null) clearInterval(this.deaf);
    const listener = this.listener;
    this.listener = null;
    await listener?.end().catch(() => undefined);
    await this.pool.end();
  }
}

function cancelled(signal: AbortSignal | undefined): AppError {
  if (signal !== undefined && isAppError(signal.reason)) return signal.reason;
  return new AppError('interrupted', 'the work was cancelled: nothing of it was stored');
}

/** The URL without its password, for messages and status. */
export function redacted(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}
