/**
 * Use-cases: partner staff accounts and API tokens (SPEC §5). Every change is audited in the
 * account store, in the transaction of the change. Rules kept here, for the CLI and the API alike:
 * an e-mail names one account; a partner keeps at least one enabled user management admin; a token
 * holds at most its creator's roles and the creator's customer scope; a sign-in link is one-time
 * and short-lived.
 */
import {
  type AddStaffAccountRequest,
  type ApiToken,
  addStaffAccountRequestSchema,
  type CreateApiTokenRequest,
  type CreatedApiToken,
  createApiTokenRequestSchema,
  type Principal,
  type Role,
  type SignInLink,
  type StaffAccount,
  type UpdateStaffAccountRequest,
  updateStaffAccountRequestSchema,
} from '@license-insights/contracts';
import type { z } from 'zod';
import type { AccountStore, StoredAccount, StoredToken } from '../accounts/account-store';
import { hashSecret, newSecret } from '../accounts/secrets';
import { AppError, formatIssues } from '../errors';
import type { AuditEntry } from '../store/store';

/** Who acts, as the audit log names them. */
export function actorOf(p: Pick<Principal, 'email' | 'via'>): string {
  return p.email;
}

function audit(
  principal: Pick<Principal, 'partnerId' | 'email' | 'via'>,
  action: string,
  details: Record<string, unknown>,
): AuditEntry {
  return { partnerId: principal.partnerId, actor: actorOf(principal), action, outcome: 'ok', details };
}

/** A request parsed with its contract schema, or a usage error that names each field. */
export function parseRequest<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) throw new AppError('usage.invalid_argument', formatIssues(r.error.issues));
  return r.data;
}

/** An account as clients see it (no password hash, no partner). */
export function publicAccount(a: StoredAccount): StaffAccount {
  return {
    accountId: a.accountId,
    email: a.email,
    displayName: a.displayName,
    roles: a.roles,
    scope: a.scope,
    disabled: a.disabled,
    hasPassword: a.hasPassword,
    oidcSubject: a.oidcSubject,
    createdAt: a.createdAt,
    lastSignInAt: a.lastSignInAt,
  };
}

export function publicToken(t: StoredToken, createdBy: string): ApiToken {
  return {
    tokenId: t.tokenId,
    name: t.name,
    accountId: t.accountId,
    createdBy,
    roles: t.roles,
    scope: t.scope,
    createdAt: t.createdAt,
    expiresAt: t.expiresAt,
    revokedAt: t.revokedAt,
    lastUsedAt: t.lastUsedAt,
  };
}

export async function listStaffAccounts(accounts: AccountStore, partnerId: string): Promise<StaffAccount[]> {
  return (await accounts.accounts(partnerId)).map(publicAccount);
}

/** Finds a partner's account by its id or e-mail (404 for anything else, another partner's too). */
export async function findStaffAccount(
  accounts: AccountStore,
  partnerId: string,
  idOrEmail: string,
): Promise<StoredAccount> {
  const byId = await accounts.accountById(partnerId, idOrEmail);
  if (byId !== null) return byId;
  const byEmail = await accounts.accountByEmail(idOrEmail.trim().toLowerCase());
  if (byEmail !== null && byEmail.partnerId === partnerId) return byEmail;
  throw new AppError('not_found', `no staff account ${JSON.stringify(idOrEmail)}`);
}

export async function addStaffAccount(
  accounts: AccountStore,
  principal: Pick<Principal, 'partnerId' | 'email' | 'via'>,
  request: AddStaffAccountRequest,
): Promise<StaffAccount> {
  const req = parseRequest(addStaffAccountRequestSchema, request);
  const created = await accounts.createAccount(
    {
      partnerId: principal.partnerId,
      email: req.email,
      displayName: req.displayName ?? null,
      roles: req.roles,
      scope: req.scope,
    },
    audit(principal, 'account.create', { email: req.email, roles: req.roles, scope: req.scope }),
  );
  return publicAccount(created);
}

/** Whether an account counts as a partner's user management admin (enabled, holding the role). */
function isUserAdmin(a: Pick<StoredAccount, 'roles' | 'disabled'>): boolean {
  return !a.disabled && a.roles.includes('user_admin');
}

export async function updateStaffAccount(
  accounts: AccountStore,
  principal: Pick<Principal, 'partnerId' | 'email' | 'via'>,
  idOrEmail: string,
  request: UpdateStaffAccountRequest,
): Promise<StaffAccount> {
  const req = parseRequest(updateStaffAccountRequestSchema, request);
  const current = await findStaffAccount(accounts, principal.partnerId, idOrEmail);
  const after = { roles: req.roles ?? current.roles, disabled: req.disabled ?? current.disabled };
  if (isUserAdmin(current) && !isUserAdmin(after)) {
    const others = (await accounts.accounts(principal.partnerId)).filter(
      (a) => a.accountId !== current.accountId && isUserAdmin(a),
    );
    if (others.length === 0) {
      throw new AppError(
        'conflict',
        `${current.email} is the partner's last enabled user management admin: give another account that role first`,
      );
    }
  }
  // A change of roles or scope, or disabling, ends the account's sessions (they carried the old rights).
  const revoke =
    req.disabled === true ||
    (req.roles !== undefined && req.roles.join() !== current.roles.join()) ||
    req.scope !== undefined;
  const updated = await accounts.updateAccount(
    principal.partnerId,
    current.accountId,
    {
      ...(req.roles === undefined ? {} : { roles: req.roles }),
      ...(req.scope === undefined ? {} : { scope: req.scope }),
      ...(req.disabled === undefined ? {} : { disabled: req.disabled }),
      ...(req.displayName === undefined ? {} : { displayName: req.displayName }),
      revokeCredentials: revoke,
    },
    audit(principal, 'account.update', { email: current.email, ...req }),
  );
  return publicAccount(updated);
}

/** How long a sign-in link stays valid. */
export const SIGN_IN_LINK_MINUTES = 15;

/**
 * A one-time sign-in link for an account: `<publicUrl>/sign-in/link#<secret>` (the secret after `#`
 * never reaches a server log or a Referer header).
 */
export async function issueSignInLink(
  accounts: AccountStore,
  principal: Pick<Principal, 'partnerId' | 'email' | 'via'>,
  idOrEmail: string,
  publicUrl: string,
  now: Date = new Date(),
): Promise<SignInLink> {
  const account = await findStaffAccount(accounts, principal.partnerId, idOrEmail);
  if (account.disabled) {
    throw new AppError('conflict', `the staff account ${account.email} is disabled: enable it first`);
  }
  const secret = newSecret('link');
  const expiresAt = new Date(now.getTime() + SIGN_IN_LINK_MINUTES * 60_000).toISOString();
  await accounts.createSignInLink(
    { linkHash: hashSecret(secret), partnerId: account.partnerId, accountId: account.accountId, expiresAt },
    audit(principal, 'account.link', { email: account.email, expiresAt }),
  );
  return { url: `${publicUrl.replace(/\/+$/, '')}/sign-in/link#${secret}`, email: account.email, expiresAt };
}

/** The roles a new account of the first start holds (SPEC §5: roles combine). */
export const FIRST_ACCOUNT_ROLES: readonly Role[] = ['admin_agent', 'user_admin'];

/**
 * The first start: when no account exists at all, creates one for the partner holding admin agent
 * and user management admin, and returns a sign-in link for it; null when accounts exist.
 */
export async function ensureFirstAccount(
  accounts: AccountStore,
  partnerId: string,
  email: string,
  publicUrl: string,
  now: Date = new Date(),
): Promise<SignInLink | null> {
  if ((await accounts.countAccounts(null)) > 0) return null;
  const system = { partnerId, email: 'system (first start)', via: 'local' as const };
  await addStaffAccount(accounts, system, { email, roles: [...FIRST_ACCOUNT_ROLES] });
  return issueSignInLink(accounts, system, email, publicUrl, now);
}

export async function createApiToken(
  accounts: AccountStore,
  principal: Pick<Principal, 'partnerId' | 'accountId' | 'email' | 'via' | 'roles' | 'scope'>,
  request: CreateApiTokenRequest,
  now: Date = new Date(),
): Promise<CreatedApiToken> {
  const req = parseRequest(createApiTokenRequestSchema, request);
  const roles = req.roles ?? [...principal.roles];
  const wider = roles.filter((r) => !principal.roles.includes(r));
  if (wider.length > 0) {
    throw new AppError(
      'auth.forbidden',
      `a token holds at most its creator's roles: you do not hold ${wider.join(', ')}`,
    );
  }
  const secret = newSecret('token');
  const expiresAt = new Date(now.getTime() + req.expiresInDays * 86_400_000).toISOString();
  const token = await accounts.createToken(
    {
      partnerId: principal.partnerId,
      accountId: principal.accountId,
      name: req.name,
      roles,
      scope: principal.scope,
      tokenHash: hashSecret(secret),
      expiresAt,
    },
    audit(principal, 'token.create', { name: req.name, accountId: principal.accountId, roles, expiresAt }),
  );
  return { token: publicToken(token, principal.email), secret };
}

/**
 * A token for a staff account, made by someone acting for the partner (the local operator's
 * `insights tokens create --for <email>`): the token belongs to that account and holds at most its
 * roles and its customer scope; the audit names who made it.
 */
export async function createApiTokenFor(
  accounts: AccountStore,
  actor: Pick<Principal, 'partnerId' | 'email' | 'via'>,
  idOrEmail: string,
  request: CreateApiTokenRequest,
  now: Date = new Date(),
): Promise<CreatedApiToken> {
  const account = await findStaffAccount(accounts, actor.partnerId, idOrEmail);
  if (account.disabled) {
    throw new AppError('conflict', `the staff account ${account.email} is disabled: enable it first`);
  }
  const created = await createApiToken(
    accounts,
    { ...actor, accountId: account.accountId, roles: account.roles, scope: account.scope },
    request,
    now,
  );
  return { ...created, token: { ...created.token, createdBy: account.email } };
}

/** Tokens of the partner (user management admins) or of one account. */
export async function listApiTokens(
  accounts: AccountStore,
  partnerId: string,
  accountId: string | null,
): Promise<ApiToken[]> {
  const [tokens, staff] = await Promise.all([
    accounts.tokens(partnerId, accountId),
    accounts.accounts(partnerId),
  ]);
  const email = new Map(staff.map((a) => [a.accountId, a.email]));
  return tokens.map((t) => publicToken(t, email.get(t.accountId) ?? t.accountId));
}

export async function revokeApiToken(
  accounts: AccountStore,
  principal: Pick<Principal, 'partnerId' | 'email' | 'via'>,
  tokenId: string,
  now: Date = new Date(),
): Promise<void> {
  const done = await accounts.revokeToken(
    principal.partnerId,
    tokenId,
    now.toISOString(),
    audit(principal, 'token.revoke', { tokenId }),
  );
  if (!done) throw new AppError('not_found', `no active token ${JSON.stringify(tokenId)}`);
}
