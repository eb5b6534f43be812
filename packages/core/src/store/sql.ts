/**
 * A tiny bound-parameter SQL builder (the idea of Kysely's `sql` tag): interpolated values always
 * become `$n` parameters; identifiers are only ever names from our own specs, checked by `ident`.
 * Engine-neutral: DuckDB and PostgreSQL both take `$n` placeholders.
 */

export type SqlValue = string | number | boolean | null | bigint | readonly string[];

const FRAGMENT = Symbol('sql-fragment');

export interface SqlFragment {
  readonly [FRAGMENT]: true;
  readonly parts: readonly string[];
  readonly values: readonly (SqlValue | SqlFragment)[];
}

export interface CompiledSql {
  readonly text: string;
  readonly params: readonly SqlValue[];
}

function isFragment(v: unknown): v is SqlFragment {
  return typeof v === 'object' && v !== null && FRAGMENT in v;
}

export function sql(
  strings: TemplateStringsArray,
  ...values: readonly (SqlValue | SqlFragment)[]
): SqlFragment {
  return { [FRAGMENT]: true, parts: [...strings], values };
}

/** Raw SQL text that is part of the program, never input (keywords, our own column names). */
export function raw(text: string): SqlFragment {
  return { [FRAGMENT]: true, parts: [text], values: [] };
}

const IDENT = /^[a-z_][a-z0-9_]*$/;

/** A quoted identifier; refuses anything that is not a plain lower-case name from our specs. */
export function ident(name: string): SqlFragment {
  if (!IDENT.test(name)) throw new Error(`refusing identifier ${JSON.stringify(name)}`);
  return raw(`"${name}"`);
}

export function join(fragments: readonly SqlFragment[], separator = ', '): SqlFragment {
  if (fragments.length === 0) return raw('');
  return { [FRAGMENT]: true, parts: ['', ...fragments.slice(1).map(() => separator), ''], values: fragments };
}

export function compile(fragment: SqlFragment): CompiledSql {
  const params: SqlValue[] = [];
  let text = '';
  const walk = (f: SqlFragment): void => {
    f.parts.forEach((part, i) => {
      text += part;
      if (i < f.values.length) {
        const v = f.values[i] as SqlValue | SqlFragment;
        if (isFragment(v)) walk(v);
        else {
          params.push(v);
          text += `$${params.length}`;
        }
      }
    });
  };
  walk(fragment);
  return { text, params };
}
