/**
 * The engine over a batch of customers: each customer's series straight into the batch's run
 * columns (no series objects per row). Runs in the compute's thread (`computeBatchInline`, yielding
 * between customers) or in a worker thread (`engine-worker.ts`): same code, same runs.
 */
import type { WorkloadCode } from '@license-insights/contracts';
import { type BitsetInput, computeCustomerFlat, EngineScratch } from './bitset-engine';
import { MetricRunBuilder, type MetricRuns } from './runs';
import { SumRunBuilder, type SumRuns } from './sum-runs';

/** One customer of a batch: its engine input, and the batch-wide index of each of its products. */
export interface BatchCustomer {
  readonly input: BitsetInput;
  readonly global: readonly number[];
}

export interface EngineBatch {
  readonly customers: readonly BatchCustomer[];
  /** First day (day number) and number of days computed. */
  readonly first: number;
  readonly days: number;
  /** Expected runs (the first chunk's size). */
  readonly capacity: number;
  /** The service (index in sum-runs.ts SERVICES) of each batch-wide product. */
  readonly services: Uint8Array;
}

export interface EngineBatchResult {
  readonly runs: MetricRuns;
  /** The customers' sums per cell (sum-runs.ts), from the same runs. */
  readonly sums: SumRuns;
  /** Metric rows computed (days × rows). */
  readonly rows: number;
}

/** The products of a customer as the engine sees them (catalog workloads). */
export type EngineProducts = BitsetInput['products'];

export type { WorkloadCode };

/** A batch computed customer by customer, as its customers come (in this thread or a worker). */
export class EngineBatchComputation {
  private readonly runs: MetricRunBuilder;
  private readonly sums: SumRunBuilder;
  private readonly scratch = new EngineScratch();
  private rows = 0;
  done = 0;

  constructor(
    private readonly first: number,
    private readonly days: number,
    capacity: number,
    services: Uint8Array,
  ) {
    this.runs = new MetricRunBuilder(capacity);
    this.sums = new SumRunBuilder(first, days, services, capacity);
  }

  add(customers: readonly BatchCustomer[]): void {
    for (const c of customers) {
      const out = computeCustomerFlat(c.input, this.first, this.days, this.scratch);
      this.rows += out.rows * this.days;
      this.runs.add(this.done, c.global, out, this.first, this.sums);
      this.done++;
    }
  }

  result(): EngineBatchResult {
    return { runs: this.runs.runs(), sums: this.sums.result(), rows: this.rows };
  }
}

/** Messages to the engine's worker thread. */
export type EngineMessage =
  | {
      readonly kind: 'begin';
      readonly first: number;
      readonly days: number;
      readonly capacity: number;
      readonly services: Uint8Array;
    }
  | { readonly kind: 'customers'; readonly customers: readonly BatchCustomer[] }
  | { readonly kind: 'end' };

/**
 * Computes the batch here, calling `between(done)` before each customer (where the caller may
 * yield, report progress or stop).
 */
export async function computeBatch(
  batch: EngineBatch,
  between: (done: number) => Promise<void> | void,
): Promise<EngineBatchResult> {
  const computation = new EngineBatchComputation(batch.first, batch.days, batch.capacity, batch.services);
  for (const c of batch.customers) {
    await between(computation.done);
    computation.add([c]);
  }
  await between(computation.done);
  return computation.result();
}

/** The buffers behind a result's run columns. */
export function resultBuffers(r: EngineBatchResult): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const chunk of [...r.runs.chunks, ...r.sums.chunks])
    for (const col of chunk.columns) if (col.buffer instanceof ArrayBuffer) out.add(col.buffer);
  return [...out];
}
