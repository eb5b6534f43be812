/**
 * Configuration: one validated, frozen object built at start-up from defaults < config file <
 * environment < flags. Nothing else reads `process.env`; adapters pass the environment in.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LOCALES } from '@license-insights/contracts';
import { z } from 'zod';
import { AppError, formatIssues, messageOf } from './errors';

export const configSchema = z
  .object({
    /** Directory of the embedded store. */
    dataDir: z.string().min(1),
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
  })
  .strict();
export type Config = Readonly<z.infer<typeof configSchema>>;

export const CONFIG_FILE_NAME = 'insights.config.json';

const ENV_KEYS: Readonly<Record<string, keyof Config>> = {
  LI_DATA_DIR: 'dataDir',
  LI_PARTNER: 'partnerId',
  LI_ACTOR: 'actor',
  LI_MEMORY_LIMIT: 'memoryLimit',
  LI_THREADS: 'threads',
  LI_LANG: 'language',
};

export interface ConfigSources {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Values given on the command line (already parsed); `configFile` names a file to read. */
  readonly flags?: Partial<Record<keyof Config, string | number>> & { readonly configFile?: string };
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
  const fromFlags: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(sources.flags ?? {})) {
    if (k !== 'configFile' && v !== undefined) fromFlags[k] = v;
  }
  const merged = { ...defaults, ...fromFile, ...fromEnv, ...fromFlags };
  const result = configSchema.safeParse(merged);
  if (!result.success) {
    const issues = formatIssues(result.error.issues);
    throw new AppError('config.invalid', `invalid configuration (${issues}); see README "Configuration"`);
  }
  const config = { ...result.data, dataDir: path.resolve(sources.cwd, result.data.dataDir) };
  return Object.freeze(config);
}
