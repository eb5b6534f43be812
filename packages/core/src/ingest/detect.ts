/**
 * Which format and entity a file holds: from `--format`, the file name (`customers.csv`,
 * `activity-2026-03.ndjson`), the CSV header or the JSON shape; and a CSV file's separator, from
 * its header. Detection reads at most the header line or, for JSON, the file itself (Graph and
 * Partner Center JSON exports are small).
 */
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  CANONICAL_ENTITIES,
  type CanonicalEntity,
  ENTITY_SPECS,
  type ErrorHint,
  type FormatName,
  GRAPH_ACTIVE_USER_COLUMNS,
  type Problem,
} from '@license-insights/contracts';
import { type CsvDelimiter, scanCsv } from './csv-scan';

export { FORMATS, type FormatName } from '@license-insights/contracts';

export type DetectedFile =
  | {
      readonly kind: 'canonical-csv';
      readonly path: string;
      readonly entity: CanonicalEntity;
      readonly header: readonly string[];
      readonly delimiter: CsvDelimiter;
    }
  | { readonly kind: 'canonical-ndjson'; readonly path: string; readonly entity: CanonicalEntity }
  | {
      readonly kind: 'graph-active-users';
      readonly path: string;
      readonly header: readonly string[];
      readonly delimiter: CsvDelimiter;
    }
  | { readonly kind: 'graph-subscribed-skus'; readonly path: string }
  | { readonly kind: 'partner-center-subscriptions'; readonly path: string };

export type Detection =
  | { readonly ok: true; readonly file: DetectedFile }
  | { readonly ok: false; readonly problem: Problem };

const fileProblem = (
  file: string,
  code: string,
  message: string,
  expected?: string,
  hint?: ErrorHint,
): Detection => ({
  ok: false,
  problem: {
    severity: 'error',
    code,
    file,
    message,
    ...(expected !== undefined ? { expected } : {}),
    ...(hint !== undefined ? { hint } : {}),
  },
});

/** Entity named by a file name: `license-assignments.csv`, `activity_2026.ndjson`, … */
export function entityFromFileName(file: string): CanonicalEntity | undefined {
  const stem = path.basename(file).toLowerCase().replace(/-/g, '_');
  const byLength = [...CANONICAL_ENTITIES].sort((a, b) => b.length - a.length);
  return byLength.find((e) => stem === e || stem.startsWith(`${e}.`) || stem.startsWith(`${e}_`));
}

/** Entity whose columns the header fits: all required present, nothing unknown. */
export function entityFromHeader(header: readonly string[]): CanonicalEntity | undefined {
  const names = new Set(header.map((h) => h.trim().toLowerCase()));
  const fits = CANONICAL_ENTITIES.filter((e) => {
    const spec = ENTITY_SPECS[e];
    const known = new Set(spec.columns.map((c) => c.name));
    return (
      spec.columns.every((c) => !c.required || names.has(c.name)) && [...names].every((n) => known.has(n))
    );
  });
  return fits.length === 1 ? fits[0] : undefined;
}

const GRAPH_HEADERS = new Set(GRAPH_ACTIVE_USER_COLUMNS.map((c) => c.header.toLowerCase()));
const KNOWN_COLUMNS = new Set([
  ...GRAPH_HEADERS,
  ...CANONICAL_ENTITIES.flatMap((e) => ENTITY_SPECS[e].columns.map((c) => c.name)),
]);
const knownColumns = (header: readonly string[]) =>
  header.filter((h) => KNOWN_COLUMNS.has(h.trim().toLowerCase())).length;

function looksLikeGraphReport(header: readonly string[]): boolean {
  const lower = header.map((h) => h.trim().toLowerCase());
  return lower.includes('user principal name') && lower.filter((h) => GRAPH_HEADERS.has(h)).length >= 3;
}

async function readHead(file: string, bytes: number): Promise<string> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await fh.close();
  }
}

export async function detectFile(file: string, displayName: string, format?: FormatName): Promise<Detection> {
  try {
    const s = await stat(file);
    if (!s.isFile()) return fileProblem(displayName, 'ingest.unreadable', 'not a file');
  } catch {
    return fileProblem(displayName, 'ingest.unreadable', 'file not found or not readable');
  }
  const ext = path.extname(file).toLowerCase();
  if (format === 'graph-subscribed-skus' || format === 'partner-center-subscriptions') {
    return { ok: true, file: { kind: format, path: file } };
  }
  if (ext === '.json' && format === undefined) {
    const head = (await readHead(file, 64 * 1024)).replace(/^\uFEFF/, '');
    if (/"skuId"\s*:/.test(head) || /"prepaidUnits"\s*:/.test(head)) {
      return { ok: true, file: { kind: 'graph-subscribed-skus', path: file } };
    }
    if (/"offerId"\s*:/.test(head) || /"offerName"\s*:/.test(head)) {
      return { ok: true, file: { kind: 'partner-center-subscriptions', path: file } };
    }
    return fileProblem(
      displayName,
      'ingest.unknown_format',
      'cannot tell what this JSON file holds',
      'Graph subscribedSkus JSON (with skuId) or Partner Center subscriptions JSON (with offerId)',
      { kind: 'name_format' },
    );
  }
  if (ext === '.ndjson' || ext === '.jsonl') {
    const entity = entityFromFileName(file);
    if (entity === undefined) {
      return fileProblem(
        displayName,
        'ingest.unknown_entity',
        'cannot tell which entity this NDJSON file holds from its name',
        `a file name starting with one of ${CANONICAL_ENTITIES.join(', ')}`,
      );
    }
    return { ok: true, file: { kind: 'canonical-ndjson', path: file, entity } };
  }
  let scan = await scanCsv(file, { displayName, maxProblems: 5, headerOnly: true });
  const first = scan.problems[0];
  if (first !== undefined && scan.header === null) return { ok: false, problem: first };
  if (scan.header === null || scan.header.length === 0 || scan.header.every((h) => h === '')) {
    return fileProblem(
      displayName,
      'ingest.empty_file',
      'the file is empty',
      'a header row naming the columns',
    );
  }
  // The separator: `;` (Excel's CSV in Polish, German, … locales) when the header splits into
  // known columns with `;` but not with `,`.
  let delimiter: CsvDelimiter = ',';
  if (knownColumns(scan.header) === 0 && scan.header.some((h) => h.includes(';'))) {
    const semi = await scanCsv(file, { displayName, maxProblems: 5, headerOnly: true, delimiter: ';' });
    if (semi.header !== null && knownColumns(semi.header) > 0) {
      scan = semi;
      delimiter = ';';
    }
  }
  const header = scan.header ?? [];
  if (format === 'graph-active-users' || (format === undefined && looksLikeGraphReport(header))) {
    return { ok: true, file: { kind: 'graph-active-users', path: file, header, delimiter } };
  }
  const entity = entityFromFileName(file) ?? entityFromHeader(header);
  if (entity === undefined) {
    return fileProblem(
      displayName,
      'ingest.unknown_entity',
      `cannot tell which entity this file holds (header: ${header.join(', ')})`,
      `a file name starting with one of ${CANONICAL_ENTITIES.join(', ')}, or a header of one of them, separated by , or ;`,
    );
  }
  return { ok: true, file: { kind: 'canonical-csv', path: file, entity, header, delimiter } };
}
