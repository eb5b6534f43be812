/**
 * The portfolio routes over HTTP (in memory, `inject`) on the demo store: the same numbers as the
 * CLI's portfolio report (`getPortfolioReport`) for several days, both views, a service and a
 * group; an account limited to some customers and a group sees the roll-up of just those (the
 * report's rows of those customers, summed by `totalsOf`) and never another partner's; the
 * customer table pages, sorts and searches on the server; bad query strings are 400s that name
 * the field, unknown groups, products and days 404s; a commit (new data computed) shows at once.
 */
import path from 'node:path';
import type {
  CustomerTable,
  MetricsRow,
  PortfolioBreakdown,
  PortfolioSummary,
  PortfolioTrend,
  ProductDayMetrics,
} from '@license-insights/contracts';
import { computeMetrics, getPortfolioReport, groupTotals, totalsOf } from '@license-insights/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTHER_PARTNER, PARTNER, startTestApp, type TestApp } from './helpers/test-app';

let s: TestApp;
let admin: string;

beforeAll(async () => {
  s = await startTestApp();
  admin = await s.token(['admin_agent']);
}, 180_000);
afterAll(() => s.close());

async function get<T>(token: string, url: string): Promise<T> {
  const r = await s.call(token, { method: 'GET', url });
  if (r.statusCode !== 200) throw new Error(`${url}: ${r.statusCode} ${r.body}`);
  return r.json() as T;
}

function asMetrics(r: MetricsRow): ProductDayMetrics {
  return {
    customerId: r.customerTenantId,
    productId: r.productId,
    workload: r.workloadCode as ProductDayMetrics['workload'],
    day: r.processedDateTime,
    sold: r.licensesSold,
    soldOwn: r.licensesSoldOwn,
    assigned: r.licensesDeployed,
    active: r.licensesActive,
    deploymentPercent: r.deploymentPercent,
    usagePercent: r.usagePercent,
    usageReasons: r.usageReasons,
    deploymentReasons: r.deploymentReasons,
    usageKnown: r.usageKnown,
    partialWindow: r.partialWindow,
  };
}

const keyed = (items: readonly { key: string; totals: unknown }[]) =>
  items.map(({ key, totals }) => ({ key, totals }));

describe('portfolio routes', () => {
  it('answer with the CLI report’s numbers for several days, views, a service and a group', async () => {
    const customers = await s.t.store.customers(PARTNER);
    const group = customers.flatMap((c) => c.groups).find((g) => g !== 'priority') ?? '';
    const cases = [
      { day: '2026-03-31', channel: 'all' as const },
      { day: '2026-03-31', channel: 'own' as const },
      { day: '2026-03-12', channel: 'all' as const, service: 'O365' as const },
      { day: '2026-02-28', channel: 'own' as const, group },
      { day: '2026-01-15', channel: 'all' as const },
    ];
    for (const c of cases) {
      const report = await getPortfolioReport(s.t.store, { partnerId: PARTNER, ...c });
      const query = new URLSearchParams({ day: c.day, view: c.channel });
      if (c.service !== undefined) query.set('service', c.service);
      if (c.group !== undefined) query.set('group', c.group);
      const summary = await get<PortfolioSummary>(admin, `/api/v1/portfolio/summary?${query}`);
      expect(summary.totals).toEqual(report.totals);
      expect(summary.monthOverMonth).toEqual(report.monthOverMonth);
      expect(summary.bands).toEqual(report.bands);
      expect(summary.customers).toBe(report.customers.length);
      expect(summary.stale).toEqual(report.stale);
      for (const by of ['service', 'product', 'workload', 'group'] as const) {
        const b = await get<PortfolioBreakdown>(admin, `/api/v1/portfolio/breakdown?${query}&by=${by}`);
        const expected = {
          service: report.byService,
          product: report.byProduct,
          workload: report.byWorkload,
          group: report.byGroup,
        }[by];
        expect(keyed(b.items)).toEqual(keyed(expected));
      }
      const table = await get<CustomerTable>(
        admin,
        `/api/v1/customers?${query}&sort=customerId&pageSize=500`,
      );
      expect(table.total).toBe(report.customers.length);
      expect(
        table.rows.map(({ customerId, name, groups, totals, band }) => ({
          customerId,
          name,
          groups,
          totals,
          band,
        })),
      ).toEqual(report.customers);
    }
    // The month compared really has customers on the last day.
    const last = await get<PortfolioSummary>(admin, '/api/v1/portfolio/summary');
    expect(last.filter).toEqual({
      day: '2026-03-31',
      view: 'all',
      service: null,
      group: null,
      product: null,
      band: null,
    });
    expect(last.monthOverMonth.customers).toBeGreaterThan(0);
  });

  it('trend points equal the report of each day', async () => {
    const trend = await get<PortfolioTrend>(admin, '/api/v1/portfolio/trend?days=28&view=own');
    expect(trend.points).toHaveLength(28);
    expect(trend.to).toBe('2026-03-31');
    for (const point of trend.points.filter((_, i) => i % 9 === 0 || i === 27)) {
      const report = await getPortfolioReport(s.t.store, {
        partnerId: PARTNER,
        day: point.day,
        channel: 'own',
      });
      expect(point.totals).toEqual(report.totals);
    }
    const range = await get<PortfolioTrend>(admin, '/api/v1/portfolio/trend?from=2026-02-01&to=2026-02-10');
    expect(range.points.map((p) => p.day)).toEqual(
      Array.from({ length: 10 }, (_, i) => `2026-02-${String(i + 1).padStart(2, '0')}`),
    );
  });

  it('an account limited to some customers and a group sees just those customers', async () => {
    const customers = await s.t.store.customers(PARTNER);
    const grouped = customers.find((c) => c.groups.length > 0);
    const group = grouped?.groups[0] ?? '';
    const one = customers.find((c) => !c.groups.includes(group));
    if (one === undefined || group === '') throw new Error('the demo has groups');
    const scope = { customers: [one.customerId], groups: [group] };
    const visible = new Set(
      customers
        .filter((c) => c.customerId === one.customerId || c.groups.includes(group))
        .map((c) => c.customerId),
    );
    expect(visible.size).toBeLessThan(customers.length);
    const token = await s.token(['sales_agent'], { scope });
    for (const view of ['all', 'own'] as const) {
      const report = await getPortfolioReport(s.t.store, { partnerId: PARTNER, channel: view });
      const rows = report.rows.map(asMetrics).filter((r) => visible.has(r.customerId));
      const products = rows.filter((r) => r.workload === 'ALL');
      const summary = await get<PortfolioSummary>(token, `/api/v1/portfolio/summary?view=${view}`);
      expect(summary.totals).toEqual(totalsOf(products));
      expect(summary.customers).toBe(new Set(products.map((r) => r.customerId)).size);
      expect(summary.stale).toEqual(report.stale === null ? null : { ...report.stale, customers: [] });
      const workloads = await get<PortfolioBreakdown>(
        token,
        `/api/v1/portfolio/breakdown?by=workload&view=${view}`,
      );
      expect(keyed(workloads.items)).toEqual(
        keyed(
          groupTotals(
            rows.filter((r) => r.workload !== 'ALL'),
            (r) => r.workload,
          ),
        ),
      );
      const table = await get<CustomerTable>(token, `/api/v1/customers?view=${view}&pageSize=500`);
      expect(new Set(table.rows.map((r) => r.customerId))).toEqual(
        new Set(products.map((r) => r.customerId)),
      );
      const trend = await get<PortfolioTrend>(token, `/api/v1/portfolio/trend?days=28&view=${view}`);
      expect(trend.points.at(-1)?.totals).toEqual(summary.totals);
    }
    // A group none of the account's customers is in: 404, as for a group that does not exist.
    const otherGroup = customers
      .flatMap((c) => c.groups)
      .find((g) => !customers.some((c) => visible.has(c.customerId) && c.groups.includes(g)));
    for (const g of [otherGroup, 'no-such-group']) {
      if (g === undefined) continue;
      const r = await s.call(token, {
        method: 'GET',
        url: `/api/v1/portfolio/summary?group=${encodeURIComponent(g)}`,
      });
      expect(r.statusCode).toBe(404);
      // The groups it lists are the account's customers' only (none of the others' leaks).
      const listed = String(r.json().message).split('groups: ')[1]?.split(', ') ?? [];
      expect(listed.length).toBeGreaterThan(0);
      for (const x of listed)
        expect(
          customers.some((c) => visible.has(c.customerId) && c.groups.includes(x)),
          x,
        ).toBe(true);
    }
  });

  it('another partner’s caller sees its own portfolio, never the demo’s', async () => {
    const token = await s.token(['admin_agent'], { partnerId: OTHER_PARTNER });
    const report = await getPortfolioReport(s.t.store, { partnerId: OTHER_PARTNER });
    const summary = await get<PortfolioSummary>(token, '/api/v1/portfolio/summary');
    expect(summary.totals).toEqual(report.totals);
    const table = await get<CustomerTable>(token, '/api/v1/customers?pageSize=500');
    const own = new Set((await s.t.store.customers(OTHER_PARTNER)).map((c) => c.customerId));
    expect(table.rows.length).toBeGreaterThan(0);
    expect(table.rows.every((r) => own.has(r.customerId))).toBe(true);
  });

  it('the customer table pages, sorts and searches on the server', async () => {
    const all = await get<CustomerTable>(admin, '/api/v1/customers?sort=sold&order=desc&pageSize=500');
    const sold = all.rows.map((r) => r.totals.sold);
    expect(sold).toEqual([...sold].sort((a, b) => b - a));
    const page2 = await get<CustomerTable>(admin, '/api/v1/customers?sort=sold&order=desc&pageSize=5&page=2');
    expect(page2).toMatchObject({ page: 2, pageSize: 5, total: all.total, sort: 'sold', order: 'desc' });
    expect(page2.rows.map((r) => r.customerId)).toEqual(all.rows.slice(5, 10).map((r) => r.customerId));
    const target = all.rows[3];
    if (target === undefined) throw new Error('rows');
    const found = await get<CustomerTable>(
      admin,
      `/api/v1/customers?search=${encodeURIComponent(target.name.toUpperCase())}`,
    );
    expect(found.rows.map((r) => r.customerId)).toContain(target.customerId);
    expect(found.filter.search).toBe(target.name.toLowerCase());
    const banded = await get<CustomerTable>(
      admin,
      `/api/v1/customers?band=${encodeURIComponent(target.band)}`,
    );
    expect(banded.rows.every((r) => r.band === target.band)).toBe(true);
    expect(banded.total).toBe(all.rows.filter((r) => r.band === target.band).length);
  });

  it('refuses a bad query string with 400 naming the field, and unknown things with 404', async () => {
    const bad: [string, string][] = [
      ['/api/v1/portfolio/summary?view=mine', 'view'],
      ['/api/v1/portfolio/summary?service=AZURE', 'service'],
      ['/api/v1/portfolio/summary?day=2026-02-30', 'day'],
      ['/api/v1/portfolio/summary?band=huge', 'band'],
      ['/api/v1/portfolio/trend?days=7', 'days'],
      ['/api/v1/portfolio/trend?from=2026-03-10&to=2026-03-01', 'from'],
      ['/api/v1/portfolio/trend?from=2026-03-01&days=28', 'days'],
      ['/api/v1/portfolio/breakdown?by=country', 'by'],
      ['/api/v1/portfolio/breakdown', 'by'],
      ['/api/v1/customers?pageSize=501', 'pageSize'],
      ['/api/v1/customers?page=0', 'page'],
      ['/api/v1/customers?sort=revenue', 'sort'],
    ];
    for (const [url, field] of bad) {
      const r = await s.call(admin, { method: 'GET', url });
      expect(r.statusCode, url).toBe(400);
      expect(JSON.stringify(r.json()), url).toContain(field);
    }
    for (const url of [
      '/api/v1/portfolio/summary?group=no-such-group',
      '/api/v1/portfolio/summary?product=no-such-product',
      '/api/v1/portfolio/summary?day=2025-01-01',
      '/api/v1/customers?day=2027-01-01',
    ]) {
      const r = await s.call(admin, { method: 'GET', url });
      expect(r.statusCode, url).toBe(404);
      expect(r.json().code).toBe('not_found');
    }
    expect((await s.call(null, { method: 'GET', url: '/api/v1/portfolio/summary' })).statusCode).toBe(401);
  });

  it('are in the OpenAPI document with their query parameters', async () => {
    const doc = (await s.call(null, { method: 'GET', url: '/api/v1/openapi.json' })).json();
    for (const p of [
      '/api/v1/portfolio/summary',
      '/api/v1/portfolio/trend',
      '/api/v1/portfolio/breakdown',
      '/api/v1/customers',
    ]) {
      const op = doc.paths[p]?.get;
      expect(op, p).toBeDefined();
      expect(op.parameters.map((x: { name: string }) => x.name)).toEqual(
        expect.arrayContaining(['day', 'view', 'service']),
      );
    }
  });

  it('a commit shows at once: new data computed is in the next answer (bug it guards: a stale cache)', async () => {
    const before = await get<PortfolioSummary>(admin, '/api/v1/portfolio/summary');
    const [first] = await s.t.store.customers(PARTNER);
    if (first === undefined) throw new Error('customers');
    const dir = path.join(s.t.files.dir, 'more');
    s.t.files.file(
      'more/subscriptions.csv',
      [
        'as_of,subscription_id,customer_id,product_id,quantity,status,is_trial,channel',
        `2026-03-01,extra-1,${first.customerId},6fd2c87f-b296-42f0-b197-1e91e994b900,250,active,false,own`,
      ].join('\n'),
    );
    expect((await s.t.import([dir], { partnerId: PARTNER })).outcome).toBe('committed');
    const stale = await get<PortfolioSummary>(admin, '/api/v1/portfolio/summary');
    expect(stale.stale?.customers).toEqual([first.customerId]);
    await computeMetrics(s.t.store, { partnerId: PARTNER });
    const after = await get<PortfolioSummary>(admin, '/api/v1/portfolio/summary');
    expect(after.totals.sold).toBe(before.totals.sold + 250);
    expect(after.stale).toBeNull();
    expect(after.totals).toEqual((await getPortfolioReport(s.t.store, { partnerId: PARTNER })).totals);
  });
});
