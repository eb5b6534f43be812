/** `insights settings` and the playbook thresholds: show, set, reset, and the history of changes. */
import {
  describeRange,
  RULE_IDS,
  type RuleId,
  resetSettingsRequestSchema,
  setSettingRequestSchema,
} from '@license-insights/contracts';
import { AppError, settingPaths } from '@license-insights/core';
import { type Command, openInsights } from '../command';
import { EXIT } from '../exit-codes';
import { paint, renderTable } from '../output';
import { requestFrom } from '../request';
import { jsonOutput } from './report/shared';

export const settingsCommand: Command = {
  name: 'settings',
  summary: 'recommendation thresholds per rule: show, set, reset, history',
  usage:
    'insights settings [show] [--format table|json]\n       insights settings set <RULE.field> <value>\n       insights settings reset [RULE]\n       insights settings log [--format table|json]',
  description: `Settings, their defaults and the values they take:
${settingPaths()
  .map(
    (p) =>
      `  ${p.path.padEnd(Math.max(...settingPaths().map((x) => x.path.length)))}  ${String(p.default).padStart(5)}  ${p.range === undefined ? 'true or false' : describeRange(p.range)}`,
  )
  .join('\n')}
A value out of its range is refused. Every change is recorded in the audit log with who (config
"actor", env LI_ACTOR) and when.`,
  options: {
    format: {
      type: 'string',
      value: 'table|json',
      description: 'output (default: table on a terminal, json when piped)',
    },
  },
  examples: [
    'insights settings',
    'insights settings set LOW_ADOPTION.usageBelow 40',
    'insights settings set UPSELL.enabled false',
    'insights settings reset LOW_ADOPTION',
    'insights settings log',
  ],
  async run(ctx, values, positionals) {
    const [action = 'show', ...args] = positionals;
    const json = jsonOutput(ctx, values.format);
    const { insights, partnerId, config } = await openInsights(ctx, 'read');
    try {
      if (action === 'show') {
        if (args.length > 0) throw new AppError('usage.invalid_argument', `unexpected ${args.join(' ')}`);
        const s = await insights.settings({ partnerId });
        if (json) ctx.term.out(`${JSON.stringify(s, null, 2)}\n`);
        else {
          const rows = settingPaths().map((p) => {
            const [rule, field] = p.path.split('.') as [RuleId, string];
            const v = (s.settings[rule] as Record<string, boolean | number>)[field];
            return [
              p.path,
              String(v),
              p.range === undefined ? 'true or false' : `${p.range.min} … ${p.range.max}`,
              v === p.default ? '' : paint(ctx.term, 'yellow', `default ${p.default}`),
            ];
          });
          ctx.term.out(
            renderTable(
              [{ title: 'setting' }, { title: 'value', align: 'right' }, { title: 'allowed' }, { title: '' }],
              rows,
              ctx.term,
            ),
          );
          ctx.term.out(
            s.changed === null
              ? 'defaults (never changed)\n'
              : `last changed ${s.changed.at} by ${s.changed.by}\n`,
          );
        }
        return EXIT.ok;
      }
      if (action === 'set') {
        const [path, value, ...extra] = args;
        if (path === undefined || value === undefined || extra.length > 0) {
          throw new AppError('usage.invalid_argument', 'usage: insights settings set <RULE.field> <value>');
        }
        const request = requestFrom(
          setSettingRequestSchema,
          { partnerId, actor: config.actor, path, value },
          { path: 'the setting', value: 'the value' },
        );
        const r = await insights.setSetting(request);
        ctx.term.err(`${paint(ctx.term, 'green', '✔')} ${path}: ${r.before} → ${r.after}\n`);
        return EXIT.ok;
      }
      if (action === 'reset') {
        const [rule, ...extra] = args;
        if (extra.length > 0 || (rule !== undefined && !(RULE_IDS as readonly string[]).includes(rule))) {
          throw new AppError(
            'usage.invalid_argument',
            `usage: insights settings reset [${RULE_IDS.join('|')}]`,
          );
        }
        await insights.resetSettings(
          requestFrom(
            resetSettingsRequestSchema,
            { partnerId, actor: config.actor, rule },
            { rule: 'the rule' },
          ),
        );
        ctx.term.err(`${paint(ctx.term, 'green', '✔')} ${rule ?? 'all rules'} back to the defaults\n`);
        return EXIT.ok;
      }
      if (action === 'log') {
        const log = await insights.settingsLog({ partnerId });
        if (json) ctx.term.out(`${JSON.stringify(log, null, 2)}\n`);
        else
          ctx.term.out(
            renderTable(
              [{ title: 'when (UTC)' }, { title: 'who' }, { title: 'what' }, { title: 'details' }],
              log.map((e) => [e.occurredAt, e.actor, e.action, JSON.stringify(e.details)]),
              ctx.term,
            ),
          );
        return EXIT.ok;
      }
      throw new AppError(
        'usage.invalid_argument',
        `unknown action ${JSON.stringify(action)}; see insights settings --help`,
      );
    } finally {
      await insights.close();
    }
  },
};
