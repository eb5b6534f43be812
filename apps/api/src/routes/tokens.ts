/**
 * API tokens (`Authorization: Bearer li_pat_…`). A staff member signed in in a browser creates
 * tokens for themselves: roles no wider than their own, their customer scope, an expiry; the
 * secret is in the creation's answer only (the store keeps its hash). A token cannot create
 * tokens. Anyone lists and revokes their own; a user management admin (manage_staff) lists
 * (`?all=true`) and revokes every token of the partner. Another partner's token answers 404.
 */
import {
  apiTokenListSchema,
  createApiTokenRequestSchema,
  createdApiTokenSchema,
} from '@license-insights/contracts';
import { AppError, createApiToken, listApiTokens, revokeApiToken } from '@license-insights/core';
import { z } from 'zod';
import type { Api, AppContext } from '../app';
import { principal } from './principal';
import { FAILURES } from './schemas';

export function registerTokenRoutes(app: Api, ctx: AppContext): void {
  app.post(
    '/api/v1/tokens',
    {
      schema: {
        tags: ['tokens'],
        summary: 'Create an API token for yourself (its secret is shown in this answer only)',
        body: createApiTokenRequestSchema,
        response: { 201: createdApiTokenSchema, ...FAILURES },
      },
    },
    async (req, reply) => {
      const caller = principal(req);
      if (caller.via !== 'session') {
        throw new AppError(
          'auth.forbidden',
          'tokens are created by a staff member signed in in the browser; a token cannot create tokens',
        );
      }
      const created = await createApiToken(ctx.accounts, caller, req.body, ctx.now());
      ctx.authenticator.invalidate();
      return reply.code(201).header('cache-control', 'no-store').send(created);
    },
  );

  app.get(
    '/api/v1/tokens',
    {
      schema: {
        tags: ['tokens'],
        summary: 'Your API tokens (?all=true: every token of the partner, for user management admins)',
        querystring: z.object({
          all: z.stringbool().default(false).describe('Every token of the partner (needs manage_staff)'),
        }),
        response: { 200: apiTokenListSchema, ...FAILURES },
      },
    },
    async (req) => {
      const caller = principal(req);
      if (req.query.all && !caller.rights.includes('manage_staff')) {
        throw new AppError(
          'auth.forbidden',
          'only a user management admin sees every token of the partner; leave out all=true to see yours',
        );
      }
      return {
        tokens: await listApiTokens(ctx.accounts, caller.partnerId, req.query.all ? null : caller.accountId),
      };
    },
  );

  app.delete(
    '/api/v1/tokens/:tokenId',
    {
      schema: {
        tags: ['tokens'],
        summary: 'Revoke an API token (yours; any of the partner’s for user management admins)',
        params: z.object({ tokenId: z.string().min(1).max(100).describe('The token’s id (not its secret)') }),
        response: { 204: z.null().describe('Revoked'), ...FAILURES },
      },
    },
    async (req, reply) => {
      const caller = principal(req);
      if (!caller.rights.includes('manage_staff')) {
        const own = await listApiTokens(ctx.accounts, caller.partnerId, caller.accountId);
        if (!own.some((t) => t.tokenId === req.params.tokenId && t.revokedAt === null)) {
          throw new AppError('not_found', `no active token ${JSON.stringify(req.params.tokenId)} of yours`);
        }
      }
      await revokeApiToken(ctx.accounts, caller, req.params.tokenId, ctx.now());
      ctx.authenticator.invalidate();
      return reply.code(204).send(null);
    },
  );
}
