/**
 * The file a running server leaves in its data directory (`server.json`, owner-only): where it
 * listens and the local operator's credential. The CLI reads it to send its commands through the
 * server (one process owns the embedded store) instead of failing on the store's lock.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const SERVER_FILE = 'server.json';

export interface ServerFile {
  /** Where the CLI reaches the server (loopback when it listens on every address). */
  readonly url: string;
  readonly pid: number;
  readonly startedAt: string;
  /** The local operator's credential: all roles, audited as the local operator and the OS user. */
  readonly secret: string;
}

/** Writes the file anew (so its mode applies: an existing file would keep its own). */
export function writeServerFile(dataDir: string, file: ServerFile): string {
  const p = path.join(dataDir, SERVER_FILE);
  rmSync(p, { force: true });
  writeFileSync(p, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  return p;
}

/** The running server's file in a data directory; null when there is none or its process is gone. */
export function readServerFile(dataDir: string): ServerFile | null {
  let parsed: ServerFile;
  try {
    parsed = JSON.parse(readFileSync(path.join(dataDir, SERVER_FILE), 'utf8')) as ServerFile;
  } catch {
    return null;
  }
  if (typeof parsed.pid !== 'number' || typeof parsed.url !== 'string' || typeof parsed.secret !== 'string') {
    return null;
  }
  try {
    process.kill(parsed.pid, 0);
  } catch (e) {
    // ESRCH: no such process (a crashed server left the file); EPERM: alive, another user's.
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return null;
  }
  return parsed;
}
