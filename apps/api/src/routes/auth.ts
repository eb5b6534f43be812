/**
 * Sign-in and sign-out: a password (argon2id), a one-time sign-in link, or OpenID Connect; the
 * session's CSRF token; a password change; which methods this server offers.
 *
 * Throttling: every sign-in route is limited per client address (@fastify/rate-limit), and
 * password sign-ins also per account (`SignInThrottle`: 5 failures lock the e-mail for 15 minutes,
 * each further lock twice as long). Failed and throttled attempts on a known account are audited
 * (`auth.sign_in`, outcome failed/throttled, with the reason — never the password). An unknown
 * e-mail costs the same argon2 verification and gets the same 401 as a wrong password.
 */
import {
  authProvidersResponseSchema,
  changePasswordRequestSchema,
  csrfTokenResponseSchema,
  type Locale,
  linkSignInRequestSchema,
  passwordSignInRequestSchema,
  signInResponseSchema,
  translate,
} from '@license-insights/contracts';
import {
  AppError,
  accountForOidcIdentity,
  hashSecret,
  hinted,
  isAppError,
  looksLikeSecret,
  rolesFromGroups,
  type StoredAccount,
} from '@license-insights/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Api, AppContext } from '../app';
import { OIDC_PENDING_MS, OidcSignIn } from '../auth/oidc';
import { hashPassword, verifyPassword, warmUpPasswords } from '../auth/passwords';
import { refuseCrossSite } from '../auth/same-origin';
import { closeSession, openSession, signInAudit } from '../auth/sessions';
import { describeWait, SignInThrottle } from '../auth/throttle';
import { errorBody } from '../error-handler';
import { HTTP_STATUS } from '../http-errors';
import { negotiateLocale, renderMessagePage } from './pages';
import { principal } from './principal';
import { apiErrorSchema, FAILURES } from './schemas';

/** Sign-in attempts one client address may make per minute on each sign-in route. */
export const SIGN_IN_PER_MINUTE = 20;

const rateLimit = {
  max: SIGN_IN_PER_MINUTE,
  timeWindow: 60_000,
  errorResponseBuilder: (_req: FastifyRequest, context: { after: string }) =>
    new AppError(
      'auth.throttled',
      `too many sign-in attempts from this address: wait ${context.after} and try again`,
    ),
};

const THROTTLED = apiErrorSchema.describe('Too many attempts: wait the Retry-After seconds');
const SIGN_IN_FAILURES = {
  400: FAILURES[400],
  401: FAILURES[401],
  403: apiErrorSchema.describe('A request from another site’s page, or a disabled account'),
  429: THROTTLED,
};

const WRONG = 'the e-mail or the password is not right';

export const OIDC_CALLBACK_PATH = '/api/v1/auth/oidc/callback';

function oidcCookieName(ctx: AppContext): string {
  return ctx.tls ? '__Host-li_oidc' : 'li_oidc';
}

/** The server's address as browsers reach it (the configured public URL, else the request's). */
function baseUrlOf(ctx: AppContext, req: FastifyRequest): string {
  return (ctx.config.server.publicUrl ?? `${req.protocol}://${req.host}`).replace(/\/+$/, '');
}

function wantsHtml(req: FastifyRequest): boolean {
  const accept = req.headers.accept ?? '';
  return accept.includes('text/html');
}

export function registerAuthRoutes(app: Api, ctx: AppContext): void {
  const throttle = new SignInThrottle(ctx.now);
  const oidc = ctx.config.server.oidc === undefined ? null : new OidcSignIn(ctx.config.server.oidc, ctx.now);
  app.addHook('onReady', warmUpPasswords);

  /** Counts a failure; audits it when the e-mail names an account. */
  async function failed(email: string, account: StoredAccount | null, reason: string): Promise<never> {
    const lockSeconds = throttle.failed(email);
    if (account !== null) {
      await ctx.accounts.audit(
        signInAudit(account, 'auth.sign_in', 'failed', {
          method: 'password',
          reason,
          ...(lockSeconds > 0 ? { lockedSeconds: lockSeconds } : {}),
        }),
      );
    }
    throw new AppError('auth.unauthenticated', WRONG);
  }

  app.post(
    '/api/v1/auth/sign-in',
    {
      config: { rateLimit },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with e-mail and password: sets the session cookie, answers the CSRF token',
        security: [],
        body: passwordSignInRequestSchema,
        response: { 200: signInResponseSchema, ...SIGN_IN_FAILURES },
      },
    },
    async (req, reply) => {
      refuseCrossSite(ctx, req);
      const { email, password } = req.body;
      const wait = throttle.retryAfterSeconds(email);
      if (wait > 0) {
        const locked = await ctx.accounts.accountByEmail(email);
        if (locked !== null) {
          await ctx.accounts.audit(
            signInAudit(locked, 'auth.sign_in', 'throttled', { method: 'password', retryAfterSeconds: wait }),
          );
        }
        void reply.header('retry-after', String(wait));
        throw new AppError(
          'auth.throttled',
          `too many failed sign-ins for this e-mail: wait ${describeWait(wait)} and try again, or ask a user management admin for a sign-in link`,
        );
      }
      const account = await ctx.accounts.accountByEmail(email);
      const ok = await verifyPassword(account?.passwordHash ?? null, password);
      if (account === null) return failed(email, null, 'unknown account');
      if (!ok)
        return failed(email, account, account.passwordHash === null ? 'no password set' : 'wrong password');
      if (account.disabled) {
        await ctx.accounts.audit(
          signInAudit(account, 'auth.sign_in', 'failed', { method: 'password', reason: 'disabled' }),
        );
        throw new AppError(
          'auth.forbidden',
          'this staff account is disabled: a user management admin can enable it',
        );
      }
      throttle.succeeded(email);
      const session = await openSession(ctx, req, reply, account, 'password');
      await ctx.accounts.audit(signInAudit(account, 'auth.sign_in', 'ok', { method: 'password' }));
      return session;
    },
  );

  app.post(
    '/api/v1/auth/link',
    {
      config: { rateLimit },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with a one-time sign-in link (and optionally set a password)',
        description:
          'The secret is the part after # of the link `insights serve` or `insights users link <email>` printed. A link works once, for 15 minutes.',
        security: [],
        body: linkSignInRequestSchema,
        response: { 200: signInResponseSchema, ...SIGN_IN_FAILURES },
      },
    },
    async (req, reply) => {
      refuseCrossSite(ctx, req);
      const { secret, password } = req.body;
      const used = looksLikeSecret('link', secret)
        ? await ctx.accounts.consumeSignInLink(hashSecret(secret), ctx.now().toISOString())
        : null;
      if (used === null) {
        throw hinted('auth.unauthenticated', 'this sign-in link has expired or has been used already', {
          kind: 'new_sign_in_link',
        });
      }
      let account = await ctx.accounts.accountById(used.partnerId, used.accountId);
      if (
        account === null ||
        account.disabled ||
        Date.parse(used.issuedAt) < Date.parse(account.credentialsValidAfter)
      ) {
        if (account !== null) {
          await ctx.accounts.audit(
            signInAudit(account, 'auth.sign_in', 'failed', {
              method: 'link',
              reason: account.disabled ? 'disabled' : 'link voided by a later account change',
            }),
          );
        }
        throw hinted(
          'auth.unauthenticated',
          'this sign-in link is no longer valid: the staff account was changed or disabled after it was issued',
          { kind: 'new_sign_in_link' },
        );
      }
      if (password !== undefined) {
        // A new password ends the account's other sessions, as a reset should.
        account = await ctx.accounts.updateAccount(
          account.partnerId,
          account.accountId,
          { passwordHash: await hashPassword(password), revokeCredentials: true },
          signInAudit(account, 'auth.password_set', 'ok', { method: 'link' }),
        );
        ctx.authenticator.invalidate();
      }
      const session = await openSession(ctx, req, reply, account, 'link');
      await ctx.accounts.audit(signInAudit(account, 'auth.sign_in', 'ok', { method: 'link' }));
      return session;
    },
  );

  app.post(
    '/api/v1/auth/sign-out',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign out: ends the session and clears its cookie',
        response: { 204: z.null().describe('Signed out'), 401: FAILURES[401], 403: FAILURES[403] },
      },
    },
    async (req, reply) => {
      const caller = principal(req);
      if (caller.via === 'session') {
        await closeSession(ctx, req, reply);
        await ctx.accounts.audit({
          partnerId: caller.partnerId,
          actor: caller.email,
          action: 'auth.sign_out',
          outcome: 'ok',
          details: {},
        });
      }
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/auth/csrf',
    {
      schema: {
        tags: ['auth'],
        summary: 'The CSRF token of this session (send it as x-csrf-token on POST, PUT, PATCH, DELETE)',
        response: { 200: csrfTokenResponseSchema, 401: FAILURES[401], 403: FAILURES[403] },
      },
    },
    async (req, reply) => {
      const caller = principal(req);
      const secret = req.cookies[ctx.authenticator.sessionCookie];
      if (caller.via !== 'session' || secret === undefined) {
        throw new AppError(
          'auth.forbidden',
          'a CSRF token belongs to a browser session; requests with a token or the local credential need none',
        );
      }
      return { csrfToken: ctx.csrf.issue(reply, secret) };
    },
  );

  app.post(
    '/api/v1/me/password',
    {
      config: { rateLimit },
      schema: {
        tags: ['auth'],
        summary: 'Change your password (ends your other sessions; answers the new session)',
        body: changePasswordRequestSchema,
        response: { 200: signInResponseSchema, ...FAILURES, 429: THROTTLED },
      },
    },
    async (req, reply) => {
      const caller = principal(req);
      if (caller.via !== 'session') {
        throw new AppError('auth.forbidden', 'a password is changed in a browser session, not with a token');
      }
      const account = await ctx.accounts.accountById(caller.partnerId, caller.accountId);
      if (account === null) throw new AppError('auth.unauthenticated', 'sign in first');
      if (account.passwordHash !== null) {
        const wait = throttle.retryAfterSeconds(account.email);
        if (wait > 0) {
          void reply.header('retry-after', String(wait));
          throw new AppError(
            'auth.throttled',
            `too many wrong passwords: wait ${describeWait(wait)} and try again`,
          );
        }
        if (!(await verifyPassword(account.passwordHash, req.body.currentPassword ?? ''))) {
          throttle.failed(account.email);
          await ctx.accounts.audit(
            signInAudit(account, 'auth.password_change', 'failed', { reason: 'wrong current password' }),
          );
          throw new AppError('auth.unauthenticated', 'the current password is not right');
        }
      }
      const updated = await ctx.accounts.updateAccount(
        account.partnerId,
        account.accountId,
        { passwordHash: await hashPassword(req.body.newPassword), revokeCredentials: true },
        signInAudit(account, 'auth.password_change', 'ok', {}),
      );
      ctx.authenticator.invalidate();
      // Every session of the account ended with the change; this browser gets a new one.
      return openSession(ctx, req, reply, updated, 'password');
    },
  );

  app.get(
    '/api/v1/auth/providers',
    {
      schema: {
        tags: ['auth'],
        summary: 'The sign-in methods of this server',
        security: [],
        response: { 200: authProvidersResponseSchema },
      },
    },
    async () => ({
      password: true as const,
      oidc: oidc === null ? null : { label: oidc.config.label, startUrl: '/api/v1/auth/oidc/start' },
    }),
  );

  // OpenID Connect ----------------------------------------------------------------------------

  function requireOidc(): OidcSignIn {
    if (oidc === null) {
      throw new AppError(
        'not_found',
        'sign-in with OpenID Connect is not configured on this server (server.oidc)',
      );
    }
    return oidc;
  }

  /** A refusal of the OIDC flow: a small page for a browser, the error body otherwise. */
  function refuseOidc(req: FastifyRequest, reply: FastifyReply, e: unknown, noRole: boolean): FastifyReply {
    if (!isAppError(e) || !wantsHtml(req)) throw e;
    const locale: Locale = negotiateLocale(req.headers['accept-language']);
    const label = oidc?.config.label ?? 'OpenID Connect';
    const text = noRole
      ? translate(locale, 'signin.oidc.noRole')
      : translate(locale, 'signin.oidc.failed', { provider: label, message: e.message });
    return reply
      .code(HTTP_STATUS[e.code])
      .type('text/html; charset=utf-8')
      .send(
        renderMessagePage(locale, {
          title: translate(locale, 'signin.title'),
          message: text,
          detail: errorBody(e).hintText ?? null,
          action: { href: '/api/v1/auth/oidc/start', label: translate(locale, 'signin.oidc.again') },
        }),
      );
  }

  app.get(
    '/api/v1/auth/oidc/start',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in with OpenID Connect: redirects to the provider',
        security: [],
        response: { 302: z.null().describe('To the provider'), 404: FAILURES[404] },
      },
    },
    async (req, reply) => {
      const provider = requireOidc();
      const { url, handle } = await provider.start(`${baseUrlOf(ctx, req)}${OIDC_CALLBACK_PATH}`);
      void reply.setCookie(oidcCookieName(ctx), handle, {
        path: '/',
        httpOnly: true,
        // Lax: the provider's redirect back is a top-level navigation from its site.
        sameSite: 'lax',
        secure: ctx.tls,
        maxAge: OIDC_PENDING_MS / 1000,
      });
      return reply.redirect(url, 302);
    },
  );

  app.get(
    OIDC_CALLBACK_PATH,
    {
      config: { rateLimit },
      schema: {
        tags: ['auth'],
        summary: 'Where the OpenID Connect provider sends the browser back: signs in, redirects to /',
        security: [],
        querystring: z.object({
          code: z.string().optional(),
          state: z.string().optional(),
          error: z.string().optional(),
          error_description: z.string().optional(),
          iss: z.string().optional(),
        }),
        response: { 302: z.null().describe('Signed in: to /'), ...SIGN_IN_FAILURES, 404: FAILURES[404] },
      },
    },
    async (req, reply) => {
      let noRole = false;
      try {
        const provider = requireOidc();
        const cookie = oidcCookieName(ctx);
        const handle = req.cookies[cookie];
        void reply.clearCookie(cookie, { path: '/', httpOnly: true, sameSite: 'lax', secure: ctx.tls });
        const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
        const identity = await provider.finish(handle, query);
        noRole = rolesFromGroups(provider.config.roleGroups, identity.groups).length === 0;
        const partnerId = provider.config.partnerId ?? ctx.homePartnerId;
        if (partnerId === null) {
          throw new AppError(
            'config.invalid',
            'name the partner whose staff sign in with OpenID Connect: server.oidc.partnerId in the configuration',
          );
        }
        const account = await accountForOidcIdentity(ctx.accounts, identity, {
          partnerId,
          roleGroups: provider.config.roleGroups,
        });
        ctx.authenticator.invalidate();
        await openSession(ctx, req, reply, account, 'oidc');
        await ctx.accounts.audit(signInAudit(account, 'auth.sign_in', 'ok', { method: 'oidc' }));
        return reply.redirect('/', 302);
      } catch (e) {
        return refuseOidc(req, reply, e, noRole);
      }
    },
  );
}
