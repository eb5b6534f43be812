/** `insights import`: thin adapter over the importFiles use-case. */
import path from 'node:path';
import {
  CHANNELS as CHANNELS_FOR_CLI,
  GRAPH_REPORT_PERIODS,
  type GraphReportPeriod,
} from '@license-insights/contracts';
import {
  AppError,
  FORMATS,
  type FormatName,
  type ImportProgress,
  type ImportReport,
  importFiles,
  parseIsoDate,
  todayIso,
} from '@license-insights/core';
import { type Command, type CommandContext, intOption, openForPartner } from '../command';
import { EXIT } from '../exit-codes';
import { countOf, formatCount, ProgressBar, paint, renderTable, type Terminal } from '../output';
import { formatProblemLine } from './problems';

export const importCommand: Command = {
  name: 'import',
  summary: 'import data files (canonical CSV/NDJSON, Graph and Partner Center exports) into the store',
  usage: 'insights import [options] <file|directory>...',
  description: `Formats are detected from file names, headers and JSON shape:
  canonical        customers, products, subscriptions, users, license_assignments, activity,
                   support_requests — CSV with header or NDJSON (see docs/data-formats.md)
  graph-active-users            Graph "Office 365 active user detail" CSV (needs a customer)
  graph-subscribed-skus         Graph subscribedSkus JSON (needs a customer)
  partner-center-subscriptions  Partner Center subscriptions JSON (needs a customer)
These exports do not say which customer they are about: --customer names a stored one by its
id, its domain (its own, or its users' sign-in domain) or its name (any letter case); an
ambiguous or unknown customer is an error that lists the candidates. A new customer is created
only with --create-customer "<name>" (it gets an id made from the name, e.g. "contoso-ltd").
By default an import is all or nothing: if any row is invalid, nothing is stored and every
problem is listed as file:line:column. With --partial the valid rows are stored and the
rejected ones written, with their reasons, to a rejects file. Importing the same files again
changes nothing.`,
  options: {
    format: {
      type: 'string',
      value: 'name',
      description: `input format, when detection is not enough: ${FORMATS.join(', ')}`,
    },
    customer: {
      type: 'string',
      value: 'id|domain|name',
      description: 'the stored customer a Graph or Partner Center export is about',
    },
    'create-customer': {
      type: 'string',
      value: 'name',
      description: 'create this customer for a Graph or Partner Center export (instead of --customer)',
    },
    'as-of': {
      type: 'string',
      value: 'date',
      description: 'day the state in a JSON export is as of (default: today)',
    },
    channel: {
      type: 'string',
      value: 'channel',
      description:
        'who sold the units of a subscribedSkus export: own, other_partner, direct (default direct)',
    },
    period: {
      type: 'string',
      value: 'D7|D30|D90|D180',
      description:
        'period of Graph active-user reports (default: from the file name, else D30); 28 days or more measure usage on the refresh date',
    },
    partial: {
      type: 'boolean',
      description: 'store the valid rows, write rejected ones to the rejects file',
    },
    rejects: {
      type: 'string',
      value: 'file',
      description: 'rejects file for --partial (default ./insights-rejects-<time>.csv)',
    },
    replace: {
      type: 'boolean',
      description: 'replace everything stored for the partner by these files (a full reload)',
    },
    'max-problems': { type: 'string', value: 'n', description: 'problems listed per file (default 100)' },
    json: {
      type: 'boolean',
      description: 'print the report as JSON (the default when stdout is not a terminal)',
    },
  },
  examples: [
    'insights import ./exports/',
    'insights import customers.csv users.csv activity.csv',
    'insights import --customer contoso.com Office365ActiveUserDetail_D30.csv',
    'insights import --create-customer "Contoso Ltd" Office365ActiveUserDetail_D30.csv',
    'insights import --partial --rejects rejects.csv activity.csv',
  ],
  async run(ctx: CommandContext, values, positionals): Promise<number> {
    if (positionals.length === 0) {
      throw new AppError(
        'usage.invalid_argument',
        'name at least one file or directory to import; see insights import --help',
      );
    }
    const format = values.format;
    if (format !== undefined && !FORMATS.includes(format as FormatName)) {
      throw new AppError(
        'usage.invalid_argument',
        `--format must be one of ${FORMATS.join(', ')} (got ${JSON.stringify(format)})`,
      );
    }
    const asOf = typeof values['as-of'] === 'string' ? values['as-of'] : todayIso();
    if (parseIsoDate(asOf) === null) {
      throw new AppError(
        'usage.invalid_argument',
        `--as-of must be a date YYYY-MM-DD (got ${JSON.stringify(asOf)})`,
      );
    }
    const channel = typeof values.channel === 'string' ? values.channel : 'direct';
    if (!CHANNELS_FOR_CLI.includes(channel as (typeof CHANNELS_FOR_CLI)[number])) {
      throw new AppError('usage.invalid_argument', `--channel must be one of ${CHANNELS_FOR_CLI.join(', ')}`);
    }
    const period = values.period;
    if (
      period !== undefined &&
      !(typeof period === 'string' && period.toUpperCase() in GRAPH_REPORT_PERIODS)
    ) {
      throw new AppError(
        'usage.invalid_argument',
        `--period must be one of ${Object.keys(GRAPH_REPORT_PERIODS).join(', ')} (got ${JSON.stringify(period)})`,
      );
    }
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
    const rejectsPath = path.resolve(
      ctx.cwd,
      typeof values.rejects === 'string' ? values.rejects : `insights-rejects-${stamp}.csv`,
    );
    const json = values.json === true || !ctx.term.stdoutIsTty;
    const { store, partnerId, config } = await openForPartner(ctx, 'write');
    const bar = new ProgressBar(ctx.term);
    let current: ImportProgress | null = null;
    const draw = () => {
      if (current === null) return;
      const pct = store.progress();
      const within = current.phase === 'committing' ? 1 : pct >= 0 ? pct / 100 : 0;
      const label =
        current.phase === 'committing'
          ? 'committing'
          : `${current.fileIndex + 1}/${current.fileCount} ${path.basename(current.file)} · ${current.phase}`;
      bar.update((current.fileIndex + within) / Math.max(1, current.fileCount), label);
    };
    bar.poll(120, draw);
    const started = performance.now();
    let report: ImportReport;
    try {
      report = await importFiles(store, {
        partnerId,
        actor: config.actor,
        paths: positionals.map((p) => path.resolve(ctx.cwd, p)),
        ...(typeof format === 'string' ? { format: format as FormatName } : {}),
        ...(typeof values.customer === 'string' ? { customer: values.customer } : {}),
        ...(typeof period === 'string' ? { graphPeriod: period.toUpperCase() as GraphReportPeriod } : {}),
        ...(typeof values['create-customer'] === 'string'
          ? { createCustomer: values['create-customer'] }
          : {}),
        asOf,
        channel: channel as (typeof CHANNELS_FOR_CLI)[number],
        partial: values.partial === true,
        replace: values.replace === true,
        rejectsPath,
        maxProblemsPerFile: intOption(
          values['max-problems'],
          'max-problems',
          config.maxProblemsPerFile,
          1,
          100_000,
        ),
        onProgress: (p) => {
          current = p;
          draw();
        },
      });
    } finally {
      bar.done();
      await store.close();
    }
    const seconds = (performance.now() - started) / 1000;
    printReport(ctx.term, report, json, seconds, ctx.cwd);
    if (report.outcome === 'rejected') return EXIT.invalidInput;
    if (report.rejectsFile !== null) return EXIT.partial;
    return EXIT.ok;
  },
};

function printReport(
  term: Terminal,
  report: ImportReport,
  json: boolean,
  seconds: number,
  cwd: string,
): void {
  const rel = (f: string) => {
    const r = path.relative(cwd, f);
    return r.startsWith('..') ? f : r;
  };
  // Problems go to stderr in both modes: they are what the user must act on.
  for (const f of report.files) {
    for (const p of f.errors) term.err(`${formatProblemLine(term, { ...p, file: rel(p.file) })}\n`);
    if (f.errorCount > f.errors.length) {
      term.err(
        `${rel(f.file)}: … and ${countOf(f.errorCount - f.errors.length, 'more problem')} in this file\n`,
      );
    }
    for (const p of f.warnings) term.err(`${formatProblemLine(term, { ...p, file: rel(p.file) })}\n`);
  }
  if (json) {
    term.out(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  const rows = report.files.map((f) => [
    rel(f.file),
    f.entity ?? f.kind,
    formatCount(f.rows),
    formatCount(f.inserted),
    formatCount(f.updated),
    formatCount(f.unchanged),
    f.rejected > 0 || f.errorCount > 0
      ? paint(term, 'red', formatCount(Math.max(f.rejected, f.errorCount > 0 && f.rejected === 0 ? 1 : 0)))
      : '0',
  ]);
  term.out(
    renderTable(
      [
        { title: 'file' },
        { title: 'holds' },
        { title: 'rows', align: 'right' },
        { title: 'new', align: 'right' },
        { title: 'changed', align: 'right' },
        { title: 'unchanged', align: 'right' },
        { title: 'rejected', align: 'right' },
      ],
      rows,
      term,
    ),
  );
  const read = report.files.reduce((n, f) => n + f.rows, 0);
  const rejected = report.files.reduce((n, f) => n + f.rejected, 0);
  const time = `${seconds.toFixed(1)} s`;
  if (report.outcome === 'rejected') {
    term.out(
      `${paint(term, 'red', '✖ rejected')}: nothing was stored (${countOf(report.errorCount, 'problem')}, listed above). Fix the files and import again, or store the valid rows with --partial.\n`,
    );
  } else {
    const verb = report.outcome === 'unchanged' ? 'unchanged: the store already held all of it' : 'committed';
    term.out(
      `${paint(term, 'green', '✔')} ${verb} — ${countOf(read, 'row')} read, ${formatCount(rejected)} rejected, ${time} (${report.importId})\n`,
    );
    if (report.rejectsFile !== null)
      term.out(`rejected rows and their reasons: ${rel(report.rejectsFile)}\n`);
  }
}
