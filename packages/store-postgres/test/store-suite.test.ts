/**
 * The store test suite (core src/testing/store-suite.ts) on a real PostgreSQL 15: the same
 * expectations as the embedded store's, except where the engines differ by design (a commit never
 * waits for readers; no thread limit), each test on a fresh database of one throwaway cluster.
 */
import { postgresInstalled, startPostgres, type TestPostgres } from '@license-insights/core/testing';
import { describeStore } from '@license-insights/core/testing/store-suite';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { PostgresStore } from '../src';

describe.skipIf(!postgresInstalled() && process.env.CI !== 'true')('PostgreSQL', () => {
  let server: TestPostgres | null = null;
  let databases = 0;
  beforeAll(async () => {
    server = await startPostgres();
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  describeStore(
    'postgres',
    async () => {
      if (server === null) throw new Error('no PostgreSQL');
      const name = `suite${++databases}`;
      const admin = new pg.Client({ connectionString: server.url });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      const store = await PostgresStore.open({ url: server.url.replace(/\/postgres$/, `/${name}`) });
      return { store, close: () => store.close() };
    },
    { commitWaitsForReads: false, threadLimit: false },
  );
});
