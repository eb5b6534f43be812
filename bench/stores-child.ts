/**
 * One measurement of the stores benchmark in its own process (its own memory, its own pools);
 * prints one JSON line. The store is `--data`-like (a directory: the embedded store) or a
 * postgres:// URL (PostgreSQL, or Citus when the database has the extension).
 *   stores-child.ts import <store> <dataset dir>   import the dataset (a first import)
 *   stores-child.ts compute <store> <parts>        a full recompute, split in <parts> when > 1
 *   stores-child.ts read <store> <seconds>         the portfolio summary through the HTTP API
 *                                                  (in-memory injection), one call after another:
 *                                                  of days not read yet (the store's read), then
 *                                                  of one day again (what the server kept)
 */
import path from 'node:path';
import {
  addStaffAccount,
  computeMetrics,
  createApiTokenFor,
  importFiles,
  loadConfig,
  openAccountStore,
  openStore,
  registerStoreEngine,
} from '@license-insights/core';
import { postgresEngine } from '@license-insights/store-postgres';
import { buildApp } from '../apps/api/src/app';

registerStoreEngine(postgresEngine);
const PARTNER = 'bench';
const [mode, where = '', extra = ''] = process.argv.slice(2);
const rss = () => process.resourceUsage().maxRSS / 1024;
const isUrl = /^postgres(ql)?:\/\//.test(where);
const config = loadConfig({
  cwd: process.cwd(),
  env: {},
  flags: isUrl
    ? { storeUrl: where, dataDir: path.join(process.cwd(), 'bench', 'out', 'pg-files') }
    : { dataDir: where },
});

async function runImport(dataset: string) {
  const store = await openStore(config);
  try {
    const t = performance.now();
    const r = await importFiles(store, {
      partnerId: PARTNER,
      actor: 'bench',
      paths: [dataset],
      asOf: '2026-03-31',
      channel: 'direct',
      partial: false,
      rejectsPath: path.join(config.dataDir, 'rejects.csv'),
      maxProblemsPerFile: 100,
    });
    const seconds = (performance.now() - t) / 1000;
    const records = r.files.reduce((n, f) => n + f.rows, 0);
    return { seconds, records, outcome: r.outcome, rssMB: rss() };
  } finally {
    await store.close();
  }
}

async function runCompute(parts: number) {
  const store = await openStore(config);
  try {
    const t = performance.now();
    const r = await computeMetrics(store, {
      partnerId: PARTNER,
      full: true,
      ...(parts > 1 ? { parts } : {}),
    });
    return {
      seconds: (performance.now() - t) / 1000,
      rows: r.rows,
      loadSeconds: r.phases.load,
      engineSeconds: r.phases.engine,
      writeSeconds: r.phases.write,
      rssMB: rss(),
    };
  } finally {
    await store.close();
  }
}

async function runRead(seconds: number) {
  const store = await openStore(config);
  const accounts = await openAccountStore(config);
  const app = await buildApp({ config, store, accounts, logger: false, webDist: null });
  try {
    await app.ready();
    const actor = { partnerId: PARTNER, email: 'stores benchmark', via: 'local' as const };
    const email = 'stores@bench.example';
    if ((await accounts.accountByEmail(email)) === null)
      await addStaffAccount(accounts, actor, { email, roles: ['admin_agent'] });
    const { secret } = await createApiTokenFor(accounts, actor, email, {
      name: 'stores bench',
      expiresInDays: 1,
    });
    const get = async (url: string) => {
      const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${secret}` } });
      if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
    };
    // Cold: the summary of a day no call asked for yet (the server keeps what it read until the
    // next commit), one day after another back from the last: each reads the store.
    const last = (await store.metricsPlan(PARTNER)).computed?.lastDay ?? '2026-03-31';
    const dayBefore = (n: number) =>
      new Date(Date.parse(`${last}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);
    const cold: number[] = [];
    const end = performance.now() + seconds * 1000;
    for (let n = 0; n < 300 && performance.now() < end; n++) {
      const t = performance.now();
      await get(`/api/v1/portfolio/summary?day=${dayBefore(n)}`);
      cold.push(performance.now() - t);
    }
    // Warm: the last day's summary again (answered from what the server kept).
    const warm: number[] = [];
    for (let n = 0; n < 200; n++) {
      const t = performance.now();
      await get(`/api/v1/portfolio/summary?day=${last}`);
      warm.push(performance.now() - t);
    }
    const at = (xs: number[], q: number) => {
      const sorted = [...xs].sort((a, b) => a - b);
      return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    };
    return {
      calls: cold.length,
      p50Ms: at(cold, 0.5),
      p99Ms: at(cold, 0.99),
      warmP50Ms: at(warm, 0.5),
      rssMB: rss(),
    };
  } finally {
    await app.close();
    await accounts.close();
    await store.close();
  }
}

const out =
  mode === 'import'
    ? await runImport(extra)
    : mode === 'compute'
      ? await runCompute(Number(extra || '1'))
      : mode === 'read'
        ? await runRead(Number(extra || '5'))
        : null;
if (out === null) {
  process.stderr.write(`unknown mode ${mode}\n`);
  process.exit(2);
}
process.stdout.write(`${JSON.stringify(out)}\n`);
