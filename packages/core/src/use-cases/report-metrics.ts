/**
 * Use-cases: the portfolio report and the customer report of a day. Both read the stored daily
 * metrics and turn them into SPEC §4 metrics rows and roll-ups (ratios of sums).
 */
import {
  type CatalogProduct,
  type MetricsRow,
  type ProductDayMetrics,
  SERVICE_NAMES,
  type ServiceCode,
  type SupportMetric,
  type Totals,
  USAGE_BANDS,
  type UsageBand,
  WORKLOAD_NAMES,
  type WorkloadCode,
} from '@license-insights/contracts';
import { effectiveCatalog, shippedCatalog } from '../catalog/catalog';
import { AppError } from '../errors';
import { composeSupportMetrics } from '../recommendations/support-metric';
import { bandOf, groupTotals, monthBefore, totalsOf } from '../reports/rollup';
import type { CustomerRecord, DataTrust, InactiveUser, Store } from '../store/store';
import { findCustomer } from './find-customer';
import { getStaleMetrics, type StaleMetrics } from './metrics-freshness';

export type ChannelView = 'all' | 'own';

export interface PortfolioRequest {
  readonly partnerId: string;
  /** Default: the last day metrics were computed for. */
  readonly day?: string;
  readonly service?: ServiceCode;
  readonly channel?: ChannelView;
  readonly group?: string;
}

export interface CustomerSummary {
  readonly customerId: string;
  readonly name: string;
  readonly groups: readonly string[];
  readonly totals: Totals;
  readonly band: UsageBand;
}

export interface PortfolioReport {
  readonly day: string;
  readonly previousDay: string;
  readonly channel: ChannelView;
  readonly service: ServiceCode | null;
  readonly group: string | null;
  readonly totals: Totals;
  /** The same roll-up one month earlier (null when no metrics exist for that day). */
  readonly previous: Totals | null;
  /** Month-over-month change in percentage points. */
  readonly change: { readonly usagePoints: number | null; readonly deploymentPoints: number | null };
  readonly bands: Readonly<Record<UsageBand, number>>;
  readonly byService: readonly { key: string; totals: Totals }[];
  readonly byProduct: readonly { key: string; name: string; totals: Totals }[];
  readonly byWorkload: readonly { key: string; totals: Totals }[];
  readonly byGroup: readonly { key: string; totals: Totals }[];
  readonly customers: readonly CustomerSummary[];
  readonly rows: readonly MetricsRow[];
  /** Metrics the data has moved past since they were computed (null: up to date). */
  readonly stale: StaleMetrics | null;
}

export interface ReportContext {
  readonly catalog: Map<string, CatalogProduct>;
  readonly customers: Map<string, CustomerRecord>;
}

export async function reportContext(store: Store, partnerId: string): Promise<ReportContext> {
  const catalog = effectiveCatalog(shippedCatalog().products, await store.partnerProducts(partnerId));
  return {
    catalog: new Map(catalog.map((p) => [p.productId, p])),
    customers: new Map((await store.customers(partnerId)).map((c) => [c.customerId, c])),
  };
}

export async function reportDay(store: Store, partnerId: string, day: string | undefined): Promise<string> {
  const plan = await store.metricsPlan(partnerId);
  if (plan.computed === null) {
    throw new AppError('not_found', 'no metrics yet: run `insights compute` after importing data');
  }
  const d = day ?? plan.computed.lastDay;
  if (d > plan.computed.lastDay && plan.activity !== null && d <= plan.activity.lastDay) {
    throw new AppError(
      'not_found',
      `no metrics for ${d} yet: they cover ${plan.computed.firstDay} … ${plan.computed.lastDay} and the data goes to ${plan.activity.lastDay}; run \`insights compute\` to bring them up to date`,
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
  };
}

/**
 * Rows of the view: `own` keeps the products the partner itself sold to the customer on that day
 * (sold_own > 0); counts stay those of all channels, since people use licenses, not channels.
 */
function filterRows(
  rows: readonly ProductDayMetrics[],
  ctx: ReportContext,
  req: PortfolioRequest,
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

export async function getPortfolioReport(store: Store, req: PortfolioRequest): Promise<PortfolioReport> {
  const day = await reportDay(store, req.partnerId, req.day);
  const ctx = await reportContext(store, req.partnerId);
  const inGroup = req.group === undefined ? undefined : customersInGroup(ctx, req.group);
  const stale = await getStaleMetrics(store, req.partnerId, day, inGroup);
  const channel = req.channel ?? 'all';
  const rows = filterRows(await store.dailyMetrics(req.partnerId, day), ctx, req);
  const productRows = rows.filter((r) => r.workload === 'ALL');
  const previousDay = monthBefore(day);
  const previousRows = filterRows(await store.dailyMetrics(req.partnerId, previousDay), ctx, req).filter(
    (r) => r.workload === 'ALL',
  );
  const totals = totalsOf(productRows);
  const previous = previousRows.length > 0 ? totalsOf(previousRows) : null;
  const points = (a: number | null, b: number | null | undefined) =>
    a === null || b === null || b === undefined ? null : a - b;
  const customers: CustomerSummary[] = groupTotals(productRows, (r) => r.customerId).map(
    ({ key, totals: t }) => {
      const c = ctx.customers.get(key);
      return {
        customerId: key,
        name: c?.name ?? key,
        groups: c?.groups ?? [],
        totals: t,
        band: bandOf(t.usagePercent),
      };
    },
  );
  const bands = Object.fromEntries(USAGE_BANDS.map((b) => [b, 0])) as Record<UsageBand, number>;
  for (const c of customers) bands[c.band]++;
  return {
    day,
    previousDay,
    channel,
    service: req.service ?? null,
    group: req.group ?? null,
    totals,
    previous,
    change: {
      usagePoints: points(totals.usagePercent, previous?.usagePercent),
      deploymentPoints: points(totals.deploymentPercent, previous?.deploymentPercent),
    },
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

/** Ids of a group's customers; an unknown group is an error listing the groups that exist. */
function customersInGroup(ctx: ReportContext, group: string): string[] {
  const customers = [...ctx.customers.values()];
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

export interface CustomerReport {
  readonly day: string;
  readonly customer: CustomerRecord;
  readonly totals: Totals;
  readonly rows: readonly MetricsRow[];
  /** Licenses sold but not assigned, per product (sold − assigned when positive). */
  readonly unassigned: readonly { productId: string; productName: string; licenses: number }[];
  /** Licensed users without activity in the product's workloads for 28, 60, 90 days or more. */
  readonly inactive: readonly {
    productId: string;
    productName: string;
    days28: number;
    days60: number;
    days90: number;
    users: readonly InactiveUser[];
  }[];
  readonly dataTrust: DataTrust | null;
  /** Support requests of the 28 days to D and how-to requests per 100 active users (whole customer). */
  readonly support: SupportMetric | null;
  /** The customer's metrics the data has moved past since they were computed (null: up to date). */
  readonly stale: StaleMetrics | null;
}

export async function getCustomerReport(
  store: Store,
  req: {
    readonly partnerId: string;
    readonly customer: string;
    readonly day?: string;
    readonly channel?: ChannelView;
  },
): Promise<CustomerReport> {
  const day = await reportDay(store, req.partnerId, req.day);
  const ctx = await reportContext(store, req.partnerId);
  const found = await findCustomer(store, req.partnerId, req.customer);
  const customer = ctx.customers.get(found.customerId);
  if (customer === undefined) throw new AppError('internal', `customer ${found.customerId} vanished`);
  const rows = filterRows(await store.dailyMetrics(req.partnerId, day, [customer.customerId]), ctx, {
    partnerId: req.partnerId,
    channel: req.channel ?? 'all',
  });
  const productRows = rows.filter((r) => r.workload === 'ALL');
  const measurable = productRows
    .map((r) => ({ productId: r.productId, workloads: ctx.catalog.get(r.productId)?.workloads ?? [] }))
    .filter((p) => p.workloads.length > 0);
  const inactiveUsers = await store.inactiveLicensedUsers(
    req.partnerId,
    customer.customerId,
    day,
    measurable,
    28,
  );
  const atLeast = (list: readonly InactiveUser[], n: number) =>
    list.filter((u) => u.daysInactive === null || u.daysInactive >= n).length;
  const inactive = measurable.map((p) => {
    const users = inactiveUsers.filter((u) => u.productId === p.productId);
    return {
      productId: p.productId,
      productName: ctx.catalog.get(p.productId)?.name ?? p.productId,
      days28: atLeast(users, 28),
      days60: atLeast(users, 60),
      days90: atLeast(users, 90),
      users,
    };
  });
  const [dataTrust] = await store.dataTrust(req.partnerId, [customer.customerId]);
  const only = [customer.customerId];
  const support = composeSupportMetrics(
    await store.supportCounts(req.partnerId, day, day, only),
    await store.activeUserCounts(req.partnerId, day, day, only),
    [],
  ).find((m) => m.productId === null && m.workload === null);
  return {
    day,
    customer,
    stale: await getStaleMetrics(store, req.partnerId, day, [customer.customerId]),
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
