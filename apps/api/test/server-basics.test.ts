/**
 * The server's frame: public health, 401 without a credential, the caller as the server sees it,
 * partner isolation and customer scope on a customer route (404 either way), the OpenAPI 3.1
 * document generated from the route schemas, security headers, and the error body.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTHER_PARTNER, startTestApp, type TestApp } from './helpers/test-app';

let s: TestApp;
let demoCustomers: { customerId: string; groups: readonly string[] }[];
let otherCustomer: string;

beforeAll(async () => {
  s = await startTestApp();
  demoCustomers = await s.t.store.customers('demo');
  const [first] = await s.t.store.customers(OTHER_PARTNER);
  otherCustomer = first?.customerId ?? '';
}, 120_000);
afterAll(() => s.close());

describe('the server frame', () => {
  it('answers health without a credential', async () => {
    const r = await s.call(null, { method: 'GET', url: '/api/v1/health' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ status: 'ok', engine: 'duckdb' });
  });

  it('refuses a route without a credential, or with a wrong one, as 401 with the error body', async () => {
    for (const token of [null, 'li_pat_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'nonsense']) {
      const r = await s.call(token, { method: 'GET', url: '/api/v1/me' });
      expect(r.statusCode).toBe(401);
      expect(r.json()).toMatchObject({ code: 'auth.unauthenticated', problems: [] });
    }
  });

  it('tells the caller who it is: partner, roles, rights, scope', async () => {
    const token = await s.token(['sales_agent']);
    const r = await s.call(token, { method: 'GET', url: '/api/v1/me' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({
      partnerId: 'demo',
      roles: ['sales_agent'],
      rights: ['read_aggregates', 'export_aggregates', 'read_subscriptions'],
      scope: null,
      via: 'token',
    });
  });

  it('answers 404 for another partner’s customer and for one outside the account’s scope', async () => {
    const [a, b] = demoCustomers;
    if (a === undefined || b === undefined) throw new Error('demo has customers');
    const all = await s.token(['admin_agent']);
    const scoped = await s.token(['admin_agent'], { scope: { customers: [a.customerId], groups: [] } });
    expect((await s.call(all, { method: 'GET', url: `/api/v1/customers/${a.customerId}` })).statusCode).toBe(
      200,
    );
    expect(
      (await s.call(scoped, { method: 'GET', url: `/api/v1/customers/${a.customerId}` })).json(),
    ).toMatchObject({
      customerId: a.customerId,
    });
    const outside = await s.call(scoped, { method: 'GET', url: `/api/v1/customers/${b.customerId}` });
    const foreign = await s.call(all, { method: 'GET', url: `/api/v1/customers/${otherCustomer}` });
    const none = await s.call(all, { method: 'GET', url: '/api/v1/customers/no-such-customer' });
    for (const r of [outside, foreign, none]) {
      expect(r.statusCode).toBe(404);
      expect(r.json().code).toBe('not_found');
    }
    // The three answers cannot be told apart but by the id they repeat.
    expect(foreign.json().message.replace(otherCustomer, 'X')).toBe(
      none.json().message.replace('no-such-customer', 'X'),
    );
  });

  it('a scope by group lets in the group’s customers only', async () => {
    const grouped = demoCustomers.find((c) => c.groups.length > 0);
    if (grouped === undefined) throw new Error('the demo has grouped customers');
    const group = grouped.groups[0] ?? '';
    const token = await s.token(['sales_agent'], { scope: { customers: [], groups: [group] } });
    for (const c of demoCustomers) {
      const r = await s.call(token, { method: 'GET', url: `/api/v1/customers/${c.customerId}` });
      expect(r.statusCode).toBe(c.groups.includes(group) ? 200 : 404);
    }
  });

  it('serves an OpenAPI 3.1 document made from the route schemas, and the API reference page', async () => {
    const r = await s.call(null, { method: 'GET', url: '/api/v1/openapi.json' });
    expect(r.statusCode).toBe(200);
    const doc = r.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/api/v1/customers/{customerId}');
    const get = doc.paths['/api/v1/customers/{customerId}'].get;
    expect(get.parameters[0]).toMatchObject({ name: 'customerId', in: 'path', required: true });
    expect(Object.keys(get.responses)).toEqual(expect.arrayContaining(['200', '401', '403', '404']));
    const page = await s.call(null, { method: 'GET', url: '/api/docs' });
    expect([200, 302]).toContain(page.statusCode);
  });

  it('refuses a JSON body over 1 MB as 413 before any route reads it', async () => {
    const admin = await s.token(['admin_agent']);
    const r = await s.call(admin, {
      method: 'PATCH',
      url: '/api/v1/settings',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ LOW_ADOPTION: { note: 'x'.repeat(1024 * 1024 + 10) } }),
    });
    expect(r.statusCode).toBe(413);
    expect(r.json()).toMatchObject({ code: 'request.too_large' });
    const settings = await s.call(admin, { method: 'GET', url: '/api/v1/settings' });
    expect(settings.statusCode).toBe(200);
  });

  it('sends security headers and an unknown route as the error body', async () => {
    const r = await s.call(null, { method: 'GET', url: '/api/v1/nothing-here' });
    expect(r.statusCode).toBe(404);
    expect(r.json()).toMatchObject({ code: 'not_found' });
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['x-frame-options']).toBe('DENY');
    expect(String(r.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
    expect(r.headers['strict-transport-security']).toBeUndefined(); // no TLS here
    // Plain HTTP (a LAN address): the browser must not be told to upgrade the page's requests.
    expect(String(r.headers['content-security-policy'])).not.toContain('upgrade-insecure-requests');
  });
});
