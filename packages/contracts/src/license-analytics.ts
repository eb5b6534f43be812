/**
 * Partner Center–compatible license analytics (SPEC §6, ../shared/partner-center-analytics-api.md):
 * the rows, envelopes and query options of `/analytics/commercial/{deployment,usage}/license/` and
 * of the legacy `/analytics/licenses/{deployment,usage}`, so that a script written for Partner
 * Center's API works with a changed base URL and token. Microsoft's field names and order come
 * first; ours (percentages, reasons, `licensesSoldOwn`, `partialWindow`) follow, never renaming
 * theirs. Browser-safe.
 */
import { z } from 'zod';
import { daySchema, isCalendarDate } from './codes';
import { reasonsSchema } from './metrics';

export const LICENSE_ANALYTICS_KINDS = ['deployment', 'usage'] as const;
export type LicenseAnalyticsKind = (typeof LICENSE_ANALYTICS_KINDS)[number];

/** Fields of a deployment row that `filter` and `groupby` may name (Microsoft's list). */
export const DEPLOYMENT_FIELDS = [
  'serviceCode',
  'serviceName',
  'channel',
  'customerTenantId',
  'customerName',
  'productId',
  'productName',
] as const;
/** Fields of a usage row that `filter` and `groupby` may name: the deployment's and the workload. */
export const USAGE_FIELDS = ['workloadCode', 'workloadName', ...DEPLOYMENT_FIELDS] as const;
export type AnalyticsField = (typeof USAGE_FIELDS)[number];

export const ANALYTICS_FIELDS: Readonly<Record<LicenseAnalyticsKind, readonly AnalyticsField[]>> = {
  deployment: DEPLOYMENT_FIELDS,
  usage: USAGE_FIELDS,
};

/** Rows a page holds by default and at most (Partner Center's `top`). */
export const ANALYTICS_TOP_MAX = 10_000;

/**
 * The view: `own` (the default, Partner Center's "reseller" channel: the products the partner sold
 * itself, with the counts of all channels, SPEC §2) or `all` (every product, channel "all").
 */
export const ANALYTICS_VIEWS = ['own', 'all'] as const;
export const ANALYTICS_CHANNEL = { own: 'reseller', all: 'all' } as const;

/** `processedDateTime`: a day, or a day and a time (`2026-03-31T00:00:00`, an offset allowed); the day counts. */
const PROCESSED_DATE_TIME =
  /^(\d{4}-\d{2}-\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

export function dayOfProcessedDateTime(text: string): string | null {
  const m = PROCESSED_DATE_TIME.exec(text);
  const day = m?.[1];
  return day !== undefined && isCalendarDate(day) ? day : null;
}

/** The query options of the compatible endpoints, as the API receives them (query strings). */
export const licenseAnalyticsQuerySchema = z.object({
  filter: z
    .string()
    .max(4000, 'must be at most 4000 characters')
    .optional()
    .describe(
      "Rows to keep: `field eq 'value'` or `field ne 'value'`, joined by `and` / `or`, with parentheses; values compare case-insensitively (`crm` stands for D365)",
    ),
  groupby: z
    .string()
    .max(1000, 'must be at most 1000 characters')
    .optional()
    .describe('Comma-separated fields; each row then holds those fields and the summed counts'),
  top: z.coerce
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .optional()
    .describe(
      `Rows of a page: default and at most ${ANALYTICS_TOP_MAX} (more is served as ${ANALYTICS_TOP_MAX})`,
    ),
  skip: z.coerce
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(0, 'must be 0 or more')
    .optional()
    .describe('Rows to skip, in the stable order of the answer'),
  processedDateTime: z
    .string()
    .refine((t) => dayOfProcessedDateTime(t) !== null, {
      error: 'must be a day YYYY-MM-DD, or a day and a time YYYY-MM-DDThh:mm:ss',
    })
    .optional()
    .describe('The day whose data is returned (default: the latest computed day)'),
  view: z
    .enum(ANALYTICS_VIEWS, { error: 'must be own or all' })
    .optional()
    .describe(
      'Our extension: `own` (default, channel "reseller": the products the partner sold itself) or `all` (every product, channel "all")',
    ),
});
export type LicenseAnalyticsQuery = z.infer<typeof licenseAnalyticsQuerySchema>;

/** The use-case's request: the query options, whose customers, and which rows. */
export const licenseAnalyticsRequestSchema = z.object({
  partnerId: z.string().min(1),
  kind: z.enum(LICENSE_ANALYTICS_KINDS),
  /** Only these customers (the caller's scope, or one customer); null: all of the partner's. */
  customerIds: z.array(z.string()).readonly().nullable(),
  filter: z.string().optional(),
  groupby: z.string().optional(),
  top: z.number().int().min(1).default(ANALYTICS_TOP_MAX),
  skip: z.number().int().min(0).default(0),
  day: daySchema.optional(),
  view: z.enum(ANALYTICS_VIEWS).default('own'),
});
export type LicenseAnalyticsRequest = z.input<typeof licenseAnalyticsRequestSchema>;

const dimension = (description: string) => z.string().optional().describe(description);
/** The fields rows share; absent from grouped rows unless grouped by. */
const sharedDimensions = {
  serviceCode: dimension('O365, D365 or OTHER'),
  serviceName: dimension('The service’s display name'),
  channel: dimension('"reseller" (the own view) or "all"'),
  customerTenantId: dimension('The customer’s id'),
  customerName: dimension('The customer’s name'),
  productId: dimension('The product’s skuId, upper case'),
  productName: dimension('The product’s display name'),
};

/** A deployment row (per customer and product); grouped, the fields grouped by and the sums. */
export const deploymentAnalyticsRowSchema = z.object({
  ...sharedDimensions,
  licensesDeployed: z.number().int().describe('Licenses assigned to users'),
  licensesSold: z.number().int().describe('Licenses sold (all channels)'),
  processedDateTime: z.string().describe('The day, at midnight: 2026-03-31T00:00:00'),
  licensesSoldOwn: z.number().int().describe('Ours: licenses the partner sold itself'),
  deploymentPercent: z.number().nullable().describe('Ours: licensesDeployed / licensesSold × 100'),
  deploymentReasons: reasonsSchema.describe('Ours: why deployment exceeds 100 % (SPEC §2.1)'),
});
export type DeploymentAnalyticsRow = z.infer<typeof deploymentAnalyticsRowSchema>;

/** A usage row (per customer, product and workload, where usage is known); grouped, the sums. */
export const usageAnalyticsRowSchema = z.object({
  workloadCode: dimension('EXO, SPO, TEAMS, YAM, SFB, OFFICE or D365'),
  workloadName: dimension('The workload’s display name'),
  ...sharedDimensions,
  licensesActive: z.number().int().describe('Users active in the workload in the 28 days to the day'),
  licensesQualified: z.number().int().describe('Licenses sold (all channels)'),
  processedDateTime: z.string().describe('The day, at midnight: 2026-03-31T00:00:00'),
  licensesSoldOwn: z.number().int().describe('Ours: licenses the partner sold itself'),
  usagePercent: z.number().nullable().describe('Ours: licensesActive / licensesQualified × 100'),
  usageReasons: reasonsSchema.describe('Ours: why usage exceeds 100 % (SPEC §2.1)'),
  partialWindow: z.boolean().describe('Ours: the 28 days reach back before the usage data'),
});
export type UsageAnalyticsRow = z.infer<typeof usageAnalyticsRowSchema>;

export type LicenseAnalyticsRow = DeploymentAnalyticsRow | UsageAnalyticsRow;

/** What the use-case answers: one page of rows and the number of rows of the whole query. */
export interface LicenseAnalyticsPage<R extends LicenseAnalyticsRow = LicenseAnalyticsRow> {
  readonly day: string;
  readonly totalCount: number;
  readonly rows: R[];
}

/** The current endpoints' envelope: `Value`, `@nextLink` (null on the last page), `TotalCount`. */
export const analyticsEnvelopeSchema = <R extends z.ZodType>(row: R) =>
  z.object({
    Value: z.array(row),
    '@nextLink': z.string().nullable().describe('The next page (same query, skip advanced), or null'),
    TotalCount: z.number().int().describe('Rows of the whole query (every page)'),
  });

/** The legacy endpoints' envelope (Partner Center's resource collection). */
export const legacyAnalyticsEnvelopeSchema = <R extends z.ZodType>(row: R) =>
  z.object({
    totalCount: z.number().int().describe('Rows of the whole query (every page)'),
    items: z.array(row),
    links: z
      .object({ next: z.object({ uri: z.string(), method: z.literal('GET'), headers: z.array(z.never()) }) })
      .partial()
      .describe('The next page, when there is one'),
    attributes: z.object({ objectType: z.literal('Collection') }),
  });
