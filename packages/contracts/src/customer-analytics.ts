/**
 * One customer as the server shows it (SPEC §4 "Customer analytics", "Subscriptions"): the
 * customer report without user-level lists (SPEC §5: names and UPNs of inactive users are for admin
 * agents only, on a route of their own), the trend of its rows over a range of days, its
 * subscriptions as of a day; and the customer groups a caller sees. Use-case requests and
 * responses. Browser-safe: the server and the dashboard share them.
 */
import { z } from 'zod';
import {
  billingCycleSchema,
  channelSchema,
  daySchema,
  serviceCodeSchema,
  subscriptionStatusSchema,
} from './codes';
import { channelViewSchema, metricsRowSchema, totalsSchema } from './metrics';
import { customerRecordSchema, customerReportResponseSchema, inactiveCountsSchema } from './reports';
import { staleMetricsSchema } from './stale';

const partnerIdSchema = z.string().min(1);
const customerQuerySchema = z.string().trim().min(1, 'must name a customer: its id, domain or name');

/**
 * The customer report with the inactive users counted per product (28/60/90 days), never listed:
 * the aggregate every role may read.
 */
export const customerAnalyticsResponseSchema = customerReportResponseSchema.extend({
  inactive: z.array(inactiveCountsSchema).readonly(),
});
export type CustomerAnalytics = z.infer<typeof customerAnalyticsResponseSchema>;

/** Most days one trend returns (three years: the longest commitment term). */
export const MAX_TREND_DAYS = 1096;
/** Days of a trend when neither `from` nor `days` is given. */
export const DEFAULT_TREND_DAYS = 28;

export const customerTrendRequestSchema = z.object({
  partnerId: partnerIdSchema,
  /** The customer's id, domain or name. */
  customer: customerQuerySchema,
  /** First day (or `days`, not both). */
  from: daySchema.optional(),
  /** Last day (default: the last day metrics were computed for). */
  to: daySchema.optional(),
  /** Days ending on `to` (default 28) when `from` is not given. */
  days: z
    .number()
    .int()
    .min(1, 'must be at least 1')
    .max(MAX_TREND_DAYS, `must be at most ${MAX_TREND_DAYS}`)
    .optional(),
  channel: channelViewSchema.optional(),
  /** Also the product × workload rows (default: the product rows, workload ALL, only). */
  workloads: z.boolean().optional(),
});
export type CustomerTrendRequest = z.infer<typeof customerTrendRequestSchema>;

export const customerTrendResponseSchema = z.object({
  customer: customerRecordSchema,
  channel: channelViewSchema,
  /**
   * The days served: the range asked for, within the days metrics were computed for (a range
   * reaching past them is cut to them).
   */
  from: daySchema,
  to: daySchema,
  /** Every day of the range, oldest first: the roll-up of its product rows, and its rows (SPEC §4 shape). */
  days: z
    .array(z.object({ day: daySchema, totals: totalsSchema, rows: z.array(metricsRowSchema).readonly() }))
    .readonly(),
  /** The customer's metrics the data has moved past since they were computed, as of `to`. */
  stale: staleMetricsSchema.nullable(),
});
export type CustomerTrend = z.infer<typeof customerTrendResponseSchema>;

export const customerSubscriptionsRequestSchema = z.object({
  partnerId: partnerIdSchema,
  /** The customer's id, domain or name. */
  customer: customerQuerySchema,
  /** Default: the last day metrics were computed for (else the last day of any data). */
  day: daySchema.optional(),
});
export type CustomerSubscriptionsRequest = z.infer<typeof customerSubscriptionsRequestSchema>;

/** A subscription as of a day: its latest snapshot dated on or before it (SPEC §2). */
export const customerSubscriptionSchema = z.object({
  subscriptionId: z.string(),
  productId: z.string(),
  productName: z.string(),
  serviceCode: serviceCodeSchema,
  channel: channelSchema,
  status: subscriptionStatusSchema,
  isTrial: z.boolean(),
  quantity: z.number(),
  billingCycle: billingCycleSchema.nullable(),
  /** Commitment end: the renewal date of a term subscription. */
  termEnd: daySchema.nullable(),
  autoRenew: z.boolean().nullable(),
});
export type CustomerSubscription = z.infer<typeof customerSubscriptionSchema>;

export const customerSubscriptionsResponseSchema = z.object({
  day: daySchema,
  customer: customerRecordSchema,
  /** Sorted by product name, then subscription id. */
  subscriptions: z.array(customerSubscriptionSchema).readonly(),
});
export type CustomerSubscriptions = z.infer<typeof customerSubscriptionsResponseSchema>;

/** The customer groups (tags) of the customers a caller sees, with how many customers each holds. */
export const customerGroupsResponseSchema = z.object({
  /** Customers seen. */
  customers: z.number(),
  /** Sorted by name; a customer in several groups counts in each. */
  groups: z.array(z.object({ group: z.string(), customers: z.number() })).readonly(),
  /** Customers in no group. */
  ungrouped: z.number(),
});
export type CustomerGroups = z.infer<typeof customerGroupsResponseSchema>;
