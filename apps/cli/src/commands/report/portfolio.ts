/** `insights report portfolio`: the roll-ups of a day, month over month, usage bands, customers. */
import {
  type MonthOverMonth,
  type PortfolioReport,
  portfolioReportRequestSchema,
  type Totals,
  USAGE_BANDS,
} from '@license-insights/contracts';
import { openInsights, warnIfStale } from '../../command';
import { EXIT } from '../../exit-codes';
import { countOf, formatCount, paint, renderTable, type Terminal } from '../../output';
import { requestFrom, stringOf } from '../../request';
import {
  count,
  formatOf,
  metricsCsv,
  noArguments,
  PARTIAL_NOTE,
  pct,
  printAs,
  type Subcommand,
  totalsLine,
  usagePct,
} from './shared';

export const reportPortfolio: Subcommand = async (ctx, values, args) => {
  noArguments(args);
  const format = formatOf(ctx, values.format);
  const request = requestFrom(
    portfolioReportRequestSchema.omit({ partnerId: true }),
    {
      day: stringOf(values.date),
      service: stringOf(values.service),
      channel: stringOf(values.channel) ?? 'all',
      group: stringOf(values.group),
    },
    { day: '--date', service: '--service', channel: '--channel', group: '--group' },
  );
  const { insights, partnerId } = await openInsights(ctx, 'read');
  try {
    const r = await insights.portfolioReport({ ...request, partnerId });
    warnIfStale(ctx, values, r.stale);
    printAs(ctx, values, format, {
      csv: () => metricsCsv(r.rows),
      json: () => r.rows,
      table: () => portfolioTable(ctx.term, r, partnerId),
    });
  } finally {
    await insights.close();
  }
  return EXIT.ok;
};

const totalsColumns = [
  { title: 'sold', align: 'right' as const },
  { title: 'assigned', align: 'right' as const },
  { title: 'active', align: 'right' as const },
  { title: 'deployment', align: 'right' as const },
  { title: 'usage', align: 'right' as const },
];
const totalsCells = (term: Terminal, t: Totals) => [
  formatCount(t.sold),
  formatCount(t.assigned),
  count(t.active),
  pct(t.deploymentPercent),
  t.usagePercent !== null && t.usagePercent > 100
    ? paint(term, 'yellow', usagePct(t.usagePercent, t.partialWindow))
    : usagePct(t.usagePercent, t.partialWindow),
];

const BAND_LABELS: Readonly<Record<(typeof USAGE_BANDS)[number], string>> = {
  '<25': '<25 %',
  '25-50': '25-50 %',
  '50-75': '50-75 %',
  '75-100': '75-100 %',
  '>100': '>100 %',
  unmeasured: 'usage not measured',
  none: 'nothing sold',
};

/** Customers listed on a terminal (lowest usage first); csv and json list every row. */
const CUSTOMERS_SHOWN = 40;

function portfolioTable(t: Terminal, r: PortfolioReport, partnerId: string): string {
  const out: string[] = [];
  const filters = [r.service && `service ${r.service}`, r.group && `group ${r.group}`, `channel ${r.channel}`]
    .filter(Boolean)
    .join(', ');
  out.push(`${paint(t, 'bold', `Portfolio on ${r.day}`)} (${filters}; partner ${partnerId})\n`);
  out.push(`${totalsLine(t, r.totals)}\n`);
  out.push(monthOverMonthLine(r.monthOverMonth));
  out.push(
    `customers by usage: ${USAGE_BANDS.map((b) => `${BAND_LABELS[b]} ${r.bands[b]}`).join(' · ')}\n\n`,
  );
  out.push(
    renderTable(
      [{ title: 'service' }, ...totalsColumns],
      r.byService.map((g) => [g.key, ...totalsCells(t, g.totals)]),
      t,
    ),
  );
  out.push('\n');
  out.push(
    renderTable(
      [{ title: 'workload' }, ...totalsColumns],
      r.byWorkload.map((g) => [g.key, ...totalsCells(t, g.totals)]),
      t,
    ),
  );
  out.push('\n');
  const shown = [...r.customers].sort(
    (a, b) => (a.totals.usagePercent ?? -1) - (b.totals.usagePercent ?? -1),
  );
  out.push(
    renderTable(
      [{ title: 'customer' }, { title: 'groups' }, ...totalsColumns, { title: 'id' }],
      shown
        .slice(0, CUSTOMERS_SHOWN)
        .map((c) => [c.name, c.groups.join(', '), ...totalsCells(t, c.totals), c.customerId]),
      t,
    ),
  );
  if (shown.length > CUSTOMERS_SHOWN)
    out.push(
      `… ${countOf(shown.length - CUSTOMERS_SHOWN, 'more customer')} (lowest usage first); --format csv lists every row\n`,
    );
  if (r.totals.partialWindow) out.push(PARTIAL_NOTE);
  return out.join('');
}

/** The month-over-month line of SPEC §2: every figure, how many customers were compared. */
function monthOverMonthLine(m: MonthOverMonth): string {
  if (m.customers === 0 || m.current === null) {
    return `month over month (vs ${m.comparedDay}): — not enough history (no customer's usage is known on both days)\n`;
  }
  const signed = (x: number | null) =>
    x === null ? '—' : `${x >= 0 ? '+' : '−'}${formatCount(Math.abs(x))}`;
  const pt = (x: number | null) => (x === null ? '—' : `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(1)} pt`);
  const c = m.change;
  const who = [
    `${formatCount(m.customers)} customer${m.customers === 1 ? '' : 's'}`,
    m.standIns > 0 ? `${formatCount(m.standIns)} on a nearby day` : '',
    m.leftOut > 0 ? `${formatCount(m.leftOut)} left out: usage not known on both days` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return `month over month (vs ${m.comparedDay}; ${who}): sold ${signed(c.sold)}, assigned ${signed(c.assigned)}, active ${signed(c.active)}, deployment ${pt(c.deploymentPoints)}, usage ${pt(c.usagePoints)}\n`;
}
