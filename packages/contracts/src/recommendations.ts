/**
 * The recommendation playbook's contract (SPEC §4 "Recommendations", issue 4): rule ids, the
 * partner's settings with their defaults and ranges, the card every rule produces, and the
 * recommendations request and response. Pure and IO-free so it runs client-side and server-side
 * from one source.
 */
import { z } from 'zod';
import { daySchema, workloadCodeSchema } from './codes';
import { localeSchema } from './i18n';
import { channelViewSchema } from './metrics';
import { staleMetricsSchema } from './stale';

export const RULE_IDS = [
  'LOW_ADOPTION',
  'HIGH_HOWTO_SUPPORT',
  'UPSELL',
  'DECLINING_USAGE',
  'RECLAIM_AT_RENEWAL',
] as const;
export const ruleIdSchema = z.enum(RULE_IDS);
export type RuleId = z.infer<typeof ruleIdSchema>;

/** The values a threshold may take: stated in docs/metrics.md, enforced by the schema. */
export interface SettingRange {
  readonly min: number;
  readonly max: number;
  /** Whole numbers only. */
  readonly integer: boolean;
  /** What the number is, for messages and docs ("a percentage", "a whole number of licenses"). */
  readonly what: string;
}

const PERCENT: SettingRange = { min: 0, max: 100, integer: false, what: 'a percentage' };
const LICENSES: SettingRange = { min: 1, max: 1_000_000, integer: true, what: 'a whole number of licenses' };

/**
 * Every threshold's range. Percentages are of licenses sold, so 0 … 100 (a threshold above 100 would
 * fire on everything or nothing); a drop is in percentage points, at least 1 (0 would call every
 * steady product declining); counts are whole numbers; days reach three years, the longest
 * commitment term.
 */
export const SETTING_RANGES = {
  LOW_ADOPTION: {
    usageBelow: PERCENT,
    deploymentBelow: PERCENT,
    minLicensesSold: { ...LICENSES, min: 0 },
    weakestWorkloads: { min: 0, max: 7, integer: true, what: 'a whole number of workloads' },
  },
  HIGH_HOWTO_SUPPORT: {
    howToPer100AtLeast: {
      min: 0,
      max: 1000,
      integer: false,
      what: 'a number of requests per 100 active users',
    },
    minHowToRequests: { min: 1, max: 1_000_000, integer: true, what: 'a whole number of requests' },
  },
  UPSELL: {
    usageAtLeast: PERCENT,
    deploymentAtLeast: PERCENT,
    minLicensesSold: LICENSES,
    headroomPercent: PERCENT,
  },
  DECLINING_USAGE: {
    dropPointsAtLeast: { min: 1, max: 100, integer: false, what: 'a number of percentage points' },
    minLicensesSold: LICENSES,
  },
  RECLAIM_AT_RENEWAL: {
    withinDays: { min: 0, max: 1096, integer: true, what: 'a whole number of days' },
    minLicenses: LICENSES,
  },
} as const satisfies Readonly<Record<RuleId, Readonly<Record<string, SettingRange>>>>;

/** "a percentage from 0 to 100", "a whole number of licenses from 1 to 1,000,000". */
export function describeRange(r: SettingRange): string {
  const n = (x: number) => x.toLocaleString('en-US');
  return `${r.what} from ${n(r.min)} to ${n(r.max)}`;
}

export function isInRange(r: SettingRange, v: number): boolean {
  return v >= r.min && v <= r.max && (!r.integer || Number.isInteger(v));
}

/** A number within its range; the message names the range and the value (the path names the key). */
function inRange(r: SettingRange) {
  return z.number().superRefine((v, ctx) => {
    if (!isInRange(r, v)) ctx.addIssue({ code: 'custom', message: `must be ${describeRange(r)} (got ${v})` });
  });
}

/** The settings' shape; with `checkRanges` every threshold must also lie in its range. */
function settingsSchema(checkRanges: boolean) {
  const n = (r: SettingRange) => (checkRanges ? inRange(r) : z.number());
  return z
    .object({
      LOW_ADOPTION: z
        .object({
          enabled: z.boolean(),
          /** Fires when usage % is below this … */
          usageBelow: n(SETTING_RANGES.LOW_ADOPTION.usageBelow),
          /** … or deployment % is below this … */
          deploymentBelow: n(SETTING_RANGES.LOW_ADOPTION.deploymentBelow),
          /** … with at least this many licenses sold. */
          minLicensesSold: n(SETTING_RANGES.LOW_ADOPTION.minLicensesSold),
          /** Workloads listed as the weakest (lowest usage first). */
          weakestWorkloads: n(SETTING_RANGES.LOW_ADOPTION.weakestWorkloads),
        })
        .strict(),
      HIGH_HOWTO_SUPPORT: z
        .object({
          enabled: z.boolean(),
          /** How-to requests per 100 active users in the last 28 days, at or above. */
          howToPer100AtLeast: n(SETTING_RANGES.HIGH_HOWTO_SUPPORT.howToPer100AtLeast),
          /** At least this many how-to requests in the 28 days (a single request is no pattern). */
          minHowToRequests: n(SETTING_RANGES.HIGH_HOWTO_SUPPORT.minHowToRequests),
        })
        .strict(),
      UPSELL: z
        .object({
          enabled: z.boolean(),
          /** Usage % after removing the reason-coded excess, at or above. */
          usageAtLeast: n(SETTING_RANGES.UPSELL.usageAtLeast),
          /** Deployment % after removing the reason-coded excess, at or above. */
          deploymentAtLeast: n(SETTING_RANGES.UPSELL.deploymentAtLeast),
          minLicensesSold: n(SETTING_RANGES.UPSELL.minLicensesSold),
          /** Licenses suggested at least: this share of the licenses sold, as headroom. */
          headroomPercent: n(SETTING_RANGES.UPSELL.headroomPercent),
        })
        .strict(),
      DECLINING_USAGE: z
        .object({
          enabled: z.boolean(),
          /** Usage % 28 days earlier minus usage % now, in points, at or above. */
          dropPointsAtLeast: n(SETTING_RANGES.DECLINING_USAGE.dropPointsAtLeast),
          minLicensesSold: n(SETTING_RANGES.DECLINING_USAGE.minLicensesSold),
        })
        .strict(),
      RECLAIM_AT_RENEWAL: z
        .object({
          enabled: z.boolean(),
          /** Commitment end within this many days of D (annual and longer terms). */
          withinDays: n(SETTING_RANGES.RECLAIM_AT_RENEWAL.withinDays),
          /** At least this many licenses to reclaim on the subscription. */
          minLicenses: n(SETTING_RANGES.RECLAIM_AT_RENEWAL.minLicenses),
        })
        .strict(),
    })
    .strict();
}

/**
 * Thresholds per rule. Defaults follow the issue: customer-success teams commonly treat usage
 * below 50 % as red and 80 % and up as green.
 */
export const recommendationSettingsSchema = settingsSchema(true);

/**
 * The same shape without the ranges: reads settings stored before a range was enforced (a
 * `usageBelow` of 150), so that they can be shown and repaired, never used.
 */
export const storedRecommendationSettingsSchema = settingsSchema(false);

export type RecommendationSettings = z.infer<typeof recommendationSettingsSchema>;

export const DEFAULT_RECOMMENDATION_SETTINGS: RecommendationSettings = Object.freeze({
  LOW_ADOPTION: {
    enabled: true,
    usageBelow: 50,
    deploymentBelow: 70,
    minLicensesSold: 5,
    weakestWorkloads: 2,
  },
  HIGH_HOWTO_SUPPORT: { enabled: true, howToPer100AtLeast: 10, minHowToRequests: 1 },
  UPSELL: { enabled: true, usageAtLeast: 90, deploymentAtLeast: 95, minLicensesSold: 1, headroomPercent: 10 },
  DECLINING_USAGE: { enabled: true, dropPointsAtLeast: 15, minLicensesSold: 1 },
  RECLAIM_AT_RENEWAL: { enabled: true, withinDays: 60, minLicenses: 1 },
});

/** One value of a card's evidence: a count, a percentage, a day or a list of names. */
export const evidenceValueSchema = z.union([
  z.number(),
  z.string(),
  z.null(),
  z.array(z.string()).readonly(),
]);
export type EvidenceValue = z.infer<typeof evidenceValueSchema>;

/**
 * Why a card is ranked where it is: quantity at stake × unit price when a price is known. The unit
 * price is the product's list price, per license per month, so a priced score is an amount per
 * month in `currency`.
 */
export const cardPrioritySchema = z.object({
  score: z.number(),
  quantity: z.number(),
  unit: z.enum(['licenses', 'users']),
  unitPrice: z.number().nullable(),
  currency: z.string().nullable(),
  /** The period of `unitPrice` and of a priced score; null when not priced. */
  period: z.literal('month').nullable(),
});
export type CardPriority = z.infer<typeof cardPrioritySchema>;

/** A message of the playbook, rendered in a language by its key and parameters. */
export const cardTextSchema = z.object({
  problem: z.string(),
  consider: z.string(),
  try: z.string(),
});
export type CardText = z.infer<typeof cardTextSchema>;

export const recommendationCardSchema = z.object({
  /** Stable id: the same data gives the same id (rule, customer, product, workload, subscription). */
  id: z.string(),
  /** 1 … n by priority among the cards; 0 for a card an exclusion silenced. */
  rank: z.number().int().nonnegative(),
  rule: ruleIdSchema,
  day: daySchema,
  customerId: z.string(),
  customerName: z.string(),
  productId: z.string().nullable(),
  productName: z.string().nullable(),
  workload: workloadCodeSchema.nullable(),
  subscriptionId: z.string().nullable(),
  priority: cardPrioritySchema,
  /** The numbers behind the card, in display order. */
  evidence: z.record(z.string(), evidenceValueSchema).readonly(),
  /** The settings of the rule that made it fire. */
  thresholds: z.record(z.string(), z.number()).readonly(),
  /** Message parameters (numbers unformatted) for rendering the text in another language. */
  params: z.record(z.string(), z.union([z.number(), z.string()])).readonly(),
  text: cardTextSchema,
});
export type RecommendationCard = z.infer<typeof recommendationCardSchema>;

/** The cards of a day (`insights recommendations`, the API's recommendations route). */
export const recommendationsRequestSchema = z.object({
  partnerId: z.string().min(1),
  /** Default: the last day with metrics. */
  day: daySchema.optional(),
  /** Only this customer: its id, domain or name. */
  customer: z.string().trim().min(1, 'must name a customer: its id, domain or name').optional(),
  rule: z.enum(RULE_IDS, { error: `must be one of ${RULE_IDS.join(', ')}` }).optional(),
  locale: localeSchema,
  /** Only these customers (a staff account's scope, by id); every customer when absent. */
  customerIds: z.array(z.string()).readonly().optional(),
  /**
   * `own`: only cards about products the partner itself sold to the customer on the day (and the
   * customer-wide cards); `all` (default): every card.
   */
  channel: channelViewSchema.optional(),
});
export type RecommendationsRequest = z.infer<typeof recommendationsRequestSchema>;

export const recommendationsResponseSchema = z.object({
  day: daySchema,
  settings: recommendationSettingsSchema,
  /** By priority, ranked 1 … n within what was asked for. */
  cards: z.array(recommendationCardSchema).readonly(),
  /** Cards exclusions silenced (the products stay in every report). */
  silenced: z.array(recommendationCardSchema).readonly(),
  /** Metrics the data has moved past since they were computed (null: up to date). */
  stale: staleMetricsSchema.nullable(),
});
export type RecommendationsResponse = z.infer<typeof recommendationsResponseSchema>;
