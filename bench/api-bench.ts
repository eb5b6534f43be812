/**
 * HTTP API benchmark (`npm run bench -- api`): the real server (`apps/api/bin/serve.js`, as
 * `insights serve` starts it) as a child process on a copy of the L demo store (10 000 customers,
 * metrics computed), loaded by autocannon at 32 connections, with an API token of a staff account
 * holding admin agent. Measured:
 *   - portfolio summary; customer table pages (sorted by usage, and filtered); customer analytics
 *     (rotating over customers); the Partner Center usage endpoint with top=10000;
 *   - exports of the whole portfolio (one streamed download each: rows/s, and the server's RSS
 *     sampled every 100 ms from /proc, its peak over the idle RSS before the download);
 *   - reads (summary + table) while the S demo is uploaded for another partner and imported as a
 *     job, against the same reads idle.
 * The baseline, in the same run on the same store before the server starts: the CLI report path
 * (the core's report use-cases, one call after another in one process, as `insights report` makes
 * them). Targets (issue 12): summary p99 ≤ 50 ms and ≥ 1 000 req/s; table page p99 ≤ 100 ms; export
 * ≥ 100 k rows/s with RSS growth ≤ 200 MB; reads during an import p99 ≤ 2× idle.
 * Options: --quick (3 s per scenario, a shortened S activity file for the import).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  copyFileSync,
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  openAsBlob,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { readServerFile } from '@license-insights/core';
import autocannon, { type Request, type Result } from 'autocannon';
import { OUT } from './bench-data';
import { demoDataset, demoStore } from './metrics-bench';

const ROOT = path.join(import.meta.dirname, '..');
const CLI = path.join(ROOT, 'apps', 'cli', 'bin', 'insights.js');
const SERVE = path.join(ROOT, 'apps', 'api', 'bin', 'serve.js');
const CHILD = path.join(import.meta.dirname, 'api-child.ts');
const PARTNER = 'bench';
const CONNECTIONS = 32;

interface Setup {
  token: string;
  importToken: string;
  customerIds: string[];
  customers: number;
}
interface Timing {
  calls: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}
interface Baseline {
  portfolio: Timing;
  customer: Timing;
  csv: Timing & { rows: number; bytes: number; rowsPerSecond: number };
  usageRows: number;
  rssMB: number;
}

export function child<T>(args: string[]): T {
  const out = execFileSync(process.execPath, ['--import', 'tsx', CHILD, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 24,
  });
  return JSON.parse(out.trim().split('\n').pop() ?? '{}') as T;
}

/**
 * The L demo store with its metrics computed by this checkout's code (a new migration or a change
 * of the engine is caught up by `insights compute`, which does nothing when all is current),
 * cached as bench/out/api-store-L; every run works on a fresh copy (the import changes it).
 */
export async function prepareStore(): Promise<string> {
  const cached = path.join(OUT, 'api-store-L');
  if (!existsSync(path.join(cached, 'insights.duckdb'))) {
    const { store } = await demoStore('L');
    process.stderr.write('api: copying the L store…\n');
    mkdirSync(cached, { recursive: true });
    copyFileSync(path.join(store, 'insights.duckdb'), path.join(cached, 'insights.duckdb'));
  }
  process.stderr.write('api: computing the L store’s metrics (if not current)…\n');
  execFileSync(process.execPath, [CLI, 'compute', '--data', cached, '--partner', PARTNER], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const run = path.join(OUT, 'api-run-L');
  rmSync(run, { recursive: true, force: true });
  mkdirSync(run, { recursive: true });
  copyFileSync(path.join(cached, 'insights.duckdb'), path.join(run, 'insights.duckdb'));
  return run;
}

/** The S demo's files; for --quick its activity cut to its first `lines` rows. */
async function importFiles(quick: boolean): Promise<string[]> {
  const dir = demoDataset('S');
  if (!quick) return readdirSync(dir).map((f) => path.join(dir, f));
  const head = path.join(OUT, 'demo-S-head');
  if (!existsSync(path.join(head, 'activity.csv'))) {
    mkdirSync(head, { recursive: true });
    for (const f of readdirSync(dir))
      if (f !== 'activity.csv') symlinkSync(path.join(dir, f), path.join(head, f));
    const out = createWriteStream(path.join(head, 'activity.csv.tmp'));
    let n = 0;
    for await (const line of createInterface({ input: createReadStream(path.join(dir, 'activity.csv')) })) {
      if (!out.write(`${line}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
      if (++n > 2_000_000) break;
    }
    await new Promise<void>((r) => out.end(() => r()));
    execFileSync('mv', [path.join(head, 'activity.csv.tmp'), path.join(head, 'activity.csv')]);
  }
  return readdirSync(head).map((f) => path.join(head, f));
}

/** The server's resident set in MB, from /proc (Linux). */
function rssMB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m?.[1] === undefined ? 0 : Number(m[1]) / 1024;
  } catch {
    return 0;
  }
}

/** Samples a process's RSS every 100 ms until stopped; returns the peak. */
function sampleRss(pid: number): { stop(): number } {
  let peak = rssMB(pid);
  const timer = setInterval(() => {
    peak = Math.max(peak, rssMB(pid));
  }, 100);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, rssMB(pid));
    },
  };
}

export interface Server {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export async function startServer(dataDir: string): Promise<Server> {
  const log = openSync(path.join(dataDir, 'server.log'), 'w');
  const proc: ChildProcess = spawn(
    process.execPath,
    [SERVE, '--data', dataDir, '--partner', PARTNER, '--host', '127.0.0.1', '--port', '0'],
    { stdio: ['ignore', log, log], env: { ...process.env, LI_ADMIN_EMAIL: 'bench@bench.example' } },
  );
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const started = Date.now();
  for (;;) {
    const file = readServerFile(dataDir);
    if (file !== null && file.pid === proc.pid) {
      return {
        url: file.url,
        pid: file.pid,
        async stop() {
          proc.kill('SIGTERM');
          await exited;
        },
      };
    }
    if (proc.exitCode !== null || Date.now() - started > 60_000) {
      proc.kill('SIGKILL');
      throw new Error(`the server did not start; see ${path.join(dataDir, 'server.log')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface Measured {
  reqPerSecond: number;
  p50: number;
  p99: number;
  failed: number;
}

const measured = (r: Result): Measured => ({
  reqPerSecond: r.requests.total / r.duration,
  p50: r.latency.p50,
  p99: r.latency.p99,
  failed: r.non2xx + r.errors + r.timeouts,
});

/** Requests that cycle through a list of paths, each connection from its own place in the list. */
function rotating(paths: readonly string[]): Request[] {
  let next = 0;
  return [
    {
      setupRequest: (req) => {
        req.path = paths[next++ % paths.length] ?? '/';
        return req;
      },
    },
  ];
}

/** CPU time the process has used (all its threads, DuckDB's too), in clock ticks (/proc, Linux). */
function cpuTicks(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
  } catch {
    return 0;
  }
}

/**
 * Waits until the server is idle again (under 10 % of a core for half a second, twice): requests a
 * finished load left running (autocannon closes its connections, the server still answers them)
 * must not be counted against the next scenario.
 */
async function settle(server: Server): Promise<void> {
  const until = Date.now() + 120_000;
  for (let idle = 0; idle < 2 && Date.now() < until; ) {
    const before = cpuTicks(server.pid);
    await new Promise((r) => setTimeout(r, 500));
    idle = cpuTicks(server.pid) - before <= 5 ? idle + 1 : 0;
  }
}

/** Load for `warmUp` seconds (not counted: the JIT, the first reads of a commit), then measured. */
async function load(
  server: Server,
  token: string,
  requests: Request[],
  seconds: number,
  options: { warmUp: number; stopWhen?: () => Promise<boolean> },
): Promise<Measured> {
  if (options.warmUp > 0) {
    await autocannon({
      url: server.url,
      connections: CONNECTIONS,
      duration: options.warmUp,
      timeout: 60,
      headers: { authorization: `Bearer ${token}` },
      requests,
    });
    await settle(server);
  }
  const stopWhen = options.stopWhen;
  const instance = autocannon({
    url: server.url,
    connections: CONNECTIONS,
    duration: seconds,
    timeout: 60,
    headers: { authorization: `Bearer ${token}` },
    requests,
  });
  if (stopWhen !== undefined) {
    void (async () => {
      while (!(await stopWhen())) await new Promise((r) => setTimeout(r, 250));
      instance.stop();
    })();
  }
  const result = measured(await instance);
  await settle(server);
  return result;
}

/** One streamed download: rows (lines after the header, or JSON objects), seconds, RSS growth. */
async function download(
  server: Server,
  token: string,
  url: string,
  countRows: 'lines' | 'none',
): Promise<{ seconds: number; rows: number; bytes: number; rssGrowthMB: number; status: number }> {
  const idleSamples: number[] = [];
  for (let i = 0; i < 10; i++) {
    idleSamples.push(rssMB(server.pid));
    await new Promise((r) => setTimeout(r, 100));
  }
  const idle = idleSamples.sort((a, b) => a - b)[Math.floor(idleSamples.length / 2)] ?? 0;
  const sampler = sampleRss(server.pid);
  const t = performance.now();
  const res = await fetch(`${server.url}${url}`, { headers: { authorization: `Bearer ${token}` } });
  let newlines = 0;
  let bytes = 0;
  if (res.body !== null) {
    for await (const chunk of res.body) {
      const b = chunk as Uint8Array;
      bytes += b.length;
      if (countRows === 'lines') for (let i = 0; i < b.length; i++) if (b[i] === 10) newlines++;
    }
  }
  const seconds = (performance.now() - t) / 1000;
  const peak = sampler.stop();
  // Growth over idle; never below 0 (a collection during the download may free more than it takes).
  return {
    seconds,
    rows: Math.max(0, newlines - 1),
    bytes,
    rssGrowthMB: Math.max(0, peak - idle),
    status: res.status,
  };
}

/** Uploads files as one multipart import job for the token's partner; resolves to the job's id. */
async function startImport(server: Server, token: string, files: readonly string[]): Promise<string> {
  const form = new FormData();
  form.set('compute', 'false');
  form.set('asOf', '2026-03-31');
  for (const f of files) form.append('file', await openAsBlob(f), path.basename(f));
  const res = await fetch(`${server.url}/api/v1/jobs/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  const body = (await res.json()) as { jobId?: string; message?: string };
  if (res.status !== 202 || body.jobId === undefined)
    throw new Error(`upload: ${res.status} ${JSON.stringify(body)}`);
  return body.jobId;
}

async function jobState(server: Server, token: string, jobId: string): Promise<string> {
  const res = await fetch(`${server.url}/api/v1/jobs/${jobId}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const body = (await res.json()) as { state?: string };
  return body.state ?? `http ${res.status}`;
}

const ms = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
const count = (n: number) => Math.round(n).toLocaleString('en-US');
const call = (t: Timing, what: string) =>
  `${what}: p50 ${ms(t.p50Ms)} ms/call, p99 ${ms(t.p99Ms)} (${t.perSecond.toFixed(2)} calls/s, 1 at a time)`;

export async function runApiBench(options: { quick: boolean }): Promise<void> {
  const seconds = options.quick ? 3 : 10;
  const warm = { warmUp: options.quick ? 1 : 2 };
  const dataDir = await prepareStore();
  const files = await importFiles(options.quick);
  process.stderr.write('api: accounts and tokens…\n');
  const setup = child<Setup>(['setup', dataDir]);
  process.stderr.write('api: CLI report path (baseline)…\n');
  const base = child<Baseline>(['baseline', dataDir, String(options.quick ? 1 : 5)]);
  process.stderr.write('api: starting the server…\n');
  const server = await startServer(dataDir);
  const rows: string[][] = [];
  const check = (ok: boolean) => (ok ? '✓' : '✗');
  const add = (scenario: string, m: Measured, target: string, ok: boolean | null, baseline: string) => {
    rows.push([
      m.failed > 0 ? `${scenario} (${m.failed} failed!)` : scenario,
      count(m.reqPerSecond),
      ms(m.p50),
      ms(m.p99),
      target,
      ok === null ? '' : check(ok && m.failed === 0),
      baseline,
    ]);
  };
  try {
    const t = setup.token;
    const get = async (p: string) => {
      const res = await fetch(`${server.url}${p}`, { headers: { authorization: `Bearer ${t}` } });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${p}: ${res.status}`);
    };
    const SUMMARY = '/api/v1/portfolio/summary';
    const pages = Array.from(
      { length: 20 },
      (_, i) => `/api/v1/customers?sort=usagePercent&order=desc&pageSize=50&page=${i * 10 + 1}`,
    );
    const filtered = Array.from(
      { length: 10 },
      (_, i) =>
        `/api/v1/customers?service=O365&band=50-75&sort=usagePercent&order=desc&pageSize=50&page=${i + 1}`,
    );
    const analytics = setup.customerIds.map((id) => `/api/v1/customers/${id}/analytics`);
    // Warm-up: the first request of each kind builds what the server keeps per commit.
    for (const p of [SUMMARY, pages[0] ?? '', filtered[0] ?? '', analytics[0] ?? '']) await get(p);
    const pc = base.portfolio;

    process.stderr.write('api: portfolio summary…\n');
    const summary = await load(server, t, [{ path: SUMMARY }], seconds, warm);
    add(
      'portfolio summary',
      summary,
      'p99 ≤ 50 ms, ≥ 1000 req/s',
      summary.p99 <= 50 && summary.reqPerSecond >= 1000,
      call(pc, 'report portfolio'),
    );
    process.stderr.write('api: customer table…\n');
    const table = await load(server, t, rotating(pages), seconds, warm);
    add(
      'customer table, 50 by usage (pages 1–191)',
      table,
      'p99 ≤ 100 ms',
      table.p99 <= 100,
      call(pc, 'report portfolio'),
    );
    const tableF = await load(server, t, rotating(filtered), seconds, warm);
    add(
      'customer table, O365 + band 50-75 by usage',
      tableF,
      'p99 ≤ 100 ms',
      tableF.p99 <= 100,
      call(pc, 'report portfolio'),
    );
    process.stderr.write('api: customer analytics…\n');
    // Each answer takes a good part of a second of reads: at 32 connections, 10 s at least.
    const cust = await load(server, t, rotating(analytics), Math.max(seconds, 10), warm);
    add(
      `customer analytics (${analytics.length} customers)`,
      cust,
      '—',
      null,
      call(base.customer, 'report customer'),
    );

    // The Partner Center usage endpoint and exports, where this server has them.
    const has = async (p: string) => {
      const res = await fetch(`${server.url}${p}`, { headers: { authorization: `Bearer ${t}` } });
      await res.body?.cancel();
      return res.status === 200;
    };
    const PC_USAGE = '/api/v1/analytics/commercial/usage/license/';
    if (await has(`${PC_USAGE}?top=1`)) {
      process.stderr.write('api: Partner Center usage, top=10000…\n');
      const usage = await load(server, t, [{ path: `${PC_USAGE}?top=10000` }], seconds, warm);
      add(
        `Partner Center usage, top=10000 (of ${count(base.usageRows)} rows)`,
        usage,
        '—',
        null,
        call(pc, 'report portfolio'),
      );
    } else rows.push(['Partner Center usage, top=10000', '', '', '', '', '', 'not in this server']);

    if (await has('/api/v1/exports/metrics?format=json')) {
      for (const format of ['csv', 'xlsx', 'json'] as const) {
        process.stderr.write(`api: export ${format}…\n`);
        const d = await download(server, t, `/api/v1/exports/metrics?format=${format}`, 'lines');
        // XLSX and JSON hold the same rows as the CSV (identical columns and rows).
        const n = format === 'csv' ? d.rows : base.csv.rows;
        const perSecond = n / d.seconds;
        // The target is the CSV's (the export partners script); XLSX and JSON are shown beside it.
        const ok = d.status === 200 && perSecond >= 100_000 && d.rssGrowthMB <= 200;
        const targeted = format === 'csv';
        rows.push([
          `export ${format.toUpperCase()}, whole portfolio (${count(n)} rows, ${(d.bytes / 1e6).toFixed(1)} MB; RSS +${d.rssGrowthMB.toFixed(0)} MB)${d.status === 200 ? '' : ` HTTP ${d.status}!`}`,
          `${count(perSecond)} rows/s`,
          `${d.seconds.toFixed(2)} s`,
          '',
          targeted ? '≥ 100 k rows/s, RSS +≤ 200 MB' : 'RSS +≤ 200 MB',
          targeted ? check(ok) : check(d.status === 200 && d.rssGrowthMB <= 200),
          format === 'csv'
            ? `report portfolio --format csv: ${count(base.csv.rowsPerSecond)} rows/s (${(base.csv.p50Ms / 1000).toFixed(2)} s, process peak RSS ${count(base.rssMB)} MB)`
            : '',
        ]);
      }
    } else rows.push(['export', '', '', '', '', '', 'not in this server']);

    process.stderr.write('api: reads idle…\n');
    const mix = rotating(pages.flatMap((p) => [SUMMARY, p]));
    const idle = await load(server, t, mix, seconds, warm);
    add('reads idle: summary + table, 1:1', idle, '', null, '');
    process.stderr.write(`api: uploading the S demo (${files.length} files) for another partner…\n`);
    const uploadStart = performance.now();
    const jobId = await startImport(server, setup.importToken, files);
    const uploadSeconds = (performance.now() - uploadStart) / 1000;
    let final = 'queued';
    const jobStart = performance.now();
    const during = await load(server, t, mix, 3600, {
      warmUp: 0,
      stopWhen: async () => {
        final = await jobState(server, setup.importToken, jobId);
        return !['queued', 'running'].includes(final);
      },
    });
    const jobSeconds = (performance.now() - jobStart) / 1000;
    add(
      `reads during the import of the S demo (job ${final}, ${jobSeconds.toFixed(0)} s; upload ${uploadSeconds.toFixed(0)} s before)`,
      during,
      `p99 ≤ 2× idle (${ms(idle.p99 * 2)} ms)`,
      during.p99 <= idle.p99 * 2 && final === 'succeeded',
      '',
    );
  } finally {
    await server.stop();
  }

  const header = ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'target', '', 'CLI report path (baseline)'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i >= 1 && i <= 3 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join(' | ')} |`;
  console.log(
    `\nHTTP API, L demo (${count(setup.customers)} customers), ${CONNECTIONS} connections, ${seconds} s each (${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores)`,
  );
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
}
