/**
 * Per-customer sums as runs: for every customer and day, the sums vector (sums.ts) of its metrics
 * rows in each cell of a partition of those rows — channel side (the product sold by the partner
 * itself that day, `sold_own > 0`, or not) × service (O365, D365, OTHER) × workload (ALL or one).
 * Any view is a sum of cells: `all` adds both sides, `own` takes the own side (SPEC §2 channel
 * views: a product's rows all follow its sold_own, counts stay all channels'); service `*` adds the
 * services. So a portfolio view reads at most a few cells per customer and day (one for most
 * customers), never the day's metrics rows; and a row is counted in one cell only, so the sums
 * take about as many runs as the metrics rows' ALL and workload runs they summarise.
 *
 * Built from the metric runs of one customer as the engine emits them (runs.ts): each run adds its
 * sums over [first, last] to its cell; a sweep over the runs' start and end days (one sort of
 * numbers per customer) gives the cell's sums as maximal runs, skipping days where the cell has no
 * row. Pure; runs in the engine's thread, whichever it is.
 */
import { SERVICE_CODES, type ServiceCode, WORKLOAD_CODES } from '@license-insights/contracts';
import { addRowCounts, F, ROWS } from './sums';

/** Cells: side (0 not own, 1 own) × service × workload (0 ALL, else 1 + index in WORKLOAD_CODES). */
export const SERVICES = SERVICE_CODES;
const NW = WORKLOAD_CODES.length + 1;
const NS = SERVICES.length;
export const CELLS = 2 * NS * NW;

export const cellOf = (own: boolean, service: number, workload: number): number =>
  ((own ? 1 : 0) * NS + service) * NW + workload;
export const cellOwn = (cell: number): boolean => cell >= NS * NW;
export const cellService = (cell: number): number => Math.floor((cell % (NS * NW)) / NW);
export const cellWorkload = (cell: number): number => cell % NW;

/** The index of a service code in SERVICES (an unknown service counts as OTHER). */
export function serviceIndex(service: ServiceCode | string | undefined): number {
  const i = SERVICES.indexOf(service as ServiceCode);
  return i < 0 ? SERVICES.indexOf('OTHER') : i;
}

/** The sum-run columns, in the store's order: keys, days, then the sums (sums.ts SUM_FIELDS). */
export const SUM_RUN_KEY_COLUMNS = ['c', 'cell', 'first_day', 'last_day'] as const;

/** One chunk of sum runs: `c` (batch customer), `cell` (a Uint8Array), first and last day, then F sums columns. */
export interface SumRunChunk {
  readonly count: number;
  readonly columns: readonly (Int32Array | Uint8Array)[];
}

export interface SumRuns {
  readonly count: number;
  readonly chunks: readonly SumRunChunk[];
}

const CHUNK_RUNS = 1 << 16;
const newColumns = (size: number) => [
  new Int32Array(size),
  new Uint8Array(size),
  new Int32Array(size),
  new Int32Array(size),
  ...Array.from({ length: F }, () => new Int32Array(size)),
];

// Event keys: cell · 2⁴¹ + day · 2²⁴ + run · 2 + end (exact in a double: cell < 64, day < 2¹⁷, run < 2²³).
const CELL_UNIT = 2 ** 41;
const DAY_UNIT = 2 ** 24;
const MAX_RUNS = 2 ** 23;

/** A growable scratch array (the batch's customers reuse it). */
class Grow<T extends Int32Array | Float64Array> {
  constructor(
    public a: T,
    private readonly make: (n: number) => T,
  ) {}
  ensure(n: number): T {
    if (this.a.length < n) {
      const b = this.make(Math.max(n, 2 * this.a.length));
      b.set(this.a);
      this.a = b;
    }
    return this.a;
  }
}

export class SumRunBuilder {
  private readonly full: SumRunChunk[] = [];
  private cols: (Int32Array | Uint8Array)[];
  private n = 0;
  private cap: number;
  private total = 0;
  // The current customer: its runs' sums vectors and cells, and the sweep's events.
  private c = -1;
  private nRuns = 0;
  private readonly vals = new Grow(new Int32Array(64 * F), (n) => new Int32Array(n));
  private readonly cells = new Grow(new Int32Array(64), (n) => new Int32Array(n));
  private readonly events = new Grow(new Float64Array(128), (n) => new Float64Array(n));
  private nEvents = 0;
  private readonly cur = new Int32Array(F);

  /**
   * `first`, `days`: the batch's days (day numbers first … first + days − 1); `services[p]`: the
   * service index of the batch's product p; `capacity`: the expected number of runs.
   */
  constructor(
    private readonly first: number,
    private readonly days: number,
    private readonly services: ArrayLike<number>,
    capacity = 1024,
  ) {
    this.cap = Math.min(CHUNK_RUNS, Math.max(16, capacity));
    this.cols = newColumns(this.cap);
  }

  get count(): number {
    return this.total;
  }

  /** Starts customer `c` (its index in the batch). */
  begin(c: number): void {
    this.c = c;
    this.nRuns = 0;
    this.nEvents = 0;
  }

  /**
   * One metric run of the customer: batch product `p`, workload `w` (0 ALL), days first … last
   * (day numbers), its values as stored.
   */
  addRun(
    p: number,
    w: number,
    first: number,
    last: number,
    sold: number,
    soldOwn: number,
    assigned: number,
    active: number,
    rotation: number,
    unlicensed: number,
    trial: number,
    noncounted: number,
    usage: number,
  ): void {
    const i = this.nRuns++;
    if (i >= MAX_RUNS) throw new Error(`more than ${MAX_RUNS} metric runs for one customer`);
    const vals = this.vals.ensure((i + 1) * F);
    vals.fill(0, i * F, (i + 1) * F);
    addRowCounts(
      vals,
      i * F,
      sold,
      soldOwn,
      assigned,
      active,
      rotation,
      unlicensed,
      trial,
      noncounted,
      usage,
    );
    const cell = cellOf(soldOwn > 0, this.services[p] as number, w);
    this.cells.ensure(i + 1)[i] = cell;
    const ev = this.events.ensure(this.nEvents + 2);
    ev[this.nEvents++] = cell * CELL_UNIT + (first - this.first) * DAY_UNIT + i * 2;
    if (last - this.first + 1 < this.days)
      ev[this.nEvents++] = cell * CELL_UNIT + (last - this.first + 1) * DAY_UNIT + i * 2 + 1;
  }

  /** Ends the customer: its cells' sums as maximal runs over the days where the cell has rows. */
  end(): void {
    const ev = this.events.a.subarray(0, this.nEvents).sort();
    const vals = this.vals.a;
    const cur = this.cur;
    let e = 0;
    while (e < ev.length) {
      const cell = Math.floor((ev[e] as number) / CELL_UNIT);
      cur.fill(0);
      let start = -1;
      // The last run written for this cell (to extend when the next segment holds equal sums).
      let open = false;
      while (e < ev.length && Math.floor((ev[e] as number) / CELL_UNIT) === cell) {
        const rest = (ev[e] as number) - cell * CELL_UNIT;
        const day = Math.floor(rest / DAY_UNIT);
        if (start >= 0 && day > start) open = this.segment(cell, start, day - 1, open);
        // Every event of this cell and day.
        while (e < ev.length) {
          const k = (ev[e] as number) - cell * CELL_UNIT;
          if (k < 0 || k >= CELL_UNIT || Math.floor(k / DAY_UNIT) !== day) break;
          const x = k - day * DAY_UNIT;
          const run = x >>> 1;
          const sign = (x & 1) === 1 ? -1 : 1;
          for (let f = 0; f < F; f++) cur[f] = (cur[f] as number) + sign * (vals[run * F + f] as number);
          e++;
        }
        start = day;
      }
      if (start >= 0 && start < this.days) this.segment(cell, start, this.days - 1, open);
    }
    this.c = -1;
  }

  /** Writes (or extends) the cell's run over day offsets a … b; returns whether a run is open to extend. */
  private segment(cell: number, a: number, b: number, open: boolean): boolean {
    const cur = this.cur;
    if ((cur[ROWS] as number) === 0) return false;
    if (open) {
      // The previous run of this cell ends at a − 1: extend it when its sums are the same.
      const previous = this.full[this.full.length - 1];
      const cols = this.n > 0 || previous === undefined ? this.cols : previous.columns;
      const at = this.n > 0 || previous === undefined ? this.n - 1 : previous.count - 1;
      let same = true;
      for (let f = 0; f < F; f++) {
        if ((cols[4 + f] as Int32Array)[at] !== cur[f]) {
          same = false;
          break;
        }
      }
      if (same) {
        (cols[3] as Int32Array)[at] = this.first + b;
        return true;
      }
    }
    if (this.n === this.cap) {
      this.full.push({ count: this.n, columns: this.cols });
      this.cap = CHUNK_RUNS;
      this.cols = newColumns(this.cap);
      this.n = 0;
    }
    const n = this.n++;
    this.total++;
    const cols = this.cols;
    (cols[0] as Int32Array)[n] = this.c;
    (cols[1] as Uint8Array)[n] = cell;
    (cols[2] as Int32Array)[n] = this.first + a;
    (cols[3] as Int32Array)[n] = this.first + b;
    for (let f = 0; f < F; f++) (cols[4 + f] as Int32Array)[n] = cur[f] as number;
    return true;
  }

  result(): SumRuns {
    return { count: this.total, chunks: [...this.full, { count: this.n, columns: this.cols }] };
  }
}

/**
 * The sums of metric runs written by other means than the engine (the store suite writes runs by
 * hand): the runs grouped by customer, in customer order. `first`, `days`: the runs' days.
 */
export function sumRunsOf(
  runs: {
    readonly chunks: readonly { readonly count: number; readonly columns: readonly ArrayLike<number>[] }[];
  },
  first: number,
  days: number,
  services: ArrayLike<number>,
): SumRuns {
  const all: number[][] = [];
  for (const chunk of runs.chunks)
    for (let i = 0; i < chunk.count; i++) all.push(chunk.columns.map((col) => col[i] as number));
  // Columns as runs.ts RUN_COLUMNS: c, p, w, first_day, last_day, then the 9 values.
  all.sort((a, b) => (a[0] as number) - (b[0] as number));
  const builder = new SumRunBuilder(first, days, services, Math.max(16, all.length));
  for (let i = 0; i < all.length; ) {
    const c = all[i]?.[0] as number;
    builder.begin(c);
    for (; i < all.length && all[i]?.[0] === c; i++) {
      const r = all[i] as number[];
      const v = (k: number) => r[k] as number;
      builder.addRun(v(1), v(2), v(3), v(4), v(5), v(6), v(7), v(8), v(9), v(10), v(11), v(12), v(13));
    }
    builder.end();
  }
  return builder.result();
}
