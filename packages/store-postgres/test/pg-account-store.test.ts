/**
 * The account store on a real PostgreSQL 15 (a throwaway cluster on loopback): the account store
 * suite the embedded store runs too; one sequence of every operation run on both engines, whose
 * answers must be equal (generated ids and server-made instants normalised); and what only a
 * shared database has — several app instances (store objects) on it: migrated once when they
 * start together, beside the data store's own schema; a session opened through one found through
 * another; one sign-in link used from both at once works once; one e-mail claimed from both at
 * once makes one account.
 */

import { isAppError } from '@license-insights/core';
import type { AccountStore } from '@license-insights/core/accounts/account-store';
import { DuckDbAccountStore } from '@license-insights/core/store/duckdb/account-store';
import {
  describeAccountStore,
  postgresInstalled,
  STORED_INSTANT,
  startPostgres,
  type TestPostgres,
  tempDir,
} from '@license-insights/core/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACCOUNT_MIGRATIONS,
  LATEST_ACCOUNT_SCHEMA_VERSION,
  MIGRATIONS,
  PgAccountStore,
  PostgresStore,
} from '../src';

const P = 'p-acc';

let server: TestPostgres | null = null;
let database = 0;

/** A fresh database of the test cluster (stores never share state by accident). */
async function freshUrl(): Promise<string> {
  if (server === null) throw new Error('no PostgreSQL');
  const name = `a${++database}`;
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return server.url.replace(/\/postgres$/, `/${name}`);
}

async function query<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(text)).rows;
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  server = await startPostgres();
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

/**
 * Every operation of the contract, in one sequence, each answer kept (refusals as their error
 * code and message). Moments the caller gives are in 2030 so that the ones the store makes
 * (now) can be told apart and normalised.
 */
async function transcript(a: AccountStore): Promise<unknown[]> {
  const out: unknown[] = [];
  const step = async (name: string, work: () => Promise<unknown>) => {
    try {
      out.push([name, await work()]);
    } catch (e) {
      out.push([name, 'refused', isAppError(e) ? e.code : 'error', isAppError(e) ? e.message : '']);
    }
  };
  const audit = (action: string, details: Record<string, unknown> = {}, partnerId = P) => ({
    partnerId,
    actor: 'Side@P.example',
    action,
    outcome: 'ok',
    details,
  });
  const ann = await a.createAccount(
    {
      partnerId: P,
      email: 'Ann@P.example',
      displayName: 'Ann',
      roles: ['user_admin', 'sales_agent'],
      scope: { customers: ['c2', 'c1'], groups: ['g'] },
    },
    audit('staff.add', { email: 'ann@p.example', roles: ['user_admin'] }),
  );
  out.push(['create ann', ann]);
  await step('create bob', () =>
    a.createAccount(
      { partnerId: P, email: 'bob@p.example', displayName: null, roles: ['admin_agent'], scope: null },
      null,
    ),
  );
  await step('create other partner', () =>
    a.createAccount(
      { partnerId: 'p-q', email: 'a.q@p.example', displayName: null, roles: [], scope: null },
      audit('staff.add', {}, 'p-q'),
    ),
  );
  await step('create taken', () =>
    a.createAccount(
      { partnerId: 'p-q', email: 'ANN@p.example', displayName: null, roles: [], scope: null },
      audit('staff.add'),
    ),
  );
  await step('count P', () => a.countAccounts(P));
  await step('count all', () => a.countAccounts(null));
  await step('accounts P', () => a.accounts(P));
  await step('by email', () => a.accountByEmail('BOB@p.example'));
  await step('by id other partner', () => a.accountById('p-q', ann.accountId));
  await step('update', () =>
    a.updateAccount(
      P,
      ann.accountId,
      { roles: ['admin_agent'], scope: null, passwordHash: 'hash', oidcSubject: 'iss|ann' },
      audit('staff.update', { roles: ['admin_agent'] }),
    ),
  );
  await step('update not found', () => a.updateAccount('p-q', ann.accountId, { disabled: true }, null));
  await step('by subject', () => a.accountByOidcSubject('iss|ann'));
  await step('record sign-in', () => a.recordSignIn(ann.accountId, '2030-01-01T09:00:00.100Z'));
  await step('session', () =>
    a.createSession({
      sessionHash: 's1',
      partnerId: P,
      accountId: ann.accountId,
      createdAt: '2030-01-01T09:00:00.100Z',
      expiresAt: '2030-01-01T17:00:00.000Z',
      method: 'password',
    }),
  );
  await step('session by hash', () => a.sessionByHash('s1'));
  await step('revoke credentials', async () => {
    const r = await a.updateAccount(P, ann.accountId, { revokeCredentials: true, disabled: true }, null);
    return [r, await a.sessionByHash('s1')];
  });
  await step('session again', () =>
    a.createSession({
      sessionHash: 's2',
      partnerId: P,
      accountId: ann.accountId,
      createdAt: '2030-01-01T09:30:00.000Z',
      expiresAt: '2030-01-01T10:00:00.000Z',
      method: 'link',
    }),
  );
  await step('expired sessions', () => a.deleteExpiredSessions('2030-01-01T10:00:00.001Z'));
  await step('token', () =>
    a.createToken(
      {
        partnerId: P,
        accountId: ann.accountId,
        name: 'ci',
        roles: ['sales_agent'],
        scope: { customers: [], groups: [] },
        tokenHash: 'th1',
        expiresAt: '2030-06-01T00:00:00.000Z',
      },
      audit('token.create', { name: 'ci' }),
    ),
  );
  await step('touch', async () => {
    const t = await a.tokenByHash('th1');
    await a.touchToken(t?.tokenId ?? '', '2030-01-02T00:00:00.000Z');
    return a.tokens(P, ann.accountId);
  });
  await step('revoke token', async () => {
    const t = await a.tokenByHash('th1');
    return [
      await a.revokeToken(P, t?.tokenId ?? '', '2030-01-03T00:00:00.000Z', audit('token.revoke')),
      await a.revokeToken(P, t?.tokenId ?? '', '2030-01-04T00:00:00.000Z', audit('token.revoke')),
      await a.tokens(P, null),
    ];
  });
  await step('link', () =>
    a.createSignInLink(
      { linkHash: 'l1', partnerId: P, accountId: ann.accountId, expiresAt: '2030-01-01T09:15:00.000Z' },
      audit('auth.link'),
    ),
  );
  await step('link expired', () => a.consumeSignInLink('l1', '2030-01-01T09:15:00.000Z'));
  await step('link used', () => a.consumeSignInLink('l1', '2030-01-01T09:10:00.000Z'));
  await step('link again', () => a.consumeSignInLink('l1', '2030-01-01T09:11:00.000Z'));
  await step('audit', () => a.audit(audit('auth.sign_in', { reason: 'disabled', z: 1, a: [1] })));
  await step('audit log', () => a.auditLog(P, null, 50));
  await step('audit log of actions', () => a.auditLog(P, ['token.revoke', 'auth.link'], 50));
  await step('audit log by actor', () => a.auditLog(P, null, 50, { actor: 'SIDE' }));
  await step('audit log other partner', () => a.auditLog('p-q', null, 50));
  return out;
}

/**
 * Generated ids (wherever they appear, messages too) as their order of appearance; instants the
 * store made (not in 2030) as `<now>`.
 */
function normalised(value: unknown): unknown {
  const ids = new Map<string, string>();
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    }
    if (typeof v !== 'string') return v;
    if (STORED_INSTANT.test(v) && !v.startsWith('2030-')) return '<now>';
    return v.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (id) => {
      if (!ids.has(id)) ids.set(id, `id#${ids.size}`);
      return ids.get(id) as string;
    });
  };
  return walk(value);
}

// Without PostgreSQL 15 here the tests are skipped; under CI its absence fails startPostgres.
describe.skipIf(!postgresInstalled() && process.env.CI !== 'true')('PostgreSQL account store', () => {
  describeAccountStore('postgres', async () => {
    const store = await PgAccountStore.open({ url: await freshUrl() });
    return { store, close: () => store.close() };
  });

  it('answers one sequence of every operation as the embedded account store does', async () => {
    const dir = tempDir('li-accounts-side-');
    const duck = await DuckDbAccountStore.open({ dataDir: dir.dir });
    const post = await PgAccountStore.open({ url: await freshUrl() });
    try {
      const fromDuck = normalised(await transcript(duck));
      const fromPost = normalised(await transcript(post));
      expect(fromPost).toEqual(fromDuck);
      // The sequence did what it means to (not two engines failing alike).
      expect(JSON.stringify(fromDuck)).toContain('"link used",{"partnerId":"p-acc"');
      expect(JSON.stringify(fromDuck)).toContain('"create taken","refused","conflict"');
    } finally {
      await duck.close();
      await post.close();
      dir.cleanup();
    }
  });

  it('migrates once when instances open together, beside the data store’s schema', async () => {
    const url = await freshUrl();
    const [data, ...stores] = await Promise.all([
      PostgresStore.open({ url, connections: 2 }),
      ...[1, 2, 3].map(() => PgAccountStore.open({ url, connections: 2 })),
    ]);
    try {
      const rows = await query<{ version: number }>(
        url,
        'SELECT version FROM account_migrations ORDER BY version',
      );
      expect(rows.map((r) => r.version)).toEqual(ACCOUNT_MIGRATIONS.map((m) => m.version));
      const data = await query<{ version: number }>(
        url,
        'SELECT version FROM schema_migrations ORDER BY version',
      );
      expect(data.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
      const tables = await query<{ t: string }>(
        url,
        `SELECT table_name AS t FROM information_schema.tables
         WHERE table_schema = current_schema() AND (table_name LIKE 'staff%' OR table_name = 'account_migrations')
         ORDER BY table_name`,
      );
      expect(tables.map((r) => r.t)).toEqual([
        'account_migrations',
        'staff_accounts',
        'staff_audit_log',
        'staff_sessions',
        'staff_sign_in_links',
        'staff_tokens',
      ]);
      for (const s of stores) expect(await s?.countAccounts(null)).toBe(0);
    } finally {
      await Promise.all([data?.close(), ...stores.map((s) => s?.close())]);
    }
  });

  it('refuses a database migrated by a newer program, naming both versions', async () => {
    const url = await freshUrl();
    await (await PgAccountStore.open({ url })).close();
    await query(url, `INSERT INTO account_migrations VALUES (999, 'from the future', now())`);
    const e = await PgAccountStore.open({ url }).catch((x: unknown) => x);
    expect(isAppError(e) && e.code).toBe('store.migration_failed');
    expect(String((e as Error).message)).toMatch(
      new RegExp(`schema version 999, newer than this program knows \\(${LATEST_ACCOUNT_SCHEMA_VERSION}\\)`),
    );
  });

  describe('two instances on one database', () => {
    let one: PgAccountStore;
    let two: PgAccountStore;
    beforeAll(async () => {
      if (server === null) return;
      const url = await freshUrl();
      [one, two] = await Promise.all([PgAccountStore.open({ url }), PgAccountStore.open({ url })]);
    });
    afterAll(async () => {
      await Promise.all([one?.close(), two?.close()]);
    });

    it('an account and a session made through one are found through the other; revoked through it, gone from both', async () => {
      const made = await one.createAccount(
        { partnerId: P, email: 'x@p.example', displayName: null, roles: ['sales_agent'], scope: null },
        null,
      );
      expect(await two.accountByEmail('X@p.example')).toEqual(made);
      await one.createSession({
        sessionHash: 'shared',
        partnerId: P,
        accountId: made.accountId,
        createdAt: '2026-03-01T10:00:00.000Z',
        expiresAt: '2099-03-01T10:00:00.000Z',
        method: 'password',
      });
      expect(await two.sessionByHash('shared')).toEqual(await one.sessionByHash('shared'));
      expect((await two.sessionByHash('shared'))?.accountId).toBe(made.accountId);
      const revoked = await two.updateAccount(P, made.accountId, { revokeCredentials: true }, null);
      expect(await one.sessionByHash('shared')).toBeNull();
      expect(await one.accountById(P, made.accountId)).toEqual(revoked);
    });

    it('a sign-in link used from both at once works once', async () => {
      for (let round = 0; round < 10; round++) {
        await one.createSignInLink(
          {
            linkHash: `race-${round}`,
            partnerId: P,
            accountId: 'acc',
            expiresAt: '2099-01-01T00:00:00.000Z',
          },
          null,
        );
        const uses = await Promise.all(
          [one, two, one, two].map((s) => s.consumeSignInLink(`race-${round}`, '2026-03-01T10:00:00.000Z')),
        );
        expect(uses.filter((u) => u !== null)).toHaveLength(1);
      }
    });

    it('one OpenID Connect subject linked from both at once to two accounts is linked to one', async () => {
      for (let round = 0; round < 5; round++) {
        const made = await Promise.all(
          [1, 2].map((i) =>
            one.createAccount(
              {
                partnerId: P,
                email: `oidc-${round}-${i}@p.example`,
                displayName: null,
                roles: [],
                scope: null,
              },
              null,
            ),
          ),
        );
        const tries = await Promise.allSettled(
          made.map((m, i) =>
            (i === 0 ? one : two).updateAccount(P, m.accountId, { oidcSubject: `iss|race-${round}` }, null),
          ),
        );
        expect(tries.filter((t) => t.status === 'fulfilled')).toHaveLength(1);
        const refused = tries.find((t) => t.status === 'rejected');
        expect(refused?.status === 'rejected' && refused.reason).toMatchObject({
          code: 'conflict',
          message: 'this sign-in identity is linked to another staff account',
        });
      }
    });

    it('one e-mail claimed from both at once makes one account; one token revoked from both is revoked and audited once', async () => {
      for (let round = 0; round < 5; round++) {
        const email = `race-${round}@p.example`;
        const tries = await Promise.allSettled(
          [one, two, one, two].map((s, i) =>
            s.createAccount(
              {
                partnerId: P,
                email: i % 2 === 0 ? email : email.toUpperCase(),
                displayName: null,
                roles: [],
                scope: null,
              },
              { partnerId: P, actor: 'race', action: 'staff.add', outcome: 'ok', details: { email } },
            ),
          ),
        );
        expect(tries.filter((t) => t.status === 'fulfilled')).toHaveLength(1);
        for (const t of tries) {
          if (t.status === 'rejected') {
            expect(isAppError(t.reason) && t.reason.code).toBe('conflict');
            expect(String(t.reason.message)).toBe(`a staff account with the e-mail ${email} exists already`);
          }
        }
      }
      const added = await one.auditLog(P, ['staff.add'], 100);
      expect(added.filter((r) => r.actor === 'race')).toHaveLength(5);

      const t = await one.createToken(
        {
          partnerId: P,
          accountId: 'acc',
          name: 'race',
          roles: ['sales_agent'],
          scope: null,
          tokenHash: 'race-token',
          expiresAt: '2099-01-01T00:00:00.000Z',
        },
        null,
      );
      const audit = { partnerId: P, actor: 'race', action: 'token.revoke', outcome: 'ok', details: {} };
      const done = await Promise.all(
        [one, two, one, two].map((s) => s.revokeToken(P, t.tokenId, '2026-03-01T10:00:00.000Z', audit)),
      );
      expect(done.filter(Boolean)).toHaveLength(1);
      expect(await two.auditLog(P, ['token.revoke'], 10)).toHaveLength(1);
    });
  });
});
