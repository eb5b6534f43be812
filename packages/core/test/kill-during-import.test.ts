/**
 * Atomicity under SIGKILL: a child process runs an import of a realistic dataset and is killed at
 * several moments — through `insights import` at fractions of the whole import, and through a
 * child that marks its COMMIT on stderr at fractions of the commit itself, the moment a torn write
 * would show. Each time the store must open cleanly and hold exactly what it held before the
 * import — or, if the kill came after the commit, exactly the imported state.
 */
import { spawn } from 'node:child_process';
import { cpSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoDataset } from '../src/demo/generate-demo';
import { openStore } from '../src/store/open-store';
import { tempDir } from '../src/testing';

const CLI = fileURLToPath(new URL('../../../apps/cli/bin/insights.js', import.meta.url));
const CHILD = fileURLToPath(new URL('./helpers/import-in-child.ts', import.meta.url));
const PARTNER = 'p-kill';
const AS_OF = '2026-03-31';
const tmp = tempDir('li-kill-');
const baseline = path.join(tmp.dir, 'baseline');
const dataset = path.join(tmp.dir, 'dataset');

async function fingerprint(dataDir: string): Promise<string> {
  const store = await openStore({ dataDir, memoryLimit: '1GB', threads: 1 });
  try {
    const status = await store.status(PARTNER);
    const { recentImports: _ignored, ...partner } = status.partners[0] ?? { recentImports: [] };
    const small = await Promise.all(
      (['customers', 'users', 'subscriptions', 'license_assignments'] as const).map((e) =>
        store.dumpCanonical(PARTNER, e),
      ),
    );
    return JSON.stringify({ partner, small });
  } finally {
    await store.close();
  }
}

interface Run {
  readonly signal: string | null;
  readonly ms: number;
  /** Milliseconds from the start to the COMMITTING / COMMITTED marks (child runs only). */
  readonly committingAt: number | null;
  readonly committedAt: number | null;
}

/**
 * Runs an import in a child process: `insights import` (via 'cli') or the marking child (via
 * 'child'). `kill` sends SIGKILL so many milliseconds after the start, or after COMMITTING.
 */
function runImport(
  dataDir: string,
  via: 'cli' | 'child',
  kill: { readonly afterMs: number; readonly from: 'start' | 'commit' } | null,
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const args =
      via === 'cli'
        ? [CLI, 'import', '--data', dataDir, '--partner', PARTNER, '--as-of', AS_OF, dataset]
        : ['--import', 'tsx', CHILD, dataDir, PARTNER, dataset];
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stderr = '';
    let committingAt: number | null = null;
    let committedAt: number | null = null;
    let timer: NodeJS.Timeout | null = null;
    const arm = () => {
      if (kill !== null) timer = setTimeout(() => child.kill('SIGKILL'), kill.afterMs);
    };
    if (kill?.from === 'start') arm();
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
      const now = performance.now() - started;
      if (committingAt === null && stderr.includes('COMMITTING\n')) {
        committingAt = now;
        if (kill?.from === 'commit') arm();
      }
      if (committedAt === null && stderr.includes('COMMITTED\n')) committedAt = now;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (timer !== null) clearTimeout(timer);
      if (kill === null && code !== 0) reject(new Error(`import failed (${code}): ${stderr}`));
      resolve({ signal, ms: performance.now() - started, committingAt, committedAt });
    });
  });
}

/** Paths where a state differs from both the state before and after the import (at most 8). */
function differences(state: string): string {
  const out: string[] = [];
  const walk = (x: unknown, b: unknown, a: unknown, at: string): void => {
    if (out.length >= 8) return;
    if (JSON.stringify(x) === JSON.stringify(b) || JSON.stringify(x) === JSON.stringify(a)) return;
    if (typeof x === 'object' && x !== null && typeof b === 'object' && b !== null) {
      const keys = new Set([...Object.keys(x), ...Object.keys(b), ...Object.keys((a ?? {}) as object)]);
      let deeper = false;
      for (const k of keys) {
        const child = (v: unknown) => (v as Record<string, unknown> | null)?.[k];
        if (
          JSON.stringify(child(x)) !== JSON.stringify(child(b)) &&
          JSON.stringify(child(x)) !== JSON.stringify(child(a))
        ) {
          deeper = true;
          walk(child(x), child(b), child(a), `${at}.${k}`);
        }
      }
      if (deeper) return;
    }
    out.push(`${at} = ${JSON.stringify(x)?.slice(0, 200)}`);
  };
  walk(JSON.parse(state), JSON.parse(before), JSON.parse(after), '$');
  return out.join('; ') || '(mixed)';
}

let before = '';
let after = '';
let fullMs = 0;
/** How long the child's COMMIT took in an uninterrupted run. */
let commitMs = 0;
let killedMidway = 0;
let killedInCommit = 0;

beforeAll(async () => {
  await writeDemoDataset(dataset, { customers: 40, seed: 'kill', days: 400, end: '2026-03-31' });
  // The store before the import: some earlier data of the same partner.
  const seed = tempDir('li-kill-seed-');
  seed.file('customers.csv', 'customer_id,name\nearlier-customer,Earlier Customer\n');
  const store = await openStore({ dataDir: baseline, memoryLimit: '1GB', threads: 1 });
  const { importFiles } = await import('../src/use-cases/import-files');
  await importFiles(store, {
    partnerId: PARTNER,
    actor: 'test',
    paths: [seed.dir],
    asOf: AS_OF,
    channel: 'direct',
    partial: false,
    rejectsPath: path.join(seed.dir, 'r.csv'),
    maxProblemsPerFile: 10,
  });
  await store.close();
  seed.cleanup();
  before = await fingerprint(baseline);
  const full = path.join(tmp.dir, 'full');
  cpSync(baseline, full, { recursive: true });
  fullMs = (await runImport(full, 'cli', null)).ms;
  after = await fingerprint(full);
  const viaChild = path.join(tmp.dir, 'full-child');
  cpSync(baseline, viaChild, { recursive: true });
  const r = await runImport(viaChild, 'child', null);
  commitMs = (r.committedAt ?? 0) - (r.committingAt ?? 0);
  expect(await fingerprint(viaChild), 'the child imports exactly what the command does').toBe(after);
}, 300_000);

afterAll(() => tmp.cleanup());

describe('SIGKILL during import', () => {
  it('the completed import changes the store (so the comparison below means something)', () => {
    expect(after).not.toBe(before);
    expect(fullMs).toBeGreaterThan(500);
  });

  /** The state after a killed run is all before or all after; and (`reimport`) the store then takes the import again. */
  async function expectBeforeOrAfter(dir: string, r: Run, reimport: boolean): Promise<'before' | 'after'> {
    const state = await fingerprint(dir);
    if (r.signal === 'SIGKILL') {
      // On failure, name what is neither as before nor as after (the whole states are long).
      expect([before, after], `neither before nor after; differs at ${differences(state)}`).toContain(state);
    } else expect(state).toBe(after); // finished before the kill
    if (reimport) {
      await runImport(dir, 'cli', null);
      expect(await fingerprint(dir)).toBe(after);
    }
    return state === before ? 'before' : 'after';
  }

  it.each([0.2, 0.45, 0.7, 0.9])(
    'insights import killed at %s of the import time: the store opens and is all before or all after',
    async (fraction) => {
      const dir = path.join(tmp.dir, `kill-${fraction}`);
      cpSync(baseline, dir, { recursive: true });
      const r = await runImport(dir, 'cli', { afterMs: Math.round(fullMs * fraction), from: 'start' });
      if ((await expectBeforeOrAfter(dir, r, true)) === 'before') killedMidway++;
    },
  );

  it.each([0.1, 0.25, 0.4, 0.55, 0.7, 0.85, 0.95])(
    'killed at %s of the COMMIT: the store opens and is all before or all after',
    async (fraction) => {
      const dir = path.join(tmp.dir, `commit-${fraction}`);
      cpSync(baseline, dir, { recursive: true });
      const r = await runImport(dir, 'child', { afterMs: Math.round(commitMs * fraction), from: 'commit' });
      if (r.signal === 'SIGKILL' && r.committingAt !== null && r.committedAt === null) killedInCommit++;
      await expectBeforeOrAfter(dir, r, false);
    },
  );

  it('the kills landed where they claim: in the middle of the import, and inside the COMMIT', () => {
    expect(commitMs).toBeGreaterThan(0);
    expect(killedMidway).toBeGreaterThanOrEqual(2);
    expect(killedInCommit).toBeGreaterThanOrEqual(3);
  });
});
