/**
 * Test helpers shared by the packages' tests: temporary stores on real DuckDB, files written from
 * strings, a default import request. Not part of the product's runtime.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CANONICAL_ENTITIES } from '@license-insights/contracts';
import pg from 'pg';
import { openStore } from '../store/open-store';
import type { Store } from '../store/store';
import { type ImportReport, type ImportRequest, importFiles } from '../use-cases/import-files';

export interface TempDir {
  readonly dir: string;
  file(name: string, content: string | Buffer): string;
  cleanup(): void;
}

export function tempDir(prefix = 'li-test-'): TempDir {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return {
    dir,
    file(name, content) {
      const p = path.join(dir, name);
      mkdirSync(path.dirname(p), { recursive: true });
      writeFileSync(p, content);
      return p;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface TempStore {
  readonly store: Store;
  readonly dataDir: string;
  /** The store's URL when the tests run on a shared store (PostgreSQL), else undefined. */
  readonly storeUrl: string | undefined;
  readonly files: TempDir;
  import(paths: readonly string[], overrides?: Partial<ImportRequest>): Promise<ImportReport>;
  close(): Promise<void>;
}

export const TEST_PARTNER = 'p-test';

/**
 * The environment variable naming a PostgreSQL server for throwaway databases: set (by the test
 * project that runs the API tests on PostgreSQL, test/postgres-setup.ts), every `tempStore` is a
 * fresh database on that server, opened through the registered postgres engine.
 */
export const TEST_POSTGRES_ENV = 'LI_TEST_POSTGRES_URL';

let databases = 0;

/** A new empty database on the server (a unique name per process and call); its URL. */
export async function freshDatabase(serverUrl: string, prefix = 'li_t'): Promise<string> {
  const name = `${prefix}_${process.pid}_${++databases}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    // Our own name (letters, digits, underscores): no input reaches it.
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function tempStore(): Promise<TempStore> {
  const files = tempDir();
  const dataDir = path.join(files.dir, 'data');
  const server = process.env[TEST_POSTGRES_ENV];
  const storeUrl = server === undefined || server === '' ? undefined : await freshDatabase(server);
  const store = await openStore({ dataDir, memoryLimit: '2GB', threads: 2, storeUrl });
  return {
    store,
    dataDir,
    storeUrl,
    files,
    import: (paths, overrides = {}) =>
      importFiles(store, {
        partnerId: TEST_PARTNER,
        actor: 'test',
        paths,
        asOf: '2026-03-31',
        channel: 'direct',
        partial: false,
        rejectsPath: path.join(files.dir, 'rejects.csv'),
        maxProblemsPerFile: 100,
        ...overrides,
      }),
    close: async () => {
      await store.close();
      files.cleanup();
    },
  };
}

/** Every canonical entity as stored, for whole-store comparisons. */
export async function dumpAll(
  store: Store,
  partnerId = TEST_PARTNER,
): Promise<Record<string, Record<string, string>[]>> {
  const out: Record<string, Record<string, string>[]> = {};
  for (const e of CANONICAL_ENTITIES) {
    out[e] = await store.dumpCanonical(partnerId, e);
  }
  return out;
}
export {
  describeAccountStore,
  type OpenSuiteAccountStore,
  STORED_INSTANT,
  type SuiteAccountStore,
} from './account-store-suite';
export * from './canonical-writer';
export {
  CITUS_DIR,
  citusSkipReason,
  postgresInstalled,
  startCitus,
  startPostgres,
  type TestPostgres,
} from './postgres';
export { describeStore, type OpenSuiteStore, type SuiteStore } from './store-suite';
