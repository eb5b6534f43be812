/**
 * `insights report customer`: one customer on a day — its rows per product and workload, why a
 * percentage is above 100, unassigned licenses, inactive users, support and what the data can tell.
 */
import { type CustomerReport, customerReportRequestSchema } from '@license-insights/contracts';
import { AppError } from '@license-insights/core';
import { openInsights, warnIfStale } from '../../command';
import { EXIT } from '../../exit-codes';
import { countOf, formatCount, paint, renderTable, type Terminal } from '../../output';
import { requestFrom, stringOf } from '../../request';
import {
  count,
  formatOf,
  metricsCsv,
  PARTIAL_NOTE,
  pct,
  printAs,
  reasons,
  type Subcommand,
  totalsLine,
  usagePct,
} from './shared';

export const reportCustomer: Subcommand = async (ctx, values, args) => {
  const name = args.join(' ');
  if (name === '')
    throw new AppError(
      'usage.invalid_argument',
      'name the customer: insights report customer <id|domain|name>',
    );
  const format = formatOf(ctx, values.format);
  const request = requestFrom(
    customerReportRequestSchema.omit({ partnerId: true }),
    { customer: name, day: stringOf(values.date), channel: stringOf(values.channel) ?? 'all' },
    { customer: 'the customer', day: '--date', channel: '--channel' },
  );
  const { insights, partnerId } = await openInsights(ctx, 'read');
  try {
    const r = await insights.customerReport({ ...request, partnerId });
    warnIfStale(ctx, values, r.stale);
    printAs(ctx, values, format, {
      csv: () => metricsCsv(r.rows),
      json: () => r.rows,
      table: () => customerTable(ctx.term, r),
    });
  } finally {
    await insights.close();
  }
  return EXIT.ok;
};

function customerTable(t: Terminal, r: CustomerReport): string {
  const out: string[] = [];
  out.push(`${paint(t, 'bold', `${r.customer.name}`)} (${r.customer.customerId}) on ${r.day}\n`);
  out.push(`${totalsLine(t, r.totals)}\n\n`);
  out.push(rowsTable(t, r));
  if (r.unassigned.length > 0) {
    out.push(
      `\nunassigned licenses: ${r.unassigned.map((u) => `${u.productName} ${u.licenses}`).join(', ')}\n`,
    );
  }
  if (r.rows.some((m) => m.partialWindow)) out.push(PARTIAL_NOTE);
  out.push(inactiveLine(r));
  if (r.support !== null) {
    const s = r.support;
    out.push(
      `support, last 28 days: ${s.howTo} how-to, ${s.problem} problem, ${s.other} other; ${s.howToPer100 === null ? '—' : s.howToPer100.toFixed(1)} how-to per 100 active users (${formatCount(s.activeUsers)})\n`,
    );
  }
  out.push(usageDataLines(t, r));
  out.push(dataTrustLine(t, r));
  return out.join('');
}

/** One line per product and workload, with the reasons of a percentage above 100. */
function rowsTable(t: Terminal, r: CustomerReport): string {
  return renderTable(
    [
      { title: 'product' },
      { title: 'workload' },
      { title: 'sold', align: 'right' },
      { title: 'own', align: 'right' },
      { title: 'assigned', align: 'right' },
      { title: 'active', align: 'right' },
      { title: 'deployment', align: 'right' },
      { title: 'usage', align: 'right' },
      { title: 'why above 100 %' },
    ],
    r.rows.map((m) => [
      m.workloadCode === 'ALL' ? m.productName : '',
      m.workloadCode === 'ALL' ? 'all' : m.workloadName,
      formatCount(m.licensesSold),
      formatCount(m.licensesSoldOwn),
      formatCount(m.licensesDeployed),
      count(m.licensesActive),
      pct(m.deploymentPercent),
      m.usageKnown ? usagePct(m.usagePercent, m.partialWindow) : 'not measured',
      [
        m.usagePercent !== null && m.usagePercent > 100 ? `usage: ${reasons(m.usageReasons)}` : '',
        m.deploymentPercent !== null && m.deploymentPercent > 100
          ? `deployment: ${reasons(m.deploymentReasons)}`
          : '',
      ]
        .filter(Boolean)
        .join('; '),
    ]),
    t,
  );
}

/** Inactive licensed users per product (28 / 60 / 90+ days), or why the data cannot tell. */
function inactiveLine(r: CustomerReport): string {
  const inactive = r.inactive.filter((i) => i.availability !== 'ok' || (i.days28 ?? 0) > 0);
  if (inactive.length === 0) return '';
  return `licensed users inactive 28 / 60 / 90+ days: ${inactive
    .map((i) =>
      i.availability === 'ok'
        ? `${i.productName} ${[i.days28, i.days60, i.days90].map((n) => (n === null ? 'not enough data' : formatCount(n))).join(' / ')}`
        : `${i.productName} ${i.availability === 'not_measured' ? 'not measured' : 'not enough data'}`,
    )
    .join(', ')}\n`;
}

/** What the data can tell on D: measured workloads, and open-workload use no row counts. */
function usageDataLines(t: Terminal, r: CustomerReport): string {
  const out: string[] = [];
  const measured = r.usageData.workloads.filter((w) => w.state !== 'unknown');
  out.push(
    `usage measured on ${r.day}: ${
      measured.length === 0
        ? 'none (no activity source reports this customer on this day)'
        : [...new Set(measured.map((w) => w.dataSince))]
            .map(
              (since) =>
                `${measured
                  .filter((w) => w.dataSince === since)
                  .map((w) => `${w.workload}${w.state === 'partial' ? '*' : ''}`)
                  .join(', ')} (data since ${since})`,
            )
            .join('; ')
    }\n`,
  );
  for (const u of r.usageData.unattributedOpenUse)
    out.push(
      `${paint(t, 'yellow', `${countOf(u.users, 'user')} active in ${u.workload}`)} in the last 28 days, counted in no row: the customer has no product that includes it\n`,
    );
  return out.join('');
}

/** Last day of data per source, missing kinds of data, unknown products and flags. */
function dataTrustLine(t: Terminal, r: CustomerReport): string {
  if (r.dataTrust === null) return '';
  const dt = r.dataTrust;
  const out = [
    `data: ${dt.sources.map((x) => `${x.source} ${x.entity} to ${x.lastDate}`).join(', ') || 'none'}`,
  ];
  if (dt.missing.length > 0) out.push(`; missing: ${dt.missing.join(', ')}`);
  if (dt.unknownProducts.length > 0) out.push(`; unknown products: ${dt.unknownProducts.join(', ')}`);
  for (const f of dt.flags) out.push(`; ${paint(t, 'yellow', f.flag)}: ${f.detail}`);
  out.push('\n');
  return out.join('');
}
