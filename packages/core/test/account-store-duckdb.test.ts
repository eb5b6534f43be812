/** The account store test suite (src/testing/account-store-suite.ts) on the embedded DuckDB account store. */
import { DuckDbAccountStore } from '../src/store/duckdb/account-store';
import { tempDir } from '../src/testing';
import { describeAccountStore } from '../src/testing/account-store-suite';

describeAccountStore('duckdb', async () => {
  const dir = tempDir('li-accounts-');
  const store = await DuckDbAccountStore.open({ dataDir: dir.dir });
  return {
    store,
    close: async () => {
      await store.close();
      dir.cleanup();
    },
  };
});
