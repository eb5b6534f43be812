/**
 * The recommendation playbook's contract (SPEC §4 "Recommendations", issue 4): rule ids, the
 * partner's settings with their defaults, exclusions, the support metric and the card every rule
 * produces. Pure and IO-free so it runs client-side and server-side from one source.
 */
import { z } from 'zod';
import type { WorkloadCode } from './codes';

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

/** `*` as the product of an exclusion silences every card of the customer. */
export const ALL_PRODUCTS = '*';

export const exclusionSchema = z
  .object({
    customerId: z.string().min(1).max(200),
    productId: z.string().min(1).max(200),
    reason: z.string().trim().min(1, 'give a reason').max(500),
  })
  .strict();
export type ExclusionInput = z.infer<typeof exclusionSchema>;

export interface Exclusion extends ExclusionInput {
  readonly createdBy: string;
  readonly createdAt: string;
}

/**
 * Support requests of the 28 days ending on a day (D−27 … D), in one scope: the whole customer
 * (product and workload null), a product, a workload, or a product × workload.
 */
export interface SupportMetric {
  readonly customerId: string;
  readonly day: string;
  readonly productId: string | null;
  readonly workload: WorkloadCode | null;
  readonly howTo: number;
  readonly problem: number;
  readonly other: number;
  /** Active users of the scope over the same 28 days (see docs/metrics.md). */
  readonly activeUsers: number;
  /** howTo / activeUsers × 100; null when there are no active users. */
  readonly howToPer100: number | null;
}

/** A row of the support report: the metric with the names a person reads beside the ids. */
export interface SupportReportRow extends SupportMetric {
  readonly customerName: string;
  /** Null for the whole customer or a workload alone. */
  readonly productName: string | null;
}

/** One value of a card's evidence: a count, a percentage, a day or a list of names. */
export type EvidenceValue = number | string | null | readonly string[];

/**
 * Why a card is ranked where it is: quantity at stake × unit price when a price is known. The unit
 * price is the product's list price, per license per month, so a priced score is an amount per
 * month in `currency`.
 */
export interface CardPriority {
  readonly score: number;
  readonly quantity: number;
  readonly unit: 'licenses' | 'users';
  readonly unitPrice: number | null;
  readonly currency: string | null;
  /** The period of `unitPrice` and of a priced score; null when not priced. */
  readonly period: 'month' | null;
}

/** A message of the playbook, rendered in a language by its key and parameters. */
export interface CardText {
  readonly problem: string;
  readonly consider: string;
  readonly try: string;
}

export interface RecommendationCard {
  /** Stable id: the same data gives the same id (rule, customer, product, workload, subscription). */
  readonly id: string;
  readonly rank: number;
  readonly rule: RuleId;
  readonly day: string;
  readonly customerId: string;
  readonly customerName: string;
  readonly productId: string | null;
  readonly productName: string | null;
  readonly workload: WorkloadCode | null;
  readonly subscriptionId: string | null;
  readonly priority: CardPriority;
  /** The numbers behind the card, in display order. */
  readonly evidence: Readonly<Record<string, EvidenceValue>>;
  /** The settings of the rule that made it fire. */
  readonly thresholds: Readonly<Record<string, number>>;
  /** Message parameters (numbers unformatted) for rendering the text in another language. */
  readonly params: Readonly<Record<string, number | string>>;
  readonly text: CardText;
}
