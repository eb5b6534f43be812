/**
 * The embedded account store: `accounts.duckdb` beside the data store in the data directory, its
 * own DuckDB database so that a sign-in never waits behind an import holding the data store's
 * writer. One connection; operations run one at a time (a queue), each a transaction of its own,
 * and each commit checkpoints (no other transaction is ever open on this database).
 *
 * Uniqueness the schema cannot keep cheaply (e-mail, OIDC subject, token hash) is kept by the one
 * writer: every change runs in the queue and checks before it writes.
 */
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { CustomerScope, Role } from '@license-insights/contracts';
import { ROLES } from '@license-insights/contracts';
import type {
  AccountPatch,
  AccountStore,
  NewAccount,
  NewToken,
  StoredAccount,
  StoredSession,
  StoredToken,
} from '../../accounts/account-store';
import { AppError, messageOf } from '../../errors';
import { type SqlFragment, sql } from '../sql';
import type { AuditEntry, AuditFilter, AuditRecord } from '../store';
import { readAuditRecords } from './audit-log';
import { DuckDbClient } from './duckdb-client';

export const ACCOUNTS_FILE = 'accounts.duckdb';

/** Password and secret hashes are for this server's OS user only (where the file system has modes). */
function ownerOnly(file: string): void {
  for (const f of [file, `${file}.wal`]) {
    try {
      if (existsSync(f)) chmodSync(f, 0o600);
    } catch {
      // A file system without POSIX modes (Windows): its ACLs decide.
    }
  }
}

const MIGRATIONS: readonly { readonly version: number; readonly statements: readonly string[] }[] = [
  {
    version: 1,
    statements: [
      `CREATE TABLE accounts (
        account_id VARCHAR PRIMARY KEY,
        partner_id VARCHAR NOT NULL,
        email VARCHAR NOT NULL,
        display_name VARCHAR,
        roles VARCHAR[] NOT NULL,
        scope_customers VARCHAR[],
        scope_groups VARCHAR[],
        disabled BOOLEAN NOT NULL,
        password_hash VARCHAR,
        oidc_subject VARCHAR,
        created_at TIMESTAMP NOT NULL,
        last_sign_in_at TIMESTAMP,
        credentials_valid_after TIMESTAMP NOT NULL
      )`,
      `CREATE TABLE sessions (
        session_hash VARCHAR PRIMARY KEY,
        partner_id VARCHAR NOT NULL,
        account_id VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        expires_at TIMESTAMP NOT NULL,
        method VARCHAR NOT NULL
      )`,
      `CREATE TABLE api_tokens (
        token_id VARCHAR PRIMARY KEY,
        partner_id VARCHAR NOT NULL,
        account_id VARCHAR NOT NULL,
        name VARCHAR NOT NULL,
        roles VARCHAR[] NOT NULL,
        scope_customers VARCHAR[],
        scope_groups VARCHAR[],
        token_hash VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        expires_at TIMESTAMP NOT NULL,
        revoked_at TIMESTAMP,
        last_used_at TIMESTAMP
      )`,
      `CREATE TABLE sign_in_links (
        link_hash VARCHAR PRIMARY KEY,
        partner_id VARCHAR NOT NULL,
        account_id VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        expires_at TIMESTAMP NOT NULL,
        used_at TIMESTAMP
      )`,
      'CREATE SEQUENCE account_audit_seq START 1',
      `CREATE TABLE account_audit (
        audit_id BIGINT PRIMARY KEY DEFAULT nextval('account_audit_seq'),
        partner_id VARCHAR NOT NULL,
        occurred_at TIMESTAMP NOT NULL,
        actor VARCHAR NOT NULL,
        action VARCHAR NOT NULL,
        outcome VARCHAR NOT NULL,
        details JSON NOT NULL
      )`,
    ],
  },
];

/** An ISO instant as DuckDB's TIMESTAMP text (UTC, no zone). */
function ts(iso: string): string {
  return iso.replace('T', ' ').replace(/Z$/, '');
}

const ACCOUNT_COLUMNS = sql`account_id, partner_id, email, display_name, roles, scope_customers, scope_groups,
  disabled, password_hash, oidc_subject, created_at, last_sign_in_at, credentials_valid_after`;
const TOKEN_COLUMNS = sql`token_id, partner_id, account_id, name, roles, scope_customers, scope_groups,
  token_hash, created_at, expires_at, revoked_at, last_used_at`;

interface AccountRow extends Record<string, unknown> {
  account_id: string;
  partner_id: string;
  email: string;
  display_name: string | null;
  roles: string[];
  scope_customers: string[] | null;
  scope_groups: string[] | null;
  disabled: boolean;
  password_hash: string | null;
  oidc_subject: string | null;
  created_at: string;
  last_sign_in_at: string | null;
  credentials_valid_after: string;
}

interface TokenRow extends Record<string, unknown> {
  token_id: string;
  partner_id: string;
  account_id: string;
  name: string;
  roles: string[];
  scope_customers: string[] | null;
  scope_groups: string[] | null;
  token_hash: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
}

function rolesOf(list: readonly string[]): Role[] {
  return ROLES.filter((r) => list.includes(r));
}

function scopeOf(customers: readonly string[] | null, groups: readonly string[] | null): CustomerScope {
  return customers === null && groups === null ? null : { customers: customers ?? [], groups: groups ?? [] };
}

function accountOf(r: AccountRow): StoredAccount {
  return {
    accountId: r.account_id,
    partnerId: r.partner_id,
    email: r.email,
    displayName: r.display_name,
    roles: rolesOf(r.roles),
    scope: scopeOf(r.scope_customers, r.scope_groups),
    disabled: r.disabled,
    hasPassword: r.password_hash !== null,
    passwordHash: r.password_hash,
    oidcSubject: r.oidc_subject,
    createdAt: r.created_at,
    lastSignInAt: r.last_sign_in_at,
    credentialsValidAfter: r.credentials_valid_after,
  };
}

function tokenOf(r: TokenRow): StoredToken {
  return {
    tokenId: r.token_id,
    partnerId: r.partner_id,
    accountId: r.account_id,
    name: r.name,
    roles: rolesOf(r.roles),
    scope: scopeOf(r.scope_customers, r.scope_groups),
    tokenHash: r.token_hash,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
    lastUsedAt: r.last_used_at,
  };
}

/** Scope columns: NULL for "all customers", else the two lists. */
function scopeValues(scope: CustomerScope): [readonly string[] | null, readonly string[] | null] {
  return scope === null ? [null, null] : [[...scope.customers], [...scope.groups]];
}

/** A list bound as a VARCHAR[] (DuckDB cannot bind an empty list: it is written as a literal). */
function list(v: readonly string[] | null): SqlFragment {
  if (v === null) return sql`NULL::VARCHAR[]`;
  return v.length === 0 ? sql`[]::VARCHAR[]` : sql`${[...v]}::VARCHAR[]`;
}

export class DuckDbAccountStore implements AccountStore {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly location: string,
    private readonly db: DuckDbClient,
  ) {}

  static async open(options: { readonly dataDir: string }): Promise<DuckDbAccountStore> {
    const file = path.join(options.dataDir, ACCOUNTS_FILE);
    if (!existsSync(options.dataDir)) mkdirSync(options.dataDir, { recursive: true });
    const db = await DuckDbClient.open({ path: file, memoryLimit: '256MB', threads: 1 });
    const store = new DuckDbAccountStore(file, db);
    try {
      await store.migrate();
    } catch (e) {
      await store.close();
      throw e;
    }
    ownerOnly(file);
    return store;
  }

  private async migrate(): Promise<void> {
    await this.db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, applied_at TIMESTAMP NOT NULL)`);
    const { v } = await this.db.one<{ v: number | null }>(
      sql`SELECT max(version) AS v FROM schema_migrations`,
    );
    const current = v ?? 0;
    const latest = MIGRATIONS.reduce((m, x) => Math.max(m, x.version), 0);
    if (current > latest) {
      throw new AppError(
        'store.migration_failed',
        `the account store ${this.location} has schema version ${current}, newer than this program knows (${latest}); upgrade License Insights`,
      );
    }
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue;
      try {
        await this.db.exec('BEGIN TRANSACTION');
        for (const s of m.statements) await this.db.exec(s);
        await this.db.run(
          sql`INSERT INTO schema_migrations (version, applied_at) VALUES (${m.version}, now()::TIMESTAMP)`,
        );
        await this.db.exec('COMMIT');
      } catch (e) {
        await this.db.exec('ROLLBACK').catch(() => undefined);
        throw new AppError(
          'store.migration_failed',
          `account store migration ${m.version} failed: ${messageOf(e)}`,
          [],
          { cause: e },
        );
      }
    }
  }

  /** Runs work alone on the connection; `tx` wraps it in a transaction (all or nothing). */
  private serial<T>(work: () => Promise<T>, tx = false): Promise<T> {
    const run = async (): Promise<T> => {
      if (!tx) return work();
      await this.db.exec('BEGIN TRANSACTION');
      try {
        const out = await work();
        await this.db.exec('COMMIT');
        return out;
      } catch (e) {
        await this.db.exec('ROLLBACK').catch(() => undefined);
        throw e;
      }
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async insertAudit(entry: AuditEntry | null): Promise<void> {
    if (entry === null) return;
    await this.db.run(sql`INSERT INTO account_audit (partner_id, occurred_at, actor, action, outcome, details)
      VALUES (${entry.partnerId}, now()::TIMESTAMP, ${entry.actor}, ${entry.action}, ${entry.outcome}, ${JSON.stringify(entry.details)})`);
  }

  private async selectAccounts(where: SqlFragment): Promise<StoredAccount[]> {
    const rows = await this.db.all<AccountRow>(
      sql`SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE ${where} ORDER BY email`,
    );
    return rows.map(accountOf);
  }

  countAccounts(partnerId: string | null): Promise<number> {
    return this.serial(async () => {
      const where = partnerId === null ? sql`true` : sql`partner_id = ${partnerId}`;
      const { n } = await this.db.one<{ n: number }>(sql`SELECT count(*) AS n FROM accounts WHERE ${where}`);
      return n;
    });
  }

  accounts(partnerId: string): Promise<StoredAccount[]> {
    return this.serial(() => this.selectAccounts(sql`partner_id = ${partnerId}`));
  }

  accountById(partnerId: string, accountId: string): Promise<StoredAccount | null> {
    return this.serial(
      async () =>
        (await this.selectAccounts(sql`partner_id = ${partnerId} AND account_id = ${accountId}`))[0] ?? null,
    );
  }

  accountByEmail(email: string): Promise<StoredAccount | null> {
    return this.serial(
      async () => (await this.selectAccounts(sql`email = ${email.toLowerCase()}`))[0] ?? null,
    );
  }

  accountByOidcSubject(subject: string): Promise<StoredAccount | null> {
    return this.serial(async () => (await this.selectAccounts(sql`oidc_subject = ${subject}`))[0] ?? null);
  }

  createAccount(account: NewAccount, audit: AuditEntry | null): Promise<StoredAccount> {
    return this.serial(async () => {
      const email = account.email.toLowerCase();
      const taken = await this.selectAccounts(sql`email = ${email}`);
      if (taken.length > 0) {
        throw new AppError('conflict', `a staff account with the e-mail ${email} exists already`);
      }
      const id = randomUUID();
      const [customers, groups] = scopeValues(account.scope);
      await this.db.run(sql`INSERT INTO accounts (${ACCOUNT_COLUMNS}) VALUES (
        ${id}, ${account.partnerId}, ${email}, ${account.displayName}, ${list(account.roles)},
        ${list(customers)}, ${list(groups)}, false, NULL, NULL, now()::TIMESTAMP, NULL, now()::TIMESTAMP)`);
      await this.insertAudit(audit);
      const [created] = await this.selectAccounts(sql`account_id = ${id}`);
      if (created === undefined) throw new AppError('internal', `account ${id} vanished after insert`);
      return created;
    }, true);
  }

  updateAccount(
    partnerId: string,
    accountId: string,
    patch: AccountPatch,
    audit: AuditEntry | null,
  ): Promise<StoredAccount> {
    return this.serial(async () => {
      const [current] = await this.selectAccounts(
        sql`partner_id = ${partnerId} AND account_id = ${accountId}`,
      );
      if (current === undefined) throw new AppError('not_found', `no staff account ${accountId}`);
      if (patch.oidcSubject !== undefined && patch.oidcSubject !== null) {
        const other = await this.selectAccounts(
          sql`oidc_subject = ${patch.oidcSubject} AND account_id <> ${accountId}`,
        );
        if (other.length > 0) {
          throw new AppError('conflict', 'this sign-in identity is linked to another staff account');
        }
      }
      const sets: SqlFragment[] = [];
      if (patch.roles !== undefined) sets.push(sql`roles = ${list(patch.roles)}`);
      if (patch.scope !== undefined) {
        const [customers, groups] = scopeValues(patch.scope);
        sets.push(sql`scope_customers = ${list(customers)}`, sql`scope_groups = ${list(groups)}`);
      }
      if (patch.disabled !== undefined) sets.push(sql`disabled = ${patch.disabled}`);
      if (patch.displayName !== undefined) sets.push(sql`display_name = ${patch.displayName}`);
      if (patch.passwordHash !== undefined) sets.push(sql`password_hash = ${patch.passwordHash}`);
      if (patch.oidcSubject !== undefined) sets.push(sql`oidc_subject = ${patch.oidcSubject}`);
      if (patch.revokeCredentials === true) sets.push(sql`credentials_valid_after = now()::TIMESTAMP`);
      for (const s of sets) {
        await this.db.run(sql`UPDATE accounts SET ${s} WHERE account_id = ${accountId}`);
      }
      if (patch.revokeCredentials === true) {
        await this.db.run(sql`DELETE FROM sessions WHERE account_id = ${accountId}`);
      }
      await this.insertAudit(audit);
      const [updated] = await this.selectAccounts(sql`account_id = ${accountId}`);
      if (updated === undefined) throw new AppError('internal', `account ${accountId} vanished`);
      return updated;
    }, true);
  }

  recordSignIn(accountId: string, at: string): Promise<void> {
    return this.serial(async () => {
      await this.db.run(
        sql`UPDATE accounts SET last_sign_in_at = ${ts(at)}::TIMESTAMP WHERE account_id = ${accountId}`,
      );
    });
  }

  createSession(s: StoredSession): Promise<void> {
    return this.serial(async () => {
      await this.db.run(sql`INSERT INTO sessions VALUES (${s.sessionHash}, ${s.partnerId}, ${s.accountId},
        ${ts(s.createdAt)}::TIMESTAMP, ${ts(s.expiresAt)}::TIMESTAMP, ${s.method})`);
    });
  }

  sessionByHash(sessionHash: string): Promise<StoredSession | null> {
    return this.serial(async () => {
      const [r] = await this.db.all<{
        session_hash: string;
        partner_id: string;
        account_id: string;
        created_at: string;
        expires_at: string;
        method: StoredSession['method'];
      }>(sql`SELECT * FROM sessions WHERE session_hash = ${sessionHash}`);
      return r === undefined
        ? null
        : {
            sessionHash: r.session_hash,
            partnerId: r.partner_id,
            accountId: r.account_id,
            createdAt: r.created_at,
            expiresAt: r.expires_at,
            method: r.method,
          };
    });
  }

  deleteSession(sessionHash: string): Promise<void> {
    return this.serial(async () => {
      await this.db.run(sql`DELETE FROM sessions WHERE session_hash = ${sessionHash}`);
    });
  }

  deleteExpiredSessions(before: string): Promise<number> {
    return this.serial(() =>
      this.db.run(sql`DELETE FROM sessions WHERE expires_at < ${ts(before)}::TIMESTAMP`),
    );
  }

  createToken(token: NewToken, audit: AuditEntry | null): Promise<StoredToken> {
    return this.serial(async () => {
      const id = randomUUID();
      const [customers, groups] = scopeValues(token.scope);
      await this.db.run(sql`INSERT INTO api_tokens (${TOKEN_COLUMNS}) VALUES (
        ${id}, ${token.partnerId}, ${token.accountId}, ${token.name}, ${list(token.roles)},
        ${list(customers)}, ${list(groups)}, ${token.tokenHash}, now()::TIMESTAMP,
        ${ts(token.expiresAt)}::TIMESTAMP, NULL, NULL)`);
      await this.insertAudit(audit);
      const [r] = await this.db.all<TokenRow>(
        sql`SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE token_id = ${id}`,
      );
      if (r === undefined) throw new AppError('internal', `token ${id} vanished after insert`);
      return tokenOf(r);
    }, true);
  }

  tokens(partnerId: string, accountId: string | null): Promise<StoredToken[]> {
    return this.serial(async () => {
      const mine = accountId === null ? sql`true` : sql`account_id = ${accountId}`;
      const rows = await this.db.all<TokenRow>(
        sql`SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE partner_id = ${partnerId} AND ${mine}
            ORDER BY created_at DESC, token_id`,
      );
      return rows.map(tokenOf);
    });
  }

  tokenByHash(tokenHash: string): Promise<StoredToken | null> {
    return this.serial(async () => {
      const [r] = await this.db.all<TokenRow>(
        sql`SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE token_hash = ${tokenHash}`,
      );
      return r === undefined ? null : tokenOf(r);
    });
  }

  revokeToken(partnerId: string, tokenId: string, at: string, audit: AuditEntry | null): Promise<boolean> {
    return this.serial(async () => {
      const n = await this.db.run(sql`UPDATE api_tokens SET revoked_at = ${ts(at)}::TIMESTAMP
        WHERE partner_id = ${partnerId} AND token_id = ${tokenId} AND revoked_at IS NULL`);
      if (n > 0) await this.insertAudit(audit);
      return n > 0;
    }, true);
  }

  touchToken(tokenId: string, at: string): Promise<void> {
    return this.serial(async () => {
      await this.db.run(
        sql`UPDATE api_tokens SET last_used_at = ${ts(at)}::TIMESTAMP WHERE token_id = ${tokenId}`,
      );
    });
  }

  createSignInLink(
    link: { linkHash: string; partnerId: string; accountId: string; expiresAt: string },
    audit: AuditEntry | null,
  ): Promise<void> {
    return this.serial(async () => {
      await this.db.run(sql`INSERT INTO sign_in_links VALUES (${link.linkHash}, ${link.partnerId},
        ${link.accountId}, now()::TIMESTAMP, ${ts(link.expiresAt)}::TIMESTAMP, NULL)`);
      await this.insertAudit(audit);
    }, true);
  }

  consumeSignInLink(
    linkHash: string,
    at: string,
  ): Promise<{ partnerId: string; accountId: string; issuedAt: string } | null> {
    return this.serial(async () => {
      const [r] = await this.db.all<{ partner_id: string; account_id: string; created_at: string }>(
        sql`SELECT partner_id, account_id, created_at FROM sign_in_links
            WHERE link_hash = ${linkHash} AND used_at IS NULL AND expires_at > ${ts(at)}::TIMESTAMP`,
      );
      if (r === undefined) return null;
      await this.db.run(
        sql`UPDATE sign_in_links SET used_at = ${ts(at)}::TIMESTAMP WHERE link_hash = ${linkHash}`,
      );
      return { partnerId: r.partner_id, accountId: r.account_id, issuedAt: r.created_at };
    }, true);
  }

  audit(entry: AuditEntry): Promise<void> {
    return this.serial(() => this.insertAudit(entry));
  }

  auditLog(
    partnerId: string,
    actions: readonly string[] | null,
    limit: number,
    filter?: AuditFilter,
  ): Promise<AuditRecord[]> {
    return this.serial(async () => {
      const ofActions = actions === null ? sql`true` : sql`list_contains(${[...actions]}, action)`;
      return readAuditRecords(this.db, 'account_audit', partnerId, ofActions, limit, filter);
    });
  }

  close(): Promise<void> {
    return this.serial(async () => {
      this.db.close();
    });
  }
}
