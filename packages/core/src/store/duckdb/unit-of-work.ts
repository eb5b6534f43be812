/**
 * Units of work on one DuckDB database: readers on pooled connections, one writer at a time, and
 * a commit that waits until no read is open.
 *
 * Why the commit waits: every write commits through a checkpoint, not the WAL, because DuckDB 1.5
 * can replay part of a transaction whose WAL write a crash tore (duckdb/duckdb#25931, open). A
 * commit checkpoints only when no other transaction is open; otherwise it falls back to the WAL. So
 * a commit closes the gate (new reads wait), waits for the open reads to end — at most `boundMs`,
 * then it fails with `store.busy` and the unit rolls back, never a half-crash-safe commit — commits,
 * and opens the gate again. Reads are snapshots (DuckDB's MVCC): a read sees the state before or
 * after a unit of work, never half of one.
 */
import { AppError } from '../../errors';
import type { DuckDbClient } from './duckdb-client';

/** One writer at a time, in arrival order. */
export class WriterLock {
  private tail: Promise<void> = Promise.resolve();
  private holders = 0;

  /** Waits for the earlier writers; the returned function releases the lock (once). */
  async acquire(): Promise<() => void> {
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const before = this.tail;
    this.tail = before.then(() => mine);
    await before;
    this.holders++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holders--;
      release();
    };
  }

  get busy(): boolean {
    return this.holders > 0;
  }
}

/** Open reads and the commits that must wait for them. */
export class CommitGate {
  private open = 0;
  private closed: Promise<void> | null = null;
  private drained: (() => void)[] = [];

  /** Counts a read in; waits while a commit runs. */
  async enterRead(): Promise<void> {
    while (this.closed !== null) await this.closed;
    this.open++;
  }

  leaveRead(): void {
    this.open--;
    if (this.open === 0) for (const resolve of this.drained.splice(0)) resolve();
  }

  get openReads(): number {
    return this.open;
  }

  /**
   * Runs `commit` when no read is open: new reads wait from now on; open ones get `boundMs` to end.
   * On timeout nothing is committed: `store.busy`.
   */
  async exclusive<T>(boundMs: number, commit: () => Promise<T>): Promise<T> {
    let reopen!: () => void;
    this.closed = new Promise<void>((resolve) => {
      reopen = resolve;
    });
    try {
      if (this.open > 0) await this.waitForReads(boundMs);
      return await commit();
    } finally {
      this.closed = null;
      reopen();
    }
  }

  private waitForReads(boundMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.drained = this.drained.filter((d) => d !== done);
        reject(
          new AppError(
            'store.busy',
            `the write waited ${Math.round(boundMs / 1000)} s for ${this.open} open read${this.open === 1 ? '' : 's'} of the store to end and was not committed: nothing was stored`,
          ),
        );
      }, boundMs);
      this.drained.push(done);
    });
  }
}

/** Reader connections, made on demand up to `max`, reused; more readers wait for one. */
export class ConnectionPool {
  private readonly idle: DuckDbClient[] = [];
  private readonly waiting: ((c: DuckDbClient) => void)[] = [];
  private made = 0;
  private closed = false;

  constructor(
    private readonly main: DuckDbClient,
    private readonly max: number,
  ) {}

  async acquire(): Promise<DuckDbClient> {
    if (this.closed) throw new AppError('store.unavailable', 'the store is closed');
    const c = this.idle.pop();
    if (c !== undefined) return c;
    if (this.made < this.max) {
      this.made++;
      try {
        return await this.main.connect();
      } catch (e) {
        this.made--;
        throw e;
      }
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(c: DuckDbClient): void {
    const next = this.waiting.shift();
    if (next !== undefined) next(c);
    else if (this.closed) c.close();
    else this.idle.push(c);
  }

  close(): void {
    this.closed = true;
    for (const c of this.idle.splice(0)) c.close();
  }
}
