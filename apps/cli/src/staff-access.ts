/**
 * What `insights users` and `insights tokens` share: where their use-cases run, the partner whose
 * staff they manage, and who acts — the local operator, named with the OS user in the audit log
 * (`local operator (OS user alice)`).
 *
 * One process owns the embedded stores. Without a server this process opens the account store of
 * the data directory and runs the staff use-cases on it; while `insights serve` holds the data
 * directory, the same use-cases run in that server, through its local operator's routes
 * (routes/local-staff.ts), which answer what the use-cases return — so a command prints the same
 * either way. A sign-in link is made on the server's public URL either way: without a server the
 * one `insights serve` computes from the same configuration, through it the running server's own.
 */
import type {
  AddStaffAccountRequest,
  ApiToken,
  ApiTokenList,
  CreateApiTokenRequest,
  CreatedApiToken,
  LocalStaffAddRequest,
  LocalStaffLinkRequest,
  LocalStaffListRequest,
  LocalStaffUpdateRequest,
  LocalTokenCreateRequest,
  LocalTokenListRequest,
  LocalTokenRevokeRequest,
  LocalTokenRevokeResponse,
  ResolvePartnerResponse,
  SignInLink,
  StaffAccount,
  StaffAccountList,
  UpdateStaffAccountRequest,
} from '@license-insights/contracts';
import {
  type AccountStore,
  addStaffAccount,
  type Config,
  createApiTokenFor,
  DEFAULT_PARTNER_ID,
  isAppError,
  issueSignInLink,
  listApiTokens,
  listStaffAccounts,
  openAccountStore,
  openStore,
  publicUrlOf,
  resolvePartner,
  revokeApiToken,
  storeExists,
  updateStaffAccount,
} from '@license-insights/core';
import type { CommandContext } from './command';
import { type LocalServerClient, osUserName, serverClientFor } from './server-client';

/** The staff use-cases of one command, for the partner it acts for. */
export interface StaffService {
  readonly partnerId: string;
  listAccounts(): Promise<StaffAccount[]>;
  addAccount(request: AddStaffAccountRequest): Promise<StaffAccount>;
  updateAccount(account: string, change: UpdateStaffAccountRequest): Promise<StaffAccount>;
  signInLink(account: string): Promise<SignInLink>;
  createToken(account: string, request: CreateApiTokenRequest): Promise<CreatedApiToken>;
  listTokens(): Promise<ApiToken[]>;
  revokeToken(tokenId: string): Promise<void>;
}

/**
 * The partner whose staff these commands manage: the named one, else the store's only partner,
 * else (no data yet) the partner `insights serve` starts with.
 */
async function staffPartner(config: Config): Promise<{ partnerId: string; linkBase: string }> {
  if (!(await storeExists(config)))
    return { partnerId: config.partnerId ?? DEFAULT_PARTNER_ID, linkBase: publicUrlOf(config) };
  const store = await openStore(config, { create: false });
  try {
    // Sign-in links point at a server: the configured public URL, else (a shared store) the one
    // the latest server started on it registered, else this machine's default.
    const registered = config.server.publicUrl === undefined ? (await store.servers())[0] : undefined;
    return {
      partnerId: await resolvePartner(store, config.partnerId, 'staff'),
      linkBase: registered?.publicUrl ?? publicUrlOf(config),
    };
  } finally {
    await store.close();
  }
}

/** The use-cases on the account store this process opened. */
function localStaff(accounts: AccountStore, partnerId: string, linkBase: string): StaffService {
  const actor = { partnerId, email: `local operator (OS user ${osUserName()})`, via: 'local' as const };
  return {
    partnerId,
    listAccounts: () => listStaffAccounts(accounts, partnerId),
    addAccount: (request) => addStaffAccount(accounts, actor, request),
    updateAccount: (account, change) => updateStaffAccount(accounts, actor, account, change),
    signInLink: (account) => issueSignInLink(accounts, actor, account, linkBase),
    createToken: (account, request) => createApiTokenFor(accounts, actor, account, request),
    listTokens: () => listApiTokens(accounts, partnerId, null),
    revokeToken: (tokenId) => revokeApiToken(accounts, actor, tokenId),
  };
}

/** The same use-cases in the running server (its local operator's routes). */
async function remoteStaff(client: LocalServerClient, config: Config): Promise<StaffService> {
  const call = <Q, R>(path: string, body: Q) => client.request<R>('POST', `/api/v1/local/${path}`, body);
  const { partnerId } = await call<{ partnerId?: string; purpose: 'staff' }, ResolvePartnerResponse>(
    'partner',
    { ...(config.partnerId === undefined ? {} : { partnerId: config.partnerId }), purpose: 'staff' },
  );
  return {
    partnerId,
    listAccounts: async () =>
      (await call<LocalStaffListRequest, StaffAccountList>('users/list', { partnerId })).accounts,
    addAccount: (account) => call<LocalStaffAddRequest, StaffAccount>('users/add', { partnerId, account }),
    updateAccount: (account, change) =>
      call<LocalStaffUpdateRequest, StaffAccount>('users/update', { partnerId, account, change }),
    signInLink: (account) => call<LocalStaffLinkRequest, SignInLink>('users/link', { partnerId, account }),
    createToken: (account, token) =>
      call<LocalTokenCreateRequest, CreatedApiToken>('tokens/create', { partnerId, account, token }),
    listTokens: async () =>
      (await call<LocalTokenListRequest, ApiTokenList>('tokens/list', { partnerId })).tokens,
    revokeToken: async (tokenId) => {
      await call<LocalTokenRevokeRequest, LocalTokenRevokeResponse>('tokens/revoke', { partnerId, tokenId });
    },
  };
}

/**
 * Runs one command's `work` with the staff use-cases: in the server that holds the data directory,
 * or on the account store this process opens (and closes after).
 */
export async function withStaffSession<T>(
  ctx: CommandContext,
  work: (s: StaffService) => Promise<T>,
): Promise<T> {
  const config = ctx.config();
  const served = serverClientFor(config);
  if (served !== null) return work(await remoteStaff(served, config));
  let opened: { accounts: AccountStore; partnerId: string; linkBase: string };
  try {
    const { partnerId, linkBase } = await staffPartner(config);
    opened = { accounts: await openAccountStore(config), partnerId, linkBase };
  } catch (e) {
    // A server that started meanwhile holds the stores now: go through it.
    const late = isAppError(e) && e.code === 'store.locked' ? serverClientFor(config) : null;
    if (late === null) throw e;
    return work(await remoteStaff(late, config));
  }
  try {
    return await work(localStaff(opened.accounts, opened.partnerId, opened.linkBase));
  } finally {
    await opened.accounts.close();
  }
}

/** A repeatable option's values (parseArgs gives a list, or nothing). */
export function listOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}
