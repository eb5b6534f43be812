/**
 * The use-cases return what their contract schemas say (packages/contracts): real results of a
 * small imported portfolio — a demo of 8 customers plus a customer fed by a Graph report (usage
 * measured on some days only) — parsed by the response schemas. A field the core adds, drops or
 * retypes without its schema fails here: the API and the web app are typed from the schemas.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  addExclusionResponseSchema,
  auditLogResponseSchema,
  changeSettingsResponseSchema,
  computeReportSchema,
  customerAnalyticsResponseSchema,
  customerGroupsResponseSchema,
  customerReportResponseSchema,
  customerSubscriptionsResponseSchema,
  customerTrendResponseSchema,
  dataTrustReportSchema,
  effectiveSettingsSchema,
  errorResponseSchema,
  importReportSchema,
  inactiveUsersResponseSchema,
  listCatalogResponseSchema,
  listExclusionsResponseSchema,
  portfolioReportResponseSchema,
  recommendationsResponseSchema,
  removeExclusionResponseSchema,
  resetSettingsResponseSchema,
  setSettingResponseSchema,
  settingsLogResponseSchema,
  showCatalogProductResponseSchema,
  statusResponseSchema,
  supportMetricsResponseSchema,
} from '@license-insights/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoDataset } from '../src/demo/generate-demo';
import { AppError } from '../src/errors';
import { openAccountStore } from '../src/store/open-store';
import { TEST_PARTNER as P, type TempStore, tempStore } from '../src/testing';
import { getAuditLog } from '../src/use-cases/audit-log';
import { computeMetrics } from '../src/use-cases/compute-metrics';
import {
  customerGroups,
  getCustomerAnalytics,
  getCustomerSubscriptions,
  getCustomerTrend,
} from '../src/use-cases/customer-analytics';
import { getDataTrust } from '../src/use-cases/data-trust';
import { getRecommendations, getSupportMetrics } from '../src/use-cases/get-recommendations';
import { getStatus } from '../src/use-cases/get-status';
import type { ImportReport } from '../src/use-cases/import-files';
import { getInactiveUsers } from '../src/use-cases/inactive-users';
import { listCatalog, showCatalogProduct } from '../src/use-cases/look-up-catalog';
import {
  addExclusion,
  changeRecommendationSettings,
  getRecommendationSettings,
  listExclusions,
  removeExclusion,
  resetRecommendationSettings,
  setRecommendationSetting,
  settingsHistory,
} from '../src/use-cases/recommendation-settings';
import { getCustomerReport, getPortfolioReport } from '../src/use-cases/report-metrics';

const GRAPH_REPORT = fileURLToPath(new URL('./fixtures/graph/active-users-2026-03-30.csv', import.meta.url));

/** What a schema needs for this test: a safe parse that strips unknown keys. */
interface Schema {
  safeParse(v: unknown): { success: boolean; data?: unknown; error?: { issues: unknown[] } };
}

/**
 * `value` is exactly what `schema` describes: it parses without issues, and parsing keeps every
 * key (an object schema drops keys it does not know, so a field the core added fails `toEqual`).
 */
function expectShape(schema: Schema, value: unknown): void {
  const r = schema.safeParse(value);
  expect(r.error?.issues ?? []).toEqual([]);
  expect(r.data).toEqual(value);
}

let t: TempStore;
const imports: ImportReport[] = [];
let graphCustomer = '';

beforeAll(async () => {
  t = await tempStore();
  const demo = path.join(t.files.dir, 'demo');
  await writeDemoDataset(demo, { customers: 8, seed: 'contracts', days: 70, end: '2026-03-31' });
  imports.push(await t.import([demo]));
  // A Graph-fed customer: usage measured on its refresh dates only, the rest "not known".
  imports.push(await t.import([GRAPH_REPORT], { createCustomer: 'Graph Co' }));
  graphCustomer = 'graph-co';
}, 120_000);
afterAll(async () => {
  await t.close();
});

describe('use-case results parse with their response schemas', () => {
  it('import reports (warnings with hints included)', () => {
    expect(imports.map((r) => r.outcome)).toEqual(['committed', 'committed']);
    const warnings = imports[1]?.files[0]?.warnings ?? [];
    expect(warnings.some((w) => w.hint !== undefined)).toBe(true);
    for (const r of imports) expectShape(importReportSchema, r);
  });

  it('a compute report', async () => {
    const r = await computeMetrics(t.store, { partnerId: P });
    expect(r.mode).toBe('full');
    expectShape(computeReportSchema, r);
  });

  it('the portfolio report, all channels and own, with month over month', async () => {
    const all = await getPortfolioReport(t.store, { partnerId: P });
    expect(all.rows.length).toBeGreaterThan(0);
    expect(all.rows.some((r) => r.licensesActive === null)).toBe(true); // usage not known somewhere
    expect(all.monthOverMonth.current).not.toBeNull();
    expectShape(portfolioReportResponseSchema, all);
    expectShape(
      portfolioReportResponseSchema,
      await getPortfolioReport(t.store, { partnerId: P, channel: 'own', service: 'O365', day: '2026-03-15' }),
    );
  });

  it('customer reports, with inactive users, support and what the data can tell', async () => {
    const portfolio = await getPortfolioReport(t.store, { partnerId: P });
    const biggest = [...portfolio.customers].sort((a, b) => b.totals.sold - a.totals.sold)[0];
    if (biggest === undefined) throw new Error('no customer');
    const r = await getCustomerReport(t.store, { partnerId: P, customer: biggest.customerId });
    expect(r.inactive.length).toBeGreaterThan(0);
    expect(r.support).not.toBeNull();
    expectShape(customerReportResponseSchema, r);
    const graph = await getCustomerReport(t.store, {
      partnerId: P,
      customer: graphCustomer,
      day: '2026-03-30',
    });
    expect(graph.usageData.workloads.some((w) => w.state !== 'unknown')).toBe(true);
    expectShape(customerReportResponseSchema, graph);
  });

  it('the inactive-user drill-down', async () => {
    const portfolio = await getPortfolioReport(t.store, { partnerId: P });
    for (const c of portfolio.customers.slice(0, 3)) {
      const r = await getInactiveUsers(t.store, { partnerId: P, customer: c.customerId, days: 28 });
      expectShape(inactiveUsersResponseSchema, r);
    }
  });

  it('recommendations and the support history', async () => {
    const r = await getRecommendations(t.store, { partnerId: P, locale: 'pl' });
    expect(r.cards.length).toBeGreaterThan(0);
    expectShape(recommendationsResponseSchema, r);
    const support = await getSupportMetrics(t.store, { partnerId: P, from: '2026-03-01' });
    expect(support.length).toBeGreaterThan(0);
    expectShape(supportMetricsResponseSchema, support);
  });

  it('the status of the store', async () => {
    const r = await getStatus(t.store, { partnerId: P });
    expect(r.partners[0]?.recentImports).toHaveLength(2);
    expectShape(statusResponseSchema, r);
    expectShape(statusResponseSchema, await getStatus(t.store));
  });

  it("the catalog: listed with the partner's products, searched, one product shown", async () => {
    const all = await listCatalog(t.store, { partnerId: P, search: null });
    expect(all.products.some((p) => p.origin === 'custom')).toBe(true);
    expectShape(listCatalogResponseSchema, all);
    expectShape(listCatalogResponseSchema, await listCatalog(null, { partnerId: null, search: 'visio' }));
    expectShape(
      showCatalogProductResponseSchema,
      await showCatalogProduct(t.store, { partnerId: P, query: 'MCOPSTN5' }),
    );
  });

  it('settings (show, set, reset, log) and exclusions (add, list, remove)', async () => {
    const actor = 'alice';
    expectShape(effectiveSettingsSchema, await getRecommendationSettings(t.store, { partnerId: P }));
    expectShape(
      setSettingResponseSchema,
      await setRecommendationSetting(t.store, { partnerId: P, actor, path: 'UPSELL.enabled', value: false }),
    );
    expectShape(effectiveSettingsSchema, await getRecommendationSettings(t.store, { partnerId: P }));
    expectShape(
      resetSettingsResponseSchema,
      await resetRecommendationSettings(t.store, { partnerId: P, actor, rule: 'UPSELL' }),
    );
    const added = await addExclusion(t.store, {
      partnerId: P,
      actor,
      customer: graphCustomer,
      product: '*',
      reason: 'pilot',
    });
    expectShape(addExclusionResponseSchema, added);
    expectShape(listExclusionsResponseSchema, await listExclusions(t.store, { partnerId: P }));
    expectShape(
      removeExclusionResponseSchema,
      await removeExclusion(t.store, { partnerId: P, actor, customer: 'Graph Co', product: '*' }),
    );
    const log = await settingsHistory(t.store, { partnerId: P });
    expect(log).toHaveLength(4);
    expectShape(settingsLogResponseSchema, log);
  });

  it('the server’s reads: customer analytics, trend, subscriptions, groups, data trust, a scoped status, the audit log', async () => {
    const portfolio = await getPortfolioReport(t.store, { partnerId: P });
    const id = portfolio.customers[0]?.customerId ?? '';
    expectShape(
      customerAnalyticsResponseSchema,
      await getCustomerAnalytics(t.store, { partnerId: P, customer: id }),
    );
    const trend = await getCustomerTrend(t.store, {
      partnerId: P,
      customer: graphCustomer,
      days: 5,
      workloads: true,
    });
    expect(trend.days).toHaveLength(5);
    expectShape(customerTrendResponseSchema, trend);
    expectShape(
      customerSubscriptionsResponseSchema,
      await getCustomerSubscriptions(t.store, { partnerId: P, customer: id }),
    );
    expectShape(customerGroupsResponseSchema, customerGroups(await t.store.customers(P)));
    const trust = await getDataTrust(t.store, { partnerId: P });
    expect(trust.customers).toHaveLength(9);
    expectShape(dataTrustReportSchema, trust);
    const scoped = await getStatus(t.store, { partnerId: P, customerIds: [graphCustomer] });
    expect(scoped.partners[0]?.customers).toBe(1);
    expectShape(statusResponseSchema, scoped);
    const accounts = await openAccountStore({ dataDir: t.dataDir });
    try {
      const log = await getAuditLog(t.store, accounts, { partnerId: P });
      expect(log.length).toBeGreaterThan(0);
      expectShape(auditLogResponseSchema, log);
    } finally {
      await accounts.close();
    }
  });

  it('thresholds changed together, and recommendations with a silenced card (rank 0)', async () => {
    const actor = 'alice';
    expectShape(
      changeSettingsResponseSchema,
      await changeRecommendationSettings(t.store, {
        partnerId: P,
        actor,
        changes: [
          { path: 'UPSELL.enabled', value: false },
          { path: 'LOW_ADOPTION.usageBelow', value: '45' },
        ],
      }),
    );
    await resetRecommendationSettings(t.store, { partnerId: P, actor });
    const [card] = (await getRecommendations(t.store, { partnerId: P, locale: 'en' })).cards;
    if (card === undefined) throw new Error('no card');
    await addExclusion(t.store, {
      partnerId: P,
      actor,
      customer: card.customerId,
      product: '*',
      reason: 'x',
    });
    const r = await getRecommendations(t.store, { partnerId: P, locale: 'en' });
    expect(r.silenced.length).toBeGreaterThan(0);
    expectShape(recommendationsResponseSchema, r);
    await removeExclusion(t.store, { partnerId: P, actor, customer: card.customerId, product: '*' });
  });

  it('an error as an adapter sends it on: code, a message about the data, a hint', async () => {
    const e = await getPortfolioReport(t.store, { partnerId: 'no-metrics' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AppError);
    const body = (e as AppError).toResponse();
    expect(body).toEqual({
      code: 'not_found',
      message: 'no metrics yet: none have been computed for this partner',
      hint: { kind: 'compute_metrics' },
      problems: [],
    });
    expectShape(errorResponseSchema, body);
  });

  it('reports carrying the stale-metrics signal after an import', async () => {
    const later = fileURLToPath(new URL('./fixtures/graph/active-users-2026-03-31.csv', import.meta.url));
    expect((await t.import([later], { customer: graphCustomer })).outcome).toBe('committed');
    const portfolio = await getPortfolioReport(t.store, { partnerId: P });
    expect(portfolio.stale?.customers).toEqual([graphCustomer]);
    expectShape(portfolioReportResponseSchema, portfolio);
    const r = await getRecommendations(t.store, { partnerId: P, locale: 'en' });
    expect(r.stale).not.toBeNull();
    expectShape(recommendationsResponseSchema, r);
    expectShape(
      customerReportResponseSchema,
      await getCustomerReport(t.store, { partnerId: P, customer: graphCustomer }),
    );
  });

  it('catches drift: a field the schema does not know fails the check', async () => {
    const r = await getRecommendations(t.store, { partnerId: P, locale: 'en' });
    const drifted = { ...r, extra: 1 };
    expect(recommendationsResponseSchema.safeParse(drifted).data).not.toEqual(drifted);
    const retyped = { ...r, day: 20260331 };
    expect(recommendationsResponseSchema.safeParse(retyped).success).toBe(false);
  });
});
