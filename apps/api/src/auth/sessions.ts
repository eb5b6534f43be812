/**
 * Browser sessions: opened by a password, a sign-in link or OpenID Connect, ended by signing out.
 * The session id is a 256-bit secret (`li_ses_…`) that lives only in the browser's cookie —
 * HttpOnly, SameSite=Lax, Path=/, and with TLS Secure and `__Host-` — and the account store keeps
 * its hash and expiry (`config.server.sessionHours`). Opening a session ends the one the browser
 * held before (no fixation), records the sign-in, and hands out the CSRF token of the new session.
 */
import type { Principal, SignInResponse } from '@license-insights/contracts';
import {
  type AuditEntry,
  hashSecret,
  looksLikeSecret,
  newSecret,
  type StoredAccount,
  type StoredSession,
} from '@license-insights/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../app';
import { principalOf } from './authenticate';

function cookieOptions(ctx: AppContext) {
  return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: ctx.tls };
}

/** The session secret the request's cookie carries, if it looks like one. */
export function sessionSecretOf(ctx: AppContext, req: FastifyRequest): string | null {
  const v = req.cookies[ctx.authenticator.sessionCookie];
  return v !== undefined && looksLikeSecret('session', v) ? v : null;
}

/** An audit entry of the sign-in area (never a password or a secret in `details`). */
export function signInAudit(
  account: Pick<StoredAccount, 'partnerId' | 'email'>,
  action: string,
  outcome: 'ok' | 'failed' | 'throttled',
  details: Record<string, unknown>,
): AuditEntry {
  return { partnerId: account.partnerId, actor: account.email, action, outcome, details };
}

export async function openSession(
  ctx: AppContext,
  req: FastifyRequest,
  reply: FastifyReply,
  account: StoredAccount,
  method: StoredSession['method'],
): Promise<SignInResponse> {
  const previous = sessionSecretOf(ctx, req);
  if (previous !== null) {
    await ctx.accounts.deleteSession(hashSecret(previous));
    ctx.authenticator.invalidate();
  }
  const secret = newSecret('session');
  // Never before the account's credentials-valid-after mark (a password change sets it just now):
  // a session stamped earlier would be void at once.
  const created = Math.max(ctx.now().getTime(), Date.parse(account.credentialsValidAfter));
  const createdAt = new Date(created).toISOString();
  const expires = new Date(created + ctx.config.server.sessionHours * 3_600_000);
  await ctx.accounts.createSession({
    sessionHash: hashSecret(secret),
    partnerId: account.partnerId,
    accountId: account.accountId,
    createdAt,
    expiresAt: expires.toISOString(),
    method,
  });
  await ctx.accounts.recordSignIn(account.accountId, createdAt);
  // Sessions that ended long ago go now and then (cheap: one DELETE on a small table).
  await ctx.accounts.deleteExpiredSessions(new Date(created).toISOString());
  reply.setCookie(ctx.authenticator.sessionCookie, secret, { ...cookieOptions(ctx), expires });
  const principal: Principal = principalOf(account, account.roles, 'session');
  return { principal, expiresAt: expires.toISOString(), csrfToken: ctx.csrf.issue(reply, secret) };
}

/** Ends the request's session (if any) and clears its cookie. */
export async function closeSession(ctx: AppContext, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const secret = sessionSecretOf(ctx, req);
  if (secret !== null) await ctx.accounts.deleteSession(hashSecret(secret));
  ctx.authenticator.invalidate();
  reply.clearCookie(ctx.authenticator.sessionCookie, cookieOptions(ctx));
}
