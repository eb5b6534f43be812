/** The store test suite (src/testing/store-suite.ts) on the embedded DuckDB store. */
import path from 'node:path';
import { DuckDbStore } from '../src/store/duckdb/duckdb-store';
import { tempDir } from '../src/testing';
import { describeStore } from '../src/testing/store-suite';

describeStore('duckdb', async ({ commitWaitMs }) => {
  const dir = tempDir('li-store-');
  const store = await DuckDbStore.open({
    dataDir: path.join(dir.dir, 'data'),
    memoryLimit: '1GB',
    threads: 2,
    ...(commitWaitMs !== undefined ? { commitWaitMs } : {}),
  });
  return {
    store,
    close: async () => {
      await store.close();
      dir.cleanup();
    },
  };
});
