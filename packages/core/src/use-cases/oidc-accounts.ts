/**
 * Use-case: the staff account of a person who signed in with OpenID Connect (Microsoft Entra ID or
 * any provider). The provider's groups decide the roles (config `roleGroups`), at every sign-in; a
 * person in none of the mapped groups is refused. The account is the one linked to the identity
 * (issuer + subject); else the partner's account with the identity's verified e-mail, which is then
 * linked; else a new account of the partner, made just in time with the roles of the groups and no
 * customer limit. Links, new accounts and changed roles are audited; refusals of a known account
 * too.
 */
import { ROLE_NAMES, ROLES, type Role } from '@license-insights/contracts';
import type { AccountStore, StoredAccount } from '../accounts/account-store';
import type { OidcConfig } from '../config';
import { AppError } from '../errors';
import type { AuditEntry } from '../store/store';

/** What the provider said about the person (claims of the ID token, or user info). */
export interface OidcIdentity {
  readonly issuer: string;
  readonly subject: string;
  /** The e-mail claim, when the provider sent one. */
  readonly email: string | null;
  /** False only when the provider says the e-mail is not verified (then it links nothing). */
  readonly emailVerified: boolean;
  /** An e-mail-like login name (Entra ID's preferred_username), used only to name a new account. */
  readonly username: string | null;
  readonly name: string | null;
  readonly groups: readonly string[];
}

/** How an identity is stored on its account: issuer and subject together (subjects are per issuer). */
export function oidcSubjectOf(identity: Pick<OidcIdentity, 'issuer' | 'subject'>): string {
  return `${identity.issuer}|${identity.subject}`;
}

/** The roles the groups grant (SPEC §5: roles combine). */
export function rolesFromGroups(roleGroups: OidcConfig['roleGroups'], groups: readonly string[]): Role[] {
  return ROLES.filter((r) => roleGroups[r].some((g) => groups.includes(g)));
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

function entry(
  account: Pick<StoredAccount, 'partnerId' | 'email'>,
  action: string,
  outcome: string,
  details: Record<string, unknown>,
): AuditEntry {
  return {
    partnerId: account.partnerId,
    actor: account.email,
    action,
    outcome,
    details: { method: 'oidc', ...details },
  };
}

export async function accountForOidcIdentity(
  accounts: AccountStore,
  identity: OidcIdentity,
  options: { readonly partnerId: string; readonly roleGroups: OidcConfig['roleGroups'] },
): Promise<StoredAccount> {
  const subject = oidcSubjectOf(identity);
  const roles = rolesFromGroups(options.roleGroups, identity.groups);
  const email = identity.email?.trim().toLowerCase() ?? null;

  let account = await accounts.accountByOidcSubject(subject);
  if (account === null && email !== null && identity.emailVerified) {
    const byEmail = await accounts.accountByEmail(email);
    if (byEmail !== null && byEmail.partnerId === options.partnerId) {
      if (byEmail.oidcSubject !== null && byEmail.oidcSubject !== subject) {
        await accounts.audit(
          entry(byEmail, 'auth.sign_in', 'failed', { reason: 'linked to another identity' }),
        );
        throw new AppError(
          'auth.forbidden',
          `the staff account ${byEmail.email} is linked to another sign-in identity; a user management admin can tell which`,
        );
      }
      account = byEmail;
    } else if (byEmail !== null) {
      throw new AppError(
        'auth.forbidden',
        `the e-mail ${email} belongs to a staff account of another partner on this server, not to the partner this sign-in provider serves`,
      );
    }
  }

  if (roles.length === 0) {
    if (account !== null) {
      await accounts.audit(entry(account, 'auth.sign_in', 'failed', { reason: 'in no mapped group' }));
    }
    throw new AppError(
      'auth.forbidden',
      `you signed in, but your account is in none of the groups that grant a role here (${ROLES.map((r) => ROLE_NAMES[r]).join(', ')}): ask your administrator to add you to one`,
    );
  }

  if (account === null) {
    const name =
      email ??
      (identity.username !== null && EMAIL.test(identity.username) ? identity.username.toLowerCase() : null);
    if (name === null) {
      throw new AppError(
        'auth.forbidden',
        'the sign-in provider sent no e-mail address for this person: configure it to send the email claim',
      );
    }
    if ((await accounts.accountByEmail(name)) !== null) {
      throw new AppError(
        'auth.forbidden',
        `a staff account with the e-mail ${name} exists, but the sign-in provider does not vouch for this person's e-mail (not verified), so it is not linked: a user management admin can check the account`,
      );
    }
    const created = await accounts.createAccount(
      { partnerId: options.partnerId, email: name, displayName: identity.name, roles, scope: null },
      entry({ partnerId: options.partnerId, email: name }, 'account.create', 'ok', {
        email: name,
        roles,
        groups: identity.groups,
      }),
    );
    return accounts.updateAccount(
      created.partnerId,
      created.accountId,
      { oidcSubject: subject },
      entry(created, 'account.oidc_link', 'ok', { email: created.email, issuer: identity.issuer }),
    );
  }

  if (account.disabled) {
    await accounts.audit(entry(account, 'auth.sign_in', 'failed', { reason: 'disabled' }));
    throw new AppError(
      'auth.forbidden',
      `the staff account ${account.email} is disabled: a user management admin can enable it`,
    );
  }
  const linking = account.oidcSubject !== subject;
  const rolesChanged = roles.join() !== account.roles.join();
  if (!linking && !rolesChanged) return account;
  const changes: Record<string, unknown> = { email: account.email };
  if (linking) changes.linked = identity.issuer;
  if (rolesChanged) Object.assign(changes, { rolesBefore: account.roles, roles, groups: identity.groups });
  // Roles follow the groups without ending other sessions: a session's rights are read from the
  // account at every request, so they change with it.
  return accounts.updateAccount(
    account.partnerId,
    account.accountId,
    { ...(linking ? { oidcSubject: subject } : {}), ...(rolesChanged ? { roles } : {}) },
    entry(account, rolesChanged ? 'account.roles_from_groups' : 'account.oidc_link', 'ok', changes),
  );
}
