/** Opens the configured store (the embedded DuckDB store; PostgreSQL joins here later). */
import type { Config } from '../config';
import { DuckDbStore } from './duckdb/duckdb-store';
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
