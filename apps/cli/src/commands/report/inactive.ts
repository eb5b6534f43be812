/**
 * `insights report inactive`: a customer's licensed users with no activity in any of a product's
 * measured workloads for the last 28, 60 or 90 days, per product, with their last activity per
 * workload; a product whose usage the data cannot tell says so.
 */
import { type InactiveUsersReport, inactiveUsersRequestSchema } from '@license-insights/contracts';
import { AppError, csvLine } from '@license-insights/core';
import { openInsights, warnIfStale } from '../../command';
import { EXIT } from '../../exit-codes';
import { countOf, formatCount, paint, renderTable, type Terminal } from '../../output';
import { requestFrom, stringOf, wholeNumberOf } from '../../request';
import { formatOf, printAs, type Subcommand } from './shared';

export const reportInactive: Subcommand = async (ctx, values, args) => {
  const name = args.join(' ');
  if (name === '')
    throw new AppError(
      'usage.invalid_argument',
      'name the customer: insights report inactive <id|domain|name> [--product P] [--days 28|60|90]',
    );
  const format = formatOf(ctx, values.format);
  const input = {
    customer: name,
    day: stringOf(values.date),
    product: stringOf(values.product),
    days: stringOf(values.days),
  };
  const request = requestFrom(
    inactiveUsersRequestSchema.omit({ partnerId: true }),
    { ...input, days: wholeNumberOf(input.days) },
    { customer: 'the customer', day: '--date', product: '--product', days: '--days' },
    input,
  );
  const { insights, partnerId } = await openInsights(ctx, 'read');
  try {
    const r = await insights.inactiveUsers({ ...request, partnerId });
    warnIfStale(
      ctx,
      values,
      await insights.staleMetrics({ partnerId, day: r.day, customerIds: [r.customerId] }),
    );
    printAs(ctx, values, format, {
      csv: () => inactiveCsv(r),
      json: () => inactiveRows(r),
      table: () => inactiveTable(ctx.term, r),
    });
  } finally {
    await insights.close();
  }
  return EXIT.ok;
};

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
