/**
 * The access matrix (SPEC §5): every registered route is called by every kind of caller —
 * anonymous, each role alone, roles combined, an account limited to one customer, a staff member
 * of another partner, the local operator — for a customer in the caller's scope, outside it, and
 * of another partner, and a resource (staff account, token, job) of the own and of another
 * partner. The expected status comes from the route's row in the one access table:
 * 401 without a credential → 404 for another partner's customer or resource, or a customer
 * outside the scope → 403 for a right the roles lack → the route's own answer.
 *
 * A route without a sample here fails the test, as does a row of the table with no route, and a
 * route registered without a row stops the server from starting.
 */
import { randomUUID } from 'node:crypto';
import { type Right, ROLES, type Role } from '@license-insights/contracts';
import { createApiToken, loadConfig, newSecret } from '@license-insights/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, buildApp } from '../src/app';
import { accessOf, type RouteAccess } from '../src/authz/access-table';
import { accessTableKeys, registeredRoutes } from '../src/authz/authorize';
import { OTHER_PARTNER, PARTNER, startTestApp, type TestApp } from './helpers/test-app';
import { webDistFixture } from './helpers/web-dist';

interface Caller {
  readonly name: string;
  /** null: anonymous. */
  readonly token: string | null;
  readonly partnerId: string | null;
  readonly roles: readonly Role[];
  /** Customer ids the account is limited to (null: every customer of its partner). */
  readonly scope: readonly string[] | null;
  readonly headers?: Readonly<Record<string, string>>;
}

type CustomerCase = 'in-scope' | 'out-of-scope' | 'foreign';

/** Where a sample names a customer: the path (checked by the access table) or its query/body (by the route). */
type CustomerIn = 'path' | 'query' | 'body';

interface Sample {
  /** Who may call the route, by SPEC §5. */
  readonly who: Capability;
  /** Query string (without `?`); `{customer}` is replaced by the case's customer id. */
  readonly query?: string;
  /** Path parameters other than the customer and the owned resource. */
  readonly params?: Readonly<Record<string, string>>;
  readonly body?: (ctx: SampleContext) => unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** The statuses of the route's own answer once authorization let the call through. */
  readonly ok: readonly number[];
  readonly customerIn?: CustomerIn;
  /** Makes a resource of the demo partner for the owned parameter (fresh per call). */
  readonly owned?: (ctx: SampleContext) => Promise<string>;
  /** Only the local operator (the CLI on the server's machine). */
  readonly localOnly?: true;
  /** Refused (403) to accounts limited to some customers: the route acts on the whole portfolio. */
  readonly wholePortfolio?: true;
}

const LOCAL = 'the local operator';

/**
 * SPEC §5's table, written here on its own (not read from the product's ROLE_RIGHTS): which roles
 * may do what. `public` needs no sign-in; `signed_in` any role.
 */
type Capability =
  | 'public'
  | 'signed_in'
  | 'aggregates'
  | 'export'
  | 'subscriptions'
  | 'user_lists'
  | 'manage_data'
  | 'manage_staff'
  | 'audit';

const SPEC_5: Readonly<Record<Exclude<Capability, 'public' | 'signed_in'>, readonly Role[]>> = {
  aggregates: ['admin_agent', 'sales_agent', 'user_admin'],
  export: ['admin_agent', 'sales_agent', 'user_admin'],
  subscriptions: ['admin_agent', 'sales_agent'],
  user_lists: ['admin_agent'],
  manage_data: ['admin_agent'],
  manage_staff: ['user_admin'],
  audit: ['admin_agent', 'user_admin'],
};

interface SampleContext {
  readonly caller: Caller;
  readonly customerId: string;
}

let s: TestApp;
/** The demo partner's staff with every role (makes resources for the samples). */
let makerToken: string;
let inScope: string;
let outOfScope: string;
let foreignCustomer: string;
let callers: Caller[];
const localSecret = newSecret('local');

const uniqueEmail = () => `matrix-${randomUUID().slice(0, 8)}@demo.example`;

async function newStaffAccount(): Promise<string> {
  const r = await s.call(makerToken, {
    method: 'POST',
    url: '/api/v1/staff',
    payload: { email: uniqueEmail(), roles: ['sales_agent'] },
  });
  if (r.statusCode !== 201) throw new Error(`staff account: ${r.statusCode} ${r.body}`);
  return r.json().accountId;
}

/** A compute job of the demo partner (made by its staff). */
async function newJob(): Promise<string> {
  const r = await s.call(makerToken, { method: 'POST', url: '/api/v1/jobs/compute', payload: {} });
  if (r.statusCode !== 202) throw new Error(`job: ${r.statusCode} ${r.body}`);
  return r.json().jobId;
}

/** A token of the caller's own account (a token of the demo partner's staff for callers of another partner). */
async function newToken(ctx: SampleContext): Promise<string> {
  const owner =
    ctx.caller.token !== null && ctx.caller.partnerId === PARTNER && ctx.caller.name !== LOCAL
      ? ctx.caller.token
      : makerToken;
  const me = await s.call(owner, { method: 'GET', url: '/api/v1/me' });
  const account = await s.accounts.accountById(PARTNER, me.json().accountId);
  if (account === null) throw new Error(`no account behind ${me.body}`);
  return (await createApiToken(s.accounts, { ...account, via: 'session' }, { name: 'matrix' })).token.tokenId;
}

/** Partner Center–compatible analytics, under both of Microsoft's prefixes (license-analytics.test.ts). */
function partnerCenterSamples(): Record<string, Sample> {
  const out: Record<string, Sample> = {};
  for (const prefix of ['/api/v1', '/api/partner/v1']) {
    for (const kind of ['deployment', 'usage']) {
      out[`GET ${prefix}/analytics/commercial/${kind}/license`] = {
        who: 'aggregates',
        query: 'top=5',
        ok: [200],
      };
      out[`GET ${prefix}/analytics/licenses/${kind}`] = { who: 'aggregates', query: 'top=5', ok: [200] };
      out[`GET ${prefix}/customers/:customerId/analytics/licenses/${kind}`] = {
        who: 'aggregates',
        customerIn: 'path',
        ok: [200],
      };
    }
  }
  return out;
}

/**
 * One sample per route, as `METHOD /url/:pattern`. Path parameters named `customerId` take the
 * case's customer; the owned parameter takes what `owned` made.
 */
const SAMPLES: Readonly<Record<string, Sample>> = {
  'GET /api/v1/health': { who: 'public', ok: [200] },
  'GET /api/v1/openapi.json': { who: 'public', ok: [200] },
  'GET /api/docs': { who: 'public', ok: [200, 302] },
  'GET /api/docs/json': { who: 'public', ok: [200] },
  'GET /api/docs/yaml': { who: 'public', ok: [200] },
  'GET /api/docs/static/index.html': { who: 'public', ok: [200, 302] },
  'GET /api/docs/static/swagger-initializer.js': { who: 'public', ok: [200] },
  'GET /api/docs/static/*': { who: 'public', params: { '*': 'index.css' }, ok: [200] },
  'GET /api/v1/me': { who: 'signed_in', ok: [200] },
  'GET /api/v1/customers/:customerId': { who: 'aggregates', customerIn: 'path', ok: [200] },

  'POST /api/v1/auth/sign-in': {
    who: 'public',
    body: () => ({ email: uniqueEmail(), password: 'not the password of anyone' }),
    ok: [401],
  },
  'POST /api/v1/auth/link': {
    who: 'public',
    body: () => ({ secret: `li_lnk_${'x'.repeat(43)}` }),
    ok: [400, 401, 404],
  },
  'GET /api/v1/auth/providers': { who: 'public', ok: [200] },
  'GET /api/v1/auth/oidc/start': { who: 'public', ok: [404] },
  'GET /api/v1/auth/oidc/callback': { who: 'public', query: 'code=x&state=y', ok: [404] },
  'POST /api/v1/auth/sign-out': { who: 'signed_in', ok: [200, 204] },
  // A CSRF token belongs to a browser session (auth-password.test.ts); callers here use API tokens.
  'GET /api/v1/auth/csrf': { who: 'signed_in', ok: [403] },
  'POST /api/v1/me/password': {
    who: 'signed_in',
    body: () => ({ currentPassword: 'wrong password here', newPassword: 'a brand new pass phrase' }),
    ok: [400, 401, 403, 409],
  },
  'GET /': { who: 'public', ok: [200] },
  'GET /assets/:file': { who: 'public', params: { file: 'app-1a2b3c.js' }, ok: [200] },
  'GET /*': { who: 'public', params: { '*': 'customers/x/subscriptions' }, ok: [200] },
  'GET /sign-in/link': { who: 'public', ok: [200] },
  'GET /sign-in/link.js': { who: 'public', ok: [200] },

  'GET /api/v1/staff': { who: 'manage_staff', ok: [200] },
  'POST /api/v1/staff': {
    who: 'manage_staff',
    body: () => ({ email: uniqueEmail(), roles: ['sales_agent'] }),
    ok: [201],
  },
  'PATCH /api/v1/staff/:accountId': {
    who: 'manage_staff',
    owned: newStaffAccount,
    body: () => ({ displayName: 'Renamed by the matrix' }),
    ok: [200],
  },
  'POST /api/v1/staff/:accountId/sign-in-link': {
    who: 'manage_staff',
    owned: newStaffAccount,
    ok: [200, 201],
  },
  // A token cannot make tokens (a browser session does: auth-staff-tokens.test.ts); every caller here has one.
  'POST /api/v1/tokens': { who: 'signed_in', body: () => ({ name: 'matrix' }), ok: [403] },
  'GET /api/v1/tokens': { who: 'signed_in', ok: [200] },
  'DELETE /api/v1/tokens/:tokenId': { who: 'signed_in', owned: newToken, ok: [200, 204] },

  'GET /api/v1/customers/:customerId/analytics': { who: 'aggregates', customerIn: 'path', ok: [200] },
  'GET /api/v1/customers/:customerId/trend': {
    who: 'aggregates',
    customerIn: 'path',
    query: 'days=7',
    ok: [200],
  },
  'GET /api/v1/customers/:customerId/subscriptions': { who: 'subscriptions', customerIn: 'path', ok: [200] },
  'GET /api/v1/customers/:customerId/inactive-users': {
    who: 'user_lists',
    customerIn: 'path',
    query: 'days=28',
    ok: [200],
  },
  'GET /api/v1/customers/:customerId/recommendations': { who: 'aggregates', customerIn: 'path', ok: [200] },
  'GET /api/v1/recommendations': {
    who: 'aggregates',
    customerIn: 'query',
    query: 'customerId={customer}',
    ok: [200],
  },
  'GET /api/v1/support': { who: 'aggregates', ok: [200] },
  'GET /api/v1/settings': { who: 'aggregates', ok: [200] },
  'PATCH /api/v1/settings': {
    who: 'manage_data',
    body: () => ({ LOW_ADOPTION: { usageBelow: 40 } }),
    ok: [200],
  },
  'POST /api/v1/settings/reset': { who: 'manage_data', body: () => ({}), ok: [200] },
  'GET /api/v1/settings/log': { who: 'audit', ok: [200] },
  'GET /api/v1/exclusions': { who: 'aggregates', ok: [200] },
  'POST /api/v1/exclusions': {
    who: 'manage_data',
    customerIn: 'body',
    body: ({ customerId }) => ({ customerId, productId: '*', reason: 'matrix' }),
    ok: [200, 201],
  },
  'DELETE /api/v1/exclusions/:customerId/:productId': {
    who: 'manage_data',
    customerIn: 'path',
    params: { productId: '*' },
    ok: [200, 204, 404],
  },
  'GET /api/v1/data-trust': { who: 'aggregates', ok: [200] },
  'GET /api/v1/status': { who: 'aggregates', ok: [200] },
  'GET /api/v1/groups': { who: 'aggregates', ok: [200] },
  'GET /api/v1/catalog': { who: 'aggregates', ok: [200] },
  'GET /api/v1/catalog/:productId': { who: 'aggregates', params: { productId: 'ENTERPRISEPACK' }, ok: [200] },
  'GET /api/v1/audit': { who: 'audit', ok: [200] },

  'GET /api/v1/portfolio/summary': { who: 'aggregates', ok: [200] },
  'GET /api/v1/portfolio/trend': { who: 'aggregates', query: 'days=28', ok: [200] },
  'GET /api/v1/portfolio/breakdown': { who: 'aggregates', query: 'by=service', ok: [200] },
  'GET /api/v1/customers': { who: 'aggregates', ok: [200] },

  // Jobs: imports and computes act on the whole portfolio.
  'POST /api/v1/jobs/import': {
    who: 'manage_data',
    wholePortfolio: true,
    body: () => ({ not: 'multipart' }),
    ok: [406, 415, 400],
  },
  'POST /api/v1/jobs/compute': { who: 'manage_data', wholePortfolio: true, body: () => ({}), ok: [202] },
  'GET /api/v1/jobs': { who: 'manage_data', wholePortfolio: true, ok: [200] },
  'GET /api/v1/jobs/:jobId': { who: 'manage_data', wholePortfolio: true, owned: newJob, ok: [200] },
  'DELETE /api/v1/jobs/:jobId': { who: 'manage_data', wholePortfolio: true, owned: newJob, ok: [200] },
  'GET /api/v1/jobs/:jobId/events': { who: 'manage_data', wholePortfolio: true, owned: newJob, ok: [200] },
  // A compute has no rejected rows: the route's own 404 (partner isolation of jobs: the rows above).
  'GET /api/v1/jobs/:jobId/rejects': {
    who: 'manage_data',
    wholePortfolio: true,
    owned: newJob,
    ok: [404, 409],
  },

  // Exports (streamed; what they hold: exports.test.ts)
  'GET /api/v1/exports/metrics': { who: 'export', query: 'format=csv', ok: [200] },
  'GET /api/v1/customers/:customerId/export': {
    who: 'export',
    customerIn: 'path',
    query: 'format=json',
    ok: [200],
  },
  ...partnerCenterSamples(),

  // The CLI's routes while a server holds the store: the local operator only. The matrix checks who
  // gets through; through-server.test.ts (apps/cli) checks what they answer.
  'GET /api/v1/local/partners': { who: 'aggregates', localOnly: true, ok: [200, 202, 400, 404] },
  'POST /api/v1/local/partner': {
    who: 'aggregates',
    localOnly: true,
    body: () => ({}),
    ok: [200, 202, 400, 404],
  },
  'POST /api/v1/local/jobs/import': {
    who: 'manage_data',
    localOnly: true,
    body: () => ({ partnerId: PARTNER, paths: [] }),
    ok: [200, 202, 400, 404],
  },
  'POST /api/v1/local/jobs/compute': {
    who: 'manage_data',
    localOnly: true,
    body: () => ({ partnerId: PARTNER }),
    ok: [200, 202, 400, 404],
  },
  'POST /api/v1/local/reports/portfolio': {
    who: 'aggregates',
    localOnly: true,
    body: () => ({ partnerId: PARTNER }),
    ok: [200, 202, 400, 404],
  },
  'POST /api/v1/local/reports/customer': {
    who: 'aggregates',
    localOnly: true,
    body: () => ({ partnerId: PARTNER, customer: inScope }),
    ok: [200, 202, 400, 404],
  },
  'POST /api/v1/local/reports/inactive': {
    who: 'user_lists',
    localOnly: true,
    body: () => ({ partnerId: PARTNER, customer: inScope }),
    ok: [200, 202, 400, 404],
  },
  'POST /api/v1/local/reports/support': {
    who: 'aggregates',
    localOnly: true,
    body: () => ({ partnerId: PARTNER }),
    ok: [200, 202, 400, 404],
  },
  'POST /api/v1/local/reports/stale': {
    who: 'aggregates',
    localOnly: true,
    body: () => ({ partnerId: PARTNER }),
    ok: [200, 202, 400, 404],
  },
  'POST /api/v1/local/recommendations': {
    who: 'aggregates',
    localOnly: true,
    body: () => ({ partnerId: PARTNER }),
    ok: [200, 202, 400, 404],
  },
  'POST /api/v1/local/settings/show': {
    who: 'aggregates',
    localOnly: true,
    body: () => ({ partnerId: PARTNER }),
    ok: [200, 202, 400, 404],
  },
  'POST /api/v1/local/settings/set': {
    who: 'manage_data',
    localOnly: true,
    body: () => ({ partnerId: PARTNER, rule: 'LOW_ADOPTION', key: 'usageBelow', value: 40 }),
    ok: [200, 202, 400, 404],
  },
  'POST /api/v1/local/settings/reset': {
    who: 'manage_data',
    localOnly: true,
    body: () => ({ partnerId: PARTNER }),
    ok: [200, 202, 400, 404],
  },
  'POST /api/v1/local/settings/log': {
    who: 'audit',
    localOnly: true,
    body: () => ({ partnerId: PARTNER }),
    ok: [200, 202, 400, 404],
  },
  'POST /api/v1/local/exclusions/list': {
    who: 'aggregates',
    localOnly: true,
    body: () => ({ partnerId: PARTNER }),
    ok: [200, 202, 400, 404],
  },
  'POST /api/v1/local/exclusions/add': {
    who: 'manage_data',
    localOnly: true,
    body: () => ({ partnerId: PARTNER, customer: inScope, product: '*', reason: 'matrix' }),
    ok: [200, 202, 400, 404],
  },
  'POST /api/v1/local/exclusions/remove': {
    who: 'manage_data',
    localOnly: true,
    body: () => ({ partnerId: PARTNER, customer: inScope, product: '*' }),
    ok: [200, 202, 400, 404],
  },
  'POST /api/v1/local/status': {
    who: 'aggregates',
    localOnly: true,
    body: () => ({ partnerId: PARTNER }),
    ok: [200, 202, 400, 404],
  },
  'POST /api/v1/local/catalog/list': {
    who: 'aggregates',
    localOnly: true,
    body: () => ({ partnerId: PARTNER }),
    ok: [200, 202, 400, 404],
  },
  'POST /api/v1/local/catalog/show': {
    who: 'aggregates',
    localOnly: true,
    body: () => ({ partnerId: PARTNER, query: 'ENTERPRISEPACK' }),
    ok: [200, 202, 400, 404],
  },
  // `insights users` and `insights tokens` through the server: user management admins' work.
  'POST /api/v1/local/users/list': {
    who: 'manage_staff',
    localOnly: true,
    body: () => ({ partnerId: PARTNER }),
    ok: [200],
  },
  'POST /api/v1/local/users/add': {
    who: 'manage_staff',
    localOnly: true,
    body: () => ({ partnerId: PARTNER, account: { email: uniqueEmail(), roles: ['sales_agent'] } }),
    ok: [200],
  },
  'POST /api/v1/local/users/update': {
    who: 'manage_staff',
    localOnly: true,
    body: () => ({ partnerId: PARTNER, account: 'nobody@demo.example', change: { disabled: true } }),
    ok: [404],
  },
  'POST /api/v1/local/users/link': {
    who: 'manage_staff',
    localOnly: true,
    body: () => ({ partnerId: PARTNER, account: 'nobody@demo.example' }),
    ok: [404],
  },
  'POST /api/v1/local/tokens/create': {
    who: 'manage_staff',
    localOnly: true,
    body: () => ({ partnerId: PARTNER, account: 'nobody@demo.example', token: { name: 'matrix' } }),
    ok: [404],
  },
  'POST /api/v1/local/tokens/list': {
    who: 'manage_staff',
    localOnly: true,
    body: () => ({ partnerId: PARTNER }),
    ok: [200],
  },
  'POST /api/v1/local/tokens/revoke': {
    who: 'manage_staff',
    localOnly: true,
    body: () => ({ partnerId: PARTNER, tokenId: 'no-such-token' }),
    ok: [404],
  },
};

function customerOf(c: CustomerCase): string {
  return c === 'in-scope' ? inScope : c === 'out-of-scope' ? outOfScope : foreignCustomer;
}

/** What SPEC §5 says the caller gets from the route (the sample's capability). `null`: the route's own answer. */
function expected(sample: Sample, caller: Caller, customerCase: CustomerCase | null): number | null {
  if (sample.who === 'public') return null;
  if (caller.token === null) return 401;
  const lacksRight =
    sample.who !== 'signed_in' &&
    !caller.roles.some((r) => SPEC_5[sample.who as keyof typeof SPEC_5].includes(r));
  const customerHidden =
    customerCase !== null &&
    (customerCase === 'foreign'
      ? caller.partnerId !== OTHER_PARTNER
      : caller.partnerId !== PARTNER ||
        (caller.scope !== null && !caller.scope.includes(customerOf(customerCase))));
  const ownedHidden = sample.owned !== undefined && caller.partnerId !== PARTNER;
  if (sample.localOnly === true && caller.name !== LOCAL) return 403;
  // A customer or resource named in the path: 404 before any right (its existence must not leak);
  // one named in the query or body is looked up by the route, after the right.
  if (sample.customerIn === 'path' && customerHidden) return 404;
  if (ownedHidden) return 404;
  if (lacksRight) return 403;
  if (sample.wholePortfolio === true && caller.scope !== null) return 403;
  if (customerHidden) return 404;
  return null;
}

/** The access table's row says what SPEC §5 says. */
function rowMatches(access: RouteAccess, sample: Sample): boolean {
  if ('public' in access) return sample.who === 'public';
  if ('signedIn' in access) return sample.who === 'signed_in';
  const rights: Record<Right, Capability> = {
    read_aggregates: 'aggregates',
    export_aggregates: 'export',
    read_subscriptions: 'subscriptions',
    read_user_lists: 'user_lists',
    manage_data: 'manage_data',
    manage_staff: 'manage_staff',
    read_audit: 'audit',
  };
  return rights[access.right] === sample.who && (access.local === true) === (sample.localOnly === true);
}

function fill(route: string, sample: Sample, customerId: string, ownedId: string | null): string {
  let url = route;
  for (const [k, v] of Object.entries(sample.params ?? {})) url = url.replace(`:${k}`, encodeURIComponent(v));
  if (sample.params?.['*'] !== undefined) url = url.replace('*', sample.params['*']);
  url = url.replace(':customerId', encodeURIComponent(customerId));
  url = url.replace(/:[A-Za-z]+/, ownedId === null ? 'none' : encodeURIComponent(ownedId));
  const query = sample.query?.replaceAll('{customer}', encodeURIComponent(customerId));
  return query === undefined ? url : `${url}?${query}`;
}

beforeAll(async () => {
  s = await startTestApp({
    customers: 6,
    days: 40,
    deps: {
      local: {
        secret: localSecret,
        defaultPartnerId: async () => PARTNER,
        partnerExists: async (p) => p === PARTNER || p === OTHER_PARTNER,
      },
      jobOptions: { threadsWhileBusy: null, heartbeatMs: 60_000 },
      webDist: await webDistFixture(),
    },
  });
  const ids = async (partnerId: string): Promise<string[]> =>
    (await s.t.store.read((q) => q.customers(partnerId))).map((c) => c.customerId).sort();
  const mine = await ids(PARTNER);
  const theirs = await ids(OTHER_PARTNER);
  [inScope, outOfScope] = [mine[0] ?? '', mine[1] ?? ''];
  foreignCustomer = theirs[0] ?? '';
  makerToken = await s.token([...ROLES]);
  const roleSets: [string, Role[]][] = [
    ['admin agent', ['admin_agent']],
    ['sales agent', ['sales_agent']],
    ['user management admin', ['user_admin']],
    ['admin agent + user management admin', ['admin_agent', 'user_admin']],
  ];
  callers = [{ name: 'anonymous', token: null, partnerId: null, roles: [], scope: null }];
  for (const [name, roles] of roleSets) {
    callers.push({ name, token: await s.token(roles), partnerId: PARTNER, roles, scope: null });
  }
  const scoped: Role[] = ['admin_agent', 'sales_agent', 'user_admin'];
  callers.push({
    name: 'every role, limited to one customer',
    token: await s.token(scoped, { scope: { customers: [inScope], groups: [] } }),
    partnerId: PARTNER,
    roles: scoped,
    scope: [inScope],
  });
  callers.push({
    name: LOCAL,
    token: localSecret,
    partnerId: PARTNER,
    roles: [...ROLES],
    scope: null,
    headers: { 'x-insights-partner': PARTNER, 'x-insights-os-user': 'matrix' },
  });
  callers.push({
    name: 'every role, of another partner',
    token: await s.token([...ROLES], { partnerId: OTHER_PARTNER }),
    partnerId: OTHER_PARTNER,
    roles: [...ROLES],
    scope: null,
  });
}, 180_000);

afterAll(async () => {
  await s?.close();
});

describe('the access table', () => {
  it('has a row for every route and a route for every row; the matrix has a sample for every route', () => {
    const routes = registeredRoutes(s.app).map((r) => `${r.method} ${r.url}`);
    expect(routes.length).toBeGreaterThan(40);
    const keys = new Set(accessTableKeys());
    expect(routes.filter((r) => !keys.has(r))).toEqual([]);
    const registered = new Set(routes);
    expect([...keys].filter((k) => !registered.has(k))).toEqual([]);
    expect(
      routes.filter((r) => SAMPLES[r] === undefined),
      'routes without a sample in this test',
    ).toEqual([]);
    expect(
      Object.keys(SAMPLES).filter((k) => !registered.has(k)),
      'samples of no route',
    ).toEqual([]);
    const differ = routes.filter((r) => {
      const [method = '', url = ''] = r.split(' ');
      const access = accessOf(method, url);
      const sample = SAMPLES[r];
      return access !== undefined && sample !== undefined && !rowMatches(access, sample);
    });
    expect(differ, 'rows of the access table that differ from SPEC §5').toEqual([]);
  });

  it('a route without a row stops the server from starting', async () => {
    const app: Api = await buildApp({
      config: loadConfig({ cwd: s.t.dataDir, env: {}, flags: { dataDir: s.t.dataDir } }),
      store: s.t.store,
      accounts: s.accounts,
      logger: false,
    });
    expect(() => app.get('/api/v1/forgotten', async () => ({ leaked: true }))).toThrow(
      /GET \/api\/v1\/forgotten has no row in the access table/,
    );
    await app.close();
  });
});

describe('every route × every caller × own/foreign partner × in/out of scope', () => {
  it('answers as SPEC §5 and the access table say', async () => {
    const failures: string[] = [];
    let calls = 0;
    const statuses = new Map<number, number>();
    for (const r of registeredRoutes(s.app)) {
      const route = `${r.method} ${r.url}`;
      const sample = SAMPLES[route];
      const access = accessOf(r.method, r.url);
      if (sample === undefined || access === undefined) continue;
      const cases: (CustomerCase | null)[] =
        sample.customerIn === undefined ? [null] : ['in-scope', 'out-of-scope', 'foreign'];
      for (const caller of callers) {
        for (const customerCase of cases) {
          const customerId = customerCase === null ? inScope : customerOf(customerCase);
          const ctx: SampleContext = { caller, customerId };
          const ownedId = sample.owned === undefined ? null : await sample.owned(ctx);
          const body = sample.body?.(ctx);
          const res = await s.call(caller.token, {
            method: r.method as 'GET',
            url: fill(r.url, sample, customerId, ownedId),
            ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
            headers: { ...(caller.headers ?? {}), ...(sample.headers ?? {}) },
          });
          calls++;
          statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
          const want = expected(sample, caller, customerCase);
          const good = want === null ? sample.ok.includes(res.statusCode) : res.statusCode === want;
          if (!good) {
            failures.push(
              `${route} as ${caller.name}${customerCase === null ? '' : `, customer ${customerCase}`}: ${res.statusCode}, expected ${want ?? sample.ok.join('|')} — ${res.body.slice(0, 160)}`,
            );
          }
          if (want !== null && want >= 400 && res.statusCode === want) {
            // A denial carries no data: the error body only.
            expect(Object.keys(res.json()).sort()).toEqual(expect.arrayContaining(['code', 'message']));
            expect(res.json()).not.toHaveProperty('rows');
          }
        }
      }
    }
    expect(failures).toEqual([]);
    // The matrix did reach every kind of answer.
    for (const status of [200, 401, 403, 404]) expect(statuses.get(status) ?? 0).toBeGreaterThan(0);
    expect(calls).toBeGreaterThan(300);
  }, 300_000);
});
