/**
 * The account of an OpenID Connect identity, on a real account store: roles from the groups
 * (refused without any), the linked account first, then the partner's account with the verified
 * e-mail, else a new one; disabled accounts, another identity's account and another partner's
 * e-mail refused; nothing written when nothing changed. The end-to-end flow against a provider is
 * apps/api/test/auth-oidc.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountStore } from '../src/accounts/account-store';
import { openAccountStore } from '../src/store/open-store';
import { tempDir } from '../src/testing';
import { accountForOidcIdentity, type OidcIdentity, rolesFromGroups } from '../src/use-cases/oidc-accounts';

const tmp = tempDir('li-oidc-accounts-');
let accounts: AccountStore;
const roleGroups = { admin_agent: ['g-admin'], sales_agent: ['g-sales'], user_admin: ['g-users', 'g-admin'] };
const options = { partnerId: 'p1', roleGroups };

function identity(subject: string, over: Partial<OidcIdentity> = {}): OidcIdentity {
  return {
    issuer: 'https://login.example/tenant/v2.0',
    subject,
    email: `${subject}@p1.example`,
    emailVerified: true,
    username: null,
    name: null,
    groups: ['g-sales'],
    ...over,
  };
}

beforeAll(async () => {
  accounts = await openAccountStore({ dataDir: tmp.dir });
});
afterAll(async () => {
  await accounts.close();
  tmp.cleanup();
});

describe('roles from groups', () => {
  it.each([
    [['g-sales'], ['sales_agent']],
    [['g-admin'], ['admin_agent', 'user_admin']],
    [
      ['g-users', 'g-sales', 'other'],
      ['sales_agent', 'user_admin'],
    ],
    [['other'], []],
    [[], []],
  ])('%j → %j', (groups, roles) => {
    expect(rolesFromGroups(roleGroups, groups)).toEqual(roles);
  });
});

describe('the account of an identity', () => {
  it('refuses a person in no mapped group, and makes no account', async () => {
    await expect(
      accountForOidcIdentity(accounts, identity('nogroup', { groups: ['x'] }), options),
    ).rejects.toMatchObject({
      code: 'auth.forbidden',
    });
    expect(await accounts.accountByEmail('nogroup@p1.example')).toBeNull();
  });

  it('makes a new account (named by the login name when no e-mail came), then finds it by its identity', async () => {
    const first = await accountForOidcIdentity(
      accounts,
      identity('u1', { email: null, username: 'U1@P1.example', name: 'U One' }),
      options,
    );
    expect(first).toMatchObject({
      email: 'u1@p1.example',
      displayName: 'U One',
      roles: ['sales_agent'],
      partnerId: 'p1',
    });
    expect(first.oidcSubject).toBe('https://login.example/tenant/v2.0|u1');
    const audits = (await accounts.auditLog('p1', null, 10)).length;
    const again = await accountForOidcIdentity(
      accounts,
      identity('u1', { email: 'changed@p1.example' }),
      options,
    );
    expect(again.accountId).toBe(first.accountId);
    // Nothing changed: nothing written.
    expect((await accounts.auditLog('p1', null, 10)).length).toBe(audits);
  });

  it('refuses an identity without any e-mail-like name', async () => {
    await expect(
      accountForOidcIdentity(accounts, identity('u2', { email: null, username: 'not-an-email' }), options),
    ).rejects.toThrow('email claim');
  });

  it('refuses a disabled account, an account linked to another identity, another partner’s e-mail', async () => {
    const disabled = await accounts.createAccount(
      { partnerId: 'p1', email: 'off@p1.example', displayName: null, roles: ['sales_agent'], scope: null },
      null,
    );
    await accounts.updateAccount('p1', disabled.accountId, { disabled: true }, null);
    await expect(accountForOidcIdentity(accounts, identity('off'), options)).rejects.toThrow('disabled');
    const failed = await accounts.auditLog('p1', ['auth.sign_in'], 5);
    expect(failed[0]).toMatchObject({
      actor: 'off@p1.example',
      outcome: 'failed',
      details: { reason: 'disabled' },
    });

    const linked = await accounts.createAccount(
      { partnerId: 'p1', email: 'linked@p1.example', displayName: null, roles: ['sales_agent'], scope: null },
      null,
    );
    await accounts.updateAccount('p1', linked.accountId, { oidcSubject: 'https://other/|x' }, null);
    await expect(accountForOidcIdentity(accounts, identity('linked'), options)).rejects.toThrow(
      'linked to another sign-in identity',
    );

    await accounts.createAccount(
      {
        partnerId: 'p2',
        email: 'elsewhere@p1.example',
        displayName: null,
        roles: ['sales_agent'],
        scope: null,
      },
      null,
    );
    await expect(accountForOidcIdentity(accounts, identity('elsewhere'), options)).rejects.toThrow(
      'another partner',
    );
  });

  it('keeps the account’s customer scope while its roles follow the groups', async () => {
    const scoped = await accounts.createAccount(
      {
        partnerId: 'p1',
        email: 'scoped@p1.example',
        displayName: null,
        roles: ['sales_agent'],
        scope: { customers: ['C1'], groups: [] },
      },
      null,
    );
    const after = await accountForOidcIdentity(
      accounts,
      identity('scoped', { groups: ['g-admin'] }),
      options,
    );
    expect(after).toMatchObject({
      accountId: scoped.accountId,
      roles: ['admin_agent', 'user_admin'],
      scope: { customers: ['C1'], groups: [] },
    });
  });
});
