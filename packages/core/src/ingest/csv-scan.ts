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
import { type FileHandle, open } from 'node:fs/promises';
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
  /** Bytes per read (default 1 MiB); tests read in tiny chunks to cross every chunk edge. */
  readonly chunkBytes?: number;
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
  try {
    const scan = new CsvScan(fh, options);
    await scan.readChunks();
    if (!scan.done) scan.endOfFile();
    return scan.result();
  } finally {
    await fh.close();
  }
}

/**
 * The state of one scan, owned by one `scanCsv` call: where it is in the file, the record being
 * collected, and the problems so far. Each byte goes through three phases in order — UTF-8
 * validation, the record's size, its structure (fields, quotes, line breaks) — which end fields and
 * records.
 */
class CsvScan {
  private readonly problems: Problem[] = [];
  private problemCount = 0;
  private readonly wanted: ReadonlySet<number> | undefined;
  private readonly sep: number;
  private readonly limit: number;
  private header: string[] | null = null;
  private records = 0;
  private badRecords = 0;
  private bom = false;
  /** Set when the scan ends before the end of the file (header only, header too long, UTF-16). */
  done = false;

  private readonly chunk: number;
  private readonly buf: Buffer;
  private filePos = 0; // file offset of buf[0]
  private state: State = 'fieldStart';
  private line = 1; // physical line of the current byte
  private recLine = 1; // line the current record started on
  private fieldIndex = 0; // 0-based position of the current field
  private quoteLine = 0; // line of the opening quote of the current quoted field
  private recIndex = -1; // index the current record gets if well-formed; -1 = header
  private recordBad = false; // a quote, encoding or size fault was seen in the current record
  private collect = true; // header is always collected
  private fields: string[] = [];
  private fieldBytes: number[] = [];
  /**
   * While the kept bytes of the current field are one run of the read buffer: where it starts and
   * ends (exclusive), so the value is decoded from the buffer at once; -1 when there is no such
   * run (its bytes, if any, are in `fieldBytes`). Spilled into `fieldBytes` at a gap (a doubled
   * quote) and at the end of every chunk (the buffer is read into again).
   */
  private spanStart = -1;
  private spanEnd = -1;
  private recordHasContent = false;
  private recBytes = 0; // bytes of the current record so far
  private overField = -1; // field in which the record reached the size limit, or -1
  private prevCR = false;
  // UTF-8 validation: continuation bytes still expected, the allowed range of the next one, and
  // where the sequence started (a broken sequence is reported at its first byte).
  private utf8Need = 0;
  private utf8Lo = 0x80;
  private utf8Hi = 0xbf;
  private leadByte = 0;
  private leadLine = 0;
  private leadField = 0;
  private utf8BadLine = 0; // last line where bad UTF-8 was reported (one report per line)

  constructor(
    private readonly fh: FileHandle,
    private readonly options: CsvScanOptions,
  ) {
    this.wanted = options.wanted;
    this.sep = (options.delimiter ?? ',').charCodeAt(0);
    this.limit = options.maxRecordBytes ?? MAX_RECORD_BYTES;
    this.chunk = options.chunkBytes ?? CHUNK;
    this.buf = Buffer.allocUnsafe(this.chunk);
  }

  /** Feeds the file to `scanChunk` a chunk at a time until its end or `done`; checks the signal per read. */
  async readChunks(): Promise<void> {
    while (!this.done) {
      this.options.signal?.throwIfAborted();
      const { bytesRead } = await this.fh.read(this.buf, 0, this.chunk, this.filePos);
      if (bytesRead === 0) break;
      const from = this.filePos === 0 ? this.readEncodingMark(bytesRead) : 0;
      if (this.done) return;
      await this.scanChunk(from, bytesRead);
      this.filePos += bytesRead;
    }
  }

  /** Only at offset 0: refuses UTF-16 (ends the scan), skips a UTF-8 BOM; returns where scanning starts. */
  private readEncodingMark(bytesRead: number): number {
    const buf = this.buf;
    if (bytesRead >= 2 && ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff))) {
      this.report({
        code: 'ingest.encoding',
        line: 1,
        value: 'UTF-16',
        expected: 'UTF-8 (with or without BOM)',
        message: 'the file is UTF-16 encoded; save it as UTF-8 (in Excel: "CSV UTF-8")',
      });
      this.done = true;
      return 0;
    }
    if (bytesRead >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
      this.bom = true;
      return 3;
    }
    return 0;
  }

  /** Each byte of `buf[from, bytesRead)` in turn: UTF-8, record size, structure; stops once `done` is set. */
  private async scanChunk(from: number, bytesRead: number): Promise<void> {
    const buf = this.buf;
    for (let i = from; i < bytesRead && !this.done; i++) {
      const b = buf[i] as number;
      if (this.utf8Need > 0 || b >= 0x80) this.checkUtf8(b);
      if (b === LF && this.prevCR) {
        this.secondHalfOfCrlf(i);
        continue;
      }
      this.prevCR = b === CR;
      const isBreak = b === LF || b === CR;
      if (isBreak && this.state !== 'quoted')
        this.lineBreak(this.atLimitEdge(b) && (await this.crlfAt(i, bytesRead)));
      else {
        this.countRecordByte();
        this.readStructure(b, isBreak, i);
      }
    }
    if (this.spanStart >= 0) this.spill();
  }

  /** Keeps byte `b`, at `i` of the read buffer, as the next byte of the current field's value. */
  private keepByte(b: number, i: number): void {
    if (this.spanStart >= 0) {
      if (i === this.spanEnd) {
        this.spanEnd++;
        return;
      }
      this.spill();
    } else if (this.fieldBytes.length === 0) {
      this.spanStart = i;
      this.spanEnd = i + 1;
      return;
    }
    this.fieldBytes.push(b);
  }

  /** The run of the buffer the field's value is so far, copied into `fieldBytes`. */
  private spill(): void {
    for (let j = this.spanStart; j < this.spanEnd; j++) this.fieldBytes.push(this.buf[j] as number);
    this.spanStart = -1;
  }

  /** Forgets the current field's kept bytes. */
  private dropFieldBytes(): void {
    this.spanStart = -1;
    if (this.fieldBytes.length > 0) this.fieldBytes = [];
  }

  /** UTF-8 check of a byte ≥ 0x80 or inside a sequence: a broken sequence is bad at its first byte. */
  private checkUtf8(b: number): void {
    let continuation = false;
    if (this.utf8Need > 0) {
      if (b >= this.utf8Lo && b <= this.utf8Hi) {
        continuation = true;
        this.utf8Need--;
        this.utf8Lo = 0x80;
        this.utf8Hi = 0xbf;
      } else {
        this.utf8Need = 0;
        this.badByte(this.leadByte, this.leadLine, this.leadField);
      }
    }
    if (!continuation && b >= 0x80) {
      this.leadByte = b;
      this.leadLine = this.line;
      this.leadField = this.fieldIndex;
      this.utf8Lo = 0x80;
      this.utf8Hi = 0xbf;
      if (b >= 0xc2 && b <= 0xdf) this.utf8Need = 1;
      else if (b >= 0xe0 && b <= 0xef) {
        this.utf8Need = 2;
        if (b === 0xe0) this.utf8Lo = 0xa0; // no overlong forms
        if (b === 0xed) this.utf8Hi = 0x9f; // no surrogates
      } else if (b >= 0xf0 && b <= 0xf4) {
        this.utf8Need = 3;
        if (b === 0xf0) this.utf8Lo = 0x90;
        if (b === 0xf4) this.utf8Hi = 0x8f; // nothing above U+10FFFF
      } else this.badByte(b, this.line, this.fieldIndex);
    }
  }

  /** A byte that is not UTF-8, at its line and field: the record is bad; reported once per line. */
  private badByte(b: number, at: number, field: number): void {
    this.recordBad = true;
    if (this.utf8BadLine === at) return;
    this.utf8BadLine = at;
    this.report({
      code: 'ingest.encoding',
      line: at,
      column: field + 1,
      value: `byte 0x${b.toString(16).padStart(2, '0')}${legacyReading(b)}`,
      expected: 'UTF-8 text',
      message:
        'a byte that is not UTF-8: the file looks saved as Windows-1250/1252 or Latin-1; save it as UTF-8 (in Excel: "CSV UTF-8")',
    });
  }

  /** The \n of a \r\n: the line break was counted at the \r; inside quotes it is a byte of the value. */
  private secondHalfOfCrlf(i: number): void {
    this.prevCR = false;
    if (this.state === 'quoted') {
      if (this.collect && this.overField < 0) this.keepByte(LF, i);
      this.recBytes++;
    }
  }

  /** Counts a byte of the record into its size; from the limit on, the field is no longer collected. */
  private countRecordByte(): void {
    this.recBytes++;
    if (this.recBytes >= this.limit && this.overField < 0) {
      this.overField = this.fieldIndex;
      this.dropFieldBytes();
    }
  }

  /** A line break outside quotes: ends the record if it has begun (blank lines are skipped); next line. */
  private lineBreak(crlf: boolean): void {
    if (this.recordHasContent || this.fieldIndex > 0) {
      this.endField();
      this.endRecord(crlf);
    }
    this.state = 'fieldStart';
    this.line++;
    this.recLine = this.line;
  }

  /** Whether `b` is a \r ending a record one byte short of the limit: only then does a \n after it count. */
  private atLimitEdge(b: number): boolean {
    return b === CR && this.recBytes === this.limit - 1 && (this.recordHasContent || this.fieldIndex > 0);
  }

  /** Whether the byte after the \r at `i` is \n (read ahead across the chunk end if need be). */
  private async crlfAt(i: number, bytesRead: number): Promise<boolean> {
    if (i + 1 < bytesRead) return this.buf[i + 1] === LF;
    const peek = Buffer.alloc(1);
    const { bytesRead: n } = await this.fh.read(peek, 0, 1, this.filePos + i + 1);
    return n === 1 && peek[0] === LF;
  }

  /** The structure of a byte of the record (not a break outside quotes): quotes, separators, value bytes. */
  private readStructure(b: number, isBreak: boolean, i: number): void {
    const keep = this.collect && this.overField < 0;
    switch (this.state) {
      case 'fieldStart':
        if (b === QUOTE) {
          this.state = 'quoted';
          this.quoteLine = this.line;
          this.recordHasContent = true;
        } else if (b === this.sep) {
          this.recordHasContent = true;
          this.endField();
        } else {
          this.state = 'unquoted';
          this.recordHasContent = true;
          if (keep) this.keepByte(b, i);
        }
        break;
      case 'unquoted':
        if (b === this.sep) {
          this.endField();
          this.state = 'fieldStart';
        } else if (keep) this.keepByte(b, i);
        break;
      case 'quoted':
        if (b === QUOTE) this.state = 'quoteInQuoted';
        else {
          if (keep) this.keepByte(b, i);
          if (isBreak) this.line++;
        }
        break;
      case 'quoteInQuoted':
        if (b === QUOTE) {
          if (keep) this.keepByte(QUOTE, i);
          this.state = 'quoted';
        } else if (b === this.sep) {
          this.endField();
          this.state = 'fieldStart';
        } else {
          this.recordBad = true;
          this.report({
            code: 'ingest.quote',
            line: this.line,
            column: this.fieldIndex + 1,
            value: String.fromCharCode(b),
            expected: `a ${String.fromCharCode(this.sep)} or line break after a closing quote (write "" for a quote inside a quoted value)`,
            message: 'text after the closing quote of a quoted value',
          });
          this.state = 'unquoted';
        }
        break;
    }
  }

  /** Ends the current field: its bytes become a string if the record is collected. */
  private endField(): void {
    if (this.collect)
      this.fields.push(
        this.spanStart >= 0
          ? this.buf.toString('utf8', this.spanStart, this.spanEnd)
          : Buffer.from(this.fieldBytes).toString('utf8'),
      );
    this.dropFieldBytes();
    this.fieldIndex++;
  }

  /** Ends the current record; `crlf`: it ended with \r\n (the bulk reader counts the \r). */
  private endRecord(crlf: boolean): void {
    const tooLong = this.checkRecordSize(this.recBytes + (crlf ? 1 : 0));
    if (this.recIndex === -1) this.takeHeader(tooLong);
    else this.takeRecord(tooLong);
    this.startRecord();
  }

  /** Whether a record of `size` bytes reaches the limit; reported at its line and the field crossing it. */
  private checkRecordSize(size: number): boolean {
    if (size < this.limit) return false;
    this.recordBad = true;
    this.report({
      code: 'ingest.record_too_long',
      line: this.recLine,
      column: (this.overField >= 0 ? this.overField : Math.max(0, this.fieldIndex - 1)) + 1,
      value: `${size.toLocaleString('en-US')} bytes`,
      expected: `records shorter than ${this.limit.toLocaleString('en-US')} bytes`,
      message: 'record too long to be a row of this file (often a stray " that swallowed the lines after it)',
    });
    return true;
  }

  /** The first record is the header (none if too long); the scan ends there if too long or `headerOnly`. */
  private takeHeader(tooLong: boolean): void {
    this.header = tooLong ? null : this.fields;
    if (this.options.headerOnly || tooLong) this.done = true;
    this.recIndex = 0;
  }

  /** A data record: field count checked against the header; bad, or numbered and handed over if wanted. */
  private takeRecord(tooLong: boolean): void {
    const expected = this.header?.length ?? 0;
    if (this.fieldIndex !== expected && !tooLong) {
      this.recordBad = true;
      const hint =
        this.sep === 0x3b && this.fieldIndex > expected
          ? ' (in a ;-separated file a list value holding ; must be quoted: "west;priority")'
          : '';
      this.report({
        code: 'ingest.field_count',
        line: this.recLine,
        value: String(this.fieldIndex),
        expected: `${expected} fields, as in the header`,
        message: `record has ${this.fieldIndex} field${this.fieldIndex === 1 ? '' : 's'}${hint}`,
      });
    }
    if (this.recordBad) this.badRecords++;
    else {
      if (this.collect && this.options.onWanted)
        this.options.onWanted(this.recIndex, this.recLine, this.fields);
      this.records++;
      this.recIndex++;
    }
  }

  /** Resets the per-record state; the next record is collected only if the caller wants it. */
  private startRecord(): void {
    this.recordBad = false;
    this.collect = this.wanted?.has(this.recIndex) ?? false;
    this.fields = [];
    this.dropFieldBytes();
    this.fieldIndex = 0;
    this.recordHasContent = false;
    this.recBytes = 0;
    this.overField = -1;
  }

  /** At the end of the file: an unfinished UTF-8 character, an unclosed quote, or a last unbroken record. */
  endOfFile(): void {
    if (this.utf8Need > 0) {
      this.recordBad = true;
      this.report({
        code: 'ingest.encoding',
        line: this.leadLine,
        column: this.leadField + 1,
        value: `byte 0x${this.leadByte.toString(16).padStart(2, '0')}`,
        expected: 'UTF-8 text',
        message: 'the file ends in the middle of a UTF-8 character',
      });
    }
    if (this.state === 'quoted') {
      this.report({
        code: 'ingest.quote',
        line: this.quoteLine,
        column: this.fieldIndex + 1,
        expected: 'a closing "',
        message: 'a quoted value is never closed (the file ends inside it)',
      });
      if (this.recIndex >= 0) this.badRecords++;
    } else if (this.recordHasContent || this.fieldIndex > 0 || this.state !== 'fieldStart') {
      this.endField();
      this.endRecord(false);
    }
  }

  /** Counts a structural problem; keeps the first `maxProblems`. */
  private report(p: Omit<Problem, 'file' | 'severity'>): void {
    this.problemCount++;
    if (this.problems.length < this.options.maxProblems)
      this.problems.push({ severity: 'error', file: this.options.displayName, ...p });
  }

  /** What the scan found (also when it stopped early). */
  result(): CsvScanResult {
    const { header, records, badRecords, problems, problemCount, bom } = this;
    return { header, records, badRecords, problems, problemCount, bom };
  }
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
