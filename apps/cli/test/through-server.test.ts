/**
 * `insights` commands while a server holds the store: a real server listens on a loopback port
 * over a real DuckDB store (as `insights serve` would: started here, in the test's process), and
 * the commands run as child processes — the real `insights` — on the same data directory, so the
 * store's lock is truly another process's. The commands, reads and writes, go through the server's
 * local-operator routes and print exactly what they print without a server (stdout, stderr, exit
 * code; the "without" runs go to a copy of the store taken before the server started). A write is
 * audited as the local operator and the OS user; an import follows the server's job and a cancel
 * rolls it back; `insights users` and `insights tokens` manage staff and tokens in the server's
 * account store (sign-in links on the server's public URL; a change takes effect on the server's
 * next request); a second server, or a server that cannot be used, is refused with a message
 * naming the server (URL, process) — never a raw lock error.
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
import { osUserName, serverClientFor } from '../src/server-client';

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
function insights(
  args: readonly string[],
  options: { ttyStderr?: boolean; env?: Record<string, string> } = {},
): Promise<Run> {
  const argv = options.ttyStderr === true ? ['--import', 'tsx', TTY_STDERR, ...args] : [BIN, ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, {
      // `--import tsx` resolves from the working directory: the repository's then.
      cwd: options.ttyStderr === true ? ROOT : tmp.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...childEnv(), ...options.env },
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

/** The URL people open the server at (its printed sign-in links use it). */
const PUBLIC_URL = 'https://insights.partner.example';

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

    server = await startServer({
      config: loadConfig({
        cwd: tmp.dir,
        env: {},
        flags: { dataDir: data, server: { host: '127.0.0.1', port: 0, publicUrl: PUBLIC_URL } },
      }),
      logger: false,
      jobOptions: { graceMs: 5_000 },
    });
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

  it('manages staff and tokens as without the server, audited as the local operator and the OS user', async () => {
    const info = readServerFile(data);
    if (info === null || server === null) throw new Error('the server is running');
    const viaServer = server;
    // The server's first start made the partner's first account; the copy gets it from the CLI.
    const first = ['users', 'add', 'admin@localhost', '--role', 'admin_agent', '--role', 'user_admin'];
    expect((await insights(withData(first, twin))).code).toBe(0);
    // Without a server the CLI makes links on the URL the server is configured to be opened at.
    const env = { LI_PUBLIC_URL: PUBLIC_URL };
    const steps: readonly string[][] = [
      [
        'users',
        'add',
        'ana@partner.example',
        '--role',
        'admin_agent',
        '--role',
        'user_admin',
        '--name',
        'Ana',
      ],
      [
        'users',
        'add',
        'sam@partner.example',
        '--role',
        'sales_agent',
        '--customer',
        customerId,
        '--format',
        'table',
      ],
      ['users', 'add', 'sam@partner.example', '--role', 'sales_agent'],
      ['users', 'list'],
      ['users', 'list', '--format', 'table'],
      ['users', 'set-role', 'sam@partner.example', '--role', 'sales_agent', '--role', 'admin_agent'],
      ['users', 'disable', 'sam@partner.example', '--format', 'table'],
      ['users', 'link', 'sam@partner.example'],
      ['tokens', 'create', '--for', 'sam@partner.example', '--name', 'refused'],
      ['users', 'enable', 'sam@partner.example'],
      ['users', 'disable', 'nobody@partner.example'],
      ['users', 'link', 'ana@partner.example'],
      ['users', 'link', 'ana@partner.example', '--format', 'table'],
      [
        'tokens',
        'create',
        '--for',
        'sam@partner.example',
        '--name',
        'nightly',
        '--role',
        'sales_agent',
        '--days',
        '30',
      ],
      ['tokens', 'create', '--for', 'sam@partner.example', '--name', 'wide', '--role', 'user_admin'],
      ['tokens', 'create', '--for', 'ana@partner.example', '--name', 'export', '--format', 'table'],
      ['tokens', 'list'],
      ['tokens', 'list', '--for', 'sam@partner.example', '--format', 'table'],
      ['tokens', 'revoke', '{token}'],
      ['tokens', 'revoke', 'no-such-token'],
      ['tokens', 'list', '--format', 'table'],
      ['users', 'list', '--format', 'table'],
    ];
    /** Runs the steps on one data directory; `{token}` is the first token it made. */
    const run = async (dir: string) => {
      const runs: Run[] = [];
      let token = '';
      for (const step of steps) {
        const r = await insights(
          withData(
            step.map((a) => (a === '{token}' ? token : a)),
            dir,
          ),
          { env },
        );
        if (token === '' && step[1] === 'create' && r.code === 0) {
          token = (JSON.parse(r.stdout) as { token: { tokenId: string } }).token.tokenId;
        }
        runs.push(r);
      }
      return { runs, token };
    };
    // The two directories side by side, as two machines would.
    const [through, alone] = await Promise.all([run(data), run(twin)]);
    // Ids, instants and secrets differ from store to store; everything else is the same.
    const same = (text: string) =>
      text
        .replaceAll(through.token, '{token}')
        .replaceAll(alone.token, '{token}')
        .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '{id}')
        .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '{instant}')
        .replace(/(li_pat_|li_lnk_)[A-Za-z0-9_-]{43}/g, '$1{secret}');
    for (const [i, step] of steps.entries()) {
      const a = through.runs[i];
      const b = alone.runs[i];
      expect({ step, code: a?.code, stdout: same(a?.stdout ?? ''), stderr: same(a?.stderr ?? '') }).toEqual({
        step,
        code: b?.code,
        stdout: same(b?.stdout ?? ''),
        stderr: same(b?.stderr ?? ''),
      });
    }
    // What happened: accounts added and changed, refusals as the use-cases word them, a token revoked.
    const out = (i: number) => through.runs[i] ?? { code: null, stdout: '', stderr: '' };
    expect(out(0).code).toBe(0);
    expect(out(1).stdout).toContain(`✔ added sam@partner.example: Sales agent; customer ${customerId}`);
    expect(out(2).stderr).toContain('exists already');
    expect((JSON.parse(out(3).stdout) as { email: string }[]).map((a) => a.email)).toEqual([
      'admin@localhost',
      'ana@partner.example',
      'sam@partner.example',
    ]);
    expect(out(7).stderr).toContain('is disabled: enable it first');
    expect(out(10).stderr).toContain('no staff account "nobody@partner.example"');
    expect(out(14).stderr).toContain("a token holds at most its creator's roles");
    expect(out(18).stderr).toContain(`token ${through.token} revoked`);
    expect(out(19).code).toBe(2);
    expect(out(20).stdout).toMatch(/nightly +sam@partner\.example +Sales agent +revoked/);
    for (const r of through.runs) expect(r.stderr).not.toMatch(/lock|IO Error/i);

    // The link is on the server's public URL, whatever the CLI's own configuration says.
    const link = await insights(withData(['users', 'link', 'ana@partner.example']));
    expect(link.code).toBe(0);
    const url = (JSON.parse(link.stdout) as { url: string }).url;
    expect(url).toMatch(/^https:\/\/insights\.partner\.example\/sign-in\/link#li_lnk_[A-Za-z0-9_-]{43}$/);
    const linkAlone = await insights(withData(['users', 'link', 'ana@partner.example'], twin));
    expect((JSON.parse(linkAlone.stdout) as { url: string }).url).toMatch(
      /^http:\/\/localhost:8080\/sign-in\/link#/,
    );
    // The link works once, on the server.
    const signIn = await fetch(`${info.url}/api/v1/auth/link`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ secret: url.split('#')[1] }),
    });
    expect(signIn.status).toBe(200);

    // The audit log of the server's account store names the local operator and the OS user.
    const operator = `local operator (OS user ${osUserName()})`;
    const audit = await viaServer.app.inject({
      method: 'GET',
      url: '/api/v1/audit?action=account.create,account.update,account.link,token.create,token.revoke&limit=100',
      headers: { authorization: `Bearer ${info.secret}`, 'x-insights-partner': 'demo' },
    });
    expect(audit.statusCode).toBe(200);
    const records = audit.json() as { actor: string; action: string; source: string }[];
    const mine = records.filter(
      (r) => r.actor !== 'system (first start)' && r.actor !== 'system (demo start)',
    );
    expect(new Set(mine.map((r) => r.actor))).toEqual(new Set([operator]));
    expect(new Set(mine.map((r) => r.action))).toEqual(
      new Set(['account.create', 'account.update', 'account.link', 'token.create', 'token.revoke']),
    );
    expect(mine.every((r) => r.source === 'accounts')).toBe(true);
  }, 180_000);

  it('makes a change through the server take effect on the server’s next request', async () => {
    const info = readServerFile(data);
    if (info === null) throw new Error('the server is running');
    const made = await insights(
      withData(['tokens', 'create', '--for', 'sam@partner.example', '--name', 'bot']),
    );
    expect(made.code).toBe(0);
    const { token, secret } = JSON.parse(made.stdout) as { token: { tokenId: string }; secret: string };
    const me = async () =>
      (await fetch(`${info.url}/api/v1/me`, { headers: { authorization: `Bearer ${secret}` } })).status;
    expect(await me()).toBe(200);
    // The server trusts a checked token for a few seconds: the change through it clears that at once.
    expect((await insights(withData(['users', 'disable', 'sam@partner.example']))).code).toBe(0);
    expect(await me()).toBe(401);
    expect((await insights(withData(['users', 'enable', 'sam@partner.example']))).code).toBe(0);
    expect(await me()).toBe(200);
    expect((await insights(withData(['tokens', 'revoke', token.tokenId]))).code).toBe(0);
    expect(await me()).toBe(401);
  }, 60_000);

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

  it('refuses a second server, naming the first', async () => {
    const info = readServerFile(data);
    if (info === null) throw new Error('the server is running');
    // A second server on the same data directory.
    const second = await insights(withData(['serve', '--port', '0']));
    expect(second.code).toBe(5);
    expect(second.stderr).toContain(`a server (process ${info.pid}) already serves ${data} at ${info.url}`);
    expect(second.stderr).not.toMatch(/Conflicting lock|IO Error/);
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
    expect(serverClientFor(configOf(data))).toBeNull();
    // The demo reloaded through the server above: its metrics are computed by this process now.
    const compute = await insights(withData(['compute', '--partner', 'demo']));
    expect(compute.code).toBe(0);
    const r = await insights(withData(['report', 'portfolio', '--partner', 'demo', '--format', 'csv']));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(customerId);
  }, 60_000);
});
