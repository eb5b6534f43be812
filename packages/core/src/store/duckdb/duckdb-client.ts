/**
 * The one place that talks to DuckDB: runs compiled SQL with bound parameters and normalises what
 * comes back at the store edge (BIGINT and DECIMAL → number, DATE → `YYYY-MM-DD`, TIMESTAMP → ISO
 * text), so BigInt never leaks out of the store.
 */

import type { DuckDBMaterializedResult } from '@duckdb/node-api';
import {
  type DuckDBConnection,
  DuckDBDataChunk,
  DuckDBInstance,
  type DuckDBResultReader,
  type DuckDBType,
  DuckDBTypeId,
  type DuckDBValue,
  LIST,
  listValue,
  VARCHAR,
} from '@duckdb/node-api';
import bindings, { type DataChunk } from '@duckdb/node-bindings';
import { AppError, messageOf } from '../../errors';
import { type CompiledSql, compile, type SqlFragment, type SqlValue } from '../sql';
import type { Yield } from '../store';

export type Row = Record<string, unknown>;

export interface DuckDbOptions {
  readonly path: string;
  readonly memoryLimit?: string;
  readonly threads?: number;
  readonly tempDirectory?: string;
}

function toDuckValue(v: SqlValue): DuckDBValue {
  if (Array.isArray(v)) return listValue(v as string[]);
  return v as DuckDBValue;
}

/** A list parameter is a list of text (the only lists `SqlValue` holds), even when empty. */
const TEXT_LIST = LIST(VARCHAR);

/**
 * Parameters as DuckDB binds them. DuckDB infers a parameter's type from its value, which an
 * empty list does not have (bug: a customer filter of no ids — a staff account whose scope holds
 * no customer — failed to bind): such a statement names the types of its lists; every other
 * value's type stays inferred (`bind` passes an undefined type on as "infer").
 */
function bound(params: readonly SqlValue[]): [DuckDBValue[] | undefined, DuckDBType[] | undefined] {
  if (params.length === 0) return [undefined, undefined];
  const values = params.map(toDuckValue);
  if (!params.some((p) => Array.isArray(p) && p.length === 0)) return [values, undefined];
  return [values, params.map((p) => (Array.isArray(p) ? TEXT_LIST : undefined)) as DuckDBType[]];
}

function normaliseRows(reader: DuckDBResultReader): Row[] {
  const rows = reader.getRowObjectsJson() as Row[];
  const types = reader.columnTypes();
  const names = reader.deduplicatedColumnNames();
  const numeric: string[] = [];
  const timestamps: string[] = [];
  types.forEach((t, i) => {
    const name = names[i];
    if (name === undefined) return;
    switch (t.typeId) {
      case DuckDBTypeId.BIGINT:
      case DuckDBTypeId.UBIGINT:
      case DuckDBTypeId.HUGEINT:
      case DuckDBTypeId.UHUGEINT:
      case DuckDBTypeId.DECIMAL:
        numeric.push(name);
        break;
      case DuckDBTypeId.TIMESTAMP:
      case DuckDBTypeId.TIMESTAMP_TZ:
        timestamps.push(name);
        break;
      default:
    }
  });
  if (numeric.length === 0 && timestamps.length === 0) return rows;
  for (const row of rows) {
    for (const name of numeric) {
      const v = row[name];
      if (typeof v === 'string') {
        const n = Number(v);
        if (!Number.isSafeInteger(n) && Number.isInteger(n)) throw new Error(`integer out of range: ${v}`);
        row[name] = n;
      }
    }
    for (const name of timestamps) {
      const v = row[name];
      if (typeof v === 'string') row[name] = `${v.replace(' ', 'T').replace(/\+00(:00)?$/, '')}Z`;
    }
  }
  return rows;
}

export type ColumnKind = 'i32' | 'u32' | 'u8';
export interface TypedColumns {
  readonly rows: number;
  readonly columns: (Int32Array | Uint32Array | Uint8Array)[];
}
/** A query result held natively until copied. */
export interface HeldResult {
  readonly result: DuckDBMaterializedResult;
}

/** `LI_TRACE_SQL=1`: every statement's milliseconds and its first words on stderr (for profiling). */
const TRACE = process.env.LI_TRACE_SQL === '1';
function trace(started: number, text: string): void {
  const ms = (performance.now() - started).toFixed(1).padStart(9);
  process.stderr.write(
    `[sql] ${ms} ms  ${text.replace(/\s+/g, ' ').slice(0, Number(process.env.LI_TRACE_SQL_WIDTH ?? 140))}\n`,
  );
}

/**
 * One connection to a DuckDB database. The client made by `open` owns the database instance;
 * `connect` makes more connections to the same database (readers of the store), each with its own
 * transactions and temporary tables.
 */
export class DuckDbClient {
  private constructor(
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
    private readonly ownsInstance: boolean,
  ) {}

  static async open(options: DuckDbOptions): Promise<DuckDbClient> {
    // checkpoint_threshold 0: every write transaction commits through a checkpoint (data blocks,
    // then the one database header write) instead of through the WAL. DuckDB 1.5 can replay part
    // of a transaction whose WAL write a crash tore (duckdb/duckdb#25931: after a SIGKILL during
    // COMMIT an import's activity was back without its customers); the header write is atomic.
    // A commit while another transaction is open cannot checkpoint and would go through the WAL:
    // the store's commit gate (unit-of-work.ts) lets a commit run only when no read is open.
    const settings: Record<string, string> = { access_mode: 'READ_WRITE', checkpoint_threshold: '0b' };
    if (options.memoryLimit) settings.memory_limit = options.memoryLimit;
    if (options.threads) settings.threads = String(options.threads);
    if (options.tempDirectory) settings.temp_directory = options.tempDirectory;
    try {
      const instance = await DuckDBInstance.create(options.path, settings);
      const connection = await instance.connect();
      return new DuckDbClient(instance, connection, true);
    } catch (e) {
      const msg = messageOf(e);
      if (/lock/i.test(msg)) {
        throw new AppError(
          'store.locked',
          `the store ${options.path} is in use by another process; wait for it to finish (one writer at a time)`,
          [],
          { cause: e },
        );
      }
      throw new AppError('store.unavailable', `cannot open the store ${options.path}: ${msg}`, [], {
        cause: e,
      });
    }
  }

  /** Another connection to the same database (closed on its own; the instance stays with its owner). */
  async connect(): Promise<DuckDbClient> {
    return new DuckDbClient(this.instance, await this.instance.connect(), false);
  }

  private compiled(q: SqlFragment | CompiledSql): CompiledSql {
    return 'text' in q ? q : compile(q);
  }

  /** Runs a statement; returns the number of rows it inserted, updated or deleted. */
  async run(q: SqlFragment | CompiledSql): Promise<number> {
    const { text, params } = this.compiled(q);
    const started = TRACE ? performance.now() : 0;
    const result = await this.connection.run(text, ...bound(params));
    if (TRACE) trace(started, text);
    return result.rowsChanged;
  }

  async all<T extends Row = Row>(q: SqlFragment | CompiledSql): Promise<T[]> {
    const { text, params } = this.compiled(q);
    const started = TRACE ? performance.now() : 0;
    const reader = await this.connection.runAndReadAll(text, ...bound(params));
    if (TRACE) trace(started, text);
    return normaliseRows(reader) as T[];
  }

  async one<T extends Row = Row>(q: SqlFragment | CompiledSql): Promise<T> {
    const rows = await this.all<T>(q);
    const first = rows[0];
    if (first === undefined) throw new Error('query returned no row');
    return first;
  }

  /** Buffers of transient reads, one per column position, reused from read to read. */
  private transient: ArrayBuffer[] = [];

  /**
   * Sizes the transient buffers for a sequence of reads at once (bytes per column position): the
   * largest read then does not replace the buffers the smaller ones filled.
   */
  reserveTransient(bytes: readonly number[]): void {
    bytes.forEach((b, j) => {
      if ((this.transient[j]?.byteLength ?? 0) < b) this.transient[j] = new ArrayBuffer(b);
    });
  }

  /**
   * Reads a query of numeric, non-null columns into typed arrays, one per column: the result is
   * materialised natively, then copied chunk by chunk with the raw bindings (the typed vector
   * wrappers cost more than the copy). `kinds[i]`: i32 (INTEGER, DATE as day numbers), u32, u8.
   *
   * `transient`: the arrays are views of buffers this client reuses, valid until its next
   * transient read (for data consumed at once: fresh memory costs a page fault per 4 KiB, and
   * 10⁸ rows are gigabytes of them).
   */
  async readColumns(
    q: SqlFragment | CompiledSql,
    kinds: readonly ColumnKind[],
    options: { readonly transient?: boolean; readonly yielder?: Yield } = {},
  ): Promise<TypedColumns> {
    return this.copyColumns(await this.query(q), kinds, options);
  }

  /**
   * Runs a query to a result held natively. The next query may run before the result is copied
   * (`copyColumns`): JavaScript work on one result then overlaps the database's work on the next.
   */
  async query(q: SqlFragment | CompiledSql): Promise<HeldResult> {
    const { text, params } = this.compiled(q);
    const started = TRACE ? performance.now() : 0;
    const result = await this.connection.run(text, ...bound(params));
    if (TRACE) trace(started, text);
    return { result };
  }

  /** Copies a held result of numeric, non-null columns into typed arrays (see readColumns). */
  async copyColumns(
    held: HeldResult,
    kinds: readonly ColumnKind[],
    options: { readonly transient?: boolean; readonly yielder?: Yield } = {},
  ): Promise<TypedColumns> {
    const { result } = held;
    const copied = TRACE ? performance.now() : 0;
    const rows = Number(result.rowCount);
    const columns = kinds.map((k, j) => {
      const make = k === 'u8' ? Uint8Array : k === 'u32' ? Uint32Array : Int32Array;
      if (options.transient !== true) return new make(rows);
      const bytes = rows * make.BYTES_PER_ELEMENT;
      let buffer = this.transient[j];
      if (buffer === undefined || buffer.byteLength < bytes) {
        buffer = new ArrayBuffer(Math.max(bytes, Math.ceil((buffer?.byteLength ?? 0) * 1.5)));
        this.transient[j] = buffer;
      }
      return new make(buffer, 0, rows);
    });
    // Each chunk is copied and let go at once (holding them all first doubles the native memory
    // and the garbage collector's work).
    const count = result.chunkCount;
    let at = 0;
    for (let i = 0; i < count; i++) {
      if (options.yielder !== undefined) await options.yielder.slice();
      const chunk: DataChunk = result.getChunk(i).chunk;
      const n = bindings.data_chunk_get_size(chunk);
      for (let j = 0; j < kinds.length; j++) {
        const k = kinds[j];
        const data = bindings.vector_get_data(
          bindings.data_chunk_get_vector(chunk, j),
          n * (k === 'u8' ? 1 : 4),
        );
        const target = columns[j];
        if (target instanceof Uint8Array) target.set(new Uint8Array(data.buffer, data.byteOffset, n), at);
        else if (target instanceof Uint32Array)
          target.set(new Uint32Array(data.buffer, data.byteOffset, n), at);
        else target?.set(new Int32Array(data.buffer, data.byteOffset, n), at);
      }
      at += n;
    }
    if (TRACE) trace(copied, `(copy of ${rows} rows)`);
    return { rows, columns };
  }

  /**
   * Appends numeric columns from typed arrays into a table, 2048 rows a chunk, without a per-value
   * crossing into the native layer. `columns[i]` must match `types[i]` (INTEGER → Int32Array, …).
   */
  async appendTyped(
    table: string,
    schema: string | null,
    catalog: string | null,
    types: readonly DuckDBType[],
    columns: readonly (Int32Array | Uint32Array | Uint8Array | Int16Array)[],
    rows: number,
    yielder?: Yield,
  ): Promise<void> {
    const appender = await this.connection.createAppender(table, schema, catalog);
    const size = 2048;
    for (let off = 0; off < rows; off += size) {
      if (yielder !== undefined) await yielder.slice();
      const n = Math.min(size, rows - off);
      const chunk = DuckDBDataChunk.create(types, n);
      columns.forEach((col, i) => {
        const v = chunk.getColumnVector(i) as unknown as {
          items: { set(src: ArrayLike<number>): void };
          flush(): void;
        };
        v.items.set(col.subarray(off, off + n));
        v.flush();
      });
      appender.appendDataChunk(chunk);
    }
    appender.closeSync();
  }

  /** Runs statements of our own text (migrations, DDL) that take no parameters. */
  async exec(text: string): Promise<void> {
    const started = TRACE ? performance.now() : 0;
    await this.connection.run(text);
    if (TRACE) trace(started, text);
  }

  /** Cancels the running query (it fails with an "Interrupted" error); no effect when idle. */
  interrupt(): void {
    this.connection.interrupt();
  }

  /**
   * Percentage of the running query, or -1 when unknown (for progress bars). DuckDB tracks it only
   * while `enable_progress_bar` is on (the import session turns it on for its lifetime).
   */
  progress(): number {
    try {
      return this.connection.progress.percentage;
    } catch {
      return -1;
    }
  }

  close(): void {
    this.connection.closeSync();
    if (this.ownsInstance) this.instance.closeSync();
  }
}
