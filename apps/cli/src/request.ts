/**
 * Command-line values → a use-case request, validated once, here at the boundary, by the request's
 * contract schema (packages/contracts). A value the schema refuses is a usage error that names the
 * option as the user typed it, what was expected and what was given:
 * `--date must be a date YYYY-MM-DD (got "2026-02-30")`.
 */
import { AppError } from '@license-insights/core';

/** What the CLI needs of a zod schema (the CLI depends on the contracts, not on zod itself). */
interface RequestSchema<T> {
  safeParse(input: unknown):
    | { readonly success: true; readonly data: T }
    | {
        readonly success: false;
        readonly error: {
          readonly issues: readonly { readonly path: readonly PropertyKey[]; readonly message: string }[];
        };
      };
}

/**
 * Parses `input` (fields of the request; undefined ones are left out) with `schema`. `names` gives
 * each field's option (`day` → `--date`); `shown`, the value as typed when `input` holds it
 * converted (a number from its text).
 */
export function requestFrom<T>(
  schema: RequestSchema<T>,
  input: Readonly<Record<string, unknown>>,
  names: Readonly<Record<string, string>>,
  shown: Readonly<Record<string, unknown>> = input,
): T {
  const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  const r = schema.safeParse(defined);
  if (r.success) return r.data;
  const [issue] = r.error.issues;
  const field = String(issue?.path[0] ?? '');
  const given = shown[field];
  throw new AppError(
    'usage.invalid_argument',
    `${names[field] ?? (field || 'the request')} ${issue?.message ?? 'is not valid'}${given === undefined ? '' : ` (got ${JSON.stringify(given)})`}`,
  );
}

/** A whole number's text as a number; anything else as NaN, for the schema to refuse (`1.0`, `1e3`, `five`). */
export function wholeNumberOf(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : Number.NaN;
}

/** A string option's value, or undefined (a boolean or repeated flag is not one). */
export function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
