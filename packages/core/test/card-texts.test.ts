/**
 * The cards' texts in the partner's language: a Polish card holds no English (product names
 * aside), counts agree with their nouns, an unknown product is "nazwa nieznana", and the priority is
 * money with its currency and period.
 *
 * Blueprint (D = 2026-03-31): c1 LOW_ADOPTION on a discovered SKU (10 sold, 4 active) and
 * HIGH_HOWTO_SUPPORT (5 how-to / 20 active users); c2 UPSELL on Priced Suite (1 sold, 1 active,
 * 20 EUR per license per month), DECLINING_USAGE (90 % → 60 %) and RECLAIM_AT_RENEWAL (annual,
 * ends in 15 days) on Office 365 E3.
 */
import {
  type CatalogProduct,
  DEFAULT_RECOMMENDATION_SETTINGS,
  type Locale,
  type ProductDayMetrics,
  type RecommendationCard,
} from '@license-insights/contracts';
import { describe, expect, it } from 'vitest';
import { shippedCatalog } from '../src/catalog/catalog';
import { describePriority, key, runPlaybook } from '../src/recommendations/playbook';

const D = '2026-03-31';
const E3 = '6fd2c87f-b296-42f0-b197-1e91e994b900';
const catalog = new Map<string, CatalogProduct>(shippedCatalog().products.map((p) => [p.productId, p]));
const product = (p: Partial<CatalogProduct> & { productId: string; name: string }): CatalogProduct => ({
  partNumber: null,
  service: 'O365',
  workloads: ['EXO', 'SPO', 'TEAMS'],
  openWorkloads: [],
  reportNames: [],
  offerIds: [],
  listPrice: null,
  currency: null,
  origin: 'custom',
  ...p,
});
catalog.set('SKU-9', product({ productId: 'SKU-9', name: 'SKU-9', origin: 'discovered' }));
catalog.set('PRICED', product({ productId: 'PRICED', name: 'Priced Suite', listPrice: 20, currency: 'EUR' }));

function row(customerId: string, productId: string, sold: number, assigned: number, active: number, day = D) {
  return {
    customerId,
    productId,
    workload: 'ALL',
    day,
    sold,
    soldOwn: sold,
    assigned,
    active,
    deploymentPercent: (assigned / sold) * 100,
    usagePercent: (active / sold) * 100,
    usageReasons: {},
    deploymentReasons: {},
    usageKnown: true,
    partialWindow: false,
  } satisfies ProductDayMetrics;
}

function cards(locale: Locale): readonly RecommendationCard[] {
  return runPlaybook({
    day: D,
    locale,
    settings: DEFAULT_RECOMMENDATION_SETTINGS,
    exclusions: [],
    customerNames: new Map([
      ['c1', 'Contoso'],
      ['c2', 'Fabrikam'],
    ]),
    products: catalog,
    metrics: [
      row('c1', 'SKU-9', 10, 9, 4),
      { ...row('c1', 'SKU-9', 10, 9, 1), workload: 'SPO' },
      row('c2', 'PRICED', 1, 1, 1),
      row('c2', E3, 10, 8, 6),
      { ...row('c2', E3, 10, 8, 2), workload: 'SPO' },
    ],
    metricsBefore: [
      row('c2', E3, 10, 10, 9, '2026-03-03'),
      { ...row('c2', E3, 10, 10, 8, '2026-03-03'), workload: 'SPO' },
    ],
    support: [
      {
        customerId: 'c1',
        day: D,
        productId: null,
        workload: null,
        howTo: 5,
        problem: 0,
        other: 0,
        activeUsers: 20,
        howToPer100: 25,
      },
      {
        customerId: 'c1',
        day: D,
        productId: null,
        workload: 'SPO',
        howTo: 5,
        problem: 0,
        other: 0,
        activeUsers: 20,
        howToPer100: 25,
      },
    ],
    subscriptions: [
      {
        customerId: 'c2',
        subscriptionId: 'S1',
        productId: E3,
        quantity: 10,
        status: 'active',
        isTrial: false,
        channel: 'own',
        billingCycle: 'annual',
        termEnd: '2026-04-15',
        autoRenew: true,
      },
    ],
    // Licensed users inactive for 28 days where the store can tell (c2's E3: 2 of 8 holders).
    inactive28: new Map([[key('c2', E3), 2]]),
  }).cards;
}

describe('card texts', () => {
  it('fire every rule in the blueprint', () => {
    expect(new Set(cards('pl').map((c) => c.rule)).size).toBe(5);
  });

  it('hold no English inside a Polish card (product names aside)', () => {
    // Bug: "SKU-9 (name unknown)" and "SharePoint and OneDrive" inside Polish cards.
    const english = /\b(name unknown|and|licenses?|users?|days?|requests?|points?|more|fewer|of|in|the)\b/;
    for (const c of cards('pl')) {
      for (const text of [c.text.problem, c.text.consider, c.text.try, c.productName ?? '']) {
        expect(text.replaceAll('Office 365 E3', '').replaceAll('Priced Suite', ''), c.id).not.toMatch(
          english,
        );
      }
      expect(describePriority('pl', c.priority), c.id).not.toMatch(english);
    }
    const low = cards('pl').find((c) => c.rule === 'LOW_ADOPTION');
    expect(low?.productName).toBe('SKU-9 (nazwa nieznana)');
    expect(low?.text.consider).toContain('SharePoint i OneDrive');
    expect(cards('en').find((c) => c.rule === 'LOW_ADOPTION')?.productName).toBe('SKU-9 (name unknown)');
  });

  it('agree counts with their nouns in both languages', () => {
    const reclaim = (l: Locale) => cards(l).find((c) => c.rule === 'RECLAIM_AT_RENEWAL')?.text;
    expect(reclaim('pl')?.problem).toContain(
      '(Office 365 E3, 10 licencji) kończy okres zobowiązania 2026-04-15, za 15 dni: 4 licencje nie są używane',
    );
    expect(reclaim('pl')?.try).toContain('maksymalnie o 4 licencje przy odnowieniu');
    expect(reclaim('en')?.problem).toContain(
      '(Office 365 E3, 10 licenses) ends its commitment on 2026-04-15, in 15 days: 4 licenses are not in use',
    );
    const upsell = (l: Locale) => cards(l).find((c) => c.rule === 'UPSELL')?.text;
    expect(upsell('en')?.problem).toContain('of 1 license sold');
    expect(upsell('en')?.try).toContain('Offer 1 more license,');
    expect(upsell('pl')?.problem).toContain('z 1 sprzedanej licencji');
    expect(upsell('pl')?.try).toContain('Zaproponuj 1 dodatkową licencję');
    const howTo = cards('pl').find((c) => c.rule === 'HIGH_HOWTO_SUPPORT');
    expect(howTo?.text.problem).toMatch(/^5 pytań „jak to zrobić” w 28 dni od 20 aktywnych użytkowników/);
  });

  it('show the priority as money with currency and period, or as a count', () => {
    // Bug: "1 licenses × 20 EUR = 20": no period, although list prices are per license per month.
    const upsell = cards('en').find((c) => c.rule === 'UPSELL');
    expect(upsell?.priority).toEqual({
      score: 20,
      quantity: 1,
      unit: 'licenses',
      unitPrice: 20,
      currency: 'EUR',
      period: 'month',
    });
    expect(describePriority('en', upsell?.priority ?? ({} as never))).toBe(
      '1 license × €20.00/month = €20.00/month',
    );
    expect(describePriority('pl', upsell?.priority ?? ({} as never))).toBe(
      '1 licencja × 20,00\u00a0€/mies. = 20,00\u00a0€/mies.',
    );
    const howTo = cards('pl').find((c) => c.rule === 'HIGH_HOWTO_SUPPORT');
    expect(howTo?.priority.period).toBeNull();
    expect(describePriority('pl', howTo?.priority ?? ({} as never))).toBe('20 użytkowników do przeszkolenia');
    expect(describePriority('en', howTo?.priority ?? ({} as never))).toBe('20 users to train');
  });
});
