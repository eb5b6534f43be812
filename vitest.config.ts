import { defineConfig } from 'vitest/config';

/** The API tests that also run on PostgreSQL (test/postgres-setup.ts): every route family that reads or writes the store. */
const ON_POSTGRES = [
  'apps/api/test/portfolio.test.ts',
  'apps/api/test/customer-analytics.test.ts',
  'apps/api/test/license-analytics.test.ts',
  'apps/api/test/exports.test.ts',
  'apps/api/test/admin-reads.test.ts',
  'apps/api/test/jobs.test.ts',
];

export default defineConfig({
  test: {
    // DuckDB is a native addon: one process per test file keeps instances apart.
    pool: 'forks',
    // Two files at once even on two cores (vitest's default is cores − 1): much of a test's time is
    // spent waiting for a PostgreSQL or Citus server, Chromium or a child process.
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: { name: 'embedded', include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'api on postgres',
          include: ON_POSTGRES,
          globalSetup: ['test/postgres-global-setup.ts'],
          setupFiles: ['test/postgres-setup.ts'],
        },
      },
    ],
  },
});
