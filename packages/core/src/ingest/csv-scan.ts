/**
 * A streaming RFC 4180 scanner that knows where it is: physical line of every record, field
 * position of every value. It is the precise half of CSV ingest: the store's bulk reader (DuckDB
 * `read_csv`) is fast but cannot say on which line a value stood, so when anything is wrong this
 * scanner finds the lines and the structural faults (field counts, quotes, bad UTF-8, records over
 * the size limit).
 *
 * Dialect (the one the bulk reader is given, so both count records alike): `,` or `;` separator
 * (`CsvDelimiter`), `"` quote doubled inside quoted fields, line breaks \n, \r\n or \r, a UTF-8 BOM
 * allowed at the start, blank lines skipped, a bare `"` inside an unquoted field taken literally, a
 * record of `MAX_RECORD_BYTES` or more refused (measured as the bulk reader measures it: every byte
 * of the record, line breaks inside quotes included, plus the \r of a closing \r\n).
 *
 * Memory: one read buffer plus the fields of the record being collected (never more than the
 * record limit); never the whole file.
 */
import { open } from 'node:fs/promises';
import type { Problem } from '@license-insights/contracts';

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const CHUNK = 1 << 20;

/** Field separators a CSV file may use: `,`, or `;` (what Excel writes in Polish, German, … locales). */
export const CSV_DELIMITERS = [',', ';'] as const;
export type CsvDelimiter = (typeof CSV_DELIMITERS)[number];

/**
 * Largest record a CSV file may hold, in bytes (exclusive): the bulk reader's `max_line_size`. No
 * valid record comes near it (a canonical record is at most a few kilobytes); a longer one is
 * almost always a stray quote that swallowed the lines after it.
 */
export const MAX_RECORD_BYTES = 2_000_000;

export interface CsvScanOptions {
  /** Name used in problems (the path as the user gave it). */
  readonly displayName: string;
  readonly maxProblems: number;
  /** Field separator (default `,`). */
  readonly delimiter?: CsvDelimiter;
  /** Records (0-based, header excluded) whose line and fields the caller wants. */
  readonly wanted?: ReadonlySet<number>;
  readonly onWanted?: (rec: number, line: number, fields: readonly string[]) => void;
  /** Stop after the header (to sniff a file). */
  readonly headerOnly?: boolean;
  /** Record size limit in bytes (exclusive; default `MAX_RECORD_BYTES`). */
  readonly maxRecordBytes?: number;
  /** Stops the scan (it throws) when aborted; checked once per read chunk. */
  readonly signal?: AbortSignal;
}

export interface CsvScanResult {
  readonly header: readonly string[] | null;
  /** Well-formed records (header excluded): the ones a bulk reader keeps. */
  readonly records: number;
  /** Records refused for their structure (field count, quotes, encoding, size). */
  readonly badRecords: number;
  /** Structural problems (field counts, quotes, encoding, size); at most `maxProblems`. */
  readonly problems: readonly Problem[];
  /** How many structural problems there were in all. */
  readonly problemCount: number;
  readonly bom: boolean;
}

type State = 'fieldStart' | 'unquoted' | 'quoted' | 'quoteInQuoted';

/** What a byte that is not UTF-8 would be in the usual single-byte encodings, for the message. */
function legacyReading(b: number): string {
  const as = (encoding: string) => {
    try {
      return new TextDecoder(encoding).decode(Uint8Array.of(b));
    } catch {
      return undefined;
    }
  };
  const cp1250 = as('windows-1250');
  const cp1252 = as('windows-1252');
  const parts = [
    cp1250 !== undefined ? `${JSON.stringify(cp1250)} in Windows-1250` : null,
    cp1252 !== undefined && cp1252 !== cp1250 ? `${JSON.stringify(cp1252)} in Windows-1252` : null,
  ].filter((x) => x !== null);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

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
  const SEP = (options.delimiter ?? ',').charCodeAt(0);
  const limit = options.maxRecordBytes ?? MAX_RECORD_BYTES;
  let header: string[] | null = null;
  let records = 0;
  let badRecords = 0;
  let bom = false;
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    let filePos = 0; // file offset of buf[0]
    let state: State = 'fieldStart';
    let line = 1; // physical line of the current byte
    let recLine = 1; // line the current record started on
    let fieldIndex = 0; // 0-based position of the current field
    let quoteLine = 0; // line of the opening quote of the current quoted field
    let recIndex = -1; // index the current record gets if well-formed; -1 = header
    let recordBad = false; // a quote, encoding or size fault was seen in the current record
    let collect = true; // header is always collected
    let fields: string[] = [];
    let fieldBytes: number[] = [];
    let recordHasContent = false;
    let recBytes = 0; // bytes of the current record so far
    let overField = -1; // field in which the record reached the size limit, or -1
    let prevCR = false;
    // UTF-8 validation: continuation bytes still expected, the allowed range of the next one, and
    // where the sequence started (a broken sequence is reported at its first byte).
    let utf8Need = 0;
    let utf8Lo = 0x80;
    let utf8Hi = 0xbf;
    let leadByte = 0;
    let leadLine = 0;
    let leadField = 0;
    let utf8BadLine = 0; // last line where bad UTF-8 was reported (one report per line)
    let first = true;
    let done = false;

    const badByte = (b: number, at: number, field: number) => {
      recordBad = true;
      if (utf8BadLine === at) return;
      utf8BadLine = at;
      problem({
        code: 'ingest.encoding',
        line: at,
        column: field + 1,
        value: `byte 0x${b.toString(16).padStart(2, '0')}${legacyReading(b)}`,
        expected: 'UTF-8 text',
        message:
          'a byte that is not UTF-8: the file looks saved as Windows-1250/1252 or Latin-1; save it as UTF-8 (in Excel: "CSV UTF-8")',
      });
    };
    const endField = () => {
      if (collect) fields.push(Buffer.from(fieldBytes).toString('utf8'));
      fieldBytes = [];
      fieldIndex++;
    };
    /** Ends the current record; `crlf`: it ended with \r\n (the bulk reader counts the \r). */
    const endRecord = (crlf: boolean) => {
      const size = recBytes + (crlf ? 1 : 0);
      const tooLong = size >= limit;
      if (tooLong) {
        recordBad = true;
        problem({
          code: 'ingest.record_too_long',
          line: recLine,
          column: (overField >= 0 ? overField : Math.max(0, fieldIndex - 1)) + 1,
          value: `${size.toLocaleString('en-US')} bytes`,
          expected: `records shorter than ${limit.toLocaleString('en-US')} bytes`,
          message:
            'record too long to be a row of this file (often a stray " that swallowed the lines after it)',
        });
      }
      if (recIndex === -1) {
        header = tooLong ? null : fields;
        if (options.headerOnly || tooLong) done = true;
      } else {
        const expected = header?.length ?? 0;
        if (fieldIndex !== expected && !tooLong) {
          recordBad = true;
          const hint =
            SEP === 0x3b && fieldIndex > expected
              ? ' (in a ;-separated file a list value holding ; must be quoted: "west;priority")'
              : '';
          problem({
            code: 'ingest.field_count',
            line: recLine,
            value: String(fieldIndex),
            expected: `${expected} fields, as in the header`,
            message: `record has ${fieldIndex} field${fieldIndex === 1 ? '' : 's'}${hint}`,
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
      recBytes = 0;
      overField = -1;
    };
    /** Whether the byte after the \r at `i` is \n (read ahead across the chunk end if need be). */
    const crlfAt = async (i: number, bytesRead: number): Promise<boolean> => {
      if (i + 1 < bytesRead) return buf[i + 1] === LF;
      const peek = Buffer.alloc(1);
      const { bytesRead: n } = await fh.read(peek, 0, 1, filePos + i + 1);
      return n === 1 && peek[0] === LF;
    };
    /** Ends a record at the line break `b` (at `i`); only a record on the limit's edge needs to look ahead. */
    const endRecordAt = async (b: number, i: number, bytesRead: number) => {
      endField();
      endRecord(b === CR && recBytes === limit - 1 && (await crlfAt(i, bytesRead)));
    };

    while (!done) {
      options.signal?.throwIfAborted();
      const { bytesRead } = await fh.read(buf, 0, CHUNK, filePos);
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
        // UTF-8 validation, byte by byte: a bad sequence marks the record and is reported (once per
        // line) as the byte that starts it, at that byte's line and field.
        let continuation = false;
        if (utf8Need > 0) {
          if (b >= utf8Lo && b <= utf8Hi) {
            continuation = true;
            utf8Need--;
            utf8Lo = 0x80;
            utf8Hi = 0xbf;
          } else {
            utf8Need = 0;
            badByte(leadByte, leadLine, leadField);
          }
        }
        if (!continuation && b >= 0x80) {
          leadByte = b;
          leadLine = line;
          leadField = fieldIndex;
          utf8Lo = 0x80;
          utf8Hi = 0xbf;
          if (b >= 0xc2 && b <= 0xdf) utf8Need = 1;
          else if (b >= 0xe0 && b <= 0xef) {
            utf8Need = 2;
            if (b === 0xe0) utf8Lo = 0xa0; // no overlong forms
            if (b === 0xed) utf8Hi = 0x9f; // no surrogates
          } else if (b >= 0xf0 && b <= 0xf4) {
            utf8Need = 3;
            if (b === 0xf0) utf8Lo = 0x90;
            if (b === 0xf4) utf8Hi = 0x8f; // nothing above U+10FFFF
          } else badByte(b, line, fieldIndex);
        }
        if (b === LF && prevCR) {
          // second half of \r\n: the line break was counted at \r
          prevCR = false;
          if (state === 'quoted') {
            if (collect && overField < 0) fieldBytes.push(LF);
            recBytes++;
          }
          continue;
        }
        prevCR = b === CR;
        const isBreak = b === LF || b === CR;
        if (state !== 'fieldStart' || !isBreak || recordHasContent || fieldIndex > 0) {
          // a byte of the record (a record-ending line break is counted by endRecord)
          if (state === 'quoted' || !isBreak) {
            recBytes++;
            if (recBytes >= limit && overField < 0) {
              overField = fieldIndex;
              fieldBytes = [];
            }
          }
        }
        const keep = collect && overField < 0;
        switch (state) {
          case 'fieldStart':
            if (b === QUOTE) {
              state = 'quoted';
              quoteLine = line;
              recordHasContent = true;
            } else if (b === SEP) {
              recordHasContent = true;
              endField();
            } else if (isBreak) {
              if (recordHasContent || fieldIndex > 0) await endRecordAt(b, i, bytesRead);
              line++;
              recLine = line;
            } else {
              state = 'unquoted';
              recordHasContent = true;
              if (keep) fieldBytes.push(b);
            }
            break;
          case 'unquoted':
            if (b === SEP) {
              endField();
              state = 'fieldStart';
            } else if (isBreak) {
              await endRecordAt(b, i, bytesRead);
              state = 'fieldStart';
              line++;
              recLine = line;
            } else if (keep) fieldBytes.push(b);
            break;
          case 'quoted':
            if (b === QUOTE) state = 'quoteInQuoted';
            else {
              if (keep) fieldBytes.push(b);
              if (isBreak) line++;
            }
            break;
          case 'quoteInQuoted':
            if (b === QUOTE) {
              if (keep) fieldBytes.push(QUOTE);
              state = 'quoted';
            } else if (b === SEP) {
              endField();
              state = 'fieldStart';
            } else if (isBreak) {
              await endRecordAt(b, i, bytesRead);
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
                expected: `a ${String.fromCharCode(SEP)} or line break after a closing quote (write "" for a quote inside a quoted value)`,
                message: 'text after the closing quote of a quoted value',
              });
              state = 'unquoted';
            }
            break;
        }
      }
      filePos += bytesRead;
    }
    if (!done) {
      if (utf8Need > 0) {
        recordBad = true;
        problem({
          code: 'ingest.encoding',
          line: leadLine,
          column: leadField + 1,
          value: `byte 0x${leadByte.toString(16).padStart(2, '0')}`,
          expected: 'UTF-8 text',
          message: 'the file ends in the middle of a UTF-8 character',
        });
      }
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
        endRecord(false);
      }
    }
  } finally {
    await fh.close();
  }
  return { header, records, badRecords, problems, problemCount, bom };
}

/**
 * Whether a file has a line of about `MAX_RECORD_BYTES` or more (any run of 2 × `chunk` bytes
 * without a line break is found; shorter ones may be): a cheap look at the raw bytes, one search
 * per chunk. The bulk reader drops a record longer than its read buffer without a word, so a file
 * with such a line is always read by the precise path, where the scanner reports it.
 */
export async function hasLongLine(path: string, chunk = MAX_RECORD_BYTES / 2): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(chunk);
    let pos = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, chunk, pos);
      if (bytesRead < chunk) return false; // the last chunk: a line that ends the file is shorter than the chunk before it found
      if (buf.indexOf(LF) < 0 && buf.indexOf(CR) < 0) return true;
      pos += bytesRead;
    }
  } finally {
    await fh.close();
  }
}
