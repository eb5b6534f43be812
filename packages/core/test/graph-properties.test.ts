/**
 * Property test of the Graph "Office 365 active user detail" import (fast-check, real DuckDB): the
 * three ways a report can take give the same store.
 *   A. clean reports: the fast path (typed read), the first one written as a first load;
 *   B. the same reports, each with one bad record, imported with --partial: the precise path
 *      (stage, validate, reject that record), the first one also a first load;
 *   C. the same clean reports after a canonical import of another user of the customer: every
 *      report merged with stored data (no first load);
 *   D. the core's pure rules (ingest/graph-report.ts) applied to the records in memory: the
 *      engine-neutral definition the embedded store's SQL must agree with.
 * Reports come in random order (stale ones included), with random letter case of UPNs (two
 * spellings of one user in a report go the precise way in A too), deletions, OneDrive and
 * SharePoint on one day or in one month, two report names of one product, and unknown products.
 */
import { GRAPH_ACTIVE_USER_COLUMNS } from '@license-insights/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { effectiveCatalog, productResolver, shippedCatalog } from '../src/catalog/catalog';
import { formatDay } from '../src/dates';
import {
  graphReportFacts,
  graphUserOf,
  isStaleReport,
  type LicenseInterval,
  licenseChanges,
  type ReportProduct,
} from '../src/ingest/graph-report';
import { dumpAll, TEST_PARTNER, type TempStore, tempStore } from '../src/testing';

const USERS = ['adele', 'alex', 'isaiah', 'megan', 'lee', 'nestor'];
const PRODUCTS = [
  'OFFICE 365 E3',
  'MICROSOFT 365 E5',
  'POWER BI PRO',
  'MICROSOFT 365 BUSINESS PREMIUM',
  'MICROSOFT 365 BUSINESS', // a second report name of Business Premium
  'CONTOSO SPECIAL PLAN', // unknown
];
const DAY0 = 20_500; // 2026-02-16

interface ReportRow {
  user: number;
  upper: boolean;
  deleted: boolean;
  deletedOn: number | null;
  last: (number | null)[]; // exo, od, sp, sfb, yam, teams: days before the refresh
  assign: (number | null)[];
  products: number[];
}

const back = fc.option(fc.integer({ min: 0, max: 40 }), { nil: null });
const rowArb: fc.Arbitrary<ReportRow> = fc.record({
  user: fc.integer({ min: 0, max: USERS.length - 1 }),
  upper: fc.boolean(),
  deleted: fc.boolean(),
  deletedOn: fc.option(fc.integer({ min: 0, max: 10 }), { nil: null }),
  last: fc.array(back, { minLength: 6, maxLength: 6 }),
  assign: fc.array(fc.option(fc.integer({ min: 0, max: 400 }), { nil: null }), {
    minLength: 6,
    maxLength: 6,
  }),
  products: fc.uniqueArray(fc.integer({ min: 0, max: PRODUCTS.length - 1 }), { maxLength: 3 }),
});
const reportArb = fc.record({
  day: fc.integer({ min: 0, max: 20 }),
  // A UPN once per report in one spelling (twice is an error), maybe twice in two letter cases.
  rows: fc.uniqueArray(rowArb, { minLength: 1, maxLength: 6, selector: (r) => `${r.user}:${r.upper}` }),
});

function reportCsv(r: { day: number; rows: ReportRow[] }, bad: boolean): string {
  const refresh = DAY0 + r.day;
  const date = (back: number | null) => (back === null ? '' : formatDay(refresh - back));
  const lines = r.rows.map((u) => {
    const name = USERS[u.user] ?? 'x';
    const upn = `${u.upper ? name.toUpperCase() : name}@contoso.com`;
    return [
      formatDay(refresh),
      upn,
      `User ${name}`,
      u.deleted ? 'True' : 'False',
      u.deleted ? date(u.deletedOn) : '',
      'True',
      'True',
      'True',
      'False',
      'True',
      'True',
      ...u.last.map(date),
      ...u.assign.map(date),
      u.products.map((p) => PRODUCTS[p]).join('+'),
    ].join(',');
  });
  if (bad) lines.push(['2026-02-31', 'junk@contoso.com', ...Array(22).fill('')].join(','));
  const header = GRAPH_ACTIVE_USER_COLUMNS.map((c) => c.header).join(',');
  return `\uFEFF${header}\r\n${lines.join('\r\n')}\r\n`;
}

async function importAll(
  t: TempStore,
  reports: { day: number; rows: ReportRow[] }[],
  bad: boolean,
  customerStored = false,
): Promise<void> {
  for (const [i, r] of reports.entries()) {
    const file = t.files.file(`r${i}.csv`, reportCsv(r, bad));
    const customer = customerStored || i > 0 ? { customer: 'Contoso' } : { createCustomer: 'Contoso' };
    const out = await t.import([file], { ...customer, partial: bad });
    if (out.outcome === 'rejected') throw new Error(JSON.stringify(out.files[0]?.errors));
    if (bad) expect(out.files[0]?.rejected).toBe(1);
  }
}

async function stateOf(t: TempStore, without?: string) {
  const d = await dumpAll(t.store);
  const drop = (rows: Record<string, string>[] | undefined) =>
    (rows ?? []).filter((r) => r.user_id !== without).map((r) => JSON.stringify(r));
  const trust = await t.store.dataTrust(TEST_PARTNER);
  return {
    users: drop(d.users),
    activity: drop(d.activity),
    assignments: drop(d.license_assignments),
    products: drop(d.products),
    // The report's coverage (C's canonical users file adds one of its own), flags, unknown products.
    trust: trust.map((x) => ({ ...x, sources: x.sources.filter((s) => s.source === 'graph_active_users') })),
    // Metrics are marked out of date from the same day.
    dirty: (await t.store.metricsPlan(TEST_PARTNER)).dirty,
  };
}

/** D: the reports applied by the core's pure rules to one customer's data held in memory, dumped as the store dumps it. */
function modelOf(reports: { day: number; rows: ReportRow[] }[]) {
  const resolver = productResolver(effectiveCatalog(shippedCatalog().products, []));
  const resolve = (name: string): ReportProduct => {
    const p = resolver.byReportName(name);
    return p === undefined
      ? { productId: name, known: false, workloads: [] }
      : { productId: p.productId, known: true, workloads: p.workloads };
  };
  const columns = GRAPH_ACTIVE_USER_COLUMNS.map((c) => c.name);
  const users = new Map<string, { upn: string; displayName: string | null; deletedOn: string | null }>();
  const facts = new Set<string>();
  let intervals: LicenseInterval[] = [];
  let newest: string | null = null;
  for (const r of reports) {
    const lines = reportCsv(r, false)
      .replace(/^\uFEFF/, '')
      .split('\r\n')
      .slice(1, -1);
    const report = graphReportFacts(
      lines.map((l) => graphUserOf(columns, l.split(','))),
      resolve,
    );
    const stale = isStaleReport(report, newest);
    for (const u of report.users)
      if (!stale || !users.has(u.userId))
        users.set(u.userId, { upn: u.upn, displayName: u.displayName, deletedOn: u.deletedOn });
    for (const a of report.activity) facts.add(JSON.stringify([a.userId, a.workload, a.date]));
    if (!stale) {
      const changes = licenseChanges(
        intervals,
        report.listed,
        new Map(report.users.map((u) => [u.userId, u.refresh])),
      );
      const closed = new Map(changes.close.map((c) => [c.interval, c.on]));
      intervals = [
        ...intervals.map((i) => {
          const on = closed.get(i);
          return on === undefined ? i : { ...i, unassignedOn: on };
        }),
        ...changes.open,
      ];
    }
    const date = report.refreshDates[report.refreshDates.length - 1] ?? null;
    if (date !== null && (newest === null || date > newest)) newest = date;
  }
  const byText = (a: string[], b: string[]) => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] ?? '') < (b[i] ?? '') ? -1 : 1;
    return 0;
  };
  const customer_id = 'contoso';
  return {
    users: [...users.entries()]
      .sort(([a], [b]) => byText([a], [b]))
      .map(([user_id, u]) =>
        JSON.stringify({
          customer_id,
          user_id,
          upn: u.upn,
          display_name: u.displayName ?? '',
          deleted_on: u.deletedOn ?? '',
        }),
      ),
    activity: [...facts]
      .map((f) => JSON.parse(f) as string[])
      .sort(byText)
      .map(([user_id, workload, date]) => JSON.stringify({ customer_id, user_id, workload, date })),
    assignments: intervals
      .map((i) => [i.userId, i.productId, i.assignedOn, i.unassignedOn ?? ''])
      .sort(byText)
      .map(([user_id, product_id, assigned_on, unassigned_on]) =>
        JSON.stringify({ customer_id, user_id, product_id, assigned_on, unassigned_on }),
      ),
  };
}

describe('Graph report import paths', () => {
  it('fast path, precise path, merge with stored data and the core rules give the same store (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(reportArb, { minLength: 1, maxLength: 3 }), async (reports) => {
        const a = await tempStore();
        const b = await tempStore();
        const c = await tempStore();
        try {
          await importAll(a, reports, false);
          await importAll(b, reports, true);
          // The id --create-customer "Contoso" gives in A and B.
          const customers = c.files.file('customers.csv', 'customer_id,name\ncontoso,Contoso\n');
          const users = c.files.file('users.csv', 'customer_id,user_id\ncontoso,sentinel@contoso.com\n');
          expect((await c.import([customers, users])).outcome).toBe('committed');
          await importAll(c, reports, false, true);
          const sa = await stateOf(a);
          expect(await stateOf(b)).toEqual(sa);
          expect(await stateOf(c, 'sentinel@contoso.com')).toEqual(sa);
          expect(modelOf(reports)).toEqual({
            users: sa.users,
            activity: sa.activity,
            assignments: sa.assignments,
          });
          // Natural keys and user keys unique in every store (the per-user tables have no index).
          for (const x of [a, b, c]) expect(await x.store.verifyIntegrity()).toEqual([]);
        } finally {
          await a.close();
          await b.close();
          await c.close();
        }
      }),
      { numRuns: 25 },
    );
  }, 240_000);
});
