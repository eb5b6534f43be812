/**
 * What `insights users` and `insights tokens` share: the account store of the data directory, the
 * partner whose staff they manage, and who acts — the local operator, named with the OS user in
 * the audit log (`local operator (OS user alice)`).
 *
 * One process owns the embedded stores: while `insights serve` runs on the data directory these
 * commands refuse, naming the server, before touching a database (never a raw lock error). Each
 * command's work is one use-case call, so that sending it through the running server instead is
 * a swap of that call.
 */
import os from 'node:os';
import type { Principal } from '@license-insights/contracts';
import {
  type AccountStore,
  AppError,
  type Config,
  DEFAULT_PARTNER_ID,
  hinted,
  openAccountStore,
  openStore,
  readServerFile,
  storeExists,
} from '@license-insights/core';
import type { CommandContext } from './command';

export type Actor = Pick<Principal, 'partnerId' | 'email' | 'via'>;

export interface StaffSession {
  readonly accounts: AccountStore;
  readonly config: Config;
  readonly actor: Actor;
}

function osUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** Refuses while a server holds the data directory (its stores are that process's). */
export function refuseWhileServing(config: Config): void {
  const server = readServerFile(config.dataDir);
  if (server !== null) {
    throw new AppError(
      'store.locked',
      `a server (process ${server.pid}) is running on ${config.dataDir} at ${server.url} and holds its stores: manage staff and tokens in its browser pages or API (${server.url}/api/docs), or stop it and run this again`,
    );
  }
}

/**
 * The partner whose staff these commands manage: the named one, else the store's only partner,
 * else (no data yet) the partner `insights serve` starts with.
 */
async function staffPartner(config: Config): Promise<string> {
  if (config.partnerId !== undefined) return config.partnerId;
  if (!storeExists(config)) return DEFAULT_PARTNER_ID;
  const store = await openStore(config, { create: false });
  let partners: string[];
  try {
    partners = await store.partnerIds();
  } finally {
    await store.close();
  }
  const [only, second] = partners;
  if (only === undefined) return DEFAULT_PARTNER_ID;
  if (second !== undefined) {
    throw hinted(
      'usage.invalid_argument',
      `the store ${store.location} holds several partners (${partners.join(', ')})`,
      {
        kind: 'choose_partner',
      },
    );
  }
  return only;
}

/** Opens the account store for one command; `work` runs with it, and it is closed after. */
export async function withStaffSession<T>(
  ctx: CommandContext,
  work: (s: StaffSession) => Promise<T>,
): Promise<T> {
  const config = ctx.config();
  refuseWhileServing(config);
  const partnerId = await staffPartner(config);
  const accounts = await openAccountStore(config);
  try {
    return await work({
      accounts,
      config,
      actor: { partnerId, email: `local operator (OS user ${osUser()})`, via: 'local' },
    });
  } finally {
    await accounts.close();
  }
}

/** The server's address as people open it (printed links use it). */
export function publicUrlOf(config: Config): string {
  if (config.server.publicUrl !== undefined) return config.server.publicUrl;
  const tls = config.server.tlsCert !== undefined && config.server.tlsKey !== undefined;
  return `${tls ? 'https' : 'http'}://localhost:${config.server.port}`;
}

/** A repeatable option's values (parseArgs gives a list, or nothing). */
export function listOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}
