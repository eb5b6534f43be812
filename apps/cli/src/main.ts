/**
 * The `insights` command line: dispatch to a command, map errors to exit codes. Commands are thin:
 * parse → call one use-case → print.
 */
import { readFileSync } from 'node:fs';
import { formatProblem } from '@license-insights/contracts';
import { AppError, type Config, isAppError } from '@license-insights/core';
import { type Command, type CommandContext, commandHelp, configFrom, parseCommandLine } from './command';
import { computeCommand } from './commands/compute';
import { demoCommand } from './commands/demo';
import { exclusionsCommand } from './commands/exclusions';
import { importCommand } from './commands/import';
import { recommendationsCommand } from './commands/recommendations';
import { reportCommand } from './commands/report';
import { settingsCommand } from './commands/settings';
import { statusCommand } from './commands/status';
import { EXIT, EXIT_CODE_HELP, exitCodeOf } from './exit-codes';
import { paint, type Terminal } from './output';

const COMMANDS: readonly Command[] = [
  importCommand,
  computeCommand,
  reportCommand,
  recommendationsCommand,
  settingsCommand,
  exclusionsCommand,
  demoCommand,
  statusCommand,
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

Usage: insights <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run \`insights <command> --help\` for a command's options.
Output: tables and progress on a terminal; one JSON document on stdout when piped or redirected.
report and recommendations also write --format csv (UTF-8 with a BOM for Excel; --no-bom for
scripts). Messages and errors go to stderr.

${EXIT_CODE_HELP}
`;
}

export async function runCli(
  argv: readonly string[],
  term: Terminal,
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    term.out(mainHelp());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    term.out(`${version()}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  try {
    if (command === undefined) {
      throw new AppError(
        'usage.invalid_argument',
        `unknown command ${JSON.stringify(name)}; commands: ${COMMANDS.map((c) => c.name).join(', ')}`,
      );
    }
    const { values, positionals } = parseCommandLine(command, rest);
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
      term.err(`${paint(term, 'red', 'error')}: ${e.message}\n`);
      for (const p of e.problems) term.err(`  ${formatProblem(p)}\n`);
      return exitCodeOf(e.code);
    }
    term.err(
      `${paint(term, 'red', 'internal error')}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
    return EXIT.internal;
  }
}
