/**
 * Crash safety with readers active: a child process imports (and, separately, computes) while three
 * readers read the store, and is killed with SIGKILL at several moments of its COMMIT — the moment
 * a commit that fell back to the WAL could be torn (duckdb/duckdb#25931). The commit waits for the
 * open reads and then goes through a checkpoint, so every time the store must open cleanly and be
 * all before or all after.
 */
import { spawn } from 'node:child_process';
import { cpSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoDataset } from '../src/demo/generate-demo';
import { openStore } from '../src/store/open-store';
import { tempDir } from '../src/testing';
import { computeMetrics } from '../src/use-cases/compute-metrics';
import { importFiles } from '../src/use-cases/import-files';

const CHILD = fileURLToPath(new URL('./helpers/work-in-child.ts', import.meta.url));
const PARTNER = 'p-kill';
const tmp = tempDir('li-kill-readers-');
const early = path.join(tmp.dir, 'early');
const late = path.join(tmp.dir, 'late');
/** The store with the early data imported and computed, and with the late data imported too (not computed). */
const computed = path.join(tmp.dir, 'computed');
const imported = path.join(tmp.dir, 'imported');

/** Everything a reader could see: stored data, metrics of two days, what is out of date. */
async function fingerprint(dataDir: string): Promise<string> {
  const store = await openStore({ dataDir, memoryLimit: '1GB', threads: 1 });
  try {
    const status = await store.status(PARTNER);
    const { recentImports: _time, ...partner } = status.partners[0] ?? { recentImports: [] };
    const data = await Promise.all(
      (['customers', 'users', 'license_assignments'] as const).map((e) => store.dumpCanonical(PARTNER, e)),
    );
    const metrics = await Promise.all(
      ['2026-02-15', '2026-03-31'].map((d) => store.dailyMetrics(PARTNER, d)),
    );
    const { dirty, computed: range } = await store.metricsPlan(PARTNER);
    return JSON.stringify({ partner, data, metrics, dirty, range });
  } finally {
    await store.close();
  }
}

interface Run {
  readonly signal: string | null;
  readonly committingAt: number | null;
  readonly committedAt: number | null;
  readonly reads: number;
}

function runChild(
  dataDir: string,
  mode: 'import' | 'compute',
  killAfterCommittingMs: number | null,
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const args = ['--import', 'tsx', CHILD, dataDir, PARTNER, mode, ...(mode === 'import' ? [late] : [])];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let committingAt: number | null = null;
    let committedAt: number | null = null;
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
      const now = performance.now() - started;
      if (committingAt === null && stderr.includes('COMMITTING\n')) {
        committingAt = now;
        if (killAfterCommittingMs !== null) setTimeout(() => child.kill('SIGKILL'), killAfterCommittingMs);
      }
      if (committedAt === null && stderr.includes('COMMITTED\n')) committedAt = now;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (killAfterCommittingMs === null && code !== 0)
        reject(new Error(`child failed (${code}): ${stderr}`));
      const reads = Number(/READS (\d+)/.exec(stderr)?.[1] ?? 0);
      resolve({ signal, committingAt, committedAt, reads });
    });
  });
}

const states = {
  import: { before: '', after: '', commitMs: 0 },
  compute: { before: '', after: '', commitMs: 0 },
};
let killedInCommit = { import: 0, compute: 0 };

beforeAll(async () => {
  await writeDemoDataset(early, { customers: 30, seed: 'kr-early', days: 200, end: '2026-03-31' });
  await writeDemoDataset(late, { customers: 12, seed: 'kr-late', days: 200, end: '2026-03-31' });
  const request = (paths: string[]) => ({
    partnerId: PARTNER,
    actor: 'test',
    paths,
    asOf: '2026-03-31',
    channel: 'direct' as const,
    partial: false,
    rejectsPath: path.join(tmp.dir, 'r.csv'),
    maxProblemsPerFile: 10,
  });
  let store = await openStore({ dataDir: computed, memoryLimit: '1GB', threads: 1 });
  await importFiles(store, request([early]));
  await computeMetrics(store, { partnerId: PARTNER });
  await store.close();
  cpSync(computed, imported, { recursive: true });
  store = await openStore({ dataDir: imported, memoryLimit: '1GB', threads: 1 });
  await importFiles(store, request([late]));
  await store.close();
  for (const mode of ['import', 'compute'] as const) {
    const base = mode === 'import' ? computed : imported;
    const full = path.join(tmp.dir, `full-${mode}`);
    cpSync(base, full, { recursive: true });
    const r = await runChild(full, mode, null);
    states[mode] = {
      before: await fingerprint(base),
      after: await fingerprint(full),
      commitMs: (r.committedAt ?? 0) - (r.committingAt ?? 0),
    };
    expect(r.reads, 'the readers read while the work ran').toBeGreaterThan(0);
  }
  killedInCommit = { import: 0, compute: 0 };
}, 300_000);

afterAll(() => tmp.cleanup());

describe('SIGKILL during a COMMIT while readers read', () => {
  it('the uninterrupted import and compute change what readers see (so the comparisons mean something)', () => {
    expect(states.import.after).not.toBe(states.import.before);
    expect(states.compute.after).not.toBe(states.compute.before);
    // The compute starts where the import of the late data left the store.
    expect(states.compute.before).toBe(states.import.after);
  });

  it.each([
    ['import', 0.15],
    ['import', 0.5],
    ['import', 0.85],
    ['compute', 0.15],
    ['compute', 0.5],
    ['compute', 0.85],
  ] as const)(
    '%s killed at %s of its COMMIT: the store opens and is all before or all after',
    async (mode, fraction) => {
      const dir = path.join(tmp.dir, `kill-${mode}-${fraction}`);
      cpSync(mode === 'import' ? computed : imported, dir, { recursive: true });
      const r = await runChild(dir, mode, Math.round(states[mode].commitMs * fraction));
      if (r.signal === 'SIGKILL' && r.committingAt !== null && r.committedAt === null) killedInCommit[mode]++;
      const state = await fingerprint(dir);
      if (r.signal === 'SIGKILL') expect([states[mode].before, states[mode].after]).toContain(state);
      else expect(state).toBe(states[mode].after);
    },
  );

  it('the kills landed inside the COMMITs', () => {
    expect(killedInCommit.import).toBeGreaterThanOrEqual(1);
    expect(killedInCommit.compute).toBeGreaterThanOrEqual(1);
  });
});
