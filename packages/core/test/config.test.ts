import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, publicUrlOf } from '../src/config';
import { tempDir } from '../src/testing';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('configuration', () => {
  it('has defaults and is frozen', () => {
    const c = loadConfig({ cwd: tmp.dir, env: {} });
    // No partner unless named: commands then use the store's only partner (resolve-partner.ts).
    expect(c.partnerId).toBeUndefined();
    expect(c).toMatchObject({
      actor: 'cli',
      maxProblemsPerFile: 100,
      dataDir: `${tmp.dir}/data`,
    });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('layers defaults < file < environment < flags', () => {
    tmp.file(
      'insights.config.json',
      JSON.stringify({ partnerId: 'from-file', dataDir: 'file-data', maxProblemsPerFile: 7 }),
    );
    expect(loadConfig({ cwd: tmp.dir, env: {} })).toMatchObject({
      partnerId: 'from-file',
      maxProblemsPerFile: 7,
    });
    expect(loadConfig({ cwd: tmp.dir, env: { LI_PARTNER: 'from-env' } }).partnerId).toBe('from-env');
    const c = loadConfig({
      cwd: tmp.dir,
      env: { LI_PARTNER: 'from-env' },
      flags: { partnerId: 'from-flag' },
    });
    expect(c.partnerId).toBe('from-flag');
    expect(c.dataDir).toBe(`${tmp.dir}/file-data`);
  });

  it('explains what is wrong', () => {
    expect(() => loadConfig({ cwd: tmp.dir, env: { LI_PARTNER: 'has space' } })).toThrow(
      /partnerId: letters, digits/,
    );
    const bad = tmp.file('bad.json', '{ not json');
    expect(() => loadConfig({ cwd: tmp.dir, env: {}, flags: { configFile: bad } })).toThrow(
      /cannot read config file/,
    );
    const unknown = tmp.file('unknown.json', JSON.stringify({ partner: 'x' }));
    expect(() => loadConfig({ cwd: tmp.dir, env: {}, flags: { configFile: unknown } })).toThrow(
      /Unrecognized key/,
    );
  });
});

describe('the server’s public URL (printed sign-in links)', () => {
  const config = (env: Record<string, string>) => loadConfig({ cwd: tmp.dir, env });

  it('is the configured one, else the scheme, a host people can open and the port', () => {
    expect(publicUrlOf(config({ LI_PUBLIC_URL: 'https://insights.partner.example/' }))).toBe(
      'https://insights.partner.example',
    );
    expect(publicUrlOf(config({}))).toBe('http://localhost:8080');
    // `insights serve` passes the port it listens on (port 0: one the system chose).
    expect(publicUrlOf(config({ LI_HOST: '0.0.0.0', LI_PORT: '0' }), 41234)).toBe('http://localhost:41234');
    expect(publicUrlOf(config({ LI_HOST: 'insights.lan', LI_TLS_CERT: 'c.pem', LI_TLS_KEY: 'k.pem' }))).toBe(
      'https://insights.lan:8080',
    );
    expect(publicUrlOf(config({ LI_HOST: 'fd00::1', LI_PORT: '9000' }))).toBe('http://[fd00::1]:9000');
  });
});
