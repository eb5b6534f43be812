/**
 * Atomicity under SIGKILL: a child process runs `insights import` on a realistic dataset and is
 * killed at several moments. Each time the store must open cleanly and hold exactly what it held
 * before the import — or, if the kill came after the commit, exactly the imported state.
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
const PARTNER = 'p-kill';
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

function runImport(
  dataDir: string,
  killAfterMs: number | null,
): Promise<{ code: number | null; signal: string | null; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [CLI, 'import', '--data', dataDir, '--partner', PARTNER, dataset], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    const timer = killAfterMs === null ? null : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (timer !== null) clearTimeout(timer);
      if (killAfterMs === null && code !== 0) reject(new Error(`import failed (${code}): ${stderr}`));
      resolve({ code, signal, ms: performance.now() - started });
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
let killedMidway = 0;

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
    asOf: '2026-03-31',
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
  fullMs = (await runImport(full, null)).ms;
  after = await fingerprint(full);
}, 300_000);

afterAll(() => tmp.cleanup());

describe('SIGKILL during import', () => {
  it('the completed import changes the store (so the comparison below means something)', () => {
    expect(after).not.toBe(before);
    expect(fullMs).toBeGreaterThan(500);
  });

  it.each([0.15, 0.3, 0.45, 0.6, 0.75, 0.85, 0.93, 0.98])(
    'killed at %s of the import time: the store opens and is all before or all after',
    async (fraction) => {
      const dir = path.join(tmp.dir, `kill-${fraction}`);
      cpSync(baseline, dir, { recursive: true });
      const r = await runImport(dir, Math.round(fullMs * fraction));
      const state = await fingerprint(dir);
      if (r.signal === 'SIGKILL') {
        // On failure, name what is neither as before nor as after (the whole states are long).
        expect([before, after], `neither before nor after; differs at ${differences(state)}`).toContain(
          state,
        );
        if (state === before) killedMidway++;
      } else expect(state).toBe(after); // finished before the kill
      // And the store still takes the import afterwards, ending in the same state as an uninterrupted one.
      await runImport(dir, null);
      expect(await fingerprint(dir)).toBe(after);
    },
  );

  it('most kills landed in the middle of the import (the test exercised what it claims)', () => {
    expect(killedMidway).toBeGreaterThanOrEqual(4);
  });
});
