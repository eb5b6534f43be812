/** `insights demo`: write the demo portfolio (deterministic per seed) and optionally import it. */
import path from 'node:path';
import {
  AppError,
  DEMO_PARTNER_ID,
  demoImportRequest,
  generateDemo,
  type ImportProgress,
  parseIsoDate,
  storeLabel,
  todayIso,
} from '@license-insights/core';
import { type Command, insightsFor, intOption } from '../command';
import { EXIT } from '../exit-codes';
import { countOf, ProgressBar, paint } from '../output';

export const demoCommand: Command = {
  name: 'demo',
  summary: 'generate a realistic demo portfolio (canonical files) and optionally import it',
  usage: 'insights demo [--customers N] [--seed S] [--days D] [--end DATE] [--out DIR] [--import]',
  description: `Writes customers, products, subscriptions, users, license_assignments, activity and
support_requests as canonical CSV files. The same options always give the same files.
With --import the files are imported for the partner "demo" (or --partner on this command line;
LI_PARTNER and the configuration file do not move it), replacing what that
partner held before, so a demo is reloaded, never mixed with an older one. With the demo as the
only partner in the store, the other commands use it without --partner.`,
  options: {
    customers: { type: 'string', value: 'n', description: 'number of customers (default 60)' },
    seed: { type: 'string', value: 's', description: 'random seed (default "demo")' },
    days: { type: 'string', value: 'd', description: 'days of history up to --end (default 425)' },
    end: { type: 'string', value: 'date', description: 'last day of data, YYYY-MM-DD (default: yesterday)' },
    out: {
      type: 'string',
      value: 'dir',
      description: 'where to write the files (default <data dir>/demo-dataset)',
    },
    import: { type: 'boolean', description: 'import the files into the store after writing them' },
  },
  examples: ['insights demo --import', 'insights demo --customers 500 --seed 7 --out ./demo-500'],
  async run(ctx, values) {
    const customers = intOption(values.customers, 'customers', 60, 1, 100_000);
    const days = intOption(values.days, 'days', 425, 28, 3660);
    const seed = typeof values.seed === 'string' ? values.seed : 'demo';
    const yesterday = new Date(Date.now() - 86_400_000);
    const end = typeof values.end === 'string' ? values.end : todayIso(yesterday);
    if (parseIsoDate(end) === null)
      throw new AppError(
        'usage.invalid_argument',
        `--end must be a date YYYY-MM-DD (got ${JSON.stringify(end)})`,
      );
    const config = ctx.config();
    // Only --partner on this command line moves the demo: a partner named in the environment or
    // the configuration file is the user's own, whose data a demo import would replace.
    const partnerId =
      typeof values.partner === 'string' ? (config.partnerId ?? values.partner) : DEMO_PARTNER_ID;
    const outDir = path.resolve(
      ctx.cwd,
      typeof values.out === 'string' ? values.out : path.join(config.dataDir, 'demo-dataset'),
    );
    const bar = new ProgressBar(ctx.term);
    const started = performance.now();
    const summary = await generateDemo({
      outDir,
      customers,
      seed,
      days,
      end,
      onGenerate: (done, total) => bar.update(done / total, `generating customer ${done}/${total}`),
    });
    bar.done();
    const t1 = (performance.now() - started) / 1000;
    ctx.term.err(
      `${paint(ctx.term, 'green', '✔')} demo portfolio written to ${outDir} in ${t1.toFixed(1)} s: ${countOf(summary.customers, 'customer')}, ${countOf(summary.users, 'user')}, ${countOf(summary.subscriptions, 'subscription')}, ${countOf(summary.activity, 'activity record')} (user × workload × day), ${countOf(summary.supportRequests, 'support request')} (days ${days}, ending ${end}, seed ${JSON.stringify(seed)})\n`,
    );
    if (values.import !== true) {
      if (!ctx.term.stdoutIsTty) ctx.term.out(`${JSON.stringify({ outDir, ...summary })}\n`);
      return EXIT.ok;
    }
    const insights = await insightsFor(ctx, { create: true });
    try {
      const t2 = performance.now();
      const report = await insights.importFiles(
        demoImportRequest(outDir, {
          partnerId,
          actor: config.actor,
          asOf: end,
          channel: 'direct',
          rejectsPath: path.join(outDir, 'insights-rejects.csv'),
          maxProblemsPerFile: config.maxProblemsPerFile,
          ...(ctx.term.stderrIsTty
            ? {
                onProgress: (p: ImportProgress) =>
                  bar.update(p.fraction, `importing for partner ${partnerId} · ${p.phase}`),
              }
            : {}),
        }),
      );
      bar.done();
      if (report.outcome === 'rejected') {
        throw new AppError(
          'internal',
          `the demo dataset did not import (${countOf(report.errorCount, 'problem')}): this is a bug`,
        );
      }
      ctx.term.err(
        `${paint(ctx.term, 'green', '✔')} imported into ${storeLabel(config)} for partner "${partnerId}" in ${((performance.now() - t2) / 1000).toFixed(1)} s (${report.importId})\n`,
      );
      if (!ctx.term.stdoutIsTty)
        ctx.term.out(`${JSON.stringify({ outDir, ...summary, importId: report.importId })}\n`);
    } finally {
      bar.done();
      await insights.close();
    }
    return EXIT.ok;
  },
};
