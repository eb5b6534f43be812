/**
 * Partner Center–compatible license analytics (SPEC §6, ../shared/partner-center-analytics-api.md;
 * right `read_aggregates`, rows of the caller's visible customers only): a script written for
 * Partner Center's analytics API works with a changed base URL and token.
 * - current: `…/analytics/commercial/{deployment,usage}/license/` with `{Value, @nextLink, TotalCount}`;
 * - legacy: `…/analytics/licenses/{deployment,usage}` and `…/customers/:customerId/analytics/licenses/…`
 *   with `{totalCount, items, links, attributes: {objectType: "Collection"}}`;
 * each under `/api/v1` and `/api/partner/v1` (Microsoft's examples write `/partner/v1`).
 *
 * Pages of up to 10 000 rows are serialized with JSON.stringify, not checked field by field by the
 * response schema (which documents them in the OpenAPI document; the tests parse real answers
 * with it): the rows come from the use-case's typed builders.
 */
import {
  ANALYTICS_TOP_MAX,
  analyticsEnvelopeSchema,
  dayOfProcessedDateTime,
  deploymentAnalyticsRowSchema,
  type LicenseAnalyticsKind,
  type LicenseAnalyticsPage,
  type LicenseAnalyticsQuery,
  legacyAnalyticsEnvelopeSchema,
  licenseAnalyticsQuerySchema,
  usageAnalyticsRowSchema,
} from '@license-insights/contracts';
import { getLicenseAnalytics } from '@license-insights/core';
import type { FastifyRequest } from 'fastify';
import type { Api, AppContext } from '../app';
import { principal } from './principal';
import { customerParamsSchema, FAILURES } from './schemas';

/** The prefixes the compatible paths answer under. */
export const ANALYTICS_PREFIXES = ['/api/v1', '/api/partner/v1'] as const;

const ROW_SCHEMAS = { deployment: deploymentAnalyticsRowSchema, usage: usageAnalyticsRowSchema } as const;

/** The page's rows as JSON text, without a per-field check (see the module header). */
const plainJson = () => (data: unknown) => JSON.stringify(data);

/** The URL of the next page: the same query with `skip` advanced; null on the last page. */
function nextLink(
  ctx: AppContext,
  req: FastifyRequest,
  query: LicenseAnalyticsQuery,
  page: LicenseAnalyticsPage,
): string | null {
  const skip = query.skip ?? 0;
  const top = Math.min(query.top ?? ANALYTICS_TOP_MAX, ANALYTICS_TOP_MAX);
  if (skip + top >= page.totalCount) return null;
  const origin = (ctx.config.server.publicUrl ?? `${req.protocol}://${req.host}`).replace(/\/+$/, '');
  const url = new URL(`${origin}${req.url}`);
  url.searchParams.set('skip', String(skip + top));
  return url.toString();
}

async function page(
  ctx: AppContext,
  req: FastifyRequest,
  kind: LicenseAnalyticsKind,
  query: LicenseAnalyticsQuery,
  customerId: string | null,
): Promise<LicenseAnalyticsPage> {
  const caller = principal(req);
  const visible = customerId === null ? await ctx.directory.visibleIds(caller) : new Set([customerId]);
  const day = query.processedDateTime === undefined ? null : dayOfProcessedDateTime(query.processedDateTime);
  return getLicenseAnalytics(
    ctx.store,
    {
      partnerId: caller.partnerId,
      kind,
      customerIds: visible === null ? null : [...visible],
      ...(query.filter === undefined ? {} : { filter: query.filter }),
      ...(query.groupby === undefined ? {} : { groupby: query.groupby }),
      ...(query.top === undefined ? {} : { top: query.top }),
      ...(query.skip === undefined ? {} : { skip: query.skip }),
      ...(day === null ? {} : { day }),
      ...(query.view === undefined ? {} : { view: query.view }),
    },
    { memory: ctx.licenseAnalytics },
  );
}

export function registerLicenseAnalyticsRoutes(app: Api, ctx: AppContext): void {
  for (const prefix of ANALYTICS_PREFIXES) {
    const alias = prefix === '/api/v1' ? '' : ' (Partner Center’s /partner/v1 path)';
    for (const kind of ['deployment', 'usage'] as const) {
      const row = ROW_SCHEMAS[kind];
      const what =
        kind === 'deployment'
          ? 'License deployment per customer and product'
          : 'License usage per customer, product and workload (where usage is known)';

      app.get(
        `${prefix}/analytics/commercial/${kind}/license`,
        {
          schema: {
            tags: ['partner center'],
            summary: `${what}, as Partner Center’s analytics API${alias}`,
            querystring: licenseAnalyticsQuerySchema,
            response: { 200: analyticsEnvelopeSchema(row), ...FAILURES },
          },
          serializerCompiler: plainJson,
        },
        async (req) => {
          const p = await page(ctx, req, kind, req.query, null);
          return { Value: p.rows, '@nextLink': nextLink(ctx, req, req.query, p), TotalCount: p.rows.length };
        },
      );

      const legacy = async (req: FastifyRequest, query: LicenseAnalyticsQuery, customerId: string | null) => {
        const p = await page(ctx, req, kind, query, customerId);
        const next = nextLink(ctx, req, query, p);
        return {
          totalCount: p.rows.length,
          items: p.rows,
          links: next === null ? {} : { next: { uri: next, method: 'GET' as const, headers: [] } },
          attributes: { objectType: 'Collection' as const },
        };
      };
      app.get(
        `${prefix}/analytics/licenses/${kind}`,
        {
          schema: {
            tags: ['partner center'],
            summary: `${what}, as Partner Center’s legacy analytics API${alias}`,
            querystring: licenseAnalyticsQuerySchema,
            response: { 200: legacyAnalyticsEnvelopeSchema(row), ...FAILURES },
          },
          serializerCompiler: plainJson,
        },
        async (req) => legacy(req, req.query, null),
      );
      app.get(
        `${prefix}/customers/:customerId/analytics/licenses/${kind}`,
        {
          schema: {
            tags: ['partner center'],
            summary: `${what} of one customer, as Partner Center’s legacy analytics API${alias}`,
            params: customerParamsSchema,
            querystring: licenseAnalyticsQuerySchema,
            response: { 200: legacyAnalyticsEnvelopeSchema(row), ...FAILURES },
          },
          serializerCompiler: plainJson,
        },
        async (req) => legacy(req, req.query, req.params.customerId),
      );
    }
  }
}
