/**
 * The shipped SKU catalog: the workload rule (table-driven), the committed catalog and decision
 * table against the rule and the overrides (so CI checks them without Microsoft's table), the 90
 * hand-verified products (issue 10, item 3), the reader of Microsoft's table, lookups over shared
 * names and part numbers, and — where the copy of Microsoft's table is beside the repository — that
 * the generator gives the committed files byte for byte.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CatalogProduct, ServicePlan } from '@license-insights/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import {
  buildShippedCatalog,
  DECIDED_FIELDS,
  DECISIONS_FILE,
  decideProduct,
  readHandVerified,
  readOverrides,
  renderCatalogJson,
  renderDecisionTable,
} from '../src/catalog/build-catalog';
import {
  effectiveCatalog,
  productResolver,
  SHIPPED_CATALOG_FILE,
  type ShippedProduct,
  shippedCatalog,
} from '../src/catalog/catalog';
import { readServicePlansTable } from '../src/catalog/service-plans-table';
import { CORE_PLANS, decideWorkloads, familyOf, normalizePlanName } from '../src/catalog/workload-rule';
import { type TempDir, tempDir } from '../src/testing';

const plans = (...names: string[]): ServicePlan[] =>
  names.map((name, i) => ({ name, id: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}` }));

describe('the workload rule', () => {
  it.each([
    // [display name, its plans, family, workloads, service]
    [
      'Office 365 E3',
      'EXCHANGE_S_ENTERPRISE SHAREPOINTENTERPRISE TEAMS1 YAMMER_ENTERPRISE MCOSTANDARD OFFICESUBSCRIPTION SHAREPOINTWAC EXCHANGE_S_FOUNDATION',
      'suite',
      ['EXO', 'SPO', 'TEAMS', 'YAM', 'SFB', 'OFFICE'],
      'O365',
    ],
    ['Microsoft 365 E3_USGOV_DOD', 'EXCHANGE_S_ENTERPRISE TEAMS_AR_DOD', 'suite', ['EXO', 'TEAMS'], 'O365'],
    ['Office 365 A1 for students', 'SHAREPOINTSTANDARD_EDU YAMMER_EDU', 'suite', ['SPO', 'YAM'], 'O365'],
    // Skype Plan 1 in frontline SKUs is Teams presence, not a Skype workload (hand-verified F3).
    [
      'Microsoft 365 F3',
      'EXCHANGE_S_DESKLESS MCOIMP TEAMS1 SHAREPOINTDESKLESS',
      'suite',
      ['EXO', 'SPO', 'TEAMS'],
      'O365',
    ],
    ['Microsoft 365 F3 EEA (no Teams)', 'EXCHANGE_S_DESKLESS TEAMS_DESKLESS', 'suite', ['EXO'], 'O365'],
    ['Microsoft 365 E5 Security', 'EXCHANGE_S_ARCHIVE_ADDON ATP_ENTERPRISE', 'other', [], 'OTHER'],
    [
      'Microsoft 365 Apps for enterprise',
      'OFFICESUBSCRIPTION ONEDRIVESTANDARD SHAREPOINTWAC',
      'apps',
      ['SPO', 'OFFICE'],
      'O365',
    ],
    ['OneDrive for Business (Plan 1)', 'ONEDRIVESTANDARD SHAREPOINTWAC', 'sharepoint', ['SPO'], 'O365'],
    ['Exchange Online (Plan 1)', 'EXCHANGE_S_STANDARD', 'exchange', ['EXO'], 'O365'],
    // Archiving has no mailbox plan: its holders' mailbox is another product's.
    ['Exchange Online Archiving for Exchange Online', 'EXCHANGE_S_ARCHIVE_ADDON', 'exchange', [], 'OTHER'],
    ['Skype for Business Online (Plan 1)', 'MCOIMP', 'skype', ['SFB'], 'O365'],
    ['Microsoft Teams Essentials', 'TeamsEss', 'teams', ['TEAMS'], 'O365'],
    ['Microsoft Teams Rooms Pro', 'TEAMS1 MCOSTANDARD AAD_PREMIUM', 'teams-device', ['TEAMS'], 'O365'],
    // Apps and add-ons that bundle storage, a site or Teams get nothing (SPEC §2: usage null).
    ['Visio Plan 2', 'EXCHANGE_S_FOUNDATION ONEDRIVE_BASIC VISIO_CLIENT_SUBSCRIPTION', 'other', [], 'OTHER'],
    ['Planner and Project Plan 3', 'SHAREPOINTENTERPRISE PROJECT_PROFESSIONAL', 'other', [], 'OTHER'],
    ['Microsoft Teams Premium', 'TEAMSPRO_MGMT TEAMSPRO_WEBINAR', 'other', [], 'OTHER'],
    ['Microsoft Teams Phone Standard', 'MCOEV', 'other', [], 'OTHER'],
    ['Microsoft Copilot for Microsoft 365', 'M365_COPILOT_TEAMS M365_COPILOT_APPS', 'other', [], 'OTHER'],
    ['Power BI Pro', 'EXCHANGE_S_FOUNDATION BI_AZURE_P2', 'other', [], 'OTHER'],
    [
      'Microsoft Power Automate Free',
      'DYN365_CDS_VIRAL FLOW_P2_VIRAL EXCHANGE_S_FOUNDATION',
      'other',
      [],
      'OTHER',
    ],
    // Dynamics apps: D365 only, whatever SharePoint or Teams they bundle.
    [
      'Dynamics 365 Team Members',
      'DYN365_TEAM_MEMBERS TEAMS1 SHAREPOINTENTERPRISE',
      'dynamics',
      ['D365'],
      'D365',
    ],
    ['Microsoft Dynamics CRM Online', 'CRMSTANDARD', 'dynamics', ['D365'], 'D365'],
    [
      'Dynamics 365 - Additional Database Storage (Qualified Offer)',
      'CRMSTORAGE',
      'dynamics-add-on',
      [],
      'D365',
    ],
    [
      'Dynamics 365 Business Central Additional Environment Addon',
      'DYN365_BUSCENTRAL_ENVIRONMENT',
      'dynamics-add-on',
      [],
      'D365',
    ],
  ])('%s (%s) → %s %j %s', (name, planNames, family, workloads, service) => {
    const d = decideWorkloads({ name, servicePlans: plans(...planNames.split(' ')) });
    expect([d.family, d.workloads, d.service]).toEqual([family, workloads, service]);
    expect(d.openWorkloads).toEqual(workloads.includes('YAM') ? ['YAM'] : []);
    expect(d.reason).not.toBe('');
  });

  it('reads plan names in any case and spacing, and gives nothing for foundation plans', () => {
    expect(normalizePlanName(' Deskless ')).toBe('DESKLESS');
    expect(normalizePlanName('SharePoint  Plan\t1G')).toBe('SHAREPOINT PLAN 1G');
    expect(CORE_PLANS.EXCHANGE_S_FOUNDATION).toBeUndefined();
    expect(
      decideWorkloads({ name: 'Office 365 E1', servicePlans: plans('Exchange_S_Standard ') }).workloads,
    ).toEqual(['EXO']);
    expect(familyOf('Microsoft 365 Business Voice')).toBe('other');
  });
});

describe('the committed catalog', () => {
  const catalog = shippedCatalog();
  const overrides = readOverrides();
  const handVerified = readHandVerified();
  const byId = new Map(catalog.products.map((p) => [p.productId, p]));

  it("holds every product of Microsoft's table of 2025-12-30 with its service plans, once each", () => {
    expect(catalog.sourceDate).toBe('2025-12-30');
    expect(catalog.version).toBe('2025-12-30');
    expect(catalog.products).toHaveLength(569);
    expect(byId.size).toBe(569);
    const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    for (const p of catalog.products) {
      expect(p.productId).toMatch(guid);
      expect(p.partNumber).toBe(p.partNumber?.trim());
      expect(p.servicePlans.length, p.partNumber ?? '').toBeGreaterThan(0);
      for (const s of p.servicePlans) expect(s.id, `${p.partNumber} ${s.name}`).toMatch(guid);
      // Graph writes the upper-cased display name; the shipped and Microsoft's names are both there.
      expect(p.reportNames).toContain(p.sourceName.toUpperCase());
      expect(p.reportNames).toContain(p.name.toUpperCase());
    }
    expect(byId.get('f30db892-07e9-47e9-837c-80727f46fd3d')).toMatchObject({
      partNumber: 'FLOW_FREE',
      name: 'Microsoft Power Automate Free',
      reportNames: ['MICROSOFT POWER AUTOMATE FREE'],
      workloads: [],
    });
  });

  it('gives every product the workloads, open workloads and service of the rule and its override', () => {
    for (const p of catalog.products) {
      const d = decideProduct(
        { name: p.sourceName, servicePlans: p.servicePlans },
        overrides.handVerifiedWins[p.productId],
      );
      expect([p.name, p.service, p.workloads, p.openWorkloads], p.partNumber ?? '').toEqual([
        d.name,
        d.service,
        d.workloads,
        d.openWorkloads,
      ]);
    }
  });

  it('is written as the generator writes it, and its decision table is current', () => {
    const text = readFileSync(SHIPPED_CATALOG_FILE, 'utf8');
    expect(renderCatalogJson(JSON.parse(text))).toBe(text);
    expect(readFileSync(DECISIONS_FILE, 'utf8')).toBe(renderDecisionTable(catalog, overrides, handVerified));
  });

  it('lists in the decision table every product that carries a core plan', () => {
    const table = readFileSync(DECISIONS_FILE, 'utf8');
    const carrying = catalog.products.filter((p) =>
      p.servicePlans.some((s) => CORE_PLANS[normalizePlanName(s.name)] !== undefined),
    );
    expect(carrying.length).toBeGreaterThan(150);
    for (const p of carrying)
      expect(table, p.partNumber ?? '').toContain(`| ${p.partNumber?.replace(/\|/g, '\\|')} |`);
  });

  it('agrees with the 90 hand-verified products, or overrides.json decides the difference (issue 10, item 3)', () => {
    expect(handVerified).toHaveLength(90);
    const differences: string[] = [];
    for (const h of handVerified) {
      const p = byId.get(h.productId);
      if (p === undefined) throw new Error(`hand-verified ${h.partNumber} missing from the catalog`);
      expect(p.partNumber, h.productId).toBe(h.partNumber);
      expect(p.verified).toBe(true);
      // Graph's names verified by hand stay report names.
      for (const n of h.reportNames) expect(p.reportNames, h.partNumber).toContain(n);
      const rule = decideWorkloads({ name: p.sourceName, servicePlans: p.servicePlans });
      const generated = {
        name: p.sourceName,
        service: rule.service,
        workloads: rule.workloads,
        openWorkloads: rule.openWorkloads,
      };
      const wins = overrides.handVerifiedWins[h.productId];
      const corrected = overrides.ruleWins[h.productId]?.fields ?? [];
      for (const f of DECIDED_FIELDS) {
        const same = JSON.stringify(generated[f]) === JSON.stringify(h[f]);
        if (wins?.[f] !== undefined) {
          // The hand-verified value is shipped, and the override is still needed.
          expect(p[f], `${h.partNumber}.${f}`).toEqual(h[f]);
          expect(same, `${h.partNumber}.${f}: the rule now agrees, remove the override`).toBe(false);
        } else if (corrected.includes(f)) {
          expect(same, `${h.partNumber}.${f}: the rule now agrees, remove the correction`).toBe(false);
          expect(p[f], `${h.partNumber}.${f}`).toEqual(generated[f]);
          differences.push(`${h.partNumber}.${f}`);
        } else {
          expect(
            generated[f],
            `${h.partNumber}.${f}: differs from hand-verified — decide it in overrides.json`,
          ).toEqual(h[f]);
        }
      }
    }
    // The corrections are the ones the issue decides: archives and Teams add-ons measure nothing.
    expect(differences.sort()).toEqual([
      'EXCHANGEARCHIVE.service',
      'EXCHANGEARCHIVE.workloads',
      'EXCHANGEARCHIVE_ADDON.service',
      'EXCHANGEARCHIVE_ADDON.workloads',
      'MCOEV.service',
      'MCOEV.workloads',
      'MCOMEETADV.service',
      'MCOMEETADV.workloads',
      'Microsoft_Teams_Premium.service',
      'Microsoft_Teams_Premium.workloads',
    ]);
  });

  it('names in overrides.json only hand-verified products of the table, by their part numbers', () => {
    const verified = new Set(handVerified.map((h) => h.productId));
    for (const [id, o] of [
      ...Object.entries(overrides.handVerifiedWins),
      ...Object.entries(overrides.ruleWins),
    ]) {
      expect(byId.get(id)?.partNumber, id).toBe(o.partNumber);
      expect(verified.has(id), id).toBe(true);
    }
  });
});

/** Microsoft's table as a file: header, then rows of [display name, part number, GUID, plan, plan id]. */
function table(
  t: TempDir,
  rows: readonly (readonly string[])[],
  header = 'Product_Display_Name,String_Id,GUID,Service_Plan_Name,Service_Plan_Id,Service_Plans_Included_Friendly_Names',
) {
  const quote = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return t.file(
    'plans.csv',
    `\uFEFF${[header, ...rows.map((r) => [...r, 'friendly'].map(quote).join(','))].join('\r\n')}\r\n`,
  );
}

const E3 = '6FD2C87F-B296-42F0-B197-1E91E994B900';
const EXO2 = 'efb87545-963c-4e0d-99df-69c6916d9eb0';
const SPO2 = '5dbe027f-2339-4123-9542-606e4d348a72';

describe("the reader of Microsoft's table", () => {
  let t: TempDir;
  afterEach(() => t.cleanup());

  it('reads a BOM, CRLF, quoted names; trims no-break spaces; keeps a plan listed twice once', async () => {
    t = tempDir();
    const file = table(t, [
      ['Office 365 E3', 'ENTERPRISEPACK', `${E3}\u00a0`, 'EXCHANGE_S_ENTERPRISE', EXO2],
      ['Office 365 E3', 'ENTERPRISEPACK ', E3, 'SHAREPOINTENTERPRISE', SPO2],
      ['Office 365 E3', 'ENTERPRISEPACK', E3, 'SHAREPOINTENTERPRISE', SPO2],
      [
        'Dynamics 365 Field Service, Enterprise Edition',
        'CRM_X',
        '977464c4-bfaf-4b67-b761-a9bb735a2196',
        'Virtualization \tRights',
        SPO2,
      ],
    ]);
    const { table: read, problems } = await readServicePlansTable(file, 'plans.csv');
    expect(problems).toEqual([]);
    expect(read?.rows).toBe(4);
    expect(read?.products).toEqual([
      {
        productId: '6fd2c87f-b296-42f0-b197-1e91e994b900',
        partNumber: 'ENTERPRISEPACK',
        name: 'Office 365 E3',
        servicePlans: [
          { name: 'EXCHANGE_S_ENTERPRISE', id: EXO2 },
          { name: 'SHAREPOINTENTERPRISE', id: SPO2 },
        ],
      },
      {
        productId: '977464c4-bfaf-4b67-b761-a9bb735a2196',
        partNumber: 'CRM_X',
        name: 'Dynamics 365 Field Service, Enterprise Edition',
        servicePlans: [{ name: 'Virtualization Rights', id: SPO2 }],
      },
    ]);
    expect(read?.repairs).toEqual([
      '3 values with surrounding or repeated whitespace trimmed',
      '1 plan rows listed twice for one product kept once',
    ]);
    // The catalog made of it is deterministic and valid.
    const built = buildShippedCatalog({
      table: read ?? { products: [], rows: 0, repairs: [] },
      sourceDate: '2026-01-15',
      handVerified: [],
      overrides: { about: '', handVerifiedWins: {}, ruleWins: {} },
    });
    const text = renderCatalogJson(built.file);
    expect(renderCatalogJson(JSON.parse(text))).toBe(text);
    expect(built.file.products.map((p) => [p.partNumber, p.workloads, p.service])).toEqual([
      ['CRM_X', ['D365'], 'D365'],
      ['ENTERPRISEPACK', ['EXO', 'SPO'], 'O365'],
    ]);
  });

  it('refuses a file that is not the table, and says where a value is wrong', async () => {
    t = tempDir();
    const missing = await readServicePlansTable(table(t, [], 'Product,GUID'), 'plans.csv');
    expect(missing.table).toBeNull();
    expect(missing.problems[0]).toMatchObject({ code: 'ingest.missing_column', line: 1 });
    expect(missing.problems[0]?.message).toContain('String_Id');
    const bad = await readServicePlansTable(
      table(t, [
        ['Office 365 E3', 'ENTERPRISEPACK', E3, 'EXCHANGE_S_ENTERPRISE', EXO2],
        ['Office 365 E3', 'ENTERPRISEPACK', 'not-a-guid', 'SHAREPOINTENTERPRISE', SPO2],
        ['Office 365 E3 renamed', 'ENTERPRISEPACK', E3, 'SHAREPOINTENTERPRISE', SPO2],
      ]),
      'plans.csv',
    );
    expect(bad.table).toBeNull();
    expect(bad.problems.map((p) => [p.line, p.column, p.field, p.value])).toEqual([
      [3, 3, 'GUID', 'not-a-guid'],
      [4, 1, 'Product_Display_Name', 'Office 365 E3 renamed'],
    ]);
  });

  const source = fileURLToPath(
    new URL('../../../../shared/data/microsoft-licensing-service-plans.csv', import.meta.url),
  );
  it.skipIf(!existsSync(source))(
    "gives the committed catalog from the copy of Microsoft's table beside the repository",
    async () => {
      const { table: read, problems } = await readServicePlansTable(source, source);
      expect(problems).toEqual([]);
      if (read === null) return;
      const built = buildShippedCatalog({
        table: read,
        sourceDate: '2025-12-30',
        handVerified: readHandVerified(),
        overrides: readOverrides(),
      });
      expect(built.notes).toEqual([]);
      expect(renderCatalogJson(built.file)).toBe(readFileSync(SHIPPED_CATALOG_FILE, 'utf8'));
    },
  );
});

describe('lookups over shared names and part numbers', () => {
  const shipped = shippedCatalog().products;
  const r = productResolver(shipped);
  const VISIOCLIENT = 'c5928f49-12ba-48f7-ada3-0d743a3601d5';
  const VISIO_PLAN2_DEPT = '38b434d2-a15e-4cde-9a98-e737c75623e1';
  const PSTN5_120 = '54a152dc-90de-4996-93d2-bc47e670fc06';
  const PSTN5_SMALL = 'd43177b5-475b-4880-92d4-d54c27b5efbd';

  it('takes the product the customer holds, else a hand-verified one, else the lowest skuId', () => {
    expect(r.byReportName('VISIO PLAN 2')?.productId).toBe(VISIOCLIENT);
    expect(r.byReportName('visio plan 2', new Set([VISIO_PLAN2_DEPT]))?.productId).toBe(VISIO_PLAN2_DEPT);
    expect(r.byName('Visio Plan 2', new Set([VISIO_PLAN2_DEPT, VISIOCLIENT]))?.productId).toBe(VISIOCLIENT);
    expect(r.byIdOrPartNumber('MCOPSTN5')?.productId).toBe(PSTN5_120);
    expect(r.byIdOrPartNumber('mcopstn5', new Set([PSTN5_SMALL]))?.productId).toBe(PSTN5_SMALL);
    expect(r.candidates('MCOPSTN5').map((p) => p.productId)).toEqual([PSTN5_120, PSTN5_SMALL]);
  });

  it("puts the partner's own products first and unknown placeholders last", () => {
    const custom: CatalogProduct = {
      productId: 'my-visio',
      partNumber: null,
      name: 'Visio (our bundle)',
      service: 'OTHER',
      workloads: [],
      openWorkloads: [],
      reportNames: ['VISIO PLAN 2'],
      offerIds: [],
      listPrice: null,
      currency: null,
      origin: 'custom',
    };
    const discovered: CatalogProduct = {
      ...custom,
      productId: 'zz-unknown',
      name: 'Visio Plan 1',
      reportNames: [],
      origin: 'discovered',
    };
    const e = productResolver(effectiveCatalog(shipped, [custom, discovered]));
    expect(e.byReportName('VISIO PLAN 2')?.productId).toBe('my-visio');
    expect(e.byName('visio plan 1')?.productId).toBe('4b244418-9658-4451-a2b8-b5e2b364e9bd');
  });

  it("keeps the shipped report names of a product a partner's products file replaces", () => {
    const e3 = shipped.find((p) => p.partNumber === 'ENTERPRISEPACK') as ShippedProduct;
    const replaced = effectiveCatalog(shipped, [
      { ...e3, name: 'E3 (ours)', reportNames: ['OUR E3'], origin: 'custom' },
    ]);
    const p = replaced.find((x) => x.productId === e3.productId);
    expect(p).toMatchObject({
      name: 'E3 (ours)',
      origin: 'custom',
      reportNames: ['OUR E3', 'OFFICE 365 E3'],
    });
  });

  it('never lets a part number hide a product id', () => {
    const clash: CatalogProduct = {
      ...(shipped[0] as ShippedProduct),
      productId: 'p-1',
      partNumber: shipped[1]?.productId ?? '',
      origin: 'custom',
    };
    const e = productResolver([...shipped, clash]);
    expect(e.byIdOrPartNumber(shipped[1]?.productId ?? '')?.productId).toBe(shipped[1]?.productId);
  });
});
