/**
 * Daily metrics through the store: the SPEC §2.2 worked example imported as canonical files and
 * computed end to end; stored metrics equal the reference; incremental updates equal a full
 * recompute.
 */

import { fileURLToPath } from 'node:url';
import {
  type Channel,
  GRAPH_ACTIVE_USER_COLUMNS,
  type SubscriptionStatus,
  type WorkloadCode,
} from '@license-insights/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { effectiveCatalog, shippedCatalog } from '../src/catalog/catalog';
import { addDays } from '../src/dates';
import { writeDemoDataset } from '../src/demo/generate-demo';
import { isAppError } from '../src/errors';
import { type CustomerInput, referenceCustomerMetrics } from '../src/metrics/reference';
import { F } from '../src/metrics/sums';
import { TEST_PARTNER, type TempStore, tempStore } from '../src/testing';
import { computeMetrics } from '../src/use-cases/compute-metrics';
import { getCustomerReport, getPortfolioReport } from '../src/use-cases/report-metrics';

const E3 = '6fd2c87f-b296-42f0-b197-1e91e994b900';

let t: TempStore;

/** Every stored per-customer sum run of a partner (ALL and workload cells), as sorted text. */
async function storedSums(partnerId: string): Promise<string[]> {
  const out: string[] = [];
  for (const which of ['ALL', 'each'] as const) {
    const s = await t.store.sumRuns(partnerId, '1970-01-01', '9999-12-31', which);
    for (let i = 0; i < s.count; i++) {
      out.push(
        [
          s.customerIds[s.customer[i] as number],
          s.cell[i],
          s.first[i],
          s.last[i],
          ...s.values.subarray(i * F, (i + 1) * F),
        ].join(','),
      );
    }
  }
  return out.sort();
}

function workedExample(t: TempStore): string {
  const holders = Array.from({ length: 15 }, (_, i) => `u${i + 1}`);
  t.files.file('we/customers.csv', 'customer_id,name\ncontoso,Contoso\n');
  t.files.file(
    'we/users.csv',
    `customer_id,user_id\n${[...holders, 'u16', 'u17'].map((u) => `contoso,${u}`).join('\n')}\n`,
  );
  t.files.file(
    'we/subscriptions.csv',
    [
      'as_of,subscription_id,customer_id,product_id,quantity,status,is_trial,channel',
      `2026-01-01,S1,contoso,${E3},10,active,false,own`,
      `2026-01-01,S2,contoso,${E3},5,active,false,direct`,
      `2026-03-20,S2,contoso,${E3},5,expired,false,direct`,
      `2026-03-01,S3,contoso,${E3},3,active,true,own`,
    ].join('\n'),
  );
  t.files.file(
    'we/license_assignments.csv',
    [
      'customer_id,user_id,product_id,assigned_on,unassigned_on',
      ...holders.map((u) => `contoso,${u},${E3},2026-01-01,`),
      `contoso,u17,${E3},2026-01-01,2026-03-10`,
      `contoso,u16,${E3},2026-03-10,`,
    ].join('\n'),
  );
  t.files.file(
    'we/activity.csv',
    [
      'customer_id,user_id,workload,date',
      ...holders.map((u) => `contoso,${u},EXO,2026-03-25`),
      'contoso,u17,EXO,2026-03-05',
      'contoso,u1,EXO,2026-03-31',
    ].join('\n'),
  );
  return `${t.files.dir}/we`;
}

beforeEach(async () => {
  t = await tempStore();
});
afterEach(async () => {
  await t.close();
});

describe('daily metrics', () => {
  it('refuses a split compute on the embedded store, whether or not anything is out of date', async () => {
    const split = () => computeMetrics(t.store, { partnerId: TEST_PARTNER, parts: 2 });
    const refused = (e: unknown) =>
      isAppError(e) && e.code === 'usage.invalid_argument' && /shared store/.test(e.message);
    await expect(split()).rejects.toSatisfy(refused);
    await t.import([workedExample(t)]);
    await computeMetrics(t.store, { partnerId: TEST_PARTNER });
    await expect(split()).rejects.toSatisfy(refused);
    expect((await computeMetrics(t.store, { partnerId: TEST_PARTNER })).mode).toBe('up_to_date');
  });

  it('hold the SPEC §2.2 worked example end to end (import → compute → stored row)', async () => {
    expect((await t.import([workedExample(t)])).outcome).toBe('committed');
    const r = await computeMetrics(t.store, { partnerId: 'p-test' });
    expect(r).toMatchObject({ mode: 'full', customers: 1, firstDay: '2026-03-05', lastDay: '2026-03-31' });
    const rows = await t.store.dailyMetrics('p-test', '2026-03-31');
    const exo = rows.find((x) => x.workload === 'EXO');
    expect(exo).toEqual({
      customerId: 'contoso',
      productId: E3,
      workload: 'EXO',
      day: '2026-03-31',
      sold: 10,
      soldOwn: 10,
      assigned: 16,
      active: 16,
      deploymentPercent: 160,
      usagePercent: 160,
      usageReasons: { ROTATION: 1, TRIAL: 3, NONCOUNTED_SUBSCRIPTION: 2 },
      deploymentReasons: { TRIAL: 3, NONCOUNTED_SUBSCRIPTION: 3 },
      // The import's activity starts on 2026-03-05: the window of D reaches back one day before it.
      usageKnown: true,
      partialWindow: true,
    });
    expect(rows.map((x) => x.workload)).toEqual(['ALL', 'EXO', 'SPO', 'TEAMS', 'YAM', 'SFB', 'OFFICE']);
    // The import has EXO rows only: the other workloads are not measured (SPEC §2.3).
    expect(rows.filter((x) => x.usageKnown).map((x) => x.workload)).toEqual(['ALL', 'EXO']);
    expect(rows.find((x) => x.workload === 'TEAMS')).toMatchObject({ active: null, usagePercent: null });
    expect((await computeMetrics(t.store, { partnerId: 'p-test' })).mode).toBe('up_to_date');
    // The customer report: u16 holds E3 and never used it; everyone else was active 6 days ago.
    const report = await getCustomerReport(t.store, {
      partnerId: 'p-test',
      customer: 'Contoso',
      day: '2026-03-31',
    });
    // EXO is measured from 2026-03-05 only: 28 days of inactivity cannot be told yet.
    expect(report.inactive).toEqual([
      {
        productId: E3,
        productName: 'Office 365 E3',
        availability: 'not_enough_data',
        days28: null,
        days60: null,
        days90: null,
        users: [],
      },
    ]);
    const later = await getCustomerReport(t.store, {
      partnerId: 'p-test',
      customer: 'Contoso',
      day: '2026-04-01',
    }).catch((e: Error) => e);
    expect(later).toBeInstanceOf(Error); // no metrics past the data
    expect(report.unassigned).toEqual([]);
    expect(report.dataTrust).toMatchObject({
      customerId: 'contoso',
      missing: [],
      unknownProducts: [],
      flags: [],
    });
    expect(report.totals).toMatchObject({
      sold: 10,
      assigned: 16,
      active: 16,
      soldMeasured: 10,
      soldNotMeasured: 0,
      partialWindow: true,
      usageReasons: { ROTATION: 1, TRIAL: 3, NONCOUNTED_SUBSCRIPTION: 2 },
    });
  });

  it('Graph reports measure their workloads on their refresh dates only: Office usage unknown, never 0 (SPEC §2.3)', async () => {
    const graph = (name: string) => fileURLToPath(new URL(`./fixtures/graph/${name}`, import.meta.url));
    t.files.file(
      'subs/subscriptions.csv',
      `as_of,subscription_id,customer_id,product_id,quantity,status,is_trial,channel\n2026-01-01,S1,contoso,${E3},10,active,false,own\n`,
    );
    await t.import([graph('active-users-2026-03-30.csv')], { createCustomer: 'Contoso', graphPeriod: 'D30' });
    await t.import([graph('active-users-2026-03-31.csv')], { customer: 'contoso', graphPeriod: 'D7' });
    await t.import([`${t.files.dir}/subs`]);
    await computeMetrics(t.store, { partnerId: 'p-test' });
    const e3 = async (day: string) =>
      (await t.store.dailyMetrics('p-test', day)).filter((r) => r.productId === E3);
    const onReport = await e3('2026-03-30');
    const known = onReport.filter((r) => r.usageKnown).map((r) => r.workload);
    expect(known).toEqual(['ALL', 'EXO', 'SPO', 'TEAMS', 'YAM', 'SFB']);
    expect(onReport.find((r) => r.workload === 'OFFICE')).toMatchObject({
      sold: 10,
      active: null,
      usagePercent: null,
      usageReasons: null,
    });
    expect(onReport.find((r) => r.workload === 'EXO')).toMatchObject({ partialWindow: false });
    // The D7 report of 2026-03-31 adds facts but measures nothing; no report on 2026-03-29.
    for (const day of ['2026-03-29', '2026-03-31'])
      expect((await e3(day)).every((r) => !r.usageKnown && r.active === null && r.sold === 10)).toBe(true);
    const portfolio = await getPortfolioReport(t.store, { partnerId: 'p-test', day: '2026-03-31' });
    expect(portfolio.totals).toMatchObject({
      sold: 10,
      active: null,
      usagePercent: null,
      soldNotMeasured: 10,
    });
    expect(portfolio.bands.unmeasured).toBe(1);
    // The customer report says what was measured: the Graph workloads, with data back over 30 days.
    const report = await getCustomerReport(t.store, {
      partnerId: 'p-test',
      customer: 'contoso',
      day: '2026-03-30',
    });
    expect(report.usageData.workloads.filter((w) => w.state !== 'unknown')).toEqual(
      ['EXO', 'SPO', 'TEAMS', 'YAM', 'SFB'].map((workload) => ({
        workload,
        state: 'known',
        dataSince: '2026-03-01',
      })),
    );
  });

  it('counts open-workload use of a customer with no product including the workload for the data-trust view only', async () => {
    const EXO_ONLY = '4b9405b0-7788-4568-add1-99614e613b69'; // Exchange Online (Plan 1): no Yammer
    t.files.file('oy/customers.csv', 'customer_id,name\nc1,Fabrikam\n');
    t.files.file('oy/users.csv', 'customer_id,user_id\nc1,u1\nc1,u2\n');
    t.files.file(
      'oy/subscriptions.csv',
      `as_of,subscription_id,customer_id,product_id,quantity,status,is_trial,channel\n2026-01-01,S1,c1,${EXO_ONLY},2,active,false,own\n`,
    );
    t.files.file(
      'oy/license_assignments.csv',
      `customer_id,user_id,product_id,assigned_on\nc1,u1,${EXO_ONLY},2026-01-01\n`,
    );
    t.files.file(
      'oy/activity.csv',
      'customer_id,user_id,workload,date\nc1,u1,EXO,2026-01-05\nc1,u1,YAM,2026-03-20\nc1,u2,YAM,2026-03-21\n',
    );
    await t.import([`${t.files.dir}/oy`]);
    await computeMetrics(t.store, { partnerId: 'p-test' });
    const report = await getCustomerReport(t.store, {
      partnerId: 'p-test',
      customer: 'c1',
      day: '2026-03-21',
    });
    expect(report.rows.map((r) => [r.workloadCode, r.licensesActive])).toEqual([
      ['ALL', 0],
      ['EXO', 0],
    ]);
    expect(report.usageData.unattributedOpenUse).toEqual([{ workload: 'YAM', users: 2 }]);
  });

  it('month over month leaves out customers whose usage is not known on both days (bug: "usage +89.0 pt")', async () => {
    // 30 days of demo history (activity from 2026-03-02) beside an older Graph report (2026-02-28)
    // for another customer: no customer is known on D and within 3 days of the compared day with a
    // whole window, so the change is "not enough history", not a comparison with the Graph customer.
    const dir = `${t.files.dir}/demo30`;
    await writeDemoDataset(dir, { customers: 4, seed: 'mom', days: 30, end: '2026-03-31' });
    await t.import([dir]);
    const header = GRAPH_ACTIVE_USER_COLUMNS.map((c) => c.header).join(',');
    const values = (upn: string) =>
      GRAPH_ACTIVE_USER_COLUMNS.map((c) =>
        c.name === 'refresh_date'
          ? '2026-02-28'
          : c.name === 'upn'
            ? upn
            : c.name === 'is_deleted'
              ? 'False'
              : c.name === 'last_exo'
                ? '2026-02-20'
                : c.name === 'assigned_products'
                  ? 'OFFICE 365 E3'
                  : '',
      ).join(',');
    const report = t.files.file(
      'old/Office365ActiveUserDetail_D30.csv',
      `${header}\n${values('a@older.example')}\n`,
    );
    await t.import([report], { createCustomer: 'Older Co' });
    await computeMetrics(t.store, { partnerId: 'p-test' });
    const p = await getPortfolioReport(t.store, { partnerId: 'p-test', day: '2026-03-31' });
    expect(p.monthOverMonth).toMatchObject({ comparedDay: '2026-02-28', customers: 0, leftOut: 5 });
    expect(p.monthOverMonth.change.usagePoints).toBeNull();
    // The compared day has known usage for the Graph customer only: what the old code compared with.
    const compared = await t.store.dailyMetrics('p-test', '2026-02-28');
    expect(new Set(compared.filter((r) => r.usageKnown).map((r) => r.customerId))).toEqual(
      new Set(['older-co']),
    );
  });

  it('counts users inactive for 28, 60 and 90 days from the last activity in the product workloads', async () => {
    await t.import([workedExample(t)]);
    await computeMetrics(t.store, { partnerId: 'p-test' });
    const scopes = [{ customerId: 'contoso', productId: E3, workloads: ['EXO' as const] }];
    const inactive = await t.store.inactiveLicensedUsers('p-test', '2026-03-31', scopes, 6);
    // Active on 03-25 = 6 days before D: inactive for 6 days; u1 was active on D itself; u16 never.
    expect(inactive[0]).toMatchObject({
      userId: 'u16',
      lastActive: null,
      daysInactive: null,
      lastActiveByWorkload: {},
    });
    expect(inactive[1]).toMatchObject({ customerId: 'contoso', lastActiveByWorkload: { EXO: '2026-03-25' } });
    expect(inactive).toHaveLength(15);
    expect(inactive.filter((u) => u.daysInactive === 6)).toHaveLength(14);
    expect(inactive.some((u) => u.userId === 'u1')).toBe(false);
    // The counts are the lists' lengths (one definition).
    expect(await t.store.inactiveLicensedCounts('p-test', '2026-03-31', scopes, 6)).toEqual([
      { customerId: 'contoso', productId: E3, users: 15 },
    ]);
    expect(await t.store.inactiveLicensedCounts('p-test', '2026-03-31', scopes, 7)).toEqual([
      { customerId: 'contoso', productId: E3, users: 1 },
    ]);
  });

  it('incremental updates after new imports equal a full recompute', async () => {
    const dir = `${t.files.dir}/demo`;
    await writeDemoDataset(dir, { customers: 8, seed: 'inc', days: 70, end: '2026-03-31' });
    // First import without the last 10 days of activity, then those days and a change of subscription.
    const fs = await import('node:fs');
    const lines = fs.readFileSync(`${dir}/activity.csv`, 'utf8').trimEnd().split('\n');
    const header = lines[0] ?? '';
    const cut = addDays('2026-03-31', -9);
    const early = lines.slice(1).filter((l) => (l.split(',')[3] ?? '') < cut);
    const late = lines.slice(1).filter((l) => (l.split(',')[3] ?? '') >= cut);
    fs.writeFileSync(`${dir}/activity.csv`, `${header}\n${early.join('\n')}\n`);
    await t.import([dir]);
    await computeMetrics(t.store, { partnerId: 'p-test' });
    t.files.file('late/activity.csv', `${header}\n${late.join('\n')}\n`);
    const subs = fs.readFileSync(`${dir}/subscriptions.csv`, 'utf8').trimEnd().split('\n');
    const first = (subs[1] ?? '').split(',');
    first[0] = '2026-03-15';
    first[4] = String(Number(first[4]) + 7);
    t.files.file('late/subscriptions.csv', `${subs[0]}\n${first.join(',')}\n`);
    expect((await t.import([`${t.files.dir}/late`])).outcome).toBe('committed');
    const inc = await computeMetrics(t.store, { partnerId: 'p-test' });
    expect(inc.mode).toBe('incremental');
    // Runs cut at the first recomputed day and extended again where nothing changed: no overlap,
    // no two adjacent equal runs (the table as compact as after a full recompute).
    expect(await t.store.verifyIntegrity()).toEqual([]);
    const days = ['2026-03-10', '2026-03-15', '2026-03-22', '2026-03-31'];
    const incremental = await Promise.all(days.map((d) => t.store.dailyMetrics('p-test', d)));
    const incrementalSums = await storedSums('p-test');
    await computeMetrics(t.store, { partnerId: 'p-test', full: true });
    const full = await Promise.all(days.map((d) => t.store.dailyMetrics('p-test', d)));
    expect(incremental).toEqual(full);
    expect(full[3]?.length).toBeGreaterThan(20);
    // The per-customer sums too: the same runs (maximal both ways), cut and extended alike.
    const fullSums = await storedSums('p-test');
    expect(incrementalSums).toEqual(fullSums);
    expect(fullSums.length).toBeGreaterThan(20);
  });

  it('stored metrics equal the reference computed from the stored canonical data', async () => {
    const dir = `${t.files.dir}/demo`;
    await writeDemoDataset(dir, { customers: 12, seed: 'ref', days: 60, end: '2026-03-31' });
    await t.import([dir]);
    await computeMetrics(t.store, { partnerId: 'p-test' });
    const dump = Object.fromEntries(
      await Promise.all(
        (['customers', 'users', 'license_assignments', 'subscriptions', 'activity'] as const).map(
          async (e) => [e, await t.store.dumpCanonical('p-test', e)] as const,
        ),
      ),
    ) as Record<string, Record<string, string>[]>;
    const catalog = effectiveCatalog(shippedCatalog().products, await t.store.partnerProducts('p-test'));
    const of = (e: string, c: string) => (dump[e] ?? []).filter((r) => r.customer_id === c);
    const importWorkloads = [...new Set((dump.activity ?? []).map((a) => a.workload as WorkloadCode))];
    const firstFact = (dump.activity ?? []).map((a) => a.date ?? '').sort()[0] ?? '';
    expect(importWorkloads.length).toBeGreaterThan(3);
    for (const day of ['2026-02-01', '2026-03-03', '2026-03-31']) {
      const stored = await t.store.dailyMetrics('p-test', day);
      const expected = (dump.customers ?? []).flatMap((c) => {
        const id = c.customer_id ?? '';
        const subs = new Map<string, CustomerInput['subscriptions'][number]>();
        for (const s of of('subscriptions', id)) {
          const key = s.subscription_id ?? '';
          const entry = subs.get(key) ?? {
            subscriptionId: key,
            productId: s.product_id ?? '',
            snapshots: [],
          };
          (entry.snapshots as unknown[]).push({
            asOf: s.as_of ?? '',
            quantity: Number(s.quantity),
            status: s.status as SubscriptionStatus,
            isTrial: s.is_trial === 'true',
            channel: s.channel as Channel,
          });
          subs.set(key, entry);
        }
        const input: CustomerInput = {
          customerId: id,
          products: catalog,
          subscriptions: [...subs.values()],
          users: of('users', id).map((u) => ({ userId: u.user_id ?? '', deletedOn: u.deleted_on || null })),
          assignments: of('license_assignments', id).map((a) => ({
            userId: a.user_id ?? '',
            productId: a.product_id ?? '',
            assignedOn: a.assigned_on ?? '',
            unassignedOn: a.unassigned_on || null,
          })),
          activity: of('activity', id).map((a) => ({
            userId: a.user_id ?? '',
            workload: a.workload as WorkloadCode,
            date: a.date ?? '',
          })),
          // One canonical import: every workload it has rows of, from its first fact date, for
          // every customer it has rows for.
          measured: {
            canonical:
              of('activity', id).length === 0
                ? []
                : importWorkloads.map((workload) => ({ workload, from: firstFact })),
            graph: [],
          },
        };
        return referenceCustomerMetrics(input, day);
      });
      const key = (r: { customerId: string; productId: string; workload: string }) =>
        `${r.customerId}|${r.productId}|${r.workload}`;
      const sort = <T extends { customerId: string; productId: string; workload: string }>(rows: T[]) =>
        [...rows].sort((a, b) => (key(a) < key(b) ? -1 : 1));
      expect(sort(stored)).toEqual(sort(expected));
      expect(stored.length).toBeGreaterThan(50);
    }
  });

  it('incremental equals full recompute on random portfolios and random late imports (property)', async () => {
    const fs = await import('node:fs');
    const fc = (await import('fast-check')).default;
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 6 }),
        fc.integer({ min: 2, max: 30 }),
        async (seed, back) => {
          const partnerId = `prop-${run++}`;
          const dir = `${t.files.dir}/p-${partnerId}`;
          await writeDemoDataset(dir, { customers: 4, seed, days: 50, end: '2026-03-31' });
          const lines = fs.readFileSync(`${dir}/activity.csv`, 'utf8').trimEnd().split('\n');
          const cut = addDays('2026-03-31', -back);
          const rest = lines.slice(1).filter((l) => (l.split(',')[3] ?? '') >= cut);
          fs.writeFileSync(
            `${dir}/activity.csv`,
            `${lines[0]}\n${lines
              .slice(1)
              .filter((l) => (l.split(',')[3] ?? '') < cut)
              .join('\n')}\n`,
          );
          await t.import([dir], { partnerId });
          await computeMetrics(t.store, { partnerId });
          t.files.file(`late-${partnerId}/activity.csv`, `${lines[0]}\n${rest.join('\n')}\n`);
          await t.import([`${t.files.dir}/late-${partnerId}`], { partnerId });
          await computeMetrics(t.store, { partnerId });
          expect(await t.store.verifyIntegrity()).toEqual([]);
          const days = ['2026-02-20', cut, '2026-03-31'];
          const incremental = await Promise.all(days.map((d) => t.store.dailyMetrics(partnerId, d)));
          const incrementalSums = await storedSums(partnerId);
          await computeMetrics(t.store, { partnerId, full: true });
          const full = await Promise.all(days.map((d) => t.store.dailyMetrics(partnerId, d)));
          expect(incremental).toEqual(full);
          expect(incrementalSums).toEqual(await storedSums(partnerId));
        },
      ),
      { numRuns: 6 },
    );
  });
});
