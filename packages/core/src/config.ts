/**
 * Configuration: one validated, frozen object built at start-up from defaults < config file <
 * environment < flags. Nothing else reads `process.env`; adapters pass the environment in.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LOCALES } from '@license-insights/contracts';
import { z } from 'zod';
import { AppError, formatIssues, messageOf } from './errors';

const roleGroupsSchema = z
  .object({
    admin_agent: z.array(z.string().min(1)).default([]),
    sales_agent: z.array(z.string().min(1)).default([]),
    user_admin: z.array(z.string().min(1)).default([]),
  })
  .strict();

/** OpenID Connect sign-in (Microsoft Entra ID or any provider): a group claim maps to roles. */
export const oidcConfigSchema = z
  .object({
    /** The issuer URL, e.g. https://login.microsoftonline.com/<tenant>/v2.0 */
    issuer: z.url(),
    clientId: z.string().min(1),
    clientSecret: z.string().min(1),
    /** The claim that lists the user's groups (Entra ID: "groups", object ids of groups). */
    groupsClaim: z.string().min(1).default('groups'),
    /** Which groups grant which role; a user in none of them is refused. */
    roleGroups: roleGroupsSchema,
    /** The partner whose staff sign in with this provider (default: the store's only partner). */
    partnerId: z.string().min(1).optional(),
    /** Name on the sign-in button. */
    label: z.string().min(1).default('Microsoft'),
  })
  .strict();
export type OidcConfig = z.infer<typeof oidcConfigSchema>;

/** `insights serve`: where it listens, how it is reached, sign-in. */
export const serverConfigSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8080),
    /** The URL people open (links printed for them use it); default http://localhost:<port>. */
    publicUrl: z.url().optional(),
    /** PEM files: with both, the server speaks HTTPS (and sends HSTS, Secure cookies). */
    tlsCert: z.string().min(1).optional(),
    tlsKey: z.string().min(1).optional(),
    /** Behind a reverse proxy: trust X-Forwarded-* (client address, protocol). */
    trustProxy: z.boolean().default(false),
    /** E-mail of the account the first start creates (admin agent and user management admin). */
    adminEmail: z
      .string()
      .regex(/^[^\s@]+@[^\s@]+$/, 'must be an e-mail address')
      .default('admin@localhost'),
    /** Hours a browser session lasts. */
    sessionHours: z
      .number()
      .min(0.25)
      .max(24 * 30)
      .default(12),
    /** Largest upload accepted, in MB. */
    uploadLimitMb: z.number().int().min(1).max(100_000).default(2048),
    /** On stop: how long running jobs may go on before they are cancelled (seconds). */
    shutdownGraceSeconds: z.number().min(0).max(3600).default(30),
    oidc: oidcConfigSchema.optional(),
  })
  .strict();
export type ServerConfig = z.infer<typeof serverConfigSchema>;

export const configSchema = z
  .object({
    /**
     * Directory of the embedded store, and of local files (demo output, rejects) whatever the
     * store is.
     */
    dataDir: z.string().min(1),
    /**
     * The shared store: a `postgres://` (or `postgresql://`) URL picks the PostgreSQL store (server
     * mode, several app instances; docs/scale-out.md). Absent: the embedded store in `dataDir`.
     */
    storeUrl: z
      .string()
      .regex(
        /^postgres(ql)?:\/\/\S+$/,
        'a postgres:// URL, e.g. postgres://insights@db.example:5432/insights',
      )
      .optional(),
    /**
     * The partner organisation this process acts for: the isolation boundary of all data. Absent:
     * the store's only partner (see use-cases/resolve-partner.ts).
     */
    partnerId: z
      .string()
      .min(1)
      .max(128)
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
        'letters, digits, ".", "_" or "-", starting with a letter or digit',
      )
      .optional(),
    /** Who is acting, recorded in the audit log. */
    actor: z.string().min(1).max(200),
    /** Problems listed per file before the rest are only counted. */
    maxProblemsPerFile: z.number().int().min(1).max(100_000),
    /** DuckDB memory limit, e.g. "4GB"; empty lets DuckDB choose (80 % of RAM). */
    memoryLimit: z.string().regex(/^(\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB))?$/i),
    /** DuckDB worker threads; 0 lets DuckDB choose (all cores). */
    threads: z.number().int().min(0).max(1024),
    /** Language of texts meant for people (recommendation cards): en or pl. */
    language: z.enum(LOCALES),
    server: serverConfigSchema,
  })
  .strict();
export type Config = Readonly<z.infer<typeof configSchema>>;

export const CONFIG_FILE_NAME = 'insights.config.json';

const ENV_KEYS: Readonly<Record<string, keyof Config>> = {
  LI_DATA_DIR: 'dataDir',
  LI_STORE_URL: 'storeUrl',
  LI_PARTNER: 'partnerId',
  LI_ACTOR: 'actor',
  LI_MEMORY_LIMIT: 'memoryLimit',
  LI_THREADS: 'threads',
  LI_LANG: 'language',
};

/** Environment variables of the server settings (`server.*`). */
const SERVER_ENV_KEYS: Readonly<Record<string, keyof ServerConfig>> = {
  LI_HOST: 'host',
  LI_PORT: 'port',
  LI_PUBLIC_URL: 'publicUrl',
  LI_TLS_CERT: 'tlsCert',
  LI_TLS_KEY: 'tlsKey',
  LI_TRUST_PROXY: 'trustProxy',
  LI_ADMIN_EMAIL: 'adminEmail',
  LI_SESSION_HOURS: 'sessionHours',
  LI_UPLOAD_LIMIT_MB: 'uploadLimitMb',
  LI_SHUTDOWN_GRACE_SECONDS: 'shutdownGraceSeconds',
};
const SERVER_NUMBERS = new Set<keyof ServerConfig>([
  'port',
  'sessionHours',
  'uploadLimitMb',
  'shutdownGraceSeconds',
]);

export interface ConfigSources {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Values given on the command line (already parsed); `configFile` names a file to read. */
  readonly flags?: Partial<Record<Exclude<keyof Config, 'server'>, string | number>> & {
    readonly configFile?: string;
    readonly server?: Partial<Record<keyof ServerConfig, string | number | boolean | undefined>>;
  };
}

export function loadConfig(sources: ConfigSources): Config {
  const defaults: Record<string, unknown> = {
    dataDir: './data',
    actor: sources.env.USER ?? sources.env.USERNAME ?? 'cli',
    maxProblemsPerFile: 100,
    memoryLimit: '',
    threads: 0,
    language: 'en',
  };
  const fileName = sources.flags?.configFile ?? sources.env.LI_CONFIG;
  const filePath = path.resolve(sources.cwd, fileName ?? CONFIG_FILE_NAME);
  let fromFile: Record<string, unknown> = {};
  if (fileName !== undefined || existsSync(filePath)) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(filePath, 'utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new Error('the file must hold a JSON object');
      }
      fromFile = parsed as Record<string, unknown>;
    } catch (e) {
      throw new AppError('config.invalid', `cannot read config file ${filePath}: ${messageOf(e)}`);
    }
  }
  const fromEnv: Record<string, unknown> = {};
  for (const [envKey, key] of Object.entries(ENV_KEYS)) {
    const v = sources.env[envKey];
    if (v !== undefined && v !== '') fromEnv[key] = key === 'threads' ? Number(v) : v;
  }
  const serverEnv: Record<string, unknown> = {};
  for (const [envKey, key] of Object.entries(SERVER_ENV_KEYS)) {
    const v = sources.env[envKey];
    if (v === undefined || v === '') continue;
    serverEnv[key] = SERVER_NUMBERS.has(key)
      ? Number(v)
      : key === 'trustProxy'
        ? v === 'true' || v === '1'
        : v;
  }
  const oidcEnv = oidcFromEnv(sources.env);
  const fromFlags: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(sources.flags ?? {})) {
    if (k !== 'configFile' && k !== 'server' && v !== undefined) fromFlags[k] = v;
  }
  const fileServer = isObject(fromFile.server) ? fromFile.server : {};
  const server = {
    ...fileServer,
    ...serverEnv,
    ...(oidcEnv === null
      ? {}
      : { oidc: { ...(isObject(fileServer.oidc) ? fileServer.oidc : {}), ...oidcEnv } }),
    ...Object.fromEntries(Object.entries(sources.flags?.server ?? {}).filter(([, v]) => v !== undefined)),
  };
  const merged = { ...defaults, ...fromFile, ...fromEnv, ...fromFlags, server };
  const result = configSchema.safeParse(merged);
  if (!result.success) {
    const issues = formatIssues(result.error.issues);
    throw new AppError('config.invalid', `invalid configuration (${issues}); see README "Configuration"`);
  }
  const config = { ...result.data, dataDir: path.resolve(sources.cwd, result.data.dataDir) };
  return Object.freeze(config);
}

/** Where the configured store is, for messages: the store URL without its password, else the directory. */
export function storeLabel(config: Pick<Config, 'dataDir' | 'storeUrl'>): string {
  if (config.storeUrl === undefined) return config.dataDir;
  try {
    const u = new URL(config.storeUrl);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return 'the configured store URL';
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * OIDC settings from the environment: LI_OIDC_ISSUER, LI_OIDC_CLIENT_ID, LI_OIDC_CLIENT_SECRET,
 * LI_OIDC_GROUPS_CLAIM and LI_OIDC_ADMIN_AGENT_GROUPS / _SALES_AGENT_GROUPS / _USER_ADMIN_GROUPS
 * (comma-separated group ids); null when none is set.
 */
function oidcFromEnv(env: ConfigSources['env']): Record<string, unknown> | null {
  const out: Record<string, unknown> = {};
  const set = (key: string, value: unknown) => {
    if (value !== undefined && value !== '') out[key] = value;
  };
  set('issuer', env.LI_OIDC_ISSUER);
  set('clientId', env.LI_OIDC_CLIENT_ID);
  set('clientSecret', env.LI_OIDC_CLIENT_SECRET);
  set('groupsClaim', env.LI_OIDC_GROUPS_CLAIM);
  set('partnerId', env.LI_OIDC_PARTNER);
  const groups = (v: string | undefined) =>
    v === undefined || v === ''
      ? undefined
      : v
          .split(',')
          .map((g) => g.trim())
          .filter(Boolean);
  const roleGroups: Record<string, unknown> = {};
  for (const [role, key] of [
    ['admin_agent', 'LI_OIDC_ADMIN_AGENT_GROUPS'],
    ['sales_agent', 'LI_OIDC_SALES_AGENT_GROUPS'],
    ['user_admin', 'LI_OIDC_USER_ADMIN_GROUPS'],
  ] as const) {
    const g = groups(env[key]);
    if (g !== undefined) roleGroups[role] = g;
  }
  if (Object.keys(roleGroups).length > 0) out.roleGroups = roleGroups;
  return Object.keys(out).length === 0 ? null : out;
}

/**
 * The server's address as people open it (printed sign-in links use it): the configured public URL,
 * else the scheme, the host (localhost for a loopback or any-address host) and `port` (default:
 * the configured one). `insights serve` and the CLI without a server compute it the same way.
 */
export function publicUrlOf(config: Pick<Config, 'server'>, port: number = config.server.port): string {
  const s = config.server;
  if (s.publicUrl !== undefined) return s.publicUrl.replace(/\/+$/, '');
  const tls = s.tlsCert !== undefined && s.tlsKey !== undefined;
  const host = ['0.0.0.0', '::', '127.0.0.1', '::1'].includes(s.host) ? 'localhost' : s.host;
  return `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
