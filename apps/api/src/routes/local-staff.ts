/**
 * The local operator's staff routes: what `insights users` and `insights tokens` do while this
 * server holds the data directory (its account store is this process's). Each route runs the
 * use-case the command runs without a server (use-cases/staff-accounts.ts) and answers it as the
 * use-case made it, so the command prints the same. The partner comes from the request (the local
 * operator manages the staff of any partner, as the CLI does without a server); who acts is the
 * local operator and the OS user who ran the command, never what the request says.
 *
 * A sign-in link is made on this server's public URL (the configured one, else this server's host
 * and the port it listens on): the link `insights serve` printed on its start uses the same.
 * After every change the authenticator forgets its cached checks (routes/staff.ts does the same),
 * so a changed role, a disabled account or a revoked token takes effect on the next request.
 */
import {
  apiTokenListSchema,
  createdApiTokenSchema,
  localStaffAddRequestSchema,
  localStaffLinkRequestSchema,
  localStaffListRequestSchema,
  localStaffUpdateRequestSchema,
  localTokenCreateRequestSchema,
  localTokenListRequestSchema,
  localTokenRevokeRequestSchema,
  localTokenRevokeResponseSchema,
  type Principal,
  signInLinkSchema,
  staffAccountListSchema,
  staffAccountSchema,
} from '@license-insights/contracts';
import {
  addStaffAccount,
  createApiTokenFor,
  issueSignInLink,
  listApiTokens,
  listStaffAccounts,
  publicUrlOf,
  revokeApiToken,
  updateStaffAccount,
} from '@license-insights/core';
import type { Api, AppContext } from '../app';
import { localUseCaseRoute } from './local';

type Actor = Pick<Principal, 'partnerId' | 'email' | 'via'>;

export function registerLocalStaffRoutes(app: Api, ctx: AppContext): void {
  /** The local operator (named with the OS user) acting for the request's partner. */
  const actorFor = (p: Principal, partnerId: string): Actor => ({ partnerId, email: p.email, via: p.via });

  /** This server's address as people open it (the port it listens on). */
  const publicUrl = (): string => {
    const address = app.server.address();
    return publicUrlOf(
      ctx.config,
      typeof address === 'object' && address !== null ? address.port : undefined,
    );
  };

  const useCase = localUseCaseRoute(app);

  useCase(
    '/api/v1/local/users/list',
    'insights users list',
    localStaffListRequestSchema,
    staffAccountListSchema,
    async (b) => ({ accounts: await listStaffAccounts(ctx.accounts, b.partnerId) }),
  );
  useCase(
    '/api/v1/local/users/add',
    'insights users add',
    localStaffAddRequestSchema,
    staffAccountSchema,
    async (b, p) => {
      const created = await addStaffAccount(ctx.accounts, actorFor(p, b.partnerId), b.account);
      ctx.authenticator.invalidate();
      return created;
    },
  );
  useCase(
    '/api/v1/local/users/update',
    'insights users set-role | disable | enable',
    localStaffUpdateRequestSchema,
    staffAccountSchema,
    async (b, p) => {
      const updated = await updateStaffAccount(ctx.accounts, actorFor(p, b.partnerId), b.account, b.change);
      ctx.authenticator.invalidate();
      return updated;
    },
  );
  useCase(
    '/api/v1/local/users/link',
    'insights users link: a one-time sign-in link on this server’s public URL',
    localStaffLinkRequestSchema,
    signInLinkSchema,
    (b, p) => issueSignInLink(ctx.accounts, actorFor(p, b.partnerId), b.account, publicUrl(), ctx.now()),
  );
  useCase(
    '/api/v1/local/tokens/create',
    'insights tokens create (the secret is in this answer only)',
    localTokenCreateRequestSchema,
    createdApiTokenSchema,
    async (b, p) => {
      const created = await createApiTokenFor(
        ctx.accounts,
        actorFor(p, b.partnerId),
        b.account,
        b.token,
        ctx.now(),
      );
      ctx.authenticator.invalidate();
      return created;
    },
  );
  useCase(
    '/api/v1/local/tokens/list',
    'insights tokens list',
    localTokenListRequestSchema,
    apiTokenListSchema,
    async (b) => ({ tokens: await listApiTokens(ctx.accounts, b.partnerId, null) }),
  );
  useCase(
    '/api/v1/local/tokens/revoke',
    'insights tokens revoke',
    localTokenRevokeRequestSchema,
    localTokenRevokeResponseSchema,
    async (b, p) => {
      await revokeApiToken(ctx.accounts, actorFor(p, b.partnerId), b.tokenId, ctx.now());
      ctx.authenticator.invalidate();
      return { tokenId: b.tokenId, revoked: true };
    },
  );
}
