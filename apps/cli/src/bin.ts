/** Process entry of `insights`: real terminal, environment and exit code. */
import { runCli } from './main';
import { processTerminal } from './output';

process.exitCode = await runCli(
  process.argv.slice(2),
  processTerminal(process.env),
  process.env,
  process.cwd(),
);
