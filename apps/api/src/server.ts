/**
 * `insights serve`: opens the stores, makes the first account on a first start (and prints its
 * one-time sign-in link), leaves the local operator's credential in the data directory (owner-only)
 * for the CLI, listens, and shuts down gracefully on SIGINT/SIGTERM: no new requests, running
 * requests finish, the stores close, the credential file goes.
 */
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import type { SignInLink } from '@license-insights/contracts';
import {
  type AccountStore,
  AppError,
  type Config,
  DEFAULT_PARTNER_ID,
  DEMO_PARTNER_ID,
  ensureFirstAccount,
  issueSignInLink,
  newSecret,
  openAccountStore,
  openStore,
  publicUrlOf,
  readServerFile,
  SERVER_BEAT_SECONDS,
  type Store,
  writeServerFile,
} from '@license-insights/core';
import { API_VERSION, type Api, buildApp, type JobOptions, REDACTED_HEADERS } from './app';

export interface RunningServer {
  readonly app: Api;
  readonly url: string;
  /** The sign-in link printed on this start (first start, or the demo), if any. */
  readonly signInLink: SignInLink | null;
  readonly partnerId: string;
  close(): Promise<void>;
}

export interface StartOptions {
  readonly config: Config;
  /** pino options, or false (tests). Default: JSON lines at info level to stdout. */
  readonly logger?: boolean | Record<string, unknown>;
  /** Print a fresh sign-in link for the partner's first admin on every start (the demo). */
  readonly alwaysPrintLink?: boolean;
  /** How jobs run and stop (default: from the configuration). */
  readonly jobOptions?: JobOptions;
}

/** The partner the first account (and the local operator by default) belongs to. */
async function homePartner(store: Store, named: string | undefined): Promise<string> {
  if (named !== undefined) return named;
  const partners = await store.partnerIds();
  if (partners.length === 1 && partners[0] !== undefined) return partners[0];
  if (partners.length === 0) return DEFAULT_PARTNER_ID;
  throw new AppError(
    'usage.invalid_argument',
    `the store holds several partners (${partners.join(', ')}): name the one whose staff use this server (--partner or LI_PARTNER)`,
  );
}

export async function startServer(options: StartOptions): Promise<RunningServer> {
  const { config } = options;
  const tlsFiles =
    config.server.tlsCert !== undefined && config.server.tlsKey !== undefined
      ? { cert: readFileSync(config.server.tlsCert), key: readFileSync(config.server.tlsKey) }
      : null;
  // The embedded store has one owner process, named by server.json in its directory; a shared store
  // (storeUrl) serves several instances at once, and CLI commands write to it directly.
  const shared = config.storeUrl !== undefined;
  const running = shared ? null : readServerFile(config.dataDir);
  if (running !== null && running.pid !== process.pid) {
    throw new AppError(
      'store.locked',
      `a server (process ${running.pid}) already serves ${config.dataDir} at ${running.url}`,
    );
  }
  const store = await openStore(config, { create: true });
  let accounts: AccountStore | null = null;
  let built: Api | null = null;
  try {
    accounts = await openAccountStore(config);
    const partnerId = await homePartner(store, config.partnerId);
    const secret = newSecret('local');
    const app = await buildApp({
      config,
      store,
      accounts,
      https: tlsFiles,
      homePartnerId: partnerId,
      ...(options.jobOptions === undefined ? {} : { jobOptions: options.jobOptions }),
      logger:
        options.logger === false
          ? false
          : {
              level: 'info',
              redact: { paths: REDACTED_HEADERS, censor: '[redacted]' },
              ...(typeof options.logger === 'object' ? options.logger : {}),
            },
      local: {
        secret,
        defaultPartnerId: async () => partnerId,
        partnerExists: async (p) => p === partnerId || (await store.partnerIds()).includes(p),
      },
    });
    built = app;
    await listenOn(app, config.server.host, config.server.port);
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : config.server.port;
    const url = publicUrlOf(config, port);
    let link = await ensureFirstAccount(accounts, partnerId, config.server.adminEmail, url);
    if (link === null && (options.alwaysPrintLink === true || partnerId === DEMO_PARTNER_ID)) {
      const admin = (await accounts.accounts(partnerId)).find(
        (a) => !a.disabled && a.roles.includes('admin_agent') && a.roles.includes('user_admin'),
      );
      if (admin !== undefined) {
        link = await issueSignInLink(
          accounts,
          { partnerId, email: 'system (demo start)', via: 'local' },
          admin.accountId,
          url,
        );
      }
    }
    const serverFile = shared
      ? null
      : writeServerFile(config.dataDir, {
          url: `${tlsFiles === null ? 'http' : 'https'}://${config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host === '0.0.0.0' ? '127.0.0.1' : config.server.host}:${port}`,
          pid: process.pid,
          startedAt: new Date().toISOString(),
          secret,
        });
    // On a shared store the server registers itself in the database (CLI commands find its public
    // URL there, the instances see each other), refreshed while it runs.
    const registration = await store.registerServer({
      publicUrl: url,
      host: os.hostname(),
      pid: process.pid,
      version: API_VERSION,
    });
    const beat =
      registration === null
        ? null
        : setInterval(() => {
            registration
              .beat()
              .catch((e: unknown) => app.log.warn({ err: e }, 'could not refresh the server registration'));
          }, SERVER_BEAT_SECONDS * 1000);
    beat?.unref();
    let closing: Promise<void> | null = null;
    const owned = accounts;
    return {
      app,
      url,
      signInLink: link,
      partnerId,
      close() {
        // Fastify stops routing new requests (503), then its preClose hook lets running jobs finish
        // within the grace period, cancels the rest (the store rolls back) and ends every job
        // stream with its final event; then it stops listening. The stores close after that, and
        // the CLI's pointer to this server goes last: until then a command finds a server that
        // says it is stopping, never a store locked by nobody it can name.
        closing ??= (async () => {
          try {
            if (beat !== null) clearInterval(beat);
            await registration?.remove().catch(() => undefined);
            await app.close();
            await owned.close();
            await store.close();
          } finally {
            if (serverFile !== null) rmSync(serverFile, { force: true });
          }
        })();
        return closing;
      },
    };
  } catch (e) {
    await built?.close().catch(() => undefined);
    await accounts?.close();
    await store.close();
    throw e;
  }
}

/** Who runs this process, for the audit of the local operator. */
export function osUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** Listens, or says in the words of the configuration why the address cannot be used. */
async function listenOn(
  app: { listen(o: { host: string; port: number }): Promise<string> },
  host: string,
  port: number,
) {
  try {
    await app.listen({ host, port });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    if (code === 'EADDRINUSE') {
      throw new AppError(
        'config.invalid',
        `port ${port} on ${host} is already in use by another program (another server?): choose another port (server.port, LI_PORT) or stop that program`,
      );
    }
    if (code === 'EACCES') {
      throw new AppError(
        'config.invalid',
        `not allowed to listen on ${where} (ports below 1024 need privileges): choose a port from 1024 (server.port, LI_PORT)`,
      );
    }
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
      throw new AppError(
        'config.invalid',
        `this machine has no address ${host} to listen on (server.host, LI_HOST): use 127.0.0.1, 0.0.0.0 (every address) or one of its own addresses`,
      );
    }
    throw e;
  }
}
