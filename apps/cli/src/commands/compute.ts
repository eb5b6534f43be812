/** `insights compute`: bring the daily metrics up to date (incremental unless --full). */
import { computeRequestSchema } from '@license-insights/contracts';
import { computeMetrics } from '@license-insights/core';
import { type Command, openForPartner } from '../command';
import { EXIT } from '../exit-codes';
import { countOf, formatCount, ProgressBar, paint } from '../output';
import { requestFrom } from '../request';

export const computeCommand: Command = {
  name: 'compute',
  summary: 'compute the daily metrics (only what imports changed, unless --full)',
  usage: 'insights compute [--full]',
  description: `Computes, for every customer × product × workload and every day the data covers, licenses
sold, assigned and active in the last 28 days, deployment % and usage % with their reason codes
(see docs/metrics.md). By default only customers whose data changed since the last run are
recomputed, from the first changed day; --full recomputes everything.`,
  options: {
    full: { type: 'boolean', description: 'recompute every customer and day' },
  },
  async run(ctx, values) {
    const request = requestFrom(
      computeRequestSchema.omit({ partnerId: true }),
      { full: values.full === true },
      { full: '--full' },
    );
    const { store, partnerId } = await openForPartner(ctx, 'read');
    const bar = new ProgressBar(ctx.term);
    try {
      const r = await computeMetrics(store, {
        ...request,
        partnerId,
        onProgress: (done, total) =>
          bar.update(done / total, `customers ${formatCount(done)}/${formatCount(total)}`),
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
    } finally {
      bar.done();
      await store.close();
    }
  },
};
