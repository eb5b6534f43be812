/**
 * The reports of a day as use-cases serve them: the portfolio (roll-ups, month over month, usage
 * bands, customers, SPEC rows), one customer (rows, unassigned licenses, inactive users, support,
 * what the data can tell) and the inactive-user drill-down. Requests and responses.
 */
import { z } from 'zod';
import { daySchema, SERVICE_CODES, workloadCodeSchema } from './codes';
import {
  channelViewSchema,
  metricsRowSchema,
  totalsSchema,
  usageBandSchema,
  usageStateSchema,
} from './metrics';
import { staleMetricsSchema } from './stale';
import { supportMetricSchema } from './support';

const partnerIdSchema = z.string().min(1);
const customerQuerySchema = z.string().trim().min(1, 'must name a customer: its id, domain or name');

/** A stored customer as reports show it. */
export const customerRecordSchema = z.object({
  customerId: z.string(),
  name: z.string(),
  domain: z.string().nullable(),
  country: z.string().nullable(),
  segment: z.string().nullable(),
  groups: z.array(z.string()).readonly(),
});
export type CustomerRecord = z.infer<typeof customerRecordSchema>;

/** Roll-up of one key (a service, a workload, a group…). */
const keyedTotalsSchema = z.object({ key: z.string(), totals: totalsSchema });

export const customerSummarySchema = z.object({
  customerId: z.string(),
  name: z.string(),
  groups: z.array(z.string()).readonly(),
  totals: totalsSchema,
  band: usageBandSchema,
});
export type CustomerSummary = z.infer<typeof customerSummarySchema>;

/**
 * Month over month (SPEC §2): D against the same day one month earlier, over the customers whose
 * usage is known on both days (a known day at most 3 days from the compared day stands in, for all
 * that customer's figures); the others are left out of both sides. Null changes when no customer
 * remains ("not enough history").
 */
export const monthOverMonthSchema = z.object({
  /** The same day one month earlier (the month's last day when shorter). */
  comparedDay: daySchema,
  /** Customers compared, and how many of them on a stand-in day. */
  customers: z.number(),
  standIns: z.number(),
  /** Customers of the view on D left out (usage not known on D, or within 3 days of the compared day). */
  leftOut: z.number(),
  /** The roll-ups of the compared customers on D and on their compared days. */
  current: totalsSchema.nullable(),
  previous: totalsSchema.nullable(),
  /** Signed differences of the counts, percentage points of the percentages; null: not enough history. */
  change: z.object({
    sold: z.number().nullable(),
    assigned: z.number().nullable(),
    active: z.number().nullable(),
    deploymentPoints: z.number().nullable(),
    usagePoints: z.number().nullable(),
  }),
});
export type MonthOverMonth = z.infer<typeof monthOverMonthSchema>;

export const portfolioReportRequestSchema = z.object({
  partnerId: partnerIdSchema,
  /** Default: the last day metrics were computed for. */
  day: daySchema.optional(),
  service: z.enum(SERVICE_CODES, { error: `must be one of ${SERVICE_CODES.join(', ')}` }).optional(),
  channel: channelViewSchema.optional(),
  /** Only customers in this group or tag. */
  group: z.string().min(1, 'must name a group').optional(),
});
export type PortfolioReportRequest = z.infer<typeof portfolioReportRequestSchema>;

export const portfolioReportResponseSchema = z.object({
  day: daySchema,
  channel: channelViewSchema,
  service: z.enum(SERVICE_CODES).nullable(),
  group: z.string().nullable(),
  totals: totalsSchema,
  monthOverMonth: monthOverMonthSchema,
  /** Customers per usage band (every band present). */
  bands: z.record(usageBandSchema, z.number()),
  byService: z.array(keyedTotalsSchema).readonly(),
  byProduct: z.array(keyedTotalsSchema.extend({ name: z.string() })).readonly(),
  byWorkload: z.array(keyedTotalsSchema).readonly(),
  byGroup: z.array(keyedTotalsSchema).readonly(),
  customers: z.array(customerSummarySchema).readonly(),
  rows: z.array(metricsRowSchema).readonly(),
  /** Metrics the data has moved past since they were computed (null: up to date). */
  stale: staleMetricsSchema.nullable(),
});
export type PortfolioReport = z.infer<typeof portfolioReportResponseSchema>;

/** Whether the data can tell who is inactive: yes, not enough data, or no workload measured. */
export const INACTIVE_AVAILABILITIES = ['ok', 'not_enough_data', 'not_measured'] as const;
export const inactiveAvailabilitySchema = z.enum(INACTIVE_AVAILABILITIES);
export type InactiveAvailability = z.infer<typeof inactiveAvailabilitySchema>;

/** Days without activity the inactive-user lists are asked for. */
export const INACTIVE_DAYS = [28, 60, 90] as const;
export const inactiveDaysSchema = z.union([z.literal(28), z.literal(60), z.literal(90)], {
  error: 'must be 28, 60 or 90',
});
export type InactiveDays = z.infer<typeof inactiveDaysSchema>;

/** A licensed user without activity in the product's measured workloads. */
export const inactiveUserSchema = z.object({
  customerId: z.string(),
  productId: z.string(),
  userId: z.string(),
  upn: z.string().nullable(),
  displayName: z.string().nullable(),
  /** Last activity in any counted workload (null: none in the data). */
  lastActive: daySchema.nullable(),
  daysInactive: z.number().nullable(),
  /** Last activity per counted workload. */
  lastActiveByWorkload: z.partialRecord(workloadCodeSchema, daySchema).readonly(),
});
export type InactiveUser = z.infer<typeof inactiveUserSchema>;

/** What the store says about a customer's data: last day per source, flags, missing kinds. */
export const dataTrustSchema = z.object({
  customerId: z.string(),
  /** Last day of data per source and kind of data. */
  sources: z.array(z.object({ source: z.string(), entity: z.string(), lastDate: z.string() })).readonly(),
  flags: z.array(z.object({ flag: z.string(), detail: z.string() })).readonly(),
  unknownProducts: z.array(z.string()).readonly(),
  missing: z.array(z.enum(['activity', 'subscriptions', 'license_assignments'])).readonly(),
});
export type DataTrust = z.infer<typeof dataTrustSchema>;

/**
 * Licensed users of a product without activity in its measured workloads for 28, 60, 90 days or
 * more (SPEC §2.3): counts (null where the data does not reach back that far) and who they are.
 */
export const inactiveCountsSchema = z.object({
  productId: z.string(),
  productName: z.string(),
  /** Whether the data can tell who is inactive for 28 days. */
  availability: inactiveAvailabilitySchema,
  days28: z.number().nullable(),
  days60: z.number().nullable(),
  days90: z.number().nullable(),
});
export type InactiveCounts = z.infer<typeof inactiveCountsSchema>;

export const inactiveProductSchema = inactiveCountsSchema.extend({
  /** Users inactive for 28 days or more (empty unless available): user-level (SPEC §5). */
  users: z.array(inactiveUserSchema).readonly(),
});

export const customerReportRequestSchema = z.object({
  partnerId: partnerIdSchema,
  /** The customer's id, domain or name. */
  customer: customerQuerySchema,
  /** Default: the last day metrics were computed for. */
  day: daySchema.optional(),
  channel: channelViewSchema.optional(),
});
export type CustomerReportRequest = z.infer<typeof customerReportRequestSchema>;

export const customerReportResponseSchema = z.object({
  day: daySchema,
  customer: customerRecordSchema,
  totals: totalsSchema,
  rows: z.array(metricsRowSchema).readonly(),
  /** Licenses sold but not assigned, per product (sold − assigned when positive). */
  unassigned: z
    .array(z.object({ productId: z.string(), productName: z.string(), licenses: z.number() }))
    .readonly(),
  /**
   * Licensed users without activity in the product's measured workloads for 28, 60, 90 days or more
   * (SPEC §2.3); a count is null where the data does not reach back that far.
   */
  inactive: z.array(inactiveProductSchema).readonly(),
  dataTrust: dataTrustSchema.nullable(),
  /** Support requests of the 28 days to D and how-to requests per 100 active users (whole customer). */
  support: supportMetricSchema.nullable(),
  /** The customer's metrics the data has moved past since they were computed (null: up to date). */
  stale: staleMetricsSchema.nullable(),
  /**
   * What the data can tell on D (SPEC §2.3): per workload, whether its usage is measured (and from
   * which day its data reaches back), and open-workload use counted in no row because the customer
   * has no product including the workload.
   */
  usageData: z.object({
    workloads: z
      .array(
        z.object({ workload: workloadCodeSchema, state: usageStateSchema, dataSince: daySchema.nullable() }),
      )
      .readonly(),
    unattributedOpenUse: z.array(z.object({ workload: workloadCodeSchema, users: z.number() })).readonly(),
  }),
});
export type CustomerReport = z.infer<typeof customerReportResponseSchema>;

export const inactiveUsersRequestSchema = z.object({
  partnerId: partnerIdSchema,
  /** The customer's id, domain or name. */
  customer: customerQuerySchema,
  /** Default: the last day with metrics. */
  day: daySchema.optional(),
  /** Only this product: id, part number or name (case-insensitive). */
  product: z.string().trim().min(1, 'must name a product: its id, part number or name').optional(),
  days: inactiveDaysSchema.default(28),
});
export type InactiveUsersRequest = z.infer<typeof inactiveUsersRequestSchema>;

export const inactiveUsersResponseSchema = z.object({
  day: daySchema,
  days: inactiveDaysSchema,
  customerId: z.string(),
  customerName: z.string(),
  /** Per product of the customer on D: whether the data can tell, and the users inactive N days. */
  products: z
    .array(
      z.object({
        productId: z.string(),
        productName: z.string(),
        availability: inactiveAvailabilitySchema,
        /** The workloads whose activity counts (measured on D, data reaching back N days). */
        workloads: z.array(workloadCodeSchema).readonly(),
        users: z.array(inactiveUserSchema).readonly(),
      }),
    )
    .readonly(),
});
export type InactiveUsersReport = z.infer<typeof inactiveUsersResponseSchema>;
