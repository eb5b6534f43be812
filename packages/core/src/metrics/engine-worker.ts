/**
 * The metric engine in a worker thread: the compute's thread stays free for the store's I/O and
 * for the requests of a server, while this thread turns a batch into runs. Messages in: `begin`
 * (days, expected runs), `customers` (a slice of the batch: its typed arrays live in shared memory,
 * so a slice is small to send), `end`. Out: progress every 256 customers, then the runs (their
 * buffers moved).
 */
import { parentPort } from 'node:worker_threads';
import { EngineBatchComputation, type EngineMessage, resultBuffers } from './engine-batch';

const port = parentPort;
if (port === null) throw new Error('engine-worker.ts runs in a worker thread');
let computation: EngineBatchComputation | null = null;
port.on('message', (m: EngineMessage) => {
  try {
    if (m.kind === 'begin') computation = new EngineBatchComputation(m.first, m.days, m.capacity, m.services);
    else if (computation === null) throw new Error(`${m.kind} before begin`);
    else if (m.kind === 'customers') {
      const before = computation.done;
      computation.add(m.customers);
      if (before >>> 8 !== computation.done >>> 8)
        port.postMessage({ kind: 'progress', done: computation.done });
    } else {
      const result = computation.result();
      computation = null;
      port.postMessage({ kind: 'done', result }, resultBuffers(result));
    }
  } catch (e) {
    port.postMessage({ kind: 'failed', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
});
