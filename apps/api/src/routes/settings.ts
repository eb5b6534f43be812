/**
 * The playbook's settings (thresholds: every role reads them; admin agents change them) and
 * exclusions (customer × product whose cards are silenced, with a reason). Changes go through the
 * use-cases' write units, each audited in its own transaction with the caller as the actor; a
 * customer outside the caller's scope, or another partner's, is a 404 as anywhere else.
 */
import {
  addExclusionBodySchema,
  addExclusionResponseSchema,
  changeSettingsResponseSchema,
  effectiveSettingsSchema,
  exclusionParamsSchema,
  namedExclusionsResponseSchema,
  removeExclusionResponseSchema,
  resetSettingsBodySchema,
  resetSettingsResponseSchema,
  settingsLogQuerySchema,
  settingsLogResponseSchema,
  settingsPatchChanges,
  settingsPatchSchema,
} from '@license-insights/contracts';
import {
  actorOf,
  addExclusion,
  changeRecommendationSettings,
  effectiveCatalog,
  getRecommendationSettings,
  listExclusions,
  removeExclusion,
  resetRecommendationSettings,
  settingsHistory,
  shippedCatalog,
} from '@license-insights/core';
import type { Api, AppContext } from '../app';
import { principal } from './principal';
import { FAILURES } from './schemas';
import { visibleCustomerIds } from './scope';

export function registerSettingsRoutes(app: Api, ctx: AppContext): void {
  app.get(
    '/api/v1/settings',
    {
      schema: {
        tags: ['settings'],
        summary: 'The playbook’s thresholds in force, and who last changed them',
        response: { 200: effectiveSettingsSchema, ...FAILURES },
      },
    },
    async (req) => getRecommendationSettings(ctx.store, { partnerId: principal(req).partnerId }),
  );

  app.patch(
    '/api/v1/settings',
    {
      schema: {
        tags: ['settings'],
        summary:
          'Change some thresholds, all or none (e.g. {"LOW_ADOPTION": {"usageBelow": 45}}); each change is audited',
        body: settingsPatchSchema,
        response: { 200: changeSettingsResponseSchema, ...FAILURES },
      },
    },
    async (req) => {
      const p = principal(req);
      return changeRecommendationSettings(ctx.store, {
        partnerId: p.partnerId,
        actor: actorOf(p),
        changes: settingsPatchChanges(req.body),
      });
    },
  );

  app.post(
    '/api/v1/settings/reset',
    {
      schema: {
        tags: ['settings'],
        summary: 'Put one rule’s thresholds (or every rule’s) back to the defaults; audited',
        body: resetSettingsBodySchema,
        response: { 200: resetSettingsResponseSchema, ...FAILURES },
      },
    },
    async (req) => {
      const p = principal(req);
      return resetRecommendationSettings(ctx.store, {
        partnerId: p.partnerId,
        actor: actorOf(p),
        rule: req.body?.rule,
      });
    },
  );

  app.get(
    '/api/v1/settings/log',
    {
      schema: {
        tags: ['settings', 'audit'],
        summary: 'Changes of settings and exclusions, newest first',
        querystring: settingsLogQuerySchema,
        response: { 200: settingsLogResponseSchema, ...FAILURES },
      },
    },
    async (req) => {
      const p = principal(req);
      const customerIds = await visibleCustomerIds(ctx, p);
      return settingsHistory(ctx.store, { partnerId: p.partnerId, limit: req.query.limit, customerIds });
    },
  );

  app.get(
    '/api/v1/exclusions',
    {
      schema: {
        tags: ['settings'],
        summary:
          'Customer × product whose recommendation cards are silenced, with the reason and the names (customers in scope)',
        response: { 200: namedExclusionsResponseSchema, ...FAILURES },
      },
    },
    async (req) => {
      const p = principal(req);
      const customerIds = await visibleCustomerIds(ctx, p);
      const list = await listExclusions(ctx.store, { partnerId: p.partnerId, customerIds });
      if (list.length === 0) return [];
      // The names a person reads beside the ids (the dashboard lists exclusions without a report).
      const customers = new Map((await ctx.directory.all(p.partnerId)).map((c) => [c.customerId, c.name]));
      const products = new Map(
        effectiveCatalog(shippedCatalog().products, await ctx.store.partnerProducts(p.partnerId)).map((x) => [
          x.productId,
          x.name,
        ]),
      );
      return list.map((e) => ({
        ...e,
        customerName: customers.get(e.customerId) ?? null,
        productName: products.get(e.productId) ?? null,
      }));
    },
  );

  app.post(
    '/api/v1/exclusions',
    {
      schema: {
        tags: ['settings'],
        summary:
          'Silence the cards of a customer’s product (productId *: every product), with a reason; replaces the reason of an existing one; audited',
        body: addExclusionBodySchema,
        response: { 200: addExclusionResponseSchema, ...FAILURES },
      },
    },
    async (req) => {
      const p = principal(req);
      // The body names the customer: the same 404 as a path's customer outside the scope.
      const customer = await ctx.directory.require(p, req.body.customerId);
      return addExclusion(ctx.store, {
        partnerId: p.partnerId,
        actor: actorOf(p),
        customer: customer.customerId,
        product: req.body.productId,
        reason: req.body.reason,
      });
    },
  );

  app.delete(
    '/api/v1/exclusions/:customerId/:productId',
    {
      schema: {
        tags: ['settings'],
        summary: 'Remove an exclusion (the product id, or * for the whole customer); audited',
        params: exclusionParamsSchema,
        response: { 200: removeExclusionResponseSchema, ...FAILURES },
      },
    },
    async (req) => {
      const p = principal(req);
      return removeExclusion(ctx.store, {
        partnerId: p.partnerId,
        actor: actorOf(p),
        customer: req.params.customerId,
        product: req.params.productId,
      });
    },
  );
}
