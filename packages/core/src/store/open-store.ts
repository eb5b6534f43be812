/**
 * Opens the configured store: the embedded DuckDB store in the data directory (the default), or
 * the engine a store URL names (`storeUrl`: `postgres://…` picks PostgreSQL). The core knows the
 * embedded engine only; other engines live in packages of their own that depend on the core and
 * register themselves here (`registerStoreEngine`), called once by each app at start-up.
 */

import { existsSync } from 'node:fs';
import path from 'node:path';
import type { AccountStore } from '../accounts/account-store';
import type { Config } from '../config';
import { AppError } from '../errors';
import { DuckDbAccountStore } from './duckdb/account-store';
import { DATABASE_FILE, DuckDbStore } from './duckdb/duckdb-store';
import type { Store } from './store';

/** An engine a store URL can name: how it opens its data store and its account store. */
export interface StoreEngine {
  /** URL schemes it serves, without the colon (e.g. `postgres`, `postgresql`). */
  readonly schemes: readonly string[];
  openStore(url: string): Promise<Store>;
  openAccountStore(url: string): Promise<AccountStore>;
  /** Whether the URL's database holds a store already (without creating one). */
  storeExists(url: string): Promise<boolean>;
}

const engines = new Map<string, StoreEngine>();

/** Makes an engine available to `openStore` for its URL schemes (idempotent). */
export function registerStoreEngine(engine: StoreEngine): void {
  for (const scheme of engine.schemes) engines.set(scheme, engine);
}

/** The engine of a store URL, or a configuration error naming what is missing. */
export function engineFor(url: string): StoreEngine {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase() ?? '';
  const engine = engines.get(scheme);
  if (engine === undefined) {
    throw new AppError(
      'config.invalid',
      `no store engine for "${scheme}:" URLs in this program (expected postgres://…; known: ${[...engines.keys()].join(', ') || 'none'})`,
    );
  }
  return engine;
}

/**
 * `create: false` (reading commands) refuses a directory without a store instead of creating an
 * empty one there. A shared store (`storeUrl`) is made by its migrations on first open.
 */
export function openStore(
  config: Pick<Config, 'dataDir' | 'memoryLimit' | 'threads' | 'storeUrl'>,
  options: { readonly create?: boolean } = {},
): Promise<Store> {
  if (config.storeUrl !== undefined) return engineFor(config.storeUrl).openStore(config.storeUrl);
  return DuckDbStore.open({
    dataDir: config.dataDir,
    create: options.create ?? true,
    ...(config.memoryLimit ? { memoryLimit: config.memoryLimit } : {}),
    ...(config.threads ? { threads: config.threads } : {}),
  });
}

/** Whether the configured store exists (for commands that also work without one). */
export async function storeExists(config: Pick<Config, 'dataDir' | 'storeUrl'>): Promise<boolean> {
  if (config.storeUrl !== undefined) return engineFor(config.storeUrl).storeExists(config.storeUrl);
  return existsSync(path.join(config.dataDir, DATABASE_FILE));
}

/**
 * Opens the configured account store: with a shared store, in the same database (every app
 * instance sees the same accounts and sessions); embedded, `accounts.duckdb` in the data directory.
 */
export function openAccountStore(config: Pick<Config, 'dataDir' | 'storeUrl'>): Promise<AccountStore> {
  if (config.storeUrl !== undefined) return engineFor(config.storeUrl).openAccountStore(config.storeUrl);
  return DuckDbAccountStore.open({ dataDir: config.dataDir });
}
