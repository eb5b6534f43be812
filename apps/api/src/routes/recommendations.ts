/**
 * The playbook's cards (SPEC §4 "Recommendations") and the support metric, limited to the
 * customers the caller sees: a staff account limited to some customers or groups gets the cards
 * and support of those only (the numbers of each customer are the same as in the whole portfolio).
 * Cards an exclusion silences stay in the answer, under `silenced`.
 */
import {
  customerRecommendationsQuerySchema,
  recommendationsQuerySchema,
  recommendationsResponseSchema,
  supportMetricsResponseSchema,
  supportQuerySchema,
} from '@license-insights/contracts';
import { getRecommendations, getSupportMetrics } from '@license-insights/core';
import { z } from 'zod';
import type { Api, AppContext } from '../app';
import { principal } from './principal';
import { customerParamsSchema, FAILURES } from './schemas';
import { visibleCustomerIds } from './scope';

const supportResponseSchema = z.object({ rows: supportMetricsResponseSchema });

export function registerRecommendationRoutes(app: Api, ctx: AppContext): void {
  app.get(
    '/api/v1/recommendations',
    {
      schema: {
        tags: ['recommendations'],
        summary:
          'The playbook’s cards of a day by priority, with evidence and thresholds, for the customers the caller sees (silenced cards apart)',
        querystring: recommendationsQuerySchema,
        response: { 200: recommendationsResponseSchema, ...FAILURES },
      },
    },
    async (req) => {
      const p = principal(req);
      // A customer named in the query is checked as a path's would be (404 outside the scope).
      if (req.query.customerId !== undefined) await ctx.directory.require(p, req.query.customerId);
      return getRecommendations(ctx.store, {
        partnerId: p.partnerId,
        day: req.query.day,
        customer: req.query.customerId,
        rule: req.query.rule,
        locale: req.query.lang ?? ctx.config.language,
        channel: req.query.view,
        customerIds: await visibleCustomerIds(ctx, p),
      });
    },
  );

  app.get(
    '/api/v1/customers/:customerId/recommendations',
    {
      schema: {
        tags: ['recommendations', 'customer analytics'],
        summary: 'The playbook’s cards of one customer on a day (silenced cards apart)',
        params: customerParamsSchema,
        querystring: customerRecommendationsQuerySchema,
        response: { 200: recommendationsResponseSchema, ...FAILURES },
      },
    },
    async (req) =>
      getRecommendations(ctx.store, {
        partnerId: principal(req).partnerId,
        day: req.query.day,
        customer: req.params.customerId,
        rule: req.query.rule,
        locale: req.query.lang ?? ctx.config.language,
        channel: req.query.view,
      }),
  );

  app.get(
    '/api/v1/support',
    {
      schema: {
        tags: ['recommendations'],
        summary:
          'Support requests of the 28 days to a day and how-to requests per 100 active users, per customer and per product or workload named (a history with from; one customer with customerId)',
        querystring: supportQuerySchema,
        response: { 200: supportResponseSchema, ...FAILURES },
      },
    },
    async (req) => {
      const p = principal(req);
      const one = req.query.customerId;
      // A customer named in the query is checked as a path's would be (404 outside the scope).
      if (one !== undefined) await ctx.directory.require(p, one);
      const rows = await getSupportMetrics(ctx.store, {
        partnerId: p.partnerId,
        to: req.query.day,
        from: req.query.from,
        // One day unless a history is asked for.
        days: 1,
        customerIds: one === undefined ? await visibleCustomerIds(ctx, p) : [one],
      });
      return { rows };
    },
  );
}
