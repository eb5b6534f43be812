/**
 * Metric engine benchmark at two scales, built with the demo generator:
 *   S: 500 customers, ~45 k users, 400 days;  L: 10 000 customers, ~1 M users, 181 days, ~130 M facts.
 * Measured, each in its own process (peak RSS is its own):
 *   - full recompute of every daily metric,
 *   - one new day, incremental (the last day's activity imported after a full compute),
 *   - at S, side by side: a straightforward SQL formulation of the same metrics (range join of
 *     facts and days), the baseline the engine must beat by 10×.
 *   - the recommendations of D for the whole portfolio, against the portfolio report of D (one read
 *     of the day's metrics rows) as the baseline.
 * Targets at L: full ≤ 20 s with peak RSS ≤ 4 GB; one new day ≤ 3 s.
 */
import { execFileSync } from 'node:child_process';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  symlinkSync,
} from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { OUT } from './bench-data';

const CHILD = path.join(import.meta.dirname, 'metrics-child.ts');
const CLI = path.join(import.meta.dirname, '..', 'apps', 'cli', 'bin', 'insights.js');

interface Scale {
  readonly name: 'S' | 'L';
  readonly customers: number;
  readonly days: number;
  readonly seatFactor: number;
  readonly activityFactor: number;
}

const SCALES: readonly Scale[] = [
  { name: 'S', customers: 500, days: 400, seatFactor: 1, activityFactor: 1 },
  { name: 'L', customers: 10_000, days: 181, seatFactor: 1.37, activityFactor: 0.77 },
];
const END = '2026-03-31';

function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 26,
  });
}

function child(args: string[]): Record<string, number> {
  const out = run(process.execPath, ['--import', 'tsx', CHILD, ...args]);
  return JSON.parse(out.trim().split('\n').pop() ?? '{}') as Record<string, number>;
}

/** Splits the demo's activity into everything before the last day, and the last day. */
async function splitLastDay(dir: string, main: string, last: string): Promise<void> {
  mkdirSync(main, { recursive: true });
  mkdirSync(last, { recursive: true });
  for (const f of readdirSync(dir))
    if (f !== 'activity.csv') symlinkSync(path.join(dir, f), path.join(main, f));
  const a = createWriteStream(path.join(main, 'activity.csv'));
  const b = createWriteStream(path.join(last, 'activity.csv'));
  let header = true;
  for await (const line of createInterface({ input: createReadStream(path.join(dir, 'activity.csv')) })) {
    if (header) {
      a.write(`${line}\n`);
      b.write(`${line}\n`);
      header = false;
    } else if (line.endsWith(END)) {
      if (!b.write(`${line}\n`)) await new Promise<void>((r) => b.once('drain', () => r()));
    } else if (!a.write(`${line}\n`)) await new Promise<void>((r) => a.once('drain', () => r()));
  }
  await Promise.all([new Promise<void>((r) => a.end(() => r())), new Promise<void>((r) => b.end(() => r()))]);
}

const scaleNamed = (name: Scale['name']): Scale => {
  const scale = SCALES.find((s) => s.name === name);
  if (scale === undefined) throw new Error(`no scale ${name}`);
  return scale;
};

/** The demo dataset of a scale, generated once into bench/out. */
export function demoDataset(name: Scale['name']): string {
  const scale = scaleNamed(name);
  const dir = path.join(OUT, `demo-${scale.name}`);
  if (!existsSync(path.join(dir, 'support_requests.csv'))) {
    process.stderr.write(`generating ${scale.name}…\n`);
    run(process.execPath, [
      '--import',
      'tsx',
      path.join(import.meta.dirname, 'gen-demo.ts'),
      dir,
      String(scale.customers),
      String(scale.days),
      END,
      'bench',
      String(scale.seatFactor),
      String(scale.activityFactor),
    ]);
  }
  return dir;
}

/** The store of a scale's demo (all but the last day imported, not computed), and its last day. */
export function demoStore(name: Scale['name']): Promise<{ store: string; lastDay: string }> {
  return prepare(scaleNamed(name));
}

async function prepare(scale: Scale): Promise<{ store: string; lastDay: string }> {
  const dir = demoDataset(scale.name);
  const main = path.join(OUT, `demo-${scale.name}-main`);
  const lastDay = path.join(OUT, `demo-${scale.name}-lastday`);
  if (!existsSync(path.join(lastDay, 'activity.csv'))) {
    process.stderr.write(`splitting the last day of ${scale.name}…\n`);
    await splitLastDay(dir, main, lastDay);
  }
  const store = path.join(OUT, `metrics-store-${scale.name}`);
  if (!existsSync(path.join(store, 'insights.duckdb'))) {
    process.stderr.write(`importing ${scale.name}…\n`);
    run(process.execPath, [CLI, 'import', '--data', store, '--partner', 'bench', main, '--json']);
  }
  return { store, lastDay };
}

const fmt = (n: number | undefined, digits = 1) => (n === undefined ? '' : n.toFixed(digits));

export async function runMetricsBench(options: { quick: boolean }): Promise<void> {
  const rows: string[][] = [];
  for (const scale of options.quick ? SCALES.slice(0, 1) : SCALES) {
    const { store, lastDay } = await prepare(scale);
    process.stderr.write(`${scale.name}: full recompute…\n`);
    const full = child(['full', store]);
    process.stderr.write(`${scale.name}: one new day…\n`);
    const inc = child(['new-day', store, lastDay]);
    const split = (r: Record<string, number>) =>
      `(load ${fmt(r.loadSeconds, 2)} · engine ${fmt(r.engineSeconds, 2)} · write ${fmt(r.writeSeconds, 2)})`;
    rows.push([
      scale.name,
      `engine: full recompute ${split(full)}`,
      fmt(full.seconds, 2),
      String(full.rows ?? ''),
      fmt(full.facts ? full.facts / 1e6 : undefined),
      fmt(full.rssMB, 0),
      scale.name === 'L'
        ? (full.seconds ?? 99) <= 20 && (full.rssMB ?? 1e9) <= 4096
          ? 'yes (≤ 20 s, ≤ 4 GB)'
          : 'NO (≤ 20 s, ≤ 4 GB)'
        : '',
    ]);
    rows.push([
      scale.name,
      `engine: one new day, incremental ${split(inc)}`,
      fmt(inc.seconds, 2),
      String(inc.rows ?? ''),
      '',
      fmt(inc.rssMB, 0),
      scale.name === 'L' ? ((inc.seconds ?? 99) <= 3 ? 'yes (≤ 3 s)' : 'NO (≤ 3 s)') : '',
    ]);
    process.stderr.write(`${scale.name}: reads during a full compute…\n`);
    const dur = child(['during', store]);
    rows.push([
      scale.name,
      `a small read every 20 ms during a full compute: ${dur.reads ?? 0} reads, answered in p50 ${fmt(dur.p50Ms, 0)} · p99 ${fmt(dur.p99Ms, 0)} · max ${fmt(dur.maxMs, 0)} ms; event loop stalled at most ${fmt(dur.loopMaxMs, 0)} ms; ${dur.commitReads ?? 0} reads asked during the COMMIT waited for its checkpoint (at most ${fmt(dur.commitMaxMs, 0)} ms; the checkpointed commit itself: ${fmt(dur.commitMs, 0)} ms, the floor)`,
      fmt(dur.seconds, 2),
      '',
      '',
      fmt(dur.rssMB, 0),
      (dur.maxMs ?? 1e9) <= 50
        ? 'yes (answered ≤ 50 ms outside the commit)'
        : 'NO (answered ≤ 50 ms outside the commit)',
    ]);
    process.stderr.write(`${scale.name}: reports and recommendations…\n`);
    const rep = child(['reports', store]);
    rows.push([
      scale.name,
      'portfolio report of D (baseline)',
      fmt(rep.portfolioSeconds, 2),
      String(rep.portfolioRows ?? ''),
      '',
      '',
      '',
    ]);
    rows.push([
      scale.name,
      `recommendations of D, whole portfolio (${rep.cards ?? 0} cards)`,
      fmt(rep.seconds, 2),
      '',
      '',
      fmt(rep.rssMB, 0),
      `${((rep.seconds ?? 0) / (rep.portfolioSeconds ?? 1)).toFixed(1)}× the portfolio report`,
    ]);
    if (scale.name === 'S') {
      process.stderr.write('S: straightforward SQL baseline…\n');
      const sql = child(['sql-baseline', store]);
      const ratio = (sql.seconds ?? 0) / (full.seconds ?? 1);
      rows.push([
        scale.name,
        'straightforward SQL (range join), same metrics',
        fmt(sql.seconds, 2),
        String(sql.rows ?? ''),
        '',
        fmt(sql.rssMB, 0),
        `engine ${ratio.toFixed(1)}× faster ${ratio >= 10 ? '(yes, ≥ 10×)' : '(NO, ≥ 10×)'}`,
      ]);
    }
  }
  const header = [
    'scale',
    'what',
    'seconds',
    'metric rows (days × rows)',
    'facts (M)',
    'peak RSS MB',
    'target',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i <= 1 || i === 6 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`;
  console.log(
    `\nMetric engine (${new Date().toISOString().slice(0, 10)}, ${(await import('node:os')).cpus().length} cores)`,
  );
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
}
