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

export interface MetricRuns {
  readonly count: number;
  /** One array per RUN_COLUMNS entry; `w` (0: ALL, else 1 + index in WORKLOAD_CODES) is a Uint8Array. */
  readonly columns: readonly (Int32Array | Uint8Array)[];
}

const VALUES = 9;

export class MetricRunBuilder {
  private cap: number;
  private n = 0;
  private cols: (Int32Array | Uint8Array)[];
  /** `capacity`: the expected number of runs (growing copies them all, into fresh memory). */
  constructor(capacity = 1024) {
    this.cap = Math.max(16, capacity);
    this.cols = RUN_COLUMNS.map((c) => (c === 'w' ? new Uint8Array(this.cap) : new Int32Array(this.cap)));
  }
  /** Offsets of the 9 value series of the row being written. */
  private readonly at = new Int32Array(VALUES);

  get count(): number {
    return this.n;
  }

  /**
   * Adds the runs of one customer (index `c` in the batch) whose local product i is global
   * product `products[i]`; day 0 of the series is day number `fromDay`.
   */
  add(c: number, products: ArrayLike<number>, f: FlatSeries, fromDay: number): void {
    const { block, days } = f;
    const at = this.at;
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
        start = i;
      }
    }
  }

  private push(c: number, p: number, w: number, first: number, last: number, block: Int32Array, day: number) {
    if (this.n === this.cap) {
      this.cap *= 2;
      this.cols = this.cols.map((col) => {
        const next = col instanceof Uint8Array ? new Uint8Array(this.cap) : new Int32Array(this.cap);
        next.set(col);
        return next;
      });
    }
    const n = this.n++;
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
    return { count: this.n, columns: this.cols };
  }
}
