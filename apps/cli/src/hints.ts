/**
 * The CLI's words for the core's hints (contracts/src/hints.ts): the core says what would help, in
 * terms of the data; here it becomes a command or an option to type. Commands the hint suggests
 * keep the store options the user gave (`--data`, `--partner`, `--config`), so they act on the
 * same store and partner.
 */
import type { ErrorHint, Problem } from '@license-insights/contracts';

type Values = Readonly<Record<string, string | boolean | string[] | undefined>>;

const HOW_TO_NAME_PARTNER = 'with --partner <id> (or env LI_PARTNER, or "partnerId" in insights.config.json)';

/** `insights <command>` with the store options of this command line (quoted where a shell needs it). */
export function commandFor(
  command: string,
  values: Values,
  only: readonly string[] = ['data', 'partner', 'config'],
): string {
  const quote = (v: string) => (/^[\w./:@-]+$/.test(v) ? v : JSON.stringify(v));
  const flags = only.flatMap((name) => {
    const v = values[name];
    return typeof v === 'string' ? [`--${name} ${quote(v)}`] : [];
  });
  return [`insights ${command}`, ...flags].join(' ');
}

/** What to do, as the CLI's user does it: a command or an option. */
export function hintText(hint: ErrorHint, values: Values): string {
  switch (hint.kind) {
    case 'compute_metrics':
      return `run \`${commandFor('compute', values)}\` to compute them`;
    case 'import_data':
      return `import some (${commandFor('import', values, ['data', 'config'])} <files>) or try the demo (${commandFor('demo --import', values, ['data', 'config'])})`;
    case 'choose_partner':
      return `choose one ${HOW_TO_NAME_PARTNER}`;
    case 'name_import_partner':
      return `name the partner these files belong to ${HOW_TO_NAME_PARTNER}, e.g. your Partner Center id, to keep them apart from the demo (--partner ${hint.demoPartnerId} adds them to it)`;
    case 'create_customer':
      return `If it is a new customer, import with --create-customer ${hint.name === null ? '"<its name>"' : JSON.stringify(hint.name)} (it gets an id made from the name).`;
    case 'use_customer':
      return `import with --customer ${hint.customerId ?? '<id> of the one you mean'}`;
    case 'omit_customer':
      return `leave out ${hint.field === 'createCustomer' ? '--create-customer' : '--customer'}`;
    case 'name_customer':
      return 'import with --customer <id|domain|name>, or --create-customer "<name>" for a new one';
    case 'name_report_period':
      return 'name the period with --period D7|D30|D90|D180';
    case 'name_format':
      return 'name its format with --format';
    case 'search_catalog':
      return `\`${commandFor(`catalog list --search ${JSON.stringify(hint.words)}`, values)}\` searches the catalog`;
    case 'reset_settings':
      return `run \`${commandFor(`settings reset${hint.rule === null ? '' : ` ${hint.rule}`}`, values)}\``;
    case 'new_sign_in_link':
      return `a user management admin prints a new one with \`${commandFor('users link <email>', values)}\``;
    case 'fix_setting':
      return `set a new value (\`${commandFor(`settings set ${hint.rule}.${hint.field} ${String(hint.defaultValue)}`, values)}\` is the default) or go back to the rule's defaults (\`${commandFor(`settings reset ${hint.rule}`, values)}\`)`;
  }
}

/** How the hint joins the message it follows: a clause after `:` or `;`, or a sentence of its own. */
const JOIN: Readonly<Record<ErrorHint['kind'], string>> = {
  compute_metrics: '; ',
  import_data: ': ',
  choose_partner: ': ',
  name_import_partner: ': ',
  create_customer: ' ',
  use_customer: '; ',
  omit_customer: '; ',
  name_customer: '; ',
  name_report_period: '; ',
  name_format: '; ',
  new_sign_in_link: ': ',
  search_catalog: '; ',
  reset_settings: '; ',
  fix_setting: '; ',
};

/** An error message followed by its hint in the CLI's words. */
export function withHint(message: string, hint: ErrorHint | undefined, values: Values): string {
  return hint === undefined ? message : `${message}${JOIN[hint.kind]}${hintText(hint, values)}`;
}

/** The hint of a problem, after its line (`…; name the period with --period D7|D30|D90|D180`). */
export function problemHint(p: Problem, values: Values = {}): string {
  return p.hint === undefined ? '' : `; ${hintText(p.hint, values)}`;
}
