/**
 * The portfolio views (SPEC §4 "Portfolio"): summary, trend, breakdowns and the customer table.
 * Thin: the query string is validated by its contract schema, the caller's visible customers come
 * from the customer directory (an account limited to some customers or groups sees only those),
 * and one use-case of `PortfolioViews` answers — from the per-customer sums the compute stored,
 * kept in memory while the store commits nothing new.
 */
import {
  customerTableRequestSchema,
  customerTableSchema,
  type Principal,
  portfolioBreakdownRequestSchema,
  portfolioBreakdownSchema,
  portfolioSummaryRequestSchema,
  portfolioSummarySchema,
  portfolioTrendRequestSchema,
  portfolioTrendSchema,
} from '@license-insights/contracts';
import type { PortfolioCaller } from '@license-insights/core';
import type { Api, AppContext } from '../app';
import { principal } from './principal';
import { FAILURES } from './schemas';

export function registerPortfolioRoutes(app: Api, ctx: AppContext): void {
  /** The caller's partner and visible customers (null ids: every customer of the partner). */
  const caller = async (p: Principal): Promise<PortfolioCaller> => ({
    partnerId: p.partnerId,
    visible: { key: JSON.stringify(p.scope), ids: await ctx.directory.visibleIds(p) },
  });

  app.get(
    '/api/v1/portfolio/summary',
    {
      schema: {
        tags: ['portfolio'],
        summary: 'Totals, month over month, usage bands and number of customers of a day',
        description:
          'Roll-ups of the caller’s customers (SPEC §2: ratios of sums; usage over licenses with known usage). Month over month compares each customer with the same day a month earlier (a comparable day at most 3 days away stands in), leaving out and counting customers whose usage cannot be compared.',
        querystring: portfolioSummaryRequestSchema,
        response: { 200: portfolioSummarySchema, ...FAILURES },
      },
    },
    async (req) => ctx.portfolio.summary({ ...req.query, ...(await caller(principal(req))) }),
  );

  app.get(
    '/api/v1/portfolio/trend',
    {
      schema: {
        tags: ['portfolio'],
        summary: 'One roll-up per day over a range of days (from/to, or 28/90/180/365 days back)',
        querystring: portfolioTrendRequestSchema,
        response: { 200: portfolioTrendSchema, ...FAILURES },
      },
    },
    async (req) => ctx.portfolio.trend({ ...req.query, ...(await caller(principal(req))) }),
  );

  app.get(
    '/api/v1/portfolio/breakdown',
    {
      schema: {
        tags: ['portfolio'],
        summary: 'Roll-ups per service, product, workload or customer group',
        querystring: portfolioBreakdownRequestSchema,
        response: { 200: portfolioBreakdownSchema, ...FAILURES },
      },
    },
    async (req) => ctx.portfolio.breakdown({ ...req.query, ...(await caller(principal(req))) }),
  );

  app.get(
    '/api/v1/customers',
    {
      schema: {
        tags: ['customers'],
        summary: 'The customer table: filtered, sorted and paged on the server',
        description:
          'Every customer of the caller with a product in the view: totals, usage band and the change of usage over a month. Search matches part of the name, id or domain (case-insensitive).',
        querystring: customerTableRequestSchema,
        response: { 200: customerTableSchema, ...FAILURES },
      },
    },
    async (req) => ctx.portfolio.customers({ ...req.query, ...(await caller(principal(req))) }),
  );
}
