/**
 * The stores benchmark (`npm run bench -- stores`): the same work on each engine, in one run.
 *   S (500 customers, ~45 k users, 400 days): the embedded store (DuckDB), PostgreSQL 15, and Citus
 *     (a coordinator and two workers on this machine; the compute split in two parts);
 *   L (10 000 customers, ~1 M users, 181 days; with --large): DuckDB and PostgreSQL.
 * For each: a first import of the demo dataset, a full metric recompute (its load, engine and
 * write phases), and the portfolio summary through the HTTP API (in-memory injection, one call
 * after another). The embedded store is the baseline the others are compared with (× DuckDB).
 * Every measurement runs in its own process (stores-child.ts). PostgreSQL and Citus run as
 * throwaway clusters on loopback (fsync off); Citus needs ../shared/citus (skipped without it).
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { startCitus, startPostgres, type TestPostgres } from '@license-insights/core/testing';
import { OUT } from './bench-data';
import { demoDataset } from './metrics-bench';

const CHILD = path.join(import.meta.dirname, 'stores-child.ts');

function child(args: string[]): Record<string, number> {
  // A PostgreSQL import holds the small files' records until its commit (activity is grouped as it
  // is read: typed arrays outside the heap), and L's million users in maps: room to spare.
  const out = execFileSync(
    process.execPath,
    ['--max-old-space-size=8192', '--import', 'tsx', CHILD, ...args],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 26,
    },
  );
  return JSON.parse(out.trim().split('\n').pop() ?? '{}') as Record<string, number>;
}

interface Engine {
  readonly name: string;
  /** A fresh, empty store: a directory or a database URL. */
  fresh(scale: string): Promise<string>;
  readonly parts: number;
}

const fmt = (n: number | undefined, digits = 1) =>
  n === undefined || Number.isNaN(n) ? '' : n.toFixed(digits);

export async function runStoresBench(options: { quick: boolean; large: boolean }): Promise<void> {
  const servers: TestPostgres[] = [];
  try {
    const pgServer = await startPostgres();
    if (pgServer === null) throw new Error('PostgreSQL 15 is not installed (/usr/lib/postgresql/15/bin)');
    servers.push(pgServer);
    const citus = await startCitus();
    if (citus !== null) servers.push(citus);
    const duck: Engine = {
      name: 'DuckDB (embedded)',
      parts: 1,
      fresh: async (scale) => {
        const dir = path.join(OUT, `stores-duckdb-${scale}`);
        rmSync(dir, { recursive: true, force: true });
        return dir;
      },
    };
    const postgres: Engine = {
      name: 'PostgreSQL 15',
      parts: 1,
      fresh: (scale) => pgServer.newDatabase(`bench_pg_${scale.toLowerCase()}_${Date.now()}`),
    };
    const engines: { scale: 'S' | 'L'; engines: Engine[] }[] = [
      {
        scale: 'S',
        engines: [
          duck,
          postgres,
          ...(citus === null
            ? []
            : [
                {
                  name: 'Citus 13, 2 workers, compute in 2 parts',
                  parts: 2,
                  fresh: (scale: string) =>
                    citus.newDatabase(`bench_citus_${scale.toLowerCase()}_${Date.now()}`),
                },
              ]),
        ],
      },
      ...(options.large ? [{ scale: 'L' as const, engines: [duck, postgres] }] : []),
    ];
    const rows: string[][] = [];
    const readSeconds = options.quick ? 3 : 8;
    for (const { scale, engines: list } of engines) {
      const dataset = demoDataset(scale);
      let base: { imp: number; comp: number; read: number } | null = null;
      for (const engine of list) {
        const where = await engine.fresh(scale);
        process.stderr.write(`stores ${scale} ${engine.name}: import…\n`);
        const imp = child(['import', where, dataset]);
        process.stderr.write(`stores ${scale} ${engine.name}: full compute…\n`);
        const comp = child(['compute', where, String(engine.parts)]);
        process.stderr.write(`stores ${scale} ${engine.name}: portfolio API reads…\n`);
        const read = child(['read', where, String(readSeconds)]);
        base ??= { imp: imp.seconds ?? 1, comp: comp.seconds ?? 1, read: read.p50Ms ?? 1 };
        const x = (v: number | undefined, b: number) => `${fmt((v ?? 0) / b)}×`;
        rows.push([
          scale,
          engine.name,
          `${fmt(imp.seconds)} s (${x(imp.seconds, base.imp)})`,
          `${fmt((imp.records ?? 0) / (imp.seconds ?? 1) / 1000, 0)} k/s`,
          `${fmt(comp.seconds)} s (${x(comp.seconds, base.comp)})`,
          `${fmt(comp.loadSeconds)} · ${fmt(comp.engineSeconds)} · ${fmt(comp.writeSeconds)}`,
          `${fmt(read.p50Ms, 0)} / ${fmt(read.p99Ms, 0)} ms (${x(read.p50Ms, base.read)}); kept ${fmt(read.warmP50Ms, 1)} ms`,
          `${fmt(Math.max(imp.rssMB ?? 0, comp.rssMB ?? 0, read.rssMB ?? 0), 0)} MB`,
        ]);
      }
    }
    const head = [
      'scale',
      'engine',
      'import (× DuckDB)',
      'records/s',
      'full compute (× DuckDB)',
      'load · engine · write s',
      'portfolio summary, a new day: p50 / p99',
      'peak RSS',
    ];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
    const line = (cells: readonly string[]) =>
      `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
    process.stdout.write(
      `\nStores: the same work on each engine (${new Date().toISOString().slice(0, 10)}, ${
        (await import('node:os')).cpus().length
      } cores; databases on loopback, fsync off)\n${line(head)}\n${line(widths.map((w) => '-'.repeat(w)))}\n${rows
        .map(line)
        .join('\n')}\n`,
    );
    if (citus === null) process.stdout.write('Citus: skipped (../shared/citus not found)\n');
  } finally {
    for (const s of servers) await s.stop().catch(() => undefined);
  }
}
