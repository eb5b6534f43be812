/**
 * The dashboard's page routes: `/` and every path of the app get its index.html (never cached), the
 * hashed assets are served immutable with their type, nothing outside the assets folder is reachable,
 * API paths keep their JSON 404, and without a build `/` goes to the API reference.
 */
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/test-app';
import { FIXTURE_BIG, FIXTURE_INDEX, FIXTURE_SCRIPT, webDistFixture } from './helpers/web-dist';

let s: TestApp;
let bare: TestApp;

beforeAll(async () => {
  s = await startTestApp({ customers: 2, days: 10, deps: { webDist: await webDistFixture() } });
  bare = await startTestApp({ customers: 2, days: 10 });
});
afterAll(async () => {
  await s?.close();
  await bare?.close();
});

describe('dashboard pages', () => {
  it.each(['/', '/insights', '/customers/abc?view=own', '/customers/contoso.pl', '/settings/'])(
    '%s is the app page, not cached',
    async (url) => {
      const r = await s.app.inject({ method: 'GET', url });
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toMatch(/^text\/html/);
      expect(r.headers['cache-control']).toBe('no-cache');
      expect(r.body).toBe(FIXTURE_INDEX);
      expect(r.headers['content-security-policy']).toContain("script-src 'self'");
    },
  );

  it('serves a hashed asset immutable, with its type', async () => {
    const r = await s.app.inject({ method: 'GET', url: '/assets/app-1a2b3c.js' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(r.headers['cache-control']).toContain('immutable');
    expect(r.body).toBe(FIXTURE_SCRIPT);
  });

  it('sends an asset gzipped to a browser that takes gzip, plain to one that does not', async () => {
    const zipped = await s.app.inject({
      method: 'GET',
      url: '/assets/big-4d5e6f.js',
      headers: { 'accept-encoding': 'gzip, deflate, br' },
    });
    expect(zipped.statusCode).toBe(200);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toContain('accept-encoding');
    expect(zipped.rawPayload.length).toBeLessThan(FIXTURE_BIG.length / 4);
    expect(gunzipSync(zipped.rawPayload).toString()).toBe(FIXTURE_BIG);
    const plain = await s.app.inject({ method: 'GET', url: '/assets/big-4d5e6f.js' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(FIXTURE_BIG);
  });

  it.each([
    '/assets/missing-123.js',
    '/assets/..%2Findex.html',
    '/assets/%2E%2E%2F%2E%2E%2Fpackage.json',
    '/assets/.hidden.js',
    '/assets/app.exe',
  ])('%s is a 404, nothing outside the assets', async (url) => {
    const r = await s.app.inject({ method: 'GET', url });
    expect(r.statusCode).toBe(404);
    expect(r.body).not.toContain('<html');
  });

  it('keeps the JSON 404 for API paths and files', async () => {
    for (const url of ['/api/v1/nothing-here', '/api', '/favicon.ico', '/robots.txt', '/app.js.map']) {
      const r = await s.app.inject({ method: 'GET', url });
      expect(r.statusCode, url).toBe(404);
      expect(r.json().code, url).toBe('not_found');
    }
  });

  it('without a build, / goes to the API reference and app paths are 404', async () => {
    const root = await bare.app.inject({ method: 'GET', url: '/' });
    expect(root.statusCode).toBe(302);
    expect(root.headers.location).toBe('/api/docs');
    const page = await bare.app.inject({ method: 'GET', url: '/insights' });
    expect(page.statusCode).toBe(404);
  });
});
