/**
 * Use-cases: the recommendation cards of a day (the playbook over the stored metrics, the support
 * metric and the subscriptions) and the support metric itself, for a day or as a history.
 */
import type {
  Locale,
  ProductDayMetrics,
  RecommendationCard,
  RecommendationSettings,
  RuleId,
  SupportMetric,
} from '@license-insights/contracts';
import { addDays, dayOf } from '../dates';
import { AppError } from '../errors';
import { runPlaybook } from '../recommendations/playbook';
import { composeSupportMetrics } from '../recommendations/support-metric';
import type { Store } from '../store/store';
import { getRecommendationSettings } from './recommendation-settings';
import { findCustomer, reportContext, reportDay } from './report-metrics';

export interface RecommendationsRequest {
  readonly partnerId: string;
  /** Default: the last day with metrics. */
  readonly day?: string;
  /** A customer id or name (case-insensitive, unique). */
  readonly customerId?: string;
  readonly rule?: RuleId;
  readonly locale: Locale;
}

export interface RecommendationsResult {
  readonly day: string;
  readonly settings: RecommendationSettings;
  /** By priority, ranked 1 … n within what was asked for. */
  readonly cards: readonly RecommendationCard[];
  /** Cards exclusions silenced (the products stay in every report). */
  readonly silenced: readonly RecommendationCard[];
}

/** Metrics of a day, or none when the day is outside the computed range. */
async function metricsIfComputed(
  store: Store,
  partnerId: string,
  day: string,
  customerIds: readonly string[] | undefined,
): Promise<ProductDayMetrics[]> {
  const plan = await store.metricsPlan(partnerId);
  if (plan.computed === null || day < plan.computed.firstDay || day > plan.computed.lastDay) return [];
  return store.dailyMetrics(partnerId, day, customerIds);
}

/** The customer asked for, by id or name (see findCustomer), as a one-element filter. */
async function onlyCustomer(
  store: Store,
  partnerId: string,
  customer: string | undefined,
): Promise<string[] | undefined> {
  if (customer === undefined) return undefined;
  return [findCustomer(await store.customers(partnerId), customer).customerId];
}

export async function getRecommendations(
  store: Store,
  req: RecommendationsRequest,
): Promise<RecommendationsResult> {
  const day = await reportDay(store, req.partnerId, req.day);
  const only = await onlyCustomer(store, req.partnerId, req.customerId);
  const ctx = await reportContext(store, req.partnerId);
  const { settings } = await getRecommendationSettings(store, req.partnerId);
  const metrics = await store.dailyMetrics(req.partnerId, day, only);
  const support = composeSupportMetrics(
    await store.supportCounts(req.partnerId, day, day, only),
    await store.activeUserCounts(req.partnerId, day, day, only),
    metrics,
  );
  const result = runPlaybook({
    day,
    locale: req.locale,
    settings,
    exclusions: await store.exclusions(req.partnerId),
    customerNames: new Map([...ctx.customers].map(([id, c]) => [id, c.name])),
    products: ctx.catalog,
    metrics,
    metricsBefore: await metricsIfComputed(store, req.partnerId, addDays(day, -28), only),
    support,
    subscriptions: await store.subscriptionsOn(req.partnerId, day, only),
  });
  const keep = (c: RecommendationCard) => req.rule === undefined || c.rule === req.rule;
  return {
    day,
    settings,
    cards: result.cards.filter(keep).map((c, i) => ({ ...c, rank: i + 1 })),
    silenced: result.silenced.filter(keep),
  };
}

export interface SupportMetricsRequest {
  readonly partnerId: string;
  readonly customerId?: string;
  /** Default: the last day with metrics. */
  readonly to?: string;
  /** Default: 27 days before `to` (four weeks of history). */
  readonly from?: string;
}

/** Longest history asked at once (one query per day reads the product metrics). */
export const MAX_SUPPORT_DAYS = 400;

export async function getSupportMetrics(store: Store, req: SupportMetricsRequest): Promise<SupportMetric[]> {
  const to = await reportDay(store, req.partnerId, req.to);
  const from = req.from ?? addDays(to, -27);
  if (from > to) throw new AppError('usage.invalid_argument', `--from ${from} is after --to ${to}`);
  if (dayOf(to) - dayOf(from) + 1 > MAX_SUPPORT_DAYS) {
    throw new AppError('usage.invalid_argument', `ask for at most ${MAX_SUPPORT_DAYS} days at once`);
  }
  const only = await onlyCustomer(store, req.partnerId, req.customerId);
  const counts = await store.supportCounts(req.partnerId, from, to, only);
  // Product scopes take the product's `active` from the metrics of each day they appear on.
  const productDays = [...new Set(counts.filter((c) => c.productId !== null).map((c) => c.day))];
  const metrics: ProductDayMetrics[] = [];
  for (const d of productDays) {
    const customers = [
      ...new Set(counts.filter((c) => c.day === d && c.productId !== null).map((c) => c.customerId)),
    ];
    metrics.push(...(await metricsIfComputed(store, req.partnerId, d, customers)));
  }
  return composeSupportMetrics(counts, await store.activeUserCounts(req.partnerId, from, to, only), metrics);
}
