/**
 * Browser-like helpers for the sign-in tests: staff accounts with passwords, sign-in through the
 * API, and the session as a browser holds it (its cookies and its CSRF token).
 */
import type { Role } from '@license-insights/contracts';
import type { AccountStore, StoredAccount } from '@license-insights/core';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Api } from '../../src/app';
import { hashPassword } from '../../src/auth/passwords';

export const PASSWORD = 'correct horse battery staple';

let counter = 0;

/** A staff account of a partner with these roles and, by default, the password `PASSWORD`. */
export async function staffWithPassword(
  accounts: AccountStore,
  roles: readonly Role[],
  options: { partnerId?: string; email?: string; password?: string | null } = {},
): Promise<StoredAccount> {
  counter++;
  const partnerId = options.partnerId ?? 'demo';
  const account = await accounts.createAccount(
    {
      partnerId,
      email: options.email ?? `person${counter}-${process.pid}@${partnerId}.example`,
      displayName: `Person ${counter}`,
      roles: [...roles],
      scope: null,
    },
    null,
  );
  const password = options.password === undefined ? PASSWORD : options.password;
  if (password === null) return account;
  return accounts.updateAccount(
    partnerId,
    account.accountId,
    { passwordHash: await hashPassword(password) },
    null,
  );
}

/** A browser's session: the cookies it holds and the CSRF token its page keeps. */
export interface Browser {
  readonly cookies: Map<string, string>;
  csrfToken: string | null;
  /** A request as the browser sends it (its cookies; the CSRF header unless `csrf: false`). */
  request(options: InjectOptions & { csrf?: boolean }): Promise<LightMyRequestResponse>;
}

export function browser(app: Api, remoteAddress = '127.0.0.1'): Browser {
  const b: Browser = {
    cookies: new Map(),
    csrfToken: null,
    async request(o) {
      const { csrf, ...options } = o;
      const cookie = [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      const r = await app.inject({
        remoteAddress,
        ...options,
        headers: {
          ...(cookie === '' ? {} : { cookie }),
          ...(csrf !== false && b.csrfToken !== null ? { 'x-csrf-token': b.csrfToken } : {}),
          ...(options.headers ?? {}),
        },
      });
      for (const c of r.cookies) {
        const expired = c.expires !== undefined && c.expires.getTime() <= Date.now();
        if (c.value === '' || expired || c.maxAge === 0) b.cookies.delete(c.name);
        else b.cookies.set(c.name, c.value);
      }
      const body = r.headers['content-type']?.toString().includes('json') ? safeJson(r.body) : null;
      if (
        body !== null &&
        typeof body === 'object' &&
        'csrfToken' in body &&
        typeof body.csrfToken === 'string'
      ) {
        b.csrfToken = body.csrfToken;
      }
      return r;
    },
  };
  return b;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Signs a browser in with a password; throws unless it worked. */
export async function signIn(
  app: Api,
  email: string,
  password = PASSWORD,
  remoteAddress = '127.0.0.1',
): Promise<Browser> {
  const b = browser(app, remoteAddress);
  const r = await b.request({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email, password } });
  if (r.statusCode !== 200) throw new Error(`sign-in failed: ${r.statusCode} ${r.body}`);
  return b;
}

/** A clock the test moves. */
export function testClock(start = Date.now()): { now: () => Date; advance(ms: number): void } {
  let t = start;
  return {
    now: () => new Date(t),
    advance(ms) {
      t += ms;
    },
  };
}
