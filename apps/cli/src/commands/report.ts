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
  getInactiveUsers,
  getPortfolioReport,
  getStaleMetrics,
  getSupportMetrics,
  type InactiveDays,
  type InactiveUsersReport,
  type MonthOverMonth,
  parseIsoDate,
} from '@license-insights/core';
import { type Command, type CommandContext, openForPartner, warnIfStale } from '../command';
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
            if (c === 'usageReasons' || c === 'deploymentReasons') return formatReasons(v as Reasons | null);
            return v as string | number | boolean | null;
          }),
        ),
      )
      .join('')
  );
}

const pct = (p: number | null) => (p === null ? '—' : `${p.toFixed(1)} %`);
/** A count that may be unknown (usage the data cannot tell: "—", never 0). */
const count = (n: number | null) => (n === null ? '—' : formatCount(n));
/** Usage %, marked `*` when its window is partial (the 28 days reach back before the data). */
const usagePct = (p: number | null, partial: boolean) => `${pct(p)}${partial && p !== null ? '*' : ''}`;
const reasons = (r: Reasons | null) =>
  Object.entries(r ?? {})
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

function pctWithReasons(term: Terminal, p: number | null, r: Reasons | null, partial = false): string {
  const text = usagePct(p, partial);
  if (p === null || p <= 100) return text;
  return `${paint(term, 'yellow', text)} (${reasons(r)})`;
}

function totalsLine(term: Terminal, t: Totals): string {
  const line = `sold ${formatCount(t.sold)} (own ${formatCount(t.soldOwn)}) · assigned ${formatCount(t.assigned)} · active ${count(t.active)} · deployment ${pctWithReasons(term, t.deploymentPercent, t.deploymentReasons)} · usage ${pctWithReasons(term, t.usagePercent, t.usageReasons, t.partialWindow)}`;
  return t.soldNotMeasured > 0
    ? `${line}\nusage covers the measured workloads of products with workloads: ${formatCount(t.soldMeasured)} licenses; usage of ${formatCount(t.soldNotMeasured)} is not measured`
    : line;
}

/** "* partial window" note, when a shown usage is marked. */
const PARTIAL_NOTE = '* partial window: the 28 days reach back before the usage data\n';

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

/** One row per inactive licensed user (csv and json: the same columns). */
export const INACTIVE_COLUMNS = [
  'processedDateTime',
  'customerTenantId',
  'customerName',
  'productId',
  'productName',
  'userId',
  'userPrincipalName',
  'displayName',
  'lastActivityDate',
  'daysInactive',
  'lastActivityByWorkload',
  'inactiveDays',
] as const;

type InactiveRow = Record<(typeof INACTIVE_COLUMNS)[number], string | number | null | Record<string, string>>;

function inactiveRows(r: InactiveUsersReport): InactiveRow[] {
  return r.products.flatMap((p) =>
    p.users.map((u) => ({
      processedDateTime: r.day,
      customerTenantId: r.customerId,
      customerName: r.customerName,
      productId: p.productId,
      productName: p.productName,
      userId: u.userId,
      userPrincipalName: u.upn,
      displayName: u.displayName,
      lastActivityDate: u.lastActive,
      daysInactive: u.daysInactive,
      lastActivityByWorkload: { ...u.lastActiveByWorkload },
      inactiveDays: r.days,
    })),
  );
}

function inactiveCsv(r: InactiveUsersReport): string {
  return (
    csvLine([...INACTIVE_COLUMNS]) +
    inactiveRows(r)
      .map((row) =>
        csvLine(
          INACTIVE_COLUMNS.map((c) => {
            const v = row[c];
            if (v !== null && typeof v === 'object')
              return Object.entries(v)
                .map(([w, d]) => `${w}:${d}`)
                .join(';');
            return v;
          }),
        ),
      )
      .join('')
  );
}

const AVAILABILITY_TEXT = {
  ok: '',
  not_enough_data: 'not enough data: the usage data does not reach back that many days',
  not_measured: 'not measured: no workload of this product is measured (usage not known)',
} as const;

function inactiveTable(t: Terminal, r: InactiveUsersReport): string {
  const out: string[] = [
    `${paint(t, 'bold', `${r.customerName}`)} (${r.customerId}): licensed users inactive for ${r.days} days or more on ${r.day}\n`,
  ];
  for (const p of r.products) {
    out.push(`\n${paint(t, 'bold', p.productName)} (${p.productId})`);
    if (p.availability !== 'ok') {
      out.push(` — ${AVAILABILITY_TEXT[p.availability]}\n`);
      continue;
    }
    out.push(` — ${countOf(p.users.length, 'user')}; activity counted in ${p.workloads.join(', ')}\n`);
    if (p.users.length === 0) continue;
    out.push(
      renderTable(
        [
          { title: 'user' },
          { title: 'display name' },
          { title: 'last activity' },
          { title: 'days', align: 'right' },
          ...p.workloads.map((w) => ({ title: w })),
        ],
        p.users.map((u) => [
          u.upn ?? u.userId,
          u.displayName ?? '',
          u.lastActive ?? 'never',
          u.daysInactive === null ? '—' : formatCount(u.daysInactive),
          ...p.workloads.map((w) => u.lastActiveByWorkload[w] ?? '—'),
        ]),
        t,
      ),
    );
  }
  return out.join('');
}

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
  summary: 'report deployment and usage: portfolio, one customer, its inactive users, support',
  usage:
    'insights report portfolio [--date D] [--service O365|D365|OTHER] [--channel all|own] [--group G] [--format F]\n       insights report customer <id|domain|name> [--date D] [--channel all|own] [--format F]\n       insights report inactive <id|domain|name> [--product P] [--days 28|60|90] [--date D] [--format F]\n       insights report support [--customer C] [--from D] [--date D] [--format F]',
  description: `csv and json print SPEC metrics rows: one per customer × product × workload (ALL for the
product as a whole), every workload of a product present even when nobody used it. Percentages
above 100 carry their reason codes (ROTATION, UNLICENSED_WORKLOAD_USE, TRIAL,
NONCOUNTED_SUBSCRIPTION, UNEXPLAINED). Roll-ups are ratios of sums. Run \`insights compute\` first.
support: support requests over the 28 days to each day, per customer and per product, workload
and product × workload the requests name, with how-to requests per 100 active users; every row
names its customer (and product) beside the id.
inactive: the customer's licensed users with no activity in any of the product's measured
workloads for the last N days (28, 60 or 90), with their last activity per workload; a product
whose usage the data cannot tell (no workload measured, or data shorter than N days) says so.`,
  options: {
    ...options,
    service: { type: 'string', value: 'code', description: 'portfolio: only O365, D365 or OTHER products' },
    group: { type: 'string', value: 'name', description: 'portfolio: only customers in this group or tag' },
    customer: { type: 'string', value: 'id|domain|name', description: 'support: only this customer' },
    product: {
      type: 'string',
      value: 'id|part number|name',
      description: 'inactive: only this product of the customer',
    },
    days: { type: 'string', value: '28|60|90', description: 'inactive: days without activity (default 28)' },
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
    'insights report inactive contoso.com --product ENTERPRISEPACK --days 90',
    'insights report support --customer C0007 --from 2026-01-01 --format csv > support.csv',
  ],
  async run(ctx, values, positionals) {
    const [what, ...rest] = positionals;
    const format = formatOf(ctx, values.format);
    const day = dayOption(values.date);
    const channel = channelOption(values.channel);
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
      const { store, partnerId } = await openForPartner(ctx, 'read');
      try {
        const r = await getPortfolioReport(store, {
          partnerId,
          ...(day !== undefined ? { day } : {}),
          ...(typeof service === 'string' ? { service: service as ServiceCode } : {}),
          channel,
          ...(typeof values.group === 'string' ? { group: values.group } : {}),
        });
        warnIfStale(ctx, values, r.stale);
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
          const limit = 40;
          out.push(
            renderTable(
              [{ title: 'customer' }, { title: 'groups' }, ...totalsColumns, { title: 'id' }],
              shown
                .slice(0, limit)
                .map((c) => [c.name, c.groups.join(', '), ...totalsCells(t, c.totals), c.customerId]),
              t,
            ),
          );
          if (shown.length > limit)
            out.push(
              `… ${countOf(shown.length - limit, 'more customer')} (lowest usage first); --format csv lists every row\n`,
            );
          if (r.totals.partialWindow) out.push(PARTIAL_NOTE);
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
        throw new AppError(
          'usage.invalid_argument',
          'name the customer: insights report customer <id|domain|name>',
        );
      const { store, partnerId } = await openForPartner(ctx, 'read');
      try {
        const r = await getCustomerReport(store, {
          partnerId,
          customer: name,
          ...(day !== undefined ? { day } : {}),
          channel,
        });
        warnIfStale(ctx, values, r.stale);
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
            ),
          );
          if (r.unassigned.length > 0) {
            out.push(
              `\nunassigned licenses: ${r.unassigned.map((u) => `${u.productName} ${u.licenses}`).join(', ')}\n`,
            );
          }
          if (r.rows.some((m) => m.partialWindow)) out.push(PARTIAL_NOTE);
          const inactive = r.inactive.filter((i) => i.availability !== 'ok' || (i.days28 ?? 0) > 0);
          if (inactive.length > 0) {
            out.push(
              `licensed users inactive 28 / 60 / 90+ days: ${inactive
                .map((i) =>
                  i.availability === 'ok'
                    ? `${i.productName} ${[i.days28, i.days60, i.days90].map((n) => (n === null ? 'not enough data' : formatCount(n))).join(' / ')}`
                    : `${i.productName} ${i.availability === 'not_measured' ? 'not measured' : 'not enough data'}`,
                )
                .join(', ')}\n`,
            );
          }
          if (r.support !== null) {
            const s = r.support;
            out.push(
              `support, last 28 days: ${s.howTo} how-to, ${s.problem} problem, ${s.other} other; ${s.howToPer100 === null ? '—' : s.howToPer100.toFixed(1)} how-to per 100 active users (${formatCount(s.activeUsers)})\n`,
            );
          }
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
      const { store, partnerId } = await openForPartner(ctx, 'read');
      try {
        const rows = await getSupportMetrics(store, {
          partnerId,
          ...(typeof values.customer === 'string' ? { customerId: values.customer } : {}),
          ...(day !== undefined ? { to: day } : {}),
          ...(from !== undefined ? { from } : {}),
        });
        const lastDay = rows.reduce<string | null>((m, r) => (m === null || r.day > m ? r.day : m), null);
        if (lastDay !== null) {
          const customers = [...new Set(rows.map((r) => r.customerId))];
          warnIfStale(ctx, values, await getStaleMetrics(store, partnerId, lastDay, customers));
        }
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
    if (what === 'inactive') {
      const name = rest.join(' ');
      if (name === '')
        throw new AppError(
          'usage.invalid_argument',
          'name the customer: insights report inactive <id|domain|name> [--product P] [--days 28|60|90]',
        );
      const days = values.days === undefined ? '28' : values.days;
      if (days !== '28' && days !== '60' && days !== '90')
        throw new AppError(
          'usage.invalid_argument',
          `--days must be 28, 60 or 90 (got ${JSON.stringify(days)})`,
        );
      const { store, partnerId } = await openForPartner(ctx, 'read');
      try {
        const r = await getInactiveUsers(store, {
          partnerId,
          customer: name,
          ...(day !== undefined ? { day } : {}),
          ...(typeof values.product === 'string' ? { product: values.product } : {}),
          days: Number(days) as InactiveDays,
        });
        warnIfStale(ctx, values, await getStaleMetrics(store, partnerId, r.day, [r.customerId]));
        if (format === 'csv') ctx.term.out(csvOutput(values, inactiveCsv(r)));
        else if (format === 'json') ctx.term.out(`${JSON.stringify(inactiveRows(r), null, 2)}\n`);
        else ctx.term.out(inactiveTable(ctx.term, r));
      } finally {
        await store.close();
      }
      return EXIT.ok;
    }
    throw new AppError(
      'usage.invalid_argument',
      'insights report portfolio | customer <id|domain|name> | inactive <id|domain|name> | support; see insights report --help',
    );
  },
};
