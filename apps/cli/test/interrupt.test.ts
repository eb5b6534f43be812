/**
 * SIGINT and SIGTERM delivered by the operating system to a real `insights import` process (issue
 * 9): before the commit the import rolls back, says "interrupted, nothing stored" and exits 130 or
 * 143; once the commit has begun it completes. The moment is chosen by the progress bar's text
 * (see helpers/insights-tty-stderr.ts), not by a delay.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore, writeDemoDataset } from '@license-insights/core';
import { tempDir } from '@license-insights/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHILD = fileURLToPath(new URL('./helpers/insights-tty-stderr.ts', import.meta.url));
const tmp = tempDir('li-signal-');
const dataset = path.join(tmp.dir, 'dataset');
afterAll(() => tmp.cleanup());

beforeAll(async () => {
  await writeDemoDataset(dataset, { customers: 8, seed: 'signal', days: 200, end: '2026-03-31' });
}, 120_000);

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
  readonly sent: boolean;
}

/** Runs `insights import` and sends `signal` when stderr first shows `when`. */
function importUntil(dataDir: string, when: RegExp, signal: NodeJS.Signals): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        CHILD,
        'import',
        '--data',
        dataDir,
        '--partner',
        'p-sig',
        '--as-of',
        '2026-03-31',
        dataset,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
    );
    let stderr = '';
    let sent = false;
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
      if (!sent && when.test(stderr)) {
        sent = true;
        child.kill(signal);
      }
    });
    child.on('error', reject);
    child.on('exit', (code, sig) => resolve({ code, signal: sig, stderr, sent }));
  });
}

async function customersStored(dataDir: string): Promise<number> {
  const store = await openStore({ dataDir, memoryLimit: '1GB', threads: 1 });
  try {
    return (await store.status('p-sig')).partners[0]?.customers ?? 0;
  } finally {
    await store.close();
  }
}

describe('insights import under SIGINT and SIGTERM', () => {
  it.each([
    ['SIGINT', 'while the activity file is read', 130, /activity[^\n\r]*· reading/],
    ['SIGTERM', 'inside the transaction', 143, /· merging/],
  ] as const)('%s %s: nothing stored, exit %i', async (signal, _moment, code, when) => {
    const dataDir = path.join(tmp.dir, `data-${signal}`);
    const r = await importUntil(dataDir, when, signal);
    expect(r.sent).toBe(true);
    expect({ code: r.code, signal: r.signal }).toEqual({ code, signal: null });
    expect(r.stderr).toContain(`interrupted, nothing stored (${signal})`);
    expect(await customersStored(dataDir)).toBe(0);
  });

  it('a signal once the commit has begun lets the import complete and says so', async () => {
    const dataDir = path.join(tmp.dir, 'data-commit');
    const r = await importUntil(dataDir, /committing/, 'SIGINT');
    expect(r.sent).toBe(true);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("SIGINT came after the import's commit had begun: it completed as reported");
    expect(await customersStored(dataDir)).toBe(8);
  });
});
