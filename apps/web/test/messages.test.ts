/**
 * The dashboard's texts: every catalog (`*.messages.ts`) has the same keys in English and Polish,
 * the same parameters in both, a branch for each plural category of its language, and no empty
 * text; and renders numbers per language.
 */
import { formatMessage, messageParams, messagePlurals, pluralCategories } from '@license-insights/contracts';
import { describe, expect, it } from 'vitest';
import type { Catalog } from '../src/i18n';

const modules = import.meta.glob<Record<string, unknown>>('../src/**/*.messages.ts', { eager: true });
const catalogs: [string, Catalog<string>][] = Object.entries(modules).flatMap(([file, mod]) =>
  Object.entries(mod).map(([name, c]): [string, Catalog<string>] => [
    `${file.replace('../src/', '')}:${name}`,
    c as Catalog<string>,
  ]),
);

describe('dashboard texts', () => {
  it('finds the catalogs', () => {
    expect(catalogs.length).toBeGreaterThanOrEqual(3);
  });

  it.each(catalogs)('%s: same keys, parameters and plural branches in en and pl', (_name, c) => {
    expect(Object.keys(c.pl).sort()).toEqual(Object.keys(c.en).sort());
    for (const key of Object.keys(c.en)) {
      const en = c.en[key] ?? '';
      const pl = c.pl[key] ?? '';
      expect(en.trim(), key).not.toBe('');
      expect(pl.trim(), key).not.toBe('');
      expect(messageParams(pl).sort(), key).toEqual(messageParams(en).sort());
      for (const [locale, text] of [
        ['en', en],
        ['pl', pl],
      ] as const) {
        for (const plural of messagePlurals(text)) {
          for (const category of pluralCategories(locale)) {
            expect(plural.branches, `${key} (${locale}) ${plural.name}`).toContain(category);
          }
        }
      }
    }
  });

  it('formats numbers and plurals per language', () => {
    const t = '{n, plural, one {# licencja} few {# licencje} many {# licencji} other {# licencji}}';
    expect(formatMessage('pl', t, { n: 22 })).toBe('22 licencje');
    expect(formatMessage('pl', '{n}', { n: 1234.5 })).toBe('1234,5');
    expect(formatMessage('en', '{n}', { n: 1234.5 })).toBe('1,234.5');
  });
});
