/**
 * The authenticator checks a credential once while a check is under way: a busy client's
 * connections whose remembered check expired together used to read the account store each (the
 * API benchmark's answers stalled for a second or more every few seconds under load). Real account
 * store (DuckDB), its reads counted; a change to accounts while a check runs is not remembered.
 */
import {
  type AccountStore,
  addStaffAccount,
  createApiTokenFor,
  openAccountStore,
} from '@license-insights/core';
import { tempDir } from '@license-insights/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Authenticator } from '../src/auth/authenticate';

let dir: ReturnType<typeof tempDir>;
let accounts: AccountStore;
let reads: number;

beforeEach(async () => {
  dir = tempDir();
  accounts = await openAccountStore({ dataDir: dir.dir });
  reads = 0;
});
afterEach(async () => {
  await accounts.close();
  dir.cleanup();
});

/** The real account store, its token reads counted. */
function counting(store: AccountStore): AccountStore {
  return new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (key === 'tokenByHash' && typeof value === 'function') {
        return (...args: unknown[]) => {
          reads++;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

async function token(): Promise<string> {
  const actor = { partnerId: 'p1', email: 'test', via: 'local' as const };
  await addStaffAccount(accounts, actor, { email: 'a@example.com', roles: ['admin_agent'] });
  return (await createApiTokenFor(accounts, actor, 'a@example.com', { name: 't', expiresInDays: 1 })).secret;
}

describe('authenticator: one check of a credential at a time', () => {
  it('32 requests with the same token at once read the account store once, and all are let in', async () => {
    const secret = await token();
    const auth = new Authenticator(counting(accounts), null, () => new Date());
    const principals = await Promise.all(
      Array.from({ length: 32 }, () => auth.authenticate({ authorization: `Bearer ${secret}` })),
    );
    expect(reads).toBe(1);
    expect(principals.every((p) => p?.partnerId === 'p1' && p.roles.includes('admin_agent'))).toBe(true);
    // Remembered afterwards: no further read.
    await auth.authenticate({ authorization: `Bearer ${secret}` });
    expect(reads).toBe(1);
  });

  it('a check under way when accounts change is not remembered: the next request checks again', async () => {
    const secret = await token();
    const auth = new Authenticator(counting(accounts), null, () => new Date());
    const first = auth.authenticate({ authorization: `Bearer ${secret}` });
    auth.invalidate();
    expect(await first).not.toBeNull();
    await auth.authenticate({ authorization: `Bearer ${secret}` });
    expect(reads).toBe(2);
  });
});
