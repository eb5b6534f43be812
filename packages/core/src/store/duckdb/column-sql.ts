/**
 * DuckDB expressions generated from the canonical column specs (contracts/canonical.ts): the
 * "is this text a valid X" conditions used by validation and the "text → typed value" expressions
 * used by merges. Values (allowed words, bounds) are bound parameters; identifiers come from specs.
 */
import type { ColumnType } from '@license-insights/contracts';
import { ident, raw, type SqlFragment, sql } from '../sql';

const BOOL_WORDS = ['true', 'false'];

/** Items of a `;`-separated list cell, trimmed, empty ones dropped. */
export function listItems(v: SqlFragment): SqlFragment {
  return sql`list_filter(list_transform(string_split(coalesce(${v}, ''), ';'), x -> trim(x)), x -> x <> '')`;
}

/** Duplicates removed, first occurrence kept, order preserved (list_distinct does not keep order). */
function stableDistinct(list: SqlFragment): SqlFragment {
  return sql`list_filter(${list}, (x, i) -> list_position(${list}, x) = i)`;
}

/** How values of a stage are written: `decimalComma` for `;`-separated CSV files (12,50). */
export interface ValueFormat {
  readonly decimalComma?: boolean;
}

/** True when the (present, non-empty) value `v` is malformed for its type. */
export function malformed(type: ColumnType, v: SqlFragment, format: ValueFormat = {}): SqlFragment {
  switch (type.kind) {
    case 'id':
      return sql`(length(${v}) > 256 OR regexp_matches(${v}, '[[:cntrl:]]'))`;
    case 'text':
      return sql`(length(${v}) > 1000)`;
    case 'date':
      return malformedDate(v, sql`try_cast(${v} AS DATE)`);
    case 'bool':
      // The usual spellings first, without lower() (Graph writes True/False in every row).
      return sql`CASE WHEN ${v} IN ('true', 'false', 'True', 'False') THEN false ELSE NOT list_contains(${BOOL_WORDS}, lower(${v})) END`;
    case 'int':
      return sql`NOT coalesce(regexp_full_match(${v}, '-?[0-9]{1,12}') AND try_cast(${v} AS BIGINT) BETWEEN ${type.min} AND ${type.max}, false)`;
    case 'decimal':
      // One decimal separator, the file's: `.`, or `,` in a `;`-separated file (never both, never
      // thousands separators: 1.234 would mean a thousand in Germany and one in Poland).
      return format.decimalComma === true
        ? sql`NOT regexp_full_match(${v}, '[0-9]{1,10}(,[0-9]{1,4})?')`
        : sql`NOT regexp_full_match(${v}, '[0-9]{1,10}(\\.[0-9]{1,4})?')`;
    case 'enum':
      return sql`NOT list_contains(${type.values.map((x) => x.toLowerCase())}, lower(${v}))`;
    case 'list':
      if (type.item.kind === 'enum') {
        const lower = type.item.values.map((x) => x.toLowerCase());
        return sql`NOT list_has_all(${lower}, list_transform(${listItems(v)}, x -> lower(x)))`;
      }
      return sql`(length(${v}) > 10000)`;
  }
}

/**
 * True when the present text `v` of a date, cast leniently to `d` (`try_cast(v AS DATE)`, maybe
 * computed once elsewhere), is not exactly the canonical text of a date from 1900 to 2999: DuckDB's
 * cast is lenient ('2026-3-5 '), its output is not.
 */
export function malformedDate(v: SqlFragment, d: SqlFragment): SqlFragment {
  return sql`coalesce(${d}::VARCHAR <> ${v} OR ${d} NOT BETWEEN DATE '1900-01-01' AND DATE '2999-12-31', true)`;
}

/**
 * Typed, normalised value of a valid text cell (enum words in their canonical spelling). A valid
 * decimal holds at most one separator, `.` or (from a `;`-separated file) `,`.
 */
export function typed(type: ColumnType, v: SqlFragment): SqlFragment {
  switch (type.kind) {
    case 'id':
      return v;
    case 'text':
      return sql`nullif(${v}, '')`;
    case 'date':
      return sql`CAST(nullif(${v}, '') AS DATE)`;
    case 'bool':
      return sql`CASE WHEN nullif(${v}, '') IS NULL THEN NULL ELSE lower(${v}) = 'true' END`;
    case 'int':
      return sql`CAST(nullif(${v}, '') AS INTEGER)`;
    case 'decimal':
      return sql`CAST(replace(nullif(${v}, ''), ',', '.') AS DECIMAL(14, 4))`;
    case 'enum':
      return sql`list_extract(${[...type.values]}, list_position(${type.values.map((x) => x.toLowerCase())}, lower(nullif(${v}, ''))))`;
    case 'list':
      if (type.item.kind === 'enum') {
        const values = [...type.item.values];
        const lower = values.map((x) => x.toLowerCase());
        return stableDistinct(
          sql`list_transform(${listItems(v)}, x -> list_extract(${values}, list_position(${lower}, lower(x))))`,
        );
      }
      return stableDistinct(listItems(v));
  }
}

/** The SQL type a column is stored as, for casting NULLs of absent columns. */
export function storedType(type: ColumnType): SqlFragment {
  switch (type.kind) {
    case 'date':
      return raw('DATE');
    case 'bool':
      return raw('BOOLEAN');
    case 'int':
      return raw('INTEGER');
    case 'decimal':
      return raw('DECIMAL(14, 4)');
    case 'list':
      return raw('VARCHAR[]');
    default:
      return raw('VARCHAR');
  }
}

export function col(alias: string, name: string): SqlFragment {
  return sql`${ident(alias)}.${ident(name)}`;
}
