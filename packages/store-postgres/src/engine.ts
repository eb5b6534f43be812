/**
 * The PostgreSQL engine as the core's `openStore` knows it (core store/open-store.ts): a
 * `postgres://` or `postgresql://` store URL opens the PostgreSQL store, and the account store in
 * the same database. Apps register it once at start-up (`registerStoreEngine(postgresEngine)`).
 */
import { AppError, messageOf, type StoreEngine } from '@license-insights/core';
import pg from 'pg';
import { PgAccountStore } from './pg-account-store';
import { PostgresStore, redacted } from './postgres-store';

export const postgresEngine: StoreEngine = {
  schemes: ['postgres', 'postgresql'],
  openStore: (url) => PostgresStore.open({ url }),
  openAccountStore: (url) => PgAccountStore.open({ url }),
  storeExists: async (url) => {
    const client = new pg.Client({ connectionString: url, application_name: 'license-insights' });
    try {
      await client.connect();
      const r = await client.query<{ t: string | null }>(
        `SELECT to_regclass('schema_migrations')::text AS t`,
      );
      return r.rows[0]?.t != null;
    } catch (e) {
      throw new AppError(
        'store.unavailable',
        `cannot reach the PostgreSQL store ${redacted(url)}: ${messageOf(e)}`,
        [],
        {
          cause: e,
        },
      );
    } finally {
      await client.end().catch(() => undefined);
    }
  },
};
