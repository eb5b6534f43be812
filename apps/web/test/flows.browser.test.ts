/**
 * What partner staff do, end to end in a real Chromium: from the portfolio to a customer and its
 * export (the downloaded file parsed and checked against the API's numbers), and an import by
 * upload — a file with a bad date refused with its file:line:column and nothing stored, then a good
 * one stored and its report shown.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chromiumAvailable,
  type Dashboard,
  errorsOf,
  ready,
  shot,
  startDashboard,
} from './helpers/dashboard';

let d: Dashboard;
let admin: string;

beforeAll(async () => {
  if (!chromiumAvailable) return;
  d = await startDashboard({ customers: 6, days: 60 });
  admin = await d.account(['admin_agent']);
}, 180_000);
afterAll(async () => {
  await d?.close();
});

/** CSV text (our exports: BOM, CRLF, quoted cells) as rows of cells. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n') {
      row.push(cell.replace(/\r$/, ''));
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

describe.skipIf(!chromiumAvailable)('flows', () => {
  it('portfolio → a customer → its CSV export, whose rows are the API’s', async () => {
    const page = await d.signedIn(admin);
    await page.goto('/insights');
    await ready(page, 'portfolio');
    const link = page.locator('table[data-rows-key] tbody a[href^="/customers/"]').first();
    const name = (await link.textContent()) ?? '';
    await link.click();
    await ready(page, 'customer');
    const customerId = decodeURIComponent(new URL(page.url()).pathname.split('/')[2] ?? '');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(name);
    await shot(page, 'flow-customer');

    await page.getByRole('button', { name: /Export/ }).click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('menuitem', { name: /CSV/ }).click(),
    ]);
    const file = await download.path();
    const rows = parseCsv(await readFile(file, 'utf8'));
    const header = rows[0] ?? [];
    const body = rows.slice(1).filter((r) => r.length > 1);
    expect(header).toContain('customerTenantId');
    const col = (n: string) => header.indexOf(n);
    expect(body.length).toBeGreaterThan(0);
    expect(new Set(body.map((r) => r[col('customerTenantId')]))).toEqual(new Set([customerId]));
    // The same rows the API's JSON export gives, in the session of the page.
    const json = await page.evaluate(async (id) => {
      const r = await fetch(`/api/v1/customers/${encodeURIComponent(id)}/export?format=json`);
      return (await r.json()) as unknown;
    }, customerId);
    const jsonRows = (Array.isArray(json) ? json : ((json as { rows?: unknown[] }).rows ?? [])) as Record<
      string,
      unknown
    >[];
    expect(body.length).toBe(jsonRows.length);
    const licensesSold =
      col('licensesSold') >= 0 ? 'licensesSold' : (header.find((h) => /sold/i.test(h)) ?? '');
    expect(licensesSold).not.toBe('');
    const csvSold = body.reduce((a, r) => a + Number(r[col(licensesSold)] || 0), 0);
    const jsonSold = jsonRows.reduce((a, r) => a + Number(r[licensesSold] ?? 0), 0);
    expect(csvSold).toBe(jsonSold);
    expect(errorsOf(page)).toEqual([]);
    await page.context().close();
  });

  it('imports by upload: a bad date is refused at its file:line:column with nothing stored; a good file is stored', async () => {
    const demo = path.join(d.t.files.dir, 'demo-data');
    const lines = (await readFile(path.join(demo, 'support_requests.csv'), 'utf8')).split('\n');
    const header = lines[0] ?? '';
    const rows = lines.slice(1, 3).map((l, i) => l.replace(/^([^,]+),([^,]+),/, `$1,SR-WEB-${i},`));
    const dir = path.join(d.t.files.dir, 'uploads');
    const bad = path.join(dir, 'bad', 'support_requests.csv');
    await mkdir(path.dirname(bad), { recursive: true });
    await writeFile(
      bad,
      [header, rows[0], (rows[1] ?? '').replace(/,\d{4}-\d{2}-\d{2},/, ',2026-13-45,'), ''].join('\n'),
    );
    const good = path.join(dir, 'good', 'support_requests.csv');
    await mkdir(path.dirname(good), { recursive: true });
    await writeFile(good, [header, ...rows, ''].join('\n'));
    const count = async () =>
      (await d.t.store.read((q) => q.dumpCanonical('demo', 'support_requests'))).length;
    const before = await count();

    const page = await d.signedIn(admin);
    await page.goto('/imports');
    await page.locator('input[type="file"]').setInputFiles(bad);
    await page.getByRole('button', { name: 'Upload and import' }).click();
    await expect
      .poll(() => page.locator('main').textContent(), { timeout: 60_000 })
      .toContain('Nothing was stored');
    expect(await page.locator('main').textContent()).toMatch(/support_requests\.csv:3:3/);
    expect(await page.locator('main').textContent()).toContain('2026-13-45');
    await shot(page, 'flow-import-refused');
    expect(await count()).toBe(before);

    await page.goto('/imports');
    await page.locator('input[type="file"]').setInputFiles(good);
    await page.getByRole('button', { name: 'Upload and import' }).click();
    await expect
      .poll(() => page.locator('main').textContent(), { timeout: 60_000 })
      .toContain('Imported: every row was stored.');
    await shot(page, 'flow-import-stored');
    expect(await count()).toBe(before + 2);
    expect(errorsOf(page)).toEqual([]);
    await page.context().close();
  });
});
