/** `insights compute`: bring the daily metrics up to date (incremental unless --full). */
import { computeRequestSchema } from '@license-insights/contracts';
import { isAppError } from '@license-insights/core';
import { type Command, intOption, openInsights } from '../command';
import { EXIT } from '../exit-codes';
import { listenForInterrupt } from '../interrupt';
import { countOf, formatCount, ProgressBar, paint } from '../output';
import { requestFrom } from '../request';

export const computeCommand: Command = {
  name: 'compute',
  summary: 'compute the daily metrics (only what imports changed, unless --full)',
  usage: 'insights compute [--full] [--parts <n>]',
  description: `Computes, for every customer × product × workload and every day the data covers, licenses
sold, assigned and active in the last 28 days, deployment % and usage % with their reason codes
(see docs/metrics.md). By default only customers whose data changed since the last run are
recomputed, from the first changed day; --full recomputes everything. The compute is all or
nothing: Ctrl-C (SIGINT) or SIGTERM stops it and the metrics stay as they were (exit 130/143).
On a shared store (--store postgres://…), --parts <n> splits the customers into n parts computed
by n workers at once (on their own database connections), published together when all are done:
the same metrics as one worker (docs/scale-out.md).`,
  options: {
    full: { type: 'boolean', description: 'recompute every customer and day' },
    parts: {
      type: 'string',
      value: 'n',
      description: 'split the compute by customer into n parts (2–64; a shared store only; default 1)',
    },
  },
  async run(ctx, values) {
    const request = requestFrom(
      computeRequestSchema.omit({ partnerId: true }),
      { full: values.full === true },
      { full: '--full' },
    );
    const parts = intOption(values.parts, 'parts', 1, 1, 64);
    const { insights, partnerId } = await openInsights(ctx, 'read');
    const bar = new ProgressBar(ctx.term);
    const interrupt = listenForInterrupt();
    try {
      const r = await insights.computeMetrics({
        ...request,
        partnerId,
        ...(parts > 1 ? { parts } : {}),
        signal: interrupt.signal,
        onProgress: (p) =>
          bar.update(
            p.total === 0 ? 1 : p.done / p.total,
            `${p.phase} · customers ${formatCount(p.done)}/${formatCount(p.total)}`,
          ),
      });
      bar.done();
      if (!ctx.term.stdoutIsTty) {
        ctx.term.out(`${JSON.stringify(r)}\n`);
        return EXIT.ok;
      }
      const what =
        r.mode === 'no_activity'
          ? 'no activity data yet: import some, then compute'
          : r.mode === 'up_to_date'
            ? `metrics are up to date (${r.firstDay} … ${r.lastDay})`
            : `${r.mode === 'full' ? 'full' : 'incremental'} compute: ${countOf(r.customers, 'customer')}, days ${r.fromDay} … ${r.lastDay}, ${countOf(r.rows, 'metric row')} in ${r.seconds.toFixed(1)} s`;
      ctx.term.out(`${paint(ctx.term, 'green', '✔')} ${what}\n`);
      return EXIT.ok;
    } catch (e) {
      const received = interrupt.received();
      if (received !== null && isAppError(e) && e.code === 'interrupted') {
        ctx.term.err(`${paint(ctx.term, 'red', 'interrupted')}, the metrics are as before (${received})\n`);
        return received === 'SIGTERM' ? EXIT.sigterm : EXIT.sigint;
      }
      throw e;
    } finally {
      interrupt.dispose();
      bar.done();
      await insights.close();
    }
  },
};
