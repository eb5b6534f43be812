/**
 * One customer's analytics (SPEC §4): the report of a day (products × workloads with reason codes,
 * totals, unassigned licenses, inactive users counted, what the data can tell, support, data
 * trust), its trend over any range of days, its subscriptions (a right of its own) and its
 * inactive licensed users by name (admin agents only, SPEC §5). The access table checks the
 * customer's scope (404) before the right (403).
 */
import {
  customerAnalyticsQuerySchema,
  customerAnalyticsResponseSchema,
  customerSubscriptionsResponseSchema,
  customerTrendQuerySchema,
  customerTrendResponseSchema,
  dayQuerySchema,
  inactiveUsersQuerySchema,
  inactiveUsersResponseSchema,
} from '@license-insights/contracts';
import {
  getCustomerAnalytics,
  getCustomerSubscriptions,
  getCustomerTrend,
  getInactiveUsers,
  ReportContexts,
} from '@license-insights/core';
import type { Api, AppContext } from '../app';
import { principal } from './principal';
import { customerParamsSchema, FAILURES } from './schemas';

const TAGS = ['customer analytics'];

export function registerCustomerAnalyticsRoutes(app: Api, ctx: AppContext): void {
  // The partner's catalog and customers, read once per commit rather than per customer asked.
  const contexts = new ReportContexts();
  app.get(
    '/api/v1/customers/:customerId/analytics',
    {
      schema: {
        tags: TAGS,
        summary:
          'A customer on a day: rows per product and workload (SPEC §4) with reason codes, totals, unassigned licenses, inactive users counted (28/60/90 days), usage data, support, data trust',
        params: customerParamsSchema,
        querystring: customerAnalyticsQuerySchema,
        response: { 200: customerAnalyticsResponseSchema, ...FAILURES },
      },
    },
    async (req) =>
      getCustomerAnalytics(
        ctx.store,
        {
          partnerId: principal(req).partnerId,
          customer: req.params.customerId,
          day: req.query.day,
          channel: req.query.view,
        },
        contexts,
        { inactive: req.query.inactive !== 'skip' },
      ),
  );

  app.get(
    '/api/v1/customers/:customerId/trend',
    {
      schema: {
        tags: TAGS,
        summary:
          'A customer’s product rows and totals for every day of a range (from … to, or the days ending on to), for its charts',
        params: customerParamsSchema,
        querystring: customerTrendQuerySchema,
        response: { 200: customerTrendResponseSchema, ...FAILURES },
      },
    },
    async (req) =>
      getCustomerTrend(ctx.store, {
        partnerId: principal(req).partnerId,
        customer: req.params.customerId,
        from: req.query.from,
        to: req.query.to,
        days: req.query.days,
        channel: req.query.view,
        workloads: req.query.workloads,
      }),
  );

  app.get(
    '/api/v1/customers/:customerId/subscriptions',
    {
      schema: {
        tags: TAGS,
        summary:
          'A customer’s subscriptions as of a day: product, channel, status, trial, quantity, billing cycle, term end, auto-renewal',
        params: customerParamsSchema,
        querystring: dayQuerySchema,
        response: { 200: customerSubscriptionsResponseSchema, ...FAILURES },
      },
    },
    async (req) =>
      getCustomerSubscriptions(ctx.store, {
        partnerId: principal(req).partnerId,
        customer: req.params.customerId,
        day: req.query.day,
      }),
  );

  app.get(
    '/api/v1/customers/:customerId/inactive-users',
    {
      schema: {
        tags: TAGS,
        summary:
          'A customer’s licensed users inactive for 28, 60 or 90 days, per product, with names and UPNs (admin agents only)',
        params: customerParamsSchema,
        querystring: inactiveUsersQuerySchema,
        response: { 200: inactiveUsersResponseSchema, ...FAILURES },
      },
    },
    async (req) =>
      getInactiveUsers(ctx.store, {
        partnerId: principal(req).partnerId,
        customer: req.params.customerId,
        day: req.query.day,
        product: req.query.product,
        days: req.query.days ?? 28,
      }),
  );
}
