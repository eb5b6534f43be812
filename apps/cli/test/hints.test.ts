/**
 * The CLI's words for the core's hints: every kind has them, suggested commands keep the store
 * options given (so they act on the same store and partner), and the message and hint read as one
 * sentence, as the messages did when the core still named CLI commands itself.
 */
import type { ErrorHint } from '@license-insights/contracts';
import { describe, expect, it } from 'vitest';
import { commandFor, withHint } from '../src/hints';

describe('hints in the words of the command line', () => {
  const flags = { data: './my data', partner: 'p1', format: 'json' };
  it.each<[ErrorHint, string]>([
    [
      { kind: 'compute_metrics' },
      'm; run `insights compute --data "./my data" --partner p1` to compute them',
    ],
    [
      { kind: 'import_data' },
      'm: import some (insights import --data "./my data" <files>) or try the demo (insights demo --import --data "./my data")',
    ],
    [
      { kind: 'choose_partner' },
      'm: choose one with --partner <id> (or env LI_PARTNER, or "partnerId" in insights.config.json)',
    ],
    [
      { kind: 'name_import_partner', demoPartnerId: 'demo' },
      'm: name the partner these files belong to with --partner <id> (or env LI_PARTNER, or "partnerId" in insights.config.json), e.g. your Partner Center id, to keep them apart from the demo (--partner demo adds them to it)',
    ],
    [
      { kind: 'create_customer', name: 'Contoso' },
      'm If it is a new customer, import with --create-customer "Contoso" (it gets an id made from the name).',
    ],
    [
      { kind: 'create_customer', name: null },
      'm If it is a new customer, import with --create-customer "<its name>" (it gets an id made from the name).',
    ],
    [{ kind: 'use_customer', customerId: 't-1' }, 'm; import with --customer t-1'],
    [{ kind: 'use_customer', customerId: null }, 'm; import with --customer <id> of the one you mean'],
    [{ kind: 'omit_customer', field: 'createCustomer' }, 'm; leave out --create-customer'],
    [
      { kind: 'name_customer' },
      'm; import with --customer <id|domain|name>, or --create-customer "<name>" for a new one',
    ],
    [{ kind: 'name_report_period' }, 'm; name the period with --period D7|D30|D90|D180'],
    [{ kind: 'name_format' }, 'm; name its format with --format'],
    [
      { kind: 'search_catalog', words: 'visio plan' },
      'm; `insights catalog list --search "visio plan" --data "./my data" --partner p1` searches the catalog',
    ],
    [
      { kind: 'reset_settings', rule: null },
      'm; run `insights settings reset --data "./my data" --partner p1`',
    ],
    [
      { kind: 'new_sign_in_link' },
      'm: a user management admin prints a new one with `insights users link <email> --data "./my data" --partner p1`',
    ],
    [
      { kind: 'fix_setting', rule: 'LOW_ADOPTION', field: 'usageBelow', defaultValue: 50 },
      'm; set a new value (`insights settings set LOW_ADOPTION.usageBelow 50 --data "./my data" --partner p1` is the default) or go back to the rule\'s defaults (`insights settings reset LOW_ADOPTION --data "./my data" --partner p1`)',
    ],
  ])('%j', (hint, text) => {
    expect(withHint('m', hint, flags)).toBe(text);
  });

  it('leaves a message without a hint as it is, and a command without store options plain', () => {
    expect(withHint('m', undefined, flags)).toBe('m');
    expect(commandFor('compute', {})).toBe('insights compute');
  });
});
