/**
 * Use-cases: the portfolio report and the customer report of a day. Both read the stored daily
 * metrics and turn them into SPEC §4 metrics rows and roll-ups (ratios of sums).
 */
import {
  type CatalogProduct,
  type ChannelView,
  type CustomerReport,
  type CustomerReportRequest,
  type CustomerSummary,
  INACTIVE_DAYS,
  type MetricsRow,
  type MonthOverMonth,
  type PortfolioReport,
  type PortfolioReportRequest,
  type ProductDayMetrics,
  SERVICE_NAMES,
  type Totals,
  USAGE_BANDS,
  USAGE_STATES,
  type UsageBand,
  WORKLOAD_CODES,
  WORKLOAD_NAMES,
  type WorkloadCode,
} from '@license-insights/contracts';
import { effectiveCatalog, shippedCatalog } from '../catalog/catalog';
import { addDays, dayOf, formatDay } from '../dates';
import { AppError, hinted } from '../errors';
import { dataSince, NOTHING_MEASURED, usageStateOf } from '../metrics/measured';
import { composeSupportMetrics } from '../recommendations/support-metric';
import { bandOf, groupTotals, monthBefore, totalsOf } from '../reports/rollup';
import type { CustomerRecord, MetricsPlan, Store, StoreReader } from '../store/store';
import { findCustomer } from './find-customer';
import { planInactive } from './inactive-users';
import { getStaleMetrics } from './metrics-freshness';

export interface ReportContext {
  readonly catalog: Map<string, CatalogProduct>;
  readonly customers: Map<string, CustomerRecord>;
}

export async function reportContext(store: StoreReader, partnerId: string): Promise<ReportContext> {
  const catalog = effectiveCatalog(shippedCatalog().products, await store.partnerProducts(partnerId));
  return {
    catalog: new Map(catalog.map((p) => [p.productId, p])),
    customers: new Map((await store.customers(partnerId)).map((c) => [c.customerId, c])),
  };
}

export async function reportDay(
  store: StoreReader,
  partnerId: string,
  day: string | undefined,
): Promise<string> {
  return reportDayOf(await store.metricsPlan(partnerId), day);
}

/**
 * The day a report shows: the one asked for, by default the last computed day; a day metrics do
 * not cover is an error that says which days they cover (and, for newer data, how to compute it).
 */
export function reportDayOf(plan: MetricsPlan, day: string | undefined): string {
  if (plan.computed === null) {
    throw hinted('not_found', 'no metrics yet: none have been computed for this partner', {
      kind: 'compute_metrics',
    });
  }
  const d = day ?? plan.computed.lastDay;
  if (d > plan.computed.lastDay && plan.activity !== null && d <= plan.activity.lastDay) {
    throw hinted(
      'not_found',
      `no metrics for ${d} yet: they cover ${plan.computed.firstDay} … ${plan.computed.lastDay} and the data goes to ${plan.activity.lastDay}`,
      { kind: 'compute_metrics' },
    );
  }
  if (d < plan.computed.firstDay || d > plan.computed.lastDay) {
    throw new AppError(
      'not_found',
      `no metrics for ${d}: the data covers ${plan.computed.firstDay} … ${plan.computed.lastDay}`,
    );
  }
  return d;
}

export function toMetricsRow(r: ProductDayMetrics, ctx: ReportContext, channel: ChannelView): MetricsRow {
  const p = ctx.catalog.get(r.productId);
  const service = p?.service ?? 'OTHER';
  return {
    processedDateTime: r.day,
    customerTenantId: r.customerId,
    customerName: ctx.customers.get(r.customerId)?.name ?? r.customerId,
    serviceCode: service,
    serviceName: SERVICE_NAMES[service],
    productId: r.productId,
    productName:
      p === undefined || p.origin === 'discovered' ? `${p?.name ?? r.productId} (name unknown)` : p.name,
    channel,
    workloadCode: r.workload,
    workloadName: r.workload === 'ALL' ? 'All workloads' : WORKLOAD_NAMES[r.workload],
    licensesSold: r.sold,
    licensesSoldOwn: r.soldOwn,
    licensesDeployed: r.assigned,
    licensesActive: r.active,
    licensesQualified: r.sold,
    deploymentPercent: r.deploymentPercent,
    usagePercent: r.usagePercent,
    usageReasons: r.usageReasons,
    deploymentReasons: r.deploymentReasons,
    usageKnown: r.usageKnown,
    partialWindow: r.partialWindow,
  };
}

/**
 * Rows of the view: `own` keeps the products the partner itself sold to the customer on that day
 * (sold_own > 0); counts stay those of all channels, since people use licenses, not channels.
 */
export function filterRows(
  rows: readonly ProductDayMetrics[],
  ctx: ReportContext,
  req: Pick<PortfolioReportRequest, 'service' | 'channel' | 'group'>,
): ProductDayMetrics[] {
  const ownProducts = new Set(
    rows.filter((r) => r.workload === 'ALL' && r.soldOwn > 0).map((r) => `${r.customerId}|${r.productId}`),
  );
  return rows.filter((r) => {
    if (req.service !== undefined && (ctx.catalog.get(r.productId)?.service ?? 'OTHER') !== req.service)
      return false;
    if (req.channel === 'own' && !ownProducts.has(`${r.customerId}|${r.productId}`)) return false;
    if (req.group !== undefined && !(ctx.customers.get(r.customerId)?.groups ?? []).includes(req.group))
      return false;
    return true;
  });
}

/**
 * Whether a customer's usage can be compared on a day: some product row of the view has known
 * usage, and none only over a partial window (SPEC §2.3: month over month skips such days).
 */
function comparable(rows: readonly ProductDayMetrics[]): boolean {
  return rows.some((r) => r.usageKnown) && !rows.some((r) => r.partialWindow);
}

function byCustomer(rows: readonly ProductDayMetrics[]): Map<string, ProductDayMetrics[]> {
  const out = new Map<string, ProductDayMetrics[]>();
  for (const r of rows) {
    const list = out.get(r.customerId);
    if (list === undefined) out.set(r.customerId, [r]);
    else list.push(r);
  }
  return out;
}

/** Days tried for a customer whose compared day is not comparable: nearest first, earlier first on ties. */
export const STAND_IN_OFFSETS = [-1, 1, -2, 2, -3, 3] as const;

/**
 * Month over month of a view's product rows (SPEC §2). `rowsOf(day, customers)` reads the view's
 * product rows of a day (of some customers only: a stand-in day is read for the customers that
 * still need one).
 */
export async function monthOverMonth(
  day: string,
  current: readonly ProductDayMetrics[],
  rowsOf: (day: string, customerIds: readonly string[] | undefined) => Promise<ProductDayMetrics[]>,
): Promise<MonthOverMonth> {
  const comparedDay = monthBefore(day);
  const now = byCustomer(current);
  const candidates = [...now].filter(([, rows]) => comparable(rows)).map(([id]) => id);
  const then = new Map<string, ProductDayMetrics[]>();
  let standIns = 0;
  if (candidates.length > 0) {
    // Most customers are candidates: the whole day is read (a list of 10⁴ ids filters slower).
    const onDay = byCustomer(await rowsOf(comparedDay, candidates.length > 200 ? undefined : candidates));
    let missing: string[] = [];
    for (const id of candidates) {
      const rows = onDay.get(id);
      if (rows !== undefined && comparable(rows)) then.set(id, rows);
      else missing.push(id);
    }
    for (const offset of STAND_IN_OFFSETS) {
      if (missing.length === 0) break;
      const found = byCustomer(await rowsOf(addDays(comparedDay, offset), missing));
      missing = missing.filter((id) => {
        const rows = found.get(id);
        if (rows === undefined || !comparable(rows)) return true;
        then.set(id, rows);
        standIns++;
        return false;
      });
    }
  }
  const compared = [...then.keys()];
  return monthOverMonthOf(
    comparedDay,
    now.size,
    compared.length,
    standIns,
    compared.length === 0 ? null : totalsOf(compared.flatMap((id) => now.get(id) ?? [])),
    compared.length === 0 ? null : totalsOf(compared.flatMap((id) => then.get(id) ?? [])),
  );
}

/**
 * Month over month from its parts: of `inView` customers, `compared` (of them `standIns` on a
 * stand-in day) with roll-ups `a` on D and `b` on their compared days; the others left out.
 * Counts change by a signed difference, percentages in points; null when none are compared.
 */
export function monthOverMonthOf(
  comparedDay: string,
  inView: number,
  compared: number,
  standIns: number,
  a: Totals | null,
  b: Totals | null,
): MonthOverMonth {
  if (compared === 0 || a === null || b === null) {
    return {
      comparedDay,
      customers: 0,
      standIns: 0,
      leftOut: inView,
      current: null,
      previous: null,
      change: { sold: null, assigned: null, active: null, deploymentPoints: null, usagePoints: null },
    };
  }
  return {
    comparedDay,
    customers: compared,
    standIns,
    leftOut: inView - compared,
    current: a,
    previous: b,
    change: {
      sold: a.sold - b.sold,
      assigned: a.assigned - b.assigned,
      active: difference(a.active, b.active),
      deploymentPoints: difference(a.deploymentPercent, b.deploymentPercent),
      usagePoints: difference(a.usagePercent, b.usagePercent),
    },
  };
}

/** x − y, null when either is (a change against "—" is "—"). */
export function difference(x: number | null, y: number | null): number | null {
  return x === null || y === null ? null : x - y;
}

async function portfolioReport(store: StoreReader, req: PortfolioReportRequest): Promise<PortfolioReport> {
  const day = await reportDay(store, req.partnerId, req.day);
  const ctx = await reportContext(store, req.partnerId);
  const inGroup = req.group === undefined ? undefined : customersInGroup(ctx, req.group);
  const stale = await getStaleMetrics(store, req.partnerId, day, inGroup);
  const channel = req.channel ?? 'all';
  const rows = filterRows(await store.dailyMetrics(req.partnerId, day), ctx, req);
  const productRows = rows.filter((r) => r.workload === 'ALL');
  const totals = totalsOf(productRows);
  const mom = await monthOverMonth(day, productRows, async (d, ids) =>
    filterRows(await store.dailyMetrics(req.partnerId, d, ids), ctx, req).filter((r) => r.workload === 'ALL'),
  );
  const customers: CustomerSummary[] = groupTotals(productRows, (r) => r.customerId).map(
    ({ key, totals: t }) => {
      const c = ctx.customers.get(key);
      return {
        customerId: key,
        name: c?.name ?? key,
        groups: c?.groups ?? [],
        totals: t,
        band: bandOf(t),
      };
    },
  );
  const bands = Object.fromEntries(USAGE_BANDS.map((b) => [b, 0])) as Record<UsageBand, number>;
  for (const c of customers) bands[c.band]++;
  return {
    day,
    channel,
    service: req.service ?? null,
    group: req.group ?? null,
    totals,
    monthOverMonth: mom,
    bands,
    byService: groupTotals(productRows, (r) => ctx.catalog.get(r.productId)?.service ?? 'OTHER'),
    byProduct: groupTotals(productRows, (r) => r.productId).map((g) => ({
      ...g,
      name: ctx.catalog.get(g.key)?.name ?? g.key,
    })),
    byWorkload: groupTotals(
      rows.filter((r) => r.workload !== 'ALL'),
      (r) => r.workload as WorkloadCode,
    ),
    byGroup: groupTotals(productRows, (r) => ctx.customers.get(r.customerId)?.groups ?? []),
    customers,
    rows: rows.map((r) => toMetricsRow(r, ctx, channel)),
    stale,
  };
}

/** The portfolio report of a day, read in one unit of work (one snapshot). */
export function getPortfolioReport(store: Store, req: PortfolioReportRequest): Promise<PortfolioReport> {
  return store.read((q) => portfolioReport(q, req));
}

/** Ids of a group's customers; an unknown group is an error listing the groups that exist. */
function customersInGroup(ctx: ReportContext, group: string): string[] {
  return groupMembers([...ctx.customers.values()], group);
}

/**
 * Ids of the customers (of those given: a caller's visible ones) in a group; a group none of them
 * is in is an error listing the groups they have.
 */
export function groupMembers(customers: readonly CustomerRecord[], group: string): string[] {
  const ids = customers.filter((c) => c.groups.includes(group)).map((c) => c.customerId);
  if (ids.length > 0) return ids;
  const groups = [...new Set(customers.flatMap((c) => c.groups))].sort();
  const sameLetters = groups.filter((g) => g.toLowerCase() === group.toLowerCase());
  throw new AppError(
    'not_found',
    `no customer is in the group ${JSON.stringify(group)}${
      groups.length === 0
        ? ': no customer has a group (the groups column of customers.csv)'
        : `${sameLetters.length > 0 ? ` (did you mean ${sameLetters.map((g) => JSON.stringify(g)).join(', ')}?)` : ''}; groups: ${groups.join(', ')}`
    }`,
  );
}

/** The customer report's inactive-user lists per product, with their 28/60/90-day counts. */
async function inactiveByProduct(
  store: StoreReader,
  partnerId: string,
  day: string,
  customerId: string,
  productRows: readonly ProductDayMetrics[],
  ctx: ReportContext,
): Promise<CustomerReport['inactive']> {
  const pairs = productRows.map((r) => ({ customerId, productId: r.productId }));
  const plans = await Promise.all(
    INACTIVE_DAYS.map((n) => planInactive(store, partnerId, day, pairs, ctx.catalog, n)),
  );
  const [plan28] = plans;
  if (plan28 === undefined) return [];
  const users = await store.inactiveLicensedUsers(partnerId, day, plan28.scopes, 28);
  return productRows.map((r) => {
    const mine = users.filter((u) => u.productId === r.productId);
    const count = (i: number, n: number) =>
      plans[i]?.availability(customerId, r.productId) === 'ok'
        ? mine.filter((u) => u.daysInactive === null || u.daysInactive >= n).length
        : null;
    return {
      productId: r.productId,
      productName: ctx.catalog.get(r.productId)?.name ?? r.productId,
      availability: plan28.availability(customerId, r.productId),
      days28: count(0, 28),
      days60: count(1, 60),
      days90: count(2, 90),
      users: mine,
    };
  });
}

/**
 * The report context of a partner (catalog, every customer), kept while the data stays the same:
 * a server answering one customer after another reads the partner's 10 000 customers once, not
 * per request. Kept by the version of the data the reading unit sees (`StoreReader.dataVersion`),
 * read in the same unit as the rows it goes with: never a context from before a commit beside rows
 * from after it, whichever process or app instance committed. One per store, owned by who makes it.
 */
export class ReportContexts {
  private version: string | null = null;
  private byPartner = new Map<string, Promise<ReportContext>>();

  async of(q: StoreReader, partnerId: string): Promise<ReportContext> {
    const version = await q.dataVersion();
    if (version !== this.version) {
      this.version = version;
      this.byPartner = new Map();
    }
    const byPartner = this.byPartner;
    let context = byPartner.get(partnerId);
    if (context === undefined) {
      context = reportContext(q, partnerId);
      byPartner.set(partnerId, context);
      context.catch(() => {
        if (byPartner.get(partnerId) === context) byPartner.delete(partnerId);
      });
    }
    return context;
  }
}

/**
 * The customer a report request names, and the context to report it with. An exact id needs no
 * read of the candidates (it wins over domains and names, see resolveCustomer); a context kept
 * from before a commit that added the customer is read again.
 */
async function reportedCustomer(
  store: StoreReader,
  req: CustomerReportRequest,
  contexts: ReportContexts | undefined,
): Promise<{ ctx: ReportContext; customer: CustomerRecord }> {
  let ctx =
    contexts === undefined
      ? await reportContext(store, req.partnerId)
      : await contexts.of(store, req.partnerId);
  const byId = ctx.customers.get(req.customer.trim());
  if (byId !== undefined) return { ctx, customer: byId };
  const found = await findCustomer(store, req.partnerId, req.customer);
  let customer = ctx.customers.get(found.customerId);
  if (customer === undefined && contexts !== undefined) {
    ctx = await reportContext(store, req.partnerId);
    customer = ctx.customers.get(found.customerId);
  }
  if (customer === undefined) throw new AppError('internal', `customer ${found.customerId} vanished`);
  return { ctx, customer };
}

async function customerReport(
  store: StoreReader,
  req: CustomerReportRequest,
  contexts?: ReportContexts,
  options: CustomerReportOptions = {},
): Promise<CustomerReport> {
  const day = await reportDay(store, req.partnerId, req.day);
  const { ctx, customer } = await reportedCustomer(store, req, contexts);
  const rows = filterRows(await store.dailyMetrics(req.partnerId, day, [customer.customerId]), ctx, {
    channel: req.channel ?? 'all',
  });
  const productRows = rows.filter((r) => r.workload === 'ALL');
  const inactive =
    options.inactive === false
      ? []
      : await inactiveByProduct(store, req.partnerId, day, customer.customerId, productRows, ctx);
  const [dataTrust] = await store.dataTrust(req.partnerId, [customer.customerId]);
  const only = [customer.customerId];
  const activeUsers = await store.activeUserCounts(req.partnerId, day, day, only);
  const support = composeSupportMetrics(
    await store.supportCounts(req.partnerId, day, day, only),
    activeUsers,
    [],
  ).find((m) => m.productId === null && m.workload === null);
  const sources =
    (await store.measuredSources(req.partnerId, only)).get(customer.customerId) ?? NOTHING_MEASURED;
  const d = dayOf(day);
  const openWorkloads = new Set([...ctx.catalog.values()].flatMap((p) => p.openWorkloads));
  const held = new Set(
    productRows.flatMap((r) => ctx.catalog.get(r.productId)?.workloads ?? ([] as readonly WorkloadCode[])),
  );
  return {
    day,
    customer,
    stale: await getStaleMetrics(store, req.partnerId, day, [customer.customerId]),
    usageData: {
      workloads: WORKLOAD_CODES.map((workload) => {
        const since = dataSince(sources, workload, d);
        return {
          workload,
          state: USAGE_STATES[usageStateOf(sources, workload, d)] ?? 'unknown',
          dataSince: since === null ? null : formatDay(since),
        };
      }),
      unattributedOpenUse: [...openWorkloads]
        .filter((w) => !held.has(w))
        .flatMap((workload) => {
          const users = activeUsers.find((a) => a.workload === workload)?.users ?? 0;
          return users > 0 ? [{ workload, users }] : [];
        }),
    },
    inactive,
    dataTrust: dataTrust ?? null,
    support: support ?? null,
    totals: totalsOf(productRows),
    rows: rows.map((r) => toMetricsRow(r, ctx, req.channel ?? 'all')),
    unassigned: productRows
      .filter((r) => r.sold > r.assigned)
      .map((r) => ({
        productId: r.productId,
        productName: ctx.catalog.get(r.productId)?.name ?? r.productId,
        licenses: r.sold - r.assigned,
      })),
  };
}

/** The customer report of a day, read in one unit of work (one snapshot). */
/** What a customer report may leave out. */
export interface CustomerReportOptions {
  /** false: no inactive users (an empty list) — the slowest part, for callers that do not show them. */
  readonly inactive?: boolean;
}

export function getCustomerReport(
  store: Store,
  req: CustomerReportRequest,
  contexts?: ReportContexts,
  options: CustomerReportOptions = {},
): Promise<CustomerReport> {
  return store.read((q) => customerReport(q, req, contexts, options));
}
