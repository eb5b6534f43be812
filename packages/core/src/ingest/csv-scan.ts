/**
 * A streaming RFC 4180 scanner that knows where it is: physical line of every record, field
 * position of every value. It is the precise half of CSV ingest: the store's bulk reader (DuckDB
 * `read_csv`) is fast but cannot say on which line a value stood, so when anything is wrong this
 * scanner finds the lines and the structural faults (field counts, quotes, bad UTF-8).
 *
 * Dialect (the one the bulk reader is given, so both count records alike): `,` separator, `"`
 * quote doubled inside quoted fields, line breaks \n, \r\n or \r, a UTF-8 BOM allowed at the start,
 * blank lines skipped, a bare `"` inside an unquoted field taken literally.
 *
 * Memory: one read buffer plus the fields of the record being collected; never the whole file.
 */
import { open } from 'node:fs/promises';
import type { Problem } from '@license-insights/contracts';

const COMMA = 0x2c;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const CHUNK = 1 << 20;

export interface CsvScanOptions {
  /** Name used in problems (the path as the user gave it). */
  readonly displayName: string;
  readonly maxProblems: number;
  /** Records (0-based, header excluded) whose line and fields the caller wants. */
  readonly wanted?: ReadonlySet<number>;
  readonly onWanted?: (rec: number, line: number, fields: readonly string[]) => void;
  /** Stop after the header (to sniff a file). */
  readonly headerOnly?: boolean;
}

export interface CsvScanResult {
  readonly header: readonly string[] | null;
  /** Well-formed records (header excluded): the ones a bulk reader keeps. */
  readonly records: number;
  /** Records refused for their structure (field count, quotes, encoding). */
  readonly badRecords: number;
  /** Structural problems (field counts, quotes, encoding); at most `maxProblems`. */
  readonly problems: readonly Problem[];
  /** How many structural problems there were in all. */
  readonly problemCount: number;
  readonly bom: boolean;
}

type State = 'fieldStart' | 'unquoted' | 'quoted' | 'quoteInQuoted';

/** Scans a CSV file; see the module header for the dialect. */
export async function scanCsv(path: string, options: CsvScanOptions): Promise<CsvScanResult> {
  const fh = await open(path, 'r');
  const problems: Problem[] = [];
  let problemCount = 0;
  const problem = (p: Omit<Problem, 'file' | 'severity'>) => {
    problemCount++;
    if (problems.length < options.maxProblems)
      problems.push({ severity: 'error', file: options.displayName, ...p });
  };
  const wanted = options.wanted;
  let header: string[] | null = null;
  let records = 0;
  let badRecords = 0;
  let bom = false;
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    let state: State = 'fieldStart';
    let line = 1; // physical line of the current byte
    let recLine = 1; // line the current record started on
    let fieldIndex = 0; // 0-based position of the current field
    let quoteLine = 0; // line of the opening quote of the current quoted field
    let recIndex = -1; // index the current record gets if well-formed; -1 = header
    let recordBad = false; // a quote or encoding fault was seen in the current record
    let collect = true; // header is always collected
    let fields: string[] = [];
    let fieldBytes: number[] = [];
    let recordHasContent = false;
    let prevCR = false;
    let utf8Need = 0; // continuation bytes still expected
    let utf8BadLine = 0; // last line where bad UTF-8 was reported (one report per line)
    let first = true;
    let done = false;

    const badByte = (b: number, at: number, field: number, message: string) => {
      recordBad = true;
      if (utf8BadLine === at) return;
      utf8BadLine = at;
      problem({
        code: 'ingest.encoding',
        line: at,
        column: field + 1,
        value: `byte 0x${b.toString(16).padStart(2, '0')}`,
        expected: 'UTF-8 text',
        message,
      });
    };
    const endField = () => {
      if (collect) fields.push(Buffer.from(fieldBytes).toString('utf8'));
      fieldBytes = [];
      fieldIndex++;
    };
    const endRecord = () => {
      if (recIndex === -1) {
        header = fields;
        if (options.headerOnly) done = true;
      } else {
        const expected = header?.length ?? 0;
        if (fieldIndex !== expected) {
          recordBad = true;
          problem({
            code: 'ingest.field_count',
            line: recLine,
            value: String(fieldIndex),
            expected: `${expected} fields, as in the header`,
            message: `record has ${fieldIndex} field${fieldIndex === 1 ? '' : 's'}`,
          });
        }
        if (recordBad) badRecords++;
        else {
          if (collect && options.onWanted) options.onWanted(recIndex, recLine, fields);
          records++;
          recIndex++;
        }
      }
      if (recIndex === -1) recIndex = 0;
      recordBad = false;
      collect = wanted?.has(recIndex) ?? false;
      fields = [];
      fieldBytes = [];
      fieldIndex = 0;
      recordHasContent = false;
    };

    while (!done) {
      const { bytesRead } = await fh.read(buf, 0, CHUNK, null);
      if (bytesRead === 0) break;
      let i = 0;
      if (first) {
        first = false;
        if (
          bytesRead >= 2 &&
          ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff))
        ) {
          problem({
            code: 'ingest.encoding',
            line: 1,
            value: 'UTF-16',
            expected: 'UTF-8 (with or without BOM)',
            message: 'the file is UTF-16 encoded; save it as UTF-8 (in Excel: "CSV UTF-8")',
          });
          return { header: null, records: 0, badRecords: 0, problems, problemCount, bom: false };
        }
        if (bytesRead >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
          bom = true;
          i = 3;
        }
      }
      for (; i < bytesRead && !done; i++) {
        const b = buf[i] as number;
        // UTF-8 validation, byte by byte: a bad byte marks the record and is reported once per line.
        if (utf8Need > 0) {
          if ((b & 0xc0) !== 0x80) {
            utf8Need = 0;
            badByte(b, line, fieldIndex, 'invalid UTF-8 byte sequence; save the file as UTF-8');
          } else utf8Need--;
        } else if (b >= 0x80) {
          if (b >= 0xc2 && b <= 0xdf) utf8Need = 1;
          else if (b >= 0xe0 && b <= 0xef) utf8Need = 2;
          else if (b >= 0xf0 && b <= 0xf4) utf8Need = 3;
          else {
            badByte(
              b,
              line,
              fieldIndex,
              'invalid UTF-8 byte; the file looks like Windows-1250/1252 or Latin-1, save it as UTF-8',
            );
          }
        }
        if (b === LF && prevCR) {
          // second half of \r\n: the line break was counted at \r
          prevCR = false;
          if (state === 'quoted' && collect) fieldBytes.push(LF);
          continue;
        }
        prevCR = b === CR;
        const isBreak = b === LF || b === CR;
        switch (state) {
          case 'fieldStart':
            if (b === QUOTE) {
              state = 'quoted';
              quoteLine = line;
              recordHasContent = true;
            } else if (b === COMMA) {
              recordHasContent = true;
              endField();
            } else if (isBreak) {
              if (recordHasContent || fieldIndex > 0) {
                endField();
                endRecord();
              }
              line++;
              recLine = line;
            } else {
              state = 'unquoted';
              recordHasContent = true;
              if (collect) fieldBytes.push(b);
            }
            break;
          case 'unquoted':
            if (b === COMMA) {
              endField();
              state = 'fieldStart';
            } else if (isBreak) {
              endField();
              endRecord();
              state = 'fieldStart';
              line++;
              recLine = line;
            } else if (collect) fieldBytes.push(b);
            break;
          case 'quoted':
            if (b === QUOTE) state = 'quoteInQuoted';
            else {
              if (collect) fieldBytes.push(b);
              if (isBreak) line++;
            }
            break;
          case 'quoteInQuoted':
            if (b === QUOTE) {
              if (collect) fieldBytes.push(QUOTE);
              state = 'quoted';
            } else if (b === COMMA) {
              endField();
              state = 'fieldStart';
            } else if (isBreak) {
              endField();
              endRecord();
              state = 'fieldStart';
              line++;
              recLine = line;
            } else {
              recordBad = true;
              problem({
                code: 'ingest.quote',
                line,
                column: fieldIndex + 1,
                value: String.fromCharCode(b),
                expected:
                  'a , or line break after a closing quote (write "" for a quote inside a quoted value)',
                message: 'text after the closing quote of a quoted value',
              });
              state = 'unquoted';
            }
            break;
        }
      }
    }
    if (!done) {
      if (state === 'quoted') {
        problem({
          code: 'ingest.quote',
          line: quoteLine,
          column: fieldIndex + 1,
          expected: 'a closing "',
          message: 'a quoted value is never closed (the file ends inside it)',
        });
        if (recIndex >= 0) badRecords++;
      } else if (recordHasContent || fieldIndex > 0 || state !== 'fieldStart') {
        endField();
        endRecord();
      }
      if (utf8Need > 0) {
        problem({
          code: 'ingest.encoding',
          line,
          expected: 'UTF-8 text',
          message: 'the file ends in the middle of a UTF-8 character',
        });
      }
    }
  } finally {
    await fh.close();
  }
  return { header, records, badRecords, problems, problemCount, bom };
}
