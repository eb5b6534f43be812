/**
 * The partner's audit log (SPEC §5: admin agents and user management admins): the data store's
 * records (imports, computes, settings, exclusions) and the account store's (sign-ins, accounts,
 * tokens, exports) merged newest first, each saying where it is kept. A staff account limited to
 * some customers does not see records about other customers.
 */
import { auditLogResponseSchema, auditQuerySchema } from '@license-insights/contracts';
import { getAuditLog } from '@license-insights/core';
import type { Api, AppContext } from '../app';
import { principal } from './principal';
import { FAILURES } from './schemas';
import { visibleCustomerIds } from './scope';

export function registerAuditRoutes(app: Api, ctx: AppContext): void {
  app.get(
    '/api/v1/audit',
    {
      schema: {
        tags: ['audit'],
        summary:
          'The audit log, newest first: imports, computes, settings, exclusions, sign-ins, accounts, tokens, exports',
        querystring: auditQuerySchema,
        response: { 200: auditLogResponseSchema, ...FAILURES },
      },
    },
    async (req) => {
      const p = principal(req);
      const actions = req.query.action
        ?.split(',')
        .map((a) => a.trim())
        .filter((a) => a !== '');
      return getAuditLog(ctx.store, ctx.accounts, {
        partnerId: p.partnerId,
        limit: req.query.limit,
        offset: req.query.offset,
        actor: req.query.actor,
        from: req.query.from,
        to: req.query.to,
        actions: actions === undefined || actions.length === 0 ? undefined : actions,
        customerIds: await visibleCustomerIds(ctx, p),
      });
    },
  );
}
