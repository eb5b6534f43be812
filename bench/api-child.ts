/**
 * The API benchmark's work on the store itself, in its own process (the server must not find the
 * store held when it starts); prints one JSON line.
 *   api-child.ts setup <dataDir>
 *       staff accounts holding admin agent, and an API token for each, made by the core's use-cases
 *       on the account store before the server starts: one of the L portfolio's partner, one of a
 *       second partner the S demo is uploaded for; and customer ids to rotate over.
 *   api-child.ts baseline <dataDir> <seconds>
 *       the CLI report path on the same store, one call after another as `insights report` makes
 *       them: the portfolio report (the summary, the table and every metrics row of the day), the
 *       customer report (rotating over customers), and the portfolio report written as the CLI's
 *       CSV (rows/s, peak RSS of this process).
 */
import path from 'node:path';
import {
  addStaffAccount,
  createApiTokenFor,
  getCustomerReport,
  getPortfolioReport,
  loadConfig,
  openAccountStore,
  openStore,
} from '@license-insights/core';
import { metricsCsv } from '../apps/cli/src/commands/report/shared';

export const PARTNER = 'bench';
/** The partner the S demo is uploaded for while the L portfolio's reads are measured. */
export const IMPORT_PARTNER = 'bench-s';

const [mode, dirArg, extra] = process.argv.slice(2);
const dataDir = dirArg === undefined ? undefined : path.resolve(dirArg);

async function token(dir: string, partnerId: string, email: string): Promise<string> {
  const config = loadConfig({ cwd: dir, env: {}, flags: { dataDir: dir } });
  const accounts = await openAccountStore(config);
  try {
    const actor = { partnerId, email: 'api benchmark', via: 'local' as const };
    if ((await accounts.accountByEmail(email)) === null) {
      await addStaffAccount(accounts, actor, { email, roles: ['admin_agent'] });
    }
    const created = await createApiTokenFor(accounts, actor, email, { name: 'api bench', expiresInDays: 1 });
    return created.secret;
  } finally {
    await accounts.close();
  }
}

async function setup(dir: string) {
  const bench = await token(dir, PARTNER, 'bench@bench.example');
  const importer = await token(dir, IMPORT_PARTNER, 'bench-s@bench.example');
  const store = await openStore({ dataDir: dir, memoryLimit: '', threads: 0 }, { create: false });
  try {
    const customers = await store.customers(PARTNER);
    // Every 37th customer: spread over the portfolio, not the first few pages of a cache.
    const customerIds = customers.filter((_, i) => i % 37 === 0).map((c) => c.customerId);
    return { token: bench, importToken: importer, customerIds, customers: customers.length };
  } finally {
    await store.close();
  }
}

interface Timing {
  calls: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

async function timed(seconds: number, call: (i: number) => Promise<unknown>): Promise<Timing> {
  const waits: number[] = [];
  const start = performance.now();
  for (let i = 0; i < 3 || performance.now() - start < seconds * 1000; i++) {
    const t = performance.now();
    await call(i);
    waits.push(performance.now() - t);
  }
  const total = (performance.now() - start) / 1000;
  waits.sort((a, b) => a - b);
  const at = (q: number) => waits[Math.min(waits.length - 1, Math.ceil(q * waits.length) - 1)] ?? 0;
  return { calls: waits.length, perSecond: waits.length / total, p50Ms: at(0.5), p99Ms: at(0.99) };
}

async function baseline(dir: string, seconds: number) {
  const store = await openStore({ dataDir: dir, memoryLimit: '', threads: 0 }, { create: false });
  try {
    const ids = (await store.customers(PARTNER)).filter((_, i) => i % 37 === 0).map((c) => c.customerId);
    const portfolio = await timed(seconds, () => getPortfolioReport(store, { partnerId: PARTNER }));
    const customer = await timed(seconds, (i) =>
      getCustomerReport(store, { partnerId: PARTNER, customer: ids[i % ids.length] ?? '' }),
    );
    // The CLI's `report portfolio --format csv`: every metrics row of the day as CSV.
    let rows = 0;
    let bytes = 0;
    const csv = await timed(Math.min(seconds, 3), async () => {
      const r = await getPortfolioReport(store, { partnerId: PARTNER });
      rows = r.rows.length;
      bytes = Buffer.byteLength(metricsCsv(r.rows));
    });
    // Rows with known usage of the product × workload rows (what the Partner Center usage endpoint lists).
    const r = await getPortfolioReport(store, { partnerId: PARTNER });
    const usageRows = r.rows.filter((x) => x.workloadCode !== 'ALL' && x.usageKnown).length;
    return {
      portfolio,
      customer,
      csv: { ...csv, rows, bytes, rowsPerSecond: rows / (csv.p50Ms / 1000) },
      usageRows,
      rssMB: process.resourceUsage().maxRSS / 1024,
    };
  } finally {
    await store.close();
  }
}

async function main() {
  if (dataDir === undefined) throw new Error('usage: api-child.ts setup|baseline <dataDir> [seconds]');
  if (mode === 'setup') return setup(dataDir);
  if (mode === 'baseline') return baseline(dataDir, Number(extra ?? 5));
  throw new Error(`unknown mode ${mode}`);
}

main().then(
  (r) => process.stdout.write(`${JSON.stringify(r)}\n`),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
