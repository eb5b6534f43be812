/**
 * `insights users`: the partner's staff accounts (SPEC §5) from the server's machine — add, list,
 * set roles, disable/enable, and print a new one-time sign-in link. Acts as the local operator
 * (audited with the OS user); while a server holds the data directory, through that server
 * (staff-access.ts), printing the same.
 */
import {
  addStaffAccountRequestSchema,
  ROLE_NAMES,
  ROLES,
  type StaffAccount,
  updateStaffAccountRequestSchema,
} from '@license-insights/contracts';
import { AppError, SIGN_IN_LINK_MINUTES } from '@license-insights/core';
import type { Command, CommandContext } from '../command';
import { EXIT } from '../exit-codes';
import { paint, renderTable } from '../output';
import { requestFrom, stringOf } from '../request';
import { listOf, withStaffSession } from '../staff-access';
import { jsonOutput } from './report/shared';

const ACTIONS = ['add', 'list', 'set-role', 'disable', 'enable', 'link'] as const;
type Action = (typeof ACTIONS)[number];

const OPTION_OF = {
  email: '<email>',
  displayName: '--name',
  roles: '--role',
  scope: '--customer/--group',
} as const;

function rolesText(roles: readonly string[]): string {
  return roles.map((r) => ROLE_NAMES[r as keyof typeof ROLE_NAMES] ?? r).join(', ');
}

function scopeText(a: Pick<StaffAccount, 'scope'>): string {
  if (a.scope === null) return 'all customers';
  const parts = [
    ...a.scope.customers.map((c) => `customer ${c}`),
    ...a.scope.groups.map((g) => `group ${g}`),
  ];
  return parts.length === 0 ? 'no customers' : parts.join(', ');
}

/** One account as a line on a terminal. */
function accountLine(a: StaffAccount): string {
  return `${a.email}${a.displayName === null ? '' : ` (${a.displayName})`}: ${rolesText(a.roles)}; ${scopeText(a)}${a.disabled ? '; disabled' : ''}`;
}

function print(ctx: CommandContext, values: Record<string, unknown>, result: unknown, line: string): void {
  if (jsonOutput(ctx, values.format)) ctx.term.out(`${JSON.stringify(result, null, 2)}\n`);
  else ctx.term.out(`${line}\n`);
}

export const usersCommand: Command = {
  name: 'users',
  summary: 'partner staff accounts: add, list, set-role, disable, enable, link (sign-in link)',
  usage: `insights users add <email> --role <role> [--role <role>]… [--customer <id>]… [--group <group>]… [--name <name>]
       insights users list [--format table|json]
       insights users set-role <email> --role <role> [--role <role>]…
       insights users disable <email> | insights users enable <email>
       insights users link <email>`,
  description: `Staff accounts of the partner sign in to the server (insights serve). Roles (SPEC §5; an
account may hold several): admin_agent (Admin agent), sales_agent (Sales agent) and user_admin
(User management admin). --customer and --group limit an account to those customers (by id) and
customer groups; without them it sees all of the partner's customers. A new account has no
password: \`insights users link <email>\` prints a one-time sign-in link (valid ${SIGN_IN_LINK_MINUTES} minutes) on
which the person sets one. Changing roles or disabling ends the account's sessions and voids its
links. Every change is audited as the local operator with your OS user name. While a server
(insights serve) runs on the data directory, the command goes through it and prints the same; the
link is on the server's public URL (--public-url or LI_PUBLIC_URL, else localhost and its port).`,
  options: {
    role: {
      type: 'string',
      value: 'role',
      multiple: true,
      description: `a role: ${ROLES.join(', ')} (repeat for several)`,
    },
    customer: {
      type: 'string',
      value: 'id',
      multiple: true,
      description: 'add: limit the account to this customer (repeatable)',
    },
    group: {
      type: 'string',
      value: 'group',
      multiple: true,
      description: 'add: limit the account to this customer group (repeatable)',
    },
    name: { type: 'string', value: 'name', description: 'add: the person’s display name' },
    format: {
      type: 'string',
      value: 'table|json',
      description: 'output (default: text on a terminal, json when piped)',
    },
  },
  examples: [
    'insights users add ana@partner.example --role admin_agent --role user_admin --name "Ana Nowak"',
    'insights users add sales@partner.example --role sales_agent --group Enterprise',
    'insights users link ana@partner.example',
    'insights users set-role sales@partner.example --role sales_agent --role admin_agent',
    'insights users disable sales@partner.example',
    'insights users list --format json',
  ],
  async run(ctx, values, positionals) {
    const [action = 'list', email, ...extra] = positionals;
    if (!(ACTIONS as readonly string[]).includes(action)) {
      throw new AppError(
        'usage.invalid_argument',
        `unknown action ${JSON.stringify(action)}: one of ${ACTIONS.join(', ')}; see insights users --help`,
      );
    }
    const act = action as Action;
    if (extra.length > 0) throw new AppError('usage.invalid_argument', `unexpected ${extra.join(' ')}`);
    if (act !== 'list' && (email === undefined || email.trim() === '')) {
      throw new AppError(
        'usage.invalid_argument',
        `insights users ${act} needs the account's e-mail: insights users ${act} <email>`,
      );
    }
    if (act === 'list' && email !== undefined)
      throw new AppError('usage.invalid_argument', `unexpected ${email}`);
    const target = email ?? '';
    const roles = listOf(values.role);
    const customers = listOf(values.customer);
    const groups = listOf(values.group);
    if ((act === 'add' || act === 'set-role') && roles.length === 0) {
      throw new AppError(
        'usage.invalid_argument',
        `--role is required to ${act === 'add' ? 'add an account' : 'set roles'} (one of ${ROLES.join(', ')}; repeat for several)`,
      );
    }
    if (act !== 'add' && (customers.length > 0 || groups.length > 0 || values.name !== undefined)) {
      throw new AppError(
        'usage.invalid_argument',
        '--customer, --group and --name go with insights users add',
      );
    }
    if (act !== 'add' && act !== 'set-role' && roles.length > 0) {
      throw new AppError(
        'usage.invalid_argument',
        `--role goes with insights users add and set-role, not ${act}`,
      );
    }
    // Requests are validated before any store is opened.
    const add =
      act === 'add'
        ? requestFrom(
            addStaffAccountRequestSchema,
            {
              email: target,
              displayName: stringOf(values.name),
              roles,
              scope: customers.length > 0 || groups.length > 0 ? { customers, groups } : null,
            },
            OPTION_OF,
          )
        : null;
    const patch =
      act === 'set-role'
        ? requestFrom(updateStaffAccountRequestSchema, { roles }, OPTION_OF)
        : act === 'disable' || act === 'enable'
          ? { disabled: act === 'disable' }
          : null;

    return withStaffSession(ctx, async (staff) => {
      if (act === 'list') {
        const list = await staff.listAccounts();
        if (jsonOutput(ctx, values.format)) ctx.term.out(`${JSON.stringify(list, null, 2)}\n`);
        else if (list.length === 0) ctx.term.out(`no staff accounts of the partner ${staff.partnerId}\n`);
        else
          ctx.term.out(
            renderTable(
              [
                { title: 'e-mail' },
                { title: 'name' },
                { title: 'roles' },
                { title: 'customers' },
                { title: 'state' },
                { title: 'sign-in' },
                { title: 'last sign-in (UTC)' },
              ],
              list.map((a) => [
                a.email,
                a.displayName ?? '',
                rolesText(a.roles),
                scopeText(a),
                a.disabled ? 'disabled' : 'enabled',
                [a.hasPassword ? 'password' : '', a.oidcSubject === null ? '' : 'OpenID Connect']
                  .filter(Boolean)
                  .join(', ') || 'link only',
                a.lastSignInAt?.slice(0, 19).replace('T', ' ') ?? 'never',
              ]),
              ctx.term,
            ),
          );
        return EXIT.ok;
      }
      if (add !== null) {
        const created = await staff.addAccount(add);
        print(ctx, values, created, `${paint(ctx.term, 'green', '✔')} added ${accountLine(created)}`);
        ctx.term.err(`A one-time sign-in link for them: insights users link ${created.email}\n`);
        return EXIT.ok;
      }
      if (patch !== null) {
        const updated = await staff.updateAccount(target, patch);
        print(ctx, values, updated, `${paint(ctx.term, 'green', '✔')} ${accountLine(updated)}`);
        if (act !== 'enable')
          ctx.term.err('Their sessions and sign-in links issued before this change no longer work.\n');
        return EXIT.ok;
      }
      const link = await staff.signInLink(target);
      print(
        ctx,
        values,
        link,
        `One-time sign-in link for ${link.email} (valid until ${link.expiresAt}; hand it over privately):\n  ${link.url}`,
      );
      return EXIT.ok;
    });
  },
};
