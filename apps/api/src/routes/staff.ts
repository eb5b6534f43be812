/**
 * Partner staff (SPEC §5, right manage_staff): list, add, change roles, scope or state, and a
 * one-time sign-in link for an account. Another partner's account id answers 404 like an unknown
 * one. Every change is audited by its use-case; the authenticator forgets its cached checks after
 * each, so a changed role or a disabled account takes effect on the next request.
 */
import {
  addStaffAccountRequestSchema,
  signInLinkSchema,
  staffAccountListSchema,
  staffAccountSchema,
  updateStaffAccountRequestSchema,
} from '@license-insights/contracts';
import {
  addStaffAccount,
  issueSignInLink,
  listStaffAccounts,
  updateStaffAccount,
} from '@license-insights/core';
import { z } from 'zod';
import type { Api, AppContext } from '../app';
import { principal } from './principal';
import { apiErrorSchema, FAILURES } from './schemas';

const accountParamsSchema = z.object({
  accountId: z.string().min(1).max(254).describe('The staff account’s id'),
});

const CONFLICT = apiErrorSchema.describe(
  'The change contradicts what is stored (an e-mail taken, the last user management admin)',
);

export function registerStaffRoutes(app: Api, ctx: AppContext): void {
  app.get(
    '/api/v1/staff',
    {
      schema: {
        tags: ['staff'],
        summary: 'The partner’s staff accounts: roles, customer scope, state, last sign-in',
        response: { 200: staffAccountListSchema, ...FAILURES },
      },
    },
    async (req) => ({ accounts: await listStaffAccounts(ctx.accounts, principal(req).partnerId) }),
  );

  app.post(
    '/api/v1/staff',
    {
      schema: {
        tags: ['staff'],
        summary: 'Add a staff account (then send them a sign-in link)',
        body: addStaffAccountRequestSchema,
        response: { 201: staffAccountSchema, ...FAILURES, 409: CONFLICT },
      },
    },
    async (req, reply) => {
      const created = await addStaffAccount(ctx.accounts, principal(req), req.body);
      ctx.authenticator.invalidate();
      return reply.code(201).send(created);
    },
  );

  app.patch(
    '/api/v1/staff/:accountId',
    {
      schema: {
        tags: ['staff'],
        summary: 'Change a staff account’s roles, customer scope, name, or disable/enable it',
        description:
          'A change of roles or scope, or disabling, ends the account’s sessions and voids its sign-in links.',
        params: accountParamsSchema,
        body: updateStaffAccountRequestSchema,
        response: { 200: staffAccountSchema, ...FAILURES, 409: CONFLICT },
      },
    },
    async (req) => {
      const updated = await updateStaffAccount(ctx.accounts, principal(req), req.params.accountId, req.body);
      ctx.authenticator.invalidate();
      return updated;
    },
  );

  app.post(
    '/api/v1/staff/:accountId/sign-in-link',
    {
      schema: {
        tags: ['staff'],
        summary: 'A one-time sign-in link for a staff account (valid 15 minutes; hand it over privately)',
        params: accountParamsSchema,
        response: { 201: signInLinkSchema, ...FAILURES, 409: CONFLICT },
      },
    },
    async (req, reply) => {
      const base = ctx.config.server.publicUrl ?? `${req.protocol}://${req.host}`;
      const link = await issueSignInLink(ctx.accounts, principal(req), req.params.accountId, base, ctx.now());
      return reply.code(201).header('cache-control', 'no-store').send(link);
    },
  );
}
