/**
 * Canonical import on real DuckDB: validation messages with file:line:column, all-or-nothing,
 * partial mode with a rejects file, idempotence, snapshot merges and unknown SKUs.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dumpAll, type TempStore, tempStore } from '../src/testing';

const E3 = '6fd2c87f-b296-42f0-b197-1e91e994b900';

const CUSTOMERS =
  'customer_id,name,domain,country,segment,groups\nc1,Contoso,contoso.com,PL,SMB,west;priority\nc2,"Fabrikam, Inc.",,DE,,\n';
const USERS =
  'customer_id,user_id,upn,display_name,deleted_on\nc1,u1,u1@contoso.com,Ann,\nc1,u2,u2@contoso.com,Bob,2026-03-10\nc2,u1,,,\n';

let t: TempStore;
beforeEach(async () => {
  t = await tempStore();
});
afterEach(async () => {
  await t.close();
});

function base() {
  return [t.files.file('ds/customers.csv', CUSTOMERS), t.files.file('ds/users.csv', USERS)];
}

describe('canonical import', () => {
  it('stores a valid dataset and reports per-file counts', async () => {
    base();
    t.files.file(
      'ds/license_assignments.csv',
      `customer_id,user_id,product_id,assigned_on,unassigned_on\nc1,u1,ENTERPRISEPACK,2026-01-01,\nc1,u2,${E3},2026-01-01,2026-03-10\n`,
    );
    t.files.file(
      'ds/activity.csv',
      'customer_id,user_id,workload,date\nc1,u1,EXO,2026-03-05\nc1,u1,EXO,2026-03-05\nc1,u1,spo,2026-03-31\n',
    );
    const r = await t.import([`${t.files.dir}/ds`]);
    expect(r.outcome).toBe('committed');
    expect(r.errorCount).toBe(0);
    const dump = await dumpAll(t.store);
    expect(dump.customers).toEqual([
      {
        customer_id: 'c1',
        name: 'Contoso',
        domain: 'contoso.com',
        country: 'PL',
        segment: 'SMB',
        groups: 'west;priority',
      },
      { customer_id: 'c2', name: 'Fabrikam, Inc.', domain: '', country: 'DE', segment: '', groups: '' },
    ]);
    // Part numbers resolve to the skuId; workload codes are case-insensitive; duplicate facts merge.
    expect(dump.license_assignments?.map((a) => a.product_id)).toEqual([E3, E3]);
    expect(dump.activity).toEqual([
      { customer_id: 'c1', user_id: 'u1', workload: 'EXO', date: '2026-03-05' },
      { customer_id: 'c1', user_id: 'u1', workload: 'SPO', date: '2026-03-31' },
    ]);
    const activity = r.files.find((f) => f.entity === 'activity');
    expect(activity).toMatchObject({ rows: 3, inserted: 2, unchanged: 0 });
    // Date coverage comes from the day masks: first and last active day.
    const status = await t.store.status('p-test');
    expect(status.partners[0]?.coverage.find((c) => c.entity === 'activity')).toMatchObject({
      source: 'canonical',
      customers: 1,
      firstDate: '2026-03-05',
      lastDate: '2026-03-31',
    });
  });

  it('is idempotent: the same files again change nothing', async () => {
    base();
    t.files.file('ds/activity.csv', 'customer_id,user_id,workload,date\nc1,u1,EXO,2026-03-05\n');
    await t.import([`${t.files.dir}/ds`]);
    const before = await dumpAll(t.store);
    const again = await t.import([`${t.files.dir}/ds`]);
    expect(again.outcome).toBe('unchanged');
    expect(again.files.every((f) => f.inserted === 0 && f.updated === 0)).toBe(true);
    expect(await dumpAll(t.store)).toEqual(before);
  });

  it('lists every problem of a file as file:line:column with value and expectation, and stores nothing', async () => {
    base();
    const subs = t.files.file(
      'ds/subscriptions.csv',
      [
        'as_of,subscription_id,customer_id,product_id,quantity,status,is_trial,channel',
        `2026-02-30,s1,c1,${E3},10,active,false,own`,
        `2026-01-01,s2,c1,${E3},-5,active,false,own`,
        `2026-01-01,s3,c1,${E3},5,activ,maybe,reseller`,
        `2026-01-01,s4,c9,${E3},5,active,false,own`,
        `2026-01-01,s2,c1,${E3},5,active,false,own`,
      ].join('\n'),
    );
    const r = await t.import([`${t.files.dir}/ds`]);
    expect(r.outcome).toBe('rejected');
    const f = r.files.find((x) => x.file === subs);
    expect(f?.errors.map((p) => [p.line, p.column, p.field, p.value, p.code])).toEqual([
      [2, 1, 'as_of', '2026-02-30', 'ingest.invalid_value'],
      [3, 5, 'quantity', '-5', 'ingest.invalid_value'],
      [4, 6, 'status', 'activ', 'ingest.invalid_value'],
      [4, 7, 'is_trial', 'maybe', 'ingest.invalid_value'],
      [4, 8, 'channel', 'reseller', 'ingest.invalid_value'],
      [5, 3, 'customer_id', 'c9', 'ingest.unknown_reference'],
      [6, 1, 'as_of', 'c1 / s2 / 2026-01-01', 'ingest.duplicate_key'],
    ]);
    expect(f?.errors[1]?.expected).toBe('a whole number from 0 to 10000000, digits only');
    expect(f?.errors[2]?.expected).toBe('one of active, pending, suspended, expired, disabled, deleted');
    expect(f?.errors[6]?.expected).toContain('first at line 3');
    // All or nothing: even the valid customers and users files were not stored.
    expect(await dumpAll(t.store)).toMatchObject({ customers: [], users: [], subscriptions: [] });
  });

  it('finds the line of a record after quoted newlines', async () => {
    base();
    t.files.file(
      'ds/activity.csv',
      'customer_id,user_id,workload,date\nc1,u1,"EX\nO",2026-03-01\n"c1",u1,EXO,2026-13-01\n',
    );
    const r = await t.import([`${t.files.dir}/ds`]);
    const f = r.files.find((x) => x.entity === 'activity');
    expect(f?.errors.map((p) => [p.line, p.column, p.value])).toEqual([
      [2, 3, 'EX\nO'],
      [4, 4, '2026-13-01'],
    ]);
  });

  it('accepts a leap day and refuses 29 February in other years', async () => {
    base();
    t.files.file(
      'ds/activity.csv',
      'customer_id,user_id,workload,date\nc1,u1,EXO,2024-02-29\nc1,u1,EXO,2026-02-29\n',
    );
    const r = await t.import([`${t.files.dir}/ds`]);
    const f = r.files.find((x) => x.entity === 'activity');
    expect(f?.errors.map((p) => [p.line, p.value])).toEqual([[3, '2026-02-29']]);
  });

  it('reports unknown, duplicated and missing header columns at line 1', async () => {
    base();
    t.files.file('ds/users-2.csv', 'customer_id,user_id,custmer_id,user_id\nc1,u9,x,y\n');
    t.files.file('ds/support_requests.csv', 'customer_id,request_id,category\nc1,r1,how_to\n');
    const r = await t.import([`${t.files.dir}/ds`]);
    const users2 = r.files.find((x) => x.file.endsWith('users-2.csv'));
    expect(users2?.errors.map((p) => [p.code, p.line, p.column, p.value])).toEqual([
      ['ingest.unknown_column', 1, 3, 'custmer_id'],
      ['ingest.duplicate_column', 1, 4, 'user_id'],
    ]);
    expect(users2?.errors[0]?.message).toContain('did you mean customer_id?');
    const support = r.files.find((x) => x.file.endsWith('support_requests.csv'));
    expect(support?.errors.map((p) => [p.code, p.field])).toEqual([['ingest.missing_column', 'opened_on']]);
  });

  it('refuses an empty file and accepts a header-only file', async () => {
    const empty = t.files.file('ds/customers.csv', '');
    t.files.file('ds/users.csv', 'customer_id,user_id\n');
    const r = await t.import([`${t.files.dir}/ds`]);
    expect(r.files.find((x) => x.file === empty)?.errors[0]).toMatchObject({ code: 'ingest.empty_file' });
    expect(r.files.find((x) => x.entity === 'users')).toMatchObject({ rows: 0, errorCount: 0 });
  });

  it('reports a file in a legacy encoding with its line', async () => {
    t.files.file(
      'ds/customers.csv',
      Buffer.concat([
        Buffer.from('customer_id,name\nc1,Contoso\nc2,'),
        Buffer.from([0xa3, 0xf3, 0x64, 0xbc]),
        Buffer.from(' Sp. z o.o.\n'),
      ]),
    );
    const r = await t.import([`${t.files.dir}/ds`]);
    expect(r.outcome).toBe('rejected');
    expect(r.files[0]?.errors[0]).toMatchObject({ code: 'ingest.encoding', line: 3, column: 2 });
  });

  it('in partial mode stores the valid rows and writes each rejected one with its reasons', async () => {
    base();
    t.files.file(
      'ds/activity.csv',
      'customer_id,user_id,workload,date\nc1,u1,EXO,2026-03-05\nc1,u1,EXOO,2026-03-06\nc1,u7,EXO,2026-03-07\nc1,u2,TEAMS,2026-03-08,x\n',
    );
    const r = await t.import([`${t.files.dir}/ds`], { partial: true });
    expect(r.outcome).toBe('partial');
    expect(r.rejectsFile).not.toBeNull();
    const dump = await dumpAll(t.store);
    expect(dump.activity).toEqual([
      { customer_id: 'c1', user_id: 'u1', workload: 'EXO', date: '2026-03-05' },
    ]);
    expect(dump.customers).toHaveLength(2);
    const rejects = readFileSync(r.rejectsFile ?? '', 'utf8')
      .trim()
      .split('\r\n');
    expect(rejects[0]).toBe('file,line,column,field,value,code,message,expected,record');
    expect(rejects.slice(1).map((l) => l.split(',').slice(1, 4).join(','))).toEqual([
      '3,3,workload',
      '4,2,user_id',
      '5,,',
    ]);
    expect(rejects[1]).toContain('EXOO');
  });

  it('merges overlapping subscription snapshots by natural key: a later import replaces the same as_of', async () => {
    base();
    const header = 'as_of,subscription_id,customer_id,product_id,quantity,status,is_trial,channel';
    t.files.file(
      'a/subscriptions.csv',
      `${header}\n2026-01-01,s1,c1,${E3},10,active,false,own\n2026-02-01,s1,c1,${E3},12,active,false,own\n`,
    );
    t.files.file(
      'b/subscriptions.csv',
      `${header}\n2026-02-01,s1,c1,${E3},15,active,false,own\n2026-03-01,s1,c1,${E3},15,expired,false,own\n`,
    );
    await t.import([`${t.files.dir}/ds`]);
    await t.import([`${t.files.dir}/a`]);
    const r = await t.import([`${t.files.dir}/b`]);
    expect(r.files[0]).toMatchObject({ inserted: 1, updated: 1, unchanged: 0 });
    const dump = await dumpAll(t.store);
    expect(dump.subscriptions?.map((s) => [s.as_of, s.quantity, s.status])).toEqual([
      ['2026-01-01', '10', 'active'],
      ['2026-02-01', '15', 'active'],
      ['2026-03-01', '15', 'expired'],
    ]);
  });

  it('keeps unknown SKUs by id and flags them, never dropping the row', async () => {
    base();
    t.files.file(
      'ds/license_assignments.csv',
      'customer_id,user_id,product_id,assigned_on\nc1,u1,MYSTERY_SKU,2026-01-01\n',
    );
    const r = await t.import([`${t.files.dir}/ds`]);
    expect(r.outcome).toBe('committed');
    const f = r.files.find((x) => x.entity === 'license_assignments');
    expect(f?.warnings[0]).toMatchObject({ code: 'ingest.unknown_product', line: 2, value: 'MYSTERY_SKU' });
    const status = await t.store.status('p-test');
    expect(status.partners[0]?.products.unknown).toBe(1);
    expect(
      status.partners[0]?.warnings.some(
        (w) => w.code === 'unknown_product' && w.message.includes('MYSTERY_SKU'),
      ),
    ).toBe(true);
    expect((await dumpAll(t.store)).license_assignments?.[0]?.product_id).toBe('MYSTERY_SKU');
  });

  it('lets a products file extend and override the catalog', async () => {
    base();
    t.files.file(
      'ds/products.csv',
      `product_id,name,service,workloads,part_number,open_workloads,list_price,currency\n${E3},Office 365 E3 (our price),O365,EXO;SPO;TEAMS;YAM;SFB;OFFICE,ENTERPRISEPACK,YAM,21.50,EUR\nmsp-backup,Managed backup,OTHER,,MSP-BACKUP,,3,EUR\n`,
    );
    t.files.file(
      'ds/license_assignments.csv',
      'customer_id,user_id,product_id,assigned_on\nc1,u1,msp-backup,2026-01-01\nc1,u2,MSP-BACKUP,2026-01-01\n',
    );
    const r = await t.import([`${t.files.dir}/ds`]);
    expect(r.errorCount).toBe(0);
    expect(r.warningCount).toBe(0);
    const dump = await dumpAll(t.store);
    expect(dump.products?.map((p) => [p.product_id, p.name, p.list_price])).toEqual([
      [E3, 'Office 365 E3 (our price)', '21.5000'],
      ['msp-backup', 'Managed backup', '3.0000'],
    ]);
    expect(dump.license_assignments?.map((a) => a.product_id)).toEqual(['msp-backup', 'msp-backup']);
  });

  it('refuses open workloads a product does not include', async () => {
    t.files.file('ds/products.csv', 'product_id,name,service,workloads,open_workloads\nx1,X,O365,EXO,YAM\n');
    const r = await t.import([`${t.files.dir}/ds`]);
    expect(r.files[0]?.errors[0]).toMatchObject({
      line: 2,
      field: 'open_workloads',
      expected: 'a subset of workloads',
    });
  });

  it('refuses an assignment that ends before it starts', async () => {
    base();
    t.files.file(
      'ds/license_assignments.csv',
      `customer_id,user_id,product_id,assigned_on,unassigned_on\nc1,u1,${E3},2026-03-01,2026-03-01\n`,
    );
    const r = await t.import([`${t.files.dir}/ds`]);
    expect(r.files.find((f) => f.entity === 'license_assignments')?.errors[0]).toMatchObject({
      line: 2,
      column: 5,
      field: 'unassigned_on',
    });
  });

  it('imports NDJSON with the same keys, reporting bad lines by number', async () => {
    base();
    t.files.file(
      'ds/subscriptions.ndjson',
      [
        JSON.stringify({
          as_of: '2026-01-01',
          subscription_id: 's1',
          customer_id: 'c1',
          product_id: E3,
          quantity: 10,
          status: 'active',
          is_trial: false,
          channel: 'own',
        }),
        '',
        '{"as_of": "2026-01-01", "subscription_id": "s2",',
        JSON.stringify({
          as_of: '2026-01-01',
          subscription_id: 's3',
          customer_id: 'c1',
          product_id: E3,
          quantity: -1,
          status: 'active',
          is_trial: false,
          channel: 'own',
          colour: 'red',
        }),
        JSON.stringify({
          as_of: '2026-01-01',
          subscription_id: 's4',
          customer_id: 'c1',
          product_id: E3,
          quantity: 3,
          status: 'active',
          is_trial: 'no',
          channel: 'own',
        }),
      ].join('\n'),
    );
    const r = await t.import([`${t.files.dir}/ds`]);
    const f = r.files.find((x) => x.kind === 'canonical-ndjson');
    expect(f?.errors.map((p) => [p.line, p.code, p.field ?? null])).toEqual([
      [3, 'ingest.invalid_json', null],
      [4, 'ingest.unknown_column', 'colour'],
      [5, 'ingest.invalid_value', 'is_trial'],
    ]);
    const ok = await t.import([`${t.files.dir}/ds/customers.csv`, `${t.files.dir}/ds/users.csv`]);
    expect(ok.outcome).toBe('committed');
  });

  it("replaces all of a partner's data on --replace, atomically", async () => {
    base();
    await t.import([`${t.files.dir}/ds`]);
    t.files.file('other/customers.csv', 'customer_id,name\nc7,Northwind\n');
    const r = await t.import([`${t.files.dir}/other`], { replace: true });
    expect(r.outcome).toBe('committed');
    const dump = await dumpAll(t.store);
    expect(dump.customers?.map((c) => c.customer_id)).toEqual(['c7']);
    expect(dump.users).toEqual([]);
  });

  it('keeps partners apart: the same ids under another partner are another customer', async () => {
    base();
    await t.import([`${t.files.dir}/ds`]);
    await t.import([`${t.files.dir}/ds/customers.csv`], { partnerId: 'p-other' });
    expect(await t.store.dumpCanonical('p-other', 'users')).toEqual([]);
    expect(await t.store.dumpCanonical('p-other', 'customers')).toHaveLength(2);
    expect((await t.store.dumpCanonical('p-test', 'users')).length).toBe(3);
  });

  it('keeps one activity row per (user, workload, month) across overlapping imports, fast and precise paths', async () => {
    base();
    await t.import([`${t.files.dir}/ds`]);
    // Fast path (valid file), then precise path (the second file has a bad row, imported with --partial).
    t.files.file(
      'a1/activity.csv',
      'customer_id,user_id,workload,date\nc1,u1,EXO,2026-03-05\nc1,u1,exo,2026-03-06\nc1,u2,TEAMS,2026-03-01\n',
    );
    t.files.file(
      'a2/activity.csv',
      'customer_id,user_id,workload,date\nc1,u1,EXO,2026-03-05\nc1,u1,Exo,2026-03-20\nc1,u1,EXO,2026-13-01\nc2,u1,SPO,2026-02-28\n',
    );
    t.files.file(
      'a3/activity.ndjson',
      '{"customer_id":"c1","user_id":"u1","workload":"EXO","date":"2026-03-31"}\n',
    );
    const r1 = await t.import([`${t.files.dir}/a1`]);
    expect(r1.files[0]).toMatchObject({ rows: 3, inserted: 3 });
    const r2 = await t.import([`${t.files.dir}/a2`], { partial: true });
    expect(r2.files[0]).toMatchObject({ rows: 4, rejected: 1, inserted: 2, unchanged: 1 });
    await t.import([`${t.files.dir}/a3`]);
    await t.import([`${t.files.dir}/a1`, `${t.files.dir}/a3`]);
    expect(await t.store.verifyIntegrity()).toEqual([]);
    const exo = (await dumpAll(t.store)).activity
      ?.filter((a) => a.user_id === 'u1' && a.customer_id === 'c1')
      .map((a) => a.date);
    expect(exo).toEqual(['2026-03-05', '2026-03-06', '2026-03-20', '2026-03-31']);
  });
});
