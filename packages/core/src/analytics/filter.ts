/**
 * The `filter` and `groupby` options of the Partner Center–compatible endpoints: a hand-written
 * tokenizer and recursive-descent parser for Partner Center's filter language, and the predicate
 * it compiles to. Pure and IO-free.
 *
 *   filter     := or
 *   or         := and ('or' and)*
 *   and        := primary ('and' primary)*
 *   primary    := '(' or ')' | comparison
 *   comparison := field ('eq' | 'ne') value
 *   value      := "'" (any character but "'", or "''" for one quote)* "'"
 *
 * Keywords and field names are case-insensitive; values compare case-insensitively, and `crm`
 * stands for D365 (Partner Center's service code). Every refusal is a `usage.invalid_argument`
 * naming the character position, what was found and what was expected: malformed input is never
 * a 500 (nesting is bounded, so no input can exhaust the stack).
 */
import type { AnalyticsField } from '@license-insights/contracts';
import { AppError } from '../errors';

export type FilterExpr =
  | {
      readonly kind: 'compare';
      readonly field: AnalyticsField;
      readonly op: 'eq' | 'ne';
      readonly value: string;
    }
  | { readonly kind: 'and' | 'or'; readonly left: FilterExpr; readonly right: FilterExpr };

/** Parentheses nest at most this deep. */
export const FILTER_MAX_DEPTH = 32;

type Token =
  | { readonly kind: 'open' | 'close' | 'end'; readonly at: number }
  | { readonly kind: 'word'; readonly at: number; readonly text: string }
  | { readonly kind: 'value'; readonly at: number; readonly text: string };

function refuse(message: string): never {
  throw new AppError('usage.invalid_argument', `filter: ${message}`);
}

/** How a token reads in a message. */
function describe(t: Token): string {
  switch (t.kind) {
    case 'open':
      return '"("';
    case 'close':
      return '")"';
    case 'end':
      return 'the end of the filter';
    case 'word':
      return `"${t.text}"`;
    case 'value':
      return `the value '${t.text}'`;
  }
}

const WORD_START = /[A-Za-z_]/;
const WORD_PART = /[A-Za-z0-9_]/;

/** The filter's tokens; positions are 1-based characters. */
function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charAt(i);
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      i++;
    } else if (c === '(' || c === ')') {
      out.push({ kind: c === '(' ? 'open' : 'close', at: i + 1 });
      i++;
    } else if (c === "'") {
      const at = i + 1;
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) {
          refuse(
            `the value that starts at character ${at} has no closing quote (write a quote inside a value as '')`,
          );
        }
        const d = text.charAt(i);
        if (d === "'") {
          if (text.charAt(i + 1) === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += d;
        i++;
      }
      out.push({ kind: 'value', at, text: value });
    } else if (WORD_START.test(c)) {
      const at = i + 1;
      let j = i + 1;
      while (j < text.length && WORD_PART.test(text.charAt(j))) j++;
      out.push({ kind: 'word', at, text: text.slice(i, j) });
      i = j;
    } else {
      const shown = c === '"' ? "'\"' (values are written in single quotes)" : JSON.stringify(c);
      refuse(
        `unexpected character ${shown} at character ${i + 1}; expected a field name, "(", ")", or a value in single quotes`,
      );
    }
  }
  out.push({ kind: 'end', at: text.length + 1 });
  return out;
}

/** The field a name means (case-insensitive), or null. */
function fieldNamed(name: string, fields: readonly AnalyticsField[]): AnalyticsField | null {
  const lower = name.toLowerCase();
  return fields.find((f) => f.toLowerCase() === lower) ?? null;
}

/** Parses a filter over the given fields; an empty or blank filter is null (keep every row). */
export function parseFilter(text: string, fields: readonly AnalyticsField[]): FilterExpr | null {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = (): Token => tokens[pos] ?? { kind: 'end', at: text.length + 1 };
  const next = (): Token => {
    const t = peek();
    if (pos < tokens.length - 1) pos++;
    return t;
  };
  const isWord = (t: Token, word: string) => t.kind === 'word' && t.text.toLowerCase() === word;
  const expected = (what: string, t: Token): never =>
    refuse(`at character ${t.at}: expected ${what}, found ${describe(t)}`);

  const comparison = (): FilterExpr => {
    const name = next();
    if (name.kind !== 'word') return expected('a field name or "("', name);
    const field = fieldNamed(name.text, fields);
    if (field === null) {
      return refuse(
        `at character ${name.at}: unknown field "${name.text}"; the fields are ${fields.join(', ')}`,
      );
    }
    const op = next();
    if (!isWord(op, 'eq') && !isWord(op, 'ne')) return expected(`eq or ne after ${field}`, op);
    const value = next();
    if (value.kind !== 'value')
      return expected(
        `a value in single quotes after ${field} ${op.kind === 'word' ? op.text : ''}`.trimEnd(),
        value,
      );
    return { kind: 'compare', field, op: isWord(op, 'eq') ? 'eq' : 'ne', value: value.text };
  };
  const primary = (depth: number): FilterExpr => {
    const t = peek();
    if (t.kind !== 'open') return comparison();
    if (depth >= FILTER_MAX_DEPTH) {
      return refuse(`at character ${t.at}: parentheses nest more than ${FILTER_MAX_DEPTH} deep`);
    }
    next();
    const inner = or(depth + 1);
    const close = next();
    if (close.kind !== 'close') return expected('")" or a joining and / or', close);
    return inner;
  };
  const and = (depth: number): FilterExpr => {
    let left = primary(depth);
    while (isWord(peek(), 'and')) {
      next();
      left = { kind: 'and', left, right: primary(depth) };
    }
    return left;
  };
  const or = (depth: number): FilterExpr => {
    let left = and(depth);
    while (isWord(peek(), 'or')) {
      next();
      left = { kind: 'or', left, right: and(depth) };
    }
    return left;
  };

  if (peek().kind === 'end') return null;
  const expr = or(0);
  const rest = peek();
  if (rest.kind !== 'end') return expected('and, or, or the end of the filter', rest);
  return expr;
}

/** Values as compared: lower case; the service code `crm` is Partner Center's name for D365. */
function normalise(field: AnalyticsField, value: string): string {
  const v = value.toLowerCase();
  return field === 'serviceCode' && v === 'crm' ? 'd365' : v;
}

/** A filter as a predicate over rows that tell each field's value. */
export function compileFilter<R>(
  expr: FilterExpr | null,
  fieldOf: (row: R, field: AnalyticsField) => string,
): (row: R) => boolean {
  if (expr === null) return () => true;
  const compile = (e: FilterExpr): ((row: R) => boolean) => {
    if (e.kind === 'compare') {
      const { field } = e;
      const wanted = normalise(field, e.value);
      return e.op === 'eq'
        ? (row) => normalise(field, fieldOf(row, field)) === wanted
        : (row) => normalise(field, fieldOf(row, field)) !== wanted;
    }
    const left = compile(e.left);
    const right = compile(e.right);
    return e.kind === 'and' ? (row) => left(row) && right(row) : (row) => left(row) || right(row);
  };
  return compile(expr);
}

/** `groupby`: comma-separated fields (case-insensitive, each once); blank is null (no grouping). */
export function parseGroupBy(text: string, fields: readonly AnalyticsField[]): AnalyticsField[] | null {
  const out: AnalyticsField[] = [];
  for (const part of text.split(',')) {
    const name = part.trim();
    if (name === '') continue;
    const field = fieldNamed(name, fields);
    if (field === null) {
      throw new AppError(
        'usage.invalid_argument',
        `groupby: unknown field "${name}"; the fields are ${fields.join(', ')} (comma-separated)`,
      );
    }
    if (!out.includes(field)) out.push(field);
  }
  return out.length === 0 ? null : out;
}
