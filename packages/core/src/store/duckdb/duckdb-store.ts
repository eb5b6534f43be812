/**
 * The embedded store: one DuckDB database file in one directory (default ./data), opened by one
 * process at a time. Schema migrations are applied on open. Work runs in units (store.ts): reads on
 * pooled reader connections, each in one snapshot transaction; writes on the one writer connection,
 * one unit at a time, committed through the commit gate (unit-of-work.ts) so every commit goes
 * through a checkpoint even while people read.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { AppError, isAppError, messageOf } from '../../errors';
import { sql } from '../sql';
import type {
  ComputePartsState,
  ImportSession,
  RegisteredServer,
  ServerRegistration,
  StoreReader,
  StoreTable,
  StoreWriter,
  WriteOptions,
} from '../store';
import { UnitStore } from '../unit-store';
import { DuckDbClient } from './duckdb-client';
import { DuckDbReader, DuckDbWriter, splitRefused } from './duckdb-units';
import { DuckDbImportSession } from './import-session';
import { loadTables } from './load-tables';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations';
import { CommitGate, ConnectionPool, WriterLock } from './unit-of-work';

export const DATABASE_FILE = 'insights.duckdb';

export interface OpenStoreOptions {
  readonly dataDir: string;
  readonly memoryLimit?: string;
  readonly threads?: number;
  /**
   * Create the directory and the database when they do not exist (writing commands: import, demo).
   * False for reading commands: a missing store is an error, and nothing is created.
   */
  readonly create?: boolean;
  /** Reader connections at most (more concurrent reads wait for one); default 8. */
  readonly readers?: number;
  /** How long a commit waits for open reads to end before it fails with store.busy; default 120 s. */
  readonly commitWaitMs?: number;
}

export class DuckDbStore extends UnitStore {
  readonly engine = 'duckdb' as const;
  private readonly writerLock = new WriterLock();
  private readonly gate = new CommitGate();
  private readonly pool: ConnectionPool;
  /** How long a commit waits for open reads to end (then `store.busy`, nothing stored). */
  private readonly commitWaitMs: number;

  private constructor(
    readonly location: string,
    private readonly db: DuckDbClient,
    options: { readonly readers?: number; readonly commitWaitMs?: number },
  ) {
    super();
    this.pool = new ConnectionPool(db, options.readers ?? 8);
    this.commitWaitMs = options.commitWaitMs ?? 120_000;
  }

  static async open(options: OpenStoreOptions): Promise<DuckDbStore> {
    const file = path.join(options.dataDir, DATABASE_FILE);
    if (options.create === false && !existsSync(file)) {
      throw new AppError(
        'store.unavailable',
        `no store in ${options.dataDir} (no ${DATABASE_FILE} there; the first import makes it, unless the data directory is another one)`,
        [],
        { hint: { kind: 'import_data' } },
      );
    }
    try {
      mkdirSync(options.dataDir, { recursive: true });
      mkdirSync(path.join(options.dataDir, 'tmp'), { recursive: true });
    } catch (e) {
      throw new AppError(
        'store.unavailable',
        `cannot create the store directory ${options.dataDir}: ${messageOf(e)}`,
      );
    }
    const db = await DuckDbClient.open({
      path: file,
      tempDirectory: path.join(options.dataDir, 'tmp'),
      ...(options.memoryLimit ? { memoryLimit: options.memoryLimit } : {}),
      ...(options.threads ? { threads: options.threads } : {}),
    });
    const store = new DuckDbStore(file, db, options);
    try {
      await store.migrate();
    } catch (e) {
      await store.close();
      throw e;
    }
    return store;
  }

  private async migrate(): Promise<void> {
    await this.db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)`);
    const { v } = await this.db.one<{ v: number | null }>(
      sql`SELECT max(version) AS v FROM schema_migrations`,
    );
    const current = v ?? 0;
    if (current > LATEST_SCHEMA_VERSION) {
      throw new AppError(
        'store.migration_failed',
        `the store ${this.location} has schema version ${current}, newer than this program knows (${LATEST_SCHEMA_VERSION}); upgrade License Insights`,
      );
    }
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue;
      try {
        await this.db.exec('BEGIN TRANSACTION');
        for (const statement of m.statements) await this.db.exec(statement);
        await this.db.run(
          sql`INSERT INTO schema_migrations (version, name, applied_at) VALUES (${m.version}, ${m.name}, now()::TIMESTAMP)`,
        );
        await this.db.exec('COMMIT');
      } catch (e) {
        await this.db.exec('ROLLBACK').catch(() => undefined);
        throw new AppError(
          'store.migration_failed',
          `migration ${m.version} (${m.name}) failed: ${messageOf(e)}`,
          [],
          {
            cause: e,
          },
        );
      }
    }
  }

  /** A read unit: one snapshot on a reader connection, concurrent with other reads and a writer. */
  async read<T>(work: (q: StoreReader) => Promise<T>): Promise<T> {
    await this.gate.enterRead();
    let conn: DuckDbClient | null = null;
    try {
      conn = await this.pool.acquire();
      await conn.exec('BEGIN TRANSACTION');
      try {
        return await work(new DuckDbReader(conn, this.location, `commits:${this.commits}`));
      } finally {
        // A read changes nothing stored (temporary tables only): ending it never writes the file.
        await conn.exec('ROLLBACK').catch(() => undefined);
      }
    } finally {
      if (conn !== null) this.pool.release(conn);
      this.gate.leaveRead();
    }
  }

  /**
   * A read unit that lasts as long as an iteration: the snapshot opens at the first step and ends
   * when the iteration ends or is left (`break`, `return`, a throw: the generator's `finally`).
   */
  protected async *readEach<T>(
    work: (q: StoreReader) => AsyncIterable<T>,
  ): AsyncGenerator<T, void, undefined> {
    await this.gate.enterRead();
    let conn: DuckDbClient | null = null;
    try {
      conn = await this.pool.acquire();
      await conn.exec('BEGIN TRANSACTION');
      try {
        yield* work(new DuckDbReader(conn, this.location, `commits:${this.commits}`));
      } finally {
        await conn.exec('ROLLBACK').catch(() => undefined);
      }
    } finally {
      if (conn !== null) this.pool.release(conn);
      this.gate.leaveRead();
    }
  }

  /**
   * A write unit: waits for earlier writers, runs `work` in one transaction on the writer
   * connection and commits through the gate; any failure, or `signal`, rolls it back.
   */
  async write<T>(
    _partnerId: string,
    work: (tx: StoreWriter) => Promise<T>,
    options: WriteOptions = {},
  ): Promise<T> {
    const release = await this.writerLock.acquire();
    const { signal } = options;
    const onAbort = () => this.db.interrupt();
    try {
      signal?.throwIfAborted();
      signal?.addEventListener('abort', onAbort);
      await this.db.exec('BEGIN TRANSACTION');
      let out: T;
      try {
        out = await work(new DuckDbWriter(this.db, this.location));
        signal?.throwIfAborted();
        await this.commit();
      } catch (e) {
        await this.db.exec('ROLLBACK').catch(() => undefined);
        throw signal?.aborted ? cancelled(signal) : e;
      }
      return out;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      release();
    }
  }

  /** COMMIT of the writer's transaction, when no read is open (so it checkpoints). */
  private async commit(): Promise<void> {
    await this.gate.exclusive(this.commitWaitMs, () => this.db.exec('COMMIT'));
    this.commits++;
  }

  private commits = 0;
  commitCount(): number {
    return this.commits;
  }

  /** Refused: one writer process computes in one worker (see `splitRefused`). */
  async openComputeJob(): Promise<void> {
    throw splitRefused();
  }

  /** No job is ever open here: nothing to claim. */
  async stageComputePart(): Promise<null> {
    return null;
  }

  /** No job is ever open here. */
  async awaitComputeParts(): Promise<ComputePartsState> {
    return { staged: 0, open: 0, rows: 0 };
  }

  /** Nothing is ever staged here. */
  async discardStagedMetrics(): Promise<void> {}

  async openImport(partnerId: string): Promise<ImportSession> {
    const release = await this.writerLock.acquire();
    try {
      return await DuckDbImportSession.open(this.db, partnerId, {
        commit: () => this.commit(),
        finished: release,
      });
    } catch (e) {
      release();
      throw e;
    }
  }

  /** A whole store copied in, in one write unit (see Store.load and load-tables.ts). */
  load(rows: (table: StoreTable) => AsyncIterable<readonly string[]>): Promise<Record<StoreTable, number>> {
    return this.write('', () =>
      loadTables(this.db, this.location, path.join(path.dirname(this.location), 'tmp'), rows),
    );
  }
  progress(): number {
    return this.db.progress();
  }

  interrupt(): void {
    this.db.interrupt();
  }

  /** The threads setting the store was opened with (DuckDB's default: every core), read on first use. */
  private ownThreads: number | null = null;

  async limitThreads(threads: number | null): Promise<number> {
    if (threads !== null && (!Number.isInteger(threads) || threads < 1)) {
      throw new AppError('internal', `threads must be a whole number ≥ 1 (got ${threads})`);
    }
    // `threads` is a global setting of the DuckDB instance: SET on any connection changes it for
    // all of them. A pooled connection, counted as a read so no commit runs meanwhile (a commit
    // must find no other transaction open to checkpoint).
    await this.gate.enterRead();
    let conn: DuckDbClient | null = null;
    try {
      conn = await this.pool.acquire();
      const current = async () =>
        Number((await conn?.one<{ t: unknown }>(sql`SELECT current_setting('threads') AS t`))?.t);
      this.ownThreads ??= await current();
      const wanted = threads === null ? this.ownThreads : Math.min(threads, this.ownThreads);
      // A whole number checked above: our own text, no input.
      await conn.exec(`SET GLOBAL threads = ${wanted}`);
      return await current();
    } finally {
      if (conn !== null) this.pool.release(conn);
      this.gate.leaveRead();
    }
  }

  /** The embedded store's one server leaves server.json in the store's directory (local-server.ts). */
  async registerServer(): Promise<ServerRegistration | null> {
    return null;
  }
  async servers(): Promise<RegisteredServer[]> {
    return [];
  }

  async close(): Promise<void> {
    this.pool.close();
    this.db.close();
  }
}

function cancelled(signal: AbortSignal): AppError {
  if (isAppError(signal.reason)) return signal.reason;
  return new AppError('interrupted', 'the work was cancelled: nothing of it was stored');
}
