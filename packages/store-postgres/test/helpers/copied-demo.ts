/**
 * A demo portfolio imported and computed in the embedded store, then copied whole into a
 * throwaway PostgreSQL 15 (or Citus cluster): the ground on which the PostgreSQL store's reads are compared with the
 * embedded store's (the same question to both must get the same answer).
 */
import path from 'node:path';
import { computeMetrics, setRecommendationSetting, writeDemoDataset } from '@license-insights/core';
import type { StoreTable } from '@license-insights/core/store';
import { TEST_PARTNER, type TempStore, tempStore } from '@license-insights/core/testing';
import { PostgresStore } from '../../src';
import { ENGINES, type Engine } from './engines';

export interface CopiedDemo {
  /** The embedded store the demo was imported into and computed in. */
  readonly duck: TempStore;
  /** The PostgreSQL store it was copied into. */
  readonly copy: PostgresStore;
  /** Rows copied per table. */
  readonly copied: Record<StoreTable, number>;
  readonly partnerId: string;
  close(): Promise<void>;
}

/** Builds the demo (8 customers, 90 days to 2026-03-31, a settings change and an exclusion) and copies it. */
export async function copiedDemo(
  options: { readonly seed?: string; readonly batchRows?: number; readonly engine?: Engine } = {},
): Promise<CopiedDemo> {
  const server = await (options.engine ?? (ENGINES[0] as Engine)).start();
  const P = TEST_PARTNER;
  const duck = await tempStore();
  const dataset = path.join(duck.files.dir, 'demo');
  await writeDemoDataset(dataset, {
    customers: 8,
    seed: options.seed ?? 'copy',
    days: 90,
    end: '2026-03-31',
  });
  const report = await duck.import([dataset]);
  if (report.outcome !== 'committed') throw new Error(`demo import: ${report.outcome}`);
  await setRecommendationSetting(duck.store, {
    partnerId: P,
    actor: 'ann',
    path: 'LOW_ADOPTION.usageBelow',
    value: '35',
  });
  const customer = (await duck.store.customerIds(P))[0] ?? '';
  await duck.store.write(P, (tx) =>
    tx.addExclusion(P, { customerId: customer, productId: 'x', reason: 'Zażółć "gęślą"' }, 'ann'),
  );
  await computeMetrics(duck.store, { partnerId: P });
  const copy = await PostgresStore.open({ url: server.url });
  const copied = await copy.load((table) => duck.store.tableRows(table, options.batchRows ?? 997));
  return {
    duck,
    copy,
    copied,
    partnerId: P,
    async close() {
      await copy.close();
      await duck.close();
      await server.stop();
    },
  };
}
