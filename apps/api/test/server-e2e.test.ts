/**
 * End to end over a real loopback port: `startServer` on a demo store (as `insights serve` does),
 * the first start's account and one-time link, the local operator's credential file (owner-only),
 * requests over HTTP with it, and a graceful stop that removes the file.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  computeMetrics,
  loadConfig,
  openStore,
  readServerFile,
  SERVER_FILE,
  writeDemoDataset,
} from '@license-insights/core';
import { type TempStore, tempStore } from '@license-insights/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/server';

let t: TempStore;
let server: RunningServer;

beforeAll(async () => {
  t = await tempStore();
  const demo = path.join(t.files.dir, 'demo');
  await writeDemoDataset(demo, { customers: 6, seed: 'e2e', days: 40, end: '2026-03-31' });
  await t.import([demo], { partnerId: 'acme' });
  await computeMetrics(t.store, { partnerId: 'acme' });
  await t.store.close(); // the server opens the store itself, as `insights serve` does
  const config = loadConfig({
    cwd: t.files.dir,
    env: {},
    flags: { dataDir: t.dataDir, server: { port: 0, adminEmail: 'owner@acme.example' } },
  });
  server = await startServer({ config, logger: false });
}, 120_000);

afterAll(async () => {
  await server?.close();
  t.files.cleanup();
});

describe('the server on a loopback port', () => {
  it('made the first account and printed a one-time sign-in link for it', () => {
    expect(server.partnerId).toBe('acme');
    expect(server.signInLink?.email).toBe('owner@acme.example');
    expect(server.signInLink?.url).toMatch(
      /^http:\/\/localhost:\d+\/sign-in\/link#li_lnk_[A-Za-z0-9_-]{43}$/,
    );
  });

  it('left the local operator credential, readable by its owner only', () => {
    const file = readServerFile(t.dataDir);
    expect(file?.pid).toBe(process.pid);
    expect(statSync(path.join(t.dataDir, SERVER_FILE)).mode & 0o777).toBe(0o600);
    // The account store holds password and secret hashes: its owner's only, too.
    expect(statSync(path.join(t.dataDir, 'accounts.duckdb')).mode & 0o777).toBe(0o600);
  });

  it('answers over HTTP: health without a credential, the caller with the local credential', async () => {
    const file = readServerFile(t.dataDir);
    if (file === null) throw new Error('server file');
    const health = await fetch(`${file.url}/api/v1/health`);
    expect(health.status).toBe(200);
    expect(health.headers.get('x-content-type-options')).toBe('nosniff');
    const anonymous = await fetch(`${file.url}/api/v1/me`);
    expect(anonymous.status).toBe(401);
    const me = await fetch(`${file.url}/api/v1/me`, {
      headers: { authorization: `Bearer ${file.secret}`, 'x-insights-os-user': 'alice' },
    });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({
      partnerId: 'acme',
      via: 'local',
      email: 'local operator (OS user alice)',
      roles: ['admin_agent', 'sales_agent', 'user_admin'],
    });
  });

  it('a port another program holds is a clear configuration error, not a crash', async () => {
    const other = mkdtempSync(path.join(os.tmpdir(), 'li-e2e-port-'));
    try {
      const port = Number(new URL(server.url).port);
      const config = loadConfig({
        cwd: other,
        env: {},
        flags: { dataDir: path.join(other, 'data'), server: { port } },
      });
      const refused = startServer({ config, logger: false });
      await expect(refused).rejects.toMatchObject({
        code: 'config.invalid',
        message: expect.stringContaining(`port ${port} on 127.0.0.1 is already in use`),
      });
      // It let go of the stores it opened: the folder's store opens again.
      const store = await openStore(config, { create: false });
      await store.close();
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('stops gracefully and removes its credential file', async () => {
    const file = readServerFile(t.dataDir);
    await server.close();
    expect(readServerFile(t.dataDir)).toBeNull();
    await expect(fetch(`${file?.url}/api/v1/health`)).rejects.toThrow();
  });
});
