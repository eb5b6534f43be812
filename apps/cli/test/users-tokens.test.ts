/**
 * `insights users` and `insights tokens` in-process on a real account store: accounts added,
 * listed (table on a terminal, JSON when piped), given roles, disabled and enabled, sign-in links
 * that work once; tokens made for an account (secret printed once, stored hashed, never wider than
 * the account), listed and revoked; options refused by name before any store is touched; every
 * change audited as the local operator with the OS user; and a running server that does not
 * answer named instead of a lock error.
 */
import { existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hashSecret, openAccountStore, writeServerFile } from '@license-insights/core';
import { tempDir } from '@license-insights/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/main';
import type { Terminal } from '../src/output';

const tmp = tempDir('li-cli-users-');
afterAll(() => tmp.cleanup());

async function cli(args: string[], opts: { tty?: boolean; env?: Record<string, string> } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const term: Terminal = {
    stdoutIsTty: opts.tty === true,
    stderrIsTty: false,
    color: false,
    out: (t) => out.push(t),
    err: (t) => err.push(t),
  };
  const code = await runCli(args, term, { ...opts.env }, tmp.dir);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

const data = path.join(tmp.dir, 'data');
const d = ['--data', data];
const OPERATOR = `local operator (OS user ${os.userInfo().username})`;

async function withAccounts<T>(
  work: (a: Awaited<ReturnType<typeof openAccountStore>>) => Promise<T>,
): Promise<T> {
  const accounts = await openAccountStore({ dataDir: data });
  try {
    return await work(accounts);
  } finally {
    await accounts.close();
  }
}

describe('insights users', () => {
  it('refuses a wrong command line by the option’s name, before any store is made', async () => {
    const none = await cli(['users', 'add', 'ana@partner.example', ...d]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--role is required');
    const bad = await cli(['users', 'add', 'ana@partner.example', '--role', 'boss', ...d]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--role must be one of admin_agent, sales_agent, user_admin');
    const email = await cli(['users', 'add', 'not-an-email', '--role', 'sales_agent', ...d]);
    expect(email.code).toBe(2);
    expect(email.stderr).toContain('<email> must be an e-mail address');
    const action = await cli(['users', 'promote', 'x@y.z', ...d]);
    expect(action.code).toBe(2);
    expect(action.stderr).toContain('one of add, list, set-role, disable, enable, link');
    expect(existsSync(data)).toBe(false);
  });

  it('adds accounts (roles combine; limited to customers or groups) and audits them', async () => {
    const ana = await cli([
      'users',
      'add',
      'Ana@Partner.example',
      '--role',
      'admin_agent',
      '--role',
      'user_admin',
      '--name',
      'Ana Nowak',
      ...d,
    ]);
    expect(ana.code).toBe(0);
    const created = JSON.parse(ana.stdout);
    expect(created).toMatchObject({
      email: 'ana@partner.example',
      displayName: 'Ana Nowak',
      roles: ['admin_agent', 'user_admin'],
      scope: null,
      hasPassword: false,
    });
    expect(ana.stderr).toContain('insights users link ana@partner.example');
    const sam = await cli(
      [
        'users',
        'add',
        'sam@partner.example',
        '--role',
        'sales_agent',
        '--group',
        'Enterprise',
        '--customer',
        'C0001',
        ...d,
      ],
      { tty: true },
    );
    expect(sam.code).toBe(0);
    expect(sam.stdout).toContain(
      '✔ added sam@partner.example: Sales agent; customer C0001, group Enterprise',
    );
    const dup = await cli(['users', 'add', 'sam@partner.example', '--role', 'sales_agent', ...d]);
    expect(dup.code).toBe(2);
    expect(dup.stderr).toContain('exists already');
    await withAccounts(async (a) => {
      const stored = await a.accountByEmail('sam@partner.example');
      // No data store in the folder: the partner `insights serve` starts with.
      expect(stored?.partnerId).toBe('default');
      const log = await a.auditLog('default', ['account.create'], 10);
      expect(log.map((e) => e.actor)).toEqual([OPERATOR, OPERATOR]);
    });
  });

  it('lists accounts: a table on a terminal, JSON when piped', async () => {
    const table = await cli(['users', 'list', ...d], { tty: true });
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^e-mail +name +roles +customers +state +sign-in +last sign-in \(UTC\)/);
    expect(table.stdout).toMatch(
      /ana@partner\.example +Ana Nowak +Admin agent, User management admin +all customers +enabled +link only +never/,
    );
    const json = await cli(['users', ...d]);
    expect(JSON.parse(json.stdout).map((a: { email: string }) => a.email)).toEqual([
      'ana@partner.example',
      'sam@partner.example',
    ]);
  });

  it('sets roles, disables and enables; the last user management admin stays', async () => {
    const set = await cli([
      'users',
      'set-role',
      'sam@partner.example',
      '--role',
      'admin_agent',
      '--role',
      'sales_agent',
      ...d,
    ]);
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout).roles).toEqual(['admin_agent', 'sales_agent']);
    const off = await cli(['users', 'disable', 'sam@partner.example', ...d]);
    expect(off.code).toBe(0);
    expect(JSON.parse(off.stdout).disabled).toBe(true);
    expect((await cli(['users', 'enable', 'sam@partner.example', ...d])).code).toBe(0);
    const last = await cli(['users', 'disable', 'ana@partner.example', ...d]);
    expect(last.code).toBe(2);
    expect(last.stderr).toContain('last enabled user management admin');
    const unknown = await cli(['users', 'disable', 'nobody@partner.example', ...d]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no staff account "nobody@partner.example"');
  });

  it('prints a one-time sign-in link on the configured public URL (or localhost and the port)', async () => {
    const plain = await cli(['users', 'link', 'ana@partner.example', ...d], { tty: true });
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(
      /^One-time sign-in link for ana@partner\.example \(valid until .+Z; hand it over privately\):\n {2}http:\/\/localhost:8080\/sign-in\/link#li_lnk_[A-Za-z0-9_-]{43}\n$/,
    );
    const configured = await cli(['users', 'link', 'ana@partner.example', ...d], {
      env: { LI_PUBLIC_URL: 'https://insights.partner.example/' },
    });
    const link = JSON.parse(configured.stdout);
    expect(link.url).toMatch(/^https:\/\/insights\.partner\.example\/sign-in\/link#li_lnk_/);
    const secret = link.url.split('#')[1];
    await withAccounts(async (a) => {
      const now = new Date().toISOString();
      expect(await a.consumeSignInLink(hashSecret(secret), now)).toMatchObject({ partnerId: 'default' });
      expect(await a.consumeSignInLink(hashSecret(secret), now)).toBeNull();
    });
  });
});

describe('insights tokens', () => {
  it('creates a token for an account: the secret printed once, stored hashed, at most its roles', async () => {
    const made = await cli([
      'users',
      'add',
      'bot@partner.example',
      '--role',
      'admin_agent',
      '--role',
      'sales_agent',
      ...d,
    ]);
    expect(made.code).toBe(0);
    const r = await cli(
      [
        'tokens',
        'create',
        '--for',
        'bot@partner.example',
        '--name',
        'nightly',
        '--role',
        'sales_agent',
        '--days',
        '30',
        ...d,
      ],
      { tty: true },
    );
    expect(r.code).toBe(0);
    const secret = /li_pat_[A-Za-z0-9_-]{43}/.exec(r.stdout)?.[0];
    expect(secret).toBeDefined();
    expect(r.stderr).toContain('it will not be shown again');
    await withAccounts(async (a) => {
      const stored = await a.tokenByHash(hashSecret(secret ?? ''));
      expect(stored).toMatchObject({ name: 'nightly', roles: ['sales_agent'] });
      expect(Date.parse(stored?.expiresAt ?? '') - Date.parse(stored?.createdAt ?? '')).toBeGreaterThan(
        29.9 * 86_400_000,
      );
      const audit = await a.auditLog('default', ['token.create'], 1);
      expect(audit[0]?.actor).toBe(OPERATOR);
      expect(JSON.stringify(audit)).not.toContain(secret);
    });
    const wide = await cli([
      'tokens',
      'create',
      '--for',
      'bot@partner.example',
      '--name',
      'x',
      '--role',
      'user_admin',
      ...d,
    ]);
    expect(wide.code).toBe(7);
    expect(wide.stderr).toContain("a token holds at most its creator's roles");
    const days = await cli([
      'tokens',
      'create',
      '--for',
      'bot@partner.example',
      '--name',
      'x',
      '--days',
      '400',
      ...d,
    ]);
    expect(days.code).toBe(2);
    expect(days.stderr).toContain('--days');
    const noFor = await cli(['tokens', 'create', '--name', 'x', ...d]);
    expect(noFor.code).toBe(2);
    expect(noFor.stderr).toContain('--for <email> is required');
  });

  it('lists tokens (of one account with --for) and revokes one', async () => {
    const all = await cli(['tokens', 'list', ...d]);
    const list = JSON.parse(all.stdout);
    expect(list.map((t: { name: string }) => t.name)).toEqual(['nightly']);
    expect(all.stdout).not.toContain('li_pat_');
    expect(JSON.parse((await cli(['tokens', 'list', '--for', 'ana@partner.example', ...d])).stdout)).toEqual(
      [],
    );
    const table = await cli(['tokens', 'list', '--for', 'bot@partner.example', ...d], { tty: true });
    expect(table.stdout).toMatch(/nightly +bot@partner\.example +Sales agent +active/);
    const id = list[0].tokenId;
    const revoked = await cli(['tokens', 'revoke', id, ...d]);
    expect(revoked.code).toBe(0);
    expect(revoked.stderr).toContain(`token ${id} revoked`);
    expect((await cli(['tokens', 'list', ...d], { tty: true })).stdout).toMatch(/nightly .* revoked/);
    const again = await cli(['tokens', 'revoke', id, ...d]);
    expect(again.code).toBe(2);
  });

  it('explains itself with --help', async () => {
    for (const command of ['users', 'tokens']) {
      const r = await cli([command, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: insights ${command} `);
    }
    expect((await cli(['--help'])).stdout).toMatch(/users +partner staff accounts/);
  });
});

describe('while a server runs on the data directory', () => {
  // The commands go through the server then (through-server.test.ts); one that does not answer
  // is named, and its stores are not touched.
  it('names a server that does not answer, without touching its stores', async () => {
    const served = path.join(tmp.dir, 'served');
    mkdirSync(served);
    writeServerFile(served, {
      url: 'http://127.0.0.1:9',
      pid: process.pid,
      startedAt: new Date().toISOString(),
      secret: 'li_loc_x',
    });
    for (const args of [
      ['users', 'list'],
      ['users', 'add', 'x@partner.example', '--role', 'sales_agent'],
      ['tokens', 'create', '--for', 'x@partner.example', '--name', 'n'],
      ['tokens', 'revoke', 'some-id'],
    ]) {
      const r = await cli([...args, '--data', served]);
      expect(r.code, args.join(' ')).toBe(5);
      expect(r.stderr).toContain(`the server at http://127.0.0.1:9 (process ${process.pid})`);
      expect(r.stderr).toContain('does not answer');
      expect(r.stderr.toLowerCase()).not.toContain('lock on file');
    }
    expect(existsSync(path.join(served, 'accounts.duckdb'))).toBe(false);
  });
});
