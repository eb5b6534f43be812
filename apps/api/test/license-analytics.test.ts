/**
 * Partner Center–compatible analytics over HTTP (issue 12 point 6): the envelopes and row shapes
 * (parsed with the documented schemas), rows equal to the CLI report's metrics rows of the same day
 * and view, usage rows only where usage is known (a Graph-fed customer measures no OFFICE usage),
 * paging through @nextLink (pages concatenated = the whole answer, stable), filter and groupby
 * (sums equal the rows' sums), the filter's 400s (random junk never a 500), scope limits, and
 * /api/partner/v1 answering as /api/v1.
 */
import { fileURLToPath } from 'node:url';
import {
  ANALYTICS_FIELDS,
  analyticsEnvelopeSchema,
  type ChannelView,
  DEPLOYMENT_FIELDS,
  type DeploymentAnalyticsRow,
  deploymentAnalyticsRowSchema,
  legacyAnalyticsEnvelopeSchema,
  type MetricsRow,
  USAGE_FIELDS,
  type UsageAnalyticsRow,
  usageAnalyticsRowSchema,
} from '@license-insights/contracts';
import {
  computeMetrics,
  getLicenseAnalytics,
  getPortfolioReport,
  LicenseAnalyticsMemory,
} from '@license-insights/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTHER_PARTNER, PARTNER, startTestApp, type TestApp } from './helpers/test-app';

const GRAPH_REPORT = fileURLToPath(
  new URL('../../../packages/core/test/fixtures/graph/active-users-2026-03-30.csv', import.meta.url),
);
const CURRENT = {
  deployment: '/api/v1/analytics/commercial/deployment/license/',
  usage: '/api/v1/analytics/commercial/usage/license/',
} as const;
const LEGACY = {
  deployment: '/api/v1/analytics/licenses/deployment',
  usage: '/api/v1/analytics/licenses/usage',
} as const;
type Kind = keyof typeof CURRENT;
type Row = DeploymentAnalyticsRow | UsageAnalyticsRow;
const ROW_SCHEMA = { deployment: deploymentAnalyticsRowSchema, usage: usageAnalyticsRowSchema } as const;

let s: TestApp;
let token: string;

beforeAll(async () => {
  s = await startTestApp();
  // A customer fed by a Graph report only: usage measured on 2026-03-30 for the Graph workloads,
  // never for OFFICE, and on no other day (SPEC §2.3).
  const report = await s.t.import([GRAPH_REPORT], { partnerId: PARTNER, createCustomer: 'Graph Co' });
  expect(report.outcome).toBe('committed');
  await computeMetrics(s.t.store, { partnerId: PARTNER });
  token = await s.token(['sales_agent']);
}, 180_000);
afterAll(() => s.close());

async function get(url: string, t: string = token) {
  return s.call(t, { method: 'GET', url });
}

/** A page of the current envelope, parsed with its documented schema (strictly: no other key). */
async function current(kind: Kind, query = '', t: string = token) {
  const r = await get(`${CURRENT[kind]}${query === '' ? '' : `?${query}`}`, t);
  expect(r.statusCode, r.body).toBe(200);
  expect(r.headers['content-type']).toContain('application/json');
  const body = r.json();
  const parsed = analyticsEnvelopeSchema(ROW_SCHEMA[kind].strict()).strict().parse(body);
  expect(parsed).toEqual(body);
  return parsed as { Value: Row[]; '@nextLink': string | null; TotalCount: number };
}

/** Every row of a query, following @nextLink from the first page. */
async function all(kind: Kind, query: string, t: string = token): Promise<{ rows: Row[]; pages: number }> {
  let page = await current(kind, query, t);
  const rows = [...page.Value];
  let pages = 1;
  while (page['@nextLink'] !== null) {
    const next = new URL(page['@nextLink']);
    const r = await get(`${next.pathname}${next.search}`, t);
    expect(r.statusCode).toBe(200);
    page = r.json();
    // TotalCount counts the rows returned (the page), as Partner Center's envelope does.
    expect(page.TotalCount).toBe(page.Value.length);
    rows.push(...page.Value);
    pages++;
  }
  return { rows, pages };
}

/** The CLI report's metrics rows of a day and view, as the compatible endpoints must show them. */
async function expected(kind: Kind, view: ChannelView, day?: string): Promise<Row[]> {
  const report = await getPortfolioReport(s.t.store, {
    partnerId: PARTNER,
    channel: view,
    ...(day === undefined ? {} : { day }),
  });
  const channel = view === 'own' ? 'reseller' : 'all';
  const pdt = (r: MetricsRow) => `${r.processedDateTime}T00:00:00`;
  if (kind === 'deployment') {
    return report.rows
      .filter((r) => r.workloadCode === 'ALL')
      .map((r) => ({
        serviceCode: r.serviceCode,
        serviceName: r.serviceName,
        channel,
        customerTenantId: r.customerTenantId,
        customerName: r.customerName,
        productId: r.productId.toUpperCase(),
        productName: r.productName,
        licensesDeployed: r.licensesDeployed,
        licensesSold: r.licensesSold,
        processedDateTime: pdt(r),
        licensesSoldOwn: r.licensesSoldOwn,
        deploymentPercent: r.deploymentPercent,
        deploymentReasons: r.deploymentReasons,
      }));
  }
  return report.rows
    .filter((r) => r.workloadCode !== 'ALL' && r.usageKnown)
    .map((r) => ({
      workloadCode: r.workloadCode,
      workloadName: r.workloadName,
      serviceCode: r.serviceCode,
      serviceName: r.serviceName,
      channel,
      customerTenantId: r.customerTenantId,
      customerName: r.customerName,
      productId: r.productId.toUpperCase(),
      productName: r.productName,
      licensesActive: r.licensesActive ?? -1,
      licensesQualified: r.licensesQualified,
      processedDateTime: pdt(r),
      licensesSoldOwn: r.licensesSoldOwn,
      usagePercent: r.usagePercent,
      usageReasons: r.usageReasons ?? { UNEXPLAINED: -1 },
      partialWindow: r.partialWindow,
    }));
}

describe('rows and envelopes', () => {
  it.each([
    ['deployment', 'own'],
    ['deployment', 'all'],
    ['usage', 'own'],
    ['usage', 'all'],
  ] as const)('%s rows of the %s view equal the CLI report’s metrics rows of the day', async (kind, view) => {
    const want = await expected(kind, view);
    expect(want.length).toBeGreaterThan(10);
    const page = await current(kind, view === 'own' ? '' : 'view=all');
    expect(page.Value).toEqual(want);
    expect(page.TotalCount).toBe(want.length);
    expect(page['@nextLink']).toBeNull();
  });

  it('own view (default): channel "reseller", only products the partner sold itself; all: every product, channel "all"', async () => {
    const own = (await current('deployment')).Value;
    const every = (await current('deployment', 'view=all')).Value;
    expect(own.every((r) => r.channel === 'reseller' && r.licensesSoldOwn > 0)).toBe(true);
    expect(every.every((r) => r.channel === 'all')).toBe(true);
    // The Graph-fed customer sold nothing itself: seen in all only.
    expect(every.some((r) => r.licensesSoldOwn === 0)).toBe(true);
    expect(every.length).toBeGreaterThan(own.length);
  });

  it('Microsoft’s fields first, in Microsoft’s order; productId upper case; processedDateTime the day at midnight', async () => {
    const [d] = (await current('deployment', 'top=1')).Value;
    expect(Object.keys(d ?? {}).slice(0, 10)).toEqual([
      'serviceCode',
      'serviceName',
      'channel',
      'customerTenantId',
      'customerName',
      'productId',
      'productName',
      'licensesDeployed',
      'licensesSold',
      'processedDateTime',
    ]);
    const [u] = (await current('usage', 'top=1')).Value;
    expect(Object.keys(u ?? {}).slice(0, 12)).toEqual([
      'workloadCode',
      'workloadName',
      'serviceCode',
      'serviceName',
      'channel',
      'customerTenantId',
      'customerName',
      'productId',
      'productName',
      'licensesActive',
      'licensesQualified',
      'processedDateTime',
    ]);
    for (const r of [d, u]) {
      expect(r?.productId).toMatch(/^[0-9A-F-]+$/);
      expect(r?.processedDateTime).toBe('2026-03-31T00:00:00');
    }
  });

  it('usage rows only where usage is known: none for the Graph customer’s OFFICE workload, none on a day its report does not measure; never ALL', async () => {
    const graph = (await s.t.store.customers(PARTNER)).find((c) => c.name === 'Graph Co');
    if (graph === undefined) throw new Error('the Graph customer was imported');
    const filter = `filter=${encodeURIComponent(`customerTenantId eq '${graph.customerId}'`)}&view=all`;
    const measured = (await current('usage', `${filter}&processedDateTime=2026-03-30`)).Value;
    const workloads = new Set(measured.map((r) => (r as UsageAnalyticsRow).workloadCode));
    expect(workloads.has('EXO')).toBe(true);
    expect(workloads.has('OFFICE')).toBe(false);
    // The stored rows hold an OFFICE row whose usage is not known: it is left out, not shown as 0.
    const stored = await s.t.store.dailyMetrics(PARTNER, '2026-03-30', [graph.customerId]);
    expect(stored.some((r) => r.workload === 'OFFICE' && !r.usageKnown)).toBe(true);
    expect((await current('usage', `${filter}&processedDateTime=2026-03-31`)).TotalCount).toBe(0);
    // Deployment does not depend on usage: the customer's products are there on both days.
    const products = (await current('deployment', `${filter}&processedDateTime=2026-03-31`)).TotalCount;
    expect(products).toBeGreaterThan(0);
    expect((await current('deployment', `${filter}&processedDateTime=2026-03-30`)).TotalCount).toBe(products);
    for (const view of ['', 'view=all']) {
      const rows = (await current('usage', view)).Value as UsageAnalyticsRow[];
      expect(rows.some((r) => r.workloadCode === 'ALL')).toBe(false);
    }
    expect(await expected('usage', 'all', '2026-03-30')).toEqual(
      (await current('usage', 'view=all&processedDateTime=2026-03-30')).Value,
    );
  });

  it('the legacy paths answer with the legacy envelope, the same rows', async () => {
    for (const kind of ['deployment', 'usage'] as const) {
      const r = await get(`${LEGACY[kind]}?top=5`);
      expect(r.statusCode).toBe(200);
      const body = legacyAnalyticsEnvelopeSchema(ROW_SCHEMA[kind].strict()).strict().parse(r.json());
      const page = await current(kind, 'top=5');
      expect(body.items).toEqual(page.Value);
      expect(body.totalCount).toBe(page.TotalCount);
      expect(body.attributes).toEqual({ objectType: 'Collection' });
      expect(body.links.next?.uri).toContain(`${LEGACY[kind]}?top=5&skip=5`);
    }
    const last = (await get(`${LEGACY.deployment}?top=10000`)).json();
    expect(last.links).toEqual({});
  });

  it('/api/partner/v1/… answers as /api/v1/…', async () => {
    for (const kind of ['deployment', 'usage'] as const) {
      for (const query of ['', '?view=all&top=4&skip=2', '?groupby=serviceCode']) {
        const a = await get(`${CURRENT[kind]}${query}`);
        const b = await get(`${CURRENT[kind].replace('/api/v1/', '/api/partner/v1/')}${query}`);
        expect(b.statusCode).toBe(200);
        const strip = (x: Record<string, unknown>) => ({ ...x, '@nextLink': x['@nextLink'] === null });
        expect(strip(b.json())).toEqual(strip(a.json()));
        const c = await get(`${LEGACY[kind].replace('/api/v1/', '/api/partner/v1/')}${query}`);
        expect(c.json().items).toEqual(a.json().Value);
      }
    }
  });
});

describe('paging', () => {
  it.each(['deployment', 'usage'] as const)(
    '%s: pages concatenated through @nextLink are the whole answer, stable under repeated calls',
    async (kind) => {
      const whole = await current(kind, 'view=all');
      const paged = await all(kind, 'view=all&top=7');
      expect(paged.pages).toBe(Math.ceil(whole.TotalCount / 7));
      expect(paged.rows).toEqual(whole.Value);
      expect((await all(kind, 'view=all&top=7')).rows).toEqual(paged.rows);
    },
  );

  it('the next link is absolute, keeps the query and advances skip; null on the last page', async () => {
    const filter = "serviceCode eq 'O365'";
    const page = await current('usage', `top=3&skip=3&filter=${encodeURIComponent(filter)}`);
    expect(page.TotalCount).toBe(3);
    const total = (await current('usage', `filter=${encodeURIComponent(filter)}`)).TotalCount;
    const next = new URL(page['@nextLink'] ?? '');
    expect(next.origin).toBe('http://localhost');
    expect(next.pathname).toBe('/api/v1/analytics/commercial/usage/license/');
    expect(Object.fromEntries(next.searchParams)).toEqual({ top: '3', skip: '6', filter });
    const last = await current('usage', `top=3&skip=${total - 2}&filter=${encodeURIComponent(filter)}`);
    expect(last.Value).toHaveLength(2);
    expect(last['@nextLink']).toBeNull();
    expect(last.TotalCount).toBe(2);
    const beyond = await current('usage', `skip=${total + 5}&filter=${encodeURIComponent(filter)}`);
    expect(beyond).toMatchObject({ Value: [], '@nextLink': null, TotalCount: 0 });
  });

  it('top: default and at most 10 000 (more is served as 10 000); bad values are 400', async () => {
    const big = await current('usage', 'view=all&top=50000');
    expect(big.Value).toHaveLength(big.TotalCount);
    for (const q of [
      'top=0',
      'top=-1',
      'top=abc',
      'top=1.5',
      'skip=-3',
      'view=mine',
      'processedDateTime=31.03.2026',
    ]) {
      const r = await get(`${CURRENT.usage}?${q}`);
      expect(r.statusCode, q).toBe(400);
      expect(r.json().code).toBe('usage.invalid_argument');
    }
  });

  it('processedDateTime takes a day or a day and a time; a day without metrics is 404', async () => {
    const want = await expected('deployment', 'own', '2026-03-15');
    for (const d of [
      '2026-03-15',
      '2026-03-15T00:00:00',
      '2026-03-15T10:20:30Z',
      '2026-03-15T00:00:00.000+01:00',
    ]) {
      const page = await current('deployment', `processedDateTime=${encodeURIComponent(d)}`);
      expect(page.Value).toEqual(want);
    }
    const r = await get(`${CURRENT.deployment}?processedDateTime=2020-01-01`);
    expect(r.statusCode).toBe(404);
    expect(r.json().code).toBe('not_found');
  });
});

describe('filter and groupby', () => {
  it('filters compare case-insensitively, crm means D365, and/or/parentheses combine', async () => {
    const every = (await current('usage', 'view=all')).Value as UsageAnalyticsRow[];
    const run = async (filter: string) =>
      (await current('usage', `view=all&filter=${encodeURIComponent(filter)}`)).Value as UsageAnalyticsRow[];
    const [first] = every;
    if (first === undefined) throw new Error('rows');
    expect(await run("workloadCode eq 'exo'")).toEqual(every.filter((r) => r.workloadCode === 'EXO'));
    // Partner Center's service code crm is our D365 (analytics-filter.test.ts keeps D365 rows with
    // it; this demo sold no Dynamics): both ask for the same rows, and o365 for the O365 ones.
    const products = (await current('deployment', 'view=all')).Value;
    const byService = async (code: string) =>
      (await current('deployment', `view=all&filter=${encodeURIComponent(`serviceCode eq '${code}'`)}`))
        .Value;
    expect(await byService('CRM')).toEqual(await byService('d365'));
    expect(await byService('CRM')).toEqual(products.filter((r) => r.serviceCode === 'D365'));
    expect(await byService('o365')).toEqual(products.filter((r) => r.serviceCode === 'O365'));
    expect((await byService('o365')).length).toBeGreaterThan(0);
    expect(
      await run(
        `customerTenantId eq '${(first.customerTenantId ?? '').toUpperCase()}' and workloadCode ne 'EXO'`,
      ),
    ).toEqual(every.filter((r) => r.customerTenantId === first.customerTenantId && r.workloadCode !== 'EXO'));
    expect(
      await run(
        `productId eq '${(first.productId ?? '').toLowerCase()}' or (channel eq 'ALL' and workloadCode eq 'TEAMS')`,
      ),
    ).toEqual(every.filter((r) => r.productId === first.productId || r.workloadCode === 'TEAMS'));
    expect(await run("channel eq 'Reseller'")).toEqual([]);
    expect(
      await run(`customerName eq '${(first.customerName ?? '').replaceAll("'", "''").toUpperCase()}'`),
    ).toEqual(every.filter((r) => r.customerName === first.customerName));
  });

  it('a malformed filter or groupby is a 400 that says what is wrong', async () => {
    const cases: [string, string][] = [
      [
        "filter=serviceCode equals 'O365'",
        'filter: at character 13: expected eq or ne after serviceCode, found "equals"',
      ],
      ["filter=workloadCode eq 'EXO'", 'unknown field "workloadCode"'],
      ["filter=(serviceCode eq 'O365'", 'expected ")"'],
      ['groupby=serviceCode,licensesSold', 'groupby: unknown field "licensesSold"'],
    ];
    for (const [q, message] of cases) {
      const [key, value] = q.split(/=(.*)/s) as [string, string];
      const r = await get(`${CURRENT.deployment}?${key}=${encodeURIComponent(value)}`);
      expect(r.statusCode, q).toBe(400);
      expect(r.json()).toMatchObject({ code: 'usage.invalid_argument' });
      expect(r.json().message).toContain(message);
    }
  });

  it('random filters over HTTP: 200 or a 400 with a message, never a 500', async () => {
    const piece = fc.constantFrom(
      'serviceCode',
      'workloadCode',
      'eq',
      'ne',
      'and',
      'or',
      '(',
      ')',
      "'O365'",
      "'",
      ' ',
      '%',
      '"',
      'ł',
    );
    const filter = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.array(piece, { maxLength: 12 }).map((p) => p.join(' ')),
    );
    await fc.assert(
      fc.asyncProperty(filter, async (f) => {
        const r = await get(`${CURRENT.usage}?filter=${encodeURIComponent(f)}&top=1`);
        expect([200, 400]).toContain(r.statusCode);
        if (r.statusCode === 400) expect(r.json().message).toMatch(/^filter: |invalid request/);
      }),
      { numRuns: 60 },
    );
  });

  it.each(['deployment', 'usage'] as const)(
    '%s groupby: each group’s sums are the sums of its rows, percentages from the sums',
    async (kind) => {
      const rows = (await current(kind, 'view=all')).Value;
      const fields =
        kind === 'deployment' ? ['serviceCode', 'customerTenantId'] : ['workloadCode', 'serviceCode'];
      const page = await current(kind, `view=all&groupby=${fields.join(',')}`);
      const key = (r: Row) => fields.map((f) => (r as Record<string, unknown>)[f]).join('|');
      const keys = [...new Set(rows.map(key))].sort();
      expect(page.Value.map(key)).toEqual(keys);
      expect(page.TotalCount).toBe(keys.length);
      for (const g of page.Value) {
        const mine = rows.filter((r) => key(r) === key(g));
        // Only the fields grouped by, the sums and the day.
        expect(
          Object.keys(g)
            .filter((k) => (ANALYTICS_FIELDS[kind] as readonly string[]).includes(k))
            .sort(),
        ).toEqual([...fields].sort());
        expect(g.processedDateTime).toBe('2026-03-31T00:00:00');
        const sum = (f: string) =>
          mine.reduce((n, r) => n + ((r as unknown as Record<string, number>)[f] ?? 0), 0);
        if (kind === 'deployment') {
          const d = g as DeploymentAnalyticsRow;
          expect([d.licensesDeployed, d.licensesSold, d.licensesSoldOwn]).toEqual([
            sum('licensesDeployed'),
            sum('licensesSold'),
            sum('licensesSoldOwn'),
          ]);
          expect(d.deploymentPercent).toBe(
            d.licensesSold === 0 ? null : (d.licensesDeployed / d.licensesSold) * 100,
          );
        } else {
          const u = g as UsageAnalyticsRow;
          expect([u.licensesActive, u.licensesQualified, u.licensesSoldOwn]).toEqual([
            sum('licensesActive'),
            sum('licensesQualified'),
            sum('licensesSoldOwn'),
          ]);
          expect(u.usagePercent).toBe(
            u.licensesQualified === 0 ? null : (u.licensesActive / u.licensesQualified) * 100,
          );
          // Reasons of the sums add up to the excess.
          const excess = Math.max(0, u.licensesActive - u.licensesQualified);
          expect(Object.values(u.usageReasons).reduce((n, v) => n + (v ?? 0), 0)).toBe(excess);
        }
      }
      // Grouping by every field changes no count: one group per row.
      const fine = await current(kind, `view=all&groupby=${ANALYTICS_FIELDS[kind].join(',')}`);
      expect(fine.TotalCount).toBe(rows.length);
    },
  );

  it('groupby pages with top and skip, in the order of the groups', async () => {
    const whole = await current('usage', 'groupby=customerName');
    const paged = await all('usage', 'groupby=customerName&top=2');
    expect(paged.rows).toEqual(whole.Value);
    const names = whole.Value.map((r) => r.customerName ?? '');
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });
});

describe('who sees what', () => {
  it('an account limited to some customers gets their rows only; a customer outside is 404 on the customer path', async () => {
    const customers = await s.t.store.customers(PARTNER);
    const [a, b] = customers;
    if (a === undefined || b === undefined) throw new Error('customers');
    const scoped = await s.token(['sales_agent'], { scope: { customers: [a.customerId], groups: [] } });
    const rows = (await current('deployment', 'view=all', scoped)).Value;
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r.customerTenantId))).toEqual(new Set([a.customerId]));
    const everyone = (await current('deployment', 'view=all')).Value;
    expect(rows).toEqual(everyone.filter((r) => r.customerTenantId === a.customerId));

    const mine = await get(`/api/v1/customers/${a.customerId}/analytics/licenses/usage?view=all`, scoped);
    expect(mine.statusCode).toBe(200);
    expect(mine.json().items).toEqual(
      (await current('usage', 'view=all')).Value.filter((r) => r.customerTenantId === a.customerId),
    );
    for (const path of [
      `/api/v1/customers/${b.customerId}/analytics/licenses/usage`,
      `/api/partner/v1/customers/${b.customerId}/analytics/licenses/deployment`,
    ]) {
      const r = await get(path, scoped);
      expect(r.statusCode).toBe(404);
      expect(r.json().code).toBe('not_found');
    }
  });

  it('another partner sees its own customers only; another partner’s customer is 404; no credential is 401', async () => {
    const other = await s.token(['admin_agent'], { partnerId: OTHER_PARTNER });
    const rows = (await current('deployment', 'view=all', other)).Value;
    const theirs = new Set((await s.t.store.customers(OTHER_PARTNER)).map((c) => c.customerId));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => theirs.has(r.customerTenantId ?? ''))).toBe(true);
    const [ours] = await s.t.store.customers(PARTNER);
    const r = await get(`/api/v1/customers/${ours?.customerId}/analytics/licenses/deployment`, other);
    expect(r.statusCode).toBe(404);
    expect((await s.call(null, { method: 'GET', url: CURRENT.usage })).statusCode).toBe(401);
  });

  it('every role may read (read_aggregates)', async () => {
    for (const role of ['admin_agent', 'sales_agent', 'user_admin'] as const) {
      expect((await get(`${CURRENT.usage}?top=1`, await s.token([role]))).statusCode).toBe(200);
    }
  });
});

describe('the OpenAPI document', () => {
  it('documents every compatible path with its envelope', async () => {
    const doc = (await s.call(null, { method: 'GET', url: '/api/v1/openapi.json' })).json() as {
      paths: Record<
        string,
        { get?: { responses?: Record<string, unknown>; parameters?: { name: string }[] } }
      >;
    };
    for (const prefix of ['/api/v1', '/api/partner/v1']) {
      for (const path of [
        '/analytics/commercial/deployment/license',
        '/analytics/commercial/usage/license',
        '/analytics/licenses/deployment',
        '/analytics/licenses/usage',
        '/customers/{customerId}/analytics/licenses/usage',
      ]) {
        const op = doc.paths[`${prefix}${path}`]?.get;
        expect(op, `${prefix}${path}`).toBeDefined();
        expect(op?.parameters?.map((p) => p.name)).toEqual(
          expect.arrayContaining(['filter', 'groupby', 'top', 'skip', 'processedDateTime', 'view']),
        );
      }
    }
    const ok = JSON.stringify(
      doc.paths['/api/v1/analytics/commercial/usage/license']?.get?.responses?.['200'],
    );
    for (const field of [
      'Value',
      '@nextLink',
      'TotalCount',
      ...USAGE_FIELDS,
      'licensesActive',
      'licensesQualified',
    ])
      expect(ok).toContain(`"${field}"`);
    expect(DEPLOYMENT_FIELDS.length).toBe(7);
  });
});

describe('the memory of whole answers (per store commit)', () => {
  it('pages from the memory equal the streamed pages, also when an answer is too large to keep', async () => {
    const req = { partnerId: PARTNER, kind: 'usage' as const, customerIds: null, view: 'all' as const };
    const small = new LicenseAnalyticsMemory(s.t.store, 40);
    const large = new LicenseAnalyticsMemory(s.t.store);
    for (const [skip, top] of [
      [0, 10_000],
      [0, 7],
      [35, 7],
      [70, 50],
    ] as const) {
      const streamed = await getLicenseAnalytics(s.t.store, { ...req, skip, top });
      expect(streamed.totalCount).toBeGreaterThan(40);
      expect(await getLicenseAnalytics(s.t.store, { ...req, skip, top }, { memory: large })).toEqual(
        streamed,
      );
      expect(await getLicenseAnalytics(s.t.store, { ...req, skip, top }, { memory: small })).toEqual(
        streamed,
      );
    }
    const grouped = { ...req, groupby: 'serviceCode,workloadCode', skip: 1, top: 3 };
    expect(await getLicenseAnalytics(s.t.store, grouped, { memory: large })).toEqual(
      await getLicenseAnalytics(s.t.store, grouped),
    );
  });

  it('reads a query once until the store commits, then again', async () => {
    let commit = 0;
    const memory = new LicenseAnalyticsMemory({ commitCount: () => commit });
    let loads = 0;
    const plan = { req: { partnerId: PARTNER, kind: 'usage', view: 'own', customerIds: null } } as Parameters<
      LicenseAnalyticsMemory['answer']
    >[0];
    const load = async () => {
      loads++;
      return { day: '2026-03-31', totalCount: 0, rows: [] };
    };
    await memory.answer(plan, load);
    await memory.answer(plan, load);
    expect(loads).toBe(1);
    commit++;
    await memory.answer(plan, load);
    expect(loads).toBe(2);
    // Another query is another answer.
    await memory.answer({ ...plan, req: { ...plan.req, view: 'all' } }, load);
    expect(loads).toBe(3);
  });
});
