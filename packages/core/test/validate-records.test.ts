/**
 * Record-batch validation (ingest/validate-records.ts) is the engine-neutral definition of a valid
 * canonical record. The embedded store validates its staged files in SQL (its fast path): on random
 * batches of valid and subtly invalid values both must report the same problems, in the same
 * order, with the same counts.
 */

import { DuckDBInstance } from '@duckdb/node-api';
import {
  CANONICAL_ENTITIES,
  type ColumnType,
  ENTITY_SPECS,
  type EntitySpec,
  GRAPH_ACTIVE_USERS_SPEC,
} from '@license-insights/contracts';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  canonicalDay,
  listItems,
  lowerCase,
  malformedValue,
  type ParsedRecord,
  trimSpaces,
  validateRecords,
} from '../src/ingest/validate-records';
import type { StagedValue } from '../src/store/store';
import { TEST_PARTNER, type TempStore, tempStore, toCsv } from '../src/testing';

const CUSTOMERS = ['c1', 'c2'];
const USERS: Record<string, string[]> = { c1: ['u1', 'u2'], c2: ['u1'] };

const long = (n: number, ch = 'x') => ch.repeat(n);

/** Values of a column: mostly plausible ones, with the edges each check is about. */
function valuesOf(name: string, type: ColumnType): fc.Arbitrary<StagedValue> {
  const common: StagedValue[] = [null, ''];
  if (name === 'customer_id') return fc.constantFrom('c1', 'c1', 'c2', 'c9', ' c1', 'c\t1', ...common);
  if (name === 'user_id') return fc.constantFrom('u1', 'u1', 'u2', 'u9', 'u1 ', ...common);
  switch (type.kind) {
    case 'id':
      return fc.constantFrom(
        'a',
        'a',
        'b',
        'Zażółć',
        ' a',
        'a ',
        'a\u00a0',
        '\ta',
        'a\u007fb',
        'a\u0085b',
        long(256),
        long(257),
        long(129, '👍'),
        ...common,
      );
    case 'text':
      return fc.constantFrom(
        'Contoso, Ltd.',
        ' padded ',
        'line\nbreak',
        long(1000),
        long(1001),
        long(600, '👍'),
        ...common,
      );
    case 'date':
      return fc.constantFrom(
        '2026-03-05',
        '2026-03-01',
        '2026-03-05',
        '2024-02-29',
        '2023-02-29',
        '2026-02-30',
        '2026-3-5',
        ' 2026-03-05',
        '2026-03-05 10:00',
        '2026/03/05',
        '1899-12-31',
        '1900-01-01',
        '2999-12-31',
        '3000-01-01',
        ...common,
      );
    case 'bool':
      return fc.constantFrom('true', 'false', 'True', 'FALSE', 'tRuE', 'yes', ' true', ...common);
    case 'int':
      return fc.constantFrom(
        '0',
        '1',
        '-1',
        '01',
        '25',
        '1.5',
        ' 1',
        '999999999999',
        '1000000000000',
        String(type.min - 1),
        String(type.min),
        String(Math.min(type.max, 999_999_999_999)),
        ...common,
      );
    case 'decimal':
      return fc.constantFrom(
        '1',
        '1.5',
        '1,5',
        '12.3456',
        '12.34567',
        '.5',
        '1e3',
        '12345678901',
        '-1',
        ...common,
      );
    case 'enum':
      return fc.constantFrom(
        ...type.values,
        ...type.values.map((v) => v.toLowerCase()),
        ` ${type.values[0]}`,
        'nope',
        ...common,
      );
    case 'list':
      return type.item.kind === 'enum'
        ? fc.constantFrom(
            type.item.values.slice(0, 2).join(';'),
            `${type.item.values[0]?.toLowerCase()}; ${type.item.values[1]} ;`,
            ';',
            `${type.item.values[0]};nope`,
            type.item.values[0] ?? '',
            ...common,
          )
        : fc.constantFrom('a;b', ' a ; ;b', long(10_000), long(10_001), ...common);
  }
}

/** A batch: the spec's required columns and some optional ones, and records of their values. */
function batchOf(spec: EntitySpec): fc.Arbitrary<{ columns: string[]; records: ParsedRecord[] }> {
  return fc
    .subarray(
      spec.columns.filter((c) => !c.required),
      { minLength: 0 },
    )
    .chain((optional) => {
      const chosen = new Set(optional.map((c) => c.name));
      const cols = spec.columns.filter((c) => c.required || chosen.has(c.name));
      const record = fc.tuple(...cols.map((c) => valuesOf(c.name, c.type)));
      return fc.array(record, { maxLength: 25 }).map((rows) => ({
        columns: cols.map((c) => c.name),
        records: rows.map((values, i) => ({ line: i + 2, values })),
      }));
    });
}

describe('record-batch validation', () => {
  let t: TempStore;
  beforeAll(async () => {
    t = await tempStore();
    const customers = toCsv(
      'customers',
      CUSTOMERS.map((id) => ({ customer_id: id, name: id })),
    );
    const users = toCsv(
      'users',
      Object.entries(USERS).flatMap(([c, us]) => us.map((u) => ({ customer_id: c, user_id: u }))),
    );
    t.files.file('ds/customers.csv', customers.text);
    t.files.file('ds/users.csv', users.text);
    const report = await t.import([`${t.files.dir}/ds`]);
    expect(report.outcome).toBe('committed');
  }, 60_000);
  afterAll(async () => {
    await t.close();
  });

  const known = {
    customer: (c: string) => CUSTOMERS.includes(c),
    user: (c: string, u: string) => USERS[c]?.includes(u) ?? false,
  };

  for (const spec of [...CANONICAL_ENTITIES.map((e) => ENTITY_SPECS[e]), GRAPH_ACTIVE_USERS_SPEC]) {
    it(`${spec.entity}: the same problems as the embedded store's SQL validation`, async () => {
      await fc.assert(
        fc.asyncProperty(
          batchOf(spec),
          fc.integer({ min: 1, max: 40 }),
          async ({ columns, records }, limit) => {
            const session = await t.store.openImport(TEST_PARTNER);
            try {
              await session.begin();
              const stage = await session.stageRecords(columns, records);
              const sqlResult = await session.validate(stage, spec, columns, limit);
              const core = validateRecords(spec, columns, columns, records, known, limit);
              if (
                process.env.LI_DEBUG &&
                JSON.stringify(core.problems) !== JSON.stringify(sqlResult.problems)
              )
                console.log(
                  'DIFF',
                  JSON.stringify(
                    core.problems
                      .filter((p) => !sqlResult.problems.some((q) => JSON.stringify(q) === JSON.stringify(p)))
                      .map((p) => [p.field, p.check, p.value?.slice(0, 8)]),
                  ),
                  JSON.stringify(
                    sqlResult.problems
                      .filter((p) => !core.problems.some((q) => JSON.stringify(q) === JSON.stringify(p)))
                      .map((p) => [p.field, p.check, p.value?.slice(0, 8)]),
                  ),
                );
              expect(core.problems).toEqual(sqlResult.problems);
              expect(core.problemCount).toBe(sqlResult.problemCount);
              expect(core.badRecords).toBe(sqlResult.badRecords);
            } finally {
              await session.rollback();
            }
          },
        ),
        { numRuns: 40 },
      );
    }, 120_000);
  }
});

describe('record-batch validation: values', () => {
  it('dates are canonical, real and from 1900 to 2999', () => {
    expect(canonicalDay('1970-01-02')).toBe(1);
    expect(canonicalDay('2024-02-29')).not.toBeNull();
    for (const bad of [
      '2023-02-29',
      '2026-3-5',
      '2026-03-05 ',
      '1899-12-31',
      '3000-01-01',
      '2026-13-01',
      '2026-00-10',
    ])
      expect(canonicalDay(bad), bad).toBeNull();
  });
  it('a decimal takes the file’s separator only', () => {
    expect(malformedValue({ kind: 'decimal' }, '12,5', { decimalComma: true })).toBe(false);
    expect(malformedValue({ kind: 'decimal' }, '12.5', { decimalComma: true })).toBe(true);
    expect(malformedValue({ kind: 'decimal' }, '12,5')).toBe(true);
  });
  it('list items are trimmed of spaces only, empty ones dropped', () => {
    expect(listItems(' a ;; b\t;')).toEqual(['a', 'b\t']);
    expect(listItems(null)).toEqual([]);
  });
  it('an id counts characters, not UTF-16 units', () => {
    expect(malformedValue({ kind: 'id' }, '👍'.repeat(256))).toBe(false);
    expect(malformedValue({ kind: 'id' }, '👍'.repeat(257))).toBe(true);
  });
  it('lower case, trimming and control characters agree with SQL for every code point of the BMP', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    try {
      const r = await c.runAndReadAll(
        `SELECT cp::INTEGER AS cp, lower('x' || chr(cp::INTEGER) || 'y') AS l, trim('a' || chr(cp::INTEGER) || 'a' || chr(cp::INTEGER)) AS t,
                regexp_matches(chr(cp::INTEGER), '[[:cntrl:]]') AS k
         FROM range(1, 65536) t(cp) WHERE cp NOT BETWEEN 55296 AND 57343 ORDER BY cp`,
      );
      const rows = r.getRowObjectsJS() as { cp: number; l: string; t: string; k: boolean }[];
      expect(rows.length).toBe(65535 - 2048);
      const differ: string[] = [];
      for (const row of rows) {
        const ch = String.fromCharCode(row.cp);
        if (lowerCase(`x${ch}y`) !== row.l) differ.push(`lower U+${row.cp.toString(16)}`);
        if (trimSpaces(`a${ch}a${ch}`) !== row.t) differ.push(`trim U+${row.cp.toString(16)}`);
        if (malformedValue({ kind: 'id' }, `a${ch}`) !== row.k)
          differ.push(`control U+${row.cp.toString(16)}`);
      }
      expect(differ).toEqual([]);
      expect(lowerCase('OFFİCE')).toBe('office');
    } finally {
      c.closeSync();
    }
  });
});
