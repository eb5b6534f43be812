/** `insights status`: what is stored — partners, customers, date coverage per source, warnings. */
import type { StatusResponse } from '@license-insights/contracts';
import { AppError } from '@license-insights/core';
import { type Command, insightsFor } from '../command';
import { EXIT } from '../exit-codes';
import { countOf, formatCount, paint, renderTable, type Terminal } from '../output';

export const statusCommand: Command = {
  name: 'status',
  summary: 'show what is stored: partners, customers, date coverage per source, warnings',
  usage: 'insights status [--format table|json] [--all-partners]',
  options: {
    format: {
      type: 'string',
      value: 'table|json',
      description: 'output format (default: table on a terminal, json when piped)',
    },
    'all-partners': {
      type: 'boolean',
      description: 'every partner in the store, even when one is named (the default when none is)',
    },
  },
  async run(ctx, values) {
    const format =
      typeof values.format === 'string' ? values.format : ctx.term.stdoutIsTty ? 'table' : 'json';
    if (format !== 'table' && format !== 'json')
      throw new AppError('usage.invalid_argument', '--format must be table or json');
    const config = ctx.config();
    const insights = await insightsFor(ctx, { create: false });
    let status: StatusResponse;
    try {
      // Every partner, unless one is named (it must exist).
      const only =
        values['all-partners'] === true || config.partnerId === undefined
          ? undefined
          : (await insights.resolvePartner({ partnerId: config.partnerId, purpose: 'read' })).partnerId;
      status = await insights.status(only === undefined ? {} : { partnerId: only });
    } finally {
      await insights.close();
    }
    if (format === 'json') ctx.term.out(`${JSON.stringify(status, null, 2)}\n`);
    else ctx.term.out(renderStatus(status, ctx.term));
    return EXIT.ok;
  },
};

function renderStatus(status: StatusResponse, term: Terminal): string {
  const out: string[] = [];
  out.push(
    `${paint(term, 'bold', 'Store')} ${status.store} (${status.engine}, schema v${status.schemaVersion}, SKU catalog ${status.catalogVersion})\n`,
  );
  if (status.partners.length === 0) {
    out.push(
      '\nThe store is empty. Load data with `insights import <files>` or try `insights demo --import`.\n',
    );
    return out.join('');
  }
  for (const p of status.partners) {
    out.push(`\n${paint(term, 'bold', `Partner ${p.partnerId}`)}\n`);
    out.push(
      renderTable(
        [{ title: 'what' }, { title: 'count', align: 'right' }],
        [
          ['customers', formatCount(p.customers)],
          ['users', formatCount(p.users)],
          ['subscriptions', formatCount(p.subscriptions)],
          ['license assignments', formatCount(p.licenseAssignments)],
          ['activity facts (user × workload × day)', formatCount(p.activityFacts)],
          ['support requests', formatCount(p.supportRequests)],
          [
            'products (catalog / custom / unknown)',
            `${formatCount(p.products.catalog)} / ${formatCount(p.products.custom)} / ${formatCount(p.products.unknown)}`,
          ],
        ],
        term,
      ),
    );
    out.push(
      p.metrics === null
        ? '\nMetrics: not computed yet — run `insights compute`\n'
        : `\nMetrics: ${p.metrics.firstDay} … ${p.metrics.lastDay}${p.metrics.outOfDate > 0 ? `, ${countOf(p.metrics.outOfDate, 'customer')} changed since (run \`insights compute\`)` : ', up to date'}\n`,
    );
    if (p.coverage.length > 0) {
      out.push(`\n${paint(term, 'bold', 'Date coverage per source')}\n`);
      out.push(
        renderTable(
          [
            { title: 'source' },
            { title: 'data' },
            { title: 'customers', align: 'right' },
            { title: 'from' },
            { title: 'to' },
          ],
          p.coverage.map((c) => [
            c.source,
            c.entity,
            formatCount(c.customers),
            c.firstDate ?? '—',
            c.lastDate ?? '—',
          ]),
          term,
        ),
      );
    }
    if (p.warnings.length > 0) {
      out.push(`\n${paint(term, 'bold', `Warnings (${p.warnings.length})`)}\n`);
      for (const w of p.warnings.slice(0, 20)) {
        out.push(`  ${paint(term, 'yellow', '!')} ${w.customerId ? `${w.customerId}: ` : ''}${w.message}\n`);
      }
      if (p.warnings.length > 20)
        out.push(`  … and ${p.warnings.length - 20} more (insights status --format json lists all)\n`);
    }
    if (p.recentImports.length > 0) {
      out.push(`\n${paint(term, 'bold', 'Recent imports')}\n`);
      out.push(
        renderTable(
          [
            { title: 'when (UTC)' },
            { title: 'by' },
            { title: 'outcome' },
            { title: 'files', align: 'right' },
            { title: 'rows', align: 'right' },
            { title: 'rejected', align: 'right' },
          ],
          p.recentImports.map((i) => [
            i.startedAt.slice(0, 19).replace('T', ' '),
            i.actor,
            i.outcome,
            formatCount(i.files.length),
            formatCount(i.rowsRead),
            formatCount(i.rowsRejected),
          ]),
          term,
        ),
      );
    }
  }
  return out.join('');
}
