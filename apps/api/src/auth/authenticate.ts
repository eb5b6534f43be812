/**
 * Who is calling: an API token (`Authorization: Bearer li_pat_…`), the local operator's credential
 * (`Authorization: Bearer li_loc_…`, the CLI on this machine), or a browser session (the `li_session`
 * cookie). Each resolves to a `Principal` — partner, account, roles, rights, customer scope — or to
 * nobody. A token never holds more than its creator holds now: its roles are narrowed to the
 * creator's current roles, its scope is the creator's; a disabled creator voids it.
 *
 * Checks are cached for a few seconds (a request must not wait for the account store's queue), and
 * the cache is emptied whenever this server changes an account or a token.
 */
import { type Principal, ROLES, type Role, rightsOf } from '@license-insights/contracts';
import {
  type AccountStore,
  hashSecret,
  looksLikeSecret,
  type StoredAccount,
  sameSecret,
} from '@license-insights/core';

export const SESSION_COOKIE = 'li_session';

/**
 * The session cookie's name: with TLS the `__Host-` prefix, which browsers accept only on a Secure
 * cookie of Path=/ without a Domain (so no sibling host or plain-HTTP page can set or shadow it).
 */
export function sessionCookieName(tls: boolean): string {
  return tls ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE;
}

/** How long a verified credential is trusted without asking the account store again. */
const CACHE_MS = 5_000;
/** A token's last use is written at most this often. */
const TOUCH_MS = 60_000;

export interface LocalOperator {
  /** The secret in the data directory's server file (owner-only). */
  readonly secret: string;
  /** The partner the local operator acts for when the request names none. */
  readonly defaultPartnerId: () => Promise<string>;
  /** Whether a partner exists (a named one must). */
  readonly partnerExists: (partnerId: string) => Promise<boolean>;
}

interface Cached {
  readonly principal: Principal | null;
  readonly at: number;
  /** When the credential expires (ms since the epoch): a cached yes never outlives it. */
  readonly expires?: number;
  /** The token a cached token check was about (its last use is recorded). */
  readonly tokenId?: string;
}

/** Whether an instant (ISO text, any precision) is at or before another. */
function notAfter(a: string, b: string): boolean {
  return Date.parse(a) <= Date.parse(b);
}

export function principalOf(
  account: StoredAccount,
  roles: readonly Role[],
  via: Principal['via'],
): Principal {
  return {
    partnerId: account.partnerId,
    accountId: account.accountId,
    email: account.email,
    displayName: account.displayName,
    roles,
    rights: [...rightsOf(roles)],
    scope: account.scope,
    via,
  };
}

export class Authenticator {
  private readonly cache = new Map<string, Cached>();
  private readonly touched = new Map<string, number>();
  /** Checks under way, shared by the requests that carry the same credential meanwhile. */
  private readonly checking = new Map<string, Promise<Principal | null>>();
  /** Bumped by `invalidate`: a check begun before a change is not remembered after it. */
  private generation = 0;

  /** The cookie that carries a browser's session on this server (see `sessionCookieName`). */
  readonly sessionCookie: string;

  constructor(
    private readonly accounts: AccountStore,
    private readonly local: LocalOperator | null,
    private readonly now: () => Date,
    tls = false,
  ) {
    this.sessionCookie = sessionCookieName(tls);
  }

  /** Forget every cached check (after a change to an account or a token). */
  invalidate(): void {
    this.cache.clear();
    this.checking.clear();
    this.generation++;
  }

  /**
   * One check of a credential at a time: requests that find no remembered check while one is under
   * way wait for it. Without this, every connection of a busy client whose remembered check
   * expired in the same instant read the account store at once (32 connections: 64 reads, and
   * answers stalled for a second or more every CACHE_MS under load).
   */
  private once(
    key: string,
    check: (generation: number) => Promise<Principal | null>,
  ): Promise<Principal | null> {
    const running = this.checking.get(key);
    if (running !== undefined) return running;
    const checked = check(this.generation).finally(() => {
      if (this.checking.get(key) === checked) this.checking.delete(key);
    });
    this.checking.set(key, checked);
    return checked;
  }

  private cached(key: string): Cached | undefined {
    const c = this.cache.get(key);
    if (c === undefined) return undefined;
    if (
      performance.now() - c.at > CACHE_MS ||
      (c.expires !== undefined && c.expires <= this.now().getTime())
    ) {
      this.cache.delete(key);
      return undefined;
    }
    return c;
  }

  private remember(
    key: string,
    principal: Principal | null,
    valid?: { readonly tokenId?: string; readonly expiresAt: string },
    generation = this.generation,
  ): Principal | null {
    // An account or token changed while this check ran: answer it, but do not remember it.
    if (generation !== this.generation) return principal;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(key, {
      principal,
      at: performance.now(),
      ...(valid === undefined ? {} : { expires: Date.parse(valid.expiresAt) }),
      ...(valid?.tokenId === undefined ? {} : { tokenId: valid.tokenId }),
    });
    return principal;
  }

  /**
   * The caller of a request: from its Authorization header, else its session cookie; null when it
   * carries neither or a credential that is not (or no longer) valid.
   */
  async authenticate(headers: {
    readonly authorization?: string | undefined;
    readonly partner?: string | undefined;
    readonly osUser?: string | undefined;
    readonly sessionCookie?: string | undefined;
  }): Promise<Principal | null> {
    const auth = headers.authorization;
    if (auth !== undefined) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
      if (m?.[1] === undefined) return null;
      const secret = m[1];
      if (looksLikeSecret('local', secret))
        return this.localOperator(secret, headers.partner, headers.osUser);
      if (looksLikeSecret('token', secret)) return this.token(secret);
      return null;
    }
    if (headers.sessionCookie !== undefined && looksLikeSecret('session', headers.sessionCookie)) {
      return this.session(headers.sessionCookie);
    }
    return null;
  }

  private async localOperator(
    secret: string,
    partner: string | undefined,
    osUser: string | undefined,
  ): Promise<Principal | null> {
    if (this.local === null || !sameSecret(secret, this.local.secret)) return null;
    const partnerId = partner ?? (await this.local.defaultPartnerId());
    if (partner !== undefined && !(await this.local.partnerExists(partner))) return null;
    const user = osUser !== undefined && /^[\w.@\\ -]{1,64}$/.test(osUser) ? osUser : 'unknown';
    return {
      partnerId,
      accountId: 'local-operator',
      email: `local operator (OS user ${user})`,
      displayName: 'Local operator',
      roles: [...ROLES],
      rights: [...rightsOf(ROLES)],
      scope: null,
      via: 'local',
    };
  }

  private async token(secret: string): Promise<Principal | null> {
    const hash = hashSecret(secret);
    const key = `t:${hash}`;
    const hit = this.cached(key);
    if (hit !== undefined) {
      if (hit.tokenId !== undefined) this.touch(hit.tokenId);
      return hit.principal;
    }
    return this.once(key, async (generation) => {
      const token = await this.accounts.tokenByHash(hash);
      const now = this.now().toISOString();
      if (token === null || token.revokedAt !== null || notAfter(token.expiresAt, now)) {
        return this.remember(key, null, undefined, generation);
      }
      const account = await this.accounts.accountById(token.partnerId, token.accountId);
      if (account === null || account.disabled) return this.remember(key, null, undefined, generation);
      const roles = token.roles.filter((r) => account.roles.includes(r));
      if (roles.length === 0) return this.remember(key, null, undefined, generation);
      const principal = this.remember(key, principalOf(account, roles, 'token'), token, generation);
      this.touch(token.tokenId);
      return principal;
    });
  }

  /** Records a token's last use, at most once a minute, without making the request wait. */
  private touch(tokenId: string): void {
    const last = this.touched.get(tokenId);
    if (last !== undefined && performance.now() - last < TOUCH_MS) return;
    if (this.touched.size > 10_000) this.touched.clear();
    this.touched.set(tokenId, performance.now());
    void this.accounts.touchToken(tokenId, this.now().toISOString()).catch(() => undefined);
  }

  private async session(secret: string): Promise<Principal | null> {
    const hash = hashSecret(secret);
    const key = `s:${hash}`;
    const hit = this.cached(key);
    if (hit !== undefined) return hit.principal;
    return this.once(key, async (generation) => {
      const session = await this.accounts.sessionByHash(hash);
      const now = this.now().toISOString();
      if (session === null || notAfter(session.expiresAt, now))
        return this.remember(key, null, undefined, generation);
      const account = await this.accounts.accountById(session.partnerId, session.accountId);
      if (
        account === null ||
        account.disabled ||
        Date.parse(session.createdAt) < Date.parse(account.credentialsValidAfter)
      ) {
        return this.remember(key, null, undefined, generation);
      }
      return this.remember(key, principalOf(account, account.roles, 'session'), session, generation);
    });
  }
}
