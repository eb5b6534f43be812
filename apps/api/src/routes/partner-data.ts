/**
 * What the partner's data is, for every role (read_aggregates): data trust per customer (age,
 * concealed names, unknown SKUs, missing sources), what is stored and the metrics' coverage, the
 * customer groups, and the effective product catalog (shipped ⊕ the partner's products). Data
 * about customers covers the customers the caller sees only.
 */
import {
  catalogParamsSchema,
  catalogQuerySchema,
  customerGroupsResponseSchema,
  dataTrustQuerySchema,
  dataTrustReportSchema,
  listCatalogResponseSchema,
  showCatalogProductResponseSchema,
  statusResponseSchema,
} from '@license-insights/contracts';
import {
  customerGroups,
  getDataTrust,
  getStatus,
  listCatalog,
  showCatalogProduct,
} from '@license-insights/core';
import type { Api, AppContext } from '../app';
import { principal } from './principal';
import { FAILURES } from './schemas';
import { visibleCustomerIds } from './scope';

export function registerPartnerDataRoutes(app: Api, ctx: AppContext): void {
  app.get(
    '/api/v1/data-trust',
    {
      schema: {
        tags: ['data'],
        summary:
          'Data trust per customer: age of its data, concealed user names, unknown SKUs, missing kinds of data (one customer with customerId)',
        querystring: dataTrustQuerySchema,
        response: { 200: dataTrustReportSchema, ...FAILURES },
      },
    },
    async (req) => {
      const p = principal(req);
      const one = req.query.customerId;
      // A customer named in the query is checked as a path's would be (404 outside the scope).
      if (one !== undefined) await ctx.directory.require(p, one);
      return getDataTrust(ctx.store, {
        partnerId: p.partnerId,
        customerIds: await visibleCustomerIds(ctx, p),
        ...(one === undefined ? {} : { customerId: one }),
      });
    },
  );

  app.get(
    '/api/v1/status',
    {
      schema: {
        tags: ['data'],
        summary:
          'What is stored for the partner: counts, date coverage per source, warnings, recent imports, days with metrics',
        response: { 200: statusResponseSchema, ...FAILURES },
      },
    },
    async (req) => {
      const p = principal(req);
      return getStatus(ctx.store, { partnerId: p.partnerId, customerIds: await visibleCustomerIds(ctx, p) });
    },
  );

  app.get(
    '/api/v1/groups',
    {
      schema: {
        tags: ['data'],
        summary:
          'Customer groups (tags) of the customers the caller sees, with how many customers each holds',
        response: { 200: customerGroupsResponseSchema, ...FAILURES },
      },
    },
    async (req) => customerGroups(await ctx.directory.visible(principal(req))),
  );

  app.get(
    '/api/v1/catalog',
    {
      schema: {
        tags: ['data'],
        summary:
          'The product catalog as the partner sees it (shipped SKUs and the partner’s products), searched',
        querystring: catalogQuerySchema,
        response: { 200: listCatalogResponseSchema, ...FAILURES },
      },
    },
    async (req) =>
      listCatalog(ctx.store, { partnerId: principal(req).partnerId, search: req.query.search ?? null }),
  );

  app.get(
    '/api/v1/catalog/:productId',
    {
      schema: {
        tags: ['data'],
        summary: 'The product(s) a skuId, part number or name means, and why they have their workloads',
        params: catalogParamsSchema,
        response: { 200: showCatalogProductResponseSchema, ...FAILURES },
      },
    },
    async (req) =>
      showCatalogProduct(ctx.store, { partnerId: principal(req).partnerId, query: req.params.productId }),
  );
}
