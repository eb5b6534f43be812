/**
 * Validation of record batches against an entity spec, in the core's own terms: missing values,
 * malformed values, unknown customers and users, duplicate keys and cross-column rules. It is the
 * engine-neutral definition of what a valid canonical record is; a store without a bulk fast path
 * validates parsed records with it, and the embedded store's SQL validation (its CSV fast path) is
 * held to give the same problems (test/validate-records.test.ts).
 *
 * The checks and their order are the contract of `RowProblem`: problems sorted by record, then by
 * check — per present column in spec order (missing, whitespace, format), then unknown customer,
 * unknown user, duplicate key, date order, workload subset.
 */
import type { ColumnSpec, ColumnType, EntitySpec } from '@license-insights/contracts';
import type { CheckKind, RowProblem, StagedValue, ValidationResult } from '../store/store';

/** One parsed record: its values in the order of the batch's columns, and its line in the file. */
export interface ParsedRecord {
  readonly line: number;
  readonly values: readonly StagedValue[];
}

/** What the store knows of the records' customers and users (asked once per batch). */
export interface KnownKeys {
  customer(customerId: string): boolean;
  user(customerId: string, userId: string): boolean;
}

/** How values are written: `decimalComma` for `;`-separated CSV files (12,50). */
export interface ValueFormat {
  readonly decimalComma?: boolean;
}

export interface RecordsValidation extends ValidationResult {
  /** Indexes of the records with at least one problem (they are not merged). */
  readonly bad: ReadonlySet<number>;
}

const present = (v: StagedValue): v is string => v !== null && v !== '';

const EDGE_SPACES = /^\p{Zs}+|\p{Zs}+$/gu;
const SPACE = /\p{Zs}/u;

/**
 * Space separators (Unicode Zs: U+0020, no-break and typographic spaces, not tabs) removed from
 * both ends, as SQL's trim does.
 */
export function trimSpaces(v: string): string {
  if (v === '' || (!SPACE.test(v.charAt(0)) && !SPACE.test(v.slice(-2)))) return v;
  return v.replace(EDGE_SPACES, '');
}

/**
 * Letters SQL's lower maps otherwise than JavaScript's: İ, Σ (JavaScript: "i̇", and ς at a word's
 * end), and capitals newer than SQL's Unicode tables, which it leaves as they are.
 */
const OWN_LOWER: ReadonlyMap<string, string> = new Map([
  ['\u0130', 'i'],
  ['\u03a3', '\u03c3'],
  ...[0x1c89, 0xa7cb, 0xa7cc, 0xa7ce, 0xa7d2, 0xa7d4, 0xa7da, 0xa7dc].map((cp) => {
    const ch = String.fromCharCode(cp);
    return [ch, ch] as [string, string];
  }),
]);
const OWN_LOWER_CLASS = `[${[...OWN_LOWER.keys()].join('')}]`;
const OWN_LOWER_TEST = new RegExp(OWN_LOWER_CLASS);
const OWN_LOWER_PARTS = new RegExp(`${OWN_LOWER_CLASS}|[^${OWN_LOWER_CLASS.slice(1)}+`, 'g');

/**
 * Lower case as SQL's lower (one character to one, no context). No other code point of the Basic
 * Multilingual Plane differs (test/validate-records.test.ts compares all of them).
 */
export function lowerCase(v: string): string {
  if (!OWN_LOWER_TEST.test(v)) return v.toLowerCase();
  return v.replace(OWN_LOWER_PARTS, (part) => OWN_LOWER.get(part) ?? part.toLowerCase());
}

/** Characters (Unicode code points, as SQL's length). */
function codePoints(v: string): number {
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < v.length) {
      const d = v.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** Longer than `max` characters (cheap first: a string of ≤ max UTF-16 units has ≤ max code points). */
const longer = (v: string, max: number) => v.length > max && codePoints(v) > max;

// biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII control characters are what an id must not hold.
const CONTROL = /[\x00-\x1f\x7f]/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INT = /^-?[0-9]{1,12}$/;
const DECIMAL_DOT = /^[0-9]{1,10}(\.[0-9]{1,4})?$/;
const DECIMAL_COMMA = /^[0-9]{1,10}(,[0-9]{1,4})?$/;

/** The day number (days since 1970-01-01) of a canonical date text from 1900 to 2999, or null. */
export function canonicalDay(v: string): number | null {
  const m = DATE.exec(v);
  if (m === null) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (y < 1900 || y > 2999 || mo < 1 || mo > 12 || d < 1) return null;
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCDate() !== d || back.getUTCMonth() !== mo - 1) return null;
  return t / 86_400_000;
}

/** Items of a `;`-separated list cell, trimmed, empty ones dropped. */
export function listItems(v: StagedValue): string[] {
  if (v === null) return [];
  const out: string[] = [];
  for (const part of v.split(';')) {
    const x = trimSpaces(part);
    if (x !== '') out.push(x);
  }
  return out;
}

/** True when the present (non-empty) text `v` is malformed for its type. */
export function malformedValue(type: ColumnType, v: string, format: ValueFormat = {}): boolean {
  switch (type.kind) {
    case 'id':
      return longer(v, 256) || CONTROL.test(v);
    case 'text':
      return longer(v, 1000);
    case 'date':
      return canonicalDay(v) === null;
    case 'bool': {
      const l = lowerCase(v);
      return l !== 'true' && l !== 'false';
    }
    case 'int': {
      if (!INT.test(v)) return true;
      const n = Number(v);
      return n < type.min || n > type.max;
    }
    case 'decimal':
      return !(format.decimalComma === true ? DECIMAL_COMMA : DECIMAL_DOT).test(v);
    case 'enum':
      return !lowerWords(type.values).has(lowerCase(v));
    case 'list': {
      if (type.item.kind !== 'enum') return longer(v, 10_000);
      const words = lowerWords(type.item.values);
      return listItems(v).some((x) => !words.has(lowerCase(x)));
    }
  }
}

const wordSets = new WeakMap<readonly string[], ReadonlySet<string>>();
function lowerWords(values: readonly string[]): ReadonlySet<string> {
  let s = wordSets.get(values);
  if (s === undefined) {
    s = new Set(values.map((x) => x.toLowerCase()));
    wordSets.set(values, s);
  }
  return s;
}

/** The checks of one cell on its own, in their order: the first kinds the value fails. */
export function cellProblems(c: ColumnSpec, v: StagedValue, format: ValueFormat = {}): CheckKind[] {
  const out: CheckKind[] = [];
  // A required list column must be in the header but may be empty (a product with no workloads).
  if (c.required && c.type.kind !== 'list' && !present(v)) out.push('missing');
  if (!present(v)) return out;
  if (c.type.kind === 'id' && trimSpaces(v) !== v) out.push('whitespace');
  if (malformedValue(c.type, v, format)) out.push('format');
  return out;
}

interface Found {
  readonly rec: number;
  readonly field: string;
  readonly kind: CheckKind;
  readonly value: string | null;
  readonly refRec: number | null;
}

/**
 * Validates a batch: `columns` names the positions of each record's values, `presentColumns` the
 * spec columns the file has. Returns the first `limit` problems in record and check order, the
 * counts, and the bad records.
 */
export function validateRecords(
  spec: EntitySpec,
  columns: readonly string[],
  presentColumns: readonly string[],
  records: readonly ParsedRecord[],
  known: KnownKeys,
  limit: number,
  format: ValueFormat = {},
): RecordsValidation {
  const has = new Set(presentColumns);
  const at = (name: string) => columns.indexOf(name);
  const checked = spec.columns.filter((c) => has.has(c.name)).map((c) => ({ c, i: at(c.name) }));
  const ci = has.has('customer_id') ? at('customer_id') : -1;
  const ui = has.has('user_id') ? at('user_id') : -1;
  const checkCustomers = ci >= 0 && spec.entity !== 'customers';
  const checkUsers = ui >= 0 && spec.entity !== 'users';
  const keyIdx = spec.entity !== 'activity' && spec.key.every((k) => has.has(k)) ? spec.key.map(at) : null;
  const keyField = spec.key[spec.key.length - 1] ?? spec.key[0] ?? '';
  const firstOfKey = new Map<string, number>();
  const orderIdx =
    spec.entity === 'license_assignments' && has.has('unassigned_on')
      ? { from: at('assigned_on'), to: at('unassigned_on') }
      : null;
  const subsetIdx =
    spec.entity === 'products' && has.has('open_workloads')
      ? { all: at('workloads'), open: at('open_workloads') }
      : null;

  const found: Found[] = [];
  const bad = new Set<number>();
  records.forEach((r, rec) => {
    const value = (i: number): StagedValue => (i < 0 ? null : (r.values[i] ?? null));
    for (const { c, i } of checked) {
      const v = value(i);
      for (const kind of cellProblems(c, v, format)) {
        found.push({ rec, field: c.name, kind, value: v, refRec: null });
      }
    }
    const customer = value(ci);
    const customerOk = present(customer) && !malformedValue({ kind: 'id' }, customer);
    if (checkCustomers && customerOk && !known.customer(customer)) {
      found.push({ rec, field: 'customer_id', kind: 'unknown_customer', value: customer, refRec: null });
    }
    const user = value(ui);
    if (
      checkUsers &&
      customerOk &&
      present(user) &&
      known.customer(customer) &&
      !known.user(customer, user)
    ) {
      found.push({ rec, field: 'user_id', kind: 'unknown_user', value: user, refRec: null });
    }
    if (keyIdx !== null) {
      const parts = keyIdx.map(value);
      if (parts.every(present)) {
        // The key's parts joined by a separator no text holds: exact comparison of the raw texts.
        const key = parts.join('\u0000');
        const first = firstOfKey.get(key);
        if (first === undefined) firstOfKey.set(key, rec);
        else
          found.push({
            rec,
            field: keyField,
            kind: 'duplicate',
            value: parts.join(' / '),
            refRec: first,
          });
      }
    }
    if (orderIdx !== null) {
      const to = value(orderIdx.to);
      const from = value(orderIdx.from);
      const end = present(to) ? canonicalDay(to) : null;
      const start = present(from) ? canonicalDay(from) : null;
      if (end !== null && start !== null && end <= start) {
        found.push({ rec, field: 'unassigned_on', kind: 'order', value: to, refRec: null });
      }
    }
    if (subsetIdx !== null) {
      const all = new Set(listItems(value(subsetIdx.all)).map(lowerCase));
      if (listItems(value(subsetIdx.open)).some((x) => !all.has(lowerCase(x)))) {
        found.push({
          rec,
          field: 'open_workloads',
          kind: 'subset',
          value: value(subsetIdx.open),
          refRec: null,
        });
      }
    }
  });
  for (const f of found) bad.add(f.rec);
  // Found in record order, and inside a record in the checks' order (their ids grow).
  const problems: RowProblem[] = found.slice(0, Math.max(0, limit)).map((f) => ({
    rec: f.rec,
    line: records[f.rec]?.line ?? null,
    field: f.field,
    value: f.value,
    check: f.kind,
    refRec: f.refRec,
    refLine: f.refRec === null ? null : (records[f.refRec]?.line ?? null),
  }));
  return { problems, problemCount: found.length, badRecords: bad.size, bad };
}
