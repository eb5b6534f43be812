/**
 * Microsoft formats on real DuckDB: the Graph "Office 365 active user detail" report (history by
 * repeated imports, assignment intervals, concealed names), Graph subscribedSkus and Partner
 * Center subscriptions JSON.
 */
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dumpAll, type TempStore, tempStore } from '../src/testing';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const E3 = '6fd2c87f-b296-42f0-b197-1e91e994b900';
const POWER_BI_PRO = 'f8a1db68-be16-40ed-86d5-cb42ce701560';
const BUSINESS_PREMIUM = 'cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46';
const M365_E5 = '06ebc4ee-1bb5-47dd-8120-11324bc54e06';

let t: TempStore;
beforeEach(async () => {
  t = await tempStore();
});
afterEach(async () => {
  await t.close();
});

describe('Graph Office 365 active user detail report', () => {
  it('needs the customer named on import', async () => {
    const r = await t.import([fixture('graph/active-users-2026-03-30.csv')]);
    expect(r.outcome).toBe('rejected');
    // How to name it is the adapter's to word (the CLI: --customer or --create-customer).
    expect(r.files[0]?.errors[0]).toMatchObject({
      code: 'ingest.customer_required',
      hint: { kind: 'name_customer' },
    });
    expect(r.files[0]?.errors[0]?.expected).not.toMatch(/insights|--/);
  });

  it('creates the customer asked for, users, one activity fact per date (OneDrive as SPO) and seeded assignments', async () => {
    const r = await t.import([fixture('graph/active-users-2026-03-30.csv')], { createCustomer: 'Contoso' });
    expect(r.outcome).toBe('committed');
    expect(r.files[0]?.kind).toBe('graph-active-users');
    expect(r.files[0]?.warnings.map((w) => w.code)).toEqual([
      'ingest.customer_created',
      // The file name does not name the report's period: taken as D30, and said so.
      'ingest.report_period_assumed',
      'ingest.unknown_product',
    ]);
    expect(r.files[0]?.warnings[0]?.message).toContain('created with the id "contoso"');
    expect(r.files[0]?.warnings[1]?.hint).toEqual({ kind: 'name_report_period' });
    const d = await dumpAll(t.store);
    expect(d.customers).toEqual([
      { customer_id: 'contoso', name: 'Contoso', domain: '', country: '', segment: '', groups: '' },
    ]);
    expect(d.users?.map((u) => [u.user_id, u.upn, u.display_name, u.deleted_on])).toEqual([
      ['adelev@contoso.com', 'AdeleV@contoso.com', 'Adele Vance', ''],
      ['alexw@contoso.com', 'AlexW@contoso.com', 'Wilber, Alex', ''],
      ['isaiahl@contoso.com', 'IsaiahL@contoso.com', 'Isaiah Langer', ''],
      ['leaver@contoso.com', 'leaver@contoso.com', 'Former Employee', '2026-03-15'],
      ['meganb@contoso.com', 'MeganB@contoso.com', 'Megan Bowen', ''],
    ]);
    expect(d.activity?.map((a) => `${a.user_id} ${a.workload} ${a.date}`)).toEqual([
      'adelev@contoso.com EXO 2026-03-29',
      'adelev@contoso.com SPO 2026-03-20',
      'adelev@contoso.com SPO 2026-03-28',
      'adelev@contoso.com TEAMS 2026-03-29',
      'alexw@contoso.com EXO 2026-03-30',
      'alexw@contoso.com YAM 2026-03-02',
      'isaiahl@contoso.com EXO 2026-03-27',
      'leaver@contoso.com EXO 2026-03-13',
      'meganb@contoso.com YAM 2026-03-25',
    ]);
    // E3 seeded with the earliest assign date of its workloads; Power BI (no report workload) and
    // the unknown product with the report date.
    expect(
      d.license_assignments?.map((a) => `${a.user_id} ${a.product_id} ${a.assigned_on} ${a.unassigned_on}`),
    ).toEqual([
      `adelev@contoso.com ${E3} 2025-06-01 `,
      `alexw@contoso.com ${E3} 2025-01-15 `,
      `alexw@contoso.com ${POWER_BI_PRO} 2026-03-30 `,
      'isaiahl@contoso.com CONTOSO SPECIAL PLAN 2026-03-30 ',
    ]);
  });

  it('builds history from repeated daily reports and closes the interval of a product no longer listed', async () => {
    await t.import([fixture('graph/active-users-2026-03-30.csv')], { createCustomer: 'Contoso' });
    const r = await t.import([fixture('graph/active-users-2026-03-31.csv')], { customer: 'CONTOSO' });
    expect(r.outcome).toBe('committed');
    const d = await dumpAll(t.store);
    expect(d.customers).toHaveLength(1);
    expect(
      d.license_assignments?.map((a) => `${a.user_id} ${a.product_id} ${a.assigned_on} ${a.unassigned_on}`),
    ).toEqual([
      `adelev@contoso.com ${E3} 2025-06-01 `,
      `alexw@contoso.com ${E3} 2025-01-15 `,
      `alexw@contoso.com ${POWER_BI_PRO} 2026-03-30 2026-03-31`,
      'isaiahl@contoso.com CONTOSO SPECIAL PLAN 2026-03-30 ',
      `nestorw@contoso.com ${E3} 2026-03-31 `,
    ]);
    expect(await t.store.verifyIntegrity()).toEqual([]);
    const adele = d.activity
      ?.filter((a) => a.user_id === 'adelev@contoso.com')
      .map((a) => `${a.workload} ${a.date}`);
    expect(adele).toEqual([
      'EXO 2026-03-29',
      'EXO 2026-03-31',
      'SPO 2026-03-20',
      'SPO 2026-03-28',
      'SPO 2026-03-31',
      'TEAMS 2026-03-29',
      'TEAMS 2026-03-30',
    ]);
    const status = await t.store.status('p-test');
    expect(
      status.partners[0]?.coverage.find((c) => c.source === 'graph_active_users' && c.entity === 'activity'),
    ).toMatchObject({
      firstDate: '2026-03-02',
      lastDate: '2026-03-31',
    });
  });

  it('imports the same report twice without change, and an older report without moving assignments', async () => {
    await t.import([fixture('graph/active-users-2026-03-30.csv')], { createCustomer: 'Contoso' });
    await t.import([fixture('graph/active-users-2026-03-31.csv')], { customer: 'Contoso' });
    const before = await dumpAll(t.store);
    const same = await t.import([fixture('graph/active-users-2026-03-31.csv')], { customer: 'Contoso' });
    expect(same.outcome).toBe('unchanged');
    const older = await t.import([fixture('graph/active-users-2026-03-30.csv')], { customer: 'Contoso' });
    expect(older.files[0]?.warnings.map((w) => w.code)).toContain('ingest.stale_report');
    expect(await dumpAll(t.store)).toEqual(before);
  });

  it('an older report adds the users it names first, with their names, and moves no license', async () => {
    await t.import([fixture('graph/active-users-2026-03-31.csv')], { createCustomer: 'Contoso' });
    const newer = await dumpAll(t.store);
    const older = await t.import([fixture('graph/active-users-2026-03-30.csv')], { customer: 'Contoso' });
    expect(older.files[0]?.warnings.map((w) => w.code)).toContain('ingest.stale_report');
    const after = await dumpAll(t.store);
    const known = new Set(newer.users?.map((u) => u.user_id));
    const added = after.users?.filter((u) => !known.has(u.user_id)) ?? [];
    expect(added.length).toBeGreaterThan(0);
    // What the older report knows of a user no newer report names: the UPN and the display name.
    for (const u of added) {
      expect(u.upn?.toLowerCase()).toBe(u.user_id);
      expect(u.display_name).not.toBe('');
    }
    expect(after.users?.filter((u) => known.has(u.user_id))).toEqual(newer.users);
    expect(after.license_assignments).toEqual(newer.license_assignments);
  });

  it('detects concealed user names: imports with a warning and flags the customer until a clear report', async () => {
    const r = await t.import([fixture('graph/active-users-concealed.csv')], { createCustomer: 'Contoso' });
    expect(r.outcome).toBe('committed');
    const warning = r.files[0]?.warnings.find((w) => w.code === 'ingest.concealed_names');
    expect(warning?.message).toMatch(/^3 of 3 user names are concealed/);
    let status = await t.store.status('p-test');
    expect(
      status.partners[0]?.warnings.filter((w) => w.code === 'concealed_names').map((w) => w.customerId),
    ).toEqual(['contoso']);
    expect((await dumpAll(t.store)).users).toHaveLength(3);
    // A later report (made after the tenant turned concealment off) clears the flag.
    const clear = t.files.file(
      'clear.csv',
      (await import('node:fs'))
        .readFileSync(fixture('graph/active-users-2026-03-31.csv'), 'utf8')
        .replace(/2026-03-31,/g, '2026-04-01,'),
    );
    await t.import([clear], { customer: 'Contoso', format: 'graph-active-users' });
    status = await t.store.status('p-test');
    expect(status.partners[0]?.warnings.filter((w) => w.code === 'concealed_names')).toEqual([]);
  });

  it('reports bad values with line and column, and missing report columns', async () => {
    const header =
      (await import('node:fs'))
        .readFileSync(fixture('graph/active-users-2026-03-31.csv'), 'utf8')
        .split('\r\n')[0] ?? '';
    const bad = t.files.file(
      'bad-report.csv',
      `${header}\r\n2026-03-31,a@x.com,A,Maybe,,True,True,True,True,True,True,2026-03-32,,,,,,,,,,,,OFFICE 365 E3\r\n`,
    );
    const r = await t.import([bad], { createCustomer: 'Contoso' });
    expect(r.files[0]?.errors.map((p) => [p.line, p.column, p.field, p.value])).toEqual([
      [2, 4, 'is_deleted', 'Maybe'],
      [2, 12, 'last_exo', '2026-03-32'],
    ]);
    const missing = t.files.file(
      'short-report.csv',
      'Report Refresh Date,User Principal Name,Display Name\n2026-03-31,a@x.com,A\n',
    );
    const r2 = await t.import([missing], { createCustomer: 'Contoso' });
    expect(r2.files[0]?.errors.length).toBe(21);
    expect(r2.files[0]?.errors[0]).toMatchObject({ code: 'ingest.missing_column', field: 'Is Deleted' });
  });
});

describe('Graph report keys without indexes (kept unique by the import)', () => {
  it('one user per UPN in any letter case, one open interval per user and product across two names', async () => {
    const header =
      (await import('node:fs'))
        .readFileSync(fixture('graph/active-users-2026-03-31.csv'), 'utf8')
        .split('\r\n')[0] ?? '';
    const row = (upn: string, exo: string, products: string, assign = '2025-02-01') =>
      `2026-03-31,${upn},N,False,,True,True,True,True,True,True,${exo},,,,,,${assign},${assign},${assign},${assign},${assign},${assign},${products}`;
    // Two names of one catalog product (the current and the former one), and a UPN twice.
    const report = t.files.file(
      'two-names.csv',
      `${header}\r\n${[
        row('Ann@x.com', '2026-03-30', 'MICROSOFT 365 BUSINESS PREMIUM+MICROSOFT 365 BUSINESS'),
        row('bob@x.com', '2026-03-29', 'MICROSOFT 365 BUSINESS', '2025-01-10'),
        row('BOB@x.com', '2026-03-28', 'MICROSOFT 365 BUSINESS', '2025-01-10'),
      ].join('\r\n')}\r\n`,
    );
    const r = await t.import([report], { createCustomer: 'Contoso' });
    expect(r.outcome).toBe('committed');
    const d = await dumpAll(t.store);
    expect(d.users?.map((u) => [u.user_id, u.upn])).toEqual([
      ['ann@x.com', 'Ann@x.com'],
      ['bob@x.com', 'BOB@x.com'], // the last row wins
    ]);
    expect(d.license_assignments?.map((a) => `${a.user_id} ${a.product_id} ${a.assigned_on}`)).toEqual([
      `ann@x.com ${BUSINESS_PREMIUM} 2025-02-01`,
      `bob@x.com ${BUSINESS_PREMIUM} 2025-01-10`,
    ]);
    expect(d.activity?.map((a) => `${a.user_id} ${a.workload} ${a.date}`)).toEqual([
      'ann@x.com EXO 2026-03-30',
      'bob@x.com EXO 2026-03-28',
    ]);
    // The same report again, and the users and intervals through a canonical file: still one each.
    expect((await t.import([report], { customer: 'Contoso' })).outcome).toBe('unchanged');
    const users = t.files.file(
      'users.csv',
      'customer_id,user_id,upn,display_name\ncontoso,ann@x.com,ann@x.com,Ann\n',
    );
    expect((await t.import([users])).outcome).toBe('committed');
    expect((await dumpAll(t.store)).users?.map((u) => [u.user_id, u.display_name])).toEqual([
      ['ann@x.com', 'Ann'],
      ['bob@x.com', 'N'],
    ]);
    expect(await t.store.verifyIntegrity()).toEqual([]);
  });
});

describe('Graph reports in one import', () => {
  it('two daily reports in one import give the store of two imports (the second merges with the first)', async () => {
    const files = [
      fixture('graph/active-users-2026-03-30.csv'),
      fixture('graph/active-users-2026-03-31.csv'),
    ];
    const r = await t.import(files, { createCustomer: 'Contoso' });
    expect(r.outcome).toBe('committed');
    const together = await dumpAll(t.store);
    const other = await tempStore();
    try {
      for (const [i, f] of files.entries())
        await other.import([f], i === 0 ? { createCustomer: 'Contoso' } : { customer: 'Contoso' });
      expect(together).toEqual(await dumpAll(other.store));
      expect(together.license_assignments?.some((a) => a.unassigned_on === '2026-03-31')).toBe(true);
    } finally {
      await other.close();
    }
    expect(await t.store.verifyIntegrity()).toEqual([]);
  });

  it('a report with a header only creates the customer asked for and stores no users', async () => {
    const header =
      (await import('node:fs'))
        .readFileSync(fixture('graph/active-users-2026-03-31.csv'), 'utf8')
        .split('\r\n')[0] ?? '';
    const r = await t.import([t.files.file('empty.csv', `${header}\r\n`)], { createCustomer: 'Fabrikam' });
    expect(r.files[0]).toMatchObject({ rows: 0, errorCount: 0, inserted: 0 });
    const d = await dumpAll(t.store);
    expect(d.customers?.map((c) => c.customer_id)).toEqual(['fabrikam']);
    expect(d.users).toEqual([]);
  });
});

describe('Graph subscribedSkus JSON', () => {
  it('turns prepaid units into snapshots by state, keeps unknown SKUs by id', async () => {
    const r = await t.import([fixture('graph/subscribed-skus.json')], {
      createCustomer: 'Contoso',
      asOf: '2026-03-31',
    });
    expect(r.outcome).toBe('committed');
    expect(r.files[0]?.kind).toBe('graph-subscribed-skus');
    expect(r.files[0]?.warnings.map((w) => [w.code, w.value, w.line])).toEqual([
      ['ingest.customer_created', undefined, undefined],
      ['ingest.unknown_product', '0f3b8a9e-1c2d-4e5f-8a7b-6c5d4e3f2a1b', 27],
    ]);
    const subs = (await dumpAll(t.store)).subscriptions ?? [];
    const nonZero = subs
      .filter((s) => s.quantity !== '0')
      .map((s) => [s.subscription_id, s.product_id, s.quantity, s.status, s.channel]);
    expect(nonZero).toEqual([
      [
        `sku:0f3b8a9e-1c2d-4e5f-8a7b-6c5d4e3f2a1b:enabled`,
        '0f3b8a9e-1c2d-4e5f-8a7b-6c5d4e3f2a1b',
        '3',
        'active',
        'direct',
      ],
      [
        `sku:0f3b8a9e-1c2d-4e5f-8a7b-6c5d4e3f2a1b:lockedout`,
        '0f3b8a9e-1c2d-4e5f-8a7b-6c5d4e3f2a1b',
        '1',
        'disabled',
        'direct',
      ],
      [`sku:${E3}:enabled`, E3, '25', 'active', 'direct'],
      [`sku:${E3}:warning`, E3, '2', 'expired', 'direct'],
      [
        'sku:f245ecc8-75af-4f8e-b61f-27d8114de5f3:suspended',
        'f245ecc8-75af-4f8e-b61f-27d8114de5f3',
        '10',
        'suspended',
        'direct',
      ],
    ]);
    expect(subs).toHaveLength(12);
    const products = await t.store.partnerProducts('p-test');
    expect(products.map((p) => [p.productId, p.name, p.origin])).toEqual([
      ['0f3b8a9e-1c2d-4e5f-8a7b-6c5d4e3f2a1b', 'CONTOSO_CUSTOM_SKU', 'discovered'],
    ]);
  });

  it('records the channel named on import', async () => {
    await t.import([fixture('graph/subscribed-skus.json')], {
      createCustomer: 'Contoso',
      asOf: '2026-03-31',
      channel: 'own',
    });
    const subs = (await dumpAll(t.store)).subscriptions ?? [];
    expect(new Set(subs.map((s) => s.channel))).toEqual(new Set(['own']));
  });
});

describe('Partner Center subscriptions JSON', () => {
  it('maps offers to catalog products, statuses, trials, suspension reasons and channels', async () => {
    const r = await t.import([fixture('partner-center/subscriptions.json')], {
      createCustomer: 'Contoso',
      asOf: '2026-03-31',
      partnerId: '4848484',
    });
    expect(r.outcome).toBe('committed');
    expect(r.files[0]?.warnings.map((w) => [w.code, w.line])).toEqual([
      ['ingest.customer_created', undefined],
      ['ingest.status_none', 67],
      ['ingest.unknown_product', 53],
    ]);
    const subs = (await t.store.dumpCanonical('4848484', 'subscriptions')).map((s) => [
      s.subscription_id?.slice(-2),
      s.product_id,
      s.quantity,
      s.status,
      s.is_trial,
      s.channel,
      s.suspension_reason,
      s.billing_cycle,
      s.term_end,
      s.auto_renew,
    ]);
    expect(subs).toEqual([
      ['01', E3, '10', 'active', 'false', 'own', '', 'annual', '2027-01-31', 'true'],
      [
        '02',
        BUSINESS_PREMIUM,
        '8',
        'suspended',
        'false',
        'own',
        'upgraded',
        'monthly',
        '2026-06-30',
        'false',
      ],
      ['03', M365_E5, '25', 'active', 'true', 'own', '', 'none', '2026-04-30', 'false'],
      [
        '04',
        'DZH318Z0BXWC:0001:DZH318Z0BXWC',
        '5',
        'active',
        'false',
        'other_partner',
        '',
        'annual',
        '2026-12-31',
        'true',
      ],
      ['05', '3b555118-da6a-4418-894f-7df1e2096870', '3', 'pending', 'false', 'own', '', 'monthly', '', ''],
    ]);
    const products = await t.store.partnerProducts('4848484');
    expect(products.map((p) => [p.productId, p.name, p.origin])).toEqual([
      ['DZH318Z0BXWC:0001:DZH318Z0BXWC', 'Contoso Cloud Backup', 'discovered'],
    ]);
  });

  it('reports JSON syntax errors with line and column', async () => {
    const f = t.files.file('pc.json', '{\n  "items": [\n    {"id": "x", "offerId": "a",}\n  ]\n}\n');
    const r = await t.import([f], { createCustomer: 'Contoso' });
    expect(r.outcome).toBe('rejected');
    expect(r.files[0]?.errors[0]).toMatchObject({ code: 'ingest.invalid_json', line: 3 });
  });
});
