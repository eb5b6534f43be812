/**
 * The recommendation playbook (SPEC §4, issue 4): five rules over the metrics of a day D, the
 * metrics 28 days earlier, the support metric and the subscriptions, each producing explainable
 * cards. Pure and IO-free: the same input gives the same cards in the same order.
 *
 * Comparisons are made on integers (active × 100 < threshold × sold), never on rounded or floating
 * percentages, so a threshold edge is exact: 45 of 90 is 50 % and does not fire "usage < 50 %".
 * Usage is judged only where the data can tell it (SPEC §2.3): known, and not over a partial
 * window. Deployment is always known. docs/metrics.md ("Recommendations") states every rule and
 * choice.
 */
import {
  ALL_PRODUCTS,
  type CardPriority,
  type CatalogProduct,
  type EvidenceValue,
  type ExclusionInput,
  formatMoneyPerMonth,
  type Locale,
  type MessageKey,
  type ProductDayMetrics,
  type RecommendationCard,
  type RecommendationSettings,
  RULE_IDS,
  type RuleId,
  type SupportMetric,
  translate,
  type WorkloadCode,
  workloadName,
} from '@license-insights/contracts';
import { dayOf } from '../dates';
import type { SubscriptionState } from '../store/store';

export interface PlaybookInput {
  /** The as-of day D. */
  readonly day: string;
  readonly locale: Locale;
  readonly settings: RecommendationSettings;
  readonly exclusions: readonly ExclusionInput[];
  readonly customerNames: ReadonlyMap<string, string>;
  readonly products: ReadonlyMap<string, CatalogProduct>;
  /** Metrics rows of D (ALL and per workload). */
  readonly metrics: readonly ProductDayMetrics[];
  /** Metrics rows of D − 28 (empty when not computed). */
  readonly metricsBefore: readonly ProductDayMetrics[];
  /** Support metric of D, every scope. */
  readonly support: readonly SupportMetric[];
  /** Subscriptions as of D. */
  readonly subscriptions: readonly SubscriptionState[];
  /**
   * Licensed users inactive for 28 days on D per customer and product (`key(customer, product)`),
   * where the data can tell (SPEC §2.3, the customer report's definition); absent: not known.
   */
  readonly inactive28: ReadonlyMap<string, number>;
}

export interface PlaybookResult {
  /** Cards by priority, ranked 1 … n. */
  readonly cards: readonly RecommendationCard[];
  /** Cards an exclusion silenced (rank 0), for the record. */
  readonly silenced: readonly RecommendationCard[];
}

/** A card before ranking and text rendering. */
interface Draft {
  readonly rule: RuleId;
  readonly customerId: string;
  readonly productId: string | null;
  readonly workload: WorkloadCode | null;
  readonly subscriptionId: string | null;
  readonly quantity: number;
  readonly unit: CardPriority['unit'];
  /** A product whose list price prices the quantity (null: counted, not priced). */
  readonly pricedBy: string | null;
  readonly evidence: Record<string, EvidenceValue>;
  readonly thresholds: Record<string, number>;
  readonly params: Record<string, number | string>;
  readonly problemKey: MessageKey;
  /** The "what to try" text, when the rule's usual one does not fit (a monthly term: now, not at renewal). */
  readonly tryKey?: MessageKey;
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const percentOf = (part: number, whole: number) => (whole === 0 ? null : round1((part / whole) * 100));

/**
 * The active users of a row where a rule may judge usage (SPEC §2.3): usage known and its window
 * complete (recommendation rules skip partial windows); null otherwise.
 */
export function judgedActive(r: ProductDayMetrics): number | null {
  return r.usageKnown && !r.partialWindow ? r.active : null;
}

/** The counts of a metrics row, first in the evidence of every product card. */
const countsOf = (r: ProductDayMetrics) => ({
  licensesSold: r.sold,
  licensesDeployed: r.assigned,
  licensesActive: judgedActive(r),
  usagePercent: (() => {
    const a = judgedActive(r);
    return a === null ? null : percentOf(a, r.sold);
  })(),
  deploymentPercent: percentOf(r.assigned, r.sold),
});
const sum = (r: Readonly<Record<string, number | undefined>>, except: string) =>
  Object.entries(r).reduce((s, [k, v]) => (k === except ? s : s + (v ?? 0)), 0);

function productName(
  locale: Locale,
  products: ReadonlyMap<string, CatalogProduct>,
  productId: string,
): string {
  const p = products.get(productId);
  return p === undefined || p.origin === 'discovered'
    ? translate(locale, 'product.nameUnknown', { name: p?.name ?? productId })
    : p.name;
}

function workloadList(locale: Locale, workloads: readonly WorkloadCode[]): string {
  return workloads.length === 0
    ? translate(locale, 'list.none')
    : workloads.map((w) => workloadName(locale, w)).join(', ');
}

/** Code-point order: the same everywhere, whatever the machine's locale. */
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Composite key of ids (customer, product, …), as `inactive28` is keyed. */
export const key = (...parts: readonly (string | null)[]) => parts.map((p) => p ?? '').join('\u0000');

function lowAdoption(input: PlaybookInput, rows: RowIndex): Draft[] {
  const s = input.settings.LOW_ADOPTION;
  const out: Draft[] = [];
  for (const r of rows.all) {
    if (r.sold < s.minLicensesSold || r.sold === 0) continue;
    // Usage is judged only where known (a product without workloads, or with none measured, is
    // judged on deployment alone).
    const active = judgedActive(r);
    const lowUsage = active !== null && active * 100 < s.usageBelow * r.sold;
    const lowDeployment = r.assigned * 100 < s.deploymentBelow * r.sold;
    if (!lowUsage && !lowDeployment) continue;
    const unused = Math.max(r.sold - (active ?? r.sold), r.sold - r.assigned, 0);
    const weakest = rows
      .workloadsOf(r.customerId, r.productId)
      .flatMap((w) => {
        const a = judgedActive(w);
        return w.workload === 'ALL' || a === null ? [] : [{ workload: w.workload, active: a, sold: w.sold }];
      })
      .sort((a, b) => a.active - b.active || cmp(a.workload, b.workload))
      .filter((w) => w.active * 100 < s.usageBelow * w.sold)
      .slice(0, s.weakestWorkloads)
      .map((w) => w.workload);
    const name = productName(input.locale, input.products, r.productId);
    out.push({
      rule: 'LOW_ADOPTION',
      customerId: r.customerId,
      productId: r.productId,
      workload: weakest[0] ?? null,
      subscriptionId: null,
      quantity: unused,
      unit: 'licenses',
      pricedBy: r.productId,
      evidence: {
        ...countsOf(r),
        licensesNotInUse: unused,
        weakestWorkloads: weakest,
      },
      thresholds: {
        usageBelow: s.usageBelow,
        deploymentBelow: s.deploymentBelow,
        minLicensesSold: s.minLicensesSold,
      },
      params: {
        product: name,
        usage: active === null ? '' : (percentOf(active, r.sold) ?? 0),
        deployment: percentOf(r.assigned, r.sold) ?? 0,
        sold: r.sold,
        unused,
        weakest: workloadList(input.locale, weakest),
      },
      problemKey: active === null ? 'rec.LOW_ADOPTION.problem_deployment' : 'rec.LOW_ADOPTION.problem',
    });
  }
  return out;
}

function highHowToSupport(input: PlaybookInput): Draft[] {
  const s = input.settings.HIGH_HOWTO_SUPPORT;
  const out: Draft[] = [];
  const byCustomer = new Map<string, SupportMetric[]>();
  for (const m of input.support) {
    const list = byCustomer.get(m.customerId) ?? [];
    list.push(m);
    byCustomer.set(m.customerId, list);
  }
  for (const [customerId, scopes] of byCustomer) {
    const whole = scopes.find((m) => m.productId === null && m.workload === null);
    if (whole === undefined || whole.howTo < s.minHowToRequests || whole.activeUsers === 0) continue;
    if (whole.howTo * 100 < s.howToPer100AtLeast * whole.activeUsers) continue;
    // Where the requests concentrate: the product, then the workload, with the most how-to requests.
    const top = (list: SupportMetric[]) =>
      list
        .filter((m) => m.howTo > 0)
        .sort(
          (a, b) => b.howTo - a.howTo || cmp(key(a.productId, a.workload), key(b.productId, b.workload)),
        )[0];
    const topProduct = top(scopes.filter((m) => m.productId !== null && m.workload === null));
    const topWorkload = top(scopes.filter((m) => m.productId === null && m.workload !== null));
    const focus = [
      ...(topProduct?.productId ? [productName(input.locale, input.products, topProduct.productId)] : []),
      ...(topWorkload?.workload ? [workloadName(input.locale, topWorkload.workload)] : []),
    ];
    out.push({
      rule: 'HIGH_HOWTO_SUPPORT',
      customerId,
      productId: topProduct?.productId ?? null,
      workload: topWorkload?.workload ?? null,
      subscriptionId: null,
      quantity: whole.activeUsers,
      unit: 'users',
      pricedBy: null,
      evidence: {
        howToRequests28Days: whole.howTo,
        activeUsers28Days: whole.activeUsers,
        howToPer100ActiveUsers: whole.howToPer100 === null ? null : round1(whole.howToPer100),
        problemRequests28Days: whole.problem,
        otherRequests28Days: whole.other,
        topProduct: topProduct?.productId ?? null,
        topProductHowTo: topProduct?.howTo ?? null,
        topWorkload: topWorkload?.workload ?? null,
        topWorkloadHowTo: topWorkload?.howTo ?? null,
      },
      thresholds: { howToPer100AtLeast: s.howToPer100AtLeast, minHowToRequests: s.minHowToRequests },
      params: {
        howTo: whole.howTo,
        active: whole.activeUsers,
        rate: round1((whole.howTo / whole.activeUsers) * 100),
        threshold: s.howToPer100AtLeast,
        focus: focus.length === 0 ? translate(input.locale, 'list.none') : focus.join(', '),
      },
      problemKey: 'rec.HIGH_HOWTO_SUPPORT.problem',
    });
  }
  return out;
}

function upsell(input: PlaybookInput, rows: RowIndex): Draft[] {
  const s = input.settings.UPSELL;
  const out: Draft[] = [];
  for (const r of rows.all) {
    const active = judgedActive(r);
    if (r.sold < s.minLicensesSold || r.sold === 0 || active === null) continue;
    // Real demand: the excess explained by a reason code (rotation, open workloads, trials,
    // non-counted subscriptions) is not demand for more licenses; the unexplained rest is.
    const realActive = active - sum(r.usageReasons ?? {}, 'UNEXPLAINED');
    const realAssigned = r.assigned - sum(r.deploymentReasons, 'UNEXPLAINED');
    if (realActive * 100 < s.usageAtLeast * r.sold || realAssigned * 100 < s.deploymentAtLeast * r.sold)
      continue;
    const extra = Math.max(
      realAssigned - r.sold,
      realActive - r.sold,
      Math.ceil((r.sold * s.headroomPercent) / 100),
      1,
    );
    const name = productName(input.locale, input.products, r.productId);
    out.push({
      rule: 'UPSELL',
      customerId: r.customerId,
      productId: r.productId,
      workload: null,
      subscriptionId: null,
      quantity: extra,
      unit: 'licenses',
      pricedBy: r.productId,
      evidence: {
        ...countsOf(r),
        explainedUsageExcess: active - realActive,
        explainedDeploymentExcess: r.assigned - realAssigned,
        realUsagePercent: percentOf(realActive, r.sold),
        realDeploymentPercent: percentOf(realAssigned, r.sold),
        licensesSuggested: extra,
      },
      thresholds: {
        usageAtLeast: s.usageAtLeast,
        deploymentAtLeast: s.deploymentAtLeast,
        minLicensesSold: s.minLicensesSold,
        headroomPercent: s.headroomPercent,
      },
      params: {
        product: name,
        usage: percentOf(realActive, r.sold) ?? 0,
        deployment: percentOf(realAssigned, r.sold) ?? 0,
        sold: r.sold,
        extra,
      },
      problemKey: 'rec.UPSELL.problem',
    });
  }
  return out;
}

function decliningUsage(input: PlaybookInput, rows: RowIndex, before: RowIndex): Draft[] {
  const s = input.settings.DECLINING_USAGE;
  const out: Draft[] = [];
  for (const r of rows.all) {
    const b = before.get(r.customerId, r.productId, 'ALL');
    if (b === undefined || r.sold < s.minLicensesSold || r.sold === 0 || b.sold === 0) continue;
    // Both days' usage must be known over a whole window.
    const now = judgedActive(r);
    const then = judgedActive(b);
    if (now === null || then === null) continue;
    // (then / b.sold − now / r.sold) × 100 ≥ X, on integers.
    const dropScaled = (then * r.sold - now * b.sold) * 100;
    if (dropScaled < s.dropPointsAtLeast * b.sold * r.sold) continue;
    const drop = round1(dropScaled / (b.sold * r.sold));
    const fell = rows
      .workloadsOf(r.customerId, r.productId)
      .filter((w) => w.workload !== 'ALL' && w.sold > 0)
      .map((w) => {
        const wb = before.get(r.customerId, r.productId, w.workload);
        const a = judgedActive(w);
        const ab = wb === undefined ? null : judgedActive(wb);
        const points =
          wb === undefined || wb.sold === 0 || a === null || ab === null
            ? 0
            : (ab / wb.sold - a / w.sold) * 100;
        return { workload: w.workload as WorkloadCode, points };
      })
      .filter((w) => w.points > 0)
      .sort((a, b) => b.points - a.points || cmp(a.workload, b.workload))
      .slice(0, 3)
      .map((w) => w.workload);
    const lost = Math.max(then - now, 0);
    const name = productName(input.locale, input.products, r.productId);
    out.push({
      rule: 'DECLINING_USAGE',
      customerId: r.customerId,
      productId: r.productId,
      workload: fell[0] ?? null,
      subscriptionId: null,
      // The drop in licenses' worth at today's quantity.
      quantity: Math.max(Math.round((drop * r.sold) / 100), 1),
      unit: 'licenses',
      pricedBy: r.productId,
      evidence: {
        usagePercent28DaysAgo: percentOf(then, b.sold),
        usagePercent: percentOf(now, r.sold),
        dropPoints: drop,
        licensesActive28DaysAgo: then,
        licensesActive: now,
        licensesSold28DaysAgo: b.sold,
        licensesSold: r.sold,
        workloadsThatFell: fell,
      },
      thresholds: { dropPointsAtLeast: s.dropPointsAtLeast, minLicensesSold: s.minLicensesSold },
      params: {
        product: name,
        before: percentOf(then, b.sold) ?? 0,
        usage: percentOf(now, r.sold) ?? 0,
        drop,
        lost,
        workloads: workloadList(input.locale, fell),
      },
      problemKey: 'rec.DECLINING_USAGE.problem',
    });
  }
  return out;
}

/**
 * Licenses not in use — unassigned ones first, then those of licensed users inactive for 28 days
 * (the customer report's definition, SPEC §2.3) — are offered back on the partner's own
 * subscriptions that can be reduced soon: a monthly term now, a longer term when its commitment
 * ends within the window. The soonest renewal takes them first. Only where the data can tell who
 * is inactive: a product without a measured workload gets no reclaim advice.
 */
function reclaimAtRenewal(input: PlaybookInput, rows: RowIndex): Draft[] {
  const s = input.settings.RECLAIM_AT_RENEWAL;
  const d = dayOf(input.day);
  const out: Draft[] = [];
  const eligible = new Map<string, { sub: SubscriptionState; days: number | null; monthly: boolean }[]>();
  for (const sub of input.subscriptions) {
    if (sub.channel !== 'own' || sub.status !== 'active' || sub.isTrial || sub.quantity <= 0) continue;
    const days = sub.termEnd === null ? null : dayOf(sub.termEnd) - d;
    const monthly = sub.billingCycle === 'monthly';
    if (!monthly && (days === null || days < 0 || days > s.withinDays)) continue;
    const k = key(sub.customerId, sub.productId);
    const list = eligible.get(k) ?? [];
    list.push({ sub, days, monthly });
    eligible.set(k, list);
  }
  for (const [k, subs] of eligible) {
    const [customerId = '', productId = ''] = k.split('\u0000');
    const r = rows.get(customerId, productId, 'ALL');
    const inactive = input.inactive28.get(k);
    if (r === undefined || r.sold === 0 || judgedActive(r) === null || inactive === undefined) continue;
    // Licenses in use: those of licensed users active in the 28 days.
    let reclaim = Math.max(r.sold - (r.assigned - inactive), 0);
    let unassigned = Math.min(reclaim, Math.max(r.sold - r.assigned, 0));
    subs.sort(
      (a, b) =>
        (a.monthly ? 0 : (a.days ?? 0)) - (b.monthly ? 0 : (b.days ?? 0)) ||
        cmp(a.sub.subscriptionId, b.sub.subscriptionId),
    );
    for (const { sub, days, monthly } of subs) {
      const here = Math.min(sub.quantity, reclaim);
      if (here <= 0) break;
      const hereUnassigned = Math.min(here, unassigned);
      reclaim -= here;
      unassigned -= hereUnassigned;
      if (here < s.minLicenses) continue;
      out.push({
        rule: 'RECLAIM_AT_RENEWAL',
        customerId,
        productId,
        workload: null,
        subscriptionId: sub.subscriptionId,
        quantity: here,
        unit: 'licenses',
        pricedBy: productId,
        evidence: {
          subscriptionId: sub.subscriptionId,
          quantity: sub.quantity,
          billingCycle: sub.billingCycle,
          termEnd: sub.termEnd,
          daysToTermEnd: days,
          autoRenew: sub.autoRenew === null ? null : String(sub.autoRenew),
          licensesSold: r.sold,
          licensesDeployed: r.assigned,
          licensesActive: r.active,
          inactiveLicensedUsers28Days: inactive,
          licensesToReclaim: here,
          unassigned: hereUnassigned,
          inactive: here - hereUnassigned,
        },
        thresholds: { withinDays: s.withinDays, minLicenses: s.minLicenses },
        params: {
          subscription: sub.subscriptionId,
          product: productName(input.locale, input.products, productId),
          quantity: sub.quantity,
          termEnd: sub.termEnd ?? '',
          days: days ?? 0,
          reclaim: here,
          unassigned: hereUnassigned,
          inactive: here - hereUnassigned,
        },
        problemKey: monthly
          ? 'rec.RECLAIM_AT_RENEWAL.problem_monthly'
          : 'rec.RECLAIM_AT_RENEWAL.problem_term',
        ...(monthly ? { tryKey: 'rec.RECLAIM_AT_RENEWAL.try_monthly' as const } : {}),
      });
    }
  }
  return out;
}

/** Metrics rows by customer and product (nested maps: no composite string key per row). */
class RowIndex {
  readonly all: readonly ProductDayMetrics[];
  private readonly byProduct = new Map<string, Map<string, ProductDayMetrics[]>>();

  constructor(rows: readonly ProductDayMetrics[]) {
    this.all = rows.filter((r) => r.workload === 'ALL');
    for (const r of rows) {
      let products = this.byProduct.get(r.customerId);
      if (products === undefined) {
        products = new Map();
        this.byProduct.set(r.customerId, products);
      }
      const list = products.get(r.productId);
      if (list === undefined) products.set(r.productId, [r]);
      else list.push(r);
    }
  }

  get(customerId: string, productId: string, workload: string): ProductDayMetrics | undefined {
    return this.byProduct
      .get(customerId)
      ?.get(productId)
      ?.find((r) => r.workload === workload);
  }

  workloadsOf(customerId: string, productId: string): ProductDayMetrics[] {
    return [...(this.byProduct.get(customerId)?.get(productId) ?? [])];
  }
}

function priorityOf(input: PlaybookInput, d: Draft): CardPriority {
  const p = d.pricedBy === null ? undefined : input.products.get(d.pricedBy);
  const price = p?.listPrice ?? null;
  return {
    score: price === null ? d.quantity : Math.round(d.quantity * price * 100) / 100,
    quantity: d.quantity,
    unit: d.unit,
    unitPrice: price,
    currency: price === null ? null : (p?.currency ?? null),
    period: price === null ? null : 'month',
  };
}

function isExcluded(exclusions: readonly ExclusionInput[], d: Draft): boolean {
  return exclusions.some(
    (e) => e.customerId === d.customerId && (e.productId === ALL_PRODUCTS || e.productId === d.productId),
  );
}

/** Runs every enabled rule; cards ordered by priority score, then rule, customer, product, workload, subscription. */
export function runPlaybook(input: PlaybookInput): PlaybookResult {
  const rows = new RowIndex(input.metrics);
  const before = new RowIndex(input.metricsBefore);
  const s = input.settings;
  const drafts = [
    ...(s.LOW_ADOPTION.enabled ? lowAdoption(input, rows) : []),
    ...(s.HIGH_HOWTO_SUPPORT.enabled ? highHowToSupport(input) : []),
    ...(s.UPSELL.enabled ? upsell(input, rows) : []),
    ...(s.DECLINING_USAGE.enabled ? decliningUsage(input, rows, before) : []),
    ...(s.RECLAIM_AT_RENEWAL.enabled ? reclaimAtRenewal(input, rows) : []),
  ];
  const cards = drafts.map((d) => {
    const priority = priorityOf(input, d);
    const card: RecommendationCard = {
      id: [d.rule, d.customerId, d.productId ?? '-', d.workload ?? '-', d.subscriptionId ?? '-'].join(':'),
      rank: 0,
      rule: d.rule,
      day: input.day,
      customerId: d.customerId,
      customerName: input.customerNames.get(d.customerId) ?? d.customerId,
      productId: d.productId,
      productName: d.productId === null ? null : productName(input.locale, input.products, d.productId),
      workload: d.workload,
      subscriptionId: d.subscriptionId,
      priority,
      evidence: d.evidence,
      thresholds: d.thresholds,
      params: d.params,
      text: {
        problem: translate(input.locale, d.problemKey, d.params),
        consider: translate(input.locale, `rec.${d.rule}.consider` as MessageKey, d.params),
        try: translate(input.locale, d.tryKey ?? (`rec.${d.rule}.try` as MessageKey), d.params),
      },
    };
    return { card, excluded: isExcluded(input.exclusions, d) };
  });
  const order = (a: RecommendationCard, b: RecommendationCard) =>
    b.priority.score - a.priority.score ||
    RULE_IDS.indexOf(a.rule) - RULE_IDS.indexOf(b.rule) ||
    cmp(a.id, b.id);
  const kept = cards
    .filter((c) => !c.excluded)
    .map((c) => c.card)
    .sort(order)
    .map((c, i) => ({ ...c, rank: i + 1 }));
  const silenced = cards
    .filter((c) => c.excluded)
    .map((c) => c.card)
    .sort(order);
  return { cards: kept, silenced };
}

/**
 * The priority of a card in words, money per month in the locale's currency format:
 * "12 licenses × €10.00/month = €120.00/month", "12 licencji (cena nieznana)", "20 users to train".
 */
export function describePriority(locale: Locale, p: CardPriority): string {
  const unit = p.unit === 'licenses' ? 'licenses' : 'users';
  if (p.unitPrice === null) return translate(locale, `priority.${unit}.count`, { quantity: p.quantity });
  return translate(locale, `priority.${unit}.price`, {
    quantity: p.quantity,
    price: formatMoneyPerMonth(locale, p.unitPrice, p.currency),
    score: formatMoneyPerMonth(locale, p.score, p.currency),
  });
}
