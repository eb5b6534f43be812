/**
 * Use-case: a day's SPEC §4 metrics rows streamed in chunks (exports of any size hold one chunk in
 * memory), and the channel view both the exports and the Partner Center–compatible endpoints
 * apply to a streamed day. Everything runs in one read unit: one snapshot from the day's check to
 * the last row.
 */
import {
  type ChannelView,
  type MetricsExportRequest,
  type MetricsRow,
  metricsExportRequestSchema,
  type ProductDayMetrics,
} from '@license-insights/contracts';
import type { Store, StoreReader } from '../store/store';
import { reportContext, reportDay, toMetricsRow } from './report-metrics';
import { parseRequest } from './staff-accounts';

/**
 * The view's filter over a day's rows in store order (customer, product, then ALL before the
 * workloads): `own` keeps the products the partner itself sold to the customer on the day (the
 * ALL row's sold_own > 0), as the reports do; counts stay those of all channels.
 */
export function channelViewFilter(view: ChannelView): (r: ProductDayMetrics) => boolean {
  if (view === 'all') return () => true;
  let customer = '';
  let product = '';
  let own = false;
  return (r) => {
    if (r.customerId !== customer || r.productId !== product) {
      customer = r.customerId;
      product = r.productId;
      // The product's first row is its ALL row (a workload row holds the product's sold_own too).
      own = r.soldOwn > 0;
    }
    return own;
  };
}

/** Where the rows of a streamed export go; each call may wait (a slow reader slows the read). */
export interface MetricsRowsSink {
  /** Once, before any rows, when the day is known to have metrics: what is coming. */
  start(meta: { readonly day: string; readonly view: ChannelView }): Promise<void> | void;
  rows(chunk: readonly MetricsRow[]): Promise<void> | void;
}

export interface MetricsRowsOutcome {
  readonly day: string;
  readonly view: ChannelView;
  readonly rows: number;
}

async function streamRows(
  q: StoreReader,
  req: MetricsExportRequest,
  sink: MetricsRowsSink,
  chunkRows: number | undefined,
): Promise<MetricsRowsOutcome> {
  const r = parseRequest(metricsExportRequestSchema, req);
  const day = await reportDay(q, r.partnerId, r.day);
  const ctx = await reportContext(q, r.partnerId);
  await sink.start({ day, view: r.view });
  const keep = channelViewFilter(r.view);
  let rows = 0;
  for await (const chunk of q.dailyMetricsChunks(r.partnerId, day, {
    ...(r.customerIds === null ? {} : { customerIds: r.customerIds }),
    ...(chunkRows === undefined ? {} : { chunkRows }),
  })) {
    const out: MetricsRow[] = [];
    for (const m of chunk) if (keep(m)) out.push(toMetricsRow(m, ctx, r.view));
    if (out.length === 0) continue;
    rows += out.length;
    await sink.rows(out);
  }
  return { day, view: r.view, rows };
}

/**
 * Streams a day's metrics rows of the partner's customers (all, or the listed ones) in the order
 * of the reports (customer, product, ALL then the workloads) to a sink, in one read unit. An
 * unknown day fails before `start`.
 */
export function streamMetricsRows(
  store: Store,
  req: MetricsExportRequest,
  sink: MetricsRowsSink,
  options: { readonly chunkRows?: number } = {},
): Promise<MetricsRowsOutcome> {
  return store.read((q) => streamRows(q, req, sink, options.chunkRows));
}
