/**
 * The texts and their one mechanism: every key in every language with the same parameters, every
 * plural complete for its language (Intl.PluralRules), counts agreeing with their nouns in English
 * and Polish, money with its currency and period.
 */
import { describe, expect, it } from 'vitest';
import {
  formatMoney,
  formatMoneyPerMonth,
  LOCALES,
  type Locale,
  MESSAGES,
  type MessageKey,
  messageParams,
  messagePlurals,
  pluralCategories,
  pluralCategory,
  translate,
  valueName,
  workloadName,
} from '../src/i18n';

const KEYS = Object.keys(MESSAGES.en) as MessageKey[];
/** Parameters that are names or ready-made text; every other parameter is a number. */
const TEXT_PARAMS = new Set([
  'product',
  'weakest',
  'focus',
  'workloads',
  'subscription',
  'termEnd',
  'day',
  'name',
  'amount',
  'price',
  'score',
]);

/** A message with every number parameter set to n. */
function withCount(locale: Locale, key: MessageKey, n: number): string {
  const params = Object.fromEntries(
    messageParams(MESSAGES.en[key]).map((p) => [p, TEXT_PARAMS.has(p) ? 'X' : n]),
  );
  return translate(locale, key, params);
}

describe('texts', () => {
  it('exist in every language with the same parameters', () => {
    for (const locale of LOCALES)
      for (const key of KEYS) {
        expect(MESSAGES[locale][key], `${locale} ${key}`).toBeTruthy();
        expect(messageParams(MESSAGES[locale][key]).sort(), `${locale} ${key}`).toEqual(
          messageParams(MESSAGES.en[key]).sort(),
        );
      }
  });

  it('give every plural a branch for each plural category of its language, and no other', () => {
    expect(pluralCategories('pl')).toEqual(expect.arrayContaining(['one', 'few', 'many', 'other']));
    let plurals = 0;
    for (const locale of LOCALES)
      for (const key of KEYS)
        for (const p of messagePlurals(MESSAGES[locale][key])) {
          plurals++;
          const exact = p.branches.filter((b) => b.startsWith('='));
          expect(p.branches.filter((b) => !b.startsWith('=')).sort(), `${locale} ${key} {${p.name}}`).toEqual(
            [...pluralCategories(locale)].sort(),
          );
          expect(exact.every((b) => /^=\d+$/.test(b))).toBe(true);
        }
    expect(plurals).toBeGreaterThan(30);
  });

  it.each([
    [1, 'one', '1 licencja', 'o 1 licencję'],
    [2, 'few', '2 licencje', 'o 2 licencje'],
    [5, 'many', '5 licencji', 'o 5 licencji'],
    [12, 'many', '12 licencji', 'o 12 licencji'],
    [22, 'few', '22 licencje', 'o 22 licencje'],
    [52, 'few', '52 licencje', 'o 52 licencje'],
    [112, 'many', '112 licencji', 'o 112 licencji'],
    [1000, 'many', '1000 licencji', 'o 1000 licencji'],
  ])('Polish: %i is "%s": "%s", "%s"', (n, category, nominative, accusative) => {
    // Bug: "zmniejszenie maksymalnie o 52 licencji" (one form for every number).
    expect(pluralCategory('pl', n)).toBe(category);
    expect(translate('pl', 'priority.licenses.count', { quantity: n })).toBe(`${nominative} (cena nieznana)`);
    expect(translate('pl', 'rec.RECLAIM_AT_RENEWAL.try', { reclaim: n })).toContain(
      `maksymalnie ${accusative} przy odnowieniu`,
    );
  });

  it('English: 1 license, 2 licenses', () => {
    expect(translate('en', 'priority.licenses.count', { quantity: 1 })).toBe('1 license (no price known)');
    expect(translate('en', 'priority.licenses.count', { quantity: 2 })).toBe('2 licenses (no price known)');
    expect(translate('en', 'ui.cards', { count: 1, day: '2026-03-31' })).toBe(
      '1 recommendation for 2026-03-31',
    );
    expect(translate('en', 'priority.licenses.count', { quantity: 1234 })).toBe(
      '1,234 licenses (no price known)',
    );
  });

  /** "n word" for any of the words, as whole words (Polish letters included). */
  const any = (n: number, words: readonly string[]) =>
    new RegExp(`(?<![\\p{L}\\d])${n} (${words.join('|')})(?![\\p{L}])`, 'u');
  const PL_FORMS = {
    one: ['licencja', 'licencję', 'dzień', 'rekomendacja', 'karta', 'pytanie', 'użytkownik'],
    few: ['licencje', 'dni', 'rekomendacje', 'karty', 'pytania', 'użytkowników'], // "2 użytkowników": dwóch użytkowników
    many: ['licencji', 'dni', 'rekomendacji', 'kart', 'pytań', 'użytkowników'],
  };
  const EN_NOUNS = [
    'license',
    'user',
    'day',
    'point',
    'recommendation',
    'card',
    'how-to request',
    'active user',
  ];

  it.each([1, 2, 3, 4, 5, 11, 12, 21, 22, 25, 52, 101, 1000])(
    'no message puts %i before a noun in the wrong form',
    (n) => {
      const category = pluralCategory('pl', n);
      const wrongPl = Object.entries(PL_FORMS)
        .filter(([c]) => c !== category)
        .flatMap(([, words]) => words)
        .filter((w) => !(PL_FORMS[category as keyof typeof PL_FORMS] ?? []).includes(w));
      const wrong: Record<Locale, RegExp> = {
        en:
          n === 1
            ? any(
                1,
                EN_NOUNS.map((w) => `${w}s`),
              )
            : any(n, EN_NOUNS),
        pl: any(n, wrongPl),
      };
      for (const locale of LOCALES)
        for (const key of KEYS) {
          const text = withCount(locale, key, n).replace(/\u00a0/g, '');
          expect(text, `${locale} ${key}`).not.toMatch(wrong[locale]);
        }
    },
  );

  it('leave a missing parameter visible, plural or not', () => {
    expect(translate('en', 'ui.none')).toBe('No recommendations for {day}.');
    expect(translate('en', 'ui.cards', { day: 'D' })).toBe(
      '{count, plural, one {# recommendation} other {# recommendations}} for D',
    );
  });

  it('name workloads and coded values in the language of the card', () => {
    // Bug: Polish cards said "SharePoint and OneDrive", "annual", "true".
    expect(workloadName('pl', 'SPO')).toBe('SharePoint i OneDrive');
    expect(workloadName('en', 'SPO')).toBe('SharePoint and OneDrive');
    expect(valueName('pl', 'billingCycle', 'annual')).toBe('roczne');
    expect(valueName('pl', 'autoRenew', 'true')).toBe('tak');
    expect(valueName('pl', 'subscriptionId', 'annual')).toBe('annual'); // only coded fields
    expect(translate('pl', 'product.nameUnknown', { name: 'SKU-9' })).toBe('SKU-9 (nazwa nieznana)');
  });

  it('write money with its currency in the locale, per month', () => {
    expect(formatMoney('en', 1234, 'USD')).toBe('$1,234.00');
    expect(formatMoney('en', 12.5, 'EUR')).toBe('€12.50');
    expect(formatMoney('pl', 1234, 'PLN')).toBe('1234,00\u00a0zł');
    expect(formatMoney('pl', 12345.5, 'USD')).toBe('12\u00a0345,50\u00a0USD');
    expect(formatMoney('en', 5, 'not a code')).toBe('5 not a code');
    expect(formatMoney('en', 5, null)).toBe('5');
    expect(formatMoneyPerMonth('en', 1234, 'EUR')).toBe('€1,234.00/month');
    expect(formatMoneyPerMonth('pl', 1234, 'PLN')).toBe('1234,00\u00a0zł/mies.');
  });
});
