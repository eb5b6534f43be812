/** `insights catalog list|show` in-process: the shipped catalog without a store, a partner's products over it. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { listCatalogResponseSchema, showCatalogProductResponseSchema } from '@license-insights/contracts';
import { tempDir } from '@license-insights/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/main';
import type { Terminal } from '../src/output';

const tmp = tempDir('li-cli-catalog-');
afterAll(() => tmp.cleanup());

async function cli(args: string[], opts: { tty?: boolean; cwd?: string } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const term: Terminal = {
    stdoutIsTty: opts.tty === true,
    stderrIsTty: false,
    color: false,
    out: (t) => out.push(t),
    err: (t) => err.push(t),
  };
  const code = await runCli(args, term, {}, opts.cwd ?? tmp.dir);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

const VISIOCLIENT = 'c5928f49-12ba-48f7-ada3-0d743a3601d5';
const VISIO_PLAN2_DEPT = '38b434d2-a15e-4cde-9a98-e737c75623e1';
const E3 = '6fd2c87f-b296-42f0-b197-1e91e994b900';

describe('insights catalog without a store', () => {
  const empty = path.join(tmp.dir, 'no-store');

  it('searches the shipped catalog, prints JSON when piped, and creates nothing', async () => {
    const r = await cli(['catalog', 'list', '--search', 'power automate free', '--data', empty]);
    expect(r.code).toBe(0);
    // The output is the contract's shape (what the API will serve).
    const listing = listCatalogResponseSchema.parse(JSON.parse(r.stdout));
    expect(listing).toMatchObject({
      partnerId: null,
      sourceDate: '2025-12-30',
      search: 'power automate free',
    });
    expect(listing.products.map((p) => [p.partNumber, p.name, p.workloads])).toEqual([
      ['FLOW_FREE', 'Microsoft Power Automate Free', []],
    ]);
    expect(r.stderr).toContain('no store in');
    expect(existsSync(empty)).toBe(false);
  });

  it('lists every product as a table on a terminal, long names cut, with the count', async () => {
    const r = await cli(['catalog', 'list', '--data', empty], { tty: true });
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^product +part number +service +workloads +origin +skuId/);
    expect(r.stdout).toContain('569 products in the SKU catalog of 2025-12-30');
    expect(r.stdout).toMatch(
      /Microsoft 365 E3 +SPE_E3 +O365 +EXO SPO TEAMS YAM\* SFB OFFICE +shipped, hand-verified/,
    );
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(220);
  });

  it('shows a part number two products share, the default first, and why each has its workloads', async () => {
    const r = await cli(['catalog', 'show', 'MCOPSTN5', '--format', 'table', '--data', empty]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('The part number "MCOPSTN5" names 2 products');
    expect(
      r.stdout.indexOf('Skype for Business PSTN Domestic Calling (120 Minutes) (MCOPSTN5)  ← default'),
    ).toBeGreaterThan(0);
    expect(r.stdout.indexOf('54a152dc')).toBeLessThan(r.stdout.indexOf('d43177b5'));
    expect(r.stdout).toContain('— (usage not measured)');
  });

  it('finds a product by name in any case and words unquoted, by skuId in capitals, and says why', async () => {
    const byName = showCatalogProductResponseSchema.parse(
      JSON.parse((await cli(['catalog', 'show', 'visio', 'plan', '2', '--data', empty])).stdout),
    );
    expect(byName.matchedBy).toBe('name');
    expect(byName.products.map((p) => [p.productId, p.verified])).toEqual([
      [VISIOCLIENT, true],
      [VISIO_PLAN2_DEPT, false],
    ]);
    expect(byName.products[0]?.workloadReason).toContain('bundles ONEDRIVE_BASIC but is not a SPO product');
    const premium = showCatalogProductResponseSchema.parse(
      JSON.parse(
        (await cli(['catalog', 'show', '36A0F3B3-ADB5-49EA-BF66-762134CF063A', '--data', empty])).stdout,
      ),
    );
    expect(premium.matchedBy).toBe('product id');
    expect(premium.products[0]).toMatchObject({
      name: 'Microsoft Teams Premium',
      sourceName: 'Microsoft Teams Premium Introductory Pricing',
      workloads: [],
      service: 'OTHER',
    });
    expect(premium.products[0]?.workloadReason).toContain('replaces the hand-verified workloads and service');
  });

  it('refuses an unknown product with near names, and a wrong command line with the fix', async () => {
    const unknown = await cli(['catalog', 'show', 'Microsoft 365 E9', '--data', empty]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(
      'no product "Microsoft 365 E9" in the catalog (by skuId, part number or exact name); near: Microsoft 365 E3 (SPE_E3)',
    );
    // The hint searches for the words some product has.
    expect(unknown.stderr).toContain('`insights catalog list --search "microsoft 365" --data');
    expect(unknown.stdout).toBe('');
    const none = await cli(['catalog', '--data', empty]);
    expect([none.code, none.stderr]).toEqual([
      2,
      expect.stringContaining('insights catalog list [--search TEXT]'),
    ]);
    const extra = await cli(['catalog', 'list', 'visio', '--data', empty]);
    expect([extra.code, extra.stderr]).toEqual([
      2,
      expect.stringContaining('insights catalog list --search "visio"'),
    ]);
    const noName = await cli(['catalog', 'show', '--data', empty]);
    expect([noName.code, noName.stderr]).toEqual([
      2,
      'error: the product must be given: a skuId, part number or name (got "")\n',
    ]);
    const help = await cli(['--help']);
    expect(help.stdout).toMatch(/catalog +look a product up in the SKU catalog/);
  });
});

describe("insights catalog with a partner's products", () => {
  const data = path.join(tmp.dir, 'data');

  it("shows the partner's products over the shipped ones, keeping Microsoft's facts", async () => {
    const products = tmp.file(
      'products.csv',
      `product_id,name,service,workloads,part_number,report_names,list_price,currency\n${E3},Office 365 E3 (annual),O365,EXO;SPO;TEAMS;YAM;SFB;OFFICE,ENTERPRISEPACK,O365 E3 ANNUAL,23,USD\nmsp-backup,Managed Backup,OTHER,,MSP-BACKUP,,3,USD\n`,
    );
    expect((await cli(['import', products, '--data', data])).code).toBe(0);
    const e3 = showCatalogProductResponseSchema.parse(
      JSON.parse((await cli(['catalog', 'show', 'enterprisepack', '--data', data])).stdout),
    );
    expect(e3.partnerId).toBe('default');
    expect(e3.products).toHaveLength(1);
    expect(e3.products[0]).toMatchObject({
      name: 'Office 365 E3 (annual)',
      origin: 'custom',
      replacesShipped: true,
      listPrice: 23,
      workloadReason: "the partner's products file",
    });
    expect(e3.products[0]?.reportNames).toEqual(['O365 E3 ANNUAL', 'OFFICE 365 E3']);
    expect(e3.products[0]?.servicePlans.map((p) => p.name)).toContain('EXCHANGE_S_ENTERPRISE');
    const listed = await cli(['catalog', 'list', '--search', 'backup', '--data', data], { tty: true });
    expect(listed.stdout).toMatch(/Managed Backup +MSP-BACKUP +OTHER +— +yours +msp-backup/);
    expect(listed.stdout).toContain('with the products of partner default');
    expect(listed.stderr).toBe('');
  });
});
