/**
 * The servers the PostgreSQL store's tests run on: plain PostgreSQL 15, and Citus 13 (a
 * coordinator and two workers, the store's tables distributed by customer: citus-layout.ts). Each
 * suite is one body run on each engine, so the same questions are asked of both.
 *
 * Without PostgreSQL 15 here every suite is skipped, and without the Citus build beside the
 * repository (`../shared/citus`) the Citus suites are, their titles saying why; under CI neither
 * is skipped (their absence fails the start). `LI_TEST_ENGINES=citus` (or `postgres`) runs one.
 */
import {
  citusSkipReason,
  postgresInstalled,
  startCitus,
  startPostgres,
  type TestPostgres,
} from '@license-insights/core/testing';
import { describe } from 'vitest';

export interface Engine {
  readonly name: 'postgres' | 'citus';
  /** As the suites' titles name it. */
  readonly label: string;
  /** Why its suites are skipped here (null: they run). */
  readonly skip: string | null;
  start(): Promise<TestPostgres>;
}

function started(server: TestPostgres | null, label: string): TestPostgres {
  if (server === null) throw new Error(`no ${label} here`);
  return server;
}

const postgresSkip =
  postgresInstalled() || process.env.CI === 'true' ? null : 'PostgreSQL 15 is not installed here';

export const ENGINES: readonly Engine[] = [
  {
    name: 'postgres',
    label: 'PostgreSQL',
    skip: postgresSkip,
    start: async () => started(await startPostgres(), 'PostgreSQL 15'),
  },
  {
    name: 'citus',
    label: 'Citus',
    skip: citusSkipReason(),
    start: async () => started(await startCitus(), 'Citus'),
  },
];

const chosen = (process.env.LI_TEST_ENGINES ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter((s) => s !== '');

/** `body` as a suite on each engine: "<title> on PostgreSQL", "<title> on Citus". */
export function describeEngines(title: string, body: (engine: Engine) => void): void {
  for (const engine of ENGINES) {
    const skip = chosen.length > 0 && !chosen.includes(engine.name) ? 'not in LI_TEST_ENGINES' : engine.skip;
    describe.skipIf(skip !== null)(
      `${title} on ${engine.label}${skip === null ? '' : ` (skipped: ${skip})`}`,
      () => body(engine),
    );
  }
}
