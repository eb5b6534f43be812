/** Opens the configured store (the embedded DuckDB store; PostgreSQL joins here later). */

import { existsSync } from 'node:fs';
import path from 'node:path';
import type { AccountStore } from '../accounts/account-store';
import type { Config } from '../config';
import { DuckDbAccountStore } from './duckdb/account-store';
import { DATABASE_FILE, DuckDbStore } from './duckdb/duckdb-store';
import type { Store } from './store';

/**
 * `create: false` (reading commands) refuses a directory without a store instead of creating an
 * empty one there.
 */
export function openStore(
  config: Pick<Config, 'dataDir' | 'memoryLimit' | 'threads'>,
  options: { readonly create?: boolean } = {},
): Promise<Store> {
  return DuckDbStore.open({
    dataDir: config.dataDir,
    create: options.create ?? true,
    ...(config.memoryLimit ? { memoryLimit: config.memoryLimit } : {}),
    ...(config.threads ? { threads: config.threads } : {}),
  });
}

/** Whether the configured data directory holds a store (for commands that also work without one). */
export function storeExists(config: Pick<Config, 'dataDir'>): boolean {
  return existsSync(path.join(config.dataDir, DATABASE_FILE));
}

/** Opens the configured account store (embedded: `accounts.duckdb` in the data directory). */
export function openAccountStore(config: Pick<Config, 'dataDir'>): Promise<AccountStore> {
  return DuckDbAccountStore.open({ dataDir: config.dataDir });
}
