/**
 * A real server in memory for the API tests: a real DuckDB store seeded by the demo generator (the
 * partner "demo", and a second partner "other" for isolation), its metrics computed, a real account
 * store, and `buildApp` without a port (`app.inject`). Helpers make staff accounts with API tokens
 * of any roles and scope.
 */
import path from 'node:path';
import type { CustomerScope, Role } from '@license-insights/contracts';
import {
  type AccountStore,
  computeMetrics,
  createApiToken,
  loadConfig,
  openAccountStore,
  writeDemoDataset,
} from '@license-insights/core';
import { TEST_POSTGRES_ENV, type TempStore, tempStore } from '@license-insights/core/testing';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { type Api, type AppDeps, buildApp } from '../../src/app';

export const PARTNER = 'demo';
export const OTHER_PARTNER = 'other';

export interface TestApp {
  readonly app: Api;
  readonly t: TempStore;
  readonly accounts: AccountStore;
  /** A staff account of a partner with these roles (and scope) and an API token of it. */
  token(roles: readonly Role[], options?: { partnerId?: string; scope?: CustomerScope }): Promise<string>;
  /** A request with a token. */
  call(token: string | null, options: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Customers of the demo partner (default 12). */
  readonly customers?: number;
  readonly days?: number;
  readonly end?: string;
  /** Seed a second partner (default true). */
  readonly otherPartner?: boolean;
  readonly deps?: Partial<AppDeps>;
}

let accountCounter = 0;

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const t = await tempStore();
  const end = options.end ?? '2026-03-31';
  const demo = path.join(t.files.dir, 'demo-data');
  await writeDemoDataset(demo, {
    customers: options.customers ?? 12,
    seed: 'api',
    days: options.days ?? 90,
    end,
  });
  await t.import([demo], { partnerId: PARTNER });
  await computeMetrics(t.store, { partnerId: PARTNER });
  if (options.otherPartner !== false) {
    const other = path.join(t.files.dir, 'other-data');
    await writeDemoDataset(other, { customers: 4, seed: 'api-other', days: 60, end });
    await t.import([other], { partnerId: OTHER_PARTNER });
    await computeMetrics(t.store, { partnerId: OTHER_PARTNER });
  }
  // The `api on postgres` project (vitest.config.ts) runs these tests on PostgreSQL: make sure it does.
  if (process.env[TEST_POSTGRES_ENV]) expect(t.store.engine).toBe('postgres');
  const accounts = await openAccountStore({ dataDir: t.dataDir, storeUrl: t.storeUrl });
  const config = loadConfig({ cwd: t.dataDir, env: {}, flags: { dataDir: t.dataDir } });
  const app = await buildApp({
    config,
    store: t.store,
    accounts,
    logger: false,
    webDist: null,
    ...options.deps,
  });
  await app.ready();
  return {
    app,
    t,
    accounts,
    async token(roles, o = {}) {
      const partnerId = o.partnerId ?? PARTNER;
      accountCounter++;
      const account = await accounts.createAccount(
        {
          partnerId,
          email: `staff${accountCounter}@${partnerId}.example`,
          displayName: null,
          roles: [...roles],
          scope: o.scope ?? null,
        },
        null,
      );
      const created = await createApiToken(
        accounts,
        { ...account, via: 'session' },
        { name: `test ${accountCounter}` },
      );
      return created.secret;
    },
    call(token, o) {
      return app.inject({
        ...o,
        headers: { ...(o.headers ?? {}), ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
      });
    },
    async close() {
      await app.close();
      await accounts.close();
      await t.close();
    },
  };
}
