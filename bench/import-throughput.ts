/**
 * Import throughput: rows and activity facts per second end to end (detect, read, validate,
 * merge, commit) from canonical CSV and from Graph reports, at 1 M and 10 M rows, with peak RSS;
 * next to it the floor, DuckDB's own read_csv of the same file into a plain table, measured in the
 * same run. Targets: ≥ 2 M activity rows/s (a canonical row is one fact; a Graph row is a user with
 * up to six last-activity dates, so its facts are counted), and at least half of read_csv's speed.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { canonicalActivity, graphReport, OUT } from './bench-data';

const CHILD = path.join(import.meta.dirname, 'child.ts');

interface Measure {
  seconds: number;
  rows: number;
  facts?: number;
  rssMB: number;
}

function child(args: string[]): Measure {
  const out = execFileSync(process.execPath, ['--import', 'tsx', CHILD, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split('\n').pop() ?? '{}') as Measure;
}

const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });

export async function runImportBench(options: { quick: boolean }): Promise<void> {
  const sizes = options.quick ? [1_000_000] : [1_000_000, 10_000_000];
  const rows: string[][] = [];
  for (const n of sizes) {
    process.stderr.write(`preparing ${fmt(n)} rows…\n`);
    const canonical = await canonicalActivity(n);
    const report = await graphReport(n);
    const cases = [
      {
        input: 'canonical activity CSV',
        run: () =>
          child([
            'import',
            path.join(OUT, 'store-c'),
            'bench',
            '-',
            canonical.activity,
            path.join(canonical.dir, 'customers.csv'),
            path.join(canonical.dir, 'users.csv'),
          ]),
        floor: () => child(['read_csv', path.join(OUT, 'floor.duckdb'), canonical.activity]),
      },
      {
        input: 'Graph active user detail CSV',
        run: () => child(['import', path.join(OUT, 'store-g'), 'bench', 'Contoso', report]),
        floor: () => child(['read_csv', path.join(OUT, 'floor.duckdb'), report]),
      },
    ];
    for (const c of cases) {
      process.stderr.write(`  ${c.input}: read_csv floor…\n`);
      const floor = c.floor();
      process.stderr.write(`  ${c.input}: import…\n`);
      const m = c.run();
      const rate = m.rows / m.seconds;
      const factRate = (m.facts ?? m.rows) / m.seconds;
      const floorRate = floor.rows / floor.seconds;
      rows.push([
        c.input,
        fmt(m.rows),
        m.facts !== undefined ? fmt(m.facts) : '',
        m.seconds.toFixed(2),
        fmt(rate),
        fmt(factRate),
        fmt(m.rssMB),
        floor.seconds.toFixed(2),
        fmt(floorRate),
        `${((rate / floorRate) * 100).toFixed(0)} %`,
        factRate >= 2_000_000 ? 'yes' : 'NO',
        rate >= floorRate / 2 ? 'yes' : 'NO',
      ]);
    }
  }
  const header = [
    'input',
    'rows',
    'activity facts',
    'import s',
    'rows/s',
    'facts/s',
    'peak RSS MB',
    'read_csv s',
    'read_csv rows/s',
    'import / read_csv',
    '≥ 2 M facts/s',
    '≥ 50 % of read_csv',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`;
  console.log(
    `\nImport throughput (${new Date().toISOString().slice(0, 10)}, ${(await import('node:os')).cpus().length} cores)`,
  );
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
}
