/** `insights report portfolio|customer`: metrics of a day as a table, SPEC §4 CSV rows or JSON. */
import {
  formatReasons,
  METRICS_ROW_COLUMNS,
  type MetricsRow,
  type Reasons,
  SERVICE_CODES,
  type ServiceCode,
  type Totals,
  USAGE_BANDS,
} from '@license-insights/contracts';
import {
  AppError,
  type ChannelView,
  csvLine,
  getCustomerReport,
  getPortfolioReport,
  openStore,
  parseIsoDate,
} from '@license-insights/core';
import type { Command, CommandContext } from '../command';
import { EXIT } from '../exit-codes';
import { formatCount, paint, renderTable, type Terminal } from '../output';

type Format = 'table' | 'csv' | 'json';

export function formatOf(ctx: CommandContext, value: unknown): Format {
  const f = typeof value === 'string' ? value : ctx.term.stdoutIsTty ? 'table' : 'csv';
  if (f !== 'table' && f !== 'csv' && f !== 'json')
    throw new AppError('usage.invalid_argument', '--format must be table, csv or json');
  return f;
}

export function dayOption(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || parseIsoDate(value) === null) {
    throw new AppError(
      'usage.invalid_argument',
      `--date must be a date YYYY-MM-DD (got ${JSON.stringify(value)})`,
    );
  }
  return value;
}

function channelOption(value: unknown): ChannelView {
  if (value === undefined) return 'all';
  if (value !== 'all' && value !== 'own')
    throw new AppError('usage.invalid_argument', '--channel must be all or own');
  return value;
}

export function metricsCsv(rows: readonly MetricsRow[]): string {
  return (
    csvLine([...METRICS_ROW_COLUMNS]) +
    rows
      .map((r) =>
        csvLine(
          METRICS_ROW_COLUMNS.map((c) => {
            const v = r[c];
            if (c === 'usageReasons' || c === 'deploymentReasons') return formatReasons(v as Reasons);
            return v as string | number | null;
          }),
        ),
      )
      .join('')
  );
}

const pct = (p: number | null) => (p === null ? '—' : `${p.toFixed(1)} %`);
const reasons = (r: Reasons) =>
  Object.entries(r)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

function pctWithReasons(term: Terminal, p: number | null, r: Reasons): string {
  const text = pct(p);
  if (p === null || p <= 100) return text;
  return `${paint(term, 'yellow', text)} (${reasons(r)})`;
}

function totalsLine(term: Terminal, t: Totals): string {
  return `sold ${formatCount(t.sold)} (own ${formatCount(t.soldOwn)}) · assigned ${formatCount(t.assigned)} · active ${formatCount(t.active)} · deployment ${pctWithReasons(term, t.deploymentPercent, t.deploymentReasons)} · usage ${pctWithReasons(term, t.usagePercent, t.usageReasons)}`;
}

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
  formatCount(t.active),
  pct(t.deploymentPercent),
  t.usagePercent !== null && t.usagePercent > 100
    ? paint(term, 'yellow', pct(t.usagePercent))
    : pct(t.usagePercent),
];

const options = {
  date: {
    type: 'string',
    value: 'YYYY-MM-DD',
    description: 'the day D (default: the last day with metrics)',
  },
  format: {
    type: 'string',
    value: 'table|csv|json',
    description: 'output (default: table on a terminal, csv when piped)',
  },
  channel: {
    type: 'string',
    value: 'all|own',
    description: 'all channels, or only products you sold (default all)',
  },
} as const;

export const reportCommand: Command = {
  name: 'report',
  summary: 'report deployment and usage: portfolio, or one customer',
  usage:
    'insights report portfolio [--date D] [--service O365|D365|OTHER] [--channel all|own] [--group G] [--format F]\n       insights report customer <id|name> [--date D] [--channel all|own] [--format F]',
  description: `csv and json print SPEC metrics rows: one per customer × product × workload (ALL for the
product as a whole), every workload of a product present even when nobody used it. Percentages
above 100 carry their reason codes (ROTATION, UNLICENSED_WORKLOAD_USE, TRIAL,
NONCOUNTED_SUBSCRIPTION, UNEXPLAINED). Roll-ups are ratios of sums. Run \`insights compute\` first.`,
  options: {
    ...options,
    service: { type: 'string', value: 'code', description: 'portfolio: only O365, D365 or OTHER products' },
    group: { type: 'string', value: 'name', description: 'portfolio: only customers in this group or tag' },
  },
  examples: [
    'insights report portfolio',
    'insights report portfolio --service D365 --format csv > d365.csv',
    'insights report customer "Contoso" --date 2026-03-31',
  ],
  async run(ctx, values, positionals) {
    const [what, ...rest] = positionals;
    const format = formatOf(ctx, values.format);
    const day = dayOption(values.date);
    const channel = channelOption(values.channel);
    const config = ctx.config();
    if (what === 'portfolio') {
      if (rest.length > 0)
        throw new AppError(
          'usage.invalid_argument',
          `unexpected ${rest.join(' ')}; see insights report --help`,
        );
      const service = values.service;
      if (service !== undefined && !SERVICE_CODES.includes(service as ServiceCode)) {
        throw new AppError('usage.invalid_argument', `--service must be one of ${SERVICE_CODES.join(', ')}`);
      }
      const store = await openStore(config);
      try {
        const r = await getPortfolioReport(store, {
          partnerId: config.partnerId,
          ...(day !== undefined ? { day } : {}),
          ...(typeof service === 'string' ? { service: service as ServiceCode } : {}),
          channel,
          ...(typeof values.group === 'string' ? { group: values.group } : {}),
        });
        if (format === 'csv') ctx.term.out(metricsCsv(r.rows));
        else if (format === 'json') ctx.term.out(`${JSON.stringify(r.rows, null, 2)}\n`);
        else {
          const t = ctx.term;
          const out: string[] = [];
          const filters = [
            r.service && `service ${r.service}`,
            r.group && `group ${r.group}`,
            `channel ${r.channel}`,
          ]
            .filter(Boolean)
            .join(', ');
          out.push(
            `${paint(t, 'bold', `Portfolio on ${r.day}`)} (${filters}; partner ${config.partnerId})\n`,
          );
          out.push(`${totalsLine(t, r.totals)}\n`);
          const ch = (x: number | null) => (x === null ? '—' : `${x >= 0 ? '+' : ''}${x.toFixed(1)} pt`);
          out.push(
            `month over month (vs ${r.previousDay}): usage ${ch(r.change.usagePoints)}, deployment ${ch(r.change.deploymentPoints)}\n`,
          );
          out.push(
            `customers by usage: ${USAGE_BANDS.map((b) => `${b === 'none' ? 'nothing sold' : `${b} %`} ${r.bands[b]}`).join(' · ')}\n\n`,
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
          const limit = 40;
          out.push(
            renderTable(
              [{ title: 'customer' }, { title: 'groups' }, ...totalsColumns],
              shown.slice(0, limit).map((c) => [c.name, c.groups.join(', '), ...totalsCells(t, c.totals)]),
              t,
            ),
          );
          if (shown.length > limit)
            out.push(
              `… ${shown.length - limit} more customers (lowest usage first); --format csv lists every row\n`,
            );
          t.out(out.join(''));
        }
      } finally {
        await store.close();
      }
      return EXIT.ok;
    }
    if (what === 'customer') {
      const name = rest.join(' ');
      if (name === '')
        throw new AppError('usage.invalid_argument', 'name the customer: insights report customer <id|name>');
      const store = await openStore(config);
      try {
        const r = await getCustomerReport(store, {
          partnerId: config.partnerId,
          customer: name,
          ...(day !== undefined ? { day } : {}),
          channel,
        });
        if (format === 'csv') ctx.term.out(metricsCsv(r.rows));
        else if (format === 'json') ctx.term.out(`${JSON.stringify(r.rows, null, 2)}\n`);
        else {
          const t = ctx.term;
          const out: string[] = [];
          out.push(`${paint(t, 'bold', `${r.customer.name}`)} (${r.customer.customerId}) on ${r.day}\n`);
          out.push(`${totalsLine(t, r.totals)}\n\n`);
          out.push(
            renderTable(
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
                formatCount(m.licensesActive),
                pct(m.deploymentPercent),
                pct(m.usagePercent),
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
            ),
          );
          if (r.unassigned.length > 0) {
            out.push(
              `\nunassigned licenses: ${r.unassigned.map((u) => `${u.productName} ${u.licenses}`).join(', ')}\n`,
            );
          }
          const inactive = r.inactive.filter((i) => i.days28 > 0);
          if (inactive.length > 0) {
            out.push(
              `licensed users inactive 28 / 60 / 90+ days: ${inactive.map((i) => `${i.productName} ${i.days28} / ${i.days60} / ${i.days90}`).join(', ')}\n`,
            );
          }
          if (r.dataTrust !== null) {
            const dt = r.dataTrust;
            out.push(
              `data: ${dt.sources.map((x) => `${x.source} ${x.entity} to ${x.lastDate}`).join(', ') || 'none'}`,
            );
            if (dt.missing.length > 0) out.push(`; missing: ${dt.missing.join(', ')}`);
            if (dt.unknownProducts.length > 0)
              out.push(`; unknown products: ${dt.unknownProducts.join(', ')}`);
            for (const f of dt.flags) out.push(`; ${paint(t, 'yellow', f.flag)}: ${f.detail}`);
            out.push('\n');
          }
          t.out(out.join(''));
        }
      } finally {
        await store.close();
      }
      return EXIT.ok;
    }
    throw new AppError(
      'usage.invalid_argument',
      'insights report portfolio | insights report customer <id|name>; see insights report --help',
    );
  },
};
