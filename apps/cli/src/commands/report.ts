/**
 * `insights report portfolio|customer|inactive|support`: the command's options and help, and the
 * dispatch to one file per subcommand (`report/*.ts`; what they share is in `report/shared.ts`).
 */
import { AppError } from '@license-insights/core';
import type { Command } from '../command';
import { reportCustomer } from './report/customer';
import { reportInactive } from './report/inactive';
import { reportPortfolio } from './report/portfolio';
import { DATE_OPTION, NO_BOM_OPTION, type Subcommand } from './report/shared';
import { reportSupport } from './report/support';

const SUBCOMMANDS: ReadonlyMap<string, Subcommand> = new Map([
  ['portfolio', reportPortfolio],
  ['customer', reportCustomer],
  ['inactive', reportInactive],
  ['support', reportSupport],
]);

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
    const [what, ...args] = positionals;
    const subcommand = what === undefined ? undefined : SUBCOMMANDS.get(what);
    if (subcommand === undefined)
      throw new AppError(
        'usage.invalid_argument',
        'insights report portfolio | customer <id|domain|name> | inactive <id|domain|name> | support; see insights report --help',
      );
    return subcommand(ctx, values, args);
  },
};
