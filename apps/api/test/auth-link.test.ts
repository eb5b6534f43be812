/**
 * One-time sign-in links: POST /api/v1/auth/link signs in once (a second use, an expired link, or
 * one voided by a later account change is a 401 that says to ask for a new one), optionally sets a
 * password (≥ 12 characters; a refused password leaves the link unused); the link page (English or
 * Polish by Accept-Language, no external assets, its script from its own route under the CSP) and
 * the front page's redirect.
 */
import { issueSignInLink } from '@license-insights/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browser, signIn, staffWithPassword, testClock } from './helpers/sessions';
import { startTestApp, type TestApp } from './helpers/test-app';

// Ahead of the real clock: the account store stamps changes with the real one.
const clock = testClock(Date.now() + 10 * 60_000);
let s: TestApp;
let address = 0;
const nextAddress = () => `10.2.0.${++address}`;
const operator = { partnerId: 'demo', email: 'local operator (OS user test)', via: 'local' as const };

beforeAll(async () => {
  s = await startTestApp({ customers: 3, otherPartner: false, deps: { now: clock.now } });
}, 120_000);
afterAll(() => s.close());

/** A link issued at the test's clock; its secret (after #). */
async function linkFor(email: string): Promise<string> {
  const link = await issueSignInLink(s.accounts, operator, email, 'http://localhost:8080', clock.now());
  const secret = link.url.split('#')[1];
  if (secret === undefined) throw new Error('a link has a secret after #');
  return secret;
}

describe('sign-in links', () => {
  it('sign in once; a second use is 401 with what to do', async () => {
    const account = await staffWithPassword(s.accounts, ['admin_agent', 'user_admin'], { password: null });
    const secret = await linkFor(account.email);
    const b = browser(s.app, nextAddress());
    const r = await b.request({ method: 'POST', url: '/api/v1/auth/link', payload: { secret } });
    expect(r.statusCode).toBe(200);
    expect(r.json().principal).toMatchObject({ email: account.email, via: 'session' });
    expect((await b.request({ method: 'GET', url: '/api/v1/me' })).statusCode).toBe(200);
    const again = await browser(s.app, nextAddress()).request({
      method: 'POST',
      url: '/api/v1/auth/link',
      payload: { secret },
    });
    expect(again.statusCode).toBe(401);
    expect(again.json()).toMatchObject({
      code: 'auth.unauthenticated',
      message: 'this sign-in link has expired or has been used already',
      hint: { kind: 'new_sign_in_link' },
    });
    expect(again.json().hintText).toContain('insights users link <email>');
    const audit = (await s.accounts.auditLog('demo', ['auth.sign_in'], 10)).find(
      (a) => a.actor === account.email,
    );
    expect(audit).toMatchObject({ outcome: 'ok', details: { method: 'link' } });
  });

  it('expires after 15 minutes', async () => {
    const account = await staffWithPassword(s.accounts, ['sales_agent'], { password: null });
    const secret = await linkFor(account.email);
    clock.advance(15 * 60_000 + 1_000);
    const r = await browser(s.app, nextAddress()).request({
      method: 'POST',
      url: '/api/v1/auth/link',
      payload: { secret },
    });
    expect(r.statusCode).toBe(401);
  });

  it('sets a password of 12 characters or more; a shorter one is refused and the link stays usable', async () => {
    const account = await staffWithPassword(s.accounts, ['sales_agent'], { password: null });
    const secret = await linkFor(account.email);
    const short = await browser(s.app, nextAddress()).request({
      method: 'POST',
      url: '/api/v1/auth/link',
      payload: { secret, password: 'elevenchars' },
    });
    expect(short.statusCode).toBe(400);
    expect(short.json().message).toContain('at least 12 characters');
    const ok = await browser(s.app, nextAddress()).request({
      method: 'POST',
      url: '/api/v1/auth/link',
      payload: { secret, password: 'twelve chars' },
    });
    expect(ok.statusCode).toBe(200);
    const stored = await s.accounts.accountById('demo', account.accountId);
    expect(stored?.passwordHash).toMatch(/^\$argon2id\$/);
    await signIn(s.app, account.email, 'twelve chars', nextAddress());
    const set = (await s.accounts.auditLog('demo', ['auth.password_set'], 10)).find(
      (a) => a.actor === account.email,
    );
    expect(set).toMatchObject({ outcome: 'ok', details: { method: 'link' } });
    expect(JSON.stringify(set)).not.toContain('twelve chars');
  });

  it('a link issued before a change of roles or a disable no longer works', async () => {
    const account = await staffWithPassword(s.accounts, ['sales_agent'], { password: null });
    const secret = await linkFor(account.email);
    // The account store stamps the change with the real clock, after the link was issued.
    await new Promise((r) => setTimeout(r, 5));
    await s.accounts.updateAccount(
      'demo',
      account.accountId,
      { roles: ['admin_agent'], revokeCredentials: true },
      null,
    );
    const r = await browser(s.app, nextAddress()).request({
      method: 'POST',
      url: '/api/v1/auth/link',
      payload: { secret },
    });
    expect(r.statusCode).toBe(401);
    expect(r.json().message).toContain('changed or disabled after it was issued');
  });

  it('refuses junk and cross-site posts', async () => {
    const junk = await browser(s.app, nextAddress()).request({
      method: 'POST',
      url: '/api/v1/auth/link',
      payload: { secret: 'li_lnk_short' },
    });
    expect(junk.statusCode).toBe(401);
    const account = await staffWithPassword(s.accounts, ['sales_agent'], { password: null });
    const secret = await linkFor(account.email);
    const cross = await browser(s.app, nextAddress()).request({
      method: 'POST',
      url: '/api/v1/auth/link',
      headers: { 'sec-fetch-site': 'cross-site' },
      payload: { secret },
    });
    expect(cross.statusCode).toBe(403);
    // Refused before use: the link still works from this server's own page.
    const own = await browser(s.app, nextAddress()).request({
      method: 'POST',
      url: '/api/v1/auth/link',
      headers: { 'sec-fetch-site': 'same-origin' },
      payload: { secret },
    });
    expect(own.statusCode).toBe(200);
  });
});

describe('the link page', () => {
  it('is English by default and Polish for pl, self-contained, with its script from its own route', async () => {
    const en = await s.call(null, { method: 'GET', url: '/sign-in/link' });
    expect(en.statusCode).toBe(200);
    expect(en.headers['content-type']).toContain('text/html');
    expect(en.headers['cache-control']).toBe('no-store');
    expect(en.body).toContain('<html lang="en">');
    expect(en.body).toContain('<h1>Sign in</h1>');
    expect(en.body).toContain('insights users link &lt;e-mail&gt;');
    const pl = await s.call(null, {
      method: 'GET',
      url: '/sign-in/link',
      headers: { 'accept-language': 'de-DE;q=0.9, pl-PL, en;q=0.8' },
    });
    expect(pl.body).toContain('<html lang="pl">');
    expect(pl.body).toContain('<h1>Logowanie</h1>');
    expect(pl.body).toContain('co najmniej 12 znaków');
    for (const page of [en, pl]) {
      // Nothing from elsewhere, no inline script (the CSP allows scripts from this server only).
      expect(page.body).not.toMatch(/(src|href)="(https?:)?\/\//);
      expect(page.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(page.body).toContain('<script src="/sign-in/link.js" defer></script>');
      expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
    }
    const js = await s.call(null, { method: 'GET', url: '/sign-in/link.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toContain('text/javascript');
    expect(js.body).toContain("fetch('/api/v1/auth/link'");
    expect(js.body).toContain('history.replaceState');
  });

  it('the front page leads to the API reference until the dashboard exists', async () => {
    const r = await s.call(null, { method: 'GET', url: '/' });
    expect(r.statusCode).toBe(302);
    expect(r.headers.location).toBe('/api/docs');
  });
});
