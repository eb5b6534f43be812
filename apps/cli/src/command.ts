/**
 * A small command framework over node:util parseArgs: every command declares its options once,
 * which gives parsing, validation of the option names and the `--help` text.
 */
import { parseArgs } from 'node:util';
import type { StaleMetrics } from '@license-insights/contracts';
import {
  AppError,
  type Config,
  type Insights,
  isAppError,
  loadConfig,
  localInsights,
  openStore,
} from '@license-insights/core';
import { commandFor } from './hints';
import { paint, type Terminal } from './output';
import { remoteInsights } from './remote-insights';
import { serverClientFor } from './server-client';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly value?: string;
  readonly description: string;
  readonly multiple?: boolean;
}

export interface CommandContext {
  readonly term: Terminal;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Configuration with the global flags applied; built on first use (so --help never needs it). */
  config(): Config;
}

export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly description?: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  readonly examples?: readonly string[];
  /** The command's arguments go on unparsed (as positionals): a program of its own parses them. */
  readonly passThrough?: boolean;
  run(
    ctx: CommandContext,
    values: Record<string, string | boolean | string[] | undefined>,
    positionals: string[],
  ): Promise<number>;
}

export const GLOBAL_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  data: {
    type: 'string',
    value: 'dir',
    description: 'embedded store and local files directory (default ./data, env LI_DATA_DIR)',
  },
  store: {
    type: 'string',
    value: 'url',
    description: 'shared store, a postgres:// URL (env LI_STORE_URL); default: the embedded store in --data',
  },
  partner: {
    type: 'string',
    value: 'id',
    description: 'partner id the data belongs to (default: the only partner in the store; env LI_PARTNER)',
  },
  config: {
    type: 'string',
    value: 'file',
    description: 'configuration file (default ./insights.config.json if present)',
  },
  help: { type: 'boolean', short: 'h', description: 'show help' },
};

function optionLines(options: Readonly<Record<string, OptionSpec>>): string[] {
  const entries = Object.entries(options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.value ? ` <${o.value}>` : ''}`;
    return [flag, o.description] as const;
  });
  const width = Math.max(...entries.map(([f]) => f.length));
  return entries.map(([f, d]) => `  ${f.padEnd(width)}  ${d}`);
}

export function commandHelp(c: Command): string {
  const lines = [`insights ${c.name} — ${c.summary}`, '', `Usage: ${c.usage}`];
  if (c.description) lines.push('', c.description);
  if (Object.keys(c.options).length > 0) lines.push('', 'Options:', ...optionLines(c.options));
  lines.push('', 'Global options:', ...optionLines(GLOBAL_OPTIONS));
  if (c.examples && c.examples.length > 0) lines.push('', 'Examples:', ...c.examples.map((e) => `  ${e}`));
  return `${lines.join('\n')}\n`;
}

export interface ParsedCommandLine {
  readonly values: Record<string, string | boolean | string[] | undefined>;
  readonly positionals: string[];
}

export function parseCommandLine(c: Command, args: readonly string[]): ParsedCommandLine {
  const options = { ...GLOBAL_OPTIONS, ...c.options };
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: Object.fromEntries(
        Object.entries(options).map(([name, o]) => [
          name,
          { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) },
        ]),
      ),
      allowPositionals: true,
      strict: true,
    });
    return { values: values as ParsedCommandLine['values'], positionals };
  } catch (e) {
    throw new AppError(
      'usage.invalid_argument',
      `${e instanceof Error ? e.message : String(e)}; see insights ${c.name} --help`,
    );
  }
}

export function configFrom(
  ctx: { env: CommandContext['env']; cwd: string },
  values: ParsedCommandLine['values'],
): Config {
  const flags: Record<string, string> = {};
  if (typeof values.data === 'string') flags.dataDir = values.data;
  if (typeof values.store === 'string') flags.storeUrl = values.store;
  if (typeof values.partner === 'string') flags.partnerId = values.partner;
  return loadConfig({
    cwd: ctx.cwd,
    env: ctx.env,
    flags: { ...flags, ...(typeof values.config === 'string' ? { configFile: values.config } : {}) },
  });
}

/** A whole number option, or a usage error naming the option. */
export function intOption(value: unknown, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || n < min || n > max) {
    throw new AppError(
      'usage.invalid_argument',
      `--${name} must be a whole number from ${min} to ${max} (got ${JSON.stringify(value)})`,
    );
  }
  return n;
}

/**
 * Where this command's use-cases run: the store in the data directory, opened by this process —
 * or, while a server holds that store (`insights serve`; one process owns it), that server, through
 * its local operator's routes. `create`: a missing store is made (import, demo); otherwise it is an
 * error and nothing is created.
 */
export async function insightsFor(
  ctx: CommandContext,
  options: { readonly create: boolean },
): Promise<Insights> {
  const config = ctx.config();
  const served = serverClientFor(config);
  if (served !== null) return remoteInsights(served);
  try {
    return localInsights(await openStore(config, { create: options.create }), { owned: true });
  } catch (e) {
    // A server that started meanwhile holds the store now: go through it.
    const late = isAppError(e) && e.code === 'store.locked' ? serverClientFor(config) : null;
    if (late === null) throw e;
    return remoteInsights(late);
  }
}

/**
 * The use-cases and the partner they act for. Reading commands (`read`) need a store that exists
 * (none is created) and a partner in it; writing commands (`write`: import) create the store.
 */
export async function openInsights(
  ctx: CommandContext,
  purpose: 'read' | 'write',
): Promise<{ readonly insights: Insights; readonly partnerId: string; readonly config: Config }> {
  const config = ctx.config();
  const insights = await insightsFor(ctx, { create: purpose === 'write' });
  try {
    const { partnerId } = await insights.resolvePartner({
      ...(config.partnerId === undefined ? {} : { partnerId: config.partnerId }),
      purpose,
    });
    return { insights, config, partnerId };
  } catch (e) {
    await insights.close();
    throw e;
  }
}

/** Warns (stderr) that the numbers shown are not the latest, and how to bring them up to date. */
export function warnIfStale(
  ctx: CommandContext,
  values: ParsedCommandLine['values'],
  stale: StaleMetrics | null,
): void {
  if (stale === null) return;
  const parts: string[] = [];
  if (stale.customers.length > 0) {
    const n = stale.customers.length;
    const ids = stale.customers.slice(0, 5).join(', ') + (n > 5 ? ', …' : '');
    parts.push(
      `imports changed the data of ${n} customer${n === 1 ? '' : 's'} (${ids}) from ${stale.fromDay} on`,
    );
  }
  if (stale.uncomputed !== null) {
    const u = stale.uncomputed;
    parts.push(
      `${u.firstDay === u.lastDay ? `${u.firstDay} has` : `${u.firstDay} … ${u.lastDay} have`} data but no metrics yet`,
    );
  }
  ctx.term.err(
    `${paint(ctx.term, 'yellow', 'warning')}: these metrics are out of date: ${parts.join('; ')}. Run \`${commandFor('compute', values)}\` to bring them up to date.\n`,
  );
}
