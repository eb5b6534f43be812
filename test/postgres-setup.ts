/**
 * Setup of each test file of the `api on postgres` project: the postgres engine registered, and
 * the cluster of the global setup named, so every `tempStore` (and the API's test app on it) is a
 * fresh PostgreSQL database instead of an embedded store. Without PostgreSQL here (never under CI:
 * startPostgres fails there) the project's files run on the embedded store.
 */
import { registerStoreEngine } from '@license-insights/core';
import { TEST_POSTGRES_ENV } from '@license-insights/core/testing';
import { postgresEngine } from '@license-insights/store-postgres';
import { inject } from 'vitest';

registerStoreEngine(postgresEngine);
process.env[TEST_POSTGRES_ENV] = inject('postgresUrl');
