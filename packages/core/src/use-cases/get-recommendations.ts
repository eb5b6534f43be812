/**
 * Use-cases: the recommendation cards of a day (the playbook over the stored metrics, the support
 * metric and the subscriptions) and the support metric itself, for a day or as a history.
 */
import type {
  ProductDayMetrics,
  RecommendationCard,
  RecommendationsRequest,
  RecommendationsResponse,
  SupportMetricsRequest,
  SupportReportRow,
} from '@license-insights/contracts';
import { addDays, dayOf } from '../dates';
import { AppError } from '../errors';
import { key, runPlaybook } from '../recommendations/playbook';
import { composeSupportMetrics } from '../recommendations/support-metric';
import type { Store, StoreReader } from '../store/store';
import { findCustomer } from './find-customer';
import { planInactive } from './inactive-users';
import { getStaleMetrics } from './metrics-freshness';
import { getRecommendationSettings } from './recommendation-settings';
import { reportContext, reportDay } from './report-metrics';

/** Days with computed metrics (for reading a day that may lie outside them). */
async function computedRange(store: StoreReader, partnerId: string): Promise<(day: string) => boolean> {
  const { computed } = await store.metricsPlan(partnerId);
  return (day) => computed !== null && computed.firstDay <= day && day <= computed.lastDay;
}

/**
 * The customers to read: the one asked for, by id, domain or name (see findCustomer), and only
 * among `customerIds` when given (a staff account's scope: a customer outside it is as unknown as
 * one that does not exist); undefined: every customer.
 */
async function onlyCustomers(
  store: StoreReader,
  partnerId: string,
  customer: string | undefined,
  customerIds: readonly string[] | undefined,
): Promise<string[] | undefined> {
  if (customer === undefined) return customerIds === undefined ? undefined : [...customerIds];
  const found = await findCustomer(store, partnerId, customer);
  if (customerIds !== undefined && !customerIds.includes(found.customerId)) {
    throw new AppError('not_found', `no customer ${JSON.stringify(customer)}`);
  }
  return [found.customerId];
}

async function recommendations(
  store: StoreReader,
  req: RecommendationsRequest,
): Promise<RecommendationsResponse> {
  const day = await reportDay(store, req.partnerId, req.day);
  const ctx = await reportContext(store, req.partnerId);
  const only = await onlyCustomers(store, req.partnerId, req.customer, req.customerIds);
  const computed = await computedRange(store, req.partnerId);
  const before = addDays(day, -28);
  const { settings } = await getRecommendationSettings(store, { partnerId: req.partnerId });
  const metrics = await store.dailyMetrics(req.partnerId, day, only);
  const support = composeSupportMetrics(
    await store.supportCounts(req.partnerId, day, day, only),
    await store.activeUserCounts(req.partnerId, day, day, only),
    metrics,
  );
  // Licensed users inactive for 28 days, where the data can tell (the reclaim card's "in use").
  const productRows = metrics.filter((r) => r.workload === 'ALL');
  const plan = await planInactive(store, req.partnerId, day, productRows, ctx.catalog, 28);
  const inactive28 = new Map<string, number>();
  for (const sc of plan.scopes) inactive28.set(key(sc.customerId, sc.productId), 0);
  for (const c of await store.inactiveLicensedCounts(req.partnerId, day, plan.scopes, 28))
    inactive28.set(key(c.customerId, c.productId), c.users);
  const result = runPlaybook({
    day,
    locale: req.locale,
    settings,
    exclusions: await store.exclusions(req.partnerId),
    customerNames: new Map([...ctx.customers].map(([id, c]) => [id, c.name])),
    products: ctx.catalog,
    metrics,
    metricsBefore: computed(before) ? await store.dailyMetrics(req.partnerId, before, only) : [],
    support,
    subscriptions: await store.subscriptionsOn(req.partnerId, day, only),
    inactive28,
  });
  // The own view: cards about products the partner itself sold to the customer on D, and the
  // customer-wide ones (SPEC §2 channel views).
  const own = new Set(productRows.filter((r) => r.soldOwn > 0).map((r) => key(r.customerId, r.productId)));
  const keep = (c: RecommendationCard) =>
    (req.rule === undefined || c.rule === req.rule) &&
    (req.channel !== 'own' || c.productId === null || own.has(key(c.customerId, c.productId)));
  return {
    day,
    settings,
    cards: result.cards.filter(keep).map((c, i) => ({ ...c, rank: i + 1 })),
    silenced: result.silenced.filter(keep),
    stale: await getStaleMetrics(store, req.partnerId, day, only),
  };
}

/** getRecommendations in one read unit of work (one snapshot). */
export function getRecommendations(
  store: Store,
  req: RecommendationsRequest,
): Promise<RecommendationsResponse> {
  return store.read((q) => recommendations(q, req));
}

/** Longest history asked at once (one query per day reads the product metrics). */
export const MAX_SUPPORT_DAYS = 400;

/** The support metric of every day asked for, each row with the customer's and the product's names. */
async function supportMetrics(store: StoreReader, req: SupportMetricsRequest): Promise<SupportReportRow[]> {
  const to = await reportDay(store, req.partnerId, req.to);
  const from = req.from ?? addDays(to, 1 - (req.days ?? 28));
  if (from > to)
    throw new AppError('usage.invalid_argument', `the first day ${from} is after the last day ${to}`);
  if (dayOf(to) - dayOf(from) + 1 > MAX_SUPPORT_DAYS) {
    throw new AppError('usage.invalid_argument', `ask for at most ${MAX_SUPPORT_DAYS} days at once`);
  }
  const ctx = await reportContext(store, req.partnerId);
  const only = await onlyCustomers(store, req.partnerId, req.customer, req.customerIds);
  const counts = await store.supportCounts(req.partnerId, from, to, only);
  // Product scopes take the product's `active` from the metrics of each day they appear on.
  const computed = await computedRange(store, req.partnerId);
  const customersByDay = new Map<string, Set<string>>();
  for (const c of counts) {
    if (c.productId === null || !computed(c.day)) continue;
    const set = customersByDay.get(c.day) ?? new Set<string>();
    set.add(c.customerId);
    customersByDay.set(c.day, set);
  }
  const metrics: ProductDayMetrics[] = [];
  for (const [d, customers] of customersByDay) {
    metrics.push(...(await store.dailyMetrics(req.partnerId, d, [...customers])));
  }
  const rows = composeSupportMetrics(
    counts,
    await store.activeUserCounts(req.partnerId, from, to, only),
    metrics,
  );
  return rows.map((m) => ({
    ...m,
    customerName: ctx.customers.get(m.customerId)?.name ?? m.customerId,
    productName: m.productId === null ? null : (ctx.catalog.get(m.productId)?.name ?? m.productId),
  }));
}

/** getSupportMetrics in one read unit of work (one snapshot). */
export function getSupportMetrics(store: Store, req: SupportMetricsRequest): Promise<SupportReportRow[]> {
  return store.read((q) => supportMetrics(q, req));
}
