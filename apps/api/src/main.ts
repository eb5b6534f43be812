/**
 * Process entry of the server (`insights serve …` runs this with its options): configuration from
 * flags, environment and file; start; a banner with the URL, the API reference and the sign-in
 * link; graceful shutdown on SIGINT/SIGTERM (a second signal stops at once).
 */

import { parseArgs } from 'node:util';
import { isAppError, loadConfig, registerStoreEngine, storeLabel } from '@license-insights/core';
import { postgresEngine } from '@license-insights/store-postgres';
import { defaultWebDist } from './routes/pages';
import { startServer } from './server';

const HELP = `insights serve — the HTTP server: the dashboard, the JSON API and its reference, sign-in

Usage: insights serve [--host <addr>] [--port <n>] [--public-url <url>] [--log-level <level>]
                      [--data <dir> | --store <url>] [--partner <id>] [--config <file>]

Options:
  --host <addr>        address to listen on (default 127.0.0.1; 0.0.0.0 for every address; env LI_HOST)
  --port <n>           port (default 8080; 0 picks a free one; env LI_PORT)
  --public-url <url>   the URL people open, used in printed links (default http://localhost:<port>)
  --log-level <level>  fatal, error, warn, info, debug (default: warn on a terminal, info otherwise)
  --demo-link          print a fresh sign-in link for the first admin on this start
  --data <dir>         embedded store directory (default ./data, env LI_DATA_DIR)
  --store <url>        shared store, a postgres:// URL (env LI_STORE_URL): several servers may
                       serve it at once, behind one load balancer
  --partner <id>       the partner whose staff use this server (default: the store's only partner)
  --config <file>      configuration file (default ./insights.config.json if present)

TLS: set server.tlsCert and server.tlsKey (PEM files) in the configuration file, or LI_TLS_CERT and
LI_TLS_KEY. Sign-in with Microsoft Entra ID or another OpenID Connect provider: server.oidc in the
configuration file, or LI_OIDC_ISSUER, LI_OIDC_CLIENT_ID, LI_OIDC_CLIENT_SECRET and
LI_OIDC_ADMIN_AGENT_GROUPS / _SALES_AGENT_GROUPS / _USER_ADMIN_GROUPS (see README "Server").

While the server runs on the embedded store, other insights commands on the same data directory
go through it. On a shared store (--store), commands write to the database directly.
`;

async function main(argv: readonly string[]): Promise<number> {
  registerStoreEngine(postgresEngine);
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        'public-url': { type: 'string' },
        'log-level': { type: 'string' },
        'demo-link': { type: 'boolean' },
        data: { type: 'string' },
        store: { type: 'string' },
        partner: { type: 'string' },
        config: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}; see insights serve --help\n`);
    return 2;
  }
  if (values.help === true) {
    process.stdout.write(HELP);
    return 0;
  }
  const port = values.port;
  if (port !== undefined && (typeof port !== 'string' || !/^\d{1,5}$/.test(port) || Number(port) > 65535)) {
    process.stderr.write(
      `error: --port must be a whole number from 0 to 65535 (got ${JSON.stringify(port)})\n`,
    );
    return 2;
  }
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  const level = values['log-level'];
  if (level !== undefined && (typeof level !== 'string' || !levels.includes(level))) {
    process.stderr.write(`error: --log-level must be one of ${levels.join(', ')}\n`);
    return 2;
  }
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const flags: Record<string, string> = {};
  if (typeof values.data === 'string') flags.dataDir = values.data;
  if (typeof values.store === 'string') flags.storeUrl = values.store;
  if (typeof values.partner === 'string') flags.partnerId = values.partner;
  if (typeof values.config === 'string') flags.configFile = values.config;
  const config = loadConfig({
    cwd: process.cwd(),
    env: process.env,
    flags: {
      ...flags,
      server: {
        host: str(values.host),
        port: port === undefined ? undefined : Number(port),
        publicUrl: str(values['public-url']),
      },
    },
  });
  const server = await startServer({
    config,
    logger: { level: level ?? (process.stdout.isTTY ? 'warn' : 'info') },
    alwaysPrintLink: values['demo-link'] === true,
  });
  const lines = [
    `License Insights is listening on ${server.url} (partner ${server.partnerId}, store ${storeLabel(config)})`,
    defaultWebDist() === null
      ? '  Dashboard: not built (run `npm run build` in the project, then start again)'
      : `  Dashboard: ${server.url}/`,
    `  API reference: ${server.url}/api/docs`,
  ];
  if (server.signInLink !== null) {
    lines.push(
      `  Sign in as ${server.signInLink.email}: open this one-time link (valid until ${server.signInLink.expiresAt}):`,
      `    ${server.signInLink.url}`,
    );
  } else {
    lines.push('  A new sign-in link for a staff member: insights users link <email>');
  }
  lines.push('  Stop with Ctrl-C.');
  process.stderr.write(`${lines.join('\n')}\n`);

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        process.stderr.write('stopping now\n');
        resolve(signal === 'SIGINT' ? 130 : 143);
        return;
      }
      stopping = true;
      process.stderr.write(`${signal}: finishing running requests and jobs, then stopping…\n`);
      server.close().then(
        () => resolve(0),
        (e: unknown) => {
          process.stderr.write(`error while stopping: ${e instanceof Error ? e.message : String(e)}\n`);
          resolve(1);
        },
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  if (isAppError(e)) {
    process.stderr.write(`error: ${e.message}\n`);
    process.exitCode = e.code === 'config.invalid' ? 6 : e.code.startsWith('store.') ? 5 : 2;
  } else {
    process.stderr.write(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  }
}
// Open handles (a stuck client) must not keep a stopped server alive.
if (process.exitCode !== undefined) setTimeout(() => process.exit(), 1_000).unref();
