/**
 * One metric measurement in its own process; prints one JSON line.
 *   metrics-child.ts full <store>
 *   metrics-child.ts new-day <store> <dir of the last day's activity>
 *   metrics-child.ts sql-baseline <store>
 *   metrics-child.ts reports <store>   (after a full compute: portfolio report, then recommendations, of D)
 *   metrics-child.ts during <store>    (a full compute while a small read is asked every 20 ms: how long
 *                                       each waited for its answer, and the event loop's longest stall)
 */
import { cpSync, rmSync } from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  computeMetrics,
  effectiveCatalog,
  getPortfolioReport,
  getRecommendations,
  importFiles,
  openStore,
  shippedCatalog,
} from '@license-insights/core';

const PARTNER = 'bench';
const [mode, store, extra] = process.argv.slice(2);
const rss = () => process.resourceUsage().maxRSS / 1024;

const prefixed = (p: { load: number; engine: number; write: number }) => ({
  loadSeconds: p.load,
  engineSeconds: p.engine,
  writeSeconds: p.write,
});

async function full(dir: string) {
  const s = await openStore({ dataDir: dir, memoryLimit: '', threads: 0 });
  const t = performance.now();
  const r = await computeMetrics(s, { partnerId: PARTNER, full: true });
  const seconds = (performance.now() - t) / 1000;
  const status = await s.status(PARTNER);
  await s.close();
  return {
    seconds,
    rows: r.rows,
    facts: status.partners[0]?.activityFacts ?? 0,
    rssMB: rss(),
    ...prefixed(r.phases),
  };
}

async function newDay(dir: string, lastDay: string) {
  const copy = `${dir}-newday`;
  rmSync(copy, { recursive: true, force: true });
  cpSync(dir, copy, { recursive: true });
  const s = await openStore({ dataDir: copy, memoryLimit: '', threads: 0 });
  await computeMetrics(s, { partnerId: PARTNER });
  const r = await importFiles(s, {
    partnerId: PARTNER,
    actor: 'bench',
    paths: [lastDay],
    asOf: '2026-03-31',
    channel: 'direct',
    partial: false,
    rejectsPath: path.join(copy, 'rejects.csv'),
    maxProblemsPerFile: 5,
  });
  if (r.outcome !== 'committed') throw new Error(`last day import: ${r.outcome}`);
  const t = performance.now();
  const c = await computeMetrics(s, { partnerId: PARTNER });
  const seconds = (performance.now() - t) / 1000;
  await s.close();
  rmSync(copy, { recursive: true, force: true });
  if (c.mode !== 'incremental') throw new Error(`expected an incremental compute, got ${c.mode}`);
  return { seconds, rows: c.rows, rssMB: rss(), ...prefixed(c.phases) };
}

/** Licensed active users per product × workload and product, assigned and sold, every day, in plain SQL. */
async function sqlBaseline(dir: string) {
  const s = await openStore({ dataDir: dir, memoryLimit: '', threads: 0 });
  const plan = await s.metricsPlan(PARTNER);
  const catalog = effectiveCatalog(shippedCatalog().products, await s.partnerProducts(PARTNER));
  await s.close();
  if (plan.activity === null) throw new Error('no activity');
  const instance = await DuckDBInstance.create(path.join(dir, 'insights.duckdb'));
  const c = await instance.connect();
  const pairs = catalog.flatMap((p) =>
    p.workloads.map((w) => `('${p.productId.replace(/'/g, "''")}', '${w}')`),
  );
  await c.run(`CREATE TEMP TABLE pw AS SELECT * FROM (VALUES ${pairs.join(', ')}) t(product_id, workload)`);
  const first = plan.activity.firstDay;
  const last = plan.activity.lastDay;
  const t = performance.now();
  await c.run(
    `CREATE TEMP TABLE days AS SELECT range::DATE AS day FROM range(DATE '${first}', DATE '${last}' + 1, INTERVAL 1 DAY)`,
  );
  await c.run(`CREATE TEMP TABLE held AS
    SELECT a.customer_id, a.user_key, a.product_id, a.assigned_on AS s,
           least(coalesce(a.unassigned_on, DATE '9999-12-31'), coalesce(u.deleted_on, DATE '9999-12-31')) AS e
    FROM license_assignments a JOIN users u ON u.partner_id = a.partner_id AND u.customer_id = a.customer_id AND u.user_id = a.user_id
    WHERE a.partner_id = '${PARTNER}'`);
  await c.run(`CREATE TEMP TABLE lic AS
    WITH facts AS (
      SELECT a.user_key, a.workload, (a.month + b::INTEGER)::DATE AS d
      FROM activity a CROSS JOIN range(31) r(b)
      WHERE a.partner_id = '${PARTNER}' AND (a.days >> b::UINTEGER) & 1::UINTEGER = 1)
    SELECT h.customer_id, h.product_id, f.workload, f.user_key, f.d
    FROM facts f JOIN held h ON h.user_key = f.user_key AND f.d >= h.s AND f.d < h.e
    JOIN pw ON pw.product_id = h.product_id AND pw.workload = f.workload`);
  await c.run(`CREATE TEMP TABLE active AS
    SELECT l.customer_id, l.product_id, coalesce(l.workload, 'ALL') AS workload, days.day, count(DISTINCT l.user_key) AS active
    FROM days JOIN lic l ON l.d BETWEEN days.day - 27 AND days.day
    GROUP BY GROUPING SETS ((l.customer_id, l.product_id, l.workload, days.day), (l.customer_id, l.product_id, days.day))`);
  await c.run(`CREATE TEMP TABLE assigned AS
    SELECT h.customer_id, h.product_id, days.day, count(DISTINCT h.user_key) AS assigned
    FROM days JOIN held h ON days.day >= h.s AND days.day < h.e GROUP BY ALL`);
  await c.run(`CREATE TEMP TABLE sold AS
    SELECT s.customer_id, s.product_id, days.day, sum(s.quantity) FILTER (WHERE s.status = 'active' AND NOT s.is_trial) AS sold
    FROM days JOIN (
      SELECT *, lead(as_of) OVER (PARTITION BY customer_id, subscription_id ORDER BY as_of) AS next
      FROM subscription_snapshots WHERE partner_id = '${PARTNER}') s
      ON days.day >= s.as_of AND (s.next IS NULL OR days.day < s.next)
    GROUP BY ALL`);
  const seconds = (performance.now() - t) / 1000;
  const rows = Number((await c.runAndReadAll('SELECT count(*) FROM active')).getRows()[0]?.[0] ?? 0);
  c.closeSync();
  instance.closeSync();
  return { seconds, rows, rssMB: rss() };
}

/** The portfolio report of D (the baseline: one read of the day's metrics) against the recommendations of D. */
async function reports(dir: string) {
  const s = await openStore({ dataDir: dir, memoryLimit: '', threads: 0 });
  let t = performance.now();
  const portfolio = await getPortfolioReport(s, { partnerId: PARTNER });
  const portfolioSeconds = (performance.now() - t) / 1000;
  t = performance.now();
  const r = await getRecommendations(s, { partnerId: PARTNER, locale: 'en' });
  const seconds = (performance.now() - t) / 1000;
  await s.close();
  return {
    seconds,
    cards: r.cards.length,
    portfolioSeconds,
    portfolioRows: portfolio.rows.length,
    rssMB: rss(),
  };
}

/**
 * A full compute while a small read (the partner's list) is asked every 20 ms, as a server would.
 * Reads asked while the compute commits wait for its checkpoint (the commit gate): they are told
 * apart, with the commit's own length as the floor they cannot beat.
 */
async function during(dir: string) {
  const s = await openStore({ dataDir: dir, memoryLimit: '', threads: 0 });
  const loop = monitorEventLoopDelay({ resolution: 5 });
  const asked: { start: number; end: number }[] = [];
  let running = true;
  const asker = (async () => {
    while (running) {
      const start = performance.now();
      await s.read((q) => q.partnerIds());
      asked.push({ start, end: performance.now() });
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  loop.enable();
  const t = performance.now();
  let commitStart = Number.POSITIVE_INFINITY;
  await computeMetrics(s, {
    partnerId: PARTNER,
    full: true,
    onProgress: (p) => {
      if (p.phase === 'committing') commitStart = performance.now();
    },
  });
  const commitEnd = performance.now();
  const seconds = (commitEnd - t) / 1000;
  loop.disable();
  running = false;
  await asker;
  await s.close();
  const waits = (list: { start: number; end: number }[]) =>
    list.map((a) => a.end - a.start).sort((a, b) => a - b);
  const outside = waits(asked.filter((a) => a.end < commitStart || a.start > commitEnd));
  const inCommit = waits(asked.filter((a) => !(a.end < commitStart || a.start > commitEnd)));
  const at = (w: number[], q: number) => w[Math.min(w.length - 1, Math.floor(q * w.length))] ?? 0;
  return {
    seconds,
    reads: asked.length,
    p50Ms: at(outside, 0.5),
    p99Ms: at(outside, 0.99),
    maxMs: outside.at(-1) ?? 0,
    commitReads: inCommit.length,
    commitMaxMs: inCommit.at(-1) ?? 0,
    commitMs: commitEnd - commitStart,
    loopMaxMs: loop.max / 1e6,
    rssMB: rss(),
  };
}

/**
 * The floor of `during`: the same small read every 20 ms while DuckDB alone reads what a compute
 * reads (the activity masks, the metric runs) on another connection — no JavaScript work at all.
 */
async function duringFloor(dir: string) {
  const instance = await DuckDBInstance.create(path.join(dir, 'insights.duckdb'));
  const heavy = await instance.connect();
  const light = await instance.connect();
  const waits: number[] = [];
  let running = true;
  const asker = (async () => {
    while (running) {
      const start = performance.now();
      await light.run('BEGIN TRANSACTION');
      await light.runAndReadAll(`SELECT DISTINCT partner_id FROM partners`);
      await light.run('ROLLBACK');
      waits.push(performance.now() - start);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  const t = performance.now();
  while (performance.now() - t < 6000) {
    await heavy.runAndReadAll(
      `SELECT user_key, workload, month, days FROM activity WHERE partner_id = '${PARTNER}' AND month >= DATE '2025-10-01'`,
    );
    await heavy.runAndReadAll(
      `SELECT count(*), sum(active) FROM metric_runs WHERE partner_id = '${PARTNER}'`,
    );
  }
  running = false;
  await asker;
  light.closeSync();
  heavy.closeSync();
  instance.closeSync();
  waits.sort((a, b) => a - b);
  const at = (q: number) => waits[Math.min(waits.length - 1, Math.floor(q * waits.length))] ?? 0;
  return { reads: waits.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: waits.at(-1) ?? 0 };
}

async function main() {
  if (store === undefined) throw new Error('usage');
  if (mode === 'full') return full(store);
  if (mode === 'new-day' && extra !== undefined) return newDay(store, extra);
  if (mode === 'sql-baseline') return sqlBaseline(store);
  if (mode === 'reports') return reports(store);
  if (mode === 'during') return during(store);
  if (mode === 'during-floor') return duringFloor(store);
  throw new Error(`unknown mode ${mode}`);
}

main().then(
  (r) => process.stdout.write(`${JSON.stringify(r)}\n`),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
