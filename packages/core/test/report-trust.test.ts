/**
 * Reports that say when they cannot be trusted, on real DuckDB: metrics out of date after an
 * import (changed customers, days past the computed range), an unknown group, a store that does
 * not exist; and the partner a command acts for when none is named.
 *
 * Blueprint: customers c1 (group north) and c2 (group south), one E3 subscription of 2 licenses
 * and 2 users each, users active in Exchange every day 2026-03-01 … 2026-03-31.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDays } from '../src/dates';
import { AppError } from '../src/errors';
import { openStore } from '../src/store/open-store';
import type { MetricsPlan } from '../src/store/store';
import { TEST_PARTNER as P, type TempStore, tempDir, tempStore } from '../src/testing';
import { computeMetrics } from '../src/use-cases/compute-metrics';
import { getRecommendations } from '../src/use-cases/get-recommendations';
import { staleMetricsOf } from '../src/use-cases/metrics-freshness';
import { getCustomerReport, getPortfolioReport, ReportContexts } from '../src/use-cases/report-metrics';
import { resolvePartner } from '../src/use-cases/resolve-partner';

const E3 = '6fd2c87f-b296-42f0-b197-1e91e994b900';

function activity(t: TempStore, name: string, customers: string[], from: string, to: string): string {
  const rows = ['customer_id,user_id,workload,date'];
  for (let d = from; d <= to; d = addDays(d, 1))
    for (const c of customers) for (const u of ['u1', 'u2']) rows.push(`${c},${c}${u},EXO,${d}`);
  return t.files.file(name, `${rows.join('\n')}\n`);
}

async function blueprint(t: TempStore): Promise<void> {
  const cs = ['c1', 'c2'];
  const files = [
    t.files.file('bp/customers.csv', 'customer_id,name,groups\nc1,North Co,north\nc2,South Co,south\n'),
    t.files.file(
      'bp/users.csv',
      `customer_id,user_id\n${cs.flatMap((c) => [`${c},${c}u1`, `${c},${c}u2`]).join('\n')}\n`,
    ),
    t.files.file(
      'bp/subscriptions.csv',
      `as_of,subscription_id,customer_id,product_id,quantity,status,is_trial,channel\n${cs
        .map((c) => `2026-02-01,S-${c},${c},${E3},2,active,false,own`)
        .join('\n')}\n`,
    ),
    t.files.file(
      'bp/license_assignments.csv',
      `customer_id,user_id,product_id,assigned_on\n${cs
        .flatMap((c) => [`${c},${c}u1,${E3},2026-02-01`, `${c},${c}u2,${E3},2026-02-01`])
        .join('\n')}\n`,
    ),
    activity(t, 'bp/activity.csv', cs, '2026-03-01', '2026-03-31'),
  ];
  expect((await t.import(files)).outcome).toBe('committed');
  expect((await computeMetrics(t.store, { partnerId: P })).mode).toBe('full');
}

let t: TempStore;
/** The store of each test that uses one (opened and closed around it). */
function withStore(): void {
  beforeEach(async () => {
    t = await tempStore();
  });
  afterEach(async () => {
    await t.close();
  });
}

const plan = (over: Partial<MetricsPlan>): MetricsPlan => ({
  dirty: [],
  computed: { firstDay: '2026-03-01', lastDay: '2026-03-31' },
  activity: { firstDay: '2026-03-01', lastDay: '2026-03-31' },
  ...over,
});

describe('stale metrics (pure)', () => {
  it.each([
    ['nothing changed', plan({}), '2026-03-31', undefined, null],
    [
      'a customer changed on or before the day',
      plan({ dirty: [{ customerId: 'c2', fromDay: '2026-03-20' }] }),
      '2026-03-31',
      undefined,
      { customers: ['c2'], fromDay: '2026-03-20', uncomputed: null },
    ],
    [
      'the change is after the day reported',
      plan({ dirty: [{ customerId: 'c2', fromDay: '2026-03-20' }] }),
      '2026-03-19',
      undefined,
      null,
    ],
    [
      'another customer changed',
      plan({ dirty: [{ customerId: 'c2', fromDay: '2026-03-20' }] }),
      '2026-03-31',
      ['c1'],
      null,
    ],
    [
      'days past the computed range',
      plan({ activity: { firstDay: '2026-03-01', lastDay: '2026-04-02' } }),
      '2026-03-31',
      undefined,
      { customers: [], fromDay: null, uncomputed: { firstDay: '2026-04-01', lastDay: '2026-04-02' } },
    ],
  ])('%s', (_, p, day, scope, expected) => {
    expect(staleMetricsOf(p, day, scope)).toEqual(expected);
  });
});

describe('reports say when their metrics are out of date', () => {
  withStore();
  it('after an import that changed a customer, until compute (bug: old numbers printed silently)', async () => {
    await blueprint(t);
    const fresh = await getPortfolioReport(t.store, { partnerId: P });
    expect(fresh.stale).toBeNull();
    // c2's users were active in February too: c2's metrics change from 2026-02-10 on.
    expect((await t.import([activity(t, 'more.csv', ['c2'], '2026-02-10', '2026-02-12')])).outcome).toBe(
      'committed',
    );
    const stale = { customers: ['c2'], fromDay: '2026-02-10', uncomputed: null };
    expect((await getPortfolioReport(t.store, { partnerId: P })).stale).toEqual(stale);
    expect((await getRecommendations(t.store, { partnerId: P, locale: 'en' })).stale).toEqual(stale);
    expect((await getCustomerReport(t.store, { partnerId: P, customer: 'South Co' })).stale).toEqual(stale);
    // Narrowed to what did not change: nothing to say.
    expect((await getCustomerReport(t.store, { partnerId: P, customer: 'c1' })).stale).toBeNull();
    expect((await getPortfolioReport(t.store, { partnerId: P, group: 'north' })).stale).toBeNull();
    expect(
      (await getRecommendations(t.store, { partnerId: P, locale: 'en', customer: 'c1' })).stale,
    ).toBeNull();
    await computeMetrics(t.store, { partnerId: P });
    expect((await getPortfolioReport(t.store, { partnerId: P })).stale).toBeNull();
  });

  it('after an import that added days, and a day with data but no metrics asks for compute', async () => {
    await blueprint(t);
    await t.import([activity(t, 'april.csv', ['c1', 'c2'], '2026-04-01', '2026-04-02')]);
    const r = await getPortfolioReport(t.store, { partnerId: P });
    expect(r.day).toBe('2026-03-31');
    expect(r.stale?.uncomputed).toEqual({ firstDay: '2026-04-01', lastDay: '2026-04-02' });
    await expect(getPortfolioReport(t.store, { partnerId: P, day: '2026-04-02' })).rejects.toMatchObject({
      code: 'not_found',
      message:
        'no metrics for 2026-04-02 yet: they cover 2026-03-01 … 2026-03-31 and the data goes to 2026-04-02',
      hint: { kind: 'compute_metrics' },
    });
    await computeMetrics(t.store, { partnerId: P });
    const after = await getPortfolioReport(t.store, { partnerId: P });
    expect([after.day, after.stale]).toEqual(['2026-04-02', null]);
  });
});

describe('portfolio groups', () => {
  withStore();
  it('an unknown group is an error listing the groups (bug: --group unknown printed an empty portfolio)', async () => {
    await blueprint(t);
    expect((await getPortfolioReport(t.store, { partnerId: P, group: 'north' })).customers).toHaveLength(1);
    await expect(getPortfolioReport(t.store, { partnerId: P, group: 'unknown' })).rejects.toThrow(
      'no customer is in the group "unknown"; groups: north, south',
    );
    await expect(getPortfolioReport(t.store, { partnerId: P, group: 'North' })).rejects.toThrow(
      'no customer is in the group "North" (did you mean "north"?); groups: north, south',
    );
  });
});

describe('the store and the partner of a command', () => {
  withStore();
  it('a store opened for reading is never created (bug: reading commands left an empty store behind)', async () => {
    const dir = tempDir();
    try {
      const dataDir = path.join(dir.dir, 'nothing-here');
      const error = await openStore({ dataDir, memoryLimit: '', threads: 1 }, { create: false }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('store.unavailable');
      expect((error as AppError).message).toContain(`no store in ${dataDir}`);
      expect(existsSync(dataDir)).toBe(false);
    } finally {
      dir.cleanup();
    }
  });

  it('is the only partner when none is named; several or none is an error naming them', async () => {
    const read = (named?: string) => resolvePartner(t.store, named, 'read');
    const write = (named?: string) => resolvePartner(t.store, named, 'write');
    // Staff accounts (insights users/tokens): a named partner may have no data yet.
    const staff = (named?: string) => resolvePartner(t.store, named, 'staff');
    await expect(read()).rejects.toMatchObject({
      message: `the store ${t.store.location} holds no data yet`,
      hint: { kind: 'import_data' },
    });
    await expect(read('p1')).rejects.toThrow('holds no data yet');
    expect(await write()).toBe('default');
    expect(await staff()).toBe('default');
    expect(await staff('p1')).toBe('p1');
    await t.import([t.files.file('a/customers.csv', 'customer_id,name\nc1,A\n')]);
    expect(await read()).toBe(P);
    expect(await write()).toBe(P);
    expect(await staff()).toBe(P);
    await expect(read('p1')).rejects.toThrow(
      `no partner "p1" in the store ${t.store.location}; partners: ${P}`,
    );
    expect(await write('p1')).toBe('p1');
    await t.import([t.files.file('b/customers.csv', 'customer_id,name\nc1,B\n')], { partnerId: 'p1' });
    await expect(read()).rejects.toMatchObject({
      message: `the store ${t.store.location} holds several partners (${P}, p1)`,
      hint: { kind: 'choose_partner' },
    });
    await expect(write()).rejects.toThrow('holds several partners');
    await expect(staff()).rejects.toMatchObject({ hint: { kind: 'choose_partner' } });
    expect(await read('p1')).toBe('p1');
  });

  it('an import does not fall back to the demo partner (its data would be replaced with the demo)', async () => {
    await t.import([t.files.file('d/customers.csv', 'customer_id,name\nc1,Demo\n')], { partnerId: 'demo' });
    expect(await resolvePartner(t.store, undefined, 'read')).toBe('demo');
    await expect(resolvePartner(t.store, undefined, 'write')).rejects.toMatchObject({
      message: expect.stringContaining('holds only the demo portfolio (partner "demo")'),
      hint: { kind: 'name_import_partner', demoPartnerId: 'demo' },
    });
    expect(await resolvePartner(t.store, 'demo', 'write')).toBe('demo');
    // The demo's staff are the demo partner's (its server's home partner).
    expect(await resolvePartner(t.store, undefined, 'staff')).toBe('demo');
  });
});

describe('customer reports with the partner’s context kept per commit (ReportContexts, the server’s)', () => {
  withStore();

  it('reports what a report without kept context reports, and a customer a later commit added or renamed', async () => {
    await blueprint(t);
    const contexts = new ReportContexts();
    const plain = await getCustomerReport(t.store, { partnerId: P, customer: 'c1' });
    expect(await getCustomerReport(t.store, { partnerId: P, customer: 'c1' }, contexts)).toEqual(plain);
    // By name (no exact id): resolved as before.
    expect(
      (await getCustomerReport(t.store, { partnerId: P, customer: 'South Co' }, contexts)).customer,
    ).toEqual((await getCustomerReport(t.store, { partnerId: P, customer: 'c2' })).customer);
    await t.import([t.files.file('n/customers.csv', 'customer_id,name\nc1,North Renamed\nc3,Third Co\n')]);
    const c1 = await getCustomerReport(t.store, { partnerId: P, customer: 'c1' }, contexts);
    expect(c1.customer.name).toBe('North Renamed');
    expect(
      (await getCustomerReport(t.store, { partnerId: P, customer: 'Third Co' }, contexts)).customer
        .customerId,
    ).toBe('c3');
  });
});
