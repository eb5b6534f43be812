/**
 * The portfolio views from the stored per-customer sums give the portfolio report's numbers
 * (`getPortfolioReport`, the CLI's `insights report portfolio`): totals, month over month, usage
 * bands, breakdowns, customers, and each trend point — on a demo portfolio, for several days (the
 * last, mid-month, a month end, one inside the first 28 days), both channel views, each service
 * and a group; for a caller limited to some customers and a group, the totals are `totalsOf` over
 * the report's rows of just those customers. The stored sums equal the metrics rows they sum
 * (verifyIntegrity), and a tampered sum is caught.
 */
import path from 'node:path';
import {
  type ChannelView,
  type MetricsRow,
  type ProductDayMetrics,
  SERVICE_CODES,
  type ServiceCode,
} from '@license-insights/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoDataset } from '../src/demo/generate-demo';
import { bandOf, groupTotals, totalsOf } from '../src/reports/rollup';
import { DuckDbClient } from '../src/store/duckdb/duckdb-client';
import { DATABASE_FILE } from '../src/store/duckdb/duckdb-store';
import { openStore } from '../src/store/open-store';
import type { Store } from '../src/store/store';
import { type TempStore, tempStore } from '../src/testing';
import { computeMetrics } from '../src/use-cases/compute-metrics';
import { PortfolioViews, type VisibleCustomers } from '../src/use-cases/portfolio-views';
import { getPortfolioReport } from '../src/use-cases/report-metrics';

const P = 'p-test';
const ALL: VisibleCustomers = { key: 'all', ids: null };
const END = '2026-03-31';
const DAYS = ['2026-03-31', '2026-03-15', '2026-02-28', '2026-01-10'];

let t: TempStore;
let views: PortfolioViews;
let group: string;

beforeAll(async () => {
  t = await tempStore();
  const dir = path.join(t.files.dir, 'demo');
  // 90 days to 2026-03-31: data from 2026-01-01, so 2026-01-10 lies in the first 28 days (partial).
  await writeDemoDataset(dir, { customers: 30, seed: 'views', days: 90, end: END });
  await t.import([dir]);
  await computeMetrics(t.store, { partnerId: P });
  views = new PortfolioViews(t.store);
  const groups = (await t.store.customers(P)).flatMap((c) => c.groups);
  group = groups.find((g) => g !== 'priority') ?? groups[0] ?? '';
}, 180_000);
afterAll(() => t.close());

/** The report's SPEC rows back as the rows `totalsOf` sums. */
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

describe('portfolio views from the per-customer sums', () => {
  it('the stored sums equal the metrics rows they sum, and the portfolio has something in every view', async () => {
    expect(await t.store.verifyIntegrity()).toEqual([]);
    const report = await getPortfolioReport(t.store, { partnerId: P, channel: 'own' });
    expect(report.customers.length).toBeGreaterThan(10);
    // Month over month compares most customers on the last day, and none inside the first 28 days.
    expect(report.monthOverMonth.customers).toBeGreaterThan(10);
    expect(report.totals.usageReasons).not.toBeNull();
    expect(
      (await getPortfolioReport(t.store, { partnerId: P, day: '2026-01-10' })).totals.partialWindow,
    ).toBe(true);
    expect(report.byService.length).toBeGreaterThan(1);
    expect(group).not.toBe('');
  });

  const cases: { view: ChannelView; service?: ServiceCode; group?: boolean }[] = [
    { view: 'all' },
    { view: 'own' },
    ...SERVICE_CODES.map((service) => ({ view: 'all' as const, service })),
    { view: 'own', service: 'O365' },
    { view: 'all', group: true },
    { view: 'own', group: true },
  ];

  it.each(DAYS)('on %s: summary, breakdowns and customer table equal the report, every view', async (day) => {
    for (const c of cases) {
      const filter = {
        day,
        view: c.view,
        ...(c.service === undefined ? {} : { service: c.service }),
        ...(c.group === true ? { group } : {}),
      };
      const report = await getPortfolioReport(t.store, {
        partnerId: P,
        day,
        channel: c.view,
        ...(c.service === undefined ? {} : { service: c.service }),
        ...(c.group === true ? { group } : {}),
      });
      const q = { partnerId: P, visible: ALL, ...filter };
      const summary = await views.summary(q);
      expect(summary.totals).toEqual(report.totals);
      expect(summary.monthOverMonth).toEqual(report.monthOverMonth);
      expect(summary.bands).toEqual(report.bands);
      expect(summary.customers).toBe(report.customers.length);
      expect(summary.stale).toEqual(report.stale);
      expect(summary.filter).toEqual({
        day,
        view: c.view,
        service: c.service ?? null,
        group: c.group === true ? group : null,
        product: null,
        band: null,
      });
      const by = async (b: 'service' | 'product' | 'workload' | 'group') =>
        (await views.breakdown({ ...q, by: b })).items;
      expect(keyed(await by('service'))).toEqual(keyed(report.byService));
      expect(keyed(await by('workload'))).toEqual(keyed(report.byWorkload));
      expect(keyed(await by('group'))).toEqual(keyed(report.byGroup));
      const products = await by('product');
      expect(products).toEqual(report.byProduct.map((p) => ({ key: p.key, name: p.name, totals: p.totals })));
      const table = await views.customers({ ...q, sort: 'customerId', pageSize: 500 });
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
  });

  it('a product, a band: the report’s product roll-up, and the customers of the band', async () => {
    const report = await getPortfolioReport(t.store, { partnerId: P, day: END });
    const rows = report.rows.map(asMetrics);
    for (const p of report.byProduct) {
      const summary = await views.summary({ partnerId: P, visible: ALL, product: p.key });
      expect(summary.totals).toEqual(p.totals);
      const workloads = await views.breakdown({ partnerId: P, visible: ALL, product: p.key, by: 'workload' });
      expect(keyed(workloads.items)).toEqual(
        keyed(
          groupTotals(
            rows.filter((r) => r.productId === p.key && r.workload !== 'ALL'),
            (r) => r.workload,
          ),
        ),
      );
      // A product is of one service: another service's view of it is empty.
      const service = report.rows.find((r) => r.productId === p.key)?.serviceCode;
      const other = SERVICE_CODES.find((x) => x !== service) ?? 'OTHER';
      const none = await views.summary({ partnerId: P, visible: ALL, product: p.key, service: other });
      expect(none.customers).toBe(0);
      expect(none.totals.sold).toBe(0);
    }
    for (const band of ['<25', '25-50', '50-75', '75-100', '>100', 'unmeasured', 'none'] as const) {
      const ids = new Set(report.customers.filter((c) => c.band === band).map((c) => c.customerId));
      const summary = await views.summary({ partnerId: P, visible: ALL, band });
      expect(summary.customers).toBe(ids.size);
      expect(summary.totals).toEqual(
        totalsOf(rows.filter((r) => r.workload === 'ALL' && ids.has(r.customerId))),
      );
      const table = await views.customers({ partnerId: P, visible: ALL, band, pageSize: 500 });
      expect(new Set(table.rows.map((r) => r.customerId))).toEqual(ids);
    }
  });

  it('a caller limited to some customers and a group sees the roll-up of just those customers', async () => {
    const customers = await t.store.customers(P);
    const chosen = customers.filter((c, i) => i % 4 === 0 || c.groups.includes(group));
    const ids = new Set(chosen.map((c) => c.customerId));
    expect(ids.size).toBeGreaterThan(3);
    expect(ids.size).toBeLessThan(customers.length);
    const visible: VisibleCustomers = { key: 'scoped', ids };
    for (const view of ['all', 'own'] as const) {
      for (const day of DAYS.slice(0, 2)) {
        const report = await getPortfolioReport(t.store, { partnerId: P, day, channel: view });
        const mine = report.rows.map(asMetrics).filter((r) => r.workload === 'ALL' && ids.has(r.customerId));
        const summary = await views.summary({ partnerId: P, visible, day, view });
        expect(summary.totals).toEqual(totalsOf(mine));
        expect(summary.customers).toBe(new Set(mine.map((r) => r.customerId)).size);
        const bands = groupTotals(mine, (r) => r.customerId).map((g) => bandOf(g.totals));
        for (const [band, n] of Object.entries(summary.bands))
          expect(n).toBe(bands.filter((b) => b === band).length);
        // Month over month over just these customers: the report's of a group made of them.
        const table = await views.customers({ partnerId: P, visible, day, view, pageSize: 500 });
        expect(table.rows.every((r) => ids.has(r.customerId))).toBe(true);
        expect(table.rows.map((r) => r.customerId).sort()).toEqual(
          report.customers.filter((c) => ids.has(c.customerId)).map((c) => c.customerId),
        );
        const services = await views.breakdown({ partnerId: P, visible, day, view, by: 'service' });
        expect(keyed(services.items)).toEqual(
          keyed(
            groupTotals(
              mine,
              (r) => (report.rows.find((x) => x.productId === r.productId)?.serviceCode ?? 'OTHER') as string,
            ),
          ),
        );
      }
    }
    // The group inside the scope: the scoped customers of the group only.
    const inGroup = await views.summary({ partnerId: P, visible, group });
    const report = await getPortfolioReport(t.store, { partnerId: P, group });
    expect(inGroup.totals).toEqual(report.totals); // every member of the group is in the scope
    expect(inGroup.monthOverMonth).toEqual(report.monthOverMonth);
    // A group none of the caller's customers is in: not found, naming only the caller's groups.
    const few: VisibleCustomers = { key: 'few', ids: new Set([customers[0]?.customerId ?? '']) };
    await expect(views.summary({ partnerId: P, visible: few, group: 'no-such-group' })).rejects.toMatchObject(
      {
        code: 'not_found',
      },
    );
  });

  it('month over month of a scope equals the report’s over the same customers (as a group)', async () => {
    // The report knows scopes only as groups: compare with a group's customers as the scope.
    const customers = await t.store.customers(P);
    const ids = new Set(customers.filter((c) => c.groups.includes(group)).map((c) => c.customerId));
    for (const day of DAYS) {
      for (const view of ['all', 'own'] as const) {
        const report = await getPortfolioReport(t.store, { partnerId: P, day, channel: view, group });
        const summary = await views.summary({ partnerId: P, visible: { key: `g-${group}`, ids }, day, view });
        expect(summary.monthOverMonth).toEqual(report.monthOverMonth);
      }
    }
  });

  it('each trend point equals the report of its day; the range stays within the computed days', async () => {
    const trend = await views.trend({
      partnerId: P,
      visible: ALL,
      from: '2026-02-20',
      to: '2026-03-05',
      view: 'own',
    });
    expect(trend.points.map((p) => p.day)).toHaveLength(14);
    for (const point of trend.points) {
      const report = await getPortfolioReport(t.store, { partnerId: P, day: point.day, channel: 'own' });
      expect(point.totals).toEqual(report.totals);
    }
    const service = await views.trend({ partnerId: P, visible: ALL, days: 28, service: 'O365', group });
    expect(service.to).toBe(END);
    expect(service.points).toHaveLength(28);
    const last = await getPortfolioReport(t.store, { partnerId: P, service: 'O365', group });
    expect(service.points.at(-1)?.totals).toEqual(last.totals);
    // A year back from the last day starts at the first computed day.
    const year = await views.trend({ partnerId: P, visible: ALL, days: 365 });
    expect(year.from).toBe('2026-01-01');
    expect(year.points).toHaveLength(90);
    const product = (await getPortfolioReport(t.store, { partnerId: P, day: '2026-02-01' })).byProduct[0];
    if (product === undefined) throw new Error('the demo has products');
    const one = await views.trend({
      partnerId: P,
      visible: ALL,
      product: product.key,
      to: '2026-02-01',
      days: 28,
    });
    expect(one.points.at(-1)?.totals).toEqual(product.totals);
  });

  it('the customer table pages, sorts (nulls last) and searches name, id and domain', async () => {
    const all = await views.customers({
      partnerId: P,
      visible: ALL,
      pageSize: 500,
      sort: 'usagePercent',
      order: 'desc',
    });
    const usage = all.rows.map((r) => r.totals.usagePercent);
    const known = usage.filter((u): u is number => u !== null);
    expect(usage.slice(0, known.length)).toEqual([...known].sort((a, b) => b - a));
    expect(usage.slice(known.length).every((u) => u === null)).toBe(true);
    const pages = [];
    for (let page = 1; page <= 4; page++)
      pages.push(
        ...(
          await views.customers({
            partnerId: P,
            visible: ALL,
            pageSize: 7,
            page,
            sort: 'usagePercent',
            order: 'desc',
          })
        ).rows,
      );
    expect(pages.map((r) => r.customerId)).toEqual(all.rows.slice(0, 28).map((r) => r.customerId));
    const first = all.rows[5];
    if (first === undefined) throw new Error('rows');
    for (const text of [first.name.slice(1, 6).toUpperCase(), first.customerId, first.domain ?? first.name]) {
      const found = await views.customers({ partnerId: P, visible: ALL, search: text });
      expect(found.rows.map((r) => r.customerId)).toContain(first.customerId);
      expect(found.total).toBeLessThan(all.total);
    }
    const changes = all.rows.map((r) => r.usageChange);
    expect(changes.some((c) => c !== null)).toBe(true);
  });
});

describe('verifyIntegrity sees a sum that differs from the rows', () => {
  it('reports a tampered customer sum (bug it guards: sums drifting from the metrics rows)', async () => {
    const s = await tempStore();
    try {
      const dir = path.join(s.files.dir, 'demo');
      await writeDemoDataset(dir, { customers: 3, seed: 'tamper', days: 40, end: END });
      await s.import([dir]);
      await computeMetrics(s.store, { partnerId: P });
      expect(await s.store.verifyIntegrity()).toEqual([]);
      await s.store.close();
      const db = await DuckDbClient.open({ path: path.join(s.dataDir, DATABASE_FILE) });
      await db.exec(
        `UPDATE customer_sums SET assigned = assigned + 1 WHERE rowid = (SELECT min(rowid) FROM customer_sums)`,
      );
      db.close();
      const store: Store = await openStore({ dataDir: s.dataDir, memoryLimit: '1GB', threads: 1 });
      try {
        expect((await store.verifyIntegrity()).map((v) => v.check)).toEqual([
          'customer sums equal the sums of the metrics rows',
        ]);
      } finally {
        await store.close();
      }
    } finally {
      s.files.cleanup();
    }
  });
});
