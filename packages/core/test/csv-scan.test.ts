import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { type CsvDelimiter, hasLongLine, MAX_RECORD_BYTES, scanCsv } from '../src/ingest/csv-scan';
import { tempDir } from '../src/testing';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

async function scan(
  content: string | Buffer,
  wanted: number[] = [],
  options: {
    readonly delimiter?: CsvDelimiter;
    readonly maxRecordBytes?: number;
    readonly chunkBytes?: number;
  } = {},
) {
  const file = tmp.file(`f${Math.random().toString(36).slice(2)}.csv`, content);
  const records: [number, number, readonly string[]][] = [];
  const result = await scanCsv(file, {
    ...options,
    displayName: 'x.csv',
    maxProblems: 50,
    wanted: new Set(wanted),
    onWanted: (rec, line, fields) => records.push([rec, line, fields]),
  });
  return { ...result, records_: records };
}

describe('scanCsv', () => {
  it('reads the header and counts records, skipping a UTF-8 BOM', async () => {
    const r = await scan('\uFEFFa,b\n1,2\n3,4\n');
    expect(r.bom).toBe(true);
    expect(r.header).toEqual(['a', 'b']);
    expect(r.records).toBe(2);
    expect(r.problems).toEqual([]);
  });

  it('handles CRLF, quoted commas, doubled quotes and newlines inside quotes, with physical lines', async () => {
    const r = await scan('a,b\r\n"x,y","say ""hi"""\r\n"multi\r\nline",z\r\nlast,row\r\n', [0, 1, 2]);
    expect(r.records).toBe(3);
    expect(r.records_).toEqual([
      [0, 2, ['x,y', 'say "hi"']],
      [1, 3, ['multi\r\nline', 'z']],
      [2, 5, ['last', 'row']],
    ]);
  });

  it('skips blank lines like the bulk reader and keeps counting lines', async () => {
    const r = await scan('a,b\n1,2\n\n3,4\n\n', [1]);
    expect(r.records).toBe(2);
    expect(r.records_).toEqual([[1, 4, ['3', '4']]]);
  });

  it('reads a last line without a line break', async () => {
    const r = await scan('a,b\n1,2', [0]);
    expect(r.records_).toEqual([[0, 2, ['1', '2']]]);
  });

  it('treats an empty file as having no header', async () => {
    const r = await scan('');
    expect(r.header).toBeNull();
    expect(r.records).toBe(0);
  });

  it('accepts a header-only file with zero records', async () => {
    const r = await scan('a,b\n');
    expect(r.header).toEqual(['a', 'b']);
    expect(r.records).toBe(0);
  });

  it('reports wrong field counts with the line, and does not number bad records', async () => {
    const r = await scan('a,b\n1,2\n3,4,5\n6\n7,8\n', [0, 1]);
    expect(r.problems.map((p) => [p.code, p.line, p.value])).toEqual([
      ['ingest.field_count', 3, '3'],
      ['ingest.field_count', 4, '1'],
    ]);
    expect(r.badRecords).toBe(2);
    expect(r.records).toBe(2);
    expect(r.records_).toEqual([
      [0, 2, ['1', '2']],
      [1, 5, ['7', '8']],
    ]);
  });

  it('reports a quoted value that never closes at the line it opened', async () => {
    const r = await scan('a,b\n1,2\n3,"open\n4,5\n');
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ code: 'ingest.quote', line: 3, column: 2 });
  });

  it('reports text after a closing quote', async () => {
    const r = await scan('a,b\n1,"ab"c\n');
    expect(r.problems[0]).toMatchObject({ code: 'ingest.quote', line: 2, column: 2, value: 'c' });
  });

  it('takes a bare quote inside an unquoted value literally', async () => {
    const r = await scan('a,b\n1,ab"c\n', [0]);
    expect(r.problems).toEqual([]);
    expect(r.records_[0]?.[2]).toEqual(['1', 'ab"c']);
  });

  it('reports invalid UTF-8 (Windows-1250 bytes) with line and column', async () => {
    const r = await scan(
      Buffer.concat([Buffer.from('a,b\n1,ok\n2,'), Buffer.from([0xb3, 0xf3, 0x64, 0xbc]), Buffer.from('\n')]),
    );
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ code: 'ingest.encoding', line: 3, column: 2 });
    expect(r.badRecords).toBe(1);
  });

  it('reports a non-UTF-8 byte as itself at its own line and column (bug: the byte after it was reported)', async () => {
    // "café" in Latin-1: 0xe9 starts a 3-byte sequence in UTF-8, but "," follows.
    const r = await scan(
      Buffer.concat([Buffer.from('a,b,c\n1,ok,x\n2,caf'), Buffer.from([0xe9]), Buffer.from(',z\n3,ok,y\n')]),
    );
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ code: 'ingest.encoding', line: 3, column: 2 });
    expect(r.problems[0]?.value).toMatch(/^byte 0xe9 \("é" in Windows-1250/);
    expect(r.badRecords).toBe(1);
    expect(r.records).toBe(2);
  });

  it('reports a broken sequence at the byte that starts it, even at a line end or the end of the file', async () => {
    const atLineEnd = await scan(
      Buffer.concat([Buffer.from('a,b\n1,x'), Buffer.from([0xc5]), Buffer.from('\n2,y\n')]),
    );
    expect(atLineEnd.problems.map((p) => [p.line, p.column, p.value?.slice(0, 9)])).toEqual([
      [2, 2, 'byte 0xc5'],
    ]);
    expect(atLineEnd.records).toBe(1);
    const atEnd = await scan(Buffer.concat([Buffer.from('a,b\n1,x\n2,y'), Buffer.from([0xe2, 0x82])]));
    expect(atEnd.problems).toMatchObject([
      { code: 'ingest.encoding', line: 3, column: 2, value: 'byte 0xe2' },
    ]);
    expect([atEnd.records, atEnd.badRecords]).toEqual([1, 1]);
  });

  it.each([
    ['overlong', [0xc0, 0x80]],
    ['overlong 3-byte', [0xe0, 0x80, 0x80]],
    ['surrogate', [0xed, 0xa0, 0x80]],
    ['above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
  ])('refuses %s UTF-8 forms', async (_name, bytes) => {
    const r = await scan(
      Buffer.concat([Buffer.from('a,b\n1,'), Buffer.from(bytes), Buffer.from('\n2,ok\n')]),
    );
    expect(r.problems).toMatchObject([{ code: 'ingest.encoding', line: 2, column: 2 }]);
    expect([r.records, r.badRecords]).toEqual([1, 1]);
  });

  it('reads ;-separated files, quoted values holding ; included', async () => {
    const r = await scan('a;b;c\n1;"west;priority";12,50\n2;x;\n', [0, 1], { delimiter: ';' });
    expect(r.header).toEqual(['a', 'b', 'c']);
    expect(r.problems).toEqual([]);
    expect(r.records_).toEqual([
      [0, 2, ['1', 'west;priority', '12,50']],
      [1, 3, ['2', 'x', '']],
    ]);
  });

  it('says to quote list values when a ;-separated record has too many fields', async () => {
    const r = await scan('a;b\n1;west;priority\n', [], { delimiter: ';' });
    expect(r.problems[0]).toMatchObject({ code: 'ingest.field_count', line: 2, value: '3' });
    expect(r.problems[0]?.message).toContain('must be quoted');
  });

  it('refuses records of the size limit or more, at their line and the field that crossed it', async () => {
    // Limit 20 (exclusive): 19 bytes pass; the \r of a closing \r\n counts, a lone \r does not;
    // line breaks inside quotes count.
    const r = await scan(
      [
        'a,b\n',
        '1,xxxxxxxxxxxxxxxxx\n', // 19 bytes: fine
        '2,xxxxxxxxxxxxxxxxxx\n', // 20: too long
        '3,xxxxxxxxxxxxxxxxx\r\n', // 19 + \r: too long
        '4,xxxxxxxxxxxxxxxxx\r', // 19, lone \r: fine
        '5,"xxxxxxx\nxxxxxxxx"\n', // 20 with the inner line break: too long (at line 6)
        '6,x\n',
        '7,xxxxxxxxxxxxxxxxxx', // 20 at the end of the file: too long
      ].join(''),
      [0, 1, 2],
      { maxRecordBytes: 20 },
    );
    expect(r.problems.map((p) => [p.code, p.line, p.column, p.value])).toEqual([
      ['ingest.record_too_long', 3, 2, '20 bytes'],
      ['ingest.record_too_long', 4, 2, '20 bytes'],
      ['ingest.record_too_long', 6, 2, '20 bytes'],
      ['ingest.record_too_long', 9, 2, '20 bytes'],
    ]);
    expect(r.problems[0]?.expected).toBe('records shorter than 20 bytes');
    expect([r.records, r.badRecords]).toEqual([3, 4]);
    expect(r.records_).toEqual([
      [0, 2, ['1', 'xxxxxxxxxxxxxxxxx']],
      [1, 5, ['4', 'xxxxxxxxxxxxxxxxx']],
      [2, 8, ['6', 'x']],
    ]);
  });

  it('counts the \\r of a \\r\\n that falls on a read-chunk boundary (real limit)', async () => {
    // The record's \r is the last byte of the second 1 MiB chunk: the scanner must look ahead.
    const head = 'a,b\r\n';
    const pad = `x,${'y'.repeat(2 * 1024 * 1024 - 1 - (MAX_RECORD_BYTES - 1) - head.length - 4)}\r\n`;
    const rec = `z,${'w'.repeat(MAX_RECORD_BYTES - 1 - 2)}`;
    expect(head.length + pad.length + rec.length).toBe(2 * 1024 * 1024 - 1);
    const r = await scan(`${head}${pad}${rec}\r\nq,1\r\n`);
    expect(r.problems.map((p) => [p.code, p.line, p.value])).toEqual([
      ['ingest.record_too_long', 3, `${MAX_RECORD_BYTES.toLocaleString('en-US')} bytes`],
    ]);
    expect([r.records, r.badRecords]).toEqual([2, 1]);
  });

  it('refuses a header over the limit without holding it in memory', async () => {
    const r = await scan(`${'h'.repeat(50)},b\n1,2\n`, [], { maxRecordBytes: 20 });
    expect(r.header).toBeNull();
    expect(r.problems).toMatchObject([{ code: 'ingest.record_too_long', line: 1, column: 1 }]);
  });

  it('finds long lines cheaply (hasLongLine)', async () => {
    const short = tmp.file('short.csv', `a,b\n${'1,2\n'.repeat(200)}`);
    const long = tmp.file('long.csv', `a,b\n1,${'x'.repeat(250)}\n2,3\n`);
    const crOnly = tmp.file('cr.csv', `a,b\r${'1,2\r'.repeat(200)}`);
    expect(await hasLongLine(short, 100)).toBe(false);
    expect(await hasLongLine(crOnly, 100)).toBe(false);
    expect(await hasLongLine(long, 100)).toBe(true);
  });

  it('refuses UTF-16 files with a hint', async () => {
    const r = await scan(Buffer.from('\uFEFFa,b\n1,2\n', 'utf16le'));
    expect(r.problems[0]?.message).toMatch(/UTF-16/);
    expect(r.header).toBeNull();
  });

  it('reads multi-byte UTF-8 across read chunks', async () => {
    const name = 'Zażółć gęślą jaźń';
    const rows = Array.from({ length: 80_000 }, (_, i) => `${i},${name}`).join('\n');
    const r = await scan(`a,b\n${rows}\n`, [79_999]);
    expect(r.problems).toEqual([]);
    expect(r.records).toBe(80_000);
    expect(r.records_).toEqual([[79_999, 80_001, ['79999', name]]]);
  });

  it('keeps the first maxProblems problems and counts them all', async () => {
    const file = tmp.file('many.csv', `a,b\n${'1\n2,3\n'.repeat(5)}`);
    const r = await scanCsv(file, { displayName: 'many.csv', maxProblems: 2 });
    expect(r.problems.map((p) => [p.code, p.line])).toEqual([
      ['ingest.field_count', 2],
      ['ingest.field_count', 4],
    ]);
    expect([r.problemCount, r.badRecords, r.records]).toEqual([5, 5, 5]);
  });

  it('refuses big-endian UTF-16 files too', async () => {
    const le = Buffer.from('\uFEFFa,b\n1,2\n', 'utf16le');
    const r = await scan(le.swap16());
    expect(r.problems).toMatchObject([{ code: 'ingest.encoding', line: 1, value: 'UTF-16' }]);
    expect([r.header, r.records]).toEqual([null, 0]);
  });

  it('stops with the reason of an aborted signal', async () => {
    const file = tmp.file('abort.csv', 'a,b\n1,2\n');
    const abort = new AbortController();
    abort.abort(new Error('stop here'));
    await expect(
      scanCsv(file, { displayName: 'abort.csv', maxProblems: 5, signal: abort.signal }),
    ).rejects.toThrow('stop here');
  });

  it('stops after the header when asked', async () => {
    const file = tmp.file('h.csv', 'x,y\n1,2,3\n');
    const r = await scanCsv(file, { displayName: 'h.csv', maxProblems: 5, headerOnly: true });
    expect(r.header).toEqual(['x', 'y']);
    expect(r.problems).toEqual([]);
  });

  it('reads the same records, lines and problems whatever the size of its reads (every chunk edge)', async () => {
    // Bytes of every kind: value bytes, separators, quotes, line breaks, multi-byte UTF-8 (é, €,
    // 😀), bytes that are no UTF-8, and long runs. One byte a read decodes every value byte by
    // byte; a mebibyte a read decodes most values from the buffer at once.
    const piece = fc.constantFrom(
      'a',
      'bc',
      ',',
      ';',
      '"',
      '""',
      '\r',
      '\n',
      '\r\n',
      'é',
      '€',
      '😀',
      '\xff',
      'x'.repeat(40),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(piece, { maxLength: 60 }),
        fc.constantFrom<CsvDelimiter>(',', ';'),
        async (pieces, delimiter) => {
          const content = Buffer.concat(
            ['h1,h2\n', ...pieces].map((x) => (x === '\xff' ? Buffer.from([0xff]) : Buffer.from(x))),
          );
          const every = Array.from({ length: 80 }, (_, i) => i);
          const whole = await scan(content, every, { delimiter, maxRecordBytes: 60 });
          for (const chunkBytes of [1, 2, 3, 7]) {
            const small = await scan(content, every, { delimiter, maxRecordBytes: 60, chunkBytes });
            expect(small).toEqual(whole);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
