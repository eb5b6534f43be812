/**
 * The account store on PostgreSQL: staff accounts, their sessions, API tokens and sign-in links,
 * and the audit of what happens to them, in the same database as the PostgreSQL data store, so
 * that every app instance on that database sees the same accounts — a session opened through one
 * instance is valid on all of them, a sign-in link works once whichever instance it reaches.
 *
 * It answers exactly as the embedded account store (core's store/duckdb/account-store.ts) does;
 * the account store suite (core's testing/account-store-suite.ts) runs on both, and
 * test/pg-account-store.test.ts also runs one sequence on both side by side.
 *
 * Why a store object of its own, with its own pool, tables and migrations, rather than part of
 * PostgresStore: the contract (AccountStore) keeps accounts apart from the data store so that a
 * sign-in or a token check never waits behind an import. Here nothing can make it wait: imports
 * and write units hold their partner's advisory lock and the data store's tables, never these;
 * this store's connections are its own, so a pool busy with a long import or compute has no say.
 *
 * - Tables are prefixed `staff_` (the data store has `users` and `audit_log`: other things), and
 *   versioned in `account_migrations`, not the data store's `schema_migrations`: either store can
 *   be upgraded, or opened, without the other. Migrations run on open under an advisory lock of
 *   their own (the store's namespace, second key {@link ACCOUNT_MIGRATION_LOCK}), so instances
 *   starting together apply each once, and never wait for the data store's migrations.
 * - Every table's key starts with `partner_id`, as the data store's do. They are small (people,
 *   not licences): on Citus they stay reference or coordinator-local tables, never distributed,
 *   which is also what lets them keep the unique indexes across partners below (a distributed
 *   table's unique index must hold the distribution column).
 * - Uniqueness is the schema's, not a lone writer's as in the embedded store (where one queue runs
 *   every change): e-mail (stored lower-case) and OIDC subject are unique across partners, as are
 *   session, token and link hashes. Instances checking first and then inserting could both pass
 *   the check; the unique index lets one insert win and the other gets the same `conflict` the
 *   check gives.
 * - Each change that is audited is one transaction with its audit record; single statements run
 *   on their own (autocommit). Using a sign-in link is one UPDATE … WHERE used_at IS NULL …
 *   RETURNING: a second use, from any instance, waits for the first's row lock, then sees the link
 *   used and changes nothing — exactly one use wins.
 * - Instants are `timestamp` (UTC, no zone), written from and read back as the embedded store's
 *   ISO text (`2026-03-01T10:00:00.5Z`: fraction trimmed, as both engines print it); "now" is the
 *   transaction's start in UTC, as DuckDB's `now()` is. Audit details are `json`, not `jsonb`:
 *   kept as written (key order too), as the embedded store keeps them, and never searched here.
 */
import type { CustomerScope, Role } from '@license-insights/contracts';
import { ROLES } from '@license-insights/contracts';
import { AppError } from '@license-insights/core';
import type {
  AccountPatch,
  AccountStore,
  NewAccount,
  NewToken,
  StoredAccount,
  StoredSession,
  StoredToken,
} from '@license-insights/core/accounts/account-store';
import { join, type SqlFragment, sql } from '@license-insights/core/sql';
import type { AuditEntry, AuditFilter, AuditRecord } from '@license-insights/core/store';
import pg from 'pg';
import { PgClient, TYPES } from './pg-client';
import { migrateSchema } from './pg-migrate';
import { LOCK_NAMESPACE, redacted } from './postgres-store';

/** The second key of the account store's migration lock (the data store's is 0). */
export const ACCOUNT_MIGRATION_LOCK = 1;

export interface AccountMigration {
  readonly version: number;
  readonly name: string;
  readonly statements: readonly string[];
}

/**
 * The account store's schema, applied in order on open, each migration in one transaction with its
 * row in `account_migrations`. Never edit a released migration: add a new one. Version 1 holds what
 * the embedded account store's version 1 holds, column for column.
 */
export const ACCOUNT_MIGRATIONS: readonly AccountMigration[] = [
  {
    version: 1,
    name: 'staff accounts, sessions, tokens, sign-in links, audit',
    statements: [
      `CREATE TABLE staff_accounts (
        partner_id text NOT NULL,
        account_id text NOT NULL,
        email text NOT NULL,
        display_name text,
        roles text[] NOT NULL,
        scope_customers text[],
        scope_groups text[],
        disabled boolean NOT NULL,
        password_hash text,
        oidc_subject text,
        created_at timestamp NOT NULL,
        last_sign_in_at timestamp,
        credentials_valid_after timestamp NOT NULL,
        PRIMARY KEY (partner_id, account_id)
      )`,
      // One sign-in names one account: e-mail (lower-case) and OIDC subject across partners.
      'CREATE UNIQUE INDEX staff_accounts_email ON staff_accounts (email)',
      'CREATE UNIQUE INDEX staff_accounts_oidc_subject ON staff_accounts (oidc_subject)',
      // Sign-ins are recorded by account id alone (the contract's recordSignIn).
      'CREATE UNIQUE INDEX staff_accounts_account_id ON staff_accounts (account_id)',
      `CREATE TABLE staff_sessions (
        partner_id text NOT NULL,
        session_hash text NOT NULL,
        account_id text NOT NULL,
        created_at timestamp NOT NULL,
        expires_at timestamp NOT NULL,
        method text NOT NULL CHECK (method IN ('password', 'oidc', 'link')),
        PRIMARY KEY (partner_id, session_hash)
      )`,
      // Every request with a session cookie finds it by its hash alone.
      'CREATE UNIQUE INDEX staff_sessions_hash ON staff_sessions (session_hash)',
      'CREATE INDEX staff_sessions_account ON staff_sessions (account_id)',
      `CREATE TABLE staff_tokens (
        partner_id text NOT NULL,
        token_id text NOT NULL,
        account_id text NOT NULL,
        name text NOT NULL,
        roles text[] NOT NULL,
        scope_customers text[],
        scope_groups text[],
        token_hash text NOT NULL,
        created_at timestamp NOT NULL,
        expires_at timestamp NOT NULL,
        revoked_at timestamp,
        last_used_at timestamp,
        PRIMARY KEY (partner_id, token_id)
      )`,
      'CREATE UNIQUE INDEX staff_tokens_hash ON staff_tokens (token_hash)',
      'CREATE UNIQUE INDEX staff_tokens_token_id ON staff_tokens (token_id)',
      `CREATE TABLE staff_sign_in_links (
        partner_id text NOT NULL,
        link_hash text NOT NULL,
        account_id text NOT NULL,
        created_at timestamp NOT NULL,
        expires_at timestamp NOT NULL,
        used_at timestamp,
        PRIMARY KEY (partner_id, link_hash)
      )`,
      'CREATE UNIQUE INDEX staff_sign_in_links_hash ON staff_sign_in_links (link_hash)',
      'CREATE SEQUENCE staff_audit_seq START 1',
      `CREATE TABLE staff_audit_log (
        partner_id text NOT NULL,
        audit_id bigint NOT NULL DEFAULT nextval('staff_audit_seq'),
        occurred_at timestamp NOT NULL,
        actor text NOT NULL,
        action text NOT NULL,
        outcome text NOT NULL,
        details json NOT NULL,
        PRIMARY KEY (partner_id, audit_id)
      )`,
    ],
  },
];

export const LATEST_ACCOUNT_SCHEMA_VERSION = ACCOUNT_MIGRATIONS.reduce((m, x) => Math.max(m, x.version), 0);

export interface PgAccountStoreOptions {
  /** postgres://user@host:port/database — the data store's database. */
  readonly url: string;
  /** Connections at most (default 4): sign-ins and token checks are single short statements. */
  readonly connections?: number;
}

/** The transaction's start in UTC, as the embedded store's `now()::TIMESTAMP` (the server runs in UTC). */
const NOW = sql`(now() AT TIME ZONE 'UTC')`;

/**
 * A caller's ISO instant as the timestamp text the embedded store binds (`T` → space, `Z`
 * dropped; an offset, as there, is not applied): the same text gives the same stored instant.
 */
function ts(iso: string): SqlFragment {
  return sql`${iso.replace('T', ' ').replace(/Z$/, '')}::timestamp`;
}

/** A stored timestamp (PostgreSQL's text, fraction trimmed) as the embedded store's ISO text. */
function iso(v: string): string;
function iso(v: string | null): string | null;
function iso(v: string | null): string | null {
  return v === null ? null : `${v.replace(' ', 'T')}Z`;
}

/** A list bound as a text[] (null stays NULL: "all customers" for scopes). */
function list(v: readonly string[] | null): SqlFragment {
  return v === null ? sql`NULL::text[]` : sql`${[...v]}::text[]`;
}

const ACCOUNT_COLUMNS = sql`account_id, partner_id, email, display_name, roles, scope_customers, scope_groups,
  disabled, password_hash, oidc_subject, created_at, last_sign_in_at, credentials_valid_after`;
const TOKEN_COLUMNS = sql`token_id, partner_id, account_id, name, roles, scope_customers, scope_groups,
  token_hash, created_at, expires_at, revoked_at, last_used_at`;

interface AccountRow {
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

interface TokenRow {
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

/** Roles in the contract's order, unknown names dropped (as the embedded store reads them). */
function rolesOf(names: readonly string[]): Role[] {
  return ROLES.filter((r) => names.includes(r));
}

function scopeOf(customers: readonly string[] | null, groups: readonly string[] | null): CustomerScope {
  return customers === null && groups === null ? null : { customers: customers ?? [], groups: groups ?? [] };
}

/** Scope columns: NULL for "all customers", else the two lists. */
function scopeValues(scope: CustomerScope): [readonly string[] | null, readonly string[] | null] {
  return scope === null ? [null, null] : [[...scope.customers], [...scope.groups]];
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
    createdAt: iso(r.created_at),
    lastSignInAt: iso(r.last_sign_in_at),
    credentialsValidAfter: iso(r.credentials_valid_after),
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
    createdAt: iso(r.created_at),
    expiresAt: iso(r.expires_at),
    revokedAt: iso(r.revoked_at),
    lastUsedAt: iso(r.last_used_at),
  };
}

/** A unique index refused a row: the index's name, else null. */
function uniqueViolation(e: unknown): string | null {
  const err = e as { code?: unknown; constraint?: unknown };
  return err.code === '23505' && typeof err.constraint === 'string' ? err.constraint : null;
}

const emailTaken = (email: string) =>
  new AppError('conflict', `a staff account with the e-mail ${email} exists already`);
const subjectTaken = () =>
  new AppError('conflict', 'this sign-in identity is linked to another staff account');

export class PgAccountStore implements AccountStore {
  private constructor(
    readonly location: string,
    private readonly pool: pg.Pool,
    /** Single statements, each its own transaction (autocommit) on any connection of the pool. */
    private readonly db: PgClient,
  ) {}

  static async open(options: PgAccountStoreOptions): Promise<PgAccountStore> {
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.connections ?? 4,
      types: TYPES,
      application_name: 'license-insights-accounts',
    });
    // A connection dropped by the server while idle is an event, not a crash of the process.
    pool.on('error', () => undefined);
    const store = new PgAccountStore(redacted(options.url), pool, new PgClient(pool));
    try {
      await store.migrate();
    } catch (e) {
      await pool.end();
      throw e;
    }
    return store;
  }

  /** Applies the migrations this database lacks, under the account store's migration lock. */
  private async migrate(): Promise<void> {
    const conn = await this.pool.connect();
    try {
      await migrateSchema(new PgClient(conn), {
        table: 'account_migrations',
        lock: [LOCK_NAMESPACE, ACCOUNT_MIGRATION_LOCK],
        migrations: ACCOUNT_MIGRATIONS,
        what: `the account store ${this.location}`,
      });
    } finally {
      conn.release();
    }
  }

  /** Work in one transaction on one connection (READ COMMITTED): all or nothing. */
  private async tx<T>(work: (db: PgClient) => Promise<T>): Promise<T> {
    const conn = await this.pool.connect();
    const db = new PgClient(conn);
    let broken = false;
    try {
      await db.exec('BEGIN');
      try {
        const out = await work(db);
        await db.exec('COMMIT');
        return out;
      } catch (e) {
        await db.exec('ROLLBACK').catch(() => {
          broken = true;
        });
        throw e;
      }
    } finally {
      conn.release(broken);
    }
  }

  private async insertAudit(db: PgClient, entry: AuditEntry | null): Promise<void> {
    if (entry === null) return;
    await db.run(sql`INSERT INTO staff_audit_log (partner_id, occurred_at, actor, action, outcome, details)
      VALUES (${entry.partnerId}, ${NOW}, ${entry.actor}, ${entry.action}, ${entry.outcome}, ${JSON.stringify(entry.details)}::json)`);
  }

  /** Accounts in e-mail order by code point (COLLATE "C"), as DuckDB orders text. */
  private async selectAccounts(db: PgClient, where: SqlFragment, lock = false): Promise<StoredAccount[]> {
    const rows = await db.all<AccountRow>(
      sql`SELECT ${ACCOUNT_COLUMNS} FROM staff_accounts WHERE ${where} ORDER BY email COLLATE "C"${lock ? sql` FOR UPDATE` : sql``}`,
    );
    return rows.map(accountOf);
  }

  async countAccounts(partnerId: string | null): Promise<number> {
    const where = partnerId === null ? sql`true` : sql`partner_id = ${partnerId}`;
    const { n } = await this.db.one<{ n: number }>(
      sql`SELECT count(*) AS n FROM staff_accounts WHERE ${where}`,
    );
    return n;
  }

  accounts(partnerId: string): Promise<StoredAccount[]> {
    return this.selectAccounts(this.db, sql`partner_id = ${partnerId}`);
  }

  async accountById(partnerId: string, accountId: string): Promise<StoredAccount | null> {
    return (
      (await this.selectAccounts(this.db, sql`partner_id = ${partnerId} AND account_id = ${accountId}`))[0] ??
      null
    );
  }

  async accountByEmail(email: string): Promise<StoredAccount | null> {
    return (await this.selectAccounts(this.db, sql`email = ${email.toLowerCase()}`))[0] ?? null;
  }

  async accountByOidcSubject(subject: string): Promise<StoredAccount | null> {
    return (await this.selectAccounts(this.db, sql`oidc_subject = ${subject}`))[0] ?? null;
  }

  /**
   * Checks the e-mail first (the usual refusal, with nothing written), then inserts; an instance
   * that passed the same check meanwhile and committed first makes the unique index refuse this
   * insert, which is the same conflict.
   */
  async createAccount(account: NewAccount, audit: AuditEntry | null): Promise<StoredAccount> {
    const email = account.email.toLowerCase();
    try {
      return await this.tx(async (db) => {
        const taken = await this.selectAccounts(db, sql`email = ${email}`);
        if (taken.length > 0) throw emailTaken(email);
        const [customers, groups] = scopeValues(account.scope);
        const [r] = await db.all<AccountRow>(sql`INSERT INTO staff_accounts (${ACCOUNT_COLUMNS}) VALUES (
          gen_random_uuid()::text, ${account.partnerId}, ${email}, ${account.displayName}, ${list(account.roles)},
          ${list(customers)}, ${list(groups)}, false, NULL, NULL, ${NOW}, NULL, ${NOW})
          RETURNING ${ACCOUNT_COLUMNS}`);
        if (r === undefined) throw new AppError('internal', `account ${email} vanished after insert`);
        await this.insertAudit(db, audit);
        return accountOf(r);
      });
    } catch (e) {
      if (uniqueViolation(e) === 'staff_accounts_email') throw emailTaken(email);
      throw e;
    }
  }

  /**
   * Locks the account's row first (FOR UPDATE): changes to one account from several instances
   * apply one after the other, each on the other's result. Revoking credentials moves
   * `credentials_valid_after` to this transaction's start and forgets the account's sessions,
   * both in the same commit.
   */
  async updateAccount(
    partnerId: string,
    accountId: string,
    patch: AccountPatch,
    audit: AuditEntry | null,
  ): Promise<StoredAccount> {
    try {
      return await this.tx(async (db) => {
        const [current] = await this.selectAccounts(
          db,
          sql`partner_id = ${partnerId} AND account_id = ${accountId}`,
          true,
        );
        if (current === undefined) throw new AppError('not_found', `no staff account ${accountId}`);
        if (patch.oidcSubject !== undefined && patch.oidcSubject !== null) {
          const other = await this.selectAccounts(
            db,
            sql`oidc_subject = ${patch.oidcSubject} AND account_id <> ${accountId}`,
          );
          if (other.length > 0) throw subjectTaken();
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
        if (patch.revokeCredentials === true) sets.push(sql`credentials_valid_after = ${NOW}`);
        if (sets.length > 0) {
          await db.run(sql`UPDATE staff_accounts SET ${join(sets)}
            WHERE partner_id = ${partnerId} AND account_id = ${accountId}`);
        }
        if (patch.revokeCredentials === true) {
          await db.run(sql`DELETE FROM staff_sessions WHERE account_id = ${accountId}`);
        }
        await this.insertAudit(db, audit);
        const [updated] = await this.selectAccounts(db, sql`account_id = ${accountId}`);
        if (updated === undefined) throw new AppError('internal', `account ${accountId} vanished`);
        return updated;
      });
    } catch (e) {
      if (uniqueViolation(e) === 'staff_accounts_oidc_subject') throw subjectTaken();
      throw e;
    }
  }

  async recordSignIn(accountId: string, at: string): Promise<void> {
    await this.db.run(
      sql`UPDATE staff_accounts SET last_sign_in_at = ${ts(at)} WHERE account_id = ${accountId}`,
    );
  }

  async createSession(s: StoredSession): Promise<void> {
    await this.db.run(sql`INSERT INTO staff_sessions (partner_id, session_hash, account_id, created_at, expires_at, method)
      VALUES (${s.partnerId}, ${s.sessionHash}, ${s.accountId}, ${ts(s.createdAt)}, ${ts(s.expiresAt)}, ${s.method})`);
  }

  async sessionByHash(sessionHash: string): Promise<StoredSession | null> {
    const [r] = await this.db.all<{
      session_hash: string;
      partner_id: string;
      account_id: string;
      created_at: string;
      expires_at: string;
      method: StoredSession['method'];
    }>(sql`SELECT session_hash, partner_id, account_id, created_at, expires_at, method
           FROM staff_sessions WHERE session_hash = ${sessionHash}`);
    return r === undefined
      ? null
      : {
          sessionHash: r.session_hash,
          partnerId: r.partner_id,
          accountId: r.account_id,
          createdAt: iso(r.created_at),
          expiresAt: iso(r.expires_at),
          method: r.method,
        };
  }

  async deleteSession(sessionHash: string): Promise<void> {
    await this.db.run(sql`DELETE FROM staff_sessions WHERE session_hash = ${sessionHash}`);
  }

  deleteExpiredSessions(before: string): Promise<number> {
    return this.db.run(sql`DELETE FROM staff_sessions WHERE expires_at < ${ts(before)}`);
  }

  createToken(token: NewToken, audit: AuditEntry | null): Promise<StoredToken> {
    return this.tx(async (db) => {
      const [customers, groups] = scopeValues(token.scope);
      const [r] = await db.all<TokenRow>(sql`INSERT INTO staff_tokens (${TOKEN_COLUMNS}) VALUES (
        gen_random_uuid()::text, ${token.partnerId}, ${token.accountId}, ${token.name}, ${list(token.roles)},
        ${list(customers)}, ${list(groups)}, ${token.tokenHash}, ${NOW}, ${ts(token.expiresAt)}, NULL, NULL)
        RETURNING ${TOKEN_COLUMNS}`);
      if (r === undefined) throw new AppError('internal', `token ${token.name} vanished after insert`);
      await this.insertAudit(db, audit);
      return tokenOf(r);
    });
  }

  /** Newest first; tokens made in one instant by token id (code point order, as DuckDB's). */
  async tokens(partnerId: string, accountId: string | null): Promise<StoredToken[]> {
    const mine = accountId === null ? sql`true` : sql`account_id = ${accountId}`;
    const rows = await this.db.all<TokenRow>(
      sql`SELECT ${TOKEN_COLUMNS} FROM staff_tokens WHERE partner_id = ${partnerId} AND ${mine}
          ORDER BY created_at DESC, token_id COLLATE "C"`,
    );
    return rows.map(tokenOf);
  }

  async tokenByHash(tokenHash: string): Promise<StoredToken | null> {
    const [r] = await this.db.all<TokenRow>(
      sql`SELECT ${TOKEN_COLUMNS} FROM staff_tokens WHERE token_hash = ${tokenHash}`,
    );
    return r === undefined ? null : tokenOf(r);
  }

  /** One UPDATE … WHERE revoked_at IS NULL: of two revocations at once, one changes the row and is audited. */
  revokeToken(partnerId: string, tokenId: string, at: string, audit: AuditEntry | null): Promise<boolean> {
    return this.tx(async (db) => {
      const n = await db.run(sql`UPDATE staff_tokens SET revoked_at = ${ts(at)}
        WHERE partner_id = ${partnerId} AND token_id = ${tokenId} AND revoked_at IS NULL`);
      if (n > 0) await this.insertAudit(db, audit);
      return n > 0;
    });
  }

  async touchToken(tokenId: string, at: string): Promise<void> {
    await this.db.run(sql`UPDATE staff_tokens SET last_used_at = ${ts(at)} WHERE token_id = ${tokenId}`);
  }

  createSignInLink(
    link: { linkHash: string; partnerId: string; accountId: string; expiresAt: string },
    audit: AuditEntry | null,
  ): Promise<void> {
    return this.tx(async (db) => {
      await db.run(sql`INSERT INTO staff_sign_in_links (partner_id, link_hash, account_id, created_at, expires_at, used_at)
        VALUES (${link.partnerId}, ${link.linkHash}, ${link.accountId}, ${NOW}, ${ts(link.expiresAt)}, NULL)`);
      await this.insertAudit(db, audit);
    });
  }

  /**
   * One statement: it finds the link unused and unexpired and marks it used, or changes nothing.
   * A use at the same time from another instance waits for this one's row lock, then finds the
   * link used (READ COMMITTED re-checks the WHERE on the row as committed) and gets null.
   */
  async consumeSignInLink(
    linkHash: string,
    at: string,
  ): Promise<{ partnerId: string; accountId: string; issuedAt: string } | null> {
    const [r] = await this.db.all<{ partner_id: string; account_id: string; created_at: string }>(
      sql`UPDATE staff_sign_in_links SET used_at = ${ts(at)}
          WHERE link_hash = ${linkHash} AND used_at IS NULL AND expires_at > ${ts(at)}
          RETURNING partner_id, account_id, created_at`,
    );
    return r === undefined
      ? null
      : { partnerId: r.partner_id, accountId: r.account_id, issuedAt: iso(r.created_at) };
  }

  audit(entry: AuditEntry): Promise<void> {
    return this.insertAudit(this.db, entry);
  }

  /** As the data store's audit log on PostgreSQL reads its records (pg-units.ts), from this store's table. */
  async auditLog(
    partnerId: string,
    actions: readonly string[] | null,
    limit: number,
    filter?: AuditFilter,
  ): Promise<AuditRecord[]> {
    const ofActions = actions === null ? sql`true` : sql`action = ANY(${[...actions]}::text[])`;
    const rows = await this.db.all<{
      audit_id: number;
      occurred_at: string;
      actor: string;
      action: string;
      outcome: string;
      details: Record<string, unknown>;
    }>(sql`SELECT audit_id, to_char(occurred_at, 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS occurred_at,
                  actor, action, outcome, details
           FROM staff_audit_log
           WHERE partner_id = ${partnerId} AND ${ofActions} AND ${auditFilterSql(filter)}
           ORDER BY audit_id DESC LIMIT ${limit}`);
    return rows.map((r) => ({
      auditId: r.audit_id,
      occurredAt: r.occurred_at,
      actor: r.actor,
      action: r.action,
      outcome: r.outcome,
      details: r.details,
    }));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** The conditions of an {@link AuditFilter} (actor part, time range), as the embedded store's. */
function auditFilterSql(f: AuditFilter | undefined): SqlFragment {
  const actor =
    f?.actor === undefined || f.actor === ''
      ? sql`true`
      : sql`strpos(lower(actor), ${f.actor.toLowerCase()}) > 0`;
  const from = f?.from === undefined ? sql`true` : sql`occurred_at >= ${utcTimestamp(f.from)}::timestamp`;
  const to = f?.to === undefined ? sql`true` : sql`occurred_at < ${utcTimestamp(f.to)}::timestamp`;
  return sql`${actor} AND ${from} AND ${to}`;
}

/** An ISO instant as the timestamp (UTC, no zone) the audit table keeps. */
function utcTimestamp(iso: string): string {
  return new Date(iso).toISOString().replace('T', ' ').replace(/Z$/, '');
}
