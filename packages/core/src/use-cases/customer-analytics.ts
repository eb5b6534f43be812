/**
 * Use-cases of one customer as the server shows it: the analytics (the customer report with the
 * inactive users counted, never listed — user lists are a right of their own, SPEC §5), the trend
 * of its rows over a range of days, and its subscriptions as of a day; and the customer groups of
 * a list of customers (pure). Each read runs in one unit of work (one snapshot).
 */
import type {
  CustomerAnalytics,
  CustomerGroups,
  CustomerRecord,
  CustomerReportRequest,
  CustomerSubscriptions,
  CustomerSubscriptionsRequest,
  CustomerTrend,
  CustomerTrendRequest,
  ProductDayMetrics,
} from '@license-insights/contracts';
import { DEFAULT_TREND_DAYS, MAX_TREND_DAYS } from '@license-insights/contracts';
import { addDays, dayOf } from '../dates';
import { AppError, hinted } from '../errors';
import { totalsOf } from '../reports/rollup';
import type { Store, StoreReader } from '../store/store';
import { findCustomer } from './find-customer';
import { getStaleMetrics } from './metrics-freshness';
import {
  type CustomerReportOptions,
  filterRows,
  getCustomerReport,
  type ReportContext,
  type ReportContexts,
  reportContext,
  toMetricsRow,
} from './report-metrics';

/**
 * The customer report without the names of inactive users: their counts per product (28/60/90
 * days) stay, the lists go (they are read with `getInactiveUsers`, by those allowed to).
 */
export async function getCustomerAnalytics(
  store: Store,
  req: CustomerReportRequest,
  contexts?: ReportContexts,
  options: CustomerReportOptions = {},
): Promise<CustomerAnalytics> {
  const report = await getCustomerReport(store, req, contexts, options);
  return {
    ...report,
    inactive: report.inactive.map(({ users: _users, ...counts }) => counts),
  };
}

/** The customer a request names, as the reports know it. */
async function customerOf(store: StoreReader, ctx: ReportContext, partnerId: string, query: string) {
  const found = await findCustomer(store, partnerId, query);
  const customer = ctx.customers.get(found.customerId);
  if (customer === undefined) throw new AppError('internal', `customer ${found.customerId} vanished`);
  return customer;
}

/** Days as text (YYYY-MM-DD) compare as days. */
function laterDay(a: string, b: string): string {
  if (a < b) return b;
  return a;
}

function earlierDay(a: string, b: string): string {
  if (a < b) return a;
  return b;
}

/**
 * The days a trend covers: `from` … `to` as asked (or the `days` ending on `to`), cut to the days
 * metrics were computed for.
 */
async function trendRange(
  store: StoreReader,
  req: CustomerTrendRequest,
): Promise<{ readonly from: string; readonly to: string }> {
  if (req.from !== undefined && req.days !== undefined) {
    throw new AppError('usage.invalid_argument', 'give the first day or a number of days, not both');
  }
  const { computed } = await store.metricsPlan(req.partnerId);
  if (computed === null) {
    throw hinted('not_found', 'no metrics yet: none have been computed for this partner', {
      kind: 'compute_metrics',
    });
  }
  const to = req.to ?? computed.lastDay;
  const from = req.from ?? addDays(to, 1 - (req.days ?? DEFAULT_TREND_DAYS));
  if (from > to) {
    throw new AppError('usage.invalid_argument', `the first day ${from} is after the last day ${to}`);
  }
  if (dayOf(to) - dayOf(from) + 1 > MAX_TREND_DAYS) {
    throw new AppError(
      'usage.invalid_argument',
      `ask for at most ${MAX_TREND_DAYS} days at once (${from} … ${to} is ${dayOf(to) - dayOf(from) + 1})`,
    );
  }
  if (to < computed.firstDay || from > computed.lastDay) {
    throw new AppError(
      'not_found',
      `no metrics for ${from} … ${to}: they cover ${computed.firstDay} … ${computed.lastDay}`,
    );
  }
  return { from: laterDay(from, computed.firstDay), to: earlierDay(to, computed.lastDay) };
}

async function customerTrend(store: StoreReader, req: CustomerTrendRequest): Promise<CustomerTrend> {
  const { from, to } = await trendRange(store, req);
  const ctx = await reportContext(store, req.partnerId);
  const customer = await customerOf(store, ctx, req.partnerId, req.customer);
  const channel = req.channel ?? 'all';
  const byDay = new Map<string, ProductDayMetrics[]>();
  for (const r of await store.dailyMetricsRange(req.partnerId, from, to, [customer.customerId])) {
    const list = byDay.get(r.day);
    if (list === undefined) byDay.set(r.day, [r]);
    else list.push(r);
  }
  const days: CustomerTrend['days'][number][] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) {
    // The own view of each day takes that day's own products, as the report of that day does.
    const rows = filterRows(byDay.get(d) ?? [], ctx, { channel });
    const productRows = rows.filter((r) => r.workload === 'ALL');
    days.push({
      day: d,
      totals: totalsOf(productRows),
      rows: (req.workloads === true ? rows : productRows).map((r) => toMetricsRow(r, ctx, channel)),
    });
  }
  return {
    customer,
    channel,
    from,
    to,
    days,
    stale: await getStaleMetrics(store, req.partnerId, to, [customer.customerId]),
  };
}

/**
 * A customer's rows and roll-up for every day of a range (its charts): each day exactly what the
 * customer report of that day shows (rows and totals), read in one unit of work.
 */
export function getCustomerTrend(store: Store, req: CustomerTrendRequest): Promise<CustomerTrend> {
  return store.read((q) => customerTrend(q, req));
}

/** A product's name as the reports show it (an unknown SKU by its id, flagged). */
function productName(ctx: ReportContext, productId: string): string {
  const p = ctx.catalog.get(productId);
  return p === undefined || p.origin === 'discovered' ? `${p?.name ?? productId} (name unknown)` : p.name;
}

async function customerSubscriptions(
  store: StoreReader,
  req: CustomerSubscriptionsRequest,
): Promise<CustomerSubscriptions> {
  const plan = await store.metricsPlan(req.partnerId);
  const day = req.day ?? plan.computed?.lastDay ?? plan.activity?.lastDay;
  if (day === undefined) {
    throw hinted('not_found', 'no data yet: nothing has been imported for this partner', {
      kind: 'import_data',
    });
  }
  const ctx = await reportContext(store, req.partnerId);
  const customer = await customerOf(store, ctx, req.partnerId, req.customer);
  const subscriptions = (await store.subscriptionsOn(req.partnerId, day, [customer.customerId])).map((s) => ({
    subscriptionId: s.subscriptionId,
    productId: s.productId,
    productName: productName(ctx, s.productId),
    serviceCode: ctx.catalog.get(s.productId)?.service ?? 'OTHER',
    channel: s.channel,
    status: s.status,
    isTrial: s.isTrial,
    quantity: s.quantity,
    billingCycle: s.billingCycle,
    termEnd: s.termEnd,
    autoRenew: s.autoRenew,
  }));
  subscriptions.sort((a, b) =>
    a.productName !== b.productName
      ? a.productName < b.productName
        ? -1
        : 1
      : a.subscriptionId < b.subscriptionId
        ? -1
        : a.subscriptionId > b.subscriptionId
          ? 1
          : 0,
  );
  return { day, customer, subscriptions };
}

/**
 * A customer's subscriptions as of a day (each its latest snapshot on or before it, SPEC §2):
 * product, channel, status, trial, quantity, billing cycle, term end and auto-renewal.
 */
export function getCustomerSubscriptions(
  store: Store,
  req: CustomerSubscriptionsRequest,
): Promise<CustomerSubscriptions> {
  return store.read((q) => customerSubscriptions(q, req));
}

/** The groups (tags) of some customers, with how many of them each holds. Pure. */
export function customerGroups(customers: readonly CustomerRecord[]): CustomerGroups {
  const counts = new Map<string, number>();
  let ungrouped = 0;
  for (const c of customers) {
    if (c.groups.length === 0) ungrouped++;
    for (const g of new Set(c.groups)) counts.set(g, (counts.get(g) ?? 0) + 1);
  }
  return {
    customers: customers.length,
    groups: [...counts]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([group, n]) => ({ group, customers: n })),
    ungrouped,
  };
}
