/**
 * Use-case: bring a partner's daily metrics up to date — a job in one write unit of the store.
 * Days covered: the partner's activity data, first to last day. Incremental by default: only
 * customers whose data changed (marked by imports), from the first changed day; all customers for
 * days newly covered. `full` recomputes everything.
 *
 * As a job: it reads and writes in one transaction, so readers see the metrics before or after
 * it, never half; it yields to the event loop in slices (a server keeps answering), reports its
 * progress, and stops on `signal` — a cancelled, failed or killed compute leaves the stored
 * metrics as they were. Its scratch memory belongs to it alone.
 *
 * Split (`parts` ≥ 2, a store with several connections: PostgreSQL): the job's coordinator opens
 * the partner's write unit as an unsplit compute does — the partner's lock is held from before
 * any part reads until the publish commits, so no import of the partner commits meanwhile and
 * every part reads the same data — and decides plan and scope once. The scope's customers are
 * split by a stable hash of their id into `parts` shares, opened as a job whose parts workers
 * claim: the coordinator's own (`workers`, by default one per part, all at once) and any worker of
 * another process that joins (`joinComputeJobs`). A worker loads its part's share, runs the
 * engine and stages its runs and sums under the job in a unit of its own (`stageComputePart`:
 * its own connection, its own engine thread); a worker that fails or dies rolls back and its
 * part is open again for another (the coordinator's workers claim what is left). When every
 * part has staged, the coordinator publishes in its write unit: the customers' metrics replaced
 * from the first recomputed day as one unsplit write replaces them, dirty marks and computed
 * range, the staging rows deleted — one commit, so a page never shows new customer numbers
 * beside old portfolio sums. The metrics are exactly those of an unsplit compute: the engine computes each customer
 * alone, and the publish applies the same replace rules to the union of the parts' runs. A part
 * of the coordinator's workers that fails or is cancelled stops the others; nothing is published
 * and the job and its staging rows are deleted.
 */
import { randomUUID } from 'node:crypto';
import type {
  CatalogProduct,
  ComputeProgress,
  ComputeReport,
  ComputeRequest as ComputeRequestData,
} from '@license-insights/contracts';
import { effectiveCatalog, shippedCatalog } from '../catalog/catalog';
import { addDays, dayOf, formatDay } from '../dates';
import { AppError } from '../errors';
import { Yielder } from '../jobs/yielder';
import { WINDOW_DAYS } from '../metrics/definitions';
import { type BatchCustomer, computeBatch } from '../metrics/engine-batch';
import { EngineThread } from '../metrics/engine-thread';
import type { MetricRuns } from '../metrics/runs';
import { type SumRuns, serviceIndex } from '../metrics/sum-runs';
import type {
  ClaimedPart,
  ComputeJobSpec,
  DailyMetricsWrite,
  MetricsPlan,
  StagingUnit,
  Store,
  StoreWriter,
} from '../store/store';

export type { ComputeProgress, ComputeReport } from '@license-insights/contracts';

/** What to compute (contracts `computeRequestSchema`), who hears of its progress, what stops it. */
export type ComputeRequest = ComputeRequestData & {
  readonly onProgress?: (p: ComputeProgress) => void;
  /** Stops the compute: nothing of it is stored. */
  readonly signal?: AbortSignal;
  /** Longest stretch of work between two yields to the event loop (ms; default 2). */
  readonly sliceMs?: number;
  /**
   * Where the engine runs: a worker thread, here (yielding between customers), or `auto` (the
   * default: a worker thread from 200 000 customer-days on). The runs are the same.
   */
  readonly engine?: 'worker' | 'inline' | 'auto';
  /**
   * Workers the compute is split into (default 1: one worker, in the write unit). From 2 on, the
   * store runs each part in a unit of its own (PostgreSQL; the embedded store refuses) and the
   * coordinator publishes their staged metrics together; the metrics are the same.
   */
  readonly parts?: number;
  /**
   * Workers of this process a split compute runs at once (default: one per part). Fewer leave
   * parts to workers of other processes (`joinComputeJobs`); what no one else claims, these claim
   * in turn.
   */
  readonly workers?: number;
  /**
   * A split compute calls it when every part has staged and before it publishes (tests read the
   * live metrics here: still the old ones). A throw fails the compute: nothing is published.
   */
  readonly onStaged?: () => Promise<void>;
};

/** What to recompute: everyone or some customers, from which day, over which days. */
interface ComputeScope {
  readonly full: boolean;
  /** null: every customer of the partner. */
  readonly customers: readonly string[] | null;
  readonly fromDay: string;
  readonly firstDay: string;
  readonly lastDay: string;
}

export async function computeMetrics(store: Store, req: ComputeRequest): Promise<ComputeReport> {
  const parts = req.parts ?? 1;
  if (!Number.isInteger(parts) || parts < 1 || parts > MAX_PARTS)
    throw new AppError(
      'usage.invalid_argument',
      `a compute is split into 1 to ${MAX_PARTS} parts, not ${String(req.parts)}`,
    );
  // Refused up front, not only when there is something to compute (the answer must not depend on it).
  if (parts > 1 && store.engine === 'duckdb')
    throw new AppError(
      'usage.invalid_argument',
      'the embedded store computes metrics in one worker: a compute split into parts needs a shared store (PostgreSQL, --store)',
    );
  const workers = req.workers ?? parts;
  if (!Number.isInteger(workers) || workers < 1)
    throw new AppError(
      'usage.invalid_argument',
      `a split compute runs at least one worker here, not ${String(req.workers)}`,
    );
  return store.write(
    req.partnerId,
    (tx) => computeIn(store, tx, req, parts),
    req.signal ? { signal: req.signal } : {},
  );
}

/** Parts a compute is split into at most (each holds a connection and an engine thread). */
export const MAX_PARTS = 64;

/** The compute inside the caller's write unit. */
async function computeIn(
  store: Store,
  tx: StoreWriter,
  req: ComputeRequest,
  parts: number,
): Promise<ComputeReport> {
  const started = performance.now();
  const phases = { load: 0, engine: 0, write: 0 };
  let clock = performance.now();
  const lap = (phase: keyof typeof phases) => {
    const now = performance.now();
    phases[phase] += (now - clock) / 1000;
    clock = now;
  };
  const report = (r: Omit<ComputeReport, 'seconds' | 'phases'>): ComputeReport => ({
    ...r,
    seconds: (performance.now() - started) / 1000,
    phases,
  });
  const plan = await tx.metricsPlan(req.partnerId);
  if (plan.activity === null) {
    return report({
      mode: 'no_activity',
      customers: 0,
      firstDay: null,
      lastDay: null,
      fromDay: null,
      rows: 0,
    });
  }
  const scope = await scopeOf(tx, req, plan, plan.activity);
  if (scope === null) {
    const { firstDay, lastDay } = plan.activity;
    return report({ mode: 'up_to_date', customers: 0, firstDay, lastDay, fromDay: null, rows: 0 });
  }
  if (scope.full) await tx.markAllMetricsDirty(req.partnerId, scope.firstDay);
  const all = scope.customers ?? (await tx.customerIds(req.partnerId));
  const y = new Yielder(req.sliceMs ?? 2, req.signal);
  // What every write of the job says besides its runs (the same for each batch and each part).
  const range = {
    fromDay: dayOf(scope.fromDay),
    previousLastDay: scope.full || plan.computed === null ? null : dayOf(plan.computed.lastDay),
    days: dayOf(scope.lastDay) - dayOf(scope.fromDay) + 1,
    firstDay: dayOf(scope.firstDay),
    lastDay: dayOf(scope.lastDay),
  };
  let rows: number;
  if (parts === 1) {
    const catalog = new Map(
      effectiveCatalog(shippedCatalog().products, await tx.partnerProducts(req.partnerId)).map((p) => [
        p.productId,
        p,
      ]),
    );
    // One batch up to 20 000 customers: the activity table is read once (a batch re-reads it).
    const batchSize = req.batchSize ?? 20_000;
    const wholePartner = scope.customers === null && all.length <= batchSize;
    rows = await withEngine(req, all.length, scope, (engine) =>
      eachBatch(
        tx,
        req,
        scope,
        catalog,
        all,
        wholePartner,
        engine,
        y,
        lap,
        progressOf(req, all.length),
        (b, w) =>
          tx.writeDailyMetrics(
            req.partnerId,
            { ...range, ...w, replaceAll: scope.full && b === 0, allCustomers: wholePartner },
            y,
          ),
      ),
    );
  } else {
    rows = await computeSplit(store, tx, req, scope, all, parts, range, y, phases);
  }
  req.onProgress?.({ phase: 'committing', done: all.length, total: all.length });
  return report({
    mode: scope.full ? 'full' : 'incremental',
    customers: all.length,
    firstDay: scope.firstDay,
    lastDay: scope.lastDay,
    fromDay: scope.fromDay,
    rows,
  });
}

/** Customer-days from which a compute runs its engine in a worker thread (`engine: 'auto'`). */
const WORKER_FROM = 200_000;

/** What a write says besides its runs (the job's days: `DailyMetricsWrite` without the batch). */
type WriteRange = Pick<DailyMetricsWrite, 'fromDay' | 'previousLastDay' | 'days' | 'firstDay' | 'lastDay'>;

/** A computed batch as written or staged: its customers, products, runs and sums. */
type BatchWrite = Pick<DailyMetricsWrite, 'customerIds' | 'productIds' | 'runs' | 'sums'>;

type Lap = (phase: 'load' | 'engine' | 'write') => void;
type Progress = (phase: ComputeProgress['phase'], done: number) => void;

/** The job's progress as one worker's. */
function progressOf(req: ComputeRequest, total: number): Progress {
  return (phase, done) => req.onProgress?.({ phase, done: Math.min(total, done), total });
}

/**
 * Runs `work` with the engine in a worker thread when there is much to compute (starting it
 * costs a few hundred milliseconds: a daily update of one day computes here, yielding between
 * customers); the thread ends with the work.
 */
async function withEngine<T>(
  req: ComputeRequest,
  customers: number,
  scope: ComputeScope,
  work: (engine: { readonly thread: EngineThread | null }) => Promise<T>,
): Promise<T> {
  const days = dayOf(scope.lastDay) - dayOf(scope.fromDay) + 1;
  const threaded =
    customers > 0 &&
    (req.engine === 'worker' || (req.engine !== 'inline' && customers * days >= WORKER_FROM));
  const engine = { thread: threaded ? new EngineThread() : null };
  try {
    return await work(engine);
  } finally {
    await engine.thread?.close();
  }
}

/**
 * Load → engine → write, batch by batch, over some customers: the unsplit compute's customers in
 * its write unit, or a part's in its staging unit (`write` says where the batch goes). Returns the
 * metric rows computed. `wholePartner`: the customers are all the partner's and fit in one batch,
 * read without an id list.
 */
async function eachBatch(
  source: { loadMetricData: StoreWriter['loadMetricData'] },
  req: ComputeRequest,
  scope: ComputeScope,
  catalog: ReadonlyMap<string, CatalogProduct>,
  customers: readonly string[],
  wholePartner: boolean,
  engine: { readonly thread: EngineThread | null },
  y: Yielder,
  lap: Lap,
  progress: Progress,
  write: (b: number, batch: BatchWrite) => Promise<void>,
): Promise<number> {
  const batchSize = req.batchSize ?? 20_000;
  let rows = 0;
  for (let b = 0; b < customers.length; b += batchSize) {
    const batch = customers.slice(b, b + batchSize);
    progress('loading', b);
    lap('load');
    const data = await source.loadMetricData(
      req.partnerId,
      wholePartner ? null : batch,
      formatDay(dayOf(scope.fromDay) - WINDOW_DAYS + 1),
      y,
    );
    lap('load');
    const computed = await engineBatch(data, catalog, scope, engine, y, req.signal, (done) =>
      progress('computing', b + done),
    );
    rows += computed.rows;
    lap('engine');
    progress('writing', b + batch.length);
    await write(b, {
      customerIds: data.map((c) => c.customerId),
      productIds: computed.productIds,
      runs: computed.runs,
      sums: computed.sums,
    });
    lap('write');
  }
  return rows;
}

/**
 * The customers in `parts` shares by a stable hash of their id (FNV-1a): a customer falls in the
 * same part of every job split alike, whatever else the scope holds. Each share keeps the
 * scope's order.
 */
export function splitCustomers(customers: readonly string[], parts: number): string[][] {
  const shares: string[][] = Array.from({ length: parts }, () => []);
  for (const id of customers) {
    let h = 0x811c9dc5;
    for (let i = 0; i < id.length; i++) {
      h ^= id.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    (shares[(h >>> 0) % parts] as string[]).push(id);
  }
  return shares;
}

/**
 * The split compute (see the head of this file): the job opened with its parts, which workers
 * claim — `workers` of this process, all at once, and any of other processes that join
 * (`joinComputeJobs`) — each staging its part in a unit of its own; when every part has staged,
 * the job is published in the coordinator's unit `tx`. Returns the metric rows computed. The
 * phases are the slowest local worker's (the workers run side by side), the publish counted as
 * writing.
 */
async function computeSplit(
  store: Store,
  tx: StoreWriter,
  req: ComputeRequest,
  scope: ComputeScope,
  all: readonly string[],
  parts: number,
  range: WriteRange,
  y: Yielder,
  phases: { load: number; engine: number; write: number },
): Promise<number> {
  const jobId = randomUUID();
  const job = { partnerId: req.partnerId, jobId };
  const spec: ComputeJobSpec = {
    fromDay: scope.fromDay,
    firstDay: scope.firstDay,
    lastDay: scope.lastDay,
    batchSize: req.batchSize ?? null,
    engine: req.engine ?? 'auto',
  };
  // A failing worker stops the others (their units roll back): the job has failed already.
  const failed = new AbortController();
  const signal = req.signal ? AbortSignal.any([req.signal, failed.signal]) : failed.signal;
  const workers = Math.min(parts, req.workers ?? parts);
  const done = new Map<number, number>();
  const workerPhases = Array.from({ length: workers }, () => ({ load: 0, engine: 0, write: 0 }));
  try {
    await store.openComputeJob(req.partnerId, jobId, spec, splitCustomers(all, parts));
    // Workers claim parts until none is open; parts given back (a worker of another process
    // died) are open again once its unit has rolled back, and claimed here then.
    for (;;) {
      const outcomes = await Promise.allSettled(
        workerPhases.map(async (own) => {
          for (;;) {
            const claimed = await store
              .stageComputePart(
                job,
                (unit, part) =>
                  runPart(unit, part, {
                    signal,
                    sliceMs: req.sliceMs,
                    own,
                    progress: (phase, n) => {
                      done.set(part.part, n);
                      let sum = 0;
                      for (const v of done.values()) sum += v;
                      req.onProgress?.({ phase, done: Math.min(all.length, sum), total: all.length });
                    },
                  }),
                { signal },
              )
              .catch((e: unknown) => {
                if (!failed.signal.aborted) failed.abort(e);
                throw e;
              });
            if (claimed === null) return;
          }
        }),
      );
      // The first failure is the job's (the others' cancels followed from it).
      if (outcomes.some((o) => o.status === 'rejected')) throw failed.signal.reason;
      const state = await store.awaitComputeParts(req.partnerId, jobId, { signal });
      if (state.staged === parts) {
        for (const phase of ['load', 'engine', 'write'] as const)
          phases[phase] = Math.max(...workerPhases.map((p) => p[phase]));
        await req.onStaged?.();
        const publishing = performance.now();
        req.onProgress?.({ phase: 'writing', done: all.length, total: all.length });
        await tx.publishStagedMetrics(
          req.partnerId,
          jobId,
          { ...range, replaceAll: scope.full, allCustomers: scope.customers === null, parts },
          y,
        );
        phases.write += (performance.now() - publishing) / 1000;
        return state.rows;
      }
    }
  } catch (e) {
    // Nothing published (the coordinator's unit rolls back); the job and its staged rows go now,
    // in a unit of their own, while the partner's lock still keeps the next job of the partner
    // waiting.
    await store.discardStagedMetrics(req.partnerId, jobId).catch(() => undefined);
    throw e;
  }
}

/**
 * One claimed part in its staging unit: its customers loaded, computed and staged batch by
 * batch, with the job's days and engine and the partner's catalog as the part's snapshot shows it
 * (the same as the coordinator's: the partner's lock keeps every import out). Returns the metric
 * rows computed.
 */
async function runPart(
  unit: StagingUnit,
  part: ClaimedPart,
  options: {
    readonly signal?: AbortSignal | undefined;
    readonly sliceMs?: number | undefined;
    readonly own?: { load: number; engine: number; write: number };
    readonly progress?: Progress;
  },
): Promise<number> {
  const { spec } = part;
  const scope: ComputeScope = {
    full: false,
    customers: part.customers,
    fromDay: spec.fromDay,
    firstDay: spec.firstDay,
    lastDay: spec.lastDay,
  };
  const req: ComputeRequest = {
    partnerId: part.partnerId,
    engine: spec.engine,
    ...(spec.batchSize === null ? {} : { batchSize: spec.batchSize }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  };
  const catalog = new Map(
    effectiveCatalog(shippedCatalog().products, await unit.partnerProducts(part.partnerId)).map((p) => [
      p.productId,
      p,
    ]),
  );
  const own = options.own ?? { load: 0, engine: 0, write: 0 };
  let clock = performance.now();
  const lap: Lap = (phase) => {
    const now = performance.now();
    own[phase] += (now - clock) / 1000;
    clock = now;
  };
  const y = new Yielder(options.sliceMs ?? 2, options.signal);
  return withEngine(req, part.customers.length, scope, (engine) =>
    eachBatch(
      unit,
      req,
      scope,
      catalog,
      part.customers,
      false,
      engine,
      y,
      lap,
      options.progress ?? (() => undefined),
      (_b, w) => unit.stageDailyMetrics(w, y),
    ),
  );
}

/**
 * A worker joining split computes from another process (or another instance of the app): claims
 * open parts of any live job on the store and stages them, until none is open; returns the parts
 * it staged. A job whose coordinator died is deleted by the first worker that finds it. A long-
 * lived worker calls it again after a pause (or when told of a new job).
 */
export async function joinComputeJobs(
  store: Store,
  options: {
    readonly signal?: AbortSignal;
    readonly sliceMs?: number;
    /** Told of each part this worker staged. */
    readonly onPart?: (part: { readonly jobId: string; readonly part: number }) => void;
  } = {},
): Promise<number> {
  let staged = 0;
  for (;;) {
    const claimed = await store.stageComputePart(
      null,
      (unit, part) => runPart(unit, part, { signal: options.signal, sliceMs: options.sliceMs }),
      options.signal ? { signal: options.signal } : {},
    );
    if (claimed === null) return staged;
    staged++;
    options.onPart?.({ jobId: claimed.jobId, part: claimed.part });
  }
}

/** Full or incremental, which customers and from which day; null when everything is up to date. */
async function scopeOf(
  tx: StoreWriter,
  req: ComputeRequest,
  plan: MetricsPlan,
  activity: { readonly firstDay: string; readonly lastDay: string },
): Promise<ComputeScope | null> {
  const { firstDay, lastDay } = activity;
  if (req.full === true || plan.computed === null || plan.computed.firstDay !== firstDay) {
    return { full: true, customers: null, fromDay: firstDay, firstDay, lastDay };
  }
  const computedLast = plan.computed.lastDay;
  const dirtyFrom = plan.dirty.reduce<string | null>(
    (m, d) => (m === null || d.fromDay < m ? d.fromDay : m),
    null,
  );
  let customers: readonly string[] | null;
  let fromDay: string;
  if (computedLast < lastDay) {
    customers = null; // new days for everyone
    fromDay =
      dirtyFrom !== null && dirtyFrom < addDays(computedLast, 1) ? dirtyFrom : addDays(computedLast, 1);
  } else if (plan.dirty.length > 0) {
    // Nearly every customer changed (a new day of data): all of them are read and written at
    // once, without id lists (recomputing an unchanged customer gives the same runs back).
    customers =
      plan.dirty.length >= 0.9 * (await tx.customerIds(req.partnerId)).length
        ? null
        : plan.dirty.map((d) => d.customerId);
    fromDay = dirtyFrom ?? lastDay;
  } else return null;
  if (fromDay < firstDay) fromDay = firstDay;
  if (fromDay > lastDay) fromDay = lastDay;
  return { full: false, customers, fromDay, firstDay, lastDay };
}

/**
 * The engine over a batch: in a worker thread when the batch is large (the compute's thread stays
 * free for I/O and requests), else here, yielding between customers. Same code, same runs.
 */
async function engineBatch(
  data: Awaited<ReturnType<StoreWriter['loadMetricData']>>,
  catalog: ReadonlyMap<string, CatalogProduct>,
  scope: ComputeScope,
  engine: { readonly thread: EngineThread | null },
  y: Yielder,
  signal: AbortSignal | undefined,
  onCustomer: (done: number) => void,
): Promise<{ runs: MetricRuns; sums: SumRuns; productIds: string[]; rows: number }> {
  const first = dayOf(scope.fromDay);
  const days = dayOf(scope.lastDay) - first + 1;
  // At least one run per row: the rows of the batch, from the catalog.
  let rowCount = 0;
  const productIds: string[] = [];
  const productIndex = new Map<string, number>();
  const customers: BatchCustomer[] = [];
  for (const c of data) {
    await y.slice();
    const products = c.productIds.map((productId) => {
      const p = catalog.get(productId);
      rowCount += 1 + (p?.workloads.length ?? 0);
      return { productId, workloads: p?.workloads ?? [], openWorkloads: p?.openWorkloads ?? [] };
    });
    const global = c.productIds.map((id) => {
      let i = productIndex.get(id);
      if (i === undefined) {
        i = productIds.length;
        productIds.push(id);
        productIndex.set(id, i);
      }
      return i;
    });
    customers.push({ input: { ...c, products }, global });
  }
  // Each product's service, for the per-customer sums (an unknown product counts as OTHER, as
  // reports show it).
  const services = new Uint8Array(productIds.map((id) => serviceIndex(catalog.get(id)?.service)));
  const batch = { customers, first, days, capacity: days === 1 ? rowCount : rowCount * 4, services };
  const result =
    engine.thread !== null
      ? await engine.thread.run(batch, onCustomer, y, signal)
      : await computeBatch(batch, async (done) => {
          await y.slice();
          if ((done & 255) === 0) onCustomer(done);
        });
  onCustomer(data.length);
  return { runs: result.runs, sums: result.sums, productIds, rows: result.rows };
}
