/** Opens the configured store (the embedded DuckDB store; PostgreSQL joins here later). */
import type { Config } from '../config';
import { DuckDbStore } from './duckdb/duckdb-store';
import type { Store } from './store';

export function openStore(config: Pick<Config, 'dataDir' | 'memoryLimit' | 'threads'>): Promise<Store> {
  return DuckDbStore.open({
    dataDir: config.dataDir,
    ...(config.memoryLimit ? { memoryLimit: config.memoryLimit } : {}),
    ...(config.threads ? { threads: config.threads } : {}),
  });
}
