/**
 * Request schemas as every adapter validates with them (the CLI now, the API next): days are real
 * calendar dates, defaults are the use-cases' defaults, refused values carry a message that reads
 * after the field's name ("--date must be a date YYYY-MM-DD").
 */
import { describe, expect, it } from 'vitest';
import {
  customerReportRequestSchema,
  daySchema,
  errorHintSchema,
  importRequestSchema,
  inactiveUsersRequestSchema,
  portfolioReportRequestSchema,
  recommendationsRequestSchema,
} from '../src';

const messageOf = (r: { success: boolean; error?: { issues: readonly { message: string }[] } }) =>
  r.error?.issues[0]?.message;

describe('request schemas', () => {
  it.each([
    ['2026-03-31', true],
    ['2024-02-29', true], // leap day
    ['2026-02-29', false],
    ['2026-02-30', false],
    ['2026-3-5', false],
    ['1899-12-31', false],
    ['3000-01-01', false],
    ['2026-03-31T00:00:00Z', false],
  ])('day %s is valid: %s', (text, valid) => {
    const r = daySchema.safeParse(text);
    expect(r.success).toBe(valid);
    if (!valid) expect(messageOf(r)).toBe('must be a date YYYY-MM-DD');
  });

  it('words refusals to follow the option or field they name', () => {
    expect(messageOf(portfolioReportRequestSchema.safeParse({ partnerId: 'p', service: 'AZURE' }))).toBe(
      'must be one of O365, D365, OTHER',
    );
    expect(messageOf(portfolioReportRequestSchema.safeParse({ partnerId: 'p', channel: 'mine' }))).toBe(
      'must be all or own',
    );
    expect(messageOf(recommendationsRequestSchema.safeParse({ partnerId: 'p', locale: 'de' }))).toBe(
      'must be en or pl',
    );
    expect(messageOf(inactiveUsersRequestSchema.safeParse({ partnerId: 'p', customer: 'c', days: 45 }))).toBe(
      'must be 28, 60 or 90',
    );
    expect(messageOf(customerReportRequestSchema.safeParse({ partnerId: 'p', customer: '  ' }))).toBe(
      'must name a customer: its id, domain or name',
    );
  });

  it('fills the use-cases defaults: 28 days of inactivity', () => {
    expect(inactiveUsersRequestSchema.parse({ partnerId: 'p', customer: 'c' }).days).toBe(28);
  });

  it('checks an import request: a new customer name, the period, the problems listed', () => {
    const base = {
      partnerId: 'p',
      actor: 'a',
      paths: ['x.csv'],
      asOf: '2026-03-31',
      channel: 'direct',
      partial: false,
      rejectsPath: 'r.csv',
      maxProblemsPerFile: 100,
    };
    expect(importRequestSchema.safeParse(base).success).toBe(true);
    expect(messageOf(importRequestSchema.safeParse({ ...base, createCustomer: ' \t' }))).toBe(
      "must be the new customer's name, 1 to 1000 characters without control characters",
    );
    expect(messageOf(importRequestSchema.safeParse({ ...base, graphPeriod: 'D28' }))).toBe(
      'must be one of D7, D30, D90, D180',
    );
    expect(messageOf(importRequestSchema.safeParse({ ...base, maxProblemsPerFile: 0 }))).toBe(
      'must be a whole number from 1 to 100000',
    );
    expect(messageOf(importRequestSchema.safeParse({ ...base, maxProblemsPerFile: 1.5 }))).toBe(
      'must be a whole number from 1 to 100000',
    );
    expect(messageOf(importRequestSchema.safeParse({ ...base, paths: [] }))).toBe(
      'must name at least one file or directory',
    );
  });

  it('hints are data: a kind and its parameters, nothing else', () => {
    expect(errorHintSchema.parse({ kind: 'use_customer', customerId: 't-1' })).toEqual({
      kind: 'use_customer',
      customerId: 't-1',
    });
    expect(errorHintSchema.safeParse({ kind: 'run `insights compute`' }).success).toBe(false);
  });
});
