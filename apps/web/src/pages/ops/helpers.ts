/**
 * Pure helpers of the operations pages (tested in apps/web/test/ops.test.ts): sizes, a card's
 * priority in words, where a problem is, which field an API refusal names, which exclusion
 * silences a card.
 */
import {
  type CardPriority,
  formatMoneyPerMonth,
  type Locale,
  type NamedExclusion,
  type Problem,
  type RecommendationCard,
  RULE_IDS,
  translate,
} from '@license-insights/contracts';

/** "12.3 MB", "850 kB", "397 B" in the language's number format. */
export function fmtBytes(locale: Locale, n: number): string {
  // Intl writes a byte count as "397 byte": below a kilobyte, the number and "B".
  if (n < 1e3) return `${new Intl.NumberFormat(locale).format(n)}\u00a0B`;
  const [unit, size] =
    n >= 1e9 ? ['gigabyte', n / 1e9] : n >= 1e6 ? ['megabyte', n / 1e6] : ['kilobyte', n / 1e3];
  return new Intl.NumberFormat(locale, {
    style: 'unit',
    unit,
    maximumFractionDigits: size < 10 ? 1 : 0,
  }).format(size);
}

/** "364 licenses × $36.00/month = $13,104.00/month", "140 users to train": the contracts' words. */
export function priorityText(locale: Locale, p: CardPriority): string {
  if (p.unitPrice === null) return translate(locale, `priority.${p.unit}.count`, { quantity: p.quantity });
  return translate(locale, `priority.${p.unit}.price`, {
    quantity: p.quantity,
    price: formatMoneyPerMonth(locale, p.unitPrice, p.currency),
    score: formatMoneyPerMonth(locale, p.score, p.currency),
  });
}

/** `file:line:column`, as far as the problem says (a file-level problem has neither). */
export function problemWhere(p: Pick<Problem, 'file' | 'line' | 'column'>): string {
  return [p.file, p.line, p.column].filter((x) => x !== undefined).join(':');
}

/** The `RULE.field` an API refusal names ("LOW_ADOPTION.usageBelow must be…", "body.UPSELL.x: …"). */
export function fieldOfMessage(message: string): string | null {
  const m = new RegExp(`\\b(${RULE_IDS.join('|')})\\.(\\w+)`).exec(message);
  return m === null ? null : `${m[1]}.${m[2]}`;
}

/** The reason of the exclusion that silences a card: its product's, else the customer's `*`. */
export function silencingReason(
  card: Pick<RecommendationCard, 'customerId' | 'productId'>,
  exclusions: readonly Pick<NamedExclusion, 'customerId' | 'productId' | 'reason'>[] | undefined,
): string | null {
  const match =
    exclusions?.find((e) => e.customerId === card.customerId && e.productId === card.productId) ??
    exclusions?.find((e) => e.customerId === card.customerId && e.productId === '*');
  return match?.reason ?? null;
}
