/**
 * CSV output that Excel opens safely: RFC 4180 quoting, and any cell that a spreadsheet would take
 * for a formula (starting with = + - @, tab or carriage return) is prefixed with a single quote.
 * Numbers we write ourselves are passed as numbers and never prefixed. A document for people starts
 * with the UTF-8 byte order mark: without it Excel reads the file as the machine's ANSI code page
 * and "Łódź" becomes "ÅÃ³dÅº".
 */
export type CsvCell = string | number | boolean | null | undefined;

/** The UTF-8 byte order mark, first character of a CSV document meant for a spreadsheet. */
export const CSV_BOM = '\uFEFF';

/** A CSV document with the byte order mark (the default) or without it (`bom: false`, for scripts). */
export function csvDocument(text: string, bom: boolean): string {
  return bom ? `${CSV_BOM}${text}` : text;
}

const FORMULA_START = /^[=+\-@\t\r]/;

function encodeText(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * Encoded text cells of recent rows: a long export repeats the same names, ids and days on many
 * rows (a customer's, a product's), so most cells are looked up, not encoded again. Bounded: it
 * starts over when full.
 */
const encoded = new Map<string, string>();
const ENCODED_MAX = 20_000;

export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  let text = encoded.get(value);
  if (text === undefined) {
    text = encodeText(value);
    if (encoded.size >= ENCODED_MAX) encoded.clear();
    if (value.length <= 256) encoded.set(value, text);
  }
  return text;
}

export function csvLine(cells: readonly CsvCell[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/** Plain RFC 4180 quoting without formula protection: for data files meant to be imported again. */
export function rawCsvCell(value: string | null | undefined): string {
  if (value === null || value === undefined) return '';
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
