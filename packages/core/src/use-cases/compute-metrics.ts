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
  ComputeReport,
  ComputeRequest as ComputeRequestData,
} from '@license-insights/contracts';
import { effectiveCatalog, shippedCatalog } from '../catalog/catalog';
import { addDays, dayOf, formatDay } from '../dates';
import { Yielder } from '../jobs/yielder';
import { computeCustomerFlat, EngineScratch } from '../metrics/bitset-engine';
import { WINDOW_DAYS } from '../metrics/definitions';
import { MetricRunBuilder } from '../metrics/runs';
import type { MetricsPlan, Store, StoreWriter } from '../store/store';

export interface ComputeProgress {
  readonly phase: 'loading' | 'computing' | 'writing' | 'committing';
  /** Customers computed so far, of `total`. */
  readonly done: number;
  readonly total: number;
}

export type { ComputeReport } from '@license-insights/contracts';

/** What to compute (contracts `computeRequestSchema`), who hears of its progress, what stops it. */
export type ComputeRequest = ComputeRequestData & {
  readonly onProgress?: (p: ComputeProgress) => void;
  /** Stops the compute: nothing of it is stored. */
  readonly signal?: AbortSignal;
  /** Longest stretch of work between two yields to the event loop (ms; default 5). */
  readonly sliceMs?: number;
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
  const y = new Yielder(req.sliceMs ?? 5, req.signal);
  const scratch = new EngineScratch();
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
    const computed = await computeBatch(data, catalog, scope, scratch, y, (done) =>
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
        runs: computed.runs.runs(),
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
 * The engine over a batch: each customer's series straight into the batch's run columns (no
 * series objects per row), yielding between customers.
 */
async function computeBatch(
  data: Awaited<ReturnType<StoreWriter['loadMetricData']>>,
  catalog: ReadonlyMap<string, CatalogProduct>,
  scope: ComputeScope,
  scratch: EngineScratch,
  y: Yielder,
  onCustomer: (done: number) => void,
): Promise<{ runs: MetricRunBuilder; productIds: string[]; rows: number }> {
  const first = dayOf(scope.fromDay);
  const days = dayOf(scope.lastDay) - first + 1;
  // At least one run per row: the rows of the batch, from the catalog.
  let rowCount = 0;
  for (const c of data)
    for (const id of c.productIds) rowCount += 1 + (catalog.get(id)?.workloads.length ?? 0);
  const runs = new MetricRunBuilder(days === 1 ? rowCount : rowCount * 4);
  const productIds: string[] = [];
  const productIndex = new Map<string, number>();
  let rows = 0;
  for (let ci = 0; ci < data.length; ci++) {
    await y.slice();
    const c = data[ci] as (typeof data)[number];
    const products = c.productIds.map((productId) => {
      const p = catalog.get(productId);
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
    const out = computeCustomerFlat({ ...c, products }, first, days, scratch);
    rows += out.rows * days;
    runs.add(ci, global, out, first);
    if ((ci & 255) === 0) onCustomer(ci);
  }
  onCustomer(data.length);
  return { runs, productIds, rows };
}
