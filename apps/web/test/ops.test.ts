/**
 * The operations pages' pure helpers: sizes and priorities in each language, where a problem is,
 * the field an API refusal of the thresholds names, the exclusion that silences a card.
 */
import { describe, expect, it } from 'vitest';
import {
  fieldOfMessage,
  fmtBytes,
  priorityText,
  problemWhere,
  silencingReason,
} from '../src/pages/ops/helpers';

describe('operations helpers', () => {
  it('write sizes per language', () => {
    expect(fmtBytes('en', 397)).toBe('397\u00a0B');
    expect(fmtBytes('en', 209_756_382)).toBe('210 MB');
    expect(fmtBytes('pl', 1_500_000)).toBe('1,5 MB');
  });

  it('word a card’s priority with the contracts’ texts, priced or not', () => {
    const priced = {
      score: 13104,
      quantity: 364,
      unit: 'licenses',
      unitPrice: 36,
      currency: 'USD',
      period: 'month',
    } as const;
    expect(priorityText('en', priced)).toBe('364 licenses × $36.00/month = $13,104.00/month');
    expect(
      priorityText('pl', { ...priced, unit: 'users', unitPrice: null, currency: null, period: null }),
    ).toMatch(/^364 użytkownik/);
  });

  it('say where a problem is, as far as it is known', () => {
    expect(problemWhere({ file: 'a.csv', line: 4, column: 3 })).toBe('a.csv:4:3');
    expect(problemWhere({ file: 'a.csv' })).toBe('a.csv');
  });

  it('find the threshold an API refusal names', () => {
    expect(fieldOfMessage('LOW_ADOPTION.usageBelow must be a percentage from 0 to 100 (got 150)')).toBe(
      'LOW_ADOPTION.usageBelow',
    );
    expect(fieldOfMessage('invalid request: body.UPSELL.minLicensesSold: expected number')).toBe(
      'UPSELL.minLicensesSold',
    );
    expect(fieldOfMessage('the store is busy')).toBeNull();
  });

  it('find the exclusion that silences a card: its product’s, else the customer’s *', () => {
    const list = [
      { customerId: 'c1', productId: '*', reason: 'all' },
      { customerId: 'c1', productId: 'p1', reason: 'one' },
    ];
    expect(silencingReason({ customerId: 'c1', productId: 'p1' }, list)).toBe('one');
    expect(silencingReason({ customerId: 'c1', productId: null }, list)).toBe('all');
    expect(silencingReason({ customerId: 'c2', productId: 'p1' }, list)).toBeNull();
  });
});
