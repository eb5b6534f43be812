/**
 * The account store: partner staff accounts, their sessions, API tokens and sign-in links, and the
 * audit of what happens to them (and of exports and sign-ins). It is a store of its own, apart from
 * the data store: a sign-in or a token check must never wait behind an import holding the data
 * store's one writer. Secrets never reach it: sessions, tokens and links are stored as SHA-256
 * hashes of high-entropy random secrets, passwords as argon2id hashes made by the server.
 *
 * The embedded implementation is a second DuckDB file in the data directory (`accounts.duckdb`);
 * the PostgreSQL one (store-postgres's PgAccountStore) keeps the same tables, prefixed `staff_`, in
 * the data store's database, so that every app instance on it shares sessions, tokens and links.
 * Both run the same suite (testing/account-store-suite.ts).
 */
import type { CustomerScope, Role, StaffAccount } from '@license-insights/contracts';
import type { AuditEntry, AuditFilter, AuditRecord } from '../store/store';

/** An account as stored: with its partner and its password hash (never sent to clients). */
export interface StoredAccount extends StaffAccount {
  readonly partnerId: string;
  readonly passwordHash: string | null;
  /** Sessions and links issued before this moment are void (set when roles, password or state change). */
  readonly credentialsValidAfter: string;
}

export interface NewAccount {
  readonly partnerId: string;
  readonly email: string;
  readonly displayName: string | null;
  readonly roles: readonly Role[];
  readonly scope: CustomerScope;
}

export interface AccountPatch {
  readonly roles?: readonly Role[];
  readonly scope?: CustomerScope;
  readonly disabled?: boolean;
  readonly displayName?: string | null;
  /** An argon2id hash (null removes the password). */
  readonly passwordHash?: string | null;
  readonly oidcSubject?: string | null;
  /** Void every session and sign-in link issued so far. */
  readonly revokeCredentials?: boolean;
}

export interface StoredSession {
  readonly sessionHash: string;
  readonly partnerId: string;
  readonly accountId: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  /** How the session was opened: password, OIDC or a sign-in link. */
  readonly method: 'password' | 'oidc' | 'link';
}

export interface StoredToken {
  readonly tokenId: string;
  readonly partnerId: string;
  readonly accountId: string;
  readonly name: string;
  readonly roles: readonly Role[];
  readonly scope: CustomerScope;
  readonly tokenHash: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly revokedAt: string | null;
  readonly lastUsedAt: string | null;
}

export interface NewToken {
  readonly partnerId: string;
  readonly accountId: string;
  readonly name: string;
  readonly roles: readonly Role[];
  readonly scope: CustomerScope;
  readonly tokenHash: string;
  readonly expiresAt: string;
}

/** What the account store can do; every change that is audited takes its audit entry along. */
export interface AccountStore {
  readonly location: string;

  /** Accounts of a partner (all partners when null). */
  countAccounts(partnerId: string | null): Promise<number>;
  accounts(partnerId: string): Promise<StoredAccount[]>;
  accountById(partnerId: string, accountId: string): Promise<StoredAccount | null>;
  /** E-mail addresses are unique across partners (one sign-in names one account). */
  accountByEmail(email: string): Promise<StoredAccount | null>;
  accountByOidcSubject(subject: string): Promise<StoredAccount | null>;
  createAccount(account: NewAccount, audit: AuditEntry | null): Promise<StoredAccount>;
  updateAccount(
    partnerId: string,
    accountId: string,
    patch: AccountPatch,
    audit: AuditEntry | null,
  ): Promise<StoredAccount>;
  recordSignIn(accountId: string, at: string): Promise<void>;

  createSession(session: StoredSession): Promise<void>;
  sessionByHash(sessionHash: string): Promise<StoredSession | null>;
  deleteSession(sessionHash: string): Promise<void>;
  /** Forgets sessions that expired before a moment. */
  deleteExpiredSessions(before: string): Promise<number>;

  createToken(token: NewToken, audit: AuditEntry | null): Promise<StoredToken>;
  tokens(partnerId: string, accountId: string | null): Promise<StoredToken[]>;
  tokenByHash(tokenHash: string): Promise<StoredToken | null>;
  /** Revokes a token (audited); false when the partner has no such token or it was revoked already. */
  revokeToken(partnerId: string, tokenId: string, at: string, audit: AuditEntry | null): Promise<boolean>;
  touchToken(tokenId: string, at: string): Promise<void>;

  createSignInLink(
    link: {
      readonly linkHash: string;
      readonly partnerId: string;
      readonly accountId: string;
      readonly expiresAt: string;
    },
    audit: AuditEntry | null,
  ): Promise<void>;
  /**
   * Uses a link once: returns its account when the link exists, is unused and has not expired at
   * `at`; marks it used in the same step (a second use gets null).
   */
  consumeSignInLink(
    linkHash: string,
    at: string,
  ): Promise<{ readonly partnerId: string; readonly accountId: string; readonly issuedAt: string } | null>;

  audit(entry: AuditEntry): Promise<void>;
  /** The newest records first, of some actions only when asked. */
  auditLog(
    partnerId: string,
    actions: readonly string[] | null,
    limit: number,
    filter?: AuditFilter,
  ): Promise<AuditRecord[]>;

  close(): Promise<void>;
}
