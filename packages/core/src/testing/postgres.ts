/**
 * A throwaway PostgreSQL 15 for tests: a new cluster in a temporary folder (initdb as the
 * `postgres` user when run as root — initdb refuses root), listening on 127.0.0.1 only, on a free
 * high port, with fsync off (the data is thrown away); `stop()` ends it and removes the folder.
 * Null when PostgreSQL 15 is not installed here — except under CI, where `.ci/run` installs it and
 * its absence is an error, never a skipped test.
 *
 * `startCitus()` gives the same for Citus: a coordinator and two workers started by the cluster
 * script beside the repository (`../shared/citus/cluster.sh`, whose Citus build is AGPL and never
 * copied into the repository), every database made by `newDatabase` a Citus database with both
 * workers. Null when that folder is absent (a clone without `shared/`) — an error under CI.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

const PG_BIN = '/usr/lib/postgresql/15/bin';

export interface TestPostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  readonly url: string;
  /**
   * A new empty database of the server, its URL (on Citus: created on every node, with the citus
   * extension and the workers, so a store opened on it is distributed).
   */
  newDatabase(name: string, options?: { readonly citus?: boolean }): Promise<string>;
  /**
   * On Citus: makes a database made with `{ citus: false }` (plain PostgreSQL on the coordinator,
   * the citus extension only on the workers) a Citus database, as an operator adds Citus to a
   * store in use. Absent on plain PostgreSQL.
   */
  readonly addCitus?: (name: string) => Promise<void>;
  stop(): Promise<void>;
}

/** The folder of the Citus build and its cluster script: `shared/citus` beside the repository. */
export const CITUS_DIR = path.resolve(import.meta.dirname, '../../../../../shared/citus');

/** Workers of a test cluster. */
const CITUS_WORKERS = 2;

/** Database names of tests are our own words, never input. */
function checkedName(name: string): string {
  if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
  return name;
}

/** Runs SQL text (tests' own) with psql on a local server, as the trusted `postgres` user. */
function psql(port: number, database: string, text: string): string {
  return execFileSync(
    path.join(PG_BIN, 'psql'),
    [
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
      '-U',
      'postgres',
      '-qAtX',
      '-v',
      'ON_ERROR_STOP=1',
      '-c',
      text,
      database,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  ).toString();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Whether PostgreSQL 15 is installed here (tests that need it are skipped otherwise — never under CI). */
export function postgresInstalled(): boolean {
  return existsSync(path.join(PG_BIN, 'postgres'));
}

export async function startPostgres(): Promise<TestPostgres | null> {
  if (!postgresInstalled()) {
    if (process.env.CI === 'true') {
      throw new Error(`PostgreSQL 15 is not installed (${PG_BIN}); .ci/run installs postgresql-15`);
    }
    return null;
  }
  const root = process.getuid?.() === 0;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'li-pg-'));
  const data = path.join(dir, 'data');
  const asPostgres = (bin: string, args: string[]) =>
    root
      ? execFileSync('runuser', ['-u', 'postgres', '--', path.join(PG_BIN, bin), ...args], {
          cwd: '/',
          stdio: ['ignore', 'pipe', 'pipe'],
        })
      : execFileSync(path.join(PG_BIN, bin), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  if (root) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), -1);
  asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  const conf = [
    "listen_addresses = '127.0.0.1'",
    `port = ${port}`,
    `unix_socket_directories = '${dir}'`,
    'fsync = off',
    'synchronous_commit = off',
    'full_page_writes = off',
  ];
  writeFileSync(path.join(data, 'postgresql.auto.conf'), `${conf.join('\n')}\n`, { flag: 'a' });
  asPostgres('pg_ctl', ['-D', data, '-l', path.join(dir, 'log'), '-w', 'start']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async newDatabase(name) {
      psql(port, 'postgres', `CREATE DATABASE ${checkedName(name)}`);
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      try {
        asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Why the Citus tests are skipped here (null: they run). Under CI nothing is skipped. */
export function citusSkipReason(): string | null {
  if (process.env.CI === 'true') return null;
  if (!postgresInstalled()) return `PostgreSQL 15 is not installed (${PG_BIN})`;
  if (!existsSync(path.join(CITUS_DIR, 'cluster.sh')))
    return `no Citus build beside the repository (${CITUS_DIR})`;
  return null;
}

/** Where PostgreSQL 15 loads libraries from (`cluster.sh install` copies Citus's there). */
const PG_LIB = '/usr/lib/postgresql/15/lib';

/** Whether the Citus build beside the repository is what PostgreSQL 15 loads (every library alike). */
function citusInstalled(): boolean {
  const built = path.join(CITUS_DIR, 'build', 'lib');
  const libraries = [
    ...readdirSync(built).filter((f) => f.endsWith('.so')),
    ...readdirSync(path.join(built, 'citus_decoders')).map((f) => path.join('citus_decoders', f)),
  ];
  return libraries.every((f) => {
    const installed = path.join(PG_LIB, f);
    return existsSync(installed) && readFileSync(installed).equals(readFileSync(path.join(built, f)));
  });
}

/**
 * `cluster.sh install`, only when the build is not installed already: it copies the libraries in
 * place, and a running instance (another test file's cluster: vitest runs files side by side)
 * whose mapped citus.so is rewritten under it dies of a segmentation fault. Test files starting
 * together take turns (a lock folder), and the second finds the build installed.
 */
async function installCitus(run: (args: string[]) => string): Promise<void> {
  if (citusInstalled()) return;
  const lock = path.join(os.tmpdir(), 'li-citus-install.lock');
  for (let waited = 0; ; waited += 200) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || waited > 120_000) throw e;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    if (!citusInstalled()) run(['install']);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * The compatibility shim (citus-pg15-compat.c), compiled once into the temporary folder, when the
 * Citus build needs functions this PostgreSQL does not export; null when it needs none. Its path
 * is preloaded into the cluster's processes (LD_PRELOAD), nothing else.
 */
function citusCompatPreload(): string | null {
  const wanted = ['heap_datum_check', 'DatumGetHeapTupleHeader'];
  const symbols = (args: string[]) =>
    new Set(
      execFileSync('nm', args, { stdio: ['ignore', 'pipe', 'pipe'] })
        .toString()
        .split('\n')
        .map((l) => l.trim().split(/\s+/).pop() ?? ''),
    );
  const needed = symbols(['-D', '--undefined-only', path.join(CITUS_DIR, 'build', 'lib', 'citus.so')]);
  const exported = symbols(['-D', '--defined-only', path.join(PG_BIN, 'postgres')]);
  if (wanted.every((f) => !needed.has(f) || exported.has(f))) return null;
  const source = path.join(import.meta.dirname, 'citus-pg15-compat.c');
  const out = path.join(os.tmpdir(), 'li-citus-pg15-compat.so');
  const built = `${out}.${process.pid}`;
  execFileSync('cc', ['-shared', '-fPIC', '-O2', '-o', built, source], { stdio: ['ignore', 'pipe', 'pipe'] });
  chmodSync(built, 0o755);
  // Renamed into place: a cluster of another test file may have it mapped already.
  renameSync(built, out);
  return out;
}

/** A free port whose next `count` ports are free too (the workers listen there). */
async function freePorts(count: number): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await freePort();
    if (port + count > 65535) continue;
    let all = true;
    for (let i = 1; i <= count && all; i++) all = await free(port + i);
    if (all) return port;
  }
  throw new Error(`no ${count + 1} consecutive free ports`);
}

/**
 * A throwaway Citus 13 cluster (coordinator and two workers on consecutive free high ports, data
 * in a temporary folder) from `../shared/citus/cluster.sh`: `install` (copies the build into
 * PostgreSQL 15; skipped when it is there already), then `start`; `stop()` stops every instance
 * and removes the folder.
 * Its `url` is the coordinator's `postgres` database, with the citus extension and both workers.
 */
export async function startCitus(): Promise<TestPostgres | null> {
  const reason = citusSkipReason();
  if (reason !== null) return null;
  const script = path.join(CITUS_DIR, 'cluster.sh');
  if (!postgresInstalled() || !existsSync(script))
    throw new Error(`Citus tests need PostgreSQL 15 and ${script} (under CI both are there)`);
  const preload = citusCompatPreload();
  const env = preload === null ? process.env : { ...process.env, LD_PRELOAD: preload };
  const run = (args: string[]) =>
    execFileSync(script, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: '/', env }).toString();
  await installCitus(run);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'li-citus-'));
  const port = await freePorts(CITUS_WORKERS);
  try {
    const out = run(['start', dir, String(port), String(CITUS_WORKERS)])
      .trim()
      .split('\n');
    if (!out.some((l) => l === `workers: ${CITUS_WORKERS}`))
      throw new Error(`the Citus cluster started without its workers: ${out.join(' / ')}`);
  } catch (e) {
    const log = path.join(dir, 'n0', 'log');
    const tail = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-5).join('\n') : '';
    try {
      run(['stop', dir]);
    } catch {
      // What started is stopped; the start's error is the one to tell.
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    throw new Error(`the Citus cluster did not start: ${(e as Error).message}\n${tail}`, { cause: e });
  }
  const nodes = Array.from({ length: CITUS_WORKERS + 1 }, (_, i) => port + i);
  const addCitus = async (name: string) => {
    const db = checkedName(name);
    psql(port, db, 'CREATE EXTENSION citus');
    psql(port, db, `SELECT citus_set_coordinator_host('127.0.0.1', ${port})`);
    for (const p of nodes.slice(1)) psql(port, db, `SELECT citus_add_node('127.0.0.1', ${p})`);
  };
  // Eight shards a distributed table (four a worker), not Citus's 32: every query still spans
  // several shards on each worker, and a test database's 13 tables are made in a fraction of the
  // time (each test makes its own).
  psql(port, 'postgres', 'ALTER SYSTEM SET citus.shard_count = 8');
  psql(port, 'postgres', 'SELECT pg_reload_conf()');
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async newDatabase(name, options) {
      const db = checkedName(name);
      for (const p of nodes) {
        psql(p, 'postgres', `CREATE DATABASE ${db}`);
        if (p !== port) psql(p, db, 'CREATE EXTENSION citus');
      }
      if (options?.citus !== false) await addCitus(db);
      return `postgres://postgres@127.0.0.1:${port}/${db}`;
    },
    addCitus,
    async stop() {
      try {
        run(['stop', dir]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
