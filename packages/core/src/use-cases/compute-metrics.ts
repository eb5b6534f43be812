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
 */
import type {
  CatalogProduct,
  ComputeProgress,
  ComputeReport,
  ComputeRequest as ComputeRequestData,
} from '@license-insights/contracts';
import { effectiveCatalog, shippedCatalog } from '../catalog/catalog';
import { addDays, dayOf, formatDay } from '../dates';
import { Yielder } from '../jobs/yielder';
import { WINDOW_DAYS } from '../metrics/definitions';
import { type BatchCustomer, computeBatch } from '../metrics/engine-batch';
import { EngineThread } from '../metrics/engine-thread';
import type { MetricRuns } from '../metrics/runs';
import { type SumRuns, serviceIndex } from '../metrics/sum-runs';
import type { MetricsPlan, Store, StoreWriter } from '../store/store';

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
  return store.write(req.partnerId, (tx) => computeIn(tx, req), req.signal ? { signal: req.signal } : {});
}

/** The compute inside the caller's write unit. */
async function computeIn(tx: StoreWriter, req: ComputeRequest): Promise<ComputeReport> {
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
  const catalog = new Map(
    effectiveCatalog(shippedCatalog().products, await tx.partnerProducts(req.partnerId)).map((p) => [
      p.productId,
      p,
    ]),
  );
  const all = scope.customers ?? (await tx.customerIds(req.partnerId));
  const y = new Yielder(req.sliceMs ?? 2, req.signal);
  // The engine in a worker thread when there is much to compute (starting it costs a few hundred
  // milliseconds: a daily update of one day computes here, yielding between customers).
  const days = dayOf(scope.lastDay) - dayOf(scope.fromDay) + 1;
  const threaded = req.engine === 'worker' || (req.engine !== 'inline' && all.length * days >= WORKER_FROM);
  const engine = { thread: threaded ? new EngineThread() : null };
  try {
    return await computeBatches(tx, req, plan, scope, catalog, all, engine, y, lap, report);
  } finally {
    await engine.thread?.close();
  }
}

/** Customer-days from which a compute runs its engine in a worker thread (`engine: 'auto'`). */
const WORKER_FROM = 200_000;

/** Load → engine → write, batch by batch, in the compute's unit of work. */
async function computeBatches(
  tx: StoreWriter,
  req: ComputeRequest,
  plan: MetricsPlan,
  scope: ComputeScope,
  catalog: ReadonlyMap<string, CatalogProduct>,
  all: readonly string[],
  engine: { readonly thread: EngineThread | null },
  y: Yielder,
  lap: (phase: 'load' | 'engine' | 'write') => void,
  report: (r: Omit<ComputeReport, 'seconds' | 'phases'>) => ComputeReport,
): Promise<ComputeReport> {
  // One batch up to 20 000 customers: the activity table is read once (a batch re-reads it).
  const batchSize = req.batchSize ?? 20_000;
  let rows = 0;
  for (let b = 0; b < all.length; b += batchSize) {
    const batch = all.slice(b, b + batchSize);
    const progress = (phase: ComputeProgress['phase'], done: number) =>
      req.onProgress?.({ phase, done: Math.min(all.length, b + done), total: all.length });
    progress('loading', 0);
    lap('load');
    const data = await tx.loadMetricData(
      req.partnerId,
      scope.customers === null && all.length <= batchSize ? null : batch,
      formatDay(dayOf(scope.fromDay) - WINDOW_DAYS + 1),
      y,
    );
    lap('load');
    const computed = await engineBatch(data, catalog, scope, engine, y, req.signal, (done) =>
      progress('computing', done),
    );
    rows += computed.rows;
    lap('engine');
    progress('writing', batch.length);
    await tx.writeDailyMetrics(
      req.partnerId,
      {
        replaceAll: scope.full && b === 0,
        allCustomers: scope.customers === null && all.length <= batchSize,
        fromDay: dayOf(scope.fromDay),
        previousLastDay: scope.full || plan.computed === null ? null : dayOf(plan.computed.lastDay),
        days: dayOf(scope.lastDay) - dayOf(scope.fromDay) + 1,
        firstDay: dayOf(scope.firstDay),
        lastDay: dayOf(scope.lastDay),
        customerIds: data.map((c) => c.customerId),
        productIds: computed.productIds,
        runs: computed.runs,
        sums: computed.sums,
      },
      y,
    );
    lap('write');
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
