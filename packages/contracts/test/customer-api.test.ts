/**
 * What the customer-analytics and admin routes read from a query string or a body (as text, the
 * way HTTP sends it): numbers and switches parsed with messages that read after the field's name,
 * and a settings patch turned into the changes the use-case makes, in the settings' order.
 */
import { describe, expect, it } from 'vitest';
import {
  addExclusionBodySchema,
  auditQuerySchema,
  customerTrendQuerySchema,
  inactiveUsersQuerySchema,
  settingsPatchChanges,
  settingsPatchSchema,
} from '../src';

const messageOf = (r: { success: boolean; error?: { issues: readonly { message: string }[] } }) =>
  r.error?.issues[0]?.message;

describe('query strings', () => {
  it('read numbers and switches from text', () => {
    expect(customerTrendQuerySchema.parse({ days: '90', workloads: 'true', view: 'own' })).toEqual({
      days: 90,
      workloads: true,
      view: 'own',
    });
    expect(customerTrendQuerySchema.parse({ workloads: 'false' })).toEqual({ workloads: false });
    expect(inactiveUsersQuerySchema.parse({ days: '60' })).toEqual({ days: 60 });
    expect(auditQuerySchema.parse({ limit: '25', action: 'import' })).toEqual({
      limit: 25,
      action: 'import',
    });
  });

  const schemas = {
    trend: customerTrendQuerySchema,
    inactive: inactiveUsersQuerySchema,
    audit: auditQuerySchema,
  };
  it.each([
    ['trend', { days: 'two' }, 'must be a whole number of days from 1'],
    ['trend', { days: '2.5' }, 'must be a whole number of days from 1'],
    ['trend', { days: '0' }, 'must be a whole number of days from 1'],
    ['trend', { workloads: 'maybe' }, 'must be true or false'],
    ['trend', { from: '2026-02-30' }, 'must be a date YYYY-MM-DD'],
    ['inactive', { days: '45' }, 'must be 28, 60 or 90'],
    ['audit', { limit: '0' }, 'must be a whole number from 1 to 1000'],
    ['audit', { limit: '1001' }, 'must be a whole number from 1 to 1000'],
  ] as const)('%s refuses %j: %s', (name, input, message) => {
    expect(messageOf(schemas[name].safeParse(input))).toBe(message);
  });
});

describe('bodies', () => {
  it('a settings patch becomes one change per field, in the settings’ order (rules as the playbook orders them)', () => {
    const patch = settingsPatchSchema.parse({
      UPSELL: { enabled: false },
      LOW_ADOPTION: { deploymentBelow: 60, usageBelow: 45 },
    });
    expect(settingsPatchChanges(patch)).toEqual([
      { path: 'LOW_ADOPTION.usageBelow', value: 45 },
      { path: 'LOW_ADOPTION.deploymentBelow', value: 60 },
      { path: 'UPSELL.enabled', value: false },
    ]);
    expect(settingsPatchChanges(settingsPatchSchema.parse({}))).toEqual([]);
  });

  it('a settings patch refuses unknown rules and fields and wrong types (ranges are the use-case’s)', () => {
    expect(settingsPatchSchema.safeParse({ LOW: { usageBelow: 1 } }).success).toBe(false);
    expect(settingsPatchSchema.safeParse({ UPSELL: { usageBelow: 1 } }).success).toBe(false);
    expect(settingsPatchSchema.safeParse({ UPSELL: { enabled: 'no' } }).success).toBe(false);
    expect(settingsPatchSchema.safeParse({ UPSELL: { usageAtLeast: 150 } }).success).toBe(true);
  });

  it('an exclusion needs a customer, a product and a reason', () => {
    expect(
      messageOf(addExclusionBodySchema.safeParse({ customerId: 'c', productId: '*', reason: '  ' })),
    ).toBe('must say why, for the team to read later');
    expect(
      addExclusionBodySchema.safeParse({ customerId: 'c', productId: '*', reason: 'x', extra: 1 }).success,
    ).toBe(false);
  });
});
