import { afterAll, describe, expect, it } from 'vitest';
import { scanCsv } from '../src/ingest/csv-scan';
import { tempDir } from '../src/testing';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

async function scan(content: string | Buffer, wanted: number[] = []) {
  const file = tmp.file(`f${Math.random().toString(36).slice(2)}.csv`, content);
  const records: [number, number, readonly string[]][] = [];
  const result = await scanCsv(file, {
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

  it('stops after the header when asked', async () => {
    const file = tmp.file('h.csv', 'x,y\n1,2,3\n');
    const r = await scanCsv(file, { displayName: 'h.csv', maxProblems: 5, headerOnly: true });
    expect(r.header).toEqual(['x', 'y']);
    expect(r.problems).toEqual([]);
  });
});
