/**
 * One measurement of the stores benchmark in its own process (its own memory, its own pools);
 * prints one JSON line. The store is `--data`-like (a directory: the embedded store) or a
 * postgres:// URL (PostgreSQL, or Citus when the database has the extension).
 *   stores-child.ts import <store> <dataset dir>   import the dataset (a first import)
 *   stores-child.ts compute <store> <parts>        a full recompute, split in <parts> when > 1
 *   stores-child.ts read <store> <seconds>         the portfolio summary through the HTTP API
 *                                                  (in-memory injection), one call after another
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
    const url = '/api/v1/portfolio/summary';
    const first = performance.now();
    await get(url);
    const firstMs = performance.now() - first;
    const waits: number[] = [];
    const end = performance.now() + seconds * 1000;
    while (performance.now() < end) {
      const t = performance.now();
      await get(url);
      waits.push(performance.now() - t);
    }
    waits.sort((a, b) => a - b);
    const at = (q: number) => waits[Math.min(waits.length - 1, Math.floor(q * waits.length))] ?? 0;
    return { firstMs, calls: waits.length, p50Ms: at(0.5), p99Ms: at(0.99), rssMB: rss() };
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
