/** A dashboard build in a temporary folder (an index.html and one hashed asset), for the page routes. */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const FIXTURE_INDEX =
  '<!doctype html><html lang="en"><head><title>License Insights</title><script type="module" src="/assets/app-1a2b3c.js"></script></head><body><div id="root"></div></body></html>';
export const FIXTURE_SCRIPT = 'document.getElementById("root").textContent = "dashboard";';

/** An asset large enough to be worth compressing. */
export const FIXTURE_BIG = `${'export const rows = ['.padEnd(40)}${Array.from({ length: 2000 }, (_, i) => `'row ${i}'`).join(',')}];`;

export async function webDistFixture(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'li-web-'));
  await mkdir(path.join(dir, 'assets'));
  await writeFile(path.join(dir, 'index.html'), FIXTURE_INDEX);
  await writeFile(path.join(dir, 'assets', 'app-1a2b3c.js'), FIXTURE_SCRIPT);
  await writeFile(path.join(dir, 'assets', 'big-4d5e6f.js'), FIXTURE_BIG);
  return dir;
}
