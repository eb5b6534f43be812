/**
 * The portfolio views of the HTTP API (SPEC §4 "Portfolio"): summary, trend, breakdowns and the
 * customer table, each limited to the caller's customers and narrowed by the same filters — the
 * day, the channel view, a service, a customer group, a product, a usage band. Requests are query
 * strings (numbers arrive as text and are coerced); responses echo the filter as applied. Every
 * figure is a roll-up of SPEC §2 (`Totals`: ratios of sums, usage over rows with known usage), the
 * same numbers as the portfolio report of the CLI.
 */
import { z } from 'zod';
import { daySchema, SERVICE_CODES } from './codes';
import { channelViewSchema, totalsSchema, USAGE_BANDS, usageBandSchema } from './metrics';
import { monthOverMonthSchema } from './reports';
import { staleMetricsSchema } from './stale';

const serviceSchema = z.enum(SERVICE_CODES, { error: `must be one of ${SERVICE_CODES.join(', ')}` });
const bandSchema = z.enum(USAGE_BANDS, { error: `must be one of ${USAGE_BANDS.join(', ')}` });

/** The filters every portfolio view takes (all optional). */
export const portfolioFilterSchema = z.object({
  day: daySchema.optional().describe('The as-of day (default: the last day metrics were computed for)'),
  view: channelViewSchema
    .optional()
    .describe('all: every product; own: only products the partner sold itself that day (default all)'),
  service: serviceSchema.optional().describe('Only products of this service'),
  group: z.string().min(1, 'must name a group').max(200).optional().describe('Only customers in this group'),
  product: z
    .string()
    .min(1, 'must name a product')
    .max(200)
    .optional()
    .describe('Only this product (its productId)'),
  band: bandSchema.optional().describe('Only customers in this usage band on the day'),
});
export type PortfolioFilter = z.infer<typeof portfolioFilterSchema>;

/** The filter as applied: the day resolved, the view defaulted, absent filters null. */
export const portfolioFilterEchoSchema = z.object({
  day: daySchema,
  view: channelViewSchema,
  service: z.enum(SERVICE_CODES).nullable(),
  group: z.string().nullable(),
  product: z.string().nullable(),
  band: usageBandSchema.nullable(),
});
export type PortfolioFilterEcho = z.infer<typeof portfolioFilterEchoSchema>;

export const portfolioSummaryRequestSchema = portfolioFilterSchema;
export type PortfolioSummaryRequest = z.infer<typeof portfolioSummaryRequestSchema>;

export const portfolioSummarySchema = z.object({
  filter: portfolioFilterEchoSchema,
  totals: totalsSchema,
  monthOverMonth: monthOverMonthSchema,
  /** Customers per usage band (every band present). */
  bands: z.record(usageBandSchema, z.number()),
  /** Customers in the view (those with a product row of the view on the day). */
  customers: z.number(),
  /** Metrics the data has moved past since they were computed (null: up to date). */
  stale: staleMetricsSchema.nullable(),
});
export type PortfolioSummary = z.infer<typeof portfolioSummarySchema>;

/** Lengths of the trend's usual ranges, back from its last day. */
export const TREND_DAYS = [28, 90, 180, 365] as const;

export const portfolioTrendRequestSchema = portfolioFilterSchema
  .omit({ band: true })
  .extend({
    from: daySchema.optional().describe('First day (default: `days` back from the last day)'),
    to: daySchema.optional().describe('Last day (default: `day`, else the last computed day)'),
    days: z.coerce
      .number({ error: `must be one of ${TREND_DAYS.join(', ')}` })
      .refine((n) => (TREND_DAYS as readonly number[]).includes(n), {
        error: `must be one of ${TREND_DAYS.join(', ')}`,
      })
      .optional()
      .describe(`Days back from the last day, that day included (${TREND_DAYS.join(', ')}; default 28)`),
  })
  .refine((r) => !(r.from !== undefined && r.days !== undefined), {
    error: 'give from or days, not both',
    path: ['days'],
  })
  .refine((r) => !(r.to !== undefined && r.day !== undefined && r.to !== r.day), {
    error: 'to and day name the last day: give one of them',
    path: ['to'],
  })
  .refine((r) => r.from === undefined || r.to === undefined || r.from <= r.to, {
    error: 'must not be after to',
    path: ['from'],
  });
export type PortfolioTrendRequest = z.infer<typeof portfolioTrendRequestSchema>;

export const trendPointSchema = z.object({ day: daySchema, totals: totalsSchema });
export type TrendPoint = z.infer<typeof trendPointSchema>;

export const portfolioTrendSchema = z.object({
  /** The filter; its day is the trend's last day. */
  filter: portfolioFilterEchoSchema,
  /** The days shown: the range asked for, within the days metrics cover. */
  from: daySchema,
  to: daySchema,
  /** One point per day, oldest first: the roll-up of the day, as the portfolio summary of that day. */
  points: z.array(trendPointSchema).readonly(),
  stale: staleMetricsSchema.nullable(),
});
export type PortfolioTrend = z.infer<typeof portfolioTrendSchema>;

export const BREAKDOWN_KEYS = ['service', 'product', 'workload', 'group'] as const;

export const portfolioBreakdownRequestSchema = portfolioFilterSchema.extend({
  by: z
    .enum(BREAKDOWN_KEYS, { error: `must be one of ${BREAKDOWN_KEYS.join(', ')}` })
    .describe('service, product, workload (the products’ workload rows) or customer group'),
});
export type PortfolioBreakdownRequest = z.infer<typeof portfolioBreakdownRequestSchema>;

export const portfolioBreakdownSchema = z.object({
  filter: portfolioFilterEchoSchema,
  by: z.enum(BREAKDOWN_KEYS),
  /** One roll-up per key, sorted by key. */
  items: z
    .array(
      z.object({
        /** The service code, productId, workload code or group. */
        key: z.string(),
        /** Its display name (a product's catalog name; a group's name is its key). */
        name: z.string(),
        totals: totalsSchema,
      }),
    )
    .readonly(),
  stale: staleMetricsSchema.nullable(),
});
export type PortfolioBreakdown = z.infer<typeof portfolioBreakdownSchema>;

/** What the customer table sorts by. Nulls ("—") come last in either order; ties by name, then id. */
export const CUSTOMER_SORTS = [
  'name',
  'customerId',
  'sold',
  'soldOwn',
  'assigned',
  'active',
  'deploymentPercent',
  'usagePercent',
  'band',
  'usageChange',
] as const;
export const customerSortSchema = z.enum(CUSTOMER_SORTS, {
  error: `must be one of ${CUSTOMER_SORTS.join(', ')}`,
});
export type CustomerSort = z.infer<typeof customerSortSchema>;

export const SORT_ORDERS = ['asc', 'desc'] as const;

/** Largest page of the customer table. */
export const MAX_PAGE_SIZE = 500;

export const customerTableRequestSchema = portfolioFilterSchema.extend({
  search: z
    .string()
    .trim()
    .max(200)
    .optional()
    .describe('Part of the customer’s name, id or domain (case-insensitive)'),
  sort: customerSortSchema.optional().describe('Default name'),
  order: z.enum(SORT_ORDERS, { error: 'must be asc or desc' }).optional().describe('Default asc'),
  page: z.coerce
    .number({ error: 'must be a page number from 1' })
    .int('must be a whole number')
    .min(1, 'must be a page number from 1')
    .optional()
    .describe('Page number from 1 (default 1)'),
  pageSize: z.coerce
    .number({ error: `must be a number from 1 to ${MAX_PAGE_SIZE}` })
    .int('must be a whole number')
    .min(1, `must be a number from 1 to ${MAX_PAGE_SIZE}`)
    .max(MAX_PAGE_SIZE, `must be a number from 1 to ${MAX_PAGE_SIZE}`)
    .optional()
    .describe(`Rows per page (default 50, at most ${MAX_PAGE_SIZE})`),
});
export type CustomerTableRequest = z.infer<typeof customerTableRequestSchema>;

export const customerTableRowSchema = z.object({
  customerId: z.string(),
  name: z.string(),
  domain: z.string().nullable(),
  groups: z.array(z.string()).readonly(),
  totals: totalsSchema,
  band: usageBandSchema,
  /**
   * Usage % now minus a month earlier, in points, by the rules of month over month (SPEC §2) for
   * this customer alone; null when its usage cannot be compared ("—").
   */
  usageChange: z.number().nullable(),
});
export type CustomerTableRow = z.infer<typeof customerTableRowSchema>;

export const customerTableSchema = z.object({
  filter: portfolioFilterEchoSchema.extend({ search: z.string().nullable() }),
  sort: customerSortSchema,
  order: z.enum(SORT_ORDERS),
  page: z.number(),
  pageSize: z.number(),
  /** Customers matching the filter, on every page. */
  total: z.number(),
  rows: z.array(customerTableRowSchema).readonly(),
  stale: staleMetricsSchema.nullable(),
});
export type CustomerTable = z.infer<typeof customerTableSchema>;
