/**
 * Exports over HTTP (issue 12 point 7): CSV, XLSX and JSON carry the same rows and values as the
 * CLI report's metrics rows (CSV and XLSX parsed back), CSV starts with the UTF-8 BOM and writes
 * formula-like cells safely, XLSX has typed cells (integers, percentages with a number format,
 * unknown values empty, reasons as text), a frozen header and further sheets past the row limit;
 * attachment headers; the audit record; one customer's export and scope limits (404); flat
 * memory: writers wait for a reader that does not read, and hundreds of thousands of rows go
 * through each format with little live memory; and a client that goes away: the writer fails,
 * the read unit ends, the audit says failed (the XLSX writer neither waited nor stopped).
 */
import { PassThrough, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  type AuditRecord,
  type ChannelView,
  EXPORT_FORMATS,
  type ExportFormat,
  formatReasons,
  METRICS_ROW_COLUMNS,
  type MetricsRow,
  type Reasons,
} from '@license-insights/contracts';
import { computeMetrics, getPortfolioReport } from '@license-insights/core';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMetricsExport } from '../src/exports/metrics-export';
import { metricsWriter } from '../src/exports/metrics-writers';
import { StreamClosedError } from '../src/exports/writable';
import { OTHER_PARTNER, PARTNER, startTestApp, type TestApp } from './helpers/test-app';

const GRAPH_REPORT = fileURLToPath(
  new URL('../../../packages/core/test/fixtures/graph/active-users-2026-03-30.csv', import.meta.url),
);
const FORMULA_NAME = '=HYPERLINK("http://evil.example","Click")';
const AT_NAME = '@SUM(1+1)';

let s: TestApp;
let token: string;
let formulaCustomer = '';

beforeAll(async () => {
  s = await startTestApp();
  // Names a spreadsheet would take for formulas, and a Graph-fed customer (usage not known).
  const [a, b] = await s.t.store.customers(PARTNER);
  if (a === undefined || b === undefined) throw new Error('demo customers');
  formulaCustomer = a.customerId;
  const dir = s.t.files.file(
    'renamed/customers.csv',
    `customer_id,name\n${a.customerId},"${FORMULA_NAME.replaceAll('"', '""')}"\n${b.customerId},${AT_NAME}\n`,
  );
  expect((await s.t.import([dir.replace(/customers\.csv$/, '')], { partnerId: PARTNER })).outcome).toBe(
    'committed',
  );
  expect((await s.t.import([GRAPH_REPORT], { partnerId: PARTNER, createCustomer: 'Graph Co' })).outcome).toBe(
    'committed',
  );
  await computeMetrics(s.t.store, { partnerId: PARTNER });
  token = await s.token(['sales_agent']);
}, 180_000);
afterAll(() => s.close());

/** An RFC 4180 parser for the test (quoted fields, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (quoted) {
      if (c === '"' && text.charAt(i + 1) === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text.charAt(i + 1) === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || row.length > 0) throw new Error('the CSV does not end with CRLF');
  return rows;
}

type Cell = string | number | boolean | null;

/** A metrics row as cells: reasons as text, unknown as null (what every format must carry). */
function cellsOf(r: MetricsRow): Cell[] {
  return METRICS_ROW_COLUMNS.map((c) => {
    const v = r[c];
    if (c === 'usageReasons' || c === 'deploymentReasons') {
      const text = formatReasons(v as Reasons | null);
      return text === '' ? null : text;
    }
    return v as Cell;
  });
}

/** What a CSV field holds for a cell: formula-like text behind an apostrophe. */
function csvText(v: Cell): string {
  if (v === null) return '';
  if (typeof v === 'string') return /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return String(v);
}

async function exportOf(format: ExportFormat, query = '', t = token, path = '/api/v1/exports/metrics') {
  const r = await s.call(t, { method: 'GET', url: `${path}?format=${format}${query}` });
  expect(r.statusCode, r.body.slice(0, 300)).toBe(200);
  return r;
}

async function xlsxSheets(buffer: Buffer): Promise<ExcelJS.Worksheet[]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buffer as unknown as ArrayBuffer);
  return wb.worksheets;
}

/** The data rows of a sheet as cells (header checked). */
function sheetRows(ws: ExcelJS.Worksheet): Cell[][] {
  const out: Cell[][] = [];
  ws.eachRow({ includeEmpty: false }, (row, n) => {
    const cells = METRICS_ROW_COLUMNS.map((_, i) => {
      const v = row.getCell(i + 1).value;
      if (v === undefined || v === null) return null;
      if (typeof v === 'object')
        throw new Error(`cell ${n}:${i + 1} is not a plain value: ${JSON.stringify(v)}`);
      return v as Cell;
    });
    if (n === 1) expect(cells).toEqual([...METRICS_ROW_COLUMNS]);
    else out.push(cells);
  });
  return out;
}

async function reportRows(
  view: ChannelView,
  day?: string,
  customers?: readonly string[],
): Promise<MetricsRow[]> {
  const report = await getPortfolioReport(s.t.store, {
    partnerId: PARTNER,
    channel: view,
    ...(day === undefined ? {} : { day }),
  });
  return customers === undefined
    ? [...report.rows]
    : report.rows.filter((r) => customers.includes(r.customerTenantId));
}

describe('the three formats', () => {
  it.each(['all', 'own'] as const)(
    'carry the same rows and values as the CLI report (%s view)',
    async (view) => {
      const want = await reportRows(view);
      expect(want.length).toBeGreaterThan(50);
      const json = (await exportOf('json', `&view=${view}`)).json() as MetricsRow[];
      expect(json).toEqual(want);

      const csv = (await exportOf('csv', `&view=${view}`)).rawPayload.toString('utf8');
      expect(csv.charCodeAt(0)).toBe(0xfeff);
      const [header, ...lines] = parseCsv(csv.slice(1));
      expect(header).toEqual([...METRICS_ROW_COLUMNS]);
      expect(lines).toEqual(want.map((r) => cellsOf(r).map(csvText)));

      const [sheet, more] = await xlsxSheets((await exportOf('xlsx', `&view=${view}`)).rawPayload);
      expect(more).toBeUndefined();
      expect(sheetRows(sheet as ExcelJS.Worksheet)).toEqual(want.map(cellsOf));
    },
  );

  it('a day other than the last; an unknown day is 404 before any byte; a bad one 400', async () => {
    const want = await reportRows('all', '2026-03-10');
    expect((await exportOf('json', '&day=2026-03-10')).json()).toEqual(want);
    const none = await s.call(token, {
      method: 'GET',
      url: '/api/v1/exports/metrics?format=csv&day=2019-01-01',
    });
    expect(none.statusCode).toBe(404);
    expect(none.json().code).toBe('not_found');
    for (const q of ['format=pdf', 'format=csv&day=2026-02-30', 'format=csv&view=mine']) {
      const r = await s.call(token, { method: 'GET', url: `/api/v1/exports/metrics?${q}` });
      expect(r.statusCode, q).toBe(400);
      expect(r.json().code).toBe('usage.invalid_argument');
    }
  });

  it('CSV cells a spreadsheet would take for formulas start with an apostrophe; XLSX keeps them as text, JSON as is', async () => {
    const csv = (await exportOf('csv')).rawPayload.toString('utf8');
    expect(csv).toContain(`,"'${FORMULA_NAME.replaceAll('"', '""')}",`);
    expect(csv).toContain(`,'${AT_NAME},`);
    expect(csv).not.toMatch(/(^|,)[=@+]/m);
    const [sheet] = await xlsxSheets((await exportOf('xlsx')).rawPayload);
    const names = new Set<string>();
    sheet?.eachRow((row) => {
      const cell = row.getCell(3);
      expect(cell.type).not.toBe(ExcelJS.ValueType.Formula);
      names.add(String(cell.value));
    });
    expect(names.has(FORMULA_NAME)).toBe(true);
    expect(names.has(AT_NAME)).toBe(true);
    const json = (await exportOf('json')).json() as MetricsRow[];
    expect(json.some((r) => r.customerName === FORMULA_NAME)).toBe(true);
  });

  it('XLSX: a frozen header, integer counts, percentages with a number format, unknown values empty, reasons as text', async () => {
    const [sheet] = await xlsxSheets((await exportOf('xlsx')).rawPayload);
    if (sheet === undefined) throw new Error('a sheet');
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const col = (name: (typeof METRICS_ROW_COLUMNS)[number]) => METRICS_ROW_COLUMNS.indexOf(name) + 1;
    let unknown = 0;
    let reasons = 0;
    let above = 0;
    sheet.eachRow((row, n) => {
      if (n === 1) return;
      for (const c of ['licensesSold', 'licensesSoldOwn', 'licensesDeployed', 'licensesQualified'] as const) {
        const cell = row.getCell(col(c));
        expect(cell.type).toBe(ExcelJS.ValueType.Number);
        expect(Number.isInteger(cell.value)).toBe(true);
      }
      const active = row.getCell(col('licensesActive'));
      if (active.type === ExcelJS.ValueType.Null) {
        unknown++;
        expect(row.getCell(col('usagePercent')).type).toBe(ExcelJS.ValueType.Null);
        expect(row.getCell(col('usageKnown')).value).toBe(false);
      } else expect(active.type).toBe(ExcelJS.ValueType.Number);
      const pct = row.getCell(col('deploymentPercent'));
      if (pct.type === ExcelJS.ValueType.Number) {
        expect(pct.numFmt).toBe('0.0');
        if ((pct.value as number) > 100) above++;
      }
      const why = row.getCell(col('usageReasons'));
      if (why.type !== ExcelJS.ValueType.Null) {
        reasons++;
        expect(why.value).toMatch(/^([A-Z_]+:\d+;)*[A-Z_]+:\d+$/);
      }
      expect(row.getCell(col('usageKnown')).type).toBe(ExcelJS.ValueType.Boolean);
    });
    // The Graph-fed customer's usage is not known on the day; some usage above 100 % is explained.
    expect(unknown).toBeGreaterThan(0);
    expect(reasons).toBeGreaterThan(0);
    expect(above + reasons).toBeGreaterThan(0);
  });

  it('XLSX goes on in further sheets past the sheet’s row limit, each with the header', async () => {
    const want = (await reportRows('all')).map(cellsOf);
    const started = await startMetricsExport(
      s.t.store,
      { partnerId: PARTNER, view: 'all', customerIds: null },
      'xlsx',
      { xlsx: { sheetRowLimit: 10 }, chunkRows: 7 },
    );
    const chunks: Buffer[] = [];
    started.body.on('data', (b: Buffer) => chunks.push(b));
    const done = await started.done;
    expect(done).toEqual({ rows: want.length, error: null });
    const sheets = await xlsxSheets(Buffer.concat(chunks));
    expect(sheets).toHaveLength(Math.ceil(want.length / 9));
    expect(sheets.map((w) => w.name).slice(0, 3)).toEqual(['Metrics', 'Metrics 2', 'Metrics 3']);
    for (const w of sheets) expect(w.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheets.flatMap(sheetRows)).toEqual(want);
  });

  it('sends an attachment with a file name and the format’s media type, and audits the export', async () => {
    const types = {
      csv: 'text/csv; charset=utf-8',
      xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      json: 'application/json; charset=utf-8',
    };
    const auditor = await s.token(['admin_agent']);
    for (const format of EXPORT_FORMATS) {
      const r = await exportOf(format, '&view=own&day=2026-03-30', auditor);
      expect(r.headers['content-type']).toBe(types[format]);
      expect(r.headers['content-disposition']).toBe(
        `attachment; filename="license-insights-demo-2026-03-30-own.${format}"`,
      );
    }
    const rows = (await reportRows('own', '2026-03-30')).length;
    let records = await s.accounts.auditLog(PARTNER, ['export'], 50);
    for (let i = 0; i < 50 && records.filter((a) => a.details.day === '2026-03-30').length < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      records = await s.accounts.auditLog(PARTNER, ['export'], 50);
    }
    const mine = records.filter((a) => a.details.day === '2026-03-30');
    expect(mine.map((a) => a.details.format).sort()).toEqual(['csv', 'json', 'xlsx']);
    for (const a of mine) {
      expect(a).toMatchObject({ action: 'export', outcome: 'ok' });
      expect(a.details).toMatchObject({
        scope: 'portfolio',
        view: 'own',
        day: '2026-03-30',
        rows,
        customers: 'all',
      });
    }
  });
});

describe('whose rows', () => {
  it('one customer’s export holds that customer’s rows only', async () => {
    const r = await exportOf('json', '', token, `/api/v1/customers/${formulaCustomer}/export`);
    const want = await reportRows('all', undefined, [formulaCustomer]);
    expect(want.length).toBeGreaterThan(0);
    expect(r.json()).toEqual(want);
    expect(r.headers['content-disposition']).toContain(
      `license-insights-demo-${formulaCustomer}-2026-03-31-all.json`,
    );
  });

  it('an account limited to some customers exports theirs only; a customer outside, or another partner’s, is 404', async () => {
    const customers = await s.t.store.customers(PARTNER);
    const [a, b] = customers;
    if (a === undefined || b === undefined) throw new Error('customers');
    const scoped = await s.token(['user_admin'], { scope: { customers: [a.customerId], groups: [] } });
    const rows = (await exportOf('json', '', scoped)).json() as MetricsRow[];
    expect(rows).toEqual(await reportRows('all', undefined, [a.customerId]));
    const outside = await s.call(scoped, {
      method: 'GET',
      url: `/api/v1/customers/${b.customerId}/export?format=csv`,
    });
    expect(outside.statusCode).toBe(404);
    const other = await s.token(['admin_agent'], { partnerId: OTHER_PARTNER });
    const foreign = await s.call(other, { method: 'GET', url: `/api/v1/customers/${a.customerId}/export` });
    expect(foreign.statusCode).toBe(404);
    const theirs = (await exportOf('json', '', other)).json() as MetricsRow[];
    const ids = new Set((await s.t.store.customers(OTHER_PARTNER)).map((c) => c.customerId));
    expect(theirs.length).toBeGreaterThan(0);
    expect(theirs.every((r) => ids.has(r.customerTenantId))).toBe(true);
    expect((await s.call(null, { method: 'GET', url: '/api/v1/exports/metrics' })).statusCode).toBe(401);
  });
});

/** Rows of the demo repeated under new customer ids: as many real rows as a test needs. */
async function manyRows(count: number): Promise<(n: number) => MetricsRow[]> {
  const base = await reportRows('all');
  let made = 0;
  return (n) => {
    const out: MetricsRow[] = [];
    for (let i = 0; i < n && made < count; i++, made++) {
      const r = base[made % base.length] as MetricsRow;
      out.push({ ...r, customerTenantId: `${r.customerTenantId}-${Math.floor(made / base.length)}` });
    }
    return out;
  };
}

/** A reader that takes bytes as they come and keeps none; `done` settles when it has taken the end. */
function sink(): { stream: Writable; bytes: () => number; done: Promise<void> } {
  let n = 0;
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      n += chunk.length;
      cb();
    },
  });
  // Listening from the start: the sink can finish before the writer's `finish()` returns.
  return { stream, bytes: () => n, done: finished(stream) };
}

/**
 * A full garbage collection, so memory figures are what is alive (a writer that held its rows
 * would show), not garbage not collected yet. vitest runs without --expose-gc: the flag is set at
 * run time and `gc` taken from a fresh context.
 */
const collect: () => void = (() => {
  setFlagsFromString('--expose-gc');
  const gc: unknown = runInNewContext('gc');
  if (typeof gc !== 'function') throw new Error('no gc');
  return () => gc();
})();

/** Memory alive now: the heap and the buffers outside it (where written bytes wait). */
function alive(): number {
  collect();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/**
 * Rows whose document is several MB, far more than the buffers between a writer and its reader
 * (for XLSX, sheet XML well past what the writer lets wait in front of the zip archiver).
 */
const MANY: Readonly<Record<ExportFormat, number>> = { csv: 20_000, json: 20_000, xlsx: 5_000 };

describe('flat memory', () => {
  it.each(EXPORT_FORMATS)('%s: the writer waits while the reader does not read', async (format) => {
    const body = new PassThrough({ highWaterMark: 64 * 1024 });
    const writer = metricsWriter(format, body);
    const next = await manyRows(MANY[format]);
    let settled = false;
    const writing = writer.rows(next(MANY[format])).then(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(settled).toBe(false);
    // What waits in the stream is about a buffer, not the rows (several MB).
    expect(body.readableLength).toBeLessThan(1024 * 1024);
    const out = sink();
    body.pipe(out.stream);
    await writing;
    await writer.finish();
    await out.done;
    expect(out.bytes()).toBeGreaterThan(format === 'xlsx' ? 128 * 1024 : 1024 * 1024);
  });

  // Live memory is sampled after each chunk; a writer that kept what it wrote (the XLSX writer
  // did: exceljs queues a sheet's XML in front of its zip archiver without backpressure) holds
  // more than the bound: the CSV and JSON documents are more than twice it, the XLSX rows' sheet
  // XML (about 700 bytes a row before compression) too.
  const BOUND = 24 * 1024 * 1024;
  it.each([
    ['csv', 250_000],
    ['json', 150_000],
    ['xlsx', 45_000],
  ] as const)('%s: %i rows go through in flat memory', async (format, count) => {
    const body = new PassThrough({ highWaterMark: 64 * 1024 });
    const writer = metricsWriter(format, body);
    const out = sink();
    body.pipe(out.stream);
    const next = await manyRows(count);
    const before = alive();
    let grown = 0;
    for (let chunk = next(8192); chunk.length > 0; chunk = next(8192)) {
      await writer.rows(chunk);
      chunk = [];
      grown = Math.max(grown, alive() - before);
    }
    await writer.finish();
    await out.done;
    if (format === 'xlsx') expect(out.bytes()).toBeGreaterThan(count * 30);
    else expect(out.bytes()).toBeGreaterThan(2 * BOUND);
    expect(grown).toBeLessThan(BOUND);
  });

  it.each(EXPORT_FORMATS)(
    '%s: a reader that goes away stops the writer (and so the read behind it)',
    async (format) => {
      const body = new PassThrough({ highWaterMark: 64 * 1024 });
      const writer = metricsWriter(format, body);
      const next = await manyRows(MANY[format] + 10);
      const writing = writer.rows(next(MANY[format]));
      await new Promise((resolve) => setTimeout(resolve, 50));
      body.destroy();
      await expect(writing).rejects.toBeInstanceOf(StreamClosedError);
      // Nothing more can be written, and the document cannot be finished.
      await expect(writer.rows(next(10))).rejects.toBeInstanceOf(StreamClosedError);
      await expect(writer.finish()).rejects.toBeInstanceOf(StreamClosedError);
      writer.abort();
    },
  );
});

describe('a client that goes away', () => {
  // A portfolio whose export is larger than the buffers between the writer and the client.
  let big: TestApp;
  let bigToken: string;
  let total = 0;
  beforeAll(async () => {
    big = await startTestApp({ customers: 400, days: 7, otherPartner: false });
    bigToken = await big.token(['sales_agent']);
    total = (await getPortfolioReport(big.t.store, { partnerId: PARTNER, channel: 'all' })).rows.length;
  }, 120_000);
  afterAll(() => big?.close());

  it.each(EXPORT_FORMATS)(
    '%s: the export stops, its read unit ends, the audit says failed; the next export is whole',
    async (format) => {
      expect(total).toBeGreaterThan(3000);
      const exports = () => big.accounts.auditLog(PARTNER, ['export'], 50);
      const seen = Math.max(0, ...(await exports()).map((a) => a.auditId));
      const r = await big.app.inject({
        method: 'GET',
        url: `/api/v1/exports/metrics?format=${format}`,
        headers: { authorization: `Bearer ${bigToken}` },
        payloadAsStream: true,
      });
      expect(r.statusCode).toBe(200);
      const received = r.stream();
      // The first bytes arrive; then the client reads no more and its connection closes.
      await new Promise<void>((resolve) =>
        received.once('data', () => {
          received.pause();
          resolve();
        }),
      );
      r.raw.res.destroy();
      // The audit is written once the export has ended, after its read unit has (no timeout here:
      // an export that went on waiting for the client would never be audited).
      let record: AuditRecord | undefined;
      while (record === undefined) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        record = (await exports()).find((a) => a.auditId > seen);
      }
      expect(record.details.format).toBe(format);
      expect(record.outcome).toBe('failed');
      expect(record.details.rows).toBeLessThan(total);

      const whole = await big.call(bigToken, { method: 'GET', url: `/api/v1/exports/metrics?format=json` });
      expect(whole.statusCode).toBe(200);
      expect(whole.json()).toHaveLength(total);
    },
    60_000,
  );
});
