/**
 * The three export formats of SPEC §4 metrics rows, written chunk by chunk to a stream with the
 * same columns (`METRICS_ROW_COLUMNS`) in each:
 * - CSV: UTF-8 with the byte order mark (Excel reads names like "Łódź" right), RFC 4180, cells a
 *   spreadsheet would take for a formula prefixed with `'` (core's csv-writer), reasons `CODE:n;…`;
 * - XLSX: exceljs' streaming workbook writer; counts as integer cells, percentages as number cells
 *   with a number format, unknown values as empty cells, reasons as `CODE:n;…` text, booleans as
 *   booleans, the header row frozen; past a sheet's row limit (Excel's 1,048,576) the rows go on
 *   in a further sheet with the same header. Text cells are never formulas in XLSX;
 * - JSON: one array of metrics rows, written as it is read.
 * Each writer waits for the stream to take what it wrote (backpressure), so an export holds about
 * one chunk in memory whatever its size.
 */
import type { Writable } from 'node:stream';
import { type ExportFormat, METRICS_ROW_COLUMNS, type MetricsRow } from '@license-insights/contracts';
import { CSV_BOM, METRICS_CSV_HEADER, metricsCsvLine, metricsRowCells } from '@license-insights/core';
import ExcelJS from 'exceljs';
import { drained, end, whenFinished, write } from './writable';

export interface MetricsWriter {
  rows(chunk: readonly MetricsRow[]): Promise<void>;
  /** Writes what closes the document and ends the stream. */
  finish(): Promise<void>;
}

/** Text gathered before a write: large enough to be cheap, small enough to stay flat. */
const BATCH_CHARS = 64 * 1024;

/** Writes text in batches, waiting on the stream between them. */
class TextWriter {
  private buffer = '';
  constructor(private readonly out: Writable) {}
  async add(text: string): Promise<void> {
    this.buffer += text;
    if (this.buffer.length >= BATCH_CHARS) await this.flush();
  }
  async flush(): Promise<void> {
    if (this.buffer === '') return;
    const text = this.buffer;
    this.buffer = '';
    await write(this.out, text);
  }
}

export function csvWriter(out: Writable): MetricsWriter {
  const text = new TextWriter(out);
  let started = false;
  return {
    async rows(chunk) {
      if (!started) {
        started = true;
        await text.add(CSV_BOM + METRICS_CSV_HEADER);
      }
      for (const r of chunk) await text.add(metricsCsvLine(r));
    },
    async finish() {
      if (!started) await text.add(CSV_BOM + METRICS_CSV_HEADER);
      await text.flush();
      await end(out);
    },
  };
}

export function jsonWriter(out: Writable): MetricsWriter {
  const text = new TextWriter(out);
  let first = true;
  return {
    async rows(chunk) {
      for (const r of chunk) {
        await text.add(`${first ? '[\n' : ',\n'}${JSON.stringify(r)}`);
        first = false;
      }
    },
    async finish() {
      await text.add(first ? '[]\n' : '\n]\n');
      await text.flush();
      await end(out);
    },
  };
}

/** Excel's rows per sheet, the header row included. */
export const EXCEL_MAX_ROWS = 1_048_576;

type Column = (typeof METRICS_ROW_COLUMNS)[number];
const PERCENT_COLUMNS: ReadonlySet<Column> = new Set(['deploymentPercent', 'usagePercent']);
const COUNT_COLUMNS: ReadonlySet<Column> = new Set([
  'licensesSold',
  'licensesSoldOwn',
  'licensesDeployed',
  'licensesActive',
  'licensesQualified',
]);
const WIDTHS: Partial<Record<Column, number>> = {
  processedDateTime: 12,
  customerTenantId: 38,
  customerName: 32,
  serviceName: 26,
  productId: 38,
  productName: 36,
  workloadName: 24,
  usageReasons: 30,
  deploymentReasons: 30,
};

/** Bytes the zip archiver may hold before the writer waits for the stream to take them. */
const ZIP_HELD_BYTES = 1024 * 1024;

export interface XlsxOptions {
  /** Rows per sheet, the header included (default Excel's maximum): then a further sheet. */
  readonly sheetRowLimit?: number;
  readonly sheetName?: string;
}

/**
 * XLSX through exceljs' streaming writer. exceljs pipes its zip archiver into the stream but
 * writes into the archiver without waiting: after each chunk the writer waits until the stream has
 * drained and the archiver holds little, so memory stays flat for a slow client too.
 */
export function xlsxWriter(out: Writable, options: XlsxOptions = {}): MetricsWriter {
  const limit = Math.max(2, options.sheetRowLimit ?? EXCEL_MAX_ROWS);
  const name = options.sheetName ?? 'Metrics';
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  const zip = (workbook as unknown as { zip?: { readableLength: number; writableLength: number } }).zip;
  let sheet: ExcelJS.Worksheet | null = null;
  let sheets = 0;
  let rowsInSheet = 0;

  const openSheet = () => {
    sheet?.commit();
    sheets++;
    const s = workbook.addWorksheet(sheets === 1 ? name : `${name} ${sheets}`, {
      views: [{ state: 'frozen', ySplit: 1 }],
    });
    s.columns = METRICS_ROW_COLUMNS.map((c) => ({
      key: c,
      width: WIDTHS[c] ?? Math.max(10, c.length + 2),
      ...(PERCENT_COLUMNS.has(c) ? { style: { numFmt: '0.0' } } : {}),
      ...(COUNT_COLUMNS.has(c) ? { style: { numFmt: '0' } } : {}),
    }));
    const header = s.addRow([...METRICS_ROW_COLUMNS]);
    header.font = { bold: true };
    header.commit();
    sheet = s;
    rowsInSheet = 1;
    return s;
  };

  const settle = async () => {
    for (;;) {
      await drained(out);
      if (zip === undefined || zip.readableLength + zip.writableLength <= ZIP_HELD_BYTES) return;
      await new Promise<void>((resolve) => setTimeout(resolve, 5));
    }
  };

  return {
    async rows(chunk) {
      for (const r of chunk) {
        const s = sheet === null || rowsInSheet >= limit ? openSheet() : sheet;
        // Cells in column order: numbers stay numbers, null an empty cell, reasons their text.
        s.addRow(metricsRowCells(r).map((v) => (v === '' ? null : v))).commit();
        rowsInSheet++;
      }
      await settle();
    },
    async finish() {
      if (sheet === null) openSheet();
      // The workbook ends the stream (its archiver is piped into it); wait until it is taken.
      const taken = whenFinished(out);
      await workbook.commit();
      await taken;
    },
  };
}

export function metricsWriter(format: ExportFormat, out: Writable, xlsx: XlsxOptions = {}): MetricsWriter {
  switch (format) {
    case 'csv':
      return csvWriter(out);
    case 'json':
      return jsonWriter(out);
    case 'xlsx':
      return xlsxWriter(out, xlsx);
  }
}
