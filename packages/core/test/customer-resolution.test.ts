/**
 * Which customer a name means: the pure resolver (table-driven), new customer ids, and the import
 * of Microsoft exports through it on real DuckDB (--customer by id, domain, users' sign-in domain
 * or name; --create-customer; ambiguous and unknown names refused with nothing stored).
 */
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type CustomerCandidate,
  expectCustomer,
  looksLikeDomain,
  newCustomerId,
  resolveCustomer,
} from '../src/customers/resolve-customer';
import { AppError, type ErrorHint } from '../src/errors';
import { dumpAll, TEST_PARTNER, type TempStore, tempStore } from '../src/testing';
import type { ImportProgress } from '../src/use-cases/import-files';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const REPORT = fixture('graph/active-users-2026-03-31.csv'); // users @contoso.com
const SKUS = fixture('graph/subscribed-skus.json');

const cand = (customerId: string, name: string, domain: string | null, userDomains: string[] = []) =>
  ({ customerId, name, domain, userDomains }) satisfies CustomerCandidate;

const CUSTOMERS = [
  cand('c1', 'Contoso', 'contoso.com', ['contoso.com', 'contoso.onmicrosoft.com']),
  cand('c2', 'Twin Co', null, ['twin.example']),
  cand('c3', 'TWIN CO', null, ['twin.example']),
  cand('c4', 'Fabrikam', 'fabrikam.com', ['shared.example']),
  cand('c5', 'Northwind', null, ['shared.example']),
  cand('Northwind', 'Northwind Traders (id looks like a name)', null),
  cand('3f2b8a9e-1c2d-4e5f-8a7b-6c5d4e3f2a1b', 'Tailspin', null),
];

describe('resolveCustomer', () => {
  it.each([
    ['c1', 'found', 'id', ['c1']],
    ['3f2b8a9e-1c2d-4e5f-8a7b-6c5d4e3f2a1b', 'found', 'id', ['3f2b8a9e-1c2d-4e5f-8a7b-6c5d4e3f2a1b']],
    [' c4 ', 'found', 'id', ['c4']],
    ['CONTOSO.COM', 'found', 'domain', ['c1']],
    ['contoso.onmicrosoft.com', 'found', 'domain', ['c1']], // a users' sign-in domain
    ['fabrikam.com', 'found', 'domain', ['c4']],
    ['  contoso ', 'found', 'name', ['c1']],
    ['tailspin', 'found', 'name', ['3f2b8a9e-1c2d-4e5f-8a7b-6c5d4e3f2a1b']],
    ['Northwind', 'found', 'id', ['Northwind']], // an exact id before a name
    ['northwind', 'found', 'name', ['c5']],
    ['twin co', 'ambiguous', 'name', ['c2', 'c3']],
    ['twin.example', 'ambiguous', 'domain', ['c2', 'c3']],
    ['shared.example', 'ambiguous', 'domain', ['c4', 'c5']], // one's own domain, the other's users
  ] as const)('%j → %s by %s %j', (query, kind, by, ids) => {
    const r = resolveCustomer(CUSTOMERS, query);
    expect(r.kind).toBe(kind);
    if (r.kind === 'found') expect([r.by, r.customer.customerId]).toEqual([by, ids[0]]);
    if (r.kind === 'ambiguous') expect([r.by, r.candidates.map((c) => c.customerId)]).toEqual([by, ids]);
  });

  it.each([
    ['contosso', ['c1']], // one edit away
    ['fabrikam.co', ['c4']], // part of a domain
    ['TWIN', ['c2', 'c3']], // part of names
    ['nobody at all', []],
    ['', []],
  ] as const)('%j is unknown, near %j', (query, near) => {
    const r = resolveCustomer(CUSTOMERS, query);
    expect(r.kind).toBe('unknown');
    if (r.kind === 'unknown') expect(r.near.map((c) => c.customerId)).toEqual(near);
  });

  it('explains ambiguous and unknown names with ids and the fix', () => {
    const error = (query: string, hint?: ErrorHint) => {
      try {
        expectCustomer(CUSTOMERS, query, hint);
      } catch (e) {
        if (e instanceof AppError) return e;
      }
      throw new Error('expected an AppError');
    };
    const ambiguous = error('twin co');
    expect(ambiguous.code).toBe('usage.invalid_argument');
    expect(ambiguous.message).toBe(
      '"twin co" is the name of 2 customers: Twin Co (id c2, twin.example); TWIN CO (id c3, twin.example). Name the one you mean by its id',
    );
    expect(error('shared.example').message).toContain('the domain "shared.example" belongs to 2 customers');
    const unknown = error('contosso', { kind: 'create_customer', name: 'contosso' });
    expect(unknown.code).toBe('not_found');
    expect(unknown.message).toBe(
      'no customer with the id, domain or name "contosso". Did you mean Contoso (id c1, contoso.com)?',
    );
    expect(unknown.hint).toEqual({ kind: 'create_customer', name: 'contosso' });
    expect(error('twin co').hint).toBeUndefined();
    expect(() => expectCustomer([], 'x')).toThrow(
      'no customer with the id, domain or name "x" (no customers are stored yet).',
    );
  });
});

describe('newCustomerId', () => {
  it.each([
    ['Contoso Ltd', 'contoso-ltd'],
    ['  Łódź Sp. z o.o. ', 'lodz-sp-z-o-o'],
    ['Müller & Söhne GmbH', 'muller-sohne-gmbh'],
    ['株式会社', 'customer'],
    ['contoso.com', 'contoso-com'],
    ['x'.repeat(80), 'x'.repeat(64)],
  ])('%j → %j', (name, id) => {
    expect(newCustomerId(name, new Set())).toBe(id);
  });

  it('takes the next free number when the id is taken', () => {
    expect(newCustomerId('Contoso', new Set(['contoso', 'contoso-2']))).toBe('contoso-3');
  });

  it.each([
    ['contoso.com', true],
    ['Contoso.CO.UK', true],
    ['Contoso Ltd', false],
    ['contoso', false],
    ['a@contoso.com', false],
  ])('%j looks like a domain: %s', (name, yes) => {
    expect(looksLikeDomain(name)).toBe(yes);
  });
});

describe('--customer and --create-customer on import', () => {
  let t: TempStore;
  beforeEach(async () => {
    t = await tempStore();
  });
  afterEach(async () => {
    await t.close();
  });

  const seed = async (customers: string, users = 'customer_id,user_id,upn\n') => {
    const r = await t.import([
      t.files.file('seed/customers.csv', `customer_id,name,domain\n${customers}`),
      t.files.file('seed/users.csv', users),
    ]);
    expect(r.outcome).toBe('committed');
  };
  const rejected = async (req: Parameters<TempStore['import']>[1], paths = [REPORT]) => {
    const before = await dumpAll(t.store);
    const phases: ImportProgress['phase'][] = [];
    const error = await t.import(paths, { ...req, onProgress: (p) => phases.push(p.phase) }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(await dumpAll(t.store)).toEqual(before); // nothing stored, no customer created
    return { error: error instanceof AppError ? error : null, phases };
  };

  it('finds the customer by its domain (bug: --customer contoso.com created a customer "contoso.com")', async () => {
    await seed('t-1,Contoso Ltd,Contoso.com\n');
    const r = await t.import([REPORT], { customer: 'contoso.com' });
    expect(r.outcome).toBe('committed');
    expect(r.files[0]?.warnings.map((w) => w.code)).not.toContain('ingest.customer_created');
    const d = await dumpAll(t.store);
    expect(d.customers?.map((c) => c.customer_id)).toEqual(['t-1']);
    expect(new Set(d.users?.map((u) => u.customer_id))).toEqual(new Set(['t-1']));
  });

  it("finds the customer by its users' sign-in domain, and by name in any letter case", async () => {
    await seed('t-1,Contoso Ltd,\nt-2,Fabrikam,\n', 'customer_id,user_id,upn\nt-1,u1,Ann@CONTOSO.com\n');
    expect((await t.import([REPORT], { customer: 'contoso.com' })).outcome).toBe('committed');
    expect((await t.import([SKUS], { customer: 'FABRIKAM' })).outcome).toBe('committed');
    const d = await dumpAll(t.store);
    expect(d.customers?.map((c) => c.customer_id)).toEqual(['t-1', 't-2']);
    expect(new Set(d.users?.map((u) => u.customer_id))).toEqual(new Set(['t-1']));
    expect(new Set(d.subscriptions?.map((s) => s.customer_id))).toEqual(new Set(['t-2']));
  });

  it('refuses a name two customers share, listing both ids (bug: --customer "TWIN CO" created a third)', async () => {
    await seed('t-1,Twin Co,\nt-2,Twin Co,\n');
    const { error, phases } = await rejected({ customer: 'TWIN CO' });
    expect(error?.code).toBe('usage.invalid_argument');
    expect(error?.message).toBe(
      '"TWIN CO" is the name of 2 customers: Twin Co (id t-1); Twin Co (id t-2). Name the one you mean by its id',
    );
    expect(phases).toEqual([]); // refused before any file was read
  });

  it('refuses a domain two customers share', async () => {
    await seed(
      't-1,Contoso,contoso.com\nt-2,Contoso Sub,\n',
      'customer_id,user_id,upn\nt-2,u1,x@contoso.com\n',
    );
    const { error } = await rejected({ customer: 'contoso.com' });
    expect(error?.message).toMatch(/^the domain "contoso.com" belongs to 2 customers: .*id t-1.*id t-2/);
  });

  it('refuses an unknown customer with near matches and how to create one; creates nothing', async () => {
    await seed('t-1,Contoso Ltd,contoso.com\n');
    const { error } = await rejected({ customer: 'Contosso Ltd' });
    expect(error?.code).toBe('not_found');
    expect(error?.message).toBe(
      'no customer with the id, domain or name "Contosso Ltd". Did you mean Contoso Ltd (id t-1, contoso.com)?',
    );
    // How to create it names no option here: the CLI words it as --create-customer "Contosso Ltd".
    expect(error?.hint).toEqual({ kind: 'create_customer', name: 'Contosso Ltd' });
    const domain = await rejected({ customer: 'fabrikam.com' });
    expect(domain.error?.hint).toEqual({ kind: 'create_customer', name: null }); // a domain is no name
  });

  it('resolves against customers imported by the same import', async () => {
    const customers = t.files.file('customers.csv', 'customer_id,name\nt-9,Contoso\n');
    const r = await t.import([REPORT, customers], { customer: 'Contoso' });
    expect(r.outcome).toBe('committed');
    expect((await dumpAll(t.store)).customers?.map((c) => c.customer_id)).toEqual(['t-9']);
  });

  it('creates a customer only when asked, with an id from its name, and says which', async () => {
    await seed('contoso,Contoso Holdings,\n');
    const r = await t.import([REPORT, SKUS], { createCustomer: ' Contoso ' });
    expect(r.outcome).toBe('committed');
    // Created once, reported once (by the first file that needed it).
    expect(r.files.flatMap((f) => f.warnings.filter((w) => w.code === 'ingest.customer_created'))).toEqual([
      expect.objectContaining({
        message:
          'customer "Contoso" created with the id "contoso-2"; name it by that id or its name from now on',
      }),
    ]);
    const d = await dumpAll(t.store);
    expect(d.customers?.map((c) => [c.customer_id, c.name])).toEqual([
      ['contoso', 'Contoso Holdings'],
      ['contoso-2', 'Contoso'],
    ]);
    expect(new Set(d.subscriptions?.map((s) => s.customer_id))).toEqual(new Set(['contoso-2']));
    // Now it is known: by id, name and its users' sign-in domain ("contoso" is the other's id).
    for (const customer of ['contoso-2', 'CONTOSO', 'contoso.com']) {
      expect((await t.import([REPORT], { customer })).outcome).not.toBe('rejected');
      const after = await dumpAll(t.store);
      expect(after.customers).toEqual(d.customers);
      expect(new Set(after.users?.map((u) => u.customer_id))).toEqual(new Set(['contoso-2']));
    }
  });

  it('refuses to create a customer that exists (by id, domain or name)', async () => {
    await seed('t-1,Contoso Ltd,contoso.com\n');
    for (const name of ['t-1', 'CONTOSO.COM', 'contoso ltd']) {
      const { error } = await rejected({ createCustomer: name });
      expect(error?.message).toContain('exists already: Contoso Ltd (id t-1, contoso.com) (same ');
      expect(error?.hint).toEqual({ kind: 'use_customer', customerId: 't-1' });
    }
  });

  it('stores a domain-like name as the new customer domain too', async () => {
    await t.import([SKUS], { createCustomer: 'Fabrikam.com' });
    expect((await dumpAll(t.store)).customers).toEqual([
      expect.objectContaining({ customer_id: 'fabrikam-com', name: 'Fabrikam.com', domain: 'fabrikam.com' }),
    ]);
  });

  it("looks up the users' sign-in domain typed; concealed names (hashes) have none", async () => {
    await t.import([fixture('graph/active-users-concealed.csv')], { createCustomer: 'Hidden' });
    await t.import([REPORT], { createCustomer: 'Contoso' });
    expect(await t.store.customerCandidates(TEST_PARTNER, 'CONTOSO.com')).toEqual([
      { customerId: 'contoso', name: 'Contoso', domain: null, userDomains: ['contoso.com'] },
      { customerId: 'hidden', name: 'Hidden', domain: null, userDomains: [] },
    ]);
    expect((await t.store.customerCandidates(TEST_PARTNER, null)).map((c) => c.userDomains)).toEqual([
      [],
      [],
    ]);
  });

  it('refuses --customer with --create-customer, and either for files that carry their customer', async () => {
    await seed('t-1,Contoso,\n');
    const both = await rejected({ customer: 't-1', createCustomer: 'New' });
    expect(both.error?.message).toContain('name one of them');
    const canonical = t.files.file('more/customers.csv', 'customer_id,name\nt-2,Other\n');
    const pointless = await rejected({ customer: 't-1' }, [canonical]);
    expect(pointless.error?.message).toContain('none of these files is one');
    expect(pointless.error?.hint).toEqual({ kind: 'omit_customer', field: 'customer' });
    const empty = await rejected({ createCustomer: '  ' });
    expect(empty.error?.message).toContain('a new customer needs a name of 1 to 1000 characters');
  });
});
