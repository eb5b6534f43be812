/**
 * `insights import`: thin adapter over the importFiles use-case. SIGINT and SIGTERM cancel the
 * import (it rolls back: "interrupted, nothing stored", exit 130 or 143); a second one ends the
 * process at once, which leaves the store as before all the same.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { FORMATS, type ImportReport, importRequestSchema } from '@license-insights/contracts';
import { AppError, type ImportProgress, isAppError, todayIso } from '@license-insights/core';
import { type Command, type CommandContext, openInsights } from '../command';
import { EXIT } from '../exit-codes';
import { listenForInterrupt } from '../interrupt';
import { countOf, formatCount, ProgressBar, paint, renderTable, type Terminal } from '../output';
import { requestFrom, stringOf, wholeNumberOf } from '../request';
import { formatProblemLine } from './problems';

/** The request field each option fills, for usage errors. */
const OPTION_OF: Readonly<Record<string, string>> = {
  paths: 'the files',
  format: '--format',
  customer: '--customer',
  createCustomer: '--create-customer',
  asOf: '--as-of',
  channel: '--channel',
  graphPeriod: '--period',
  rejectsPath: '--rejects',
  maxProblemsPerFile: '--max-problems',
};

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
CSV files may be separated by , or by ; (Excel in Polish, German, … locales); the separator
is read from the header. By default an import is all or nothing: if any row is invalid,
nothing is stored and every problem is listed as file:line:column. With --partial the valid
rows are stored and the rejected ones written, with their reasons, to a rejects file.
Importing the same files again changes nothing. Ctrl-C (SIGINT) or SIGTERM stops an import
before its commit with nothing stored (exit 130 or 143).`,
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
      description:
        'rejects file for --partial, in an existing folder (default ./insights-rejects-<time>.csv)',
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
    if (values.customer !== undefined && values['create-customer'] !== undefined) {
      throw new AppError(
        'usage.invalid_argument',
        '--customer names a stored customer and --create-customer a new one: give one of them',
      );
    }
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
    const rejectsPath = path.resolve(
      ctx.cwd,
      typeof values.rejects === 'string' ? values.rejects : `insights-rejects-${stamp}.csv`,
    );
    // The options as typed (for messages); the request gets them resolved and converted.
    const given = {
      format: stringOf(values.format),
      customer: stringOf(values.customer),
      createCustomer: stringOf(values['create-customer']),
      asOf: stringOf(values['as-of']),
      channel: stringOf(values.channel),
      graphPeriod: stringOf(values.period),
      maxProblemsPerFile: stringOf(values['max-problems']),
    };
    // Partner and actor are settled once the store is open; everything else is checked before.
    const request = requestFrom(
      importRequestSchema.omit({ partnerId: true, actor: true }),
      {
        ...given,
        paths: positionals.map((p) => path.resolve(ctx.cwd, p)),
        asOf: given.asOf ?? todayIso(),
        channel: given.channel ?? 'direct',
        graphPeriod: given.graphPeriod?.toUpperCase(),
        partial: values.partial === true,
        replace: values.replace === true,
        rejectsPath,
        maxProblemsPerFile: wholeNumberOf(given.maxProblemsPerFile) ?? ctx.config().maxProblemsPerFile,
      },
      OPTION_OF,
      given,
    );
    if (request.partial) checkRejectsFolder(rejectsPath, values.rejects);
    const json = values.json === true || !ctx.term.stdoutIsTty;
    // A signal cancels the import; our handlers go after the first, so a second one ends the process.
    const interrupt = listenForInterrupt();
    const bar = new ProgressBar(ctx.term);
    const draw = (p: ImportProgress) => {
      const label =
        p.phase === 'committing' || p.phase === 'done'
          ? p.phase
          : `${p.fileIndex + 1}/${p.fileCount} ${path.basename(p.file)} · ${p.phase}`;
      bar.update(p.fraction, label);
    };
    const started = performance.now();
    let report: ImportReport;
    try {
      const { insights, partnerId, config } = await openInsights(ctx, 'write');
      try {
        report = await insights.importFiles({
          ...request,
          partnerId,
          actor: config.actor,
          ...(ctx.term.stderrIsTty ? { onProgress: draw } : {}),
          signal: interrupt.signal,
        });
      } finally {
        bar.done();
        await insights.close();
      }
    } catch (e) {
      const received = interrupt.received();
      if (received !== null && isAppError(e) && e.code === 'interrupted') {
        ctx.term.err(`${paint(ctx.term, 'red', 'interrupted')}, nothing stored (${received})\n`);
        return received === 'SIGTERM' ? EXIT.sigterm : EXIT.sigint;
      }
      throw e;
    } finally {
      interrupt.dispose();
    }
    const received = interrupt.received();
    const seconds = (performance.now() - started) / 1000;
    printReport(ctx.term, report, json, seconds, ctx.cwd);
    if (received !== null) {
      ctx.term.err(
        `${received} came after the import's commit had begun: it completed as reported (${report.outcome})\n`,
      );
    }
    if (report.outcome === 'rejected') return EXIT.invalidInput;
    if (report.outcome === 'partial') return EXIT.partial;
    return EXIT.ok;
  },
};

/** `--rejects` must name a file in an existing folder: checked before anything runs. */
function checkRejectsFolder(file: string, given: unknown): void {
  const dir = path.dirname(file);
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    // reported below
  }
  if (!isDir) {
    throw new AppError(
      'usage.invalid_argument',
      `--rejects ${typeof given === 'string' ? given : file}: the folder ${dir} does not exist; create it first or name a file in an existing folder`,
    );
  }
}

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
  const rejected = report.outcome === 'rejected';
  const rows = report.files.map((f) => {
    const counts = rejected
      ? []
      : [formatCount(f.inserted), formatCount(f.updated), formatCount(f.unchanged)];
    return [
      rel(f.file),
      `${f.entity ?? f.kind}${f.fileRejected ? ' (refused)' : ''}`,
      formatCount(f.rows),
      ...counts,
      f.rejected > 0 || f.errorCount > 0 ? paint(term, 'red', formatCount(f.rejected)) : '0',
    ];
  });
  term.out(
    renderTable(
      [
        { title: 'file' },
        { title: 'holds' },
        { title: 'rows', align: 'right' },
        ...(rejected
          ? []
          : [
              { title: 'new', align: 'right' } as const,
              { title: 'changed', align: 'right' } as const,
              { title: 'unchanged', align: 'right' } as const,
            ]),
        { title: 'rejected', align: 'right' },
      ],
      rows,
      term,
    ),
  );
  // The summary adds up the table's own columns, so the two always agree.
  const read = report.files.reduce((n, f) => n + f.rows, 0);
  const rejectedRows = report.files.reduce((n, f) => n + f.rejected, 0);
  const refusedFiles = report.files.filter((f) => f.fileRejected).length;
  const listed = report.files.reduce((n, f) => n + f.errors.length, 0);
  const counts = `${formatCount(read)} rows read, ${formatCount(rejectedRows)} rejected${refusedFiles > 0 ? `, ${refusedFiles} file${refusedFiles === 1 ? '' : 's'} refused as a whole` : ''}`;
  const problems = `${formatCount(report.errorCount)} problem${report.errorCount === 1 ? '' : 's'}, ${listed < report.errorCount ? `the first ${formatCount(listed)} listed above (--max-problems lists more)` : 'listed above'}`;
  const time = `${seconds.toFixed(1)} s`;
  if (report.outcome === 'rejected') {
    term.out(
      `${paint(term, 'red', '✖ rejected')}: nothing was stored — ${counts}; ${problems}. Fix the files and import again, or store the valid rows with --partial.\n`,
    );
    return;
  }
  if (report.outcome === 'partial') {
    term.out(
      `${paint(term, 'yellow', '⚠ partial')}: the valid rows were stored — ${counts}; ${problems}; ${time} (${report.importId})\n`,
    );
  } else {
    const verb = report.outcome === 'unchanged' ? 'unchanged: the store already held all of it' : 'committed';
    term.out(`${paint(term, 'green', '✔')} ${verb} — ${counts}, ${time} (${report.importId})\n`);
  }
  if (report.rejectsFile !== null) term.out(`rejected rows and their reasons: ${rel(report.rejectsFile)}\n`);
}
