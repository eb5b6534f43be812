/**
 * Header checks: which spec column each CSV column is, and what is wrong with the header (unknown,
 * duplicated or missing columns), reported at line 1 with the column position.
 */
import { type EntitySpec, GRAPH_ACTIVE_USER_COLUMNS, type Problem } from '@license-insights/contracts';

export interface HeaderMapping {
  /** Stage column name of each file column, in file order. */
  readonly columns: readonly string[];
  /** Spec columns the file holds. */
  readonly present: readonly string[];
  readonly problems: readonly Problem[];
}

/** Edit distance, for "did you mean" hints. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j] ?? 0;
      row[j] = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length] ?? 0;
}

export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

export function mapCanonicalHeader(header: readonly string[], spec: EntitySpec, file: string): HeaderMapping {
  const names = spec.columns.map((c) => c.name);
  const problems: Problem[] = [];
  const columns: string[] = [];
  const seen = new Map<string, number>();
  header.forEach((raw, i) => {
    const h = raw.trim().toLowerCase();
    const at = { file, line: 1, column: i + 1, field: raw, value: raw } as const;
    if (names.includes(h)) {
      const before = seen.get(h);
      if (before !== undefined) {
        problems.push({
          ...at,
          severity: 'error',
          code: 'ingest.duplicate_column',
          message: `column ${h} appears twice`,
          expected: `each column once (first at column ${before + 1})`,
        });
        columns.push(`_dup_${i}`);
      } else {
        seen.set(h, i);
        columns.push(h);
      }
      return;
    }
    const hint = closest(h, names);
    problems.push({
      ...at,
      severity: 'error',
      code: 'ingest.unknown_column',
      message: `unknown column for ${spec.entity}${hint !== undefined ? ` (did you mean ${hint}?)` : ''}`,
      expected: `one of ${names.join(', ')}`,
    });
    columns.push(`_unknown_${i}`);
  });
  for (const c of spec.columns) {
    if (c.required && !seen.has(c.name)) {
      problems.push({
        severity: 'error',
        code: 'ingest.missing_column',
        file,
        line: 1,
        field: c.name,
        message: `required column ${c.name} is missing from the header`,
        expected: `a header with ${spec.columns
          .filter((x) => x.required)
          .map((x) => x.name)
          .join(', ')}`,
      });
    }
  }
  return { columns, present: [...seen.keys()], problems };
}

export function mapGraphHeader(header: readonly string[], file: string): HeaderMapping {
  const byHeader = new Map(GRAPH_ACTIVE_USER_COLUMNS.map((c) => [c.header.toLowerCase(), c.name]));
  const problems: Problem[] = [];
  const columns: string[] = [];
  const seen = new Set<string>();
  header.forEach((raw, i) => {
    const name = byHeader.get(raw.trim().toLowerCase());
    if (name !== undefined && !seen.has(name)) {
      seen.add(name);
      columns.push(name);
    } else {
      problems.push({
        severity: 'warning',
        code: 'ingest.ignored_column',
        file,
        line: 1,
        column: i + 1,
        field: raw,
        value: raw,
        message:
          name === undefined
            ? 'column not part of the Office 365 active user detail report: ignored'
            : 'repeated column: ignored',
      });
      columns.push(`_extra_${i}`);
    }
  });
  const missing = GRAPH_ACTIVE_USER_COLUMNS.filter((c) => !seen.has(c.name));
  for (const c of missing) {
    problems.push({
      severity: 'error',
      code: 'ingest.missing_column',
      file,
      line: 1,
      field: c.header,
      message: `column "${c.header}" of the Office 365 active user detail report is missing`,
      expected: 'the report exactly as Microsoft Graph getOffice365ActiveUserDetail exports it',
    });
  }
  return { columns, present: [...seen], problems };
}
