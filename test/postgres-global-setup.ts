/**
 * Global setup of the `api on postgres` test project (vitest.config.ts): one throwaway PostgreSQL 15
 * cluster for the whole run (each test's store is a fresh database on it), stopped at the end.
 */
import { startPostgres, type TestPostgres } from '@license-insights/core/testing';
import type { TestProject } from 'vitest/node';

let server: TestPostgres | null = null;

export async function setup(project: TestProject): Promise<void> {
  server = await startPostgres();
  project.provide('postgresUrl', server?.url ?? '');
}

export async function teardown(): Promise<void> {
  await server?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}
