/**
 * Staff management (manage_staff) and API tokens over HTTP, and CSRF on session writes: the token
 * of the session in `x-csrf-token` on every POST/PUT/PATCH/DELETE a cookie authenticates (checked
 * centrally), none for a bearer token; tokens made by a session (at most its roles, shown once),
 * never by a token; own tokens and the partner's for user management admins; another partner's
 * accounts and tokens answer 404; a change takes effect on the next request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browser, PASSWORD, signIn, staffWithPassword } from './helpers/sessions';
import { OTHER_PARTNER, startTestApp, type TestApp } from './helpers/test-app';

let s: TestApp;
let address = 0;
const nextAddress = () => `10.1.0.${++address}`;

beforeAll(async () => {
  s = await startTestApp({ customers: 3 });
}, 120_000);
afterAll(() => s.close());

describe('CSRF on session writes', () => {
  it('needs the session’s token in x-csrf-token; another session’s token fails; GETs need none', async () => {
    const admin = await staffWithPassword(s.accounts, ['user_admin']);
    const a = await signIn(s.app, admin.email, PASSWORD, nextAddress());
    const b = await signIn(s.app, admin.email, PASSWORD, nextAddress());
    const add = (email: string) => ({
      method: 'POST' as const,
      url: '/api/v1/staff',
      payload: { email, roles: ['sales_agent'] },
    });
    const none = await a.request({ ...add('csrf1@demo.example'), csrf: false });
    expect(none.statusCode).toBe(403);
    expect(none.json()).toMatchObject({ code: 'auth.forbidden' });
    expect(none.json().message).toContain('x-csrf-token');
    expect(none.json().message).toContain('/api/v1/auth/csrf');
    const foreign = await a.request({
      ...add('csrf2@demo.example'),
      headers: { 'x-csrf-token': b.csrfToken ?? '' },
    });
    expect(foreign.statusCode).toBe(403);
    expect((await s.accounts.accountByEmail('csrf1@demo.example')) ?? null).toBeNull();
    expect((await a.request({ method: 'GET', url: '/api/v1/staff', csrf: false })).statusCode).toBe(200);
    // The token from GET /api/v1/auth/csrf works.
    a.csrfToken = null;
    const t = await a.request({ method: 'GET', url: '/api/v1/auth/csrf' });
    expect(t.statusCode).toBe(200);
    expect(a.csrfToken).toBe(t.json().csrfToken);
    expect((await a.request(add('csrf3@demo.example'))).statusCode).toBe(201);
  });

  it('exempts bearer tokens (no ambient credential), even with a session cookie beside', async () => {
    const token = await s.token(['user_admin']);
    const admin = await staffWithPassword(s.accounts, ['user_admin']);
    const b = await signIn(s.app, admin.email, PASSWORD, nextAddress());
    const r = await b.request({
      method: 'POST',
      url: '/api/v1/staff',
      csrf: false,
      headers: { authorization: `Bearer ${token}` },
      payload: { email: 'bearer@demo.example', roles: ['sales_agent'] },
    });
    expect(r.statusCode).toBe(201);
  });

  it('answers the CSRF route only to sessions', async () => {
    const token = await s.token(['sales_agent']);
    expect((await s.call(token, { method: 'GET', url: '/api/v1/auth/csrf' })).statusCode).toBe(403);
    expect((await s.call(null, { method: 'GET', url: '/api/v1/auth/csrf' })).statusCode).toBe(401);
  });
});

describe('staff accounts', () => {
  it('lists, adds, changes and links; a duplicate e-mail is 409; every change is audited', async () => {
    const admin = await s.token(['user_admin']);
    const added = await s.call(admin, {
      method: 'POST',
      url: '/api/v1/staff',
      payload: {
        email: 'New.Person@Demo.example',
        displayName: 'New Person',
        roles: ['sales_agent', 'admin_agent'],
      },
    });
    expect(added.statusCode).toBe(201);
    const account = added.json();
    expect(account).toMatchObject({
      email: 'new.person@demo.example',
      roles: ['admin_agent', 'sales_agent'],
      scope: null,
      disabled: false,
      hasPassword: false,
    });
    expect(account).not.toHaveProperty('passwordHash');
    const dup = await s.call(admin, {
      method: 'POST',
      url: '/api/v1/staff',
      payload: { email: 'new.person@demo.example', roles: ['sales_agent'] },
    });
    expect(dup.statusCode).toBe(409);
    const list = await s.call(admin, { method: 'GET', url: '/api/v1/staff' });
    expect(list.statusCode).toBe(200);
    const emails = list.json().accounts.map((a: { email: string }) => a.email);
    expect(emails).toContain('new.person@demo.example');
    expect(emails.every((e: string) => !e.endsWith('@other.example'))).toBe(true);

    const patched = await s.call(admin, {
      method: 'PATCH',
      url: `/api/v1/staff/${account.accountId}`,
      payload: { roles: ['sales_agent'], scope: { customers: [], groups: ['Enterprise'] } },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({
      roles: ['sales_agent'],
      scope: { customers: [], groups: ['Enterprise'] },
    });

    const link = await s.call(admin, {
      method: 'POST',
      url: `/api/v1/staff/${account.accountId}/sign-in-link`,
    });
    expect(link.statusCode).toBe(201);
    expect(link.json().url).toMatch(/^http:\/\/localhost(:80)?\/sign-in\/link#li_lnk_[A-Za-z0-9_-]{43}$/);
    expect(link.json().email).toBe('new.person@demo.example');
    const actions = (await s.accounts.auditLog('demo', null, 50)).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['account.create', 'account.update', 'account.link']));
  });

  it('names each invalid field as a problem of the body, for a form to show at the field', async () => {
    const admin = await s.token(['user_admin']);
    const r = await s.call(admin, {
      method: 'POST',
      url: '/api/v1/staff',
      payload: { email: 'not an e-mail', roles: [] },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ code: 'usage.invalid_argument' });
    expect(r.json().problems).toEqual([
      expect.objectContaining({ severity: 'error', file: 'body', field: 'email' }),
      expect.objectContaining({
        severity: 'error',
        file: 'body',
        field: 'roles',
        message: 'must hold at least one role',
      }),
    ]);
  });

  it('answers 404 for another partner’s account, and 403 for roles without manage_staff', async () => {
    const admin = await s.token(['user_admin']);
    const foreign = await staffWithPassword(s.accounts, ['sales_agent'], { partnerId: OTHER_PARTNER });
    for (const r of [
      await s.call(admin, {
        method: 'PATCH',
        url: `/api/v1/staff/${foreign.accountId}`,
        payload: { disabled: true },
      }),
      await s.call(admin, {
        method: 'PATCH',
        url: `/api/v1/staff/${foreign.email}`,
        payload: { disabled: true },
      }),
      await s.call(admin, { method: 'POST', url: `/api/v1/staff/${foreign.accountId}/sign-in-link` }),
    ]) {
      expect(r.statusCode).toBe(404);
      expect(r.json().code).toBe('not_found');
    }
    expect((await s.accounts.accountById(OTHER_PARTNER, foreign.accountId))?.disabled).toBe(false);
    for (const roles of [['admin_agent'], ['sales_agent']] as const) {
      const t = await s.token(roles);
      expect((await s.call(t, { method: 'GET', url: '/api/v1/staff' })).statusCode).toBe(403);
    }
  });

  it('disabling an account stops its session and its tokens at the next request', async () => {
    const admin = await s.token(['user_admin']);
    const person = await staffWithPassword(s.accounts, ['sales_agent']);
    const b = await signIn(s.app, person.email, PASSWORD, nextAddress());
    const made = await b.request({ method: 'POST', url: '/api/v1/tokens', payload: { name: 'script' } });
    expect(made.statusCode).toBe(201);
    const secret = made.json().secret;
    expect((await s.call(secret, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(200);
    expect((await b.request({ method: 'GET', url: '/api/v1/me' })).statusCode).toBe(200);
    const off = await s.call(admin, {
      method: 'PATCH',
      url: `/api/v1/staff/${person.accountId}`,
      payload: { disabled: true },
    });
    expect(off.statusCode).toBe(200);
    expect((await s.call(secret, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
    expect((await b.request({ method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
  });

  it('refuses to disable the last user management admin (409)', async () => {
    // A partner of its own, so that no other test's admin counts.
    const lone = await staffWithPassword(s.accounts, ['user_admin'], { partnerId: 'lonely' });
    const b = await signIn(s.app, lone.email, PASSWORD, nextAddress());
    const r = await b.request({
      method: 'PATCH',
      url: `/api/v1/staff/${lone.accountId}`,
      payload: { disabled: true },
    });
    expect(r.statusCode).toBe(409);
    expect(r.json().message).toContain('last enabled user management admin');
  });
});

describe('API tokens', () => {
  it('a session creates a token for itself, shown once, no wider than its roles; it works as a bearer', async () => {
    const person = await staffWithPassword(s.accounts, ['admin_agent', 'user_admin']);
    const b = await signIn(s.app, person.email, PASSWORD, nextAddress());
    const wide = await b.request({
      method: 'POST',
      url: '/api/v1/tokens',
      payload: { name: 'too wide', roles: ['sales_agent'] },
    });
    expect(wide.statusCode).toBe(403);
    const r = await b.request({
      method: 'POST',
      url: '/api/v1/tokens',
      payload: { name: 'nightly export', roles: ['admin_agent'], expiresInDays: 7 },
    });
    expect(r.statusCode).toBe(201);
    expect(r.headers['cache-control']).toBe('no-store');
    const { token, secret } = r.json();
    expect(secret).toMatch(/^li_pat_[A-Za-z0-9_-]{43}$/);
    expect(token).toMatchObject({ name: 'nightly export', roles: ['admin_agent'], createdBy: person.email });
    expect(Date.parse(token.expiresAt) - Date.parse(token.createdAt)).toBeGreaterThan(6.9 * 86_400_000);
    const me = await s.call(secret, { method: 'GET', url: '/api/v1/me' });
    expect(me.json()).toMatchObject({ accountId: person.accountId, roles: ['admin_agent'], via: 'token' });
    // The listing never shows a secret.
    const list = await b.request({ method: 'GET', url: '/api/v1/tokens' });
    expect(list.json().tokens.map((t: { name: string }) => t.name)).toEqual(['nightly export']);
    expect(list.body).not.toContain(secret);
    // A token cannot mint tokens.
    const minted = await s.call(secret, {
      method: 'POST',
      url: '/api/v1/tokens',
      payload: { name: 'child' },
    });
    expect(minted.statusCode).toBe(403);
    expect(minted.json().message).toContain('a token cannot create tokens');
  });

  it('lists own tokens; all=true needs manage_staff and shows the partner’s only', async () => {
    const seller = await staffWithPassword(s.accounts, ['sales_agent']);
    const sb = await signIn(s.app, seller.email, PASSWORD, nextAddress());
    await sb.request({ method: 'POST', url: '/api/v1/tokens', payload: { name: 'seller token' } });
    const foreignToken = await s.token(['user_admin'], { partnerId: OTHER_PARTNER });
    expect((await sb.request({ method: 'GET', url: '/api/v1/tokens?all=true' })).statusCode).toBe(403);
    const mine = await sb.request({ method: 'GET', url: '/api/v1/tokens' });
    expect(mine.json().tokens.map((t: { name: string }) => t.name)).toEqual(['seller token']);
    const admin = await s.token(['user_admin']);
    const all = await s.call(admin, { method: 'GET', url: '/api/v1/tokens?all=true' });
    expect(all.statusCode).toBe(200);
    const names = all.json().tokens.map((t: { name: string }) => t.name);
    expect(names).toContain('seller token');
    const otherAll = await s.call(foreignToken, { method: 'GET', url: '/api/v1/tokens?all=true' });
    expect(otherAll.json().tokens.map((t: { name: string }) => t.name)).not.toContain('seller token');
  });

  it('revokes own tokens; another’s needs manage_staff (404 otherwise); another partner’s is 404', async () => {
    const seller = await staffWithPassword(s.accounts, ['sales_agent']);
    const sb = await signIn(s.app, seller.email, PASSWORD, nextAddress());
    const made = await sb.request({ method: 'POST', url: '/api/v1/tokens', payload: { name: 'to revoke' } });
    const { token, secret } = made.json();
    const peer = await staffWithPassword(s.accounts, ['sales_agent']);
    const pb = await signIn(s.app, peer.email, PASSWORD, nextAddress());
    const notHis = await pb.request({ method: 'DELETE', url: `/api/v1/tokens/${token.tokenId}` });
    expect(notHis.statusCode).toBe(404);
    const foreignAdmin = await s.token(['user_admin'], { partnerId: OTHER_PARTNER });
    expect(
      (await s.call(foreignAdmin, { method: 'DELETE', url: `/api/v1/tokens/${token.tokenId}` })).statusCode,
    ).toBe(404);
    expect((await s.call(secret, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(200);
    const own = await sb.request({ method: 'DELETE', url: `/api/v1/tokens/${token.tokenId}` });
    expect(own.statusCode).toBe(204);
    expect((await s.call(secret, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
    expect((await sb.request({ method: 'DELETE', url: `/api/v1/tokens/${token.tokenId}` })).statusCode).toBe(
      404,
    );

    const second = (
      await sb.request({ method: 'POST', url: '/api/v1/tokens', payload: { name: 'admin revokes' } })
    ).json();
    const admin = await s.token(['user_admin']);
    expect(
      (await s.call(admin, { method: 'DELETE', url: `/api/v1/tokens/${second.token.tokenId}` })).statusCode,
    ).toBe(204);
    expect((await s.call(second.secret, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
    const revokes = (await s.accounts.auditLog('demo', ['token.revoke'], 10)).map((a) => a.details.tokenId);
    expect(revokes).toEqual(expect.arrayContaining([token.tokenId, second.token.tokenId]));
  });

  it('a browser without a session cannot create tokens', async () => {
    const r = await browser(s.app, nextAddress()).request({
      method: 'POST',
      url: '/api/v1/tokens',
      payload: { name: 'x' },
    });
    expect(r.statusCode).toBe(401);
  });
});

describe('the API reference', () => {
  it('documents the sign-in, staff and token routes (not the pages), with the session cookie scheme', async () => {
    const doc = (await s.call(null, { method: 'GET', url: '/api/v1/openapi.json' })).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/auth/sign-in',
        '/api/v1/auth/link',
        '/api/v1/auth/sign-out',
        '/api/v1/auth/csrf',
        '/api/v1/auth/providers',
        '/api/v1/auth/oidc/start',
        '/api/v1/auth/oidc/callback',
        '/api/v1/me/password',
        '/api/v1/staff',
        '/api/v1/staff/{accountId}',
        '/api/v1/staff/{accountId}/sign-in-link',
        '/api/v1/tokens',
        '/api/v1/tokens/{tokenId}',
      ]),
    );
    expect(Object.keys(doc.paths)).not.toContain('/sign-in/link');
    expect(doc.paths['/api/v1/auth/sign-in'].post.security).toEqual([]);
    expect(Object.keys(doc.paths['/api/v1/auth/sign-in'].post.responses)).toEqual(
      expect.arrayContaining(['200', '401', '429']),
    );
    expect(doc.components.securitySchemes.session).toMatchObject({ in: 'cookie', name: 'li_session' });
  });
});
