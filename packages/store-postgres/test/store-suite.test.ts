/**
 * The store test suite (core src/testing/store-suite.ts) on a real PostgreSQL 15 and on a
 * two-worker Citus cluster: the same expectations as the embedded store's, except where the
 * engines differ by design (a commit never waits for readers; no thread limit), each test on a
 * fresh database of one throwaway cluster per engine.
 */
import type { TestPostgres } from '@license-insights/core/testing';
import { describeStore } from '@license-insights/core/testing/store-suite';
import { afterAll, beforeAll } from 'vitest';
import { PostgresStore } from '../src';
import { describeEngines } from './helpers/engines';

describeEngines('the store suite', (engine) => {
  let server: TestPostgres | null = null;
  let databases = 0;
  beforeAll(async () => {
    server = await engine.start();
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
  });

  describeStore(
    engine.name,
    async () => {
      if (server === null) throw new Error(`no ${engine.label}`);
      const url = await server.newDatabase(`suite${++databases}`);
      const store = await PostgresStore.open({ url });
      return { store, close: () => store.close() };
    },
    { commitWaitsForReads: false, threadLimit: false },
  );
});
