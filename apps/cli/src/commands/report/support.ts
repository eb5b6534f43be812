/**
 * `insights report support`: support requests over the 28 days to each day, per customer and per
 * product, workload and product × workload the requests name, with how-to requests per 100 active
 * users; every row names its customer (and product) beside the id.
 */
import { type SupportReportRow, supportMetricsRequestSchema } from '@license-insights/contracts';
import { csvLine } from '@license-insights/core';
import { openInsights, warnIfStale } from '../../command';
import { EXIT } from '../../exit-codes';
import { formatCount, renderTable, type Terminal } from '../../output';
import { requestFrom, stringOf } from '../../request';
import { formatOf, noArguments, printAs, type Subcommand } from './shared';

export const reportSupport: Subcommand = async (ctx, values, args) => {
  noArguments(args);
  const format = formatOf(ctx, values.format);
  const request = requestFrom(
    supportMetricsRequestSchema.omit({ partnerId: true }),
    { customer: stringOf(values.customer), to: stringOf(values.date), from: stringOf(values.from) },
    { customer: '--customer', to: '--date', from: '--from' },
  );
  const { insights, partnerId } = await openInsights(ctx, 'read');
  try {
    const rows = await insights.supportMetrics({ ...request, partnerId });
    const lastDay = rows.reduce<string | null>((m, r) => (m === null || r.day > m ? r.day : m), null);
    if (lastDay !== null) {
      const customers = [...new Set(rows.map((r) => r.customerId))];
      warnIfStale(
        ctx,
        values,
        await insights.staleMetrics({ partnerId, day: lastDay, customerIds: customers }),
      );
    }
    printAs(ctx, values, format, {
      csv: () => supportCsv(rows),
      json: () => rows,
      table: () => supportTable(ctx.term, rows),
    });
  } finally {
    await insights.close();
  }
  return EXIT.ok;
};

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

/** Whole customers only; csv adds the product and workload scopes. */
function supportTable(t: Terminal, rows: readonly SupportReportRow[]): string {
  const whole = rows.filter((m) => m.productId === null && m.workload === null);
  return `${renderTable(
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
    t,
  )}whole customers over the 28 days to each day; --format csv adds product and workload scopes\n`;
}
