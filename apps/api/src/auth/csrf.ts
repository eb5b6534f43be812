/**
 * CSRF protection of browser sessions (@fastify/csrf-protection with the cookie plugin): a secret
 * in an HttpOnly cookie of its own (`li_csrf`, `__Host-li_csrf` with TLS), and tokens made from it
 * and bound to the session (the token's user info is the session id's hash, under a key of this
 * process), sent back in the `x-csrf-token` header. A page of another site can make the browser
 * send the cookies, but cannot read a token; a token of one session does not work for another;
 * a cookie a sibling host planted does not help without the session's token.
 *
 * `authorize.ts` checks it centrally on every state-changing request authenticated by the session
 * cookie, so no route can forget it. Requests with a bearer token or the local operator's
 * credential carry no ambient credential and need none. Tokens die with the process (its key):
 * after a restart a client fetches a new one from GET /api/v1/auth/csrf.
 */
import { randomBytes } from 'node:crypto';
import fastifyCsrfProtection from '@fastify/csrf-protection';
import { hashSecret } from '@license-insights/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Api } from '../app';

/** Methods that change something: they need the token when the session cookie authenticates. */
export const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export const CSRF_HEADER = 'x-csrf-token';

export function csrfCookieName(tls: boolean): string {
  return tls ? '__Host-li_csrf' : 'li_csrf';
}

export interface CsrfGuard {
  /** A token for a session (its secret as the cookie carries it); sets the secret cookie if new. */
  issue(reply: FastifyReply, sessionSecret: string): string;
  /** Whether a request carries a valid token for the session it was authenticated by. */
  verify(req: FastifyRequest): Promise<boolean>;
}

/** Registers the plugin; `sessionCookie` is the name of the cookie that carries the session. */
export async function registerCsrf(app: Api, tls: boolean, sessionCookie: string): Promise<CsrfGuard> {
  const userInfoOf = (sessionSecret: string | undefined) => hashSecret(sessionSecret ?? '');
  await app.register(fastifyCsrfProtection, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: csrfCookieName(tls),
    cookieOpts: { path: '/', sameSite: 'strict', httpOnly: true, secure: tls },
    csrfOpts: { hmacKey: randomBytes(32).toString('base64'), userInfo: true },
    getUserInfo: (req) => userInfoOf(req.cookies[sessionCookie]),
    // Only the header: the check runs before any body is parsed, and a header is what a page of
    // another origin cannot set on a cross-site request.
    getToken: (req) => {
      const v = req.headers[CSRF_HEADER];
      return Array.isArray(v) ? v[0] : v;
    },
    logLevel: 'info',
  });
  return {
    issue(reply, sessionSecret) {
      return reply.generateCsrf({ userInfo: userInfoOf(sessionSecret) });
    },
    verify(req) {
      // The plugin's check is written as a hook (req, reply, next) that answers a failure itself;
      // here it only decides, and `authorize` answers with the one error body.
      return new Promise<boolean>((resolve) => {
        const decide = { send: () => resolve(false) } as unknown as FastifyReply;
        app.csrfProtection(req, decide, () => resolve(true));
      });
    },
  };
}
