/**
 * The whole SKU catalog in imports, on real DuckDB (issue 10): Graph reports and subscribedSkus of
 * real tenants name free, add-on, education, government and Dynamics SKUs, and every one is known;
 * a name or part number several SKUs share resolves per customer (the product its subscriptions
 * hold, else the documented default); partner products still win; unknown SKUs are still kept.
 */
import { GRAPH_ACTIVE_USER_COLUMNS } from '@license-insights/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { shippedCatalog } from '../src/catalog/catalog';
import { dumpAll, TEST_PARTNER, type TempStore, tempStore } from '../src/testing';

let t: TempStore;
beforeEach(async () => {
  t = await tempStore();
});
afterEach(async () => {
  await t.close();
});

const REFRESH = '2026-03-31';

/** A Graph "Office 365 active user detail" report: each user active in Exchange on the refresh date. */
function report(users: readonly { upn: string; products: readonly string[]; assigned?: string }[]): string {
  const header = GRAPH_ACTIVE_USER_COLUMNS.map((c) => c.header).join(',');
  const rows = users.map((u) =>
    [
      REFRESH,
      u.upn,
      u.upn.split('@')[0],
      'False',
      '',
      ...Array(6).fill('True'),
      REFRESH,
      ...Array(5).fill(''),
      ...Array(6).fill(u.assigned ?? ''),
      u.products.join('+'),
    ].join(','),
  );
  return `\uFEFF${header}\r\n${rows.join('\r\n')}\r\n`;
}

function subscribedSkus(skus: readonly (readonly [string, string])[]): string {
  return JSON.stringify({
    value: skus.map(([skuId, skuPartNumber]) => ({
      skuId,
      skuPartNumber,
      capabilityStatus: 'Enabled',
      consumedUnits: 1,
      prepaidUnits: { enabled: 5, suspended: 0, warning: 0, lockedOut: 0 },
    })),
  });
}

const catalogIds = new Set(shippedCatalog().products.map((p) => p.productId));
const idOf = (part: string) =>
  shippedCatalog().products.find((p) => p.partNumber === part)?.productId ?? part;

describe('a Graph report naming products across the catalog', () => {
  it('imports with no unknown product, free, add-on, education, government and Dynamics SKUs alike', async () => {
    const names = [
      // free
      'MICROSOFT POWER AUTOMATE FREE',
      'MICROSOFT FABRIC (FREE)',
      'MICROSOFT TEAMS (FREE)',
      'MICROSOFT TEAMS EXPLORATORY',
      // add-ons
      'MICROSOFT TEAMS PREMIUM INTRODUCTORY PRICING',
      'MICROSOFT 365 AUDIO CONFERENCING',
      'EXCHANGE ONLINE ARCHIVING FOR EXCHANGE ONLINE',
      'MICROSOFT 365 E5 SECURITY',
      'MICROSOFT COPILOT FOR MICROSOFT 365',
      'POWER BI PREMIUM PER USER ADD-ON',
      'PLANNER PLAN 1',
      // education and government
      'OFFICE 365 A1 FOR STUDENTS',
      'MICROSOFT 365 A3 FOR FACULTY',
      'MICROSOFT 365 APPS FOR STUDENTS',
      'MINECRAFT EDUCATION STUDENT',
      'OFFICE 365 G3 GCC',
      // Dynamics 365
      'DYNAMICS 365 TEAM MEMBERS',
      'DYNAMICS 365 CUSTOMER VOICE',
      'DYNAMICS 365 BUSINESS CENTRAL PREMIUM',
      'DYNAMICS 365 FOR MARKETING USL',
      // devices, Windows, Teams telephony
      'MICROSOFT TEAMS ROOMS PRO',
      'WINDOWS 365 BUSINESS 2 VCPU 4 GB 128 GB',
      'MICROSOFT TEAMS PHONE STANDARD',
    ];
    const users = names.map((n, i) => ({ upn: `u${i}@fabrikam.com`, products: [n], assigned: '2025-09-01' }));
    users.push({
      upn: 'both@fabrikam.com',
      products: ['MICROSOFT 365 A3 FOR FACULTY', 'VISIO PLAN 2'],
      assigned: '2025-09-01',
    });
    const file = t.files.file('Office365ActiveUserDetail_D30.csv', report(users));
    const r = await t.import([file], { createCustomer: 'Fabrikam' });
    expect(r.outcome).toBe('committed');
    expect(r.files[0]?.warnings.map((w) => w.code)).toEqual(['ingest.customer_created']);
    const d = await dumpAll(t.store);
    expect(d.products).toEqual([]);
    const assigned = new Map(
      (d.license_assignments ?? []).map((a) => [`${a.user_id} ${a.product_id}`, a.assigned_on]),
    );
    expect(assigned.size).toBe(names.length + 2);
    for (const a of d.license_assignments ?? [])
      expect(catalogIds.has(a.product_id ?? ''), a.product_id).toBe(true);
    // A product with workloads Graph reports is seeded with their assign date; Visio (no
    // workloads: usage not measured) with the report date.
    expect(assigned.get(`both@fabrikam.com ${idOf('M365EDU_A3_FACULTY')}`)).toBe('2025-09-01');
    expect(assigned.get(`both@fabrikam.com ${idOf('VISIOCLIENT')}`)).toBe(REFRESH);
    expect(assigned.get(`u0@fabrikam.com ${idOf('FLOW_FREE')}`)).toBe(REFRESH);
    const status = await t.store.status(TEST_PARTNER);
    expect(status.partners[0]?.products.unknown).toBe(0);
  });
});

/** 46 SKUs of one tenant, as Microsoft's table gives them (skuId, part number). */
const TENANT_SKUS: readonly (readonly [string, string])[] = [
  ['05e9a617-0261-4cee-bb44-138d3ef5d965', 'SPE_E3'],
  ['06ebc4ee-1bb5-47dd-8120-11324bc54e06', 'SPE_E5'],
  ['6fd2c87f-b296-42f0-b197-1e91e994b900', 'ENTERPRISEPACK'],
  ['3b555118-da6a-4418-894f-7df1e2096870', 'O365_BUSINESS_ESSENTIALS'],
  ['f245ecc8-75af-4f8e-b61f-27d8114de5f3', 'O365_BUSINESS_PREMIUM'],
  ['cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46', 'SPB'],
  ['f30db892-07e9-47e9-837c-80727f46fd3d', 'FLOW_FREE'],
  ['a403ebcc-fae0-4ca2-8c8c-7a907fd6c235', 'POWER_BI_STANDARD'],
  ['f8a1db68-be16-40ed-86d5-cb42ce701560', 'POWER_BI_PRO'],
  ['710779e8-3d4a-4c88-adb9-386c958d1fdf', 'TEAMS_EXPLORATORY'],
  ['4cde982a-ede4-4409-9ae6-b003453c8ea6', 'Microsoft_Teams_Rooms_Pro'],
  ['e43b5b99-8dfb-405f-9987-dc307f34bcbd', 'MCOEV'],
  ['0c266dff-15dd-4b49-8397-2bb16070ed52', 'MCOMEETADV'],
  ['639dec6b-bb19-468b-871c-c5c441c4b0cb', 'Microsoft_365_Copilot'],
  ['53818b1b-4a27-454b-8896-0dba576410e6', 'PROJECTPROFESSIONAL'],
  ['c5928f49-12ba-48f7-ada3-0d743a3601d5', 'VISIOCLIENT'],
  ['5b631642-bd26-49fe-bd20-1daaa972ef80', 'POWERAPPS_DEV'],
  ['1f2f344a-700d-42c9-9427-5cea1d5d7ba6', 'STREAM'],
  ['135bee78-485b-4181-ad6e-40286e311850', 'CPC_B_2C_4RAM_128GB'],
  ['061f9ace-7d42-4136-88ac-31dc755f143f', 'INTUNE_A'],
  ['078d2b04-f1bd-4111-bbd4-b4b1b354cef4', 'AAD_PREMIUM'],
  ['84a661c4-e949-4bd2-a560-ed7766fcaf2b', 'AAD_PREMIUM_P2'],
  ['5e1e7702-a2b7-4360-8d07-2f515792896f', 'MDE_SMB'],
  ['efccb6f7-5641-4e0e-bd10-b4976e1bf68e', 'EMS'],
  ['1e1a282c-9c54-43a2-9310-98ef728faace', 'DYN365_ENTERPRISE_SALES'],
  ['7ac9fe77-66b7-4e5e-9e46-10eed1cff547', 'DYN365_TEAM_MEMBERS'],
  ['f991cecc-3f91-4cd0-a9a8-bf1c8167e029', 'DYN365_BUSCENTRAL_PREMIUM'],
  ['314c4481-f395-4525-be8b-2ec4bb1e9d91', 'STANDARDWOFFPACK_STUDENT'],
  ['4b590615-0888-425a-a965-b3bf7789848d', 'M365EDU_A3_FACULTY'],
  ['c32f9321-a627-406d-a114-1f9c81aaafac', 'OFFICESUBSCRIPTION_STUDENT'],
  ['535a3a29-c5f0-42fe-8215-d3b9e1f38c4a', 'ENTERPRISEPACK_GOV'],
  ['4b9405b0-7788-4568-add1-99614e613b69', 'EXCHANGESTANDARD'],
  ['ee02fd1b-340e-4a4b-b355-4a514e4c8943', 'EXCHANGEARCHIVE_ADDON'],
  ['e6778190-713e-4e4f-9119-8b8238de25df', 'WACONEDRIVESTANDARD'],
  ['36a0f3b3-adb5-49ea-bf66-762134cf063a', 'Microsoft_Teams_Premium'],
  ['440eaaa8-b3e0-484b-a8be-62870b9ba70a', 'PHONESYSTEM_VIRTUALUSER'],
  ['0dab259f-bf13-4952-b7f8-7db8f131b28d', 'MCOPSTN1'],
  ['c52ea49f-fe5d-4e95-93ba-1de91d380f89', 'RIGHTSMANAGEMENT'],
  ['6a0f6da5-0b87-4190-a6ae-9bb5a2b9546a', 'WIN10_VDA_E3'],
  ['3dd6cf57-d688-4eed-ba52-9e40b5468c3e', 'THREAT_INTELLIGENCE'],
  ['66b55226-6b4f-492c-910c-a3b7a3c9d993', 'SPE_F1'],
  ['fde42873-30b6-436b-b361-21af5a6b84ae', 'Teams_Ess'],
  ['359ea3e6-8130-4a57-9f8f-ad897a0342f1', 'DYN365_CUSTOMER_VOICE_BASE'],
  ['606b54a9-78d8-4298-ad8b-df6ef4481c80', 'CCIBOTS_PRIVPREV_VIRAL'],
  ['4b74a65c-8b4a-4fc8-9f6b-5177ed11ddfa', 'VIRTUAL_AGENT_USL'],
  ['bc946dac-7877-4271-b2f7-99d2db13cd2c', 'FORMS_PRO'],
];

describe('subscribedSkus of a tenant with 40+ SKUs', () => {
  it('maps every skuId to its catalog product', async () => {
    const file = t.files.file('subscribedSkus.json', subscribedSkus(TENANT_SKUS));
    const r = await t.import([file], { createCustomer: 'Fabrikam' });
    expect(r.outcome).toBe('committed');
    expect(r.files[0]?.warnings.map((w) => w.code)).toEqual(['ingest.customer_created']);
    const d = await dumpAll(t.store);
    expect(d.products).toEqual([]);
    const products = new Set((d.subscriptions ?? []).map((s) => s.product_id));
    expect([...products].sort()).toEqual(TENANT_SKUS.map(([id]) => id).sort());
    for (const [id, part] of TENANT_SKUS) {
      expect(shippedCatalog().products.find((p) => p.productId === id)?.partNumber, id).toBe(part);
    }
  });
});

describe('a name or part number of several SKUs', () => {
  const VISIOCLIENT = 'c5928f49-12ba-48f7-ada3-0d743a3601d5'; // Visio Plan 2, hand-verified: the default
  const VISIO_PLAN2_DEPT = '38b434d2-a15e-4cde-9a98-e737c75623e1'; // Visio Plan 2 (for departments)

  it("takes the Visio Plan 2 the customer's subscribedSkus hold, in the same import or before; else the default", async () => {
    const visioReport = (domain: string) =>
      report([{ upn: `ann@${domain}`, products: ['VISIO PLAN 2', 'OFFICE 365 E3'], assigned: '2025-01-10' }]);
    // The report comes first on the command line: the subscriptions are read before it anyway.
    const fab = await t.import(
      [
        t.files.file('fab/report_D30.csv', visioReport('fabrikam.com')),
        t.files.file('fab/skus.json', subscribedSkus([[VISIO_PLAN2_DEPT, 'VISIO_PLAN2_DEPT']])),
      ],
      { createCustomer: 'Fabrikam' },
    );
    expect(fab.outcome).toBe('committed');
    await t.import([t.files.file('con/report_D30.csv', visioReport('contoso.com'))], {
      createCustomer: 'Contoso',
    });
    const d = await dumpAll(t.store);
    const visio = (d.license_assignments ?? [])
      .filter((a) => a.product_id !== idOf('ENTERPRISEPACK'))
      .map((a) => `${a.customer_id} ${a.product_id}`);
    expect(visio.sort()).toEqual([`contoso ${VISIOCLIENT}`, `fabrikam ${VISIO_PLAN2_DEPT}`]);
  });

  it('resolves part number MCOPSTN5 (two skuIds) by the skuId the customer subscribes, else the lowest', async () => {
    const SMALL = 'd43177b5-475b-4880-92d4-d54c27b5efbd';
    const MIN_120 = '54a152dc-90de-4996-93d2-bc47e670fc06';
    const subs = (rows: string[]) =>
      `as_of,subscription_id,customer_id,product_id,quantity,status,is_trial,channel\n${rows.join('\n')}\n`;
    await t.import([
      t.files.file('customers.csv', 'customer_id,name\nc1,One\nc2,Two\n'),
      t.files.file('users.csv', 'customer_id,user_id\nc1,u1\nc2,u2\n'),
      t.files.file('a/subscriptions.csv', subs([`2026-03-01,s0,c1,${SMALL},5,active,false,own`])),
    ]);
    const r = await t.import([
      t.files.file(
        'b/subscriptions.csv',
        subs([
          '2026-03-01,s1,c1,MCOPSTN5,5,active,false,own',
          '2026-03-01,s2,c2,mcopstn5,5,active,false,own',
        ]),
      ),
      t.files.file(
        'b/license_assignments.csv',
        'customer_id,user_id,product_id,assigned_on\nc1,u1,MCOPSTN5,2026-03-02\nc2,u2,MCOPSTN5,2026-03-02\n',
      ),
    ]);
    expect(r.outcome).toBe('committed');
    const d = await dumpAll(t.store);
    expect((d.subscriptions ?? []).map((s) => `${s.subscription_id} ${s.product_id}`)).toEqual([
      `s0 ${SMALL}`,
      `s1 ${SMALL}`,
      `s2 ${MIN_120}`,
    ]);
    expect((d.license_assignments ?? []).map((a) => `${a.user_id} ${a.product_id}`)).toEqual([
      `u1 ${SMALL}`,
      `u2 ${MIN_120}`,
    ]);
  });

  it('maps a Partner Center offer name two SKUs share to the one the customer holds, else the default', async () => {
    const SMB_BASIC = 'dab7782a-93b1-4074-8bb1-0e61318bea0b';
    const BASIC = '3b555118-da6a-4418-894f-7df1e2096870'; // hand-verified: the default
    await t.import([
      t.files.file('customers.csv', 'customer_id,name\nc1,One\nc2,Two\n'),
      t.files.file(
        'subscriptions.csv',
        `as_of,subscription_id,customer_id,product_id,quantity,status,is_trial,channel\n2026-01-01,old,c1,${SMB_BASIC},1,deleted,false,own\n`,
      ),
    ]);
    const pc = (id: string) =>
      JSON.stringify({
        items: [
          {
            id,
            offerId: 'CFQ7TTC0LH18:0001',
            offerName: 'Microsoft 365 Business Basic',
            quantity: 3,
            status: 'active',
          },
        ],
      });
    await t.import([t.files.file('pc1.json', pc('pc-1'))], {
      customer: 'c1',
      format: 'partner-center-subscriptions',
    });
    await t.import([t.files.file('pc2.json', pc('pc-2'))], {
      customer: 'c2',
      format: 'partner-center-subscriptions',
    });
    const d = await dumpAll(t.store);
    expect((d.subscriptions ?? []).map((s) => `${s.subscription_id} ${s.product_id}`)).toEqual([
      `old ${SMB_BASIC}`,
      `pc-1 ${SMB_BASIC}`,
      `pc-2 ${BASIC}`,
    ]);
  });
});

describe('partner products and unknown SKUs', () => {
  it('lets a partner product win a report name over the shipped catalog, and still keeps an unknown SKU', async () => {
    const products = t.files.file(
      'products.csv',
      'product_id,name,service,workloads,report_names\nour-visio,Visio (our bundle),OTHER,,VISIO PLAN 2\n',
    );
    const r = await t.import(
      [
        products,
        t.files.file(
          'r_D30.csv',
          report([{ upn: 'ann@fabrikam.com', products: ['VISIO PLAN 2', 'FABRIKAM SPECIAL PLAN'] }]),
        ),
      ],
      { createCustomer: 'Fabrikam' },
    );
    expect(r.outcome).toBe('committed');
    const graph = r.files.find((f) => f.kind === 'graph-active-users');
    expect(graph?.warnings.find((w) => w.code === 'ingest.unknown_product')).toMatchObject({
      value: 'FABRIKAM SPECIAL PLAN',
    });
    const d = await dumpAll(t.store);
    expect((d.license_assignments ?? []).map((a) => a.product_id).sort()).toEqual([
      'FABRIKAM SPECIAL PLAN',
      'our-visio',
    ]);
    expect((await t.store.status(TEST_PARTNER)).partners[0]?.products).toMatchObject({
      custom: 1,
      unknown: 1,
    });
  });
});
