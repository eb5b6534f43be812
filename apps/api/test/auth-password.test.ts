/**
 * Password sign-in: argon2id, the session cookie (HttpOnly, SameSite=Lax, Path=/; Secure and
 * `__Host-` with TLS), one 401 for a wrong password and an unknown e-mail, the per-account backoff
 * (5 failures lock 15 minutes, then twice as long) and the per-address limit (429 with
 * Retry-After), login CSRF refused by Origin / Sec-Fetch-Site, the audit of every attempt, sign-out
 * and a password change that ends the other sessions.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '@license-insights/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGN_IN_PER_MINUTE } from '../src/routes/auth';
import { browser, PASSWORD, signIn, staffWithPassword, testClock } from './helpers/sessions';
import { startTestApp, type TestApp } from './helpers/test-app';

// Ahead of the real clock: the account store stamps changes with it (a credentials-valid-after
// mark later than the test's clock would void every session the test opens).
const clock = testClock(Date.now() + 10 * 60_000);
let s: TestApp;
/** Each test signs in from an address of its own: the per-address limit stays out of the way. */
let address = 0;
const nextAddress = () => `10.0.${Math.floor(++address / 250)}.${address % 250}`;

beforeAll(async () => {
  s = await startTestApp({ customers: 3, otherPartner: false, deps: { now: clock.now } });
}, 120_000);
afterAll(() => s.close());

async function auditOf(action: string) {
  return s.accounts.auditLog('demo', [action], 100);
}

describe('password sign-in', () => {
  it('opens a session in an HttpOnly, SameSite=Lax cookie, answers the CSRF token, and audits it', async () => {
    const account = await staffWithPassword(s.accounts, ['sales_agent']);
    expect(account.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const b = browser(s.app, nextAddress());
    const r = await b.request({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: account.email.toUpperCase(), password: PASSWORD },
    });
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.principal).toMatchObject({ email: account.email, roles: ['sales_agent'], via: 'session' });
    expect(typeof body.csrfToken).toBe('string');
    const setCookie = ([] as string[]).concat(r.headers['set-cookie'] ?? []);
    const session = setCookie.find((c) => c.startsWith('li_session='));
    expect(session).toMatch(/^li_session=li_ses_[A-Za-z0-9_-]{43}; /);
    expect(session).toContain('HttpOnly');
    expect(session).toContain('SameSite=Lax');
    expect(session).toContain('Path=/');
    expect(session).not.toContain('Secure');
    expect(Date.parse(body.expiresAt) - clock.now().getTime()).toBe(12 * 3_600_000);

    const me = await b.request({ method: 'GET', url: '/api/v1/me' });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ accountId: account.accountId, via: 'session' });
    const stored = await s.accounts.accountById('demo', account.accountId);
    expect(stored?.lastSignInAt).not.toBeNull();
    const audit = (await auditOf('auth.sign_in')).find((a) => a.actor === account.email);
    expect(audit).toMatchObject({ outcome: 'ok', details: { method: 'password' } });
  });

  it('answers a wrong password and an unknown e-mail with the same 401, and audits the known one', async () => {
    const account = await staffWithPassword(s.accounts, ['admin_agent']);
    const wrong = await browser(s.app, nextAddress()).request({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: account.email, password: 'not the password at all' },
    });
    const unknown = await browser(s.app, nextAddress()).request({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: 'nobody@nowhere.example', password: 'not the password at all' },
    });
    for (const r of [wrong, unknown]) {
      expect(r.statusCode).toBe(401);
      expect(r.headers['set-cookie']).toBeUndefined();
    }
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.json()).toMatchObject({
      code: 'auth.unauthenticated',
      message: 'the e-mail or the password is not right',
    });
    const failed = (await auditOf('auth.sign_in')).filter((a) => a.actor === account.email);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      outcome: 'failed',
      details: { method: 'password', reason: 'wrong password' },
    });
    expect(JSON.stringify(failed)).not.toContain('not the password at all');
  });

  it('refuses an account without a password like a wrong one, and a disabled account after the right one', async () => {
    const none = await staffWithPassword(s.accounts, ['admin_agent'], { password: null });
    const r = await browser(s.app, nextAddress()).request({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: none.email, password: PASSWORD },
    });
    expect(r.statusCode).toBe(401);
    const disabled = await staffWithPassword(s.accounts, ['admin_agent']);
    await s.accounts.updateAccount('demo', disabled.accountId, { disabled: true }, null);
    const d = await browser(s.app, nextAddress()).request({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: disabled.email, password: PASSWORD },
    });
    expect(d.statusCode).toBe(403);
    expect(d.json().message).toContain('disabled');
  });

  it('locks an e-mail after 5 failures for 15 minutes, then twice as long; the right password waits too', async () => {
    const account = await staffWithPassword(s.accounts, ['sales_agent']);
    const attempt = (password: string) =>
      browser(s.app, nextAddress()).request({
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        payload: { email: account.email, password },
      });
    for (let i = 0; i < 5; i++) expect((await attempt('wrong password no. 1')).statusCode).toBe(401);
    const locked = await attempt(PASSWORD);
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toMatchObject({ code: 'auth.throttled' });
    expect(locked.json().message).toContain('15 minutes');
    expect(Number(locked.headers['retry-after'])).toBe(900);
    const throttled = (await auditOf('auth.sign_in')).filter(
      (a) => a.actor === account.email && a.outcome === 'throttled',
    );
    expect(throttled).toHaveLength(1);
    const lockAudit = (await auditOf('auth.sign_in')).find(
      (a) => a.actor === account.email && a.details.lockedSeconds !== undefined,
    );
    expect(lockAudit?.details.lockedSeconds).toBe(900);

    clock.advance(15 * 60_000 + 1_000);
    for (let i = 0; i < 5; i++) expect((await attempt('wrong password no. 2')).statusCode).toBe(401);
    const again = await attempt(PASSWORD);
    expect(again.statusCode).toBe(429);
    expect(Number(again.headers['retry-after'])).toBe(1800);

    clock.advance(30 * 60_000 + 1_000);
    expect((await attempt(PASSWORD)).statusCode).toBe(200);
    // Success forgets the failures: one more wrong password does not lock.
    expect((await attempt('wrong password no. 3')).statusCode).toBe(401);
    expect((await attempt(PASSWORD)).statusCode).toBe(200);
  });

  it('locks an unknown e-mail the same way (a lock tells nothing about the account)', async () => {
    const attempt = () =>
      browser(s.app, nextAddress()).request({
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        payload: { email: 'ghost@demo.example', password: 'whatever it is here' },
      });
    for (let i = 0; i < 5; i++) expect((await attempt()).statusCode).toBe(401);
    const r = await attempt();
    expect(r.statusCode).toBe(429);
    expect(Number(r.headers['retry-after'])).toBe(900);
  });

  it(`limits one address to ${SIGN_IN_PER_MINUTE} sign-in attempts a minute (429 with Retry-After)`, async () => {
    const from = nextAddress();
    const statuses: number[] = [];
    let last = null as Awaited<ReturnType<ReturnType<typeof browser>['request']>> | null;
    for (let i = 0; i <= SIGN_IN_PER_MINUTE; i++) {
      last = await browser(s.app, from).request({
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        payload: { email: `someone${i}@demo.example`, password: 'whatever it is here' },
      });
      statuses.push(last.statusCode);
    }
    expect(statuses.slice(0, SIGN_IN_PER_MINUTE).every((c) => c === 401)).toBe(true);
    expect(last?.statusCode).toBe(429);
    expect(last?.json()).toMatchObject({ code: 'auth.throttled' });
    expect(last?.json().message).toContain('from this address');
    expect(Number(last?.headers['retry-after'])).toBeGreaterThan(0);
    // Another address is not affected.
    const other = await browser(s.app, nextAddress()).request({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: 'someone@demo.example', password: 'whatever it is here' },
    });
    expect(other.statusCode).toBe(401);
  });

  it('refuses a sign-in posted by a page of another site (login CSRF), by Sec-Fetch-Site or Origin', async () => {
    const account = await staffWithPassword(s.accounts, ['sales_agent']);
    const post = (headers: Record<string, string>) =>
      browser(s.app, nextAddress()).request({
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        headers,
        payload: { email: account.email, password: PASSWORD },
      });
    for (const headers of [
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { origin: 'https://evil.example' },
      { origin: 'null' },
    ]) {
      const r = await post(headers);
      expect(r.statusCode, JSON.stringify(headers)).toBe(403);
      expect(r.headers['set-cookie']).toBeUndefined();
    }
    expect((await post({ 'sec-fetch-site': 'same-origin', origin: 'http://localhost:80' })).statusCode).toBe(
      200,
    );
  });

  it('validates the body: an e-mail that is not one is a 400 naming the field', async () => {
    const r = await browser(s.app, nextAddress()).request({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email: 'no-at-sign', password: 'x' },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().message).toContain('email');
  });
});

describe('sign-out and password change', () => {
  it('signs out: the session ends, the cookie is cleared; without the CSRF token it is refused', async () => {
    const account = await staffWithPassword(s.accounts, ['sales_agent']);
    const b = await signIn(s.app, account.email, PASSWORD, nextAddress());
    const noToken = await b.request({ method: 'POST', url: '/api/v1/auth/sign-out', csrf: false });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.json().message).toContain('x-csrf-token');
    const sessionCookie = b.cookies.get('li_session');
    const out = await b.request({ method: 'POST', url: '/api/v1/auth/sign-out' });
    expect(out.statusCode).toBe(204);
    expect(b.cookies.has('li_session')).toBe(false);
    const replay = await s.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { cookie: `li_session=${sessionCookie}` },
    });
    expect(replay.statusCode).toBe(401);
  });

  it('changes the password with the current one: other sessions end, this browser gets a new session', async () => {
    const account = await staffWithPassword(s.accounts, ['sales_agent']);
    const other = await signIn(s.app, account.email, PASSWORD, nextAddress());
    const b = await signIn(s.app, account.email, PASSWORD, nextAddress());
    const before = b.cookies.get('li_session');
    const wrong = await b.request({
      method: 'POST',
      url: '/api/v1/me/password',
      payload: { currentPassword: 'not the current one', newPassword: 'a brand new passphrase' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().message).toBe('the current password is not right');
    const short = await b.request({
      method: 'POST',
      url: '/api/v1/me/password',
      payload: { currentPassword: PASSWORD, newPassword: 'too short' },
    });
    expect(short.statusCode).toBe(400);
    expect(short.json().message).toContain('at least 12 characters');
    const ok = await b.request({
      method: 'POST',
      url: '/api/v1/me/password',
      payload: { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' },
    });
    expect(ok.statusCode).toBe(200);
    expect(b.cookies.get('li_session')).not.toBe(before);
    expect((await b.request({ method: 'GET', url: '/api/v1/me' })).statusCode).toBe(200);
    expect((await other.request({ method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
    // The new CSRF token works for the new session.
    expect((await b.request({ method: 'POST', url: '/api/v1/auth/sign-out' })).statusCode).toBe(204);
    await signIn(s.app, account.email, 'a brand new passphrase', nextAddress());
    await expect(signIn(s.app, account.email, PASSWORD, nextAddress())).rejects.toThrow('401');
    const audit = (await auditOf('auth.password_change')).filter((a) => a.actor === account.email);
    expect(audit.map((a) => a.outcome).sort()).toEqual(['failed', 'ok']);
  });

  it('refuses a password change by a token (no session)', async () => {
    const token = await s.token(['admin_agent']);
    const r = await s.call(token, {
      method: 'POST',
      url: '/api/v1/me/password',
      payload: { newPassword: 'a brand new passphrase' },
    });
    expect(r.statusCode).toBe(403);
  });

  it('ends a session at its expiry (config.server.sessionHours)', async () => {
    const account = await staffWithPassword(s.accounts, ['sales_agent']);
    const b = await signIn(s.app, account.email, PASSWORD, nextAddress());
    clock.advance(11 * 3_600_000);
    expect((await b.request({ method: 'GET', url: '/api/v1/me' })).statusCode).toBe(200);
    clock.advance(3_600_000 + 6_000);
    expect((await b.request({ method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
  });
});

describe('with TLS', () => {
  const hasOpenssl = (() => {
    try {
      execFileSync('openssl', ['version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  it.skipIf(!hasOpenssl)(
    'names the cookies __Host-… and marks them Secure; the plain name is not read',
    async () => {
      const dir = tempDir('li-tls-');
      try {
        const key = path.join(dir.dir, 'key.pem');
        const cert = path.join(dir.dir, 'cert.pem');
        execFileSync(
          'openssl',
          [
            'req',
            '-x509',
            '-newkey',
            'rsa:2048',
            '-nodes',
            '-keyout',
            key,
            '-out',
            cert,
            '-days',
            '1',
            '-subj',
            '/CN=localhost',
          ],
          { stdio: 'ignore' },
        );
        const t = await startTestApp({
          customers: 2,
          otherPartner: false,
          deps: { https: { key: readFileSync(key), cert: readFileSync(cert) } },
        });
        try {
          const account = await staffWithPassword(t.accounts, ['sales_agent']);
          const b = browser(t.app);
          const r = await b.request({
            method: 'POST',
            url: '/api/v1/auth/sign-in',
            payload: { email: account.email, password: PASSWORD },
          });
          expect(r.statusCode).toBe(200);
          const cookies = ([] as string[]).concat(r.headers['set-cookie'] ?? []);
          const session = cookies.find((c) => c.startsWith('__Host-li_session='));
          const csrf = cookies.find((c) => c.startsWith('__Host-li_csrf='));
          for (const c of [session, csrf]) {
            expect(c).toContain('Secure');
            expect(c).toContain('Path=/');
            expect(c).not.toContain('Domain');
          }
          expect(r.headers['strict-transport-security']).toContain('max-age=');
          expect(String(r.headers['content-security-policy'])).toContain('upgrade-insecure-requests');
          expect((await b.request({ method: 'GET', url: '/api/v1/me' })).statusCode).toBe(200);
          const secret = b.cookies.get('__Host-li_session');
          const plain = await t.app.inject({
            method: 'GET',
            url: '/api/v1/me',
            headers: { cookie: `li_session=${secret}` },
          });
          expect(plain.statusCode).toBe(401);
        } finally {
          await t.close();
        }
      } finally {
        dir.cleanup();
      }
    },
  );
});
