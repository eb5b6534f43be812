/**
 * Canonical NDJSON: one JSON object per line with the keys of the entity's columns. Values may be
 * strings, numbers, booleans, null or (for list columns) arrays; they are turned into the same
 * text a CSV cell would hold, so one validation serves both formats.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { EntitySpec, Problem } from '@license-insights/contracts';
import type { StagedValue } from '../store/store';
import { closest } from './headers';

export interface NdjsonRecord {
  readonly line: number;
  readonly values: readonly StagedValue[];
}

export interface NdjsonReadState {
  readonly present: Set<string>;
  readonly problems: Problem[];
  problemCount: number;
  rejectedLines: number;
}

/** Line and column of a JSON.parse error position in a line. */
function jsonErrorColumn(message: string): number | undefined {
  const m = /position (\d+)/.exec(message);
  return m ? Number(m[1]) + 1 : undefined;
}

function cellText(value: unknown): StagedValue | undefined {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((x) => typeof x === 'string')) return value.join(';');
  return undefined;
}

/**
 * Streams the records of an NDJSON file (never the whole file in memory). Lines that are not JSON
 * objects, hold unknown keys or values of the wrong JSON type are reported in `state` and skipped.
 */
export async function* readNdjson(
  path: string,
  displayName: string,
  spec: EntitySpec,
  maxProblems: number,
  state: NdjsonReadState,
  /** Stops the reading (it throws) when aborted. */
  signal?: AbortSignal,
): AsyncGenerator<NdjsonRecord> {
  const names = spec.columns.map((c) => c.name);
  const index = new Map(names.map((n, i) => [n, i]));
  const problem = (p: Omit<Problem, 'file' | 'severity'>) => {
    state.problemCount++;
    if (state.problems.length < maxProblems)
      state.problems.push({ severity: 'error', file: displayName, ...p });
  };
  const lines = createInterface({
    input: createReadStream(path, { encoding: 'utf8' }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let lineNo = 0;
  for await (const raw of lines) {
    signal?.throwIfAborted();
    lineNo++;
    const text = lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (text.trim() === '') continue;
    if (text.includes('\uFFFD')) {
      problem({
        code: 'ingest.encoding',
        line: lineNo,
        expected: 'UTF-8 text',
        message: 'invalid UTF-8 in this line; save the file as UTF-8',
      });
      state.rejectedLines++;
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      const column = jsonErrorColumn(e instanceof Error ? e.message : '');
      problem({
        code: 'ingest.invalid_json',
        line: lineNo,
        ...(column !== undefined ? { column } : {}),
        value: text.length > 80 ? `${text.slice(0, 77)}...` : text,
        expected: 'one JSON object per line',
        message: 'not valid JSON',
      });
      state.rejectedLines++;
      continue;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      problem({
        code: 'ingest.invalid_json',
        line: lineNo,
        expected: 'a JSON object per line',
        message: 'not a JSON object',
      });
      state.rejectedLines++;
      continue;
    }
    const values: StagedValue[] = names.map(() => null);
    let ok = true;
    for (const [key, value] of Object.entries(parsed)) {
      const i = index.get(key);
      if (i === undefined) {
        const hint = closest(key, names);
        problem({
          code: 'ingest.unknown_column',
          line: lineNo,
          field: key,
          value: key,
          expected: `one of ${names.join(', ')}`,
          message: `unknown key for ${spec.entity}${hint !== undefined ? ` (did you mean ${hint}?)` : ''}`,
        });
        ok = false;
        continue;
      }
      const cell = cellText(value);
      if (cell === undefined) {
        problem({
          code: 'ingest.invalid_value',
          line: lineNo,
          field: key,
          value: JSON.stringify(value).slice(0, 80),
          expected: 'a string, number, boolean, null or list of strings',
          message: 'value of the wrong JSON type',
        });
        ok = false;
        continue;
      }
      values[i] = cell;
      state.present.add(key);
    }
    if (!ok) {
      state.rejectedLines++;
      continue;
    }
    yield { line: lineNo, values };
  }
}
