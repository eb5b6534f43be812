/**
 * The account store test suite, written once for every engine (`describeAccountStore(name, open)`,
 * as store-suite.ts is for the data store): what the `AccountStore` contract promises, by what
 * goes in and what can be read back — accounts (e-mail lower-case and unique across partners,
 * order, counts, patches, OIDC subjects, revoked credentials), sessions, API tokens, sign-in links
 * (used once, expiry exclusive) and the audit log (newest first, by action, actor and time, details
 * kept as written), and changes made many at once through one store object.
 *
 * Instants are pinned to their exact text (`2026-03-01T10:00:00.25Z`: ISO, fraction trimmed),
 * since callers compare them (a session opened before `credentialsValidAfter` is void) and clients
 * see them. The embedded store runs it (test/account-store-duckdb.test.ts), the PostgreSQL account
 * store too (store-postgres test/pg-account-store.test.ts, which adds several instances on one
 * database).
 */
import type { Role } from '@license-insights/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccountStore, NewAccount } from '../accounts/account-store';
import { isAppError } from '../errors';
import type { AuditEntry } from '../store/store';

export interface SuiteAccountStore {
  readonly store: AccountStore;
  close(): Promise<void>;
}

/** Opens a fresh, empty account store. */
export type OpenSuiteAccountStore = () => Promise<SuiteAccountStore>;

const P = 'p-accounts';
const Q = 'p-other';
/** An instant as the store gives it back: ISO, UTC, the fraction (if any) without trailing zeros. */
export const STORED_INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{0,5}[1-9])?Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function newAccount(email: string, over: Partial<NewAccount> = {}): NewAccount {
  return { partnerId: P, email, displayName: null, roles: ['sales_agent'], scope: null, ...over };
}

function entry(
  action: string,
  details: Record<string, unknown> = {},
  over: Partial<AuditEntry> = {},
): AuditEntry {
  return { partnerId: P, actor: 'suite@p.example', action, outcome: 'ok', details, ...over };
}

/** The error code of a refused promise (null when it was not refused with an AppError). */
async function codeOf(p: Promise<unknown>): Promise<string | null> {
  try {
    await p;
    return null;
  } catch (e) {
    return isAppError(e) ? e.code : `not an AppError: ${String(e)}`;
  }
}

/** An instant the store made itself: its form, and within a minute of this process's clock. */
function expectNow(instant: string): void {
  expect(instant).toMatch(STORED_INSTANT);
  expect(Math.abs(Date.parse(instant) - Date.now())).toBeLessThan(60_000);
}

export function describeAccountStore(engine: string, open: OpenSuiteAccountStore): void {
  describe(`account store suite: ${engine}`, () => {
    let s: SuiteAccountStore;
    let a: AccountStore;
    beforeEach(async () => {
      s = await open();
      a = s.store;
    });
    afterEach(async () => {
      await s.close();
    });

    describe('accounts', () => {
      it('creates an account (e-mail lower-case, roles in the contract’s order) found by id and partner, and by e-mail in any case', async () => {
        const made = await a.createAccount(
          newAccount('Ann@P.Example', {
            displayName: 'Ann',
            roles: ['user_admin', 'admin_agent', 'user_admin'],
            scope: { customers: ['c2', 'c1'], groups: [] },
          }),
          entry('staff.add', { email: 'ann@p.example' }),
        );
        expect(made).toMatchObject({
          partnerId: P,
          email: 'ann@p.example',
          displayName: 'Ann',
          roles: ['admin_agent', 'user_admin'],
          scope: { customers: ['c2', 'c1'], groups: [] },
          disabled: false,
          hasPassword: false,
          passwordHash: null,
          oidcSubject: null,
          lastSignInAt: null,
        });
        expect(made.accountId).toMatch(UUID);
        expectNow(made.createdAt);
        // Made in one step: credentials are valid from the account's creation on.
        expect(made.credentialsValidAfter).toBe(made.createdAt);
        expect(await a.accountById(P, made.accountId)).toEqual(made);
        expect(await a.accountById(Q, made.accountId)).toBeNull();
        expect(await a.accountById(P, 'no-such-id')).toBeNull();
        expect(await a.accountByEmail('ANN@p.example')).toEqual(made);
        expect(await a.accountByEmail('nobody@p.example')).toBeNull();
        const log = await a.auditLog(P, null, 10);
        expect(log).toEqual([
          {
            auditId: expect.any(Number),
            occurredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
            actor: 'suite@p.example',
            action: 'staff.add',
            outcome: 'ok',
            details: { email: 'ann@p.example' },
          },
        ]);
      });

      it('lists a partner’s accounts by e-mail in code point order and counts them per partner and in all', async () => {
        for (const email of ['ab@p.example', 'A.c@p.example', 'a-d@p.example', 'b@p.example']) {
          await a.createAccount(newAccount(email), null);
        }
        await a.createAccount(newAccount('z@q.example', { partnerId: Q }), null);
        // Code point order ('-' < '.' < 'b'), not a language's (which would skip punctuation).
        expect((await a.accounts(P)).map((x) => x.email)).toEqual([
          'a-d@p.example',
          'a.c@p.example',
          'ab@p.example',
          'b@p.example',
        ]);
        expect((await a.accounts(Q)).map((x) => x.email)).toEqual(['z@q.example']);
        expect(await a.accounts('p-none')).toEqual([]);
        expect(await a.countAccounts(P)).toBe(4);
        expect(await a.countAccounts(Q)).toBe(1);
        expect(await a.countAccounts(null)).toBe(5);
        expect(await a.countAccounts('p-none')).toBe(0);
      });

      it('refuses a second account with an e-mail in use, in any case and at any partner, writing nothing', async () => {
        await a.createAccount(newAccount('x@p.example'), null);
        const refused = a.createAccount(
          newAccount('X@P.example', { partnerId: Q }),
          entry('staff.add', {}, { partnerId: Q }),
        );
        await expect(refused).rejects.toThrow('a staff account with the e-mail x@p.example exists already');
        expect(await codeOf(a.createAccount(newAccount('x@P.EXAMPLE'), null))).toBe('conflict');
        expect(await a.countAccounts(null)).toBe(1);
        expect(await a.auditLog(Q, null, 10)).toEqual([]);
      });

      it('of many accounts made at once with one e-mail, makes one', async () => {
        const tries = await Promise.allSettled(
          ['m@p.example', 'M@p.example', 'm@P.example', 'M@P.EXAMPLE', 'm@p.EXAMPLE'].map((email) =>
            a.createAccount(newAccount(email), entry('staff.add', { email })),
          ),
        );
        expect(tries.filter((t) => t.status === 'fulfilled')).toHaveLength(1);
        for (const t of tries) {
          if (t.status === 'rejected') expect(isAppError(t.reason) && t.reason.code).toBe('conflict');
        }
        expect(await a.countAccounts(P)).toBe(1);
        expect(await a.auditLog(P, null, 10)).toHaveLength(1);
      });

      it('changes what a patch names and keeps the rest; an empty patch changes nothing but is audited', async () => {
        const made = await a.createAccount(newAccount('u@p.example'), null);
        const first = await a.updateAccount(
          P,
          made.accountId,
          {
            roles: ['user_admin', 'admin_agent'],
            scope: { customers: [], groups: ['g1'] },
            displayName: 'U',
            passwordHash: '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA',
          },
          entry('staff.update', { changed: ['roles'] }),
        );
        expect(first).toEqual({
          ...made,
          roles: ['admin_agent', 'user_admin'],
          scope: { customers: [], groups: ['g1'] },
          displayName: 'U',
          passwordHash: '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA',
          hasPassword: true,
        });
        const second = await a.updateAccount(
          P,
          made.accountId,
          { scope: null, disabled: true, passwordHash: null, displayName: null },
          null,
        );
        expect(second).toEqual({ ...made, roles: ['admin_agent', 'user_admin'], disabled: true });
        expect(await a.updateAccount(P, made.accountId, {}, entry('staff.update'))).toEqual(second);
        expect(await a.accountById(P, made.accountId)).toEqual(second);
        expect((await a.auditLog(P, null, 10)).map((r) => r.action)).toEqual([
          'staff.update',
          'staff.update',
        ]);
      });

      it('refuses to change another partner’s account or none, writing nothing', async () => {
        const made = await a.createAccount(newAccount('v@p.example'), null);
        expect(
          await codeOf(
            a.updateAccount(Q, made.accountId, { disabled: true }, entry('x', {}, { partnerId: Q })),
          ),
        ).toBe('not_found');
        expect(await codeOf(a.updateAccount(P, 'no-such-id', { disabled: true }, entry('x')))).toBe(
          'not_found',
        );
        expect(await a.accountById(P, made.accountId)).toEqual(made);
        expect(await a.auditLog(P, null, 10)).toEqual([]);
        expect(await a.auditLog(Q, null, 10)).toEqual([]);
      });

      it('links an OpenID Connect subject to one account at most', async () => {
        const one = await a.createAccount(newAccount('one@p.example'), null);
        const two = await a.createAccount(newAccount('two@q.example', { partnerId: Q }), null);
        const linked = await a.updateAccount(P, one.accountId, { oidcSubject: 'https://idp/|s1' }, null);
        expect(linked.oidcSubject).toBe('https://idp/|s1');
        expect(await a.accountByOidcSubject('https://idp/|s1')).toEqual(linked);
        expect(await a.accountByOidcSubject('https://idp/|none')).toBeNull();
        const taken = a.updateAccount(Q, two.accountId, { oidcSubject: 'https://idp/|s1' }, entry('x'));
        await expect(taken).rejects.toThrow('this sign-in identity is linked to another staff account');
        expect(
          await codeOf(a.updateAccount(Q, two.accountId, { oidcSubject: 'https://idp/|s1' }, null)),
        ).toBe('conflict');
        expect(await a.accountById(Q, two.accountId)).toEqual(two);
        // Its own subject again is no conflict; unlinked, the subject is free for another account.
        expect(await a.updateAccount(P, one.accountId, { oidcSubject: 'https://idp/|s1' }, null)).toEqual(
          linked,
        );
        await a.updateAccount(P, one.accountId, { oidcSubject: null }, null);
        expect(await a.accountByOidcSubject('https://idp/|s1')).toBeNull();
        const moved = await a.updateAccount(Q, two.accountId, { oidcSubject: 'https://idp/|s1' }, null);
        expect(await a.accountByOidcSubject('https://idp/|s1')).toEqual(moved);
      });

      it('revoking credentials moves credentialsValidAfter on and forgets that account’s sessions only', async () => {
        const one = await a.createAccount(newAccount('r1@p.example'), null);
        const two = await a.createAccount(newAccount('r2@p.example'), null);
        const session = (hash: string, accountId: string) =>
          a.createSession({
            sessionHash: hash,
            partnerId: P,
            accountId,
            createdAt: '2026-03-01T10:00:00.000Z',
            expiresAt: '2099-03-01T10:00:00.000Z',
            method: 'password',
          });
        await session('s-one-1', one.accountId);
        await session('s-one-2', one.accountId);
        await session('s-two', two.accountId);
        await sleep(20);
        const revoked = await a.updateAccount(
          P,
          one.accountId,
          { revokeCredentials: true },
          entry('staff.revoke'),
        );
        expectNow(revoked.credentialsValidAfter);
        expect(Date.parse(revoked.credentialsValidAfter)).toBeGreaterThan(
          Date.parse(one.credentialsValidAfter),
        );
        expect(revoked).toEqual({ ...one, credentialsValidAfter: revoked.credentialsValidAfter });
        expect(await a.sessionByHash('s-one-1')).toBeNull();
        expect(await a.sessionByHash('s-one-2')).toBeNull();
        expect(await a.sessionByHash('s-two')).not.toBeNull();
        expect(await a.accountById(P, two.accountId)).toEqual(two);
      });

      it('records a sign-in at the moment given, as ISO text without trailing zeros', async () => {
        const made = await a.createAccount(newAccount('s@p.example'), null);
        await a.recordSignIn(made.accountId, '2026-03-01T10:00:00.250Z');
        expect((await a.accountById(P, made.accountId))?.lastSignInAt).toBe('2026-03-01T10:00:00.25Z');
        await a.recordSignIn(made.accountId, '2026-03-02T11:30:00.000Z');
        expect((await a.accountById(P, made.accountId))?.lastSignInAt).toBe('2026-03-02T11:30:00Z');
        await a.recordSignIn('no-such-id', '2026-03-02T11:30:00.000Z');
        expect(await a.accountById(P, made.accountId)).toEqual({
          ...made,
          lastSignInAt: '2026-03-02T11:30:00Z',
        });
      });
    });

    describe('sessions', () => {
      it('keeps a session by its hash until deleted', async () => {
        await a.createSession({
          sessionHash: 'h1',
          partnerId: P,
          accountId: 'acc-1',
          createdAt: '2026-03-01T10:00:00.000Z',
          expiresAt: '2026-03-01T18:00:00.123Z',
          method: 'oidc',
        });
        expect(await a.sessionByHash('h1')).toEqual({
          sessionHash: 'h1',
          partnerId: P,
          accountId: 'acc-1',
          createdAt: '2026-03-01T10:00:00Z',
          expiresAt: '2026-03-01T18:00:00.123Z',
          method: 'oidc',
        });
        expect(await a.sessionByHash('h2')).toBeNull();
        await expect(
          a.createSession({
            sessionHash: 'h1',
            partnerId: P,
            accountId: 'acc-2',
            createdAt: '2026-03-01T10:00:00.000Z',
            expiresAt: '2026-03-01T18:00:00.000Z',
            method: 'link',
          }),
        ).rejects.toThrow();
        expect((await a.sessionByHash('h1'))?.accountId).toBe('acc-1');
        await a.deleteSession('h1');
        await a.deleteSession('h1');
        expect(await a.sessionByHash('h1')).toBeNull();
      });

      it('forgets the sessions that expired before a moment (not at it), counting them', async () => {
        for (const [hash, expiresAt] of [
          ['e10', '2026-03-01T10:00:00.000Z'],
          ['e11', '2026-03-01T11:00:00.000Z'],
          ['e12', '2026-03-01T12:00:00.000Z'],
        ] as const) {
          await a.createSession({
            sessionHash: hash,
            partnerId: hash === 'e12' ? Q : P,
            accountId: 'acc',
            createdAt: '2026-03-01T09:00:00.000Z',
            expiresAt,
            method: 'link',
          });
        }
        expect(await a.deleteExpiredSessions('2026-03-01T11:00:00.000Z')).toBe(1);
        expect(await a.sessionByHash('e10')).toBeNull();
        expect(await a.sessionByHash('e11')).not.toBeNull();
        expect(await a.deleteExpiredSessions('2026-03-01T11:00:00.000Z')).toBe(0);
        expect(await a.deleteExpiredSessions('2026-03-01T12:00:00.001Z')).toBe(2);
      });
    });

    describe('API tokens', () => {
      const token = (name: string, accountId: string, partnerId = P, roles: Role[] = ['sales_agent']) => ({
        partnerId,
        accountId,
        name,
        roles,
        scope: null,
        tokenHash: `hash-${name}`,
        expiresAt: '2099-01-01T00:00:00.000Z',
      });

      it('keeps tokens, newest first, by partner and account, and finds one by its hash', async () => {
        const t1 = await a.createToken(
          {
            ...token('t1', 'acc-1', P, ['user_admin', 'sales_agent']),
            scope: { customers: ['c1'], groups: ['g1'] },
          },
          entry('token.create', { name: 't1' }),
        );
        expect(t1).toEqual({
          tokenId: expect.stringMatching(UUID),
          partnerId: P,
          accountId: 'acc-1',
          name: 't1',
          roles: ['sales_agent', 'user_admin'],
          scope: { customers: ['c1'], groups: ['g1'] },
          tokenHash: 'hash-t1',
          createdAt: expect.stringMatching(STORED_INSTANT),
          expiresAt: '2099-01-01T00:00:00Z',
          revokedAt: null,
          lastUsedAt: null,
        });
        expectNow(t1.createdAt);
        await sleep(5);
        const t2 = await a.createToken(token('t2', 'acc-2'), null);
        await sleep(5);
        const t3 = await a.createToken(token('t3', 'acc-1'), null);
        const t4 = await a.createToken(token('t4', 'acc-1', Q), null);
        expect((await a.tokens(P, null)).map((t) => t.name)).toEqual(['t3', 't2', 't1']);
        expect(await a.tokens(P, 'acc-1')).toEqual([t3, t1]);
        expect(await a.tokens(Q, null)).toEqual([t4]);
        expect(await a.tokens(Q, 'acc-2')).toEqual([]);
        expect(await a.tokenByHash('hash-t2')).toEqual(t2);
        expect(await a.tokenByHash('hash-none')).toBeNull();
        expect((await a.auditLog(P, ['token.create'], 10)).map((r) => r.details)).toEqual([{ name: 't1' }]);
      });

      it('revokes a token once, audited once; another partner cannot; use is recorded', async () => {
        const t = await a.createToken(token('t', 'acc-1'), null);
        expect(await a.revokeToken(Q, t.tokenId, '2026-03-02T00:00:00.000Z', entry('token.revoke'))).toBe(
          false,
        );
        expect(await a.revokeToken(P, 'no-such-id', '2026-03-02T00:00:00.000Z', entry('token.revoke'))).toBe(
          false,
        );
        await a.touchToken(t.tokenId, '2026-03-01T08:00:00.123Z');
        expect(await a.revokeToken(P, t.tokenId, '2026-03-02T00:00:00.000Z', entry('token.revoke'))).toBe(
          true,
        );
        expect(await a.revokeToken(P, t.tokenId, '2026-03-03T00:00:00.000Z', entry('token.revoke'))).toBe(
          false,
        );
        expect(await a.tokenByHash('hash-t')).toEqual({
          ...t,
          revokedAt: '2026-03-02T00:00:00Z',
          lastUsedAt: '2026-03-01T08:00:00.123Z',
        });
        expect(await a.auditLog(P, ['token.revoke'], 10)).toHaveLength(1);
        await a.touchToken('no-such-id', '2026-03-01T08:00:00.000Z');
      });

      it('of revocations of one token at once, one revokes it and is audited', async () => {
        const t = await a.createToken(token('t', 'acc-1'), null);
        const done = await Promise.all(
          [1, 2, 3, 4, 5].map((i) =>
            a.revokeToken(P, t.tokenId, `2026-03-0${i}T00:00:00.000Z`, entry('token.revoke', { i })),
          ),
        );
        expect(done.filter(Boolean)).toHaveLength(1);
        expect(await a.auditLog(P, ['token.revoke'], 10)).toHaveLength(1);
      });
    });

    describe('sign-in links', () => {
      it('a link works once, before it expires (not at its expiry), for its account', async () => {
        await a.createSignInLink(
          { linkHash: 'l1', partnerId: P, accountId: 'acc-1', expiresAt: '2026-03-01T10:15:00.000Z' },
          entry('auth.link', { accountId: 'acc-1' }),
        );
        expect(await a.auditLog(P, ['auth.link'], 10)).toHaveLength(1);
        expect(await a.consumeSignInLink('l1', '2026-03-01T10:15:00.000Z')).toBeNull();
        expect(await a.consumeSignInLink('l1', '2026-03-01T11:00:00.000Z')).toBeNull();
        expect(await a.consumeSignInLink('l-none', '2026-03-01T10:00:00.000Z')).toBeNull();
        // Refused as expired, it stays unused: the moment is the caller's.
        const used = await a.consumeSignInLink('l1', '2026-03-01T10:14:59.999Z');
        expect(used).toEqual({
          partnerId: P,
          accountId: 'acc-1',
          issuedAt: expect.stringMatching(STORED_INSTANT),
        });
        expectNow(used?.issuedAt ?? '');
        expect(await a.consumeSignInLink('l1', '2026-03-01T10:00:00.000Z')).toBeNull();
      });

      it('of many uses of one link at once, one gets its account', async () => {
        await a.createSignInLink(
          { linkHash: 'l2', partnerId: P, accountId: 'acc-2', expiresAt: '2099-01-01T00:00:00.000Z' },
          null,
        );
        const uses = await Promise.all(
          Array.from({ length: 8 }, () => a.consumeSignInLink('l2', '2026-03-01T10:00:00.000Z')),
        );
        expect(uses.filter((u) => u !== null)).toEqual([
          { partnerId: P, accountId: 'acc-2', issuedAt: expect.stringMatching(STORED_INSTANT) },
        ]);
      });
    });

    describe('audit log', () => {
      it('gives a partner’s records newest first, of some actions, up to a limit, details as written', async () => {
        const details = { zeta: 1, alpha: ['x', 2, null], nested: { b: true, a: 'é' } };
        await a.audit(entry('a.one', details, { actor: 'Ann@P.example' }));
        await a.audit(entry('a.two', {}, { actor: 'bob@p.example', outcome: 'failed' }));
        await a.audit(entry('a.one', { n: 3 }, { actor: 'carl@p.example' }));
        await a.audit(entry('a.one', {}, { partnerId: Q }));
        const all = await a.auditLog(P, null, 10);
        expect(all.map((r) => [r.action, r.actor, r.outcome])).toEqual([
          ['a.one', 'carl@p.example', 'ok'],
          ['a.two', 'bob@p.example', 'failed'],
          ['a.one', 'Ann@P.example', 'ok'],
        ]);
        const ids = all.map((r) => r.auditId);
        expect([...ids].sort((x, y) => y - x)).toEqual(ids);
        // Kept as written, key order too (clients show them as they are).
        expect(JSON.stringify(all[2]?.details)).toBe(JSON.stringify(details));
        for (const r of all) expectNow(r.occurredAt);
        expect((await a.auditLog(P, ['a.one'], 10)).map((r) => r.actor)).toEqual([
          'carl@p.example',
          'Ann@P.example',
        ]);
        expect(await a.auditLog(P, ['a.two', 'a.none'], 10)).toEqual([all[1]]);
        expect(await a.auditLog(P, [], 10)).toEqual([]);
        expect(await a.auditLog(P, null, 2)).toEqual(all.slice(0, 2));
        expect(await a.auditLog(Q, null, 10)).toHaveLength(1);
        expect(await a.auditLog('p-none', null, 10)).toEqual([]);
      });

      it('filters by a part of the actor in any case and by a time range', async () => {
        await a.audit(entry('f', {}, { actor: 'Ann@P.example' }));
        await a.audit(entry('f', {}, { actor: 'bob@p.example' }));
        const actors = async (filter: Parameters<AccountStore['auditLog']>[3]) =>
          (await a.auditLog(P, null, 10, filter)).map((r) => r.actor);
        expect(await actors({ actor: 'ANN' })).toEqual(['Ann@P.example']);
        expect(await actors({ actor: '@p.EX' })).toEqual(['bob@p.example', 'Ann@P.example']);
        expect(await actors({ actor: '' })).toHaveLength(2);
        expect(await actors({ actor: 'carl' })).toEqual([]);
        // Beyond ASCII too (on PostgreSQL: a database whose ctype knows the letters, as C.UTF-8 does).
        await a.audit(entry('f', {}, { actor: 'ÅSA@p.example' }));
        expect(await actors({ actor: 'åsa' })).toEqual(['ÅSA@p.example']);
        expect(await actors({ actor: 'ÅS' })).toEqual(['ÅSA@p.example']);
        const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
        const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
        expect(await actors({ from: hourAgo, to: inAnHour })).toHaveLength(3);
        expect(await actors({ from: inAnHour })).toEqual([]);
        expect(await actors({ to: hourAgo })).toEqual([]);
        expect(await actors({ actor: 'bob', from: hourAgo, to: inAnHour })).toEqual(['bob@p.example']);
      });
    });
  });
}
