/**
 * `insights tokens`: API tokens of staff accounts from the server's machine — create one for an
 * account (at most its roles and its customer scope; the secret printed once), list, revoke. Acts
 * as the local operator (audited with the OS user); while a server holds the data directory,
 * through that server (staff-access.ts), printing the same.
 */
import { type ApiToken, createApiTokenRequestSchema, ROLE_NAMES, ROLES } from '@license-insights/contracts';
import { AppError } from '@license-insights/core';
import type { Command } from '../command';
import { EXIT } from '../exit-codes';
import { paint, renderTable } from '../output';
import { requestFrom, stringOf, wholeNumberOf } from '../request';
import { listOf, withStaffSession } from '../staff-access';
import { jsonOutput } from './report/shared';

const ACTIONS = ['create', 'list', 'revoke'] as const;

function state(t: ApiToken, now: number): string {
  if (t.revokedAt !== null) return 'revoked';
  return Date.parse(t.expiresAt) <= now ? 'expired' : 'active';
}

const day = (iso: string | null) => (iso === null ? '' : iso.slice(0, 10));

export const tokensCommand: Command = {
  name: 'tokens',
  summary: 'API tokens of staff accounts: create (secret shown once), list, revoke',
  usage: `insights tokens create --for <email> --name <name> [--role <role>]… [--days <n>]
       insights tokens list [--for <email>] [--format table|json]
       insights tokens revoke <tokenId>`,
  description: `An API token lets a script call the server's API as a staff account
(Authorization: Bearer li_pat_…). It holds at most the account's roles (all of them by default,
or those given with --role) and the account's customer limits, and expires after --days (default
90, at most 366). The secret is printed once, when the token is made: store it then. A disabled
account's tokens stop working; revoking one stops it at once. Every creation and revocation is
audited as the local operator with your OS user name. While a server (insights serve) runs on the
data directory, the command goes through it and prints the same.`,
  options: {
    for: { type: 'string', value: 'email', description: 'the staff account the token acts as' },
    name: { type: 'string', value: 'name', description: 'create: what the token is for (shown in lists)' },
    role: {
      type: 'string',
      value: 'role',
      multiple: true,
      description: `create: a role of the account: ${ROLES.join(', ')} (repeatable)`,
    },
    days: { type: 'string', value: 'n', description: 'create: days until it expires (1–366, default 90)' },
    format: {
      type: 'string',
      value: 'table|json',
      description: 'output (default: text on a terminal, json when piped)',
    },
  },
  examples: [
    'insights tokens create --for ana@partner.example --name "nightly export" --role sales_agent --days 30',
    'insights tokens list --for ana@partner.example',
    'insights tokens revoke 6f1c2d9e-…',
  ],
  async run(ctx, values, positionals) {
    const [action = 'list', ...rest] = positionals;
    if (!(ACTIONS as readonly string[]).includes(action)) {
      throw new AppError(
        'usage.invalid_argument',
        `unknown action ${JSON.stringify(action)}: one of ${ACTIONS.join(', ')}; see insights tokens --help`,
      );
    }
    const forEmail = stringOf(values.for);
    if (action === 'revoke') {
      const [tokenId, ...extra] = rest;
      if (tokenId === undefined || extra.length > 0) {
        throw new AppError(
          'usage.invalid_argument',
          'insights tokens revoke needs one token id (insights tokens list shows them)',
        );
      }
      return withStaffSession(ctx, async (staff) => {
        await staff.revokeToken(tokenId);
        ctx.term.err(`${paint(ctx.term, 'green', '✔')} token ${tokenId} revoked: it no longer works\n`);
        return EXIT.ok;
      });
    }
    if (rest.length > 0) throw new AppError('usage.invalid_argument', `unexpected ${rest.join(' ')}`);

    if (action === 'list') {
      return withStaffSession(ctx, async (staff) => {
        const all = await staff.listTokens();
        const list =
          forEmail === undefined ? all : all.filter((t) => t.createdBy === forEmail.trim().toLowerCase());
        if (jsonOutput(ctx, values.format)) ctx.term.out(`${JSON.stringify(list, null, 2)}\n`);
        else if (list.length === 0)
          ctx.term.out(forEmail === undefined ? 'no API tokens\n' : `no API tokens of ${forEmail}\n`);
        else {
          const now = Date.now();
          ctx.term.out(
            renderTable(
              [
                { title: 'id' },
                { title: 'name' },
                { title: 'account' },
                { title: 'roles' },
                { title: 'state' },
                { title: 'expires' },
                { title: 'last used' },
              ],
              list.map((t) => [
                t.tokenId,
                t.name,
                t.createdBy,
                t.roles.map((r) => ROLE_NAMES[r]).join(', '),
                state(t, now),
                day(t.expiresAt),
                day(t.lastUsedAt) || 'never',
              ]),
              ctx.term,
            ),
          );
        }
        return EXIT.ok;
      });
    }

    if (forEmail === undefined)
      throw new AppError(
        'usage.invalid_argument',
        '--for <email> is required: the staff account the token acts as',
      );
    const roles = listOf(values.role);
    const request = requestFrom(
      createApiTokenRequestSchema,
      {
        name: stringOf(values.name) ?? '',
        roles: roles.length === 0 ? undefined : roles,
        expiresInDays: wholeNumberOf(values.days),
      },
      { name: '--name', roles: '--role', expiresInDays: '--days' },
      { name: values.name, roles: values.role, expiresInDays: values.days },
    );
    return withStaffSession(ctx, async (staff) => {
      const created = await staff.createToken(forEmail, request);
      if (jsonOutput(ctx, values.format)) ctx.term.out(`${JSON.stringify(created, null, 2)}\n`);
      else
        ctx.term.out(
          `${paint(ctx.term, 'green', '✔')} token "${created.token.name}" for ${created.token.createdBy} (${created.token.roles.map((r) => ROLE_NAMES[r]).join(', ')}; expires ${day(created.token.expiresAt)}, id ${created.token.tokenId}):\n  ${created.secret}\n`,
        );
      ctx.term.err(
        `${paint(ctx.term, 'yellow', 'Store the secret now')}: it will not be shown again (only its hash is kept). Use it as: Authorization: Bearer <secret>\n`,
      );
      return EXIT.ok;
    });
  },
};
