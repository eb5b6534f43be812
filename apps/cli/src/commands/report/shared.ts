/**
 * What the report subcommands (and `recommendations`, `settings`, `exclusions`) share: the output
 * format options, CSV documents with or without a byte order mark, SPEC metrics rows as CSV, and
 * how counts, percentages, reasons and roll-up totals read on a terminal.
 */
import {
  formatReasons,
  METRICS_ROW_COLUMNS,
  type MetricsRow,
  type Reasons,
  type Totals,
} from '@license-insights/contracts';
import { AppError, csvDocument, csvLine } from '@license-insights/core';
import type { CommandContext, ParsedCommandLine } from '../../command';
import { formatCount, paint, type Terminal } from '../../output';

export type Values = ParsedCommandLine['values'];

/** A report subcommand: its arguments after the subcommand's name. */
export type Subcommand = (ctx: CommandContext, values: Values, args: readonly string[]) => Promise<number>;

export type Format = 'table' | 'csv' | 'json';

/** `--format table|csv|json` of the reports: table on a terminal, JSON when piped (as every command). */
export function formatOf(ctx: CommandContext, value: unknown): Format {
  const f = typeof value === 'string' ? value : ctx.term.stdoutIsTty ? 'table' : 'json';
  if (f !== 'table' && f !== 'csv' && f !== 'json')
    throw new AppError('usage.invalid_argument', '--format must be table, csv or json');
  return f;
}

/** `--format table|json` of list commands: true for JSON (the default when piped). */
export function jsonOutput(ctx: CommandContext, value: unknown): boolean {
  if (value !== undefined && value !== 'table' && value !== 'json')
    throw new AppError('usage.invalid_argument', '--format must be table or json');
  return value === 'json' || (value === undefined && !ctx.term.stdoutIsTty);
}

export const NO_BOM_OPTION = {
  type: 'boolean',
  description:
    'csv: leave out the UTF-8 byte order mark that lets Excel read names like "Łódź" (for scripts)',
} as const;

export const DATE_OPTION = {
  type: 'string',
  value: 'YYYY-MM-DD',
  description: 'the day D (default: the last day with metrics)',
} as const;

/** A CSV document as the reports print it: with the byte order mark unless `--no-bom`. */
export function csvOutput(values: Readonly<Record<string, unknown>>, text: string): string {
  return csvDocument(text, values['no-bom'] !== true);
}

/** Prints a result as CSV, JSON or a table, as `--format` says. */
export function printAs(
  ctx: CommandContext,
  values: Values,
  format: Format,
  out: { csv: () => string; json: () => unknown; table: () => string },
): void {
  if (format === 'csv') ctx.term.out(csvOutput(values, out.csv()));
  else if (format === 'json') ctx.term.out(`${JSON.stringify(out.json(), null, 2)}\n`);
  else ctx.term.out(out.table());
}

/** Arguments a subcommand does not take are refused, not ignored. */
export function noArguments(args: readonly string[]): void {
  if (args.length > 0)
    throw new AppError('usage.invalid_argument', `unexpected ${args.join(' ')}; see insights report --help`);
}

/** SPEC §4 metrics rows as CSV: one column per field, reasons as `ROTATION:1;TRIAL:3`. */
export function metricsCsv(rows: readonly MetricsRow[]): string {
  return (
    csvLine([...METRICS_ROW_COLUMNS]) +
    rows
      .map((r) =>
        csvLine(
          METRICS_ROW_COLUMNS.map((c) => {
            const v = r[c];
            if (c === 'usageReasons' || c === 'deploymentReasons') return formatReasons(v as Reasons | null);
            return v as string | number | boolean | null;
          }),
        ),
      )
      .join('')
  );
}

export const pct = (p: number | null) => (p === null ? '—' : `${p.toFixed(1)} %`);
/** A count that may be unknown (usage the data cannot tell: "—", never 0). */
export const count = (n: number | null) => (n === null ? '—' : formatCount(n));
/** Usage %, marked `*` when its window is partial (the 28 days reach back before the data). */
export const usagePct = (p: number | null, partial: boolean) =>
  `${pct(p)}${partial && p !== null ? '*' : ''}`;
export const reasons = (r: Reasons | null) =>
  Object.entries(r ?? {})
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

/** A percentage; above 100, highlighted with the reasons of the excess. */
function pctWithReasons(term: Terminal, p: number | null, r: Reasons | null, partial = false): string {
  const text = usagePct(p, partial);
  if (p === null || p <= 100) return text;
  return `${paint(term, 'yellow', text)} (${reasons(r)})`;
}

/** A roll-up in one line (two when some licenses' usage is not measured). */
export function totalsLine(term: Terminal, t: Totals): string {
  const line = `sold ${formatCount(t.sold)} (own ${formatCount(t.soldOwn)}) · assigned ${formatCount(t.assigned)} · active ${count(t.active)} · deployment ${pctWithReasons(term, t.deploymentPercent, t.deploymentReasons)} · usage ${pctWithReasons(term, t.usagePercent, t.usageReasons, t.partialWindow)}`;
  return t.soldNotMeasured > 0
    ? `${line}\nusage covers the measured workloads of products with workloads: ${formatCount(t.soldMeasured)} licenses; usage of ${formatCount(t.soldNotMeasured)} is not measured`
    : line;
}

/** "* partial window" note, when a shown usage is marked. */
export const PARTIAL_NOTE = '* partial window: the 28 days reach back before the usage data\n';
