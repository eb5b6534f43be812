/**
 * `insights serve`: runs the HTTP server (apps/api) in a process of its own, with this command's
 * options, and stays until it stops. The CLI does not import the server (no app imports another);
 * it starts the server's entry point, passes signals through and returns its exit code.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Command } from '../command';

function serverEntry(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('@license-insights/api/package.json')), 'bin', 'serve.js');
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the HTTP server: the dashboard, the JSON API and its reference (see insights serve --help)',
  usage: 'insights serve [--host <addr>] [--port <n>] [--public-url <url>] [--log-level <level>]',
  options: {},
  // The server parses its own options (and prints its own help).
  passThrough: true,
  async run(ctx, _values, positionals) {
    const child = spawn(process.execPath, [serverEntry(), ...positionals], {
      stdio: 'inherit',
      cwd: ctx.cwd,
      env: { ...ctx.env },
    });
    // Ctrl-C reaches the server too (same process group); a signal sent to this process alone is
    // passed on. Either way the server decides when it has stopped.
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    try {
      return await new Promise<number>((resolve, reject) => {
        child.on('error', reject);
        child.on('exit', (code, signal) =>
          resolve(code ?? (signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 1)),
        );
      });
    } finally {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
    }
  },
};
