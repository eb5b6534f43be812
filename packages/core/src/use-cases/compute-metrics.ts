/**
 * Use-case: bring a partner's daily metrics up to date. Days covered: the partner's activity data,
 * first to last day. Incremental by default: only customers whose data changed (marked by
 * imports), from the first changed day; all customers for days newly covered. `full` recomputes
 * everything. Customers are processed in batches, each written in its own transaction and
 * unmarked only once written, so an interrupted run resumes where it stopped.
 */
import type { ComputeReport, ComputeRequest as ComputeRequestData } from '@license-insights/contracts';
import { effectiveCatalog, shippedCatalog } from '../catalog/catalog';
import { addDays, dayOf, formatDay } from '../dates';
import { computeCustomerFlat } from '../metrics/bitset-engine';
import { WINDOW_DAYS } from '../metrics/reference';
import { MetricRunBuilder } from '../metrics/runs';
import type { Store } from '../store/store';

export type { ComputeReport } from '@license-insights/contracts';

/** What to compute (contracts `computeRequestSchema`), and who hears of its progress. */
export type ComputeRequest = ComputeRequestData & {
  readonly onProgress?: (done: number, total: number) => void;
};

export async function computeMetrics(store: Store, req: ComputeRequest): Promise<ComputeReport> {
  const started = performance.now();
  const plan = await store.metricsPlan(req.partnerId);
  const phases = { load: 0, engine: 0, write: 0 };
  const done = (r: Omit<ComputeReport, 'seconds' | 'phases'>): ComputeReport => ({
    ...r,
    seconds: (performance.now() - started) / 1000,
    phases,
  });
  let clock = performance.now();
  const lap = (phase: keyof typeof phases) => {
    const now = performance.now();
    phases[phase] += (now - clock) / 1000;
    clock = now;
  };
  if (plan.activity === null) {
    return done({ mode: 'no_activity', customers: 0, firstDay: null, lastDay: null, fromDay: null, rows: 0 });
  }
  const { firstDay, lastDay } = plan.activity;
  const full = req.full === true || plan.computed === null || plan.computed.firstDay !== firstDay;
  let customers: readonly string[] | null;
  let fromDay: string;
  if (full) {
    customers = null;
    fromDay = firstDay;
    await store.markAllMetricsDirty(req.partnerId, firstDay);
  } else {
    const computedLast = plan.computed?.lastDay ?? lastDay;
    const dirtyFrom = plan.dirty.reduce<string | null>(
      (m, d) => (m === null || d.fromDay < m ? d.fromDay : m),
      null,
    );
    if (computedLast < lastDay) {
      customers = null; // new days for everyone
      fromDay =
        dirtyFrom !== null && dirtyFrom < addDays(computedLast, 1) ? dirtyFrom : addDays(computedLast, 1);
    } else if (plan.dirty.length > 0) {
      // Nearly every customer changed (a new day of data): all of them are read and written at
      // once, without id lists (recomputing an unchanged customer gives the same runs back).
      customers =
        plan.dirty.length >= 0.9 * (await store.customerIds(req.partnerId)).length
          ? null
          : plan.dirty.map((d) => d.customerId);
      fromDay = dirtyFrom ?? lastDay;
    } else {
      return done({ mode: 'up_to_date', customers: 0, firstDay, lastDay, fromDay: null, rows: 0 });
    }
    if (fromDay < firstDay) fromDay = firstDay;
    if (fromDay > lastDay) fromDay = lastDay;
  }
  const catalog = new Map(
    effectiveCatalog(shippedCatalog().products, await store.partnerProducts(req.partnerId)).map((p) => [
      p.productId,
      p,
    ]),
  );
  const first = dayOf(fromDay);
  const days = dayOf(lastDay) - first + 1;
  const factsFrom = formatDay(first - WINDOW_DAYS + 1);
  const all = customers ?? (await store.customerIds(req.partnerId));
  // One batch up to 20 000 customers: the activity table is read once (a batch re-reads it).
  const batchSize = req.batchSize ?? 20_000;
  let rows = 0;
  for (let b = 0; b < all.length; b += batchSize) {
    const batch = all.slice(b, b + batchSize);
    lap('load');
    const data = await store.loadMetricData(req.partnerId, batch, factsFrom);
    lap('load');
    // Engine output goes straight into the batch's run columns (no series objects per row).
    // At least one run per row: the rows of the batch, from the catalog.
    let rowCount = 0;
    for (const c of data)
      for (const id of c.productIds) rowCount += 1 + (catalog.get(id)?.workloads.length ?? 0);
    const runs = new MetricRunBuilder(days === 1 ? rowCount : rowCount * 4);
    const productIds: string[] = [];
    const productIndex = new Map<string, number>();
    for (let ci = 0; ci < data.length; ci++) {
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
      const out = computeCustomerFlat({ ...c, products }, first, days);
      rows += out.rows * days;
      runs.add(ci, global, out, first);
    }
    lap('engine');
    await store.writeDailyMetrics(req.partnerId, {
      replaceAll: full && b === 0,
      allCustomers: customers === null && all.length <= batchSize,
      fromDay: first,
      previousLastDay: full || plan.computed === null ? null : dayOf(plan.computed.lastDay),
      days,
      firstDay: dayOf(firstDay),
      lastDay: dayOf(lastDay),
      customerIds: data.map((c) => c.customerId),
      productIds,
      runs: runs.runs(),
    });
    lap('write');
    req.onProgress?.(Math.min(all.length, b + batchSize), all.length);
  }
  return done({
    mode: full ? 'full' : 'incremental',
    customers: all.length,
    firstDay,
    lastDay,
    fromDay,
    rows,
  });
}
