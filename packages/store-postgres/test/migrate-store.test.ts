/**
 * migrate-store both ways: the computed demo portfolio copied from the embedded store into
 * PostgreSQL and from there into a new embedded store arrives whole — every table's rows counted
 * on both sides, every partner's metric checksum equal — and a copy into a store holding data is
 * refused with nothing written.
 */
import { migrateStore } from '@license-insights/core';
import { tempStore } from '@license-insights/core/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type CopiedDemo, copiedDemo } from './helpers/copied-demo';
import { describeEngines } from './helpers/engines';

describeEngines('migrate-store', (engine) => {
  let demo: CopiedDemo;
  beforeAll(async () => {
    demo = await copiedDemo({ seed: 'migrate', engine });
  }, 300_000);
  afterAll(async () => {
    await demo?.close();
  });

  it('copies PostgreSQL back into a new embedded store, verified by counts and checksums', async () => {
    const back = await tempStore();
    try {
      const report = await migrateStore(demo.copy, back.store);
      expect(report.verified).toBe(true);
      expect(report.from.engine).toBe('postgres');
      expect(report.to.engine).toBe('duckdb');
      const runs = report.tables.find((t) => t.table === 'metric_runs');
      expect(runs?.target).toBeGreaterThan(100);
      expect(report.checksums.length).toBe(1);
      expect(report.checksums[0]?.runs).toBeGreaterThan(100);
      // The round trip equals the original embedded store, table by table and metric by metric.
      expect(await back.store.tableCounts()).toEqual(await demo.duck.store.tableCounts());
      const P = demo.partnerId;
      expect(await back.store.dailyMetrics(P, '2026-03-31')).toEqual(
        await demo.duck.store.dailyMetrics(P, '2026-03-31'),
      );
      expect(await back.store.verifyIntegrity()).toEqual([]);
      // New keys continue after the copied ones.
      await back.store.audit({ partnerId: P, actor: 'ann', action: 'x', outcome: 'ok', details: {} });
      const ids = (await back.store.auditLog(P, null, 100)).map((r) => r.auditId);
      expect(new Set(ids).size).toBe(ids.length);
      // A checksum tells a changed metric apart.
      await back.store.write(P, async (tx) => {
        await (tx as unknown as { db: { exec(s: string): Promise<void> } }).db.exec(
          'UPDATE metric_runs SET sold = sold + 1 WHERE rowid = (SELECT min(rowid) FROM metric_runs)',
        );
      });
      const again = await tempStore();
      try {
        const changed = await migrateStore(back.store, again.store);
        expect(changed.checksums[0]?.source).not.toBe(report.checksums[0]?.source);
      } finally {
        await again.close();
      }
    } finally {
      await back.close();
    }
  }, 120_000);

  it('refuses a target holding data and writes nothing', async () => {
    const before = await demo.duck.store.tableCounts();
    await expect(migrateStore(demo.copy, demo.duck.store)).rejects.toMatchObject({ code: 'conflict' });
    expect(await demo.duck.store.tableCounts()).toEqual(before);
  });
});
