/**
 * `insights` commands while a server holds the store: a real server listens on a loopback port
 * over a real DuckDB store (as `insights serve` would: started here, in the test's process), and
 * the commands run as child processes — the real `insights` — on the same data directory, so the
 * store's lock is truly another process's. The commands, reads and writes, go through the server's
 * local-operator routes and print exactly what they print without a server (stdout, stderr, exit
 * code; the "without" runs go to a copy of the store taken before the server started). A write is
 * audited as the local operator and the OS user; an import follows the server's job and a cancel
 * rolls it back; a command that cannot go through the server, or a server that cannot be used, is
 * refused with a message naming the server (URL, process) — never a raw lock error.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunningServer, startServer } from '@license-insights/api';
import { isAppError, loadConfig, readServerFile, SERVER_FILE } from '@license-insights/core';
import { tempDir } from '@license-insights/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remoteInsights } from '../src/remote-insights';
import { osUserName, refuseWhileServed, serverClientFor } from '../src/server-client';

const BIN = fileURLToPath(new URL('../bin/insights.js', import.meta.url));
/** `insights` with stderr taken for a terminal: it draws its progress bar. */
const TTY_STDERR = fileURLToPath(new URL('./helpers/insights-tty-stderr.ts', import.meta.url));

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const tmp = tempDir('li-through-');
const data = path.join(tmp.dir, 'data');
/** A copy of the store taken before the server started: the same writes go here without a server. */
const twin = path.join(tmp.dir, 'twin');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment of the children: this one's, without any `LI_` setting of the machine. */
const childEnv = (): NodeJS.ProcessEnv => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LI_'))),
  LI_ACTOR: 'cli-user',
  NO_COLOR: '1',
});

/** The real `insights` in a child process, its stdout and stderr pipes (not terminals). */
function insights(args: readonly string[], options: { ttyStderr?: boolean } = {}): Promise<Run> {
  const argv = options.ttyStderr === true ? ['--import', 'tsx', TTY_STDERR, ...args] : [BIN, ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, {
      // `--import tsx` resolves from the working directory: the repository's then.
      cwd: options.ttyStderr === true ? ROOT : tmp.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: childEnv(),
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
}

const withData = (args: readonly string[], dir = data) => [...args, '--data', dir];

/** Runs `tasks` with at most `limit` at a time, answers in order. */
async function inParallel<T>(tasks: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < tasks.length; i = next++) {
      const task = tasks[i];
      if (task !== undefined) results[i] = await task();
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

const configOf = (dataDir: string) =>
  loadConfig({ cwd: tmp.dir, env: {}, flags: { dataDir, server: { host: '127.0.0.1', port: 0 } } });

let server: RunningServer | null = null;
/** A customer of the demo portfolio (its id, read back in beforeAll). */
let customerId = '';

/** Commands that read, each as a user would type it (errors included: they must read the same too). */
const reads = (): readonly string[][] => [
  ['report', 'portfolio'],
  ['report', 'portfolio', '--format', 'csv'],
  ['report', 'portfolio', '--format', 'table'],
  ['report', 'customer', customerId, '--format', 'json'],
  ['report', 'customer', customerId, '--format', 'table'],
  ['report', 'inactive', customerId, '--days', '28', '--format', 'csv'],
  ['report', 'support', '--format', 'json'],
  ['recommendations', '--format', 'json'],
  ['settings'],
  ['settings', 'log'],
  ['exclusions'],
  ['status'],
  ['catalog', 'list', '--search', 'E3'],
  ['report', 'customer', 'no-such-customer'],
  ['report', 'portfolio', '--date', '2020-01-01'],
];

beforeAll(async () => {
  const demo = await insights(
    withData(['demo', '--import', '--customers', '6', '--days', '60', '--end', '2026-03-31']),
  );
  expect(demo.stderr).toContain('imported into');
  expect(demo.code).toBe(0);
  expect((await insights(withData(['compute']))).code).toBe(0);
  const portfolio = await insights(withData(['report', 'portfolio', '--format', 'json']));
  const rows = JSON.parse(portfolio.stdout) as { customerTenantId: string }[];
  customerId = rows[0]?.customerTenantId ?? '';
  expect(customerId).not.toBe('');
}, 180_000);

afterAll(async () => {
  await server?.close();
  tmp.cleanup();
});

describe('the CLI through a running server', () => {
  it('prints the same for reads, with or without the server', async () => {
    const READS = reads();
    const alone: Run[] = [];
    for (const args of READS) alone.push(await insights(withData(args)));
    // A copy of the store for the writes below, before a server holds it.
    cpSync(data, twin, { recursive: true });

    server = await startServer({ config: configOf(data), logger: false, jobOptions: { graceMs: 5_000 } });
    expect(readServerFile(data)).toMatchObject({
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      pid: process.pid,
    });

    // Several commands at once, as several terminals would: each answered through the server.
    const through = await inParallel(
      READS.map((args) => () => insights(withData(args))),
      3,
    );
    for (const [i, args] of READS.entries()) {
      expect({ args, ...through[i] }).toEqual({ args, ...alone[i] });
    }
    // The reads were answered and the error cases refused, as without a server.
    expect(alone[0]?.code).toBe(0);
    expect(alone[2]?.stdout).toContain(customerId);
    expect(alone.at(-2)?.code).toBe(2);
    expect(alone.at(-2)?.stderr).toContain('no-such-customer');
    // Nothing of the store's lock reached anyone.
    for (const r of through) expect(r.stderr).not.toMatch(/lock|IO Error/i);
  }, 180_000);

  it('prints the same for an import and a compute, and audits the local operator and the OS user', async () => {
    const file = path.join(tmp.dir, 'customers.csv');
    writeFileSync(file, 'customer_id,name\nnew-1,New One\n,Missing Id\n');
    const rejects = path.join(tmp.dir, 'rejects.csv');
    const twinRejects = path.join(tmp.dir, 'twin-rejects.csv');
    const importArgs = (r: string) => ['import', '--partner', 'demo', '--partial', '--rejects', r, file];
    const viaServer = await insights(withData(importArgs(rejects)));
    const withoutServer = await insights(withData(importArgs(twinRejects), twin));
    const normal = (text: string) =>
      text.replace(/"importId": "[^"]+"/g, '"importId": "…"').replaceAll(twinRejects, rejects);
    expect(viaServer.code).toBe(4);
    expect(normal(viaServer.stdout)).toBe(normal(withoutServer.stdout));
    expect(normal(viaServer.stderr)).toBe(normal(withoutServer.stderr));
    expect(viaServer.code).toBe(withoutServer.code);
    expect(JSON.parse(viaServer.stdout)).toMatchObject({ outcome: 'partial', rejectsFile: rejects });
    // The server wrote the rejects where the command said, as the command itself would have.
    expect(readFileSync(rejects, 'utf8')).toBe(readFileSync(twinRejects, 'utf8'));
    expect(readFileSync(rejects, 'utf8')).toContain('customers.csv');

    const compute = await insights(withData(['compute', '--full']));
    const computeAlone = await insights(withData(['compute', '--full'], twin));
    const timeless = (text: string) => {
      const { seconds: _s, phases: _p, ...rest } = JSON.parse(text) as Record<string, unknown>;
      return rest;
    };
    expect(compute.code).toBe(0);
    expect(compute.stderr).toBe(computeAlone.stderr);
    expect(timeless(compute.stdout)).toEqual(timeless(computeAlone.stdout));
    expect(timeless(compute.stdout)).toMatchObject({ mode: 'full', customers: 7 });

    // Settings: the same words, and the audit names who did it through the server.
    const set = await insights(withData(['settings', 'set', 'LOW_ADOPTION.usageBelow', '40']));
    const setAlone = await insights(withData(['settings', 'set', 'LOW_ADOPTION.usageBelow', '40'], twin));
    expect(set).toEqual(setAlone);
    expect(set.code).toBe(0);
    const log = JSON.parse((await insights(withData(['settings', 'log']))).stdout) as { actor: string }[];
    const operator = `local operator (OS user ${osUserName()})`;
    expect(log[0]?.actor).toBe(operator);
    const status = JSON.parse((await insights(withData(['status']))).stdout) as {
      partners: { recentImports: { actor: string }[] }[];
    };
    expect(status.partners[0]?.recentImports[0]?.actor).toBe(operator);
    // Without a server, the same commands are audited as the configured actor.
    const twinLog = JSON.parse((await insights(withData(['settings', 'log'], twin))).stdout) as {
      actor: string;
    }[];
    expect(twinLog[0]?.actor).toBe('cli-user');
    // The server's own job list names the local operator as who started the import.
    expect(server?.app.jobs.list('demo').find((j) => j.kind === 'import')).toMatchObject({
      createdBy: operator,
      state: 'succeeded',
    });
  }, 180_000);

  it('runs the import as the server’s job, with progress, and a cancel rolls it back', async () => {
    const client = serverClientFor(configOf(data));
    if (client === null) throw new Error('the server is running');
    const remote = remoteInsights(client);
    const before = await remote.status({ partnerId: 'demo' });
    const abort = new AbortController();
    const phases: string[] = [];
    const outcome = await remote
      .importFiles({
        partnerId: 'demo',
        actor: 'ignored',
        paths: [path.join(data, 'demo-dataset')],
        asOf: '2026-03-31',
        channel: 'direct',
        partial: false,
        replace: true,
        rejectsPath: path.join(tmp.dir, 'r.csv'),
        maxProblemsPerFile: 10,
        signal: abort.signal,
        onProgress: (p) => {
          phases.push(p.phase);
          if (p.phase === 'reading') abort.abort();
        },
      })
      .then(
        () => 'completed',
        (e: unknown) => (isAppError(e) ? e.code : String(e)),
      );
    expect(outcome).toBe('interrupted');
    expect(phases[0]).toBe('reading');
    expect(await remote.status({ partnerId: 'demo' })).toEqual(before);
    expect(server?.app.jobs.list('demo')[0]).toMatchObject({ kind: 'import', state: 'cancelled' });
  }, 60_000);

  it('shows the progress bar of the server’s job on a terminal', async () => {
    const r = await insights(
      withData(['demo', '--import', '--customers', '6', '--days', '60', '--end', '2026-03-31']),
      { ttyStderr: true },
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('importing for partner demo');
    expect(r.stderr).toMatch(/\d+%/);
    expect(server?.app.jobs.list('demo')[0]).toMatchObject({ kind: 'import', state: 'succeeded' });
  }, 60_000);

  it('refuses a command that cannot go through the server, naming it', async () => {
    const info = readServerFile(data);
    if (info === null) throw new Error('the server is running');
    // A second server on the same data directory.
    const second = await insights(withData(['serve', '--port', '0']));
    expect(second.code).toBe(5);
    expect(second.stderr).toContain(`a server (process ${info.pid}) already serves ${data} at ${info.url}`);
    expect(second.stderr).not.toMatch(/Conflicting lock|IO Error/);
    // The hook commands use until their local-operator routes exist.
    expect(() => refuseWhileServed(configOf(data), 'insights users')).toThrow(
      `the server at ${info.url} (process ${info.pid})`,
    );
  }, 60_000);

  it('names the server when it cannot be used: not answering, another credential; never a lock error', async () => {
    const file = path.join(data, SERVER_FILE);
    const real = readFileSync(file, 'utf8');
    const info = JSON.parse(real) as { url: string; pid: number; secret: string };
    try {
      writeFileSync(file, JSON.stringify({ ...info, secret: `li_loc_${'A'.repeat(43)}` }));
      const wrong = await insights(withData(['report', 'portfolio']));
      expect(wrong.code).toBe(7);
      expect(wrong.stderr).toContain(`the server at ${info.url} (process ${info.pid})`);
      expect(wrong.stderr).toContain('did not accept the local credential');

      writeFileSync(file, JSON.stringify({ ...info, url: 'http://127.0.0.1:9' }));
      const silent = await insights(withData(['report', 'portfolio']));
      expect(silent.code).toBe(5);
      expect(silent.stderr).toContain(`the server at http://127.0.0.1:9 (process ${info.pid})`);
      expect(silent.stderr).toContain('does not answer');
      expect(silent.stderr).not.toMatch(/Conflicting lock|IO Error/);
    } finally {
      writeFileSync(file, real, { mode: 0o600 });
    }
  }, 60_000);

  it('imports for a partner the store does not hold yet', async () => {
    const file = path.join(tmp.dir, 'fresh.csv');
    writeFileSync(file, 'customer_id,name\nfresh-1,Fresh One\n');
    const r = await insights(withData(['import', '--partner', 'fresh', file]));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ outcome: 'committed' });
    const report = await insights(withData(['report', 'portfolio', '--partner', 'fresh']));
    // Imported, and read back through the server as that partner (no metrics computed yet).
    expect(report.stderr).toContain('no metrics');
  }, 60_000);

  it('works on its own again once the server stopped', async () => {
    await server?.close();
    server = null;
    expect(existsSync(path.join(data, SERVER_FILE))).toBe(false);
    expect(() => refuseWhileServed(configOf(data), 'insights users')).not.toThrow();
    // The demo reloaded through the server above: its metrics are computed by this process now.
    const compute = await insights(withData(['compute', '--partner', 'demo']));
    expect(compute.code).toBe(0);
    const r = await insights(withData(['report', 'portfolio', '--partner', 'demo', '--format', 'csv']));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(customerId);
  }, 60_000);
});
