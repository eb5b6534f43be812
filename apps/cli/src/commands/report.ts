/** `insights report portfolio|customer`: metrics of a day as a table, SPEC §4 CSV rows or JSON. */
import {
  formatReasons,
  METRICS_ROW_COLUMNS,
  type MetricsRow,
  type Reasons,
  SERVICE_CODES,
  type ServiceCode,
  type SupportReportRow,
  type Totals,
  USAGE_BANDS,
} from '@license-insights/contracts';
import {
  AppError,
  type ChannelView,
  csvDocument,
  csvLine,
  getCustomerReport,
  getPortfolioReport,
  getSupportMetrics,
  openStore,
  parseIsoDate,
} from '@license-insights/core';
import type { Command, CommandContext } from '../command';
import { EXIT } from '../exit-codes';
import { countOf, formatCount, paint, renderTable, type Terminal } from '../output';

type Format = 'table' | 'csv' | 'json';

/** `--format table|csv|json` of the reports: table on a terminal, JSON when piped (as every command). */
export function formatOf(ctx: CommandContext, value: unknown): Format {
  const f = typeof value === 'string' ? value : ctx.term.stdoutIsTty ? 'table' : 'json';
  if (f !== 'table' && f !== 'csv' && f !== 'json')
    throw new AppError('usage.invalid_argument', '--format must be table, csv or json');
  return f;
}

export const NO_BOM_OPTION = {
  type: 'boolean',
  description:
    'csv: leave out the UTF-8 byte order mark that lets Excel read names like "Łódź" (for scripts)',
} as const;

/** A CSV document as the reports print it: with the byte order mark unless `--no-bom`. */
export function csvOutput(values: Readonly<Record<string, unknown>>, text: string): string {
  return csvDocument(text, values['no-bom'] !== true);
}

/** `--format table|json` of list commands: true for JSON (the default when piped). */
export function jsonOutput(ctx: CommandContext, value: unknown): boolean {
  if (value !== undefined && value !== 'table' && value !== 'json')
    throw new AppError('usage.invalid_argument', '--format must be table or json');
  return value === 'json' || (value === undefined && !ctx.term.stdoutIsTty);
}

export function dayOption(value: unknown, name = 'date'): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || parseIsoDate(value) === null) {
    throw new AppError(
      'usage.invalid_argument',
      `--${name} must be a date YYYY-MM-DD (got ${JSON.stringify(value)})`,
    );
  }
  return value;
}

const SUPPORT_COLUMNS = [
  'day',
  'customerId',
  'customerName',
  'productId',
  'productName',
  'workload',
  'howTo',
  'problem',
  'other',
  'activeUsers',
  'howToPer100',
] as const satisfies readonly (keyof SupportReportRow)[];

export function supportCsv(rows: readonly SupportReportRow[]): string {
  return (
    csvLine([...SUPPORT_COLUMNS]) +
    rows
      .map((r) =>
        csvLine(
          SUPPORT_COLUMNS.map((c) =>
            c === 'howToPer100' && r.howToPer100 !== null ? Math.round(r.howToPer100 * 100) / 100 : r[c],
          ),
        ),
      )
      .join('')
  );
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

export const DATE_OPTION = {
  type: 'string',
  value: 'YYYY-MM-DD',
  description: 'the day D (default: the last day with metrics)',
} as const;

const options = {
  date: DATE_OPTION,
  format: {
    type: 'string',
    value: 'table|csv|json',
    description: 'output (default: table on a terminal, json when piped)',
  },
  'no-bom': NO_BOM_OPTION,
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
    'insights report portfolio [--date D] [--service O365|D365|OTHER] [--channel all|own] [--group G] [--format F]\n       insights report customer <id|name> [--date D] [--channel all|own] [--format F]\n       insights report support [--customer C] [--from D] [--date D] [--format F]',
  description: `csv and json print SPEC metrics rows: one per customer × product × workload (ALL for the
product as a whole), every workload of a product present even when nobody used it. Percentages
above 100 carry their reason codes (ROTATION, UNLICENSED_WORKLOAD_USE, TRIAL,
NONCOUNTED_SUBSCRIPTION, UNEXPLAINED). Roll-ups are ratios of sums. Run \`insights compute\` first.
support: support requests over the 28 days to each day, per customer and per product, workload
and product × workload the requests name, with how-to requests per 100 active users; every row
names its customer (and product) beside the id.`,
  options: {
    ...options,
    service: { type: 'string', value: 'code', description: 'portfolio: only O365, D365 or OTHER products' },
    group: { type: 'string', value: 'name', description: 'portfolio: only customers in this group or tag' },
    customer: { type: 'string', value: 'id|name', description: 'support: only this customer' },
    from: {
      type: 'string',
      value: 'YYYY-MM-DD',
      description: 'support: first day of the history (default 27 days before --date)',
    },
  },
  examples: [
    'insights report portfolio',
    'insights report portfolio --service D365 --format csv > d365.csv',
    'insights report customer "Contoso" --date 2026-03-31',
    'insights report support --customer C0007 --from 2026-01-01 --format csv > support.csv',
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
        if (format === 'csv') ctx.term.out(csvOutput(values, metricsCsv(r.rows)));
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
              `… ${countOf(shown.length - limit, 'more customer')} (lowest usage first); --format csv lists every row\n`,
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
        if (format === 'csv') ctx.term.out(csvOutput(values, metricsCsv(r.rows)));
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
          if (r.support !== null) {
            const s = r.support;
            out.push(
              `support, last 28 days: ${s.howTo} how-to, ${s.problem} problem, ${s.other} other; ${s.howToPer100 === null ? '—' : s.howToPer100.toFixed(1)} how-to per 100 active users (${formatCount(s.activeUsers)})\n`,
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
    if (what === 'support') {
      if (rest.length > 0)
        throw new AppError(
          'usage.invalid_argument',
          `unexpected ${rest.join(' ')}; see insights report --help`,
        );
      const from = dayOption(values.from, 'from');
      const store = await openStore(config);
      try {
        const rows = await getSupportMetrics(store, {
          partnerId: config.partnerId,
          ...(typeof values.customer === 'string' ? { customerId: values.customer } : {}),
          ...(day !== undefined ? { to: day } : {}),
          ...(from !== undefined ? { from } : {}),
        });
        if (format === 'csv') ctx.term.out(csvOutput(values, supportCsv(rows)));
        else if (format === 'json') ctx.term.out(`${JSON.stringify(rows, null, 2)}\n`);
        else {
          const whole = rows.filter((m) => m.productId === null && m.workload === null);
          ctx.term.out(
            renderTable(
              [
                { title: 'day' },
                { title: 'customer' },
                { title: 'id' },
                { title: 'how-to', align: 'right' },
                { title: 'problem', align: 'right' },
                { title: 'other', align: 'right' },
                { title: 'active users', align: 'right' },
                { title: 'how-to per 100', align: 'right' },
              ],
              whole.map((m) => [
                m.day,
                m.customerName,
                m.customerId,
                formatCount(m.howTo),
                formatCount(m.problem),
                formatCount(m.other),
                formatCount(m.activeUsers),
                m.howToPer100 === null ? '—' : m.howToPer100.toFixed(1),
              ]),
              ctx.term,
            ),
          );
          ctx.term.out(
            'whole customers over the 28 days to each day; --format csv adds product and workload scopes\n',
          );
        }
      } finally {
        await store.close();
      }
      return EXIT.ok;
    }
    throw new AppError(
      'usage.invalid_argument',
      'insights report portfolio | customer <id|name> | support; see insights report --help',
    );
  },
};
