/**
 * How people start the CLI: the README's commands can only run this clone's `insights` (never the
 * unrelated public npm package `insights` that `npx insights` offers outside the clone), and the
 * repo-root launcher works from any folder, with paths relative to where it is run.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '@license-insights/core/testing';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const LAUNCHER = path.join(ROOT, 'insights');
const tmp = tempDir('li-launcher-');
afterAll(() => tmp.cleanup());

/** Shell lines of the fenced code blocks of a Markdown file. */
function codeLines(file: string): string[] {
  const blocks = readFileSync(path.join(ROOT, file), 'utf8')
    .split('```')
    .filter((_, i) => i % 2 === 1);
  return blocks.flatMap((b) => b.split('\n').slice(1)).filter((l) => l.trim() !== '');
}

describe('starting the CLI', () => {
  it('no command in the docs runs `npx insights`; every CLI line of the README goes through ./insights', () => {
    // Bug: README said `npx insights …`; outside the clone npx offered to install the public package "insights".
    const docs = [
      'README.md',
      'CONTRIBUTING.md',
      'ARCHITECTURE.md',
      'docs/metrics.md',
      'docs/data-formats.md',
      'docs/scale-out.md',
    ];
    for (const file of docs)
      for (const line of codeLines(file)) expect(line, file).not.toMatch(/npx\s+insights/);
    const cli = codeLines('README.md').filter((l) => /(^|\s|\/)insights\s/.test(l));
    expect(cli.length).toBeGreaterThan(10);
    for (const line of cli) expect(line, line).toMatch(/^(\.\/insights |npm )/);
  });

  it('the repo-root launcher runs this clone from another folder, paths relative to that folder', () => {
    const version = (
      JSON.parse(readFileSync(path.join(ROOT, 'apps/cli/package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
    const v = spawnSync(process.execPath, [LAUNCHER, '--version'], { cwd: tmp.dir, encoding: 'utf8' });
    expect([v.status, v.stdout, v.stderr]).toEqual([0, `${version}\n`, '']);
    const demo = spawnSync(
      process.execPath,
      [LAUNCHER, 'demo', '--customers', '1', '--days', '28', '--end', '2026-03-31', '--data', 'here'],
      { cwd: tmp.dir, encoding: 'utf8' },
    );
    expect(demo.status, demo.stderr).toBe(0);
    // The demo's files go inside the data directory by default.
    const out = (JSON.parse(demo.stdout) as { outDir: string }).outDir;
    expect(out).toBe(path.join(tmp.dir, 'here', 'demo-dataset'));
    expect(existsSync(path.join(out, 'customers.csv'))).toBe(true);
  });

  it('the default data directory, where the demo writes, is ignored by git', () => {
    // `git check-ignore` exits 0 when the path is ignored, 1 when it is not.
    for (const p of ['data/demo-dataset/activity.csv', 'data/insights.duckdb']) {
      expect(
        () => execFileSync('git', ['check-ignore', '-q', '--no-index', p], { cwd: ROOT }),
        p,
      ).not.toThrow();
    }
  });
});
