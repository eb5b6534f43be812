/**
 * Daily series as runs: consecutive days with the same values of a customer × product × workload
 * row become one run [firstDay, lastDay]. A batch of customers is gathered in growable typed
 * columns straight from the engine's block, so 10⁵ rows never become objects on their way to the
 * store.
 */
import {
  activeAt,
  assignedAt,
  type FlatSeries,
  noncountedAt,
  rotationAt,
  soldAt,
  soldOwnAt,
  trialAt,
  unlicensedAt,
  usageAt,
} from './bitset-engine';
import type { SumRunBuilder } from './sum-runs';

/** The run columns, in the store's order: keys, days, then the values. */
export const RUN_COLUMNS = [
  'c',
  'p',
  'w',
  'first_day',
  'last_day',
  'sold',
  'sold_own',
  'assigned',
  'active',
  'rotation',
  'unlicensed',
  'trial_capacity',
  'noncounted_capacity',
  'usage_state',
] as const;

/** One chunk of runs: one array per RUN_COLUMNS entry (`w`, 0: ALL else 1 + index in WORKLOAD_CODES, is a Uint8Array). */
export interface RunChunk {
  readonly count: number;
  readonly columns: readonly (Int32Array | Uint8Array)[];
}

/**
 * The runs of a batch, in chunks of at most CHUNK_RUNS: growing adds a chunk and copies nothing (a
 * copy of 10⁷ runs would hold the event loop for tens of milliseconds).
 */
export interface MetricRuns {
  readonly count: number;
  readonly chunks: readonly RunChunk[];
}

/** Runs per chunk: 14 columns of 2¹⁶ values, 3.5 MB. */
const CHUNK_RUNS = 1 << 16;

const VALUES = 9;

const newColumns = (size: number) =>
  RUN_COLUMNS.map((c) => (c === 'w' ? new Uint8Array(size) : new Int32Array(size)));

export class MetricRunBuilder {
  private readonly full: RunChunk[] = [];
  private cols: (Int32Array | Uint8Array)[];
  /** Runs in the current chunk, and its size (the first chunk may be smaller). */
  private n = 0;
  private cap: number;
  private total = 0;
  /** `capacity`: the expected number of runs (the first chunk's size, at most a chunk). */
  constructor(capacity = 1024) {
    this.cap = Math.min(CHUNK_RUNS, Math.max(16, capacity));
    this.cols = newColumns(this.cap);
  }
  /** Offsets of the 9 value series of the row being written. */
  private readonly at = new Int32Array(VALUES);

  get count(): number {
    return this.total;
  }

  /**
   * Adds the runs of one customer (index `c` in the batch) whose local product i is global
   * product `products[i]`; day 0 of the series is day number `fromDay`. `sums`, when given, gets
   * the same runs and builds the customer's sums (sum-runs.ts).
   */
  add(c: number, products: ArrayLike<number>, f: FlatSeries, fromDay: number, sums?: SumRunBuilder): void {
    const { block, days } = f;
    const at = this.at;
    sums?.begin(c);
    for (let r = 0; r < f.rows; r++) {
      const p = f.rowProduct[r] as number;
      at[0] = soldAt(f, p);
      at[1] = soldOwnAt(f, p);
      at[2] = assignedAt(f, p);
      at[3] = activeAt(f, r);
      at[4] = rotationAt(f, r);
      at[5] = unlicensedAt(f, r);
      at[6] = trialAt(f, p);
      at[7] = noncountedAt(f, p);
      at[8] = usageAt(f, r);
      let start = 0;
      for (let i = 1; i <= days; i++) {
        if (i < days) {
          let same = true;
          for (let k = 0; k < VALUES; k++) {
            const o = at[k] as number;
            if (block[o + i] !== block[o + start]) {
              same = false;
              break;
            }
          }
          if (same) continue;
        }
        this.push(
          c,
          products[p] as number,
          f.rowWorkload[r] as number,
          fromDay + start,
          fromDay + i - 1,
          block,
          start,
        );
        if (sums !== undefined) {
          sums.addRun(
            products[p] as number,
            f.rowWorkload[r] as number,
            fromDay + start,
            fromDay + i - 1,
            block[(at[0] as number) + start] as number,
            block[(at[1] as number) + start] as number,
            block[(at[2] as number) + start] as number,
            block[(at[3] as number) + start] as number,
            block[(at[4] as number) + start] as number,
            block[(at[5] as number) + start] as number,
            block[(at[6] as number) + start] as number,
            block[(at[7] as number) + start] as number,
            block[(at[8] as number) + start] as number,
          );
        }
        start = i;
      }
    }
    sums?.end();
  }

  private push(c: number, p: number, w: number, first: number, last: number, block: Int32Array, day: number) {
    if (this.n === this.cap) {
      this.full.push({ count: this.n, columns: this.cols });
      this.cap = CHUNK_RUNS;
      this.cols = newColumns(this.cap);
      this.n = 0;
    }
    const n = this.n++;
    this.total++;
    const cols = this.cols;
    (cols[0] as Int32Array)[n] = c;
    (cols[1] as Int32Array)[n] = p;
    (cols[2] as Uint8Array)[n] = w;
    (cols[3] as Int32Array)[n] = first;
    (cols[4] as Int32Array)[n] = last;
    for (let k = 0; k < VALUES; k++)
      (cols[5 + k] as Int32Array)[n] = block[(this.at[k] as number) + day] as number;
  }

  runs(): MetricRuns {
    return { count: this.total, chunks: [...this.full, { count: this.n, columns: this.cols }] };
  }
}
