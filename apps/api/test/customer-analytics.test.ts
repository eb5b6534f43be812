/**
 * One customer over HTTP, on a real demo store: every route answers what its use-case answers for
 * the same request (the numbers `insights report customer` / `report inactive` print), the
 * analytics carry inactive users as counts and never their names, each day of the trend is the
 * customer report of that day, subscriptions add up to the licenses sold, and SPEC §5 holds:
 * 404 for another partner's customer or one outside the account's scope (before any right is
 * looked at), 403 for a sales agent on user lists and for a user management admin on subscriptions.
 */
import type { CustomerReport } from '@license-insights/contracts';
import {
  getCustomerAnalytics,
  getCustomerReport,
  getCustomerSubscriptions,
  getCustomerTrend,
  getInactiveUsers,
  getRecommendations,
} from '@license-insights/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTHER_PARTNER, PARTNER, startTestApp, type TestApp } from './helpers/test-app';

/** What a value looks like once sent as JSON (undefined fields gone). */
const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

let s: TestApp;
let admin: string;
let sales: string;
let userAdmin: string;
/** A customer with licensed users inactive for 28 days (so that stripping their names matters). */
let customer: string;
let report: CustomerReport;
let other: string;
let outside: string;
let scopedSales: string;
let foreign: string;

beforeAll(async () => {
  s = await startTestApp();
  admin = await s.token(['admin_agent']);
  sales = await s.token(['sales_agent']);
  userAdmin = await s.token(['user_admin']);
  for (const c of await s.t.store.customers(PARTNER)) {
    const r = await getCustomerReport(s.t.store, { partnerId: PARTNER, customer: c.customerId });
    if (r.inactive.some((i) => i.users.length > 0)) {
      customer = c.customerId;
      report = r;
      break;
    }
  }
  const rest = (await s.t.store.customers(PARTNER)).filter((c) => c.customerId !== customer);
  outside = rest[0]?.customerId ?? '';
  other = rest[1]?.customerId ?? '';
  scopedSales = await s.token(['sales_agent', 'admin_agent'], {
    scope: { customers: [customer, other], groups: [] },
  });
  foreign = (await s.t.store.customers(OTHER_PARTNER))[0]?.customerId ?? '';
}, 120_000);
afterAll(() => s.close());

const get = (token: string, url: string) => s.call(token, { method: 'GET', url });

describe('customer analytics', () => {
  it('is the customer report of the day and view asked, with inactive users counted and never named', async () => {
    expect(customer).toBeDefined();
    const users = report.inactive.flatMap((i) => i.users);
    expect(users.length).toBeGreaterThan(0);
    for (const [query, asked] of [
      ['', {}],
      ['?day=2026-03-01&view=own', { day: '2026-03-01', channel: 'own' as const }],
    ] as const) {
      const r = await get(sales, `/api/v1/customers/${customer}/analytics${query}`);
      expect(r.statusCode).toBe(200);
      const expected = await getCustomerReport(s.t.store, { partnerId: PARTNER, customer, ...asked });
      const { inactive, ...rest } = expected;
      expect(r.json()).toEqual(
        plain({ ...rest, inactive: inactive.map(({ users: _u, ...counts }) => counts) }),
      );
      expect(r.json()).toEqual(
        plain(await getCustomerAnalytics(s.t.store, { partnerId: PARTNER, customer, ...asked })),
      );
    }
    const body = (await get(admin, `/api/v1/customers/${customer}/analytics`)).body;
    for (const u of users) {
      expect(body).not.toContain(`"${u.userId}"`);
      if (u.upn !== null) expect(body).not.toContain(u.upn);
      if (u.displayName !== null) expect(body).not.toContain(u.displayName);
    }
    // The counts are there: 28 days holds every user listed in the report.
    const counts = (await get(admin, `/api/v1/customers/${customer}/analytics`)).json().inactive;
    expect(counts.reduce((n: number, i: { days28: number | null }) => n + (i.days28 ?? 0), 0)).toBe(
      users.length,
    );
  });

  it('inactive=skip leaves the inactive counts out and nothing else; inactive=count is the default', async () => {
    const whole = (await get(sales, `/api/v1/customers/${customer}/analytics`)).json();
    expect(whole.inactive.length).toBeGreaterThan(0);
    expect((await get(sales, `/api/v1/customers/${customer}/analytics?inactive=count`)).json()).toEqual(
      whole,
    );
    const skipped = await get(sales, `/api/v1/customers/${customer}/analytics?inactive=skip`);
    expect(skipped.statusCode).toBe(200);
    expect(skipped.json()).toEqual({ ...whole, inactive: [] });
    const bad = await get(sales, `/api/v1/customers/${customer}/analytics?inactive=none`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('querystring.inactive: must be count or skip');
  });

  it('refuses a day without metrics and a bad view, naming the field', async () => {
    const late = await get(sales, `/api/v1/customers/${customer}/analytics?day=2027-01-01`);
    expect(late.statusCode).toBe(404);
    expect(late.json().message).toContain('2026-03-31');
    const view = await get(sales, `/api/v1/customers/${customer}/analytics?view=mine`);
    expect(view.statusCode).toBe(400);
    expect(view.json().message).toContain('querystring.view: must be all or own');
    const day = await get(sales, `/api/v1/customers/${customer}/analytics?day=2026-02-30`);
    expect(day.statusCode).toBe(400);
  });
});

describe('customer trend', () => {
  it('each day is the customer report of that day: rows and totals, in the view asked', async () => {
    const r = await get(
      sales,
      `/api/v1/customers/${customer}/trend?from=2026-02-27&to=2026-03-02&view=own&workloads=true`,
    );
    expect(r.statusCode).toBe(200);
    const trend = r.json();
    expect(trend).toMatchObject({ from: '2026-02-27', to: '2026-03-02', channel: 'own' });
    expect(trend.days.map((d: { day: string }) => d.day)).toEqual([
      '2026-02-27',
      '2026-02-28',
      '2026-03-01',
      '2026-03-02',
    ]);
    for (const d of trend.days) {
      const day = await getCustomerReport(s.t.store, {
        partnerId: PARTNER,
        customer,
        day: d.day,
        channel: 'own',
      });
      expect(d.rows).toEqual(plain(day.rows));
      expect(d.totals).toEqual(plain(day.totals));
    }
    expect(trend).toEqual(
      plain(
        await getCustomerTrend(s.t.store, {
          partnerId: PARTNER,
          customer,
          from: '2026-02-27',
          to: '2026-03-02',
          channel: 'own',
          workloads: true,
        }),
      ),
    );
  });

  it('by default the 28 days to the last day, product rows only; a range past the metrics is cut to them', async () => {
    const r = (await get(sales, `/api/v1/customers/${customer}/trend`)).json();
    expect(r).toMatchObject({ from: '2026-03-04', to: '2026-03-31', channel: 'all' });
    expect(r.days).toHaveLength(28);
    expect(r.days.at(-1).rows).toEqual(plain(report.rows.filter((x) => x.workloadCode === 'ALL')));
    expect(r.days.at(-1).totals).toEqual(plain(report.totals));
    const wide = (await get(sales, `/api/v1/customers/${customer}/trend?days=400&to=2026-06-30`)).json();
    const plan = await s.t.store.metricsPlan(PARTNER);
    expect(wide.from).toBe(plan.computed?.firstDay);
    expect(wide.to).toBe('2026-03-31');
    expect(wide.days).toHaveLength(90);
  });

  it('refuses what cannot be a range, saying why', async () => {
    const cases: [string, number, string][] = [
      ['from=2026-03-01&days=5', 400, 'not both'],
      ['from=2026-03-10&to=2026-03-01', 400, 'after the last day'],
      ['days=5000', 400, 'at most 1096 days'],
      ['days=two', 400, 'querystring.days'],
      ['workloads=maybe', 400, 'querystring.workloads'],
      ['from=2020-01-01&to=2020-02-01', 404, '2026-03-31'],
    ];
    for (const [query, status, words] of cases) {
      const r = await get(sales, `/api/v1/customers/${customer}/trend?${query}`);
      expect([query, r.statusCode]).toEqual([query, status]);
      expect(r.json().message).toContain(words);
    }
  });
});

describe('subscriptions', () => {
  it('are the customer’s subscriptions as of the day, adding up to the licenses sold', async () => {
    for (const day of ['2026-03-31', '2026-01-15']) {
      const r = await get(sales, `/api/v1/customers/${customer}/subscriptions?day=${day}`);
      expect(r.statusCode).toBe(200);
      const body = r.json();
      expect(body).toEqual(
        plain(await getCustomerSubscriptions(s.t.store, { partnerId: PARTNER, customer, day })),
      );
      const stored = await s.t.store.subscriptionsOn(PARTNER, day, [customer]);
      expect(body.subscriptions.map((x: { subscriptionId: string }) => x.subscriptionId).sort()).toEqual(
        stored.map((x) => x.subscriptionId).sort(),
      );
      // SPEC §2: sold = Σ quantity of the product's active, non-trial subscriptions.
      const analytics = await getCustomerReport(s.t.store, { partnerId: PARTNER, customer, day });
      for (const row of analytics.rows.filter((x) => x.workloadCode === 'ALL')) {
        const sold = body.subscriptions
          .filter(
            (x: { productId: string; status: string; isTrial: boolean }) =>
              x.productId === row.productId && x.status === 'active' && !x.isTrial,
          )
          .reduce((n: number, x: { quantity: number }) => n + x.quantity, 0);
        expect([row.productId, sold]).toEqual([row.productId, row.licensesSold]);
      }
    }
    const latest = (await get(sales, `/api/v1/customers/${customer}/subscriptions`)).json();
    expect(latest.day).toBe('2026-03-31');
    expect(latest.subscriptions[0]).toEqual({
      subscriptionId: expect.any(String),
      productId: expect.any(String),
      productName: expect.any(String),
      serviceCode: expect.stringMatching(/^(O365|D365|OTHER)$/),
      channel: expect.stringMatching(/^(own|other_partner|direct)$/),
      status: expect.any(String),
      isTrial: expect.any(Boolean),
      quantity: expect.any(Number),
      billingCycle: expect.toBeOneOf([null, expect.any(String)]),
      termEnd: expect.toBeOneOf([null, expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/)]),
      autoRenew: expect.toBeOneOf([null, expect.any(Boolean)]),
    });
  });
});

describe('inactive users (admin agents)', () => {
  it('is `report inactive` for the days and product asked, and agrees with the analytics’ counts', async () => {
    const analytics = (await get(admin, `/api/v1/customers/${customer}/analytics`)).json();
    for (const days of [28, 60, 90] as const) {
      const r = await get(admin, `/api/v1/customers/${customer}/inactive-users?days=${days}`);
      expect(r.statusCode).toBe(200);
      const list = r.json();
      expect(list).toEqual(plain(await getInactiveUsers(s.t.store, { partnerId: PARTNER, customer, days })));
      for (const p of list.products) {
        const counted = analytics.inactive.find((i: { productId: string }) => i.productId === p.productId);
        const n = counted?.[`days${days}`];
        if (n !== null && n !== undefined) expect([p.productId, p.users.length]).toEqual([p.productId, n]);
      }
    }
    const product = report.inactive.find((i) => i.users.length > 0)?.productId ?? '';
    const one = (await get(admin, `/api/v1/customers/${customer}/inactive-users?product=${product}`)).json();
    expect(one.products.map((p: { productId: string }) => p.productId)).toEqual([product]);
    expect(one.products[0].users[0]).toMatchObject({ customerId: customer, productId: product });
    const none = await get(admin, `/api/v1/customers/${customer}/inactive-users?product=Nothing%20Like%20It`);
    expect(none.statusCode).toBe(404);
    expect((await get(admin, `/api/v1/customers/${customer}/inactive-users?days=45`)).statusCode).toBe(400);
  });
});

describe('a customer’s recommendations', () => {
  it('are `insights recommendations --customer` of the day', async () => {
    const r = await get(sales, `/api/v1/customers/${customer}/recommendations?lang=pl`);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual(
      plain(await getRecommendations(s.t.store, { partnerId: PARTNER, customer, locale: 'pl' })),
    );
  });
});

describe('rights and scope (SPEC §5)', () => {
  const routes = (id: string) => [
    `/api/v1/customers/${id}/analytics`,
    `/api/v1/customers/${id}/trend`,
    `/api/v1/customers/${id}/subscriptions`,
    `/api/v1/customers/${id}/inactive-users`,
    `/api/v1/customers/${id}/recommendations`,
  ];

  it('403 for a sales agent on user lists and for a user management admin on subscriptions; the rest answers', async () => {
    const status = async (token: string) =>
      Promise.all(routes(customer).map(async (url) => (await get(token, url)).statusCode));
    expect(await status(admin)).toEqual([200, 200, 200, 200, 200]);
    expect(await status(sales)).toEqual([200, 200, 200, 403, 200]);
    expect(await status(userAdmin)).toEqual([200, 200, 403, 403, 200]);
    const refused = await get(sales, `/api/v1/customers/${customer}/inactive-users`);
    expect(refused.json()).toMatchObject({ code: 'auth.forbidden' });
    expect(refused.json().message).toContain('user-level lists');
    expect(refused.body).not.toContain('"users"');
  });

  it('404 for another partner’s customer and one outside the scope, whatever the role', async () => {
    for (const token of [admin, sales, userAdmin, scopedSales]) {
      for (const url of [...routes(foreign), ...routes('no-such-customer')]) {
        const r = await get(token, url);
        expect([url, r.statusCode]).toEqual([url, 404]);
      }
    }
    for (const url of routes(outside)) {
      expect([url, (await get(scopedSales, url)).statusCode]).toEqual([url, 404]);
    }
    for (const url of routes(other)) {
      expect([url, (await get(scopedSales, url)).statusCode]).toEqual([url, 200]);
    }
  });

  it('every route of this module is in the OpenAPI document with its failures', async () => {
    const doc = (await s.call(null, { method: 'GET', url: '/api/v1/openapi.json' })).json();
    for (const url of routes('{customerId}')) {
      const op = doc.paths[url]?.get;
      expect(Object.keys(op?.responses ?? {})).toEqual(
        expect.arrayContaining(['200', '400', '401', '403', '404']),
      );
      expect(op.summary).toEqual(expect.any(String));
    }
  });
});
