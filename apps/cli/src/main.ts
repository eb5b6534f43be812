/**
 * The `insights` command line: dispatch to a command, map errors to exit codes. Commands are thin:
 * parse → call one use-case → print.
 */
import { readFileSync } from 'node:fs';
import { AppError, type Config, isAppError, registerStoreEngine } from '@license-insights/core';
import { postgresEngine } from '@license-insights/store-postgres';
import {
  type Command,
  type CommandContext,
  commandHelp,
  configFrom,
  GLOBAL_OPTIONS,
  type ParsedCommandLine,
  parseCommandLine,
} from './command';
import { catalogCommand } from './commands/catalog';
import { computeCommand } from './commands/compute';
import { demoCommand } from './commands/demo';
import { exclusionsCommand } from './commands/exclusions';
import { importCommand } from './commands/import';
import { migrateStoreCommand } from './commands/migrate-store';
import { formatProblemLine } from './commands/problems';
import { recommendationsCommand } from './commands/recommendations';
import { reportCommand } from './commands/report';
import { serveCommand } from './commands/serve';
import { settingsCommand } from './commands/settings';
import { statusCommand } from './commands/status';
import { tokensCommand } from './commands/tokens';
import { usersCommand } from './commands/users';
import { EXIT, EXIT_CODE_HELP, exitCodeOf } from './exit-codes';
import { withHint } from './hints';
import { paint, type Terminal } from './output';

const COMMANDS: readonly Command[] = [
  importCommand,
  computeCommand,
  reportCommand,
  recommendationsCommand,
  settingsCommand,
  exclusionsCommand,
  demoCommand,
  serveCommand,
  usersCommand,
  tokensCommand,
  statusCommand,
  catalogCommand,
  migrateStoreCommand,
];

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `insights — license deployment and usage insights for Microsoft cloud partners

Usage: insights [--data <dir> | --store <url>] [--partner <id>] [--config <file>] <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run \`insights <command> --help\` for a command's options.
Output: tables and progress on a terminal; one JSON document on stdout when piped or redirected.
report and recommendations also write --format csv (UTF-8 with a BOM for Excel; --no-bom for
scripts). Messages and errors go to stderr.

${EXIT_CODE_HELP}
`;
}

/**
 * The command name and its arguments. Global options (--data, --partner, --config) may come before
 * the command (`insights --data ./x report portfolio`): they are moved after it, where every
 * command parses them. Anything else before the command is left as the name, to be refused.
 */
export function splitCommandLine(argv: readonly string[]): { name: string | undefined; rest: string[] } {
  const leading: string[] = [];
  let i = 0;
  while (i < argv.length) {
    const a = argv[i] ?? '';
    const m = /^--([a-z-]+)(=.*)?$/.exec(a);
    const spec = m?.[1] === undefined ? undefined : GLOBAL_OPTIONS[m[1]];
    if (m === null || spec === undefined || spec.type !== 'string') break;
    if (m[2] !== undefined) {
      leading.push(a);
      i += 1;
    } else {
      const value = argv[i + 1];
      if (value === undefined) break;
      leading.push(a, value);
      i += 2;
    }
  }
  const [name, ...after] = argv.slice(i);
  return { name, rest: [...leading, ...after] };
}

export async function runCli(
  argv: readonly string[],
  term: Terminal,
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): Promise<number> {
  // A postgres:// store URL (--store, LI_STORE_URL) opens the PostgreSQL store.
  registerStoreEngine(postgresEngine);
  const { name, rest } = splitCommandLine(argv);
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    term.out(mainHelp());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    term.out(`${version()}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  // The options given, for the words of a hint (a suggested command keeps --data, --partner, --config).
  let given: ParsedCommandLine['values'] = {};
  try {
    if (command === undefined && name.startsWith('-')) {
      throw new AppError(
        'usage.invalid_argument',
        `${JSON.stringify(name)} before the command: only --data <dir>, --store <url>, --partner <id> and --config <file> may come first; insights <command> --help lists a command's options`,
      );
    }
    if (command === undefined) {
      throw new AppError(
        'usage.invalid_argument',
        `unknown command ${JSON.stringify(name)}; commands: ${COMMANDS.map((c) => c.name).join(', ')}`,
      );
    }
    if (command.passThrough === true) {
      const ctx: CommandContext = { term, env, cwd, config: () => configFrom({ env, cwd }, {}) };
      return await command.run(ctx, {}, rest);
    }
    const { values, positionals } = parseCommandLine(command, rest);
    given = values;
    if (values.help === true) {
      term.out(commandHelp(command));
      return EXIT.ok;
    }
    let config: Config | undefined;
    const ctx: CommandContext = {
      term,
      env,
      cwd,
      config: () => {
        config ??= configFrom({ env, cwd }, values);
        return config;
      },
    };
    return await command.run(ctx, values, positionals);
  } catch (e) {
    if (isAppError(e)) {
      term.err(`${paint(term, 'red', 'error')}: ${withHint(e.message, e.hint, given)}\n`);
      for (const p of e.problems) term.err(`  ${formatProblemLine(term, p, given)}\n`);
      return exitCodeOf(e.code);
    }
    term.err(
      `${paint(term, 'red', 'internal error')}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
    return EXIT.internal;
  }
}
