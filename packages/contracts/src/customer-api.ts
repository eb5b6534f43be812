/**
 * What the HTTP routes of customer analytics and the partner's admin reads take: query strings,
 * path parameters and bodies (`/api/v1/customers/:customerId/analytics`, `/recommendations`,
 * `/settings`, `/exclusions`, `/catalog`, `/audit`…). Query values arrive as text: numbers and
 * switches are read from it here. The routes turn them into the use-cases' requests (partner and
 * scope come from the caller, never from the query).
 */
import { z } from 'zod';
import { daySchema } from './codes';
import { localeSchema } from './i18n';
import { channelViewSchema } from './metrics';
import { RULE_IDS, ruleIdSchema } from './recommendations';
import { INACTIVE_DAYS, inactiveDaysSchema } from './reports';

const day = daySchema.optional().describe('The as-of day D, YYYY-MM-DD (default: the last day with metrics)');
const view = channelViewSchema
  .optional()
  .describe('all (default): every product; own: only products the partner itself sold to the customer on D');

/** A whole number in a query string. */
const wholeNumber = (what: string) => z.coerce.number({ error: `must be ${what}` }).int(`must be ${what}`);

export const dayQuerySchema = z.object({ day });

export const customerAnalyticsQuerySchema = z.object({
  day,
  view,
  inactive: z
    .enum(['count', 'skip'], { error: 'must be count or skip' })
    .optional()
    .describe(
      'count (default): inactive users counted per product (28/60/90 days); skip: `inactive` is empty — for a caller that shows them from /inactive-users or not at all (the count is the slowest part of the answer)',
    ),
});
export type CustomerAnalyticsQuery = z.infer<typeof customerAnalyticsQuerySchema>;

export const customerTrendQuerySchema = z.object({
  from: daySchema.optional().describe('First day (or days, not both)'),
  to: daySchema.optional().describe('Last day (default: the last day with metrics)'),
  days: wholeNumber('a whole number of days from 1')
    .min(1)
    .optional()
    .describe('Days ending on to (default 28)'),
  view,
  workloads: z
    .stringbool({ error: 'must be true or false' })
    .optional()
    .describe('true: also the product × workload rows (default false: product rows only)'),
});
export type CustomerTrendQuery = z.infer<typeof customerTrendQuerySchema>;

export const inactiveUsersQuerySchema = z.object({
  day,
  days: z.coerce
    .number({ error: `must be ${INACTIVE_DAYS.join(', ')}` })
    .pipe(inactiveDaysSchema)
    .optional()
    .describe('Days without activity: 28 (default), 60 or 90'),
  product: z
    .string()
    .trim()
    .min(1, 'must name a product: its id, part number or name')
    .optional()
    .describe('Only this product: id, part number or name'),
});
export type InactiveUsersQuery = z.infer<typeof inactiveUsersQuerySchema>;

const rule = z
  .enum(RULE_IDS, { error: `must be one of ${RULE_IDS.join(', ')}` })
  .optional()
  .describe('Only this rule');
const lang = localeSchema.optional().describe('Language of the card texts (default: the server’s)');

export const customerRecommendationsQuerySchema = z.object({ day, view, rule, lang });
export const recommendationsQuerySchema = customerRecommendationsQuerySchema.extend({
  customerId: z.string().min(1).max(200).optional().describe('Only this customer (its id)'),
});
export type RecommendationsQuery = z.infer<typeof recommendationsQuerySchema>;

const onlyCustomer = z.string().min(1).max(200).optional().describe('Only this customer (its id)');

export const supportQuerySchema = z.object({
  day,
  from: daySchema.optional().describe('First day of a history (default: day alone)'),
  customerId: onlyCustomer,
});
export type SupportQuery = z.infer<typeof supportQuerySchema>;

export const dataTrustQuerySchema = z.object({
  customerId: onlyCustomer.describe(
    'Only this customer (its id) in the lists; its days behind still count from the newest data of every customer seen',
  ),
});
export type DataTrustQuery = z.infer<typeof dataTrustQuerySchema>;

/** Body of `POST /api/v1/settings/reset`: one rule, or every rule when absent. */
export const resetSettingsBodySchema = z.object({ rule: ruleIdSchema.optional() }).strict().nullish();

export const settingsLogQuerySchema = z.object({
  limit: wholeNumber('a whole number from 1 to 1000').min(1).max(1000).optional().describe('Default 100'),
});

export const addExclusionBodySchema = z
  .object({
    customerId: z.string().min(1).max(200).describe('The customer’s id'),
    productId: z
      .string()
      .trim()
      .min(1, 'must name a product id as in the reports, or * for every product')
      .max(200)
      .describe('A product id as in the reports, or * for every product of the customer'),
    reason: z.string().trim().min(1, 'must say why, for the team to read later').max(500),
  })
  .strict();
export type AddExclusionBody = z.infer<typeof addExclusionBodySchema>;

export const exclusionParamsSchema = z.object({
  customerId: z.string().min(1).max(200).describe('The customer’s id'),
  productId: z.string().min(1).max(200).describe('The product id, or * (%2A)'),
});

export const catalogQuerySchema = z.object({
  search: z
    .string()
    .trim()
    .min(1, 'must hold a word to search for')
    .max(200)
    .optional()
    .describe('Words every product listed holds in its names, part number or skuId'),
});

export const catalogParamsSchema = z.object({
  productId: z.string().trim().min(1).max(300).describe('A skuId, part number or name'),
});

/** An instant of the audit log's filters: ISO with a zone (2026-12-01T00:00:00Z, …+01:00) or a UTC day. */
const auditInstant = z.union([z.iso.datetime({ offset: true }), daySchema], {
  error: 'must be an ISO instant (2026-12-01T08:00:00Z) or a day (2026-12-01)',
});

export const auditQuerySchema = z.object({
  limit: wholeNumber('a whole number from 1 to 1000').min(1).max(1000).optional().describe('Default 100'),
  action: z
    .string()
    .min(1)
    .max(500)
    .optional()
    .describe('Only these actions, comma-separated (import, settings.change, exclusion.add, token.create…)'),
  actor: z
    .string()
    .trim()
    .min(1)
    .max(254)
    .optional()
    .describe(
      'Only records whose actor (an e-mail, `cli`, `local operator …`) holds this text, case-insensitive',
    ),
  from: auditInstant.optional().describe('Only records from this instant on (inclusive)'),
  to: auditInstant.optional().describe('Only records before this instant (exclusive)'),
  offset: wholeNumber('a whole number from 0 to 100000')
    .min(0)
    .max(100_000)
    .optional()
    .describe('Skip this many of the newest records that pass the filters (paging; default 0)'),
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;
