/** Writes canonical records as CSV or NDJSON text, remembering the line each record starts on. */
import { type CanonicalEntity, ENTITY_SPECS } from '@license-insights/contracts';
import { rawCsvCell } from '../export/csv-writer';

export type CanonicalRecord = Readonly<Record<string, string>>;

export interface WrittenFile {
  readonly text: string;
  /** 1-based line of each record. */
  readonly lines: readonly number[];
}

export function toCsv(entity: CanonicalEntity, records: readonly CanonicalRecord[], eol = '\n'): WrittenFile {
  const columns = ENTITY_SPECS[entity].columns.map((c) => c.name);
  let text = `${columns.join(',')}${eol}`;
  let line = 2;
  const lines: number[] = [];
  for (const r of records) {
    lines.push(line);
    const row = columns.map((c) => rawCsvCell(r[c] ?? '')).join(',');
    text += `${row}${eol}`;
    line += (row.match(/\r\n|\r|\n/g) ?? []).length + 1;
  }
  return { text, lines };
}

export function toNdjson(entity: CanonicalEntity, records: readonly CanonicalRecord[]): WrittenFile {
  const columns = ENTITY_SPECS[entity].columns.map((c) => c.name);
  const lines = records.map((_, i) => i + 1);
  const text = records
    .map((r) =>
      JSON.stringify(Object.fromEntries(columns.filter((c) => (r[c] ?? '') !== '').map((c) => [c, r[c]]))),
    )
    .join('\n');
  return { text: `${text}\n`, lines };
}
