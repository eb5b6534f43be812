/**
 * The demo portfolio: deterministic per seed, realistic in the ways the product needs to show
 * (sizes, SKU mixes, channels, subscription life events, turnover, unlicensed Yammer, weekly
 * rhythm, support load), and importable without a single problem.
 */

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RULE_IDS } from '@license-insights/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shippedCatalog } from '../src/catalog/catalog';
import { dayOf, weekdayOf } from '../src/dates';
import { type DemoSummary, writeDemoDataset } from '../src/demo/generate-demo';
import { type TempStore, tempDir, tempStore } from '../src/testing';
import { computeMetrics } from '../src/use-cases/compute-metrics';
import { getRecommendations } from '../src/use-cases/get-recommendations';

const tmp = tempDir('li-demo-');
const options = { customers: 60, seed: 'demo', days: 425, end: '2026-03-31' } as const;
let summary: DemoSummary;
const dir = path.join(tmp.dir, 'a');

function csv(name: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(path.join(dir, name), 'utf8').trimEnd().split('\n');
  const cols = (header ?? '').split(',');
  // Demo values never hold quotes or commas except customer names (not read here).
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i] ?? '', v])));
}

function digest(d: string): string {
  const h = createHash('sha256');
  for (const f of [
    'customers',
    'users',
    'license_assignments',
    'subscriptions',
    'activity',
    'support_requests',
    'products',
  ]) {
    h.update(readFileSync(path.join(d, `${f}.csv`)));
  }
  return h.digest('hex');
}

beforeAll(async () => {
  summary = await writeDemoDataset(dir, options);
}, 120_000);
afterAll(() => tmp.cleanup());

describe('demo portfolio', () => {
  it('is deterministic per seed and differs between seeds', async () => {
    await writeDemoDataset(path.join(tmp.dir, 'b'), options);
    await writeDemoDataset(path.join(tmp.dir, 'c'), { ...options, seed: 'other' });
    expect(digest(path.join(tmp.dir, 'b'))).toBe(digest(dir));
    expect(digest(path.join(tmp.dir, 'c'))).not.toBe(digest(dir));
  });

  it('counts what it wrote: each number of the summary is the records of its file', async () => {
    // Bug: the demo said 2,481,328 activity rows and the store held 2,478,972 facts (a day covered by
    // two licenses of one workload was written twice); short demos counted subscriptions never written.
    const records = (d: string, f: string) =>
      readFileSync(path.join(d, f), 'utf8').trimEnd().split('\n').slice(1);
    const check = (d: string, s: DemoSummary) => {
      expect(records(d, 'customers.csv').length).toBe(s.customers);
      expect(records(d, 'users.csv').length).toBe(s.users);
      expect(records(d, 'license_assignments.csv').length).toBe(s.licenseAssignments);
      expect(records(d, 'support_requests.csv').length).toBe(s.supportRequests);
      const snapshots = records(d, 'subscriptions.csv');
      expect(snapshots.length).toBe(s.subscriptionSnapshots);
      expect(new Set(snapshots.map((l) => l.split(',')[1])).size).toBe(s.subscriptions);
      const activity = records(d, 'activity.csv');
      expect(activity.length).toBe(s.activity);
      expect(new Set(activity).size).toBe(s.activity); // one record per user × workload × day
    };
    check(dir, summary);
    const short = path.join(tmp.dir, 'short');
    check(short, await writeDemoDataset(short, { customers: 100, seed: 'a', days: 28, end: options.end }));
  });

  it('has customers from 1 to 5 000 seats with a long tail, in three segments', () => {
    const subs = csv('subscriptions.csv');
    const seats = new Map<string, number>();
    for (const s of subs)
      if (s.as_of === subs.find((x) => x.subscription_id === s.subscription_id)?.as_of)
        seats.set(s.customer_id ?? '', (seats.get(s.customer_id ?? '') ?? 0) + Number(s.quantity));
    const sizes = [...seats.values()].sort((a, b) => a - b);
    expect(sizes[0]).toBeLessThanOrEqual(5);
    expect(sizes[sizes.length - 1]).toBeGreaterThanOrEqual(3800);
    const median = sizes[Math.floor(sizes.length / 2)] ?? 0;
    expect(median).toBeLessThan(150); // long tail: most customers are small
    const segments = new Set(csv('customers.csv').map((c) => c.segment));
    expect(segments).toEqual(new Set(['SMB', 'Mid-market', 'Enterprise']));
  });

  it('mixes SKUs per segment, including Dynamics 365', () => {
    const byId = new Map(shippedCatalog().products.map((p) => [p.productId, p]));
    const services = new Set(csv('subscriptions.csv').map((s) => byId.get(s.product_id ?? '')?.service));
    expect(services).toEqual(new Set(['O365', 'D365', 'OTHER']));
    const parts = new Set(csv('subscriptions.csv').map((s) => byId.get(s.product_id ?? '')?.partNumber));
    for (const p of ['O365_BUSINESS_PREMIUM', 'SPE_E3', 'SPE_F1', 'EXCHANGEDESKLESS'])
      expect(parts).toContain(p);
  });

  it('has every channel and the subscription life events the metrics must explain', () => {
    const subs = csv('subscriptions.csv');
    expect(new Set(subs.map((s) => s.channel))).toEqual(new Set(['own', 'other_partner', 'direct']));
    expect(subs.some((s) => s.is_trial === 'true' && s.status === 'active')).toBe(true);
    for (const status of ['expired', 'disabled', 'deleted', 'suspended'])
      expect(subs.some((s) => s.status === status)).toBe(true);
    expect(subs.some((s) => s.suspension_reason === 'upgraded')).toBe(true);
    expect(subs.some((s) => s.suspension_reason === 'nonpayment')).toBe(true);
    expect(new Set(subs.map((s) => s.billing_cycle))).toEqual(new Set(['monthly', 'annual']));
  });

  it('has staff turnover: leavers are deleted and their license goes to someone new', () => {
    const users = csv('users.csv');
    const leavers = users.filter((u) => u.deleted_on !== '');
    expect(leavers.length).toBeGreaterThan(users.length * 0.05);
    const assignments = csv('license_assignments.csv');
    const closedOnLeave = assignments.filter(
      (a) =>
        a.unassigned_on !== '' &&
        leavers.some((u) => u.user_id === a.user_id && u.deleted_on === a.unassigned_on),
    );
    expect(closedOnLeave.length).toBeGreaterThan(0);
    const end = dayOf(options.end);
    const start = end - options.days + 1;
    const newHires = assignments.filter((a) => dayOf(a.assigned_on ?? '') > start);
    expect(newHires.length).toBeGreaterThan(closedOnLeave.length * 0.5);
  });

  it('has unlicensed Yammer use, weekday/weekend rhythm and 400+ days of history', () => {
    const byId = new Map(shippedCatalog().products.map((p) => [p.productId, p]));
    const withYammer = new Set(
      csv('license_assignments.csv')
        .filter((a) => byId.get(a.product_id ?? '')?.workloads.includes('YAM'))
        .map((a) => a.user_id),
    );
    const activity = csv('activity.csv');
    expect(activity.some((a) => a.workload === 'YAM' && !withYammer.has(a.user_id))).toBe(true);
    let weekday = 0;
    let weekend = 0;
    let first = '9999';
    let last = '0000';
    for (const a of activity) {
      const d = a.date ?? '';
      if (weekdayOf(dayOf(d)) >= 5) weekend++;
      else weekday++;
      if (d < first) first = d;
      if (d > last) last = d;
    }
    expect(weekday / 5 / (weekend / 2)).toBeGreaterThan(4);
    expect(dayOf(last) - dayOf(first)).toBeGreaterThanOrEqual(400);
    expect(last).toBe(options.end);
    expect(new Set(activity.map((a) => a.workload))).toEqual(
      new Set(['EXO', 'SPO', 'TEAMS', 'YAM', 'OFFICE', 'D365', 'SFB']),
    );
  });

  it('has support requests, how-to heavy for some customers', () => {
    const requests = csv('support_requests.csv');
    expect(requests.length).toBe(summary.supportRequests);
    const howTo = new Map<string, [number, number]>();
    for (const r of requests) {
      const c = howTo.get(r.customer_id ?? '') ?? [0, 0];
      c[r.category === 'how_to' ? 0 : 1]++;
      howTo.set(r.customer_id ?? '', c);
    }
    const shares = [...howTo.values()].filter(([h, o]) => h + o >= 10).map(([h, o]) => h / (h + o));
    expect(Math.max(...shares)).toBeGreaterThan(0.8);
    expect(Math.min(...shares)).toBeLessThan(0.6);
  });

  describe('imported', () => {
    let t: TempStore;
    beforeAll(async () => {
      t = await tempStore();
    });
    afterAll(async () => {
      await t.close();
    });
    it('imports without a single problem or unknown product', async () => {
      const r = await t.import([dir]);
      expect(r.errorCount).toBe(0);
      expect(r.warningCount).toBe(0);
      expect(r.outcome).toBe('committed');
      const status = await t.store.status('p-test');
      expect(status.partners[0]).toMatchObject({
        customers: summary.customers,
        users: summary.users,
        subscriptions: summary.subscriptions,
        licenseAssignments: summary.licenseAssignments,
        activityFacts: summary.activity,
        supportRequests: summary.supportRequests,
      });
      expect(status.partners[0]?.warnings).toEqual([]);
    });

    it("reads one customer (or two) as its part of the portfolio's read: data trust, active users", async () => {
      // One customer is filtered by equality (pushed into the scan), a list by list_contains, the
      // portfolio by nothing: the three must agree. The data trust is read per table and grouped.
      const all = await t.store.dataTrust('p-test');
      const ids = all.map((d) => d.customerId);
      expect(ids.length).toBe(summary.customers);
      expect(all.some((d) => d.sources.length > 0 && d.missing.length === 0)).toBe(true);
      for (const [i, id] of ids.entries()) {
        expect(await t.store.dataTrust('p-test', [id])).toEqual([all[i]]);
      }
      const pair = [ids[3] ?? '', ids[7] ?? ''];
      expect(await t.store.dataTrust('p-test', pair)).toEqual(all.filter((d) => pair.includes(d.customerId)));
      const day = options.end;
      const counts = await t.store.activeUserCounts('p-test', day, day);
      expect(counts.length).toBeGreaterThan(summary.customers / 2);
      for (const id of ids) {
        expect(await t.store.activeUserCounts('p-test', day, day, [id])).toEqual(
          counts.filter((c) => c.customerId === id),
        );
      }
      expect(await t.store.activeUserCounts('p-test', day, day, pair)).toEqual(
        counts.filter((c) => pair.includes(c.customerId)),
      );
    });

    it('has customers that trigger every rule of the recommendation playbook', async () => {
      await computeMetrics(t.store, { partnerId: 'p-test' });
      const r = await getRecommendations(t.store, { partnerId: 'p-test', locale: 'en' });
      expect(r.day).toBe('2026-03-31');
      const rules = new Set(r.cards.map((c) => c.rule));
      expect([...rules].sort()).toEqual([...RULE_IDS].sort());
      // The scripted how-to heavy customer is among those the support rule names.
      const howTo = r.cards.filter((c) => c.rule === 'HIGH_HOWTO_SUPPORT').map((c) => c.customerId);
      expect(howTo.length).toBeGreaterThan(0);
    });
  });
});
