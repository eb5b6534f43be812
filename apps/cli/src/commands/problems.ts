/**
 * One problem per line, `file:line:column: error: message (value "x"; expected y)`, coloured on
 * terminals, with its hint in the CLI's words.
 */
import type { Problem } from '@license-insights/contracts';
import { problemHint } from '../hints';
import { paint, type Terminal } from '../output';

export function formatProblemLine(
  term: Terminal,
  p: Problem,
  values: Readonly<Record<string, string | boolean | string[] | undefined>> = {},
): string {
  const where = [p.file, p.line, p.column].filter((x) => x !== undefined).join(':');
  const detail: string[] = [];
  if (p.value !== undefined) detail.push(`value ${JSON.stringify(p.value)}`);
  if (p.expected !== undefined) detail.push(`expected ${p.expected}`);
  const severity = p.severity === 'error' ? paint(term, 'red', 'error') : paint(term, 'yellow', 'warning');
  return `${where}: ${severity}: ${p.message}${detail.length > 0 ? ` (${detail.join('; ')})` : ''}${problemHint(p, values)}`;
}
