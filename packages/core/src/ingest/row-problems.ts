/** Turns the store's row problems into user-facing problems: line, column, value, expectation. */
import { describeColumnType, type EntitySpec, type Problem } from '@license-insights/contracts';
import type { RowProblem } from '../store/store';

export interface LineLookup {
  lineOf(rec: number): number | undefined;
}

export function describeRowProblem(
  p: RowProblem,
  spec: EntitySpec,
  file: string,
  columnOf: (field: string) => number | undefined,
  lines: LineLookup,
  /** `decimalComma`: the value is from a `;`-separated CSV file. */
  format: { readonly decimalComma?: boolean } = {},
): Problem {
  const column = spec.columns.find((c) => c.name === p.field);
  const line = p.line ?? lines.lineOf(p.rec);
  const refLine = p.refRec === null ? undefined : (p.refLine ?? lines.lineOf(p.refRec));
  const position = columnOf(p.field);
  const base = {
    severity: 'error' as const,
    file,
    ...(line !== undefined ? { line } : {}),
    ...(position !== undefined ? { column: position } : {}),
    field: p.field,
    ...(p.value !== null ? { value: p.value } : {}),
  };
  const expectedType = column ? describeColumnType(column.type, format) : 'a valid value';
  switch (p.check) {
    case 'missing':
      return {
        ...base,
        code: 'ingest.missing_value',
        message: `${p.field} is required`,
        expected: expectedType,
      };
    case 'whitespace':
      return {
        ...base,
        code: 'ingest.invalid_value',
        message: `${p.field} has spaces around it`,
        expected: 'no leading or trailing spaces',
      };
    case 'format':
      return { ...base, code: 'ingest.invalid_value', message: `invalid ${p.field}`, expected: expectedType };
    case 'unknown_customer':
      return {
        ...base,
        code: 'ingest.unknown_reference',
        message: 'unknown customer',
        expected: 'a customer_id of customers (imported now or before)',
      };
    case 'unknown_user':
      return {
        ...base,
        code: 'ingest.unknown_reference',
        message: 'unknown user for this customer',
        expected: 'a user_id of users for the same customer_id (imported now or before)',
      };
    case 'duplicate':
      return {
        ...base,
        code: 'ingest.duplicate_key',
        message: `duplicate key (${spec.key.join(', ')})`,
        expected: `each key once per file${refLine !== undefined ? ` (first at line ${refLine})` : ''}`,
      };
    case 'order':
      return {
        ...base,
        code: 'ingest.invalid_value',
        message: 'unassigned_on is not after assigned_on',
        expected: 'a date after assigned_on, or empty while held',
      };
    case 'subset':
      return {
        ...base,
        code: 'ingest.invalid_value',
        message: 'open_workloads lists a workload the product does not include',
        expected: 'a subset of workloads',
      };
  }
}
