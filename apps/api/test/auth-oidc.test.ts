/**
 * OpenID Connect sign-in end to end, on loopback ports only: a real OpenID provider
 * (oidc-provider, with a client registration and accounts whose claims carry groups) and the
 * server listening; a "browser" of fetch and a cookie jar follows every redirect and fills the
 * provider's login and consent forms. Checked: code flow with PKCE, state and nonce; accounts made
 * just in time for the home partner with the roles of their groups; an existing account found by
 * e-mail and linked; roles following the groups at every sign-in (audited); a person in no mapped
 * group refused with a page that says so; a callback in a browser that did not start the sign-in
 * refused.
 */
import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '@license-insights/core';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffWithPassword } from './helpers/sessions';
import { startTestApp, type TestApp } from './helpers/test-app';

const CLIENT_ID = 'license-insights';
const CLIENT_SECRET = 'a-client-secret-for-the-test-only-0123456789';

/** The provider's people: claims as the provider gives them (mutable: groups change). */
const people: Record<string, Record<string, unknown>> = {
  alice: {
    email: 'alice@contoso.example',
    email_verified: true,
    name: 'Alice Admin',
    groups: ['g-admins', 'g-staff'],
  },
  bob: { email: 'bob@contoso.example', email_verified: true, name: 'Bob', groups: ['g-unmapped'] },
  carol: { email: 'carol@contoso.example', email_verified: true, name: 'Carol', groups: ['g-agents'] },
  dave: { email: 'dave@contoso.example', email_verified: false, name: 'Dave', groups: ['g-sales'] },
};

let providerServer: http.Server;
let issuer: string;
let s: TestApp;
let base: string;

beforeAll(async () => {
  // The provider's port first (its issuer goes into the server's configuration), the provider
  // itself once the server's port (its redirect URI) is known.
  let handler: http.RequestListener = (_req, res) => res.writeHead(503).end();
  providerServer = http.createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => providerServer.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(providerServer.address() as AddressInfo).port}`;

  const config = loadConfig({
    cwd: '/',
    env: {
      LI_OIDC_ISSUER: issuer,
      LI_OIDC_CLIENT_ID: CLIENT_ID,
      LI_OIDC_CLIENT_SECRET: CLIENT_SECRET,
      LI_OIDC_ADMIN_AGENT_GROUPS: 'g-admins,g-agents',
      LI_OIDC_SALES_AGENT_GROUPS: 'g-sales',
      LI_OIDC_USER_ADMIN_GROUPS: 'g-staff',
    },
    flags: { dataDir: '/unused' },
  });
  s = await startTestApp({ customers: 2, otherPartner: false, deps: { config, homePartnerId: 'demo' } });
  base = await s.app.listen({ host: '127.0.0.1', port: 0 });

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: [`${base}/api/v1/auth/oidc/callback`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    async findAccount(_ctx, id) {
      return { accountId: id, claims: async () => ({ sub: id, ...(people[id] ?? {}) }) };
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups'] },
    // Scope claims in the ID token (Entra ID puts groups there when configured to).
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ['a-cookie-key-for-the-test-only'] },
    jwks: {
      keys: [
        {
          ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }),
          kid: 'test',
          use: 'sig',
          alg: 'RS256',
        },
      ],
    },
  });
  handler = provider.callback();
}, 120_000);

afterAll(async () => {
  await s.close();
  await new Promise((resolve) => providerServer.close(resolve));
});

/** fetch with a cookie jar (per host and port: both servers are 127.0.0.1), redirects by hand. */
class Browser {
  readonly jar = new Map<string, Map<string, string>>();

  cookies(url: string): Map<string, string> {
    const origin = new URL(url).origin;
    let m = this.jar.get(origin);
    if (m === undefined) {
      m = new Map();
      this.jar.set(origin, m);
    }
    return m;
  }

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const jar = this.cookies(url);
    const headers = new Headers(init.headers);
    headers.set('accept', headers.get('accept') ?? 'text/html,application/xhtml+xml');
    if (jar.size > 0) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const r = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of r.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const gone = attrs.some((a) => /^\s*(max-age=0|expires=thu, 01 jan 1970)/i.test(a));
      if (value === '' || gone) jar.delete(name);
      else jar.set(name, value);
    }
    return r;
  }

  /**
   * Follows redirects from the sign-in start, filling the provider's forms (login as `login`,
   * then consent). Stops at the first URL of the server after the provider: with `untilCallback`
   * before requesting it (its URL is returned), otherwise after (its response too).
   */
  async walk(login: string, untilCallback = false): Promise<{ url: string; response: Response | null }> {
    let url = `${base}/api/v1/auth/oidc/start`;
    let init: RequestInit = {};
    for (let step = 0; step < 20; step++) {
      const atServer = url.startsWith(base) && step > 0;
      if (atServer && untilCallback) return { url, response: null };
      const r = await this.fetch(url, init);
      init = {};
      if (atServer) return { url, response: r };
      const location = r.headers.get('location');
      if (r.status >= 300 && r.status < 400 && location !== null) {
        url = new URL(location, url).href;
        continue;
      }
      const html = await r.text();
      const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
      if (action === undefined)
        throw new Error(`the provider answered ${r.status} without a form: ${html.slice(0, 500)}`);
      const fields = new URLSearchParams();
      for (const m of html.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) {
        fields.set(m[1] ?? '', m[2] ?? '');
      }
      if (html.includes('name="login"')) {
        fields.set('login', login);
        fields.set('password', 'any');
      }
      url = new URL(action.replace(/&amp;/g, '&'), url).href;
      init = {
        method: 'POST',
        body: fields,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      };
    }
    throw new Error('too many steps');
  }

  /** Signs in as `login`: the server's answer to the callback. */
  async signIn(login: string): Promise<{ url: string; response: Response }> {
    const { url, response } = await this.walk(login);
    if (response === null) throw new Error('no response');
    return { url, response };
  }

  me(): Promise<Response> {
    return this.fetch(`${base}/api/v1/me`, { headers: { accept: 'application/json' } });
  }
}

describe('OpenID Connect sign-in against a provider on loopback', () => {
  it('says which sign-in methods exist', async () => {
    const r = await fetch(`${base}/api/v1/auth/providers`);
    expect(await r.json()).toEqual({
      password: true,
      oidc: { label: 'Microsoft', startUrl: '/api/v1/auth/oidc/start' },
    });
  });

  it('starts with PKCE, state and nonce, and a short-lived HttpOnly cookie', async () => {
    const b = new Browser();
    const r = await b.fetch(`${base}/api/v1/auth/oidc/start`);
    expect(r.status).toBe(302);
    const to = new URL(r.headers.get('location') ?? '');
    expect(to.origin).toBe(issuer);
    expect(to.searchParams.get('code_challenge_method')).toBe('S256');
    expect(to.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(to.searchParams.get('state')).toBeTruthy();
    expect(to.searchParams.get('nonce')).toBeTruthy();
    expect(to.searchParams.get('redirect_uri')).toBe(`${base}/api/v1/auth/oidc/callback`);
    const cookie = r.headers.getSetCookie().find((c) => c.startsWith('li_oidc='));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Max-Age=600/);
  });

  it('makes an account just in time with the roles of the groups, signs in, redirects to /', async () => {
    const b = new Browser();
    const { response } = await b.signIn('alice');
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/');
    expect(b.cookies(base).has('li_session')).toBe(true);
    expect(b.cookies(base).has('li_oidc')).toBe(false);
    const me = await b.me();
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({
      partnerId: 'demo',
      email: 'alice@contoso.example',
      displayName: 'Alice Admin',
      roles: ['admin_agent', 'user_admin'],
      via: 'session',
      scope: null,
    });
    const account = await s.accounts.accountByEmail('alice@contoso.example');
    expect(account?.oidcSubject).toBe(`${issuer}|alice`);
    const actions = (await s.accounts.auditLog('demo', null, 50))
      .filter((a) => a.actor === 'alice@contoso.example')
      .map((a) => `${a.action}:${a.outcome}`);
    expect(actions).toEqual(
      expect.arrayContaining(['account.create:ok', 'account.oidc_link:ok', 'auth.sign_in:ok']),
    );
  });

  it('follows the groups at every sign-in, and audits the change of roles', async () => {
    people.alice = { ...people.alice, groups: ['g-sales'] };
    const b = new Browser();
    await b.signIn('alice');
    expect(await (await b.me()).json()).toMatchObject({ roles: ['sales_agent'] });
    const change = (await s.accounts.auditLog('demo', ['account.roles_from_groups'], 10)).find(
      (a) => a.actor === 'alice@contoso.example',
    );
    expect(change?.details).toMatchObject({
      rolesBefore: ['admin_agent', 'user_admin'],
      roles: ['sales_agent'],
      groups: ['g-sales'],
    });
  });

  it('finds an existing account by its e-mail, links it, and gives it the roles of the groups', async () => {
    const carol = await staffWithPassword(s.accounts, ['sales_agent'], { email: 'carol@contoso.example' });
    const b = new Browser();
    await b.signIn('carol');
    const me = await (await b.me()).json();
    expect(me).toMatchObject({ accountId: carol.accountId, roles: ['admin_agent'] });
    expect((await s.accounts.accountById('demo', carol.accountId))?.oidcSubject).toBe(`${issuer}|carol`);
  });

  it('refuses a person in none of the mapped groups with a page that says so; no account is made', async () => {
    const b = new Browser();
    const { response } = await b.signIn('bob');
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toContain('text/html');
    const page = await response.text();
    expect(page).toContain('none of the groups that grant a role');
    expect(page).toContain('href="/api/v1/auth/oidc/start"');
    expect(b.cookies(base).has('li_session')).toBe(false);
    expect(await s.accounts.accountByEmail('bob@contoso.example')).toBeNull();
  });

  it('answers JSON to a client that asks for it', async () => {
    const b = new Browser();
    const { url } = await b.walk('bob', true);
    const r = await b.fetch(url, { headers: { accept: 'application/json' } });
    expect(r.status).toBe(403);
    expect(await r.json()).toMatchObject({ code: 'auth.forbidden' });
  });

  it('refuses a callback in a browser that did not start the sign-in (login CSRF)', async () => {
    const victim = new Browser();
    const attacker = new Browser();
    // The attacker walks the flow up to the callback, and hands the callback URL to the victim.
    const callback = (await attacker.walk('carol', true)).url;
    expect(callback.startsWith(`${base}/api/v1/auth/oidc/callback?code=`)).toBe(true);
    const r = await victim.fetch(callback, { headers: { accept: 'application/json' } });
    expect(r.status).toBe(401);
    expect(((await r.json()) as { message: string }).message).toContain('not started in this browser');
    expect(victim.cookies(base).has('li_session')).toBe(false);
  });

  it('does not link by an e-mail the provider says is unverified', async () => {
    const existing = await staffWithPassword(s.accounts, ['admin_agent'], { email: 'dave@contoso.example' });
    const b = new Browser();
    const { response } = await b.signIn('dave');
    // A new account cannot take the e-mail either: refused, the existing account untouched.
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('not verified');
    const after = await s.accounts.accountById('demo', existing.accountId);
    expect(after?.oidcSubject).toBeNull();
    expect(after?.roles).toEqual(['admin_agent']);
  });
});
