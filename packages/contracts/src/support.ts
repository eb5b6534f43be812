/**
 * The support metric (SPEC §4): support requests of the 28 days to a day, and how-to requests per
 * 100 active users, per customer and per product, workload or product × workload they name; the
 * support report's request and rows.
 */
import { z } from 'zod';
import { daySchema, workloadCodeSchema } from './codes';

/**
 * Support requests of the 28 days ending on a day (D−27 … D), in one scope: the whole customer
 * (product and workload null), a product, a workload, or a product × workload.
 */
export const supportMetricSchema = z.object({
  customerId: z.string(),
  day: daySchema,
  productId: z.string().nullable(),
  workload: workloadCodeSchema.nullable(),
  howTo: z.number(),
  problem: z.number(),
  other: z.number(),
  /** Active users of the scope over the same 28 days (see docs/metrics.md). */
  activeUsers: z.number(),
  /** howTo / activeUsers × 100; null when there are no active users. */
  howToPer100: z.number().nullable(),
});
export type SupportMetric = z.infer<typeof supportMetricSchema>;

/** A row of the support report: the metric with the names a person reads beside the ids. */
export const supportReportRowSchema = supportMetricSchema.extend({
  customerName: z.string(),
  /** Null for the whole customer or a workload alone. */
  productName: z.string().nullable(),
});
export type SupportReportRow = z.infer<typeof supportReportRowSchema>;

export const supportMetricsRequestSchema = z.object({
  partnerId: z.string().min(1),
  /** Only this customer: its id, domain or name. */
  customer: z.string().trim().min(1, 'must name a customer: its id, domain or name').optional(),
  /** The last day of the history (default: the last day with metrics). */
  to: daySchema.optional(),
  /** The first day (default: `days` − 1 days before `to`). */
  from: daySchema.optional(),
  /** Days of history ending on `to` when `from` is not given (default 28: four weeks). */
  days: z.number().int().min(1).max(400).optional(),
  /** Only these customers (a staff account's scope, by id); every customer when absent. */
  customerIds: z.array(z.string()).readonly().optional(),
});
export type SupportMetricsRequest = z.infer<typeof supportMetricsRequestSchema>;

/** Every day asked for, every scope with requests. */
export const supportMetricsResponseSchema = z.array(supportReportRowSchema).readonly();
export type SupportMetricsResponse = z.infer<typeof supportMetricsResponseSchema>;
