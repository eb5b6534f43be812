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
import { drained, end, StreamClosedError, whenFinished, write } from './writable';

export interface MetricsWriter {
  rows(chunk: readonly MetricsRow[]): Promise<void>;
  /** Writes what closes the document and ends the stream. */
  finish(): Promise<void>;
  /** Lets go of what the writer holds after a failure (the stream was closed, the read failed). */
  abort(): void;
}

/** Text gathered before a write: large enough to be cheap, small enough to stay flat. */
const BATCH_CHARS = 64 * 1024;

/** Writes text in batches, waiting on the stream between them. */
class TextWriter {
  private buffer = '';
  constructor(private readonly out: Writable) {}
  /**
   * Adds text; a promise only when a batch went to the stream (await it), so a row that only
   * gathers text costs no turn of the event loop.
   */
  add(text: string): Promise<void> | undefined {
    // A closed stream fails the next row, not the next batch: the read behind it stops at once.
    if (this.out.destroyed || this.out.writableEnded) throw new StreamClosedError();
    this.buffer += text;
    return this.buffer.length >= BATCH_CHARS ? this.flush() : undefined;
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
      for (const r of chunk) {
        const written = text.add(metricsCsvLine(r));
        if (written !== undefined) await written;
      }
    },
    async finish() {
      if (!started) await text.add(CSV_BOM + METRICS_CSV_HEADER);
      await text.flush();
      await end(out);
    },
    abort() {},
  };
}

export function jsonWriter(out: Writable): MetricsWriter {
  const text = new TextWriter(out);
  let first = true;
  return {
    async rows(chunk) {
      for (const r of chunk) {
        const written = text.add(`${first ? '[\n' : ',\n'}${JSON.stringify(r)}`);
        first = false;
        if (written !== undefined) await written;
      }
    },
    async finish() {
      await text.add(first ? '[]\n' : '\n]\n');
      await text.flush();
      await end(out);
    },
    abort() {},
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

/** Bytes of sheet XML and zip output the writer lets wait before it waits for the stream. */
const XLSX_HELD_BYTES = 1024 * 1024;

export interface XlsxOptions {
  /** Rows per sheet, the header included (default Excel's maximum): then a further sheet. */
  readonly sheetRowLimit?: number;
  readonly sheetName?: string;
}

/**
 * A stream that holds data: the archiver and the PassThroughs in front of it. They come from the
 * `readable-stream` package (version 2 for the PassThroughs, without `readableLength`), so the
 * byte counts are read from the stream states both versions and Node's own streams keep.
 */
interface HoldingStream {
  readonly _readableState: { readonly length: number; readonly endEmitted: boolean };
  readonly _writableState: { readonly length: number };
}

function isHoldingStream(v: unknown): v is HoldingStream {
  if (typeof v !== 'object' || v === null) return false;
  const { _readableState: r, _writableState: w } = v as {
    _readableState?: unknown;
    _writableState?: unknown;
  };
  const length = (state: unknown) =>
    typeof state === 'object' && state !== null && typeof (state as { length?: unknown }).length === 'number';
  return length(r) && length(w);
}

/** Bytes a holding stream keeps: written and not yet transformed, and transformed and not yet read. */
function heldBy(stream: HoldingStream): number {
  return stream._readableState.length + stream._writableState.length;
}

/**
 * The stream exceljs hands a sheet's XML to. exceljs writes a sheet into its own `StreamBuf`, which
 * the zip archiver reads through a PassThrough it pipes it into; StreamBuf writes into that
 * PassThrough without ever waiting, so it holds everything the archiver has not compressed yet.
 * Found through exceljs 4's internals: if they change, this fails loudly instead of letting an
 * export grow without bound.
 */
function sheetInput(sheet: ExcelJS.Worksheet): HoldingStream {
  const buf = (sheet as unknown as { stream?: { pipes?: unknown } }).stream;
  const pipes = buf?.pipes;
  const input = Array.isArray(pipes) ? (pipes as unknown[])[0] : undefined;
  if (!isHoldingStream(input)) {
    throw new Error('exceljs internals changed: the sheet stream the archiver reads was not found');
  }
  return input;
}

/**
 * XLSX through exceljs' streaming writer. exceljs pipes its zip archiver into the stream, but a
 * sheet's rows pile up in front of the archiver without any backpressure: after each chunk the
 * writer waits until the stream has drained and the sheets' XML and the archiver hold little, so
 * memory stays flat for a slow client too, and a closed stream stops it.
 */
export function xlsxWriter(out: Writable, options: XlsxOptions = {}): MetricsWriter {
  const limit = Math.max(2, options.sheetRowLimit ?? EXCEL_MAX_ROWS);
  const name = options.sheetName ?? 'Metrics';
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  const zip = (workbook as unknown as { zip?: unknown }).zip;
  if (!isHoldingStream(zip)) throw new Error('exceljs internals changed: the zip archiver was not found');
  /** The inputs of the sheets the archiver has not read to the end yet. */
  let inputs: HoldingStream[] = [];
  let sheet: ExcelJS.Worksheet | null = null;
  let sheets = 0;
  let rowsInSheet = 0;

  const openSheet = () => {
    sheet?.commit();
    sheets++;
    const s = workbook.addWorksheet(sheets === 1 ? name : `${name} ${sheets}`, {
      views: [{ state: 'frozen', ySplit: 1 }],
    });
    inputs.push(sheetInput(s));
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

  const held = () => {
    inputs = inputs.filter((i) => !i._readableState.endEmitted);
    let bytes = heldBy(zip);
    for (const i of inputs) bytes += heldBy(i);
    return bytes;
  };

  // Waits for the stream, then while the archiver works through what is held (it compresses on
  // the thread pool: a short wait lets it run); a closed stream fails the wait.
  const settle = async () => {
    for (;;) {
      await drained(out);
      if (held() <= XLSX_HELD_BYTES) return;
      await new Promise<void>((resolve) => setTimeout(resolve, 2));
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
      // The workbook ends the stream (its archiver is piped into it) and resolves when the stream
      // has finished; a stream closed first never finishes, so its closing fails the wait.
      await Promise.all([workbook.commit(), whenFinished(out)]);
    },
    abort() {
      (zip as unknown as { abort?: () => void }).abort?.();
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
