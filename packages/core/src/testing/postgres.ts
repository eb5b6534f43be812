/**
 * A throwaway PostgreSQL 15 for tests: a new cluster in a temporary folder (initdb as the
 * `postgres` user when run as root — initdb refuses root), listening on 127.0.0.1 only, on a free
 * high port, with fsync off (the data is thrown away); `stop()` ends it and removes the folder.
 * Null when PostgreSQL 15 is not installed here — except under CI, where `.ci/run` installs it and
 * its absence is an error, never a skipped test.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

const PG_BIN = '/usr/lib/postgresql/15/bin';

export interface TestPostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  readonly url: string;
  stop(): Promise<void>;
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
    async stop() {
      try {
        asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
