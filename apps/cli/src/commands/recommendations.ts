/** `insights recommendations`: the playbook's cards of a day, by priority, each with its why. */
import {
  type EvidenceValue,
  fieldName,
  formatNumber,
  type Locale,
  type RecommendationCard,
  RULE_IDS,
  recommendationsRequestSchema,
  translate,
  valueName,
} from '@license-insights/contracts';
import { AppError, csvLine, describePriority } from '@license-insights/core';
import { type Command, type CommandContext, openInsights, warnIfStale } from '../command';
import { EXIT } from '../exit-codes';
import { paint, type Terminal } from '../output';
import { requestFrom, stringOf, wholeNumberOf } from '../request';
import { csvOutput, DATE_OPTION, formatOf, NO_BOM_OPTION } from './report/shared';

export const CARD_CSV_COLUMNS = [
  'rank',
  'day',
  'rule',
  'ruleName',
  'customerId',
  'customerName',
  'productId',
  'productName',
  'workload',
  'subscriptionId',
  'priorityScore',
  'quantityAtStake',
  'unit',
  'unitPrice',
  'currency',
  'period',
  'problem',
  'consider',
  'try',
  'evidence',
  'thresholds',
  'id',
] as const;

/** Evidence as `key=value; …`: numbers and codes plain for CSV. */
const evidenceText = (v: EvidenceValue) =>
  Array.isArray(v) ? (v.length === 0 ? '—' : v.join(' ')) : v === null ? '—' : String(v);
const pairs = (o: Readonly<Record<string, EvidenceValue>>) =>
  Object.entries(o)
    .map(([k, v]) => `${k}=${evidenceText(v)}`)
    .join('; ');
/** The same for people: field names, numbers and coded values ("annual", "true") in their language. */
const labelled = (o: Readonly<Record<string, EvidenceValue>>, locale: Locale) =>
  Object.entries(o)
    .map(([k, v]) => {
      const text =
        typeof v === 'number'
          ? formatNumber(locale, v)
          : typeof v === 'string'
            ? valueName(locale, k, v)
            : evidenceText(v);
      return `${fieldName(locale, k)}: ${text}`;
    })
    .join(' · ');

export function cardsCsv(cards: readonly RecommendationCard[], locale: Locale): string {
  return (
    csvLine([...CARD_CSV_COLUMNS]) +
    cards
      .map((c) =>
        csvLine([
          c.rank,
          c.day,
          c.rule,
          translate(locale, `rule.${c.rule}`),
          c.customerId,
          c.customerName,
          c.productId,
          c.productName,
          c.workload,
          c.subscriptionId,
          c.priority.score,
          c.priority.quantity,
          c.priority.unit,
          c.priority.unitPrice,
          c.priority.currency,
          c.priority.period,
          c.text.problem,
          c.text.consider,
          c.text.try,
          pairs(c.evidence),
          pairs(c.thresholds),
          c.id,
        ]),
      )
      .join('')
  );
}

/** Wraps text to a width, every line after the first indented. */
function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines.join(`\n${indent}`);
}

const LABELS = ['ui.why', 'ui.consider', 'ui.try', 'ui.evidence', 'ui.thresholds'] as const;

function cardBlock(t: Terminal, c: RecommendationCard, locale: Locale): string {
  const width = Math.max(...LABELS.map((k) => translate(locale, k).length)) + 2;
  const label = (k: (typeof LABELS)[number]) => paint(t, 'dim', `${translate(locale, k)}:`.padEnd(width));
  const indent = ' '.repeat(6 + width);
  const head = [
    paint(t, 'bold', translate(locale, `rule.${c.rule}`)),
    c.customerName,
    ...(c.productName === null ? [] : [c.productName]),
    ...(c.subscriptionId === null ? [] : [c.subscriptionId]),
  ].join(' · ');
  const body = [
    [label('ui.why'), c.text.problem],
    [label('ui.consider'), c.text.consider],
    [label('ui.try'), c.text.try],
    [label('ui.evidence'), labelled(c.evidence, locale)],
    [label('ui.thresholds'), labelled(c.thresholds, locale)],
  ]
    .map(([l, text]) => `      ${l}${wrap(text ?? '', 100 - width, indent)}`)
    .join('\n');
  return `${String(c.rank).padStart(4)}  ${head}\n      ${paint(t, 'cyan', `${translate(locale, 'ui.priority')}: ${describePriority(locale, c.priority)}`)}\n${body}\n`;
}

export const recommendationsCommand: Command = {
  name: 'recommendations',
  summary: 'the playbook: whom to offer training, more licenses or a right-sizing, and why',
  usage:
    'insights recommendations [--customer C] [--rule R] [--date D] [--format table|csv|json] [--lang en|pl]',
  description: `Cards by priority (licenses at stake × list price when a price is known, else the count).
Rules: ${RULE_IDS.join(', ')}. Each card shows the evidence numbers and the thresholds
used; thresholds and exclusions are set with \`insights settings\` and \`insights exclusions\`.
Run \`insights compute\` first.`,
  options: {
    customer: { type: 'string', value: 'id|domain|name', description: 'only this customer' },
    rule: { type: 'string', value: 'rule', description: `only this rule (${RULE_IDS.join(', ')})` },
    date: DATE_OPTION,
    format: {
      type: 'string',
      value: 'table|csv|json',
      description: 'output (default: cards on a terminal, json when piped)',
    },
    'no-bom': NO_BOM_OPTION,
    lang: {
      type: 'string',
      value: 'en|pl',
      description: 'language of the texts (default: config, env LI_LANG)',
    },
    limit: {
      type: 'string',
      value: 'n',
      description: 'cards shown on a terminal (default 25; csv/json list all)',
    },
  },
  examples: [
    'insights recommendations',
    'insights recommendations --rule RECLAIM_AT_RENEWAL --format csv > renewals.csv',
    'insights recommendations --customer C0007 --lang pl',
  ],
  async run(ctx: CommandContext, values) {
    const format = formatOf(ctx, values.format);
    const request = requestFrom(
      recommendationsRequestSchema.omit({ partnerId: true }),
      {
        day: stringOf(values.date),
        customer: stringOf(values.customer),
        rule: stringOf(values.rule),
        locale: stringOf(values.lang) ?? ctx.config().language,
      },
      { day: '--date', customer: '--customer', rule: '--rule', locale: '--lang' },
    );
    const lang = request.locale;
    const limit = wholeNumberOf(values.limit) ?? 25;
    if (!Number.isInteger(limit) || limit < 1)
      throw new AppError('usage.invalid_argument', '--limit must be a whole number ≥ 1');
    const { insights, partnerId } = await openInsights(ctx, 'read');
    try {
      const r = await insights.recommendations({ ...request, partnerId });
      warnIfStale(ctx, values, r.stale);
      if (format === 'csv') ctx.term.out(csvOutput(values, cardsCsv(r.cards, lang)));
      else if (format === 'json')
        ctx.term.out(
          `${JSON.stringify({ day: r.day, stale: r.stale, cards: r.cards, silenced: r.silenced.map((c) => c.id) }, null, 2)}\n`,
        );
      else {
        const t = ctx.term;
        const out: string[] = [];
        if (r.cards.length === 0) out.push(`${translate(lang, 'ui.none', { day: r.day })}\n`);
        else {
          out.push(
            `${paint(t, 'bold', translate(lang, 'ui.cards', { count: r.cards.length, day: r.day }))}\n\n`,
          );
          out.push(
            r.cards
              .slice(0, limit)
              .map((c) => cardBlock(t, c, lang))
              .join('\n'),
          );
          if (r.cards.length > limit)
            out.push(`\n${translate(lang, 'ui.more', { count: r.cards.length - limit })}\n`);
        }
        if (r.silenced.length > 0)
          out.push(`\n${paint(t, 'dim', translate(lang, 'ui.silenced', { count: r.silenced.length }))}\n`);
        t.out(out.join(''));
      }
    } finally {
      await insights.close();
    }
    return EXIT.ok;
  },
};
