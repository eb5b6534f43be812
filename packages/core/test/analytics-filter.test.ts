/**
 * The Partner Center filter language (analytics/filter.ts): the grammar table-driven (what parses
 * to what, what is refused and how the refusal reads), evaluation (case-insensitive values, `crm`
 * for D365, and/or precedence), groupby, and two properties: every filter the grammar generates
 * parses to the expression it was generated from, and any text either parses or is refused with a
 * `usage.invalid_argument` that names a position — never another error.
 */
import { DEPLOYMENT_FIELDS, USAGE_FIELDS } from '@license-insights/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileFilter,
  FILTER_MAX_DEPTH,
  type FilterExpr,
  parseFilter,
  parseGroupBy,
} from '../src/analytics/filter';
import { isAppError } from '../src/errors';

const eq = (field: string, value: string, op: 'eq' | 'ne' = 'eq') => ({ kind: 'compare', field, op, value });

/** The message of the refusal of a filter (the test fails if it parses, or fails otherwise). */
function refusal(text: string, fields: readonly string[] = USAGE_FIELDS): string {
  try {
    parseFilter(text, fields as typeof USAGE_FIELDS);
  } catch (e) {
    if (isAppError(e) && e.code === 'usage.invalid_argument') return e.message;
    throw e;
  }
  throw new Error(`${JSON.stringify(text)} parsed`);
}

describe('filter grammar', () => {
  it.each([
    ["serviceCode eq 'O365'", eq('serviceCode', 'O365')],
    ["  workloadCode   ne 'SFB'  ", eq('workloadCode', 'SFB', 'ne')],
    ["SERVICECODE EQ 'crm'", eq('serviceCode', 'crm')],
    ["customerName eq 'O''Brien & Co'", eq('customerName', "O'Brien & Co")],
    ["productName eq ''", eq('productName', '')],
    ["customerName eq 'a (b) or c'", eq('customerName', 'a (b) or c')],
    [
      "serviceCode eq 'O365' or (channel eq 'Reseller')",
      { kind: 'or', left: eq('serviceCode', 'O365'), right: eq('channel', 'Reseller') },
    ],
    [
      // and binds tighter than or.
      "channel eq 'a' or channel eq 'b' and workloadCode eq 'EXO'",
      {
        kind: 'or',
        left: eq('channel', 'a'),
        right: { kind: 'and', left: eq('channel', 'b'), right: eq('workloadCode', 'EXO') },
      },
    ],
    [
      "(channel eq 'a' or channel eq 'b') and workloadCode eq 'EXO'",
      {
        kind: 'and',
        left: { kind: 'or', left: eq('channel', 'a'), right: eq('channel', 'b') },
        right: eq('workloadCode', 'EXO'),
      },
    ],
    [
      "productId eq 'x' and productId eq 'y' and productId eq 'z'",
      {
        kind: 'and',
        left: { kind: 'and', left: eq('productId', 'x'), right: eq('productId', 'y') },
        right: eq('productId', 'z'),
      },
    ],
    [
      "((((customerTenantId eq '0112A436-B14D-4D5D-9A6B-5E4D2C3A1B00'))))",
      eq('customerTenantId', '0112A436-B14D-4D5D-9A6B-5E4D2C3A1B00'),
    ],
    ['', null],
    ['   ', null],
  ])('%s', (text, expected) => {
    expect(parseFilter(text, USAGE_FIELDS)).toEqual(expected);
  });

  it.each([
    ["serviceCode equals 'O365'", 'at character 13: expected eq or ne after serviceCode, found "equals"'],
    [
      'serviceCode eq O365',
      'at character 16: expected a value in single quotes after serviceCode eq, found "O365"',
    ],
    ["serviceCode eq 'O365", 'the value that starts at character 16 has no closing quote'],
    ['serviceCode eq "O365"', 'values are written in single quotes'],
    [
      "service eq 'O365'",
      'at character 1: unknown field "service"; the fields are workloadCode, workloadName, serviceCode',
    ],
    [
      "serviceCode eq 'O365' and",
      'at character 26: expected a field name or "(", found the end of the filter',
    ],
    [
      "(serviceCode eq 'O365'",
      'at character 23: expected ")" or a joining and / or, found the end of the filter',
    ],
    ["serviceCode eq 'O365')", 'at character 22: expected and, or, or the end of the filter, found ")"'],
    [
      "serviceCode eq 'a' 'b'",
      "at character 20: expected and, or, or the end of the filter, found the value 'b'",
    ],
    ["serviceCode eq 'a' xor channel eq 'b'", 'found "xor"'],
    ['()', 'at character 2: expected a field name or "(", found ")"'],
    [
      'serviceCode eq',
      'at character 15: expected a value in single quotes after serviceCode eq, found the end of the filter',
    ],
    ["serviceCode eq 'a' && channel eq 'b'", 'unexpected character "&" at character 20'],
    [
      `${'('.repeat(FILTER_MAX_DEPTH + 1)}channel eq 'x'${')'.repeat(FILTER_MAX_DEPTH + 1)}`,
      `nest more than ${FILTER_MAX_DEPTH} deep`,
    ],
  ])('refuses %s', (text, message) => {
    const m = refusal(text);
    expect(m.startsWith('filter: ')).toBe(true);
    expect(m).toContain(message);
  });

  it('deployment rows have no workload fields', () => {
    expect(refusal("workloadCode eq 'EXO'", DEPLOYMENT_FIELDS)).toContain('unknown field "workloadCode"');
    expect(parseFilter("productName ne 'x'", DEPLOYMENT_FIELDS)).toEqual(eq('productName', 'x', 'ne'));
  });
});

describe('filter evaluation', () => {
  type Row = Record<string, string>;
  const rows: Row[] = [
    { serviceCode: 'O365', channel: 'reseller', workloadCode: 'EXO', customerName: 'Łódź Sp. z o.o.' },
    { serviceCode: 'D365', channel: 'reseller', workloadCode: 'D365', customerName: 'Contoso' },
    { serviceCode: 'OTHER', channel: 'reseller', workloadCode: 'SPO', customerName: "O'Brien" },
  ];
  const run = (text: string) => {
    const keep = compileFilter<Row>(parseFilter(text, USAGE_FIELDS), (r, f) => r[f] ?? '');
    return rows.filter(keep).map((r) => r.serviceCode);
  };

  it.each([
    ["serviceCode eq 'o365'", ['O365']],
    ["serviceCode eq 'CRM'", ['D365']],
    ["serviceCode ne 'crm'", ['O365', 'OTHER']],
    ["channel eq 'Reseller'", ['O365', 'D365', 'OTHER']],
    ["customerName eq 'ŁÓDŹ SP. Z O.O.'", ['O365']],
    ["customerName eq 'o''brien'", ['OTHER']],
    ["serviceCode eq 'O365' or (channel eq 'Reseller') and workloadCode eq 'SPO'", ['O365', 'OTHER']],
    ["(serviceCode eq 'O365' or channel eq 'Reseller') and workloadCode eq 'SPO'", ['OTHER']],
    ["workloadCode ne 'EXO' and workloadCode ne 'SPO'", ['D365']],
    ['', ['O365', 'D365', 'OTHER']],
  ])('%s keeps %j', (text, kept) => {
    expect(run(text)).toEqual(kept);
  });
});

describe('groupby', () => {
  it('takes comma-separated fields, case-insensitive, each once, in the order given', () => {
    expect(parseGroupBy('serviceCode, CUSTOMERNAME ,serviceCode', DEPLOYMENT_FIELDS)).toEqual([
      'serviceCode',
      'customerName',
    ]);
    expect(parseGroupBy(' , ', DEPLOYMENT_FIELDS)).toBeNull();
  });

  it('refuses a field the rows do not have, naming it', () => {
    expect(() => parseGroupBy('serviceCode,workloadCode', DEPLOYMENT_FIELDS)).toThrow(
      /groupby: unknown field "workloadCode"; the fields are serviceCode/,
    );
    expect(() => parseGroupBy('licensesSold', USAGE_FIELDS)).toThrow(/unknown field "licensesSold"/);
  });
});

describe('filter properties', () => {
  const field = fc.constantFrom(...USAGE_FIELDS);
  const value = fc.string({ maxLength: 12 });
  const spaces = fc.constantFrom('', ' ', '  ', '\t');
  const filterOf = (depth: number): fc.Arbitrary<{ text: string; expr: FilterExpr }> => {
    const leaf = fc
      .tuple(field, fc.constantFrom<'eq' | 'ne'>('eq', 'ne'), value, fc.boolean())
      .map(([f, op, v, upper]) => ({
        text: `${upper ? f.toUpperCase() : f} ${upper ? op.toUpperCase() : op} '${v.replaceAll("'", "''")}'`,
        expr: { kind: 'compare' as const, field: f, op, value: v },
      }));
    if (depth === 0) return leaf;
    const sub = filterOf(depth - 1);
    return fc.oneof(
      { weight: 3, arbitrary: leaf },
      {
        weight: 1,
        arbitrary: fc
          .tuple(sub, sub, fc.constantFrom<'and' | 'or'>('and', 'or'), spaces)
          .map(([a, b, kind, s]) => ({
            // Parenthesised, so the tree is the one generated whatever the precedence.
            text: `(${s}${a.text}${s})${s === '' ? ' ' : s}${kind}${s === '' ? ' ' : s}(${b.text})`,
            expr: { kind, left: a.expr, right: b.expr },
          })),
      },
    );
  };

  it('every filter of the grammar parses to the expression it was written from', () => {
    fc.assert(
      fc.property(filterOf(4), ({ text, expr }) => {
        expect(parseFilter(text, USAGE_FIELDS)).toEqual(expr);
      }),
      { numRuns: 400 },
    );
  });

  it('any text parses or is refused as invalid_argument with a position — never another error', () => {
    const pieces = fc.constantFrom(
      'serviceCode',
      'channel',
      'eq',
      'ne',
      'and',
      'or',
      '(',
      ')',
      "'x'",
      "'",
      "''",
      ' ',
      'nope',
      '"',
      '\u0000',
      'ł',
      '=',
    );
    const junk = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.array(pieces, { maxLength: 25 }).map((p) => p.join('')),
      fc.array(pieces, { maxLength: 25 }).map((p) => p.join(' ')),
    );
    fc.assert(
      fc.property(junk, (text) => {
        try {
          parseFilter(text, USAGE_FIELDS);
        } catch (e) {
          expect(isAppError(e) && e.code === 'usage.invalid_argument').toBe(true);
          expect((e as Error).message).toMatch(/^filter: .*character \d+/);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
