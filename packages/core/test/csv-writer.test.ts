/** CSV the CLI writes for people: formula-safe cells, RFC 4180 quoting, the UTF-8 byte order mark. */
import { describe, expect, it } from 'vitest';
import { CSV_BOM, csvCell, csvDocument, csvLine } from '../src/export/csv-writer';

describe('csv writer', () => {
  it.each([
    ['=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
    ['+48 123', "'+48 123"],
    ['-5', "'-5"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tTab', "'\tTab"],
    ['Łódź, Poland', '"Łódź, Poland"'],
    ['plain', 'plain'],
  ])('writes %j as %j (no cell is taken for a formula)', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it('encodes a text the same the thousandth time as the first (the memory of encoded cells)', () => {
    const texts = ['=HYPERLINK("x")', 'Contoso, Ltd', 'plain', '-5', '"quoted"', 'a\nb'];
    const first = texts.map(csvCell);
    expect(first).toEqual([
      `"'=HYPERLINK(""x"")"`,
      '"Contoso, Ltd"',
      'plain',
      "'-5",
      '"""quoted"""',
      '"a\nb"',
    ]);
    for (let i = 0; i < 30_000; i++) csvCell(`filler ${i}`); // past the memory's bound: it starts over
    for (let i = 0; i < 1000; i++) expect(texts.map(csvCell)).toEqual(first);
  });

  it('writes numbers as numbers, never prefixed; null and NaN as empty cells', () => {
    expect(csvLine([-5, 1.5, null, Number.NaN, true])).toBe('-5,1.5,,,true\r\n');
  });

  it('starts a document with the UTF-8 byte order mark unless asked not to', () => {
    // Bug: without the mark Excel read the CLI's CSV as ANSI and garbled Polish names.
    const text = csvLine(['name']) + csvLine(['Łódź']);
    expect(csvDocument(text, true)).toBe(`\uFEFFname\r\nŁódź\r\n`);
    expect(CSV_BOM).toBe('\uFEFF');
    expect(Buffer.from(csvDocument(text, true), 'utf8').subarray(0, 3)).toEqual(
      Buffer.from([0xef, 0xbb, 0xbf]),
    );
    expect(csvDocument(text, false)).toBe(text);
  });
});
