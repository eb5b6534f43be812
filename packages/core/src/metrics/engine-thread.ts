/**
 * The compute's side of the engine's worker thread (engine-worker.ts): one thread per compute,
 * started on first use, given one batch at a time in slices of customers; a cancel terminates it
 * (nothing it computed is kept: the compute's unit of work rolls back).
 */
import { Worker } from 'node:worker_threads';
import { AppError } from '../errors';
import type { Yield } from '../store/store';
import type { EngineBatch, EngineBatchResult, EngineMessage } from './engine-batch';

type Reply =
  | { readonly kind: 'progress'; readonly done: number }
  | { readonly kind: 'done'; readonly result: EngineBatchResult }
  | { readonly kind: 'failed'; readonly message: string };

/** Customers per message to the worker (each message is cloned on this thread: keep it small). */
const SLICE = 128;

export class EngineThread {
  private worker: Worker | null = null;

  /**
   * Computes a batch in the worker, sending its customers in slices (yielding between them). The
   * batch's typed arrays should live in shared memory: a slice then sends views, not buffers.
   */
  async run(
    batch: EngineBatch,
    onProgress: (done: number) => void,
    y: Yield,
    signal?: AbortSignal,
  ): Promise<EngineBatchResult> {
    signal?.throwIfAborted();
    const worker = this.start();
    const result = this.reply(worker, onProgress, signal);
    result.catch(() => undefined); // awaited below; a failure while sending must not go unhandled
    const send = (m: EngineMessage) => worker.postMessage(m);
    send({
      kind: 'begin',
      first: batch.first,
      days: batch.days,
      capacity: batch.capacity,
      services: batch.services,
    });
    for (let i = 0; i < batch.customers.length; i += SLICE) {
      await y.slice();
      send({ kind: 'customers', customers: batch.customers.slice(i, i + SLICE) });
    }
    send({ kind: 'end' });
    return result;
  }

  private reply(
    worker: Worker,
    onProgress: (done: number) => void,
    signal?: AbortSignal,
  ): Promise<EngineBatchResult> {
    return new Promise<EngineBatchResult>((resolve, reject) => {
      const settle = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        signal?.removeEventListener('abort', onAbort);
      };
      const onMessage = (m: Reply) => {
        if (m.kind === 'progress') onProgress(m.done);
        else {
          settle();
          if (m.kind === 'done') resolve(m.result);
          else reject(new AppError('internal', `the metric engine failed: ${m.message}`));
        }
      };
      const onError = (e: Error) => {
        settle();
        this.worker = null;
        reject(new AppError('internal', `the metric engine's thread failed: ${e.message}`, [], { cause: e }));
      };
      const onExit = (code: number) => {
        settle();
        this.worker = null;
        reject(
          signal?.aborted
            ? signal.reason
            : new AppError('internal', `the metric engine's thread ended (${code})`),
        );
      };
      const onAbort = () => {
        void this.worker?.terminate();
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      signal?.addEventListener('abort', onAbort);
    });
  }

  private start(): Worker {
    this.worker ??= new Worker(new URL('./engine-worker-entry.mjs', import.meta.url));
    return this.worker;
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w !== null) await w.terminate();
  }
}
