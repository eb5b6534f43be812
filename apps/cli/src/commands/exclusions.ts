/** `insights exclusions`: customer × product whose recommendation cards are silenced, with a reason. */
import { addExclusionRequestSchema, removeExclusionRequestSchema } from '@license-insights/contracts';
import { AppError } from '@license-insights/core';
import { type Command, openInsights } from '../command';
import { EXIT } from '../exit-codes';
import { paint, renderTable } from '../output';
import { requestFrom } from '../request';
import { jsonOutput } from './report/shared';

const OPTION_OF = { customer: '--customer', product: '--product', reason: '--reason' } as const;

export const exclusionsCommand: Command = {
  name: 'exclusions',
  summary: 'silence recommendation cards for a customer × product (it stays in every report)',
  usage:
    'insights exclusions [list] [--format table|json]\n       insights exclusions add --customer C --product P|* --reason "…"\n       insights exclusions remove --customer C --product P|*',
  description: `An exclusion silences the cards of one product of a customer (--product *: all its products),
for a reason the team can read later. Reports still show the product. Adding and removing is
recorded in the audit log with who and when (see \`insights settings log\`).`,
  options: {
    customer: {
      type: 'string',
      value: 'id|domain|name',
      description: 'the customer: its id, domain or name',
    },
    product: { type: 'string', value: 'id|*', description: 'product id as in the reports, or * for all' },
    reason: { type: 'string', value: 'text', description: 'why (required to add)' },
    format: {
      type: 'string',
      value: 'table|json',
      description: 'output of list (default: table on a terminal, json when piped)',
    },
  },
  examples: [
    'insights exclusions add --customer C0007 --product cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46 --reason "pilot, rollout in Q3"',
    'insights exclusions',
    'insights exclusions remove --customer C0007 --product cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46',
  ],
  async run(ctx, values, positionals) {
    const [action = 'list', ...extra] = positionals;
    if (extra.length > 0) throw new AppError('usage.invalid_argument', `unexpected ${extra.join(' ')}`);
    const need = (name: 'customer' | 'product' | 'reason'): string => {
      const v = values[name];
      if (typeof v !== 'string' || v.trim() === '') {
        throw new AppError('usage.invalid_argument', `--${name} is required to ${action} an exclusion`);
      }
      return v;
    };
    if (action !== 'list' && action !== 'add' && action !== 'remove') {
      throw new AppError(
        'usage.invalid_argument',
        `unknown action ${JSON.stringify(action)}; see insights exclusions --help`,
      );
    }
    const customer = action === 'list' ? '' : need('customer');
    const product = action === 'list' ? '' : need('product');
    const reason = action === 'add' ? need('reason') : '';
    const { insights, partnerId, config } = await openInsights(ctx, 'read');
    try {
      if (action === 'list') {
        const list = await insights.exclusions({ partnerId });
        if (jsonOutput(ctx, values.format)) ctx.term.out(`${JSON.stringify(list, null, 2)}\n`);
        else if (list.length === 0) ctx.term.out('no exclusions\n');
        else
          ctx.term.out(
            renderTable(
              [
                { title: 'customer' },
                { title: 'product' },
                { title: 'reason' },
                { title: 'by' },
                { title: 'since (UTC)' },
              ],
              list.map((e) => [e.customerId, e.productId, e.reason, e.createdBy, e.createdAt]),
              ctx.term,
            ),
          );
        return EXIT.ok;
      }
      if (action === 'add') {
        const r = await insights.addExclusion(
          requestFrom(
            addExclusionRequestSchema,
            { partnerId, actor: config.actor, customer, product, reason },
            OPTION_OF,
          ),
        );
        ctx.term.err(
          `${paint(ctx.term, 'green', '✔')} cards of ${r.exclusion.customerId} × ${r.exclusion.productId} silenced${r.previousReason === null ? '' : ` (reason was: ${r.previousReason})`}\n`,
        );
        return EXIT.ok;
      }
      await insights.removeExclusion(
        requestFrom(
          removeExclusionRequestSchema,
          { partnerId, actor: config.actor, customer, product },
          OPTION_OF,
        ),
      );
      ctx.term.err(`${paint(ctx.term, 'green', '✔')} exclusion removed\n`);
      return EXIT.ok;
    } finally {
      await insights.close();
    }
  },
};
