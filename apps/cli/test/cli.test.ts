/** The `insights` command in-process: help, exit codes, the output contract, real DuckDB underneath. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '@license-insights/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/main';
import type { Terminal } from '../src/output';

const tmp = tempDir('li-cli-');
afterAll(() => tmp.cleanup());

function fakeTerminal(tty = false, stderrTty = false, onErr?: (text: string) => void) {
  const out: string[] = [];
  const err: string[] = [];
  const term: Terminal = {
    stdoutIsTty: tty,
    stderrIsTty: stderrTty,
    color: false,
    out: (t) => out.push(t),
    err: (t) => {
      err.push(t);
      onErr?.(t);
    },
  };
  return { term, stdout: () => out.join(''), stderr: () => err.join('') };
}

async function cli(
  args: string[],
  opts: {
    tty?: boolean;
    env?: Record<string, string>;
    /** stderr is a terminal (progress bars), and every write to it is seen here. */
    onErr?: (text: string) => void;
  } = {},
) {
  const t = fakeTerminal(opts.tty, opts.onErr !== undefined, opts.onErr);
  const code = await runCli(args, t.term, { ...opts.env }, tmp.dir);
  return { code, stdout: t.stdout(), stderr: t.stderr() };
}

const data = path.join(tmp.dir, 'data');

describe('insights CLI', () => {
  it('prints the command list and the exit codes', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    for (const c of [
      'import',
      'compute',
      'report',
      'recommendations',
      'settings',
      'exclusions',
      'demo',
      'status',
    ])
      expect(r.stdout).toContain(`  ${c}`);
    expect(r.stdout).toContain('Exit codes:');
    expect((await cli([])).code).toBe(2);
  });

  it.each(['import', 'compute', 'report', 'recommendations', 'settings', 'exclusions', 'demo', 'status'])(
    'has --help for %s',
    async (command) => {
      const r = await cli([command, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: insights ${command}`);
      expect(r.stdout).toContain('--data <dir>');
    },
  );

  it('refuses unknown commands and options with exit code 2 on stderr', async () => {
    const a = await cli(['frobnicate']);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('unknown command "frobnicate"');
    const b = await cli(['status', '--colour']);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/Unknown option '--colour'/);
    expect(b.stdout).toBe('');
  });

  it('refuses an invalid configuration with exit code 6', async () => {
    const r = await cli(['status', '--data', data], { env: { LI_PARTNER: 'not a valid id!' } });
    expect(r.code).toBe(6);
    expect(r.stderr).toContain('partnerId');
  });

  it('imports files: JSON report on stdout when piped, exit 0', async () => {
    const dir = path.join(tmp.dir, 'ok');
    tempWrite(dir, 'customers.csv', 'customer_id,name\nc1,Contoso\n');
    tempWrite(dir, 'users.csv', 'customer_id,user_id\nc1,u1\n');
    const r = await cli(['import', '--data', data, '--partner', 'p1', dir]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { outcome: string; files: unknown[] };
    expect(report.outcome).toBe('committed');
    expect(report.files).toHaveLength(2);
  });

  it('rejects invalid input with exit 3 and file:line:column problems on stderr', async () => {
    const dir = path.join(tmp.dir, 'bad');
    tempWrite(dir, 'customers.csv', 'customer_id,name\nc2,Fabrikam\n');
    tempWrite(dir, 'users.csv', 'customer_id,user_id,deleted_on\nc2,u1,2026-02-30\n');
    const r = await cli(['import', '--data', data, '--partner', 'p1', dir], { tty: true });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(
      'users.csv:2:3: error: invalid deleted_on (value "2026-02-30"; expected a calendar date YYYY-MM-DD)',
    );
    expect(r.stdout).toContain('rejected: nothing was stored');
    const status = JSON.parse((await cli(['status', '--data', data, '--partner', 'p1'])).stdout) as {
      partners: { customers: number }[];
    };
    expect(status.partners[0]?.customers).toBe(1);
  });

  it('with --partial stores the valid rows, writes the rejects file and exits 4', async () => {
    const dir = path.join(tmp.dir, 'partial');
    tempWrite(dir, 'customers.csv', 'customer_id,name\nc3,Northwind\nc4,\n');
    const rejects = path.join(tmp.dir, 'rejects.csv');
    const r = await cli(
      ['import', '--data', data, '--partner', 'p1', '--partial', '--rejects', rejects, dir],
      { tty: true },
    );
    expect(r.code).toBe(4);
    expect(existsSync(rejects)).toBe(true);
    expect(readFileSync(rejects, 'utf8')).toContain('name is required');
    expect(r.stdout).toContain('rejected rows and their reasons: rejects.csv');
  });

  it('refuses a folder with no data file with exit 3, naming what was skipped (bug: "unchanged", exit 0)', async () => {
    const dir = path.join(tmp.dir, 'no-data');
    tempWrite(dir, 'readme.txt', 'hello');
    const r = await cli(['import', '--data', data, '--partner', 'p1', dir], { tty: true });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(
      'no-data: error: no data file in this folder: skipped readme.txt (not a .csv, .ndjson, .jsonl, .json file)',
    );
    expect(r.stdout).toContain(
      '✖ rejected: nothing was stored — 0 rows read, 0 rejected, 1 file refused as a whole; 1 problem, listed above.',
    );
  });

  it('in --partial mode the summary adds up the table and never says "unchanged" of rejected rows', async () => {
    const dir = path.join(tmp.dir, 'partial-header');
    tempWrite(dir, 'customers.csv', 'customer_id,nam\nc8,Contoso\nc9,Fabrikam\n');
    const rejects = path.join(tmp.dir, 'rejects-header.csv');
    const r = await cli(
      ['import', '--data', data, '--partner', 'p9', '--partial', '--rejects', rejects, dir],
      {
        tty: true,
      },
    );
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/customers\.csv\s+customers \(refused\)\s+2\s+0\s+0\s+0\s+2\n/);
    expect(r.stdout).toContain(
      '⚠ partial: the valid rows were stored — 2 rows read, 2 rejected, 1 file refused as a whole; 2 problems, listed above;',
    );
    expect(r.stdout).not.toContain('unchanged:');
    expect(readFileSync(rejects, 'utf8')).toContain('required column name is missing');
  });

  it('refuses --rejects into a missing folder before anything runs, with exit 2 (bug: a crash)', async () => {
    const dir = path.join(tmp.dir, 'partial');
    const fresh = path.join(tmp.dir, 'never-created');
    const r = await cli([
      'import',
      '--data',
      fresh,
      '--partial',
      '--rejects',
      path.join(tmp.dir, 'nope', 'r.csv'),
      dir,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`the folder ${path.join(tmp.dir, 'nope')} does not exist`);
    expect(existsSync(fresh)).toBe(false);
  });

  it('lists a record over the size limit at its line, and only what it counts (bug: "and 1 more problems", none listed)', async () => {
    const dir = path.join(tmp.dir, 'big-record');
    tempWrite(
      dir,
      'customers.csv',
      `customer_id,name\nc1,Contoso\nc2,${'x'.repeat(3_000_000)}\nc3,Fabrikam\n`,
    );
    const r = await cli(['import', '--data', data, '--partner', 'p1', dir], { tty: true });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(
      'customers.csv:3:2: error: record too long to be a row of this file (often a stray " that swallowed the lines after it) (value "3,000,003 bytes"; expected records shorter than 2,000,000 bytes)',
    );
    expect(r.stderr).not.toContain('more problems');
    expect(r.stdout).toContain('3 rows read, 1 rejected; 1 problem, listed above.');
  });

  it('imports a ;-separated file (Excel in Polish or German)', async () => {
    const dir = path.join(tmp.dir, 'semicolon');
    tempWrite(
      dir,
      'customers.csv',
      '\uFEFFcustomer_id;name;groups\r\nc5;"Zakład; Sp. z o.o.";"west;priority"\r\n',
    );
    const r = await cli(['import', '--data', data, '--partner', 'p5', dir]);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { outcome: string }).outcome).toBe('committed');
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    'on %s during an import says "interrupted, nothing stored" and exits %i',
    async (signal, code) => {
      const dir = path.join(tmp.dir, `signal-${signal}`);
      tempWrite(dir, 'customers.csv', 'customer_id,name\nc1,Contoso\n');
      tempWrite(dir, 'users.csv', 'customer_id,user_id\nc1,u1\n');
      let sent = false;
      const r = await cli(['import', '--data', data, '--partner', `sig-${code}`, dir], {
        onErr: (text) => {
          // The first progress draw of users.csv in the transaction: the signal lands mid-import.
          if (!sent && text.includes('users.csv · validating')) {
            sent = true;
            process.emit(signal, signal);
          }
        },
      });
      expect(sent).toBe(true);
      expect(r.code).toBe(code);
      expect(r.stderr).toContain(`interrupted, nothing stored (${signal})`);
      expect(process.listenerCount(signal)).toBe(0);
      const status = JSON.parse(
        (await cli(['status', '--data', data, '--partner', `sig-${code}`])).stdout,
      ) as {
        partners: { customers: number }[];
      };
      expect(status.partners[0]?.customers ?? 0).toBe(0);
    },
  );

  it('shows status as a table on a terminal', async () => {
    const r = await cli(['status', '--data', data, '--partner', 'p1'], { tty: true });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Partner p1');
    expect(r.stdout).toMatch(/customers\s+2\n/);
    expect(r.stdout).toContain('Recent imports');
  });

  it('generates and imports a demo portfolio for the demo partner', async () => {
    const demoData = path.join(tmp.dir, 'demo-data');
    const r = await cli([
      'demo',
      '--data',
      demoData,
      '--customers',
      '4',
      '--days',
      '60',
      '--end',
      '2026-03-31',
      '--import',
    ]);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as { customers: number; activity: number; importId: string };
    expect(summary.customers).toBe(4);
    expect(summary.activity).toBeGreaterThan(0);
    const status = JSON.parse((await cli(['status', '--data', demoData])).stdout) as {
      partners: { partnerId: string; customers: number }[];
    };
    expect(status.partners.map((p) => [p.partnerId, p.customers])).toEqual([['demo', 4]]);
  });

  it('validates option values', async () => {
    expect((await cli(['demo', '--customers', 'many'])).stderr).toContain(
      '--customers must be a whole number',
    );
    expect((await cli(['import', '--as-of', '2026-02-30', 'x.csv'])).code).toBe(2);
    expect((await cli(['import'])).stderr).toContain('name at least one file');
  });

  it('computes metrics and reports them as SPEC rows (csv when piped, json, table)', async () => {
    const demoData = path.join(tmp.dir, 'report-data');
    const args = ['--data', demoData, '--partner', 'demo'];
    expect((await cli(['report', 'portfolio', ...args])).code).toBe(2); // nothing computed yet
    await cli([
      'demo',
      '--data',
      demoData,
      '--customers',
      '12',
      '--days',
      '70',
      '--end',
      '2026-03-31',
      '--import',
    ]);
    const noMetrics = await cli(['report', 'portfolio', ...args]);
    expect(noMetrics.stderr).toContain('run `insights compute`');
    const before = JSON.parse((await cli(['status', ...args])).stdout) as {
      partners: { metrics: unknown }[];
    };
    expect(before.partners[0]?.metrics).toBeNull();
    const c = await cli(['compute', ...args]);
    expect(c.code).toBe(0);
    const after = JSON.parse((await cli(['status', ...args])).stdout) as { partners: { metrics: unknown }[] };
    expect(after.partners[0]?.metrics).toEqual({
      firstDay: expect.any(String),
      lastDay: '2026-03-31',
      outOfDate: 0,
    });
    expect(JSON.parse(c.stdout)).toMatchObject({ mode: 'full', customers: 12, lastDay: '2026-03-31' });
    const csv = await cli(['report', 'portfolio', ...args]);
    expect(csv.code).toBe(0);
    const [header, ...lines] = csv.stdout.trim().split('\r\n');
    expect(header).toBe(
      'processedDateTime,customerTenantId,customerName,serviceCode,serviceName,productId,productName,channel,workloadCode,workloadName,licensesSold,licensesSoldOwn,licensesDeployed,licensesActive,licensesQualified,deploymentPercent,usagePercent,usageReasons,deploymentReasons',
    );
    expect(lines.length).toBeGreaterThan(30);
    expect(lines.every((l) => l.startsWith('2026-03-31,'))).toBe(true);
    const json = JSON.parse(
      (await cli(['report', 'portfolio', '--format', 'json', '--date', '2026-03-15', ...args])).stdout,
    ) as {
      processedDateTime: string;
      workloadCode: string;
      usagePercent: number | null;
      usageReasons: Record<string, number>;
    }[];
    expect(json.every((r) => r.processedDateTime === '2026-03-15')).toBe(true);
    for (const r of json) {
      if (r.usagePercent !== null && r.usagePercent > 100)
        expect(Object.keys(r.usageReasons).length).toBeGreaterThan(0);
    }
    const table = await cli(['report', 'portfolio', '--format', 'table', ...args], { tty: true });
    expect(table.stdout).toContain('Portfolio on 2026-03-31');
    expect(table.stdout).toContain('month over month');
    const name = json[0] as unknown as { customerName: string };
    const customer = await cli(['report', 'customer', name.customerName, '--format', 'table', ...args], {
      tty: true,
    });
    expect(customer.code).toBe(0);
    expect(customer.stdout).toContain(name.customerName);
    expect((await cli(['report', 'customer', 'no such customer', ...args])).stderr).toContain('no customer');
    expect((await cli(['report', 'portfolio', '--date', '2020-01-01', ...args])).stderr).toContain(
      'no metrics for 2020-01-01',
    );
  });

  it('lists recommendation cards by priority (csv when piped, json, cards on a terminal, Polish)', async () => {
    const args = ['--data', path.join(tmp.dir, 'report-data'), '--partner', 'demo'];
    const csv = await cli(['recommendations', ...args]);
    expect(csv.code).toBe(0);
    const [header, ...lines] = csv.stdout.trim().split('\r\n');
    expect(header).toBe(
      'rank,day,rule,ruleName,customerId,customerName,productId,productName,workload,subscriptionId,priorityScore,quantityAtStake,unit,unitPrice,currency,problem,consider,try,evidence,thresholds,id',
    );
    expect(lines.length).toBeGreaterThan(3);
    const json = JSON.parse((await cli(['recommendations', '--format', 'json', ...args])).stdout) as {
      day: string;
      cards: { rank: number; rule: string; customerId: string; priority: { score: number } }[];
    };
    expect(json.day).toBe('2026-03-31');
    expect(json.cards.map((c) => c.rank)).toEqual(json.cards.map((_, i) => i + 1));
    const scores = json.cards.map((c) => c.priority.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(json.cards).toHaveLength(lines.length);

    const first = json.cards[0];
    if (first === undefined) throw new Error('no cards');
    const one = JSON.parse(
      (
        await cli([
          'recommendations',
          '--format',
          'json',
          '--rule',
          first.rule,
          '--customer',
          first.customerId,
          ...args,
        ])
      ).stdout,
    ) as typeof json;
    expect(one.cards.every((c) => c.rule === first.rule && c.customerId === first.customerId)).toBe(true);

    const table = await cli(['recommendations', '--format', 'table', '--limit', '2', ...args], { tty: true });
    expect(table.stdout).toContain(`${json.cards.length} recommendations for 2026-03-31`);
    expect(table.stdout).toContain('Why:');
    expect(table.stdout).toContain('Thresholds:');
    expect(table.stdout).toContain(`… ${json.cards.length - 2} more`);
    const pl = await cli(['recommendations', '--format', 'table', '--lang', 'pl', ...args], { tty: true });
    expect(pl.stdout).toContain('Dlaczego:');
    expect(pl.stdout).toContain('Rekomendacje na 2026-03-31');

    expect((await cli(['recommendations', '--rule', 'NOPE', ...args])).stderr).toContain(
      '--rule must be one of',
    );
    expect((await cli(['recommendations', '--lang', 'de', ...args])).stderr).toContain(
      '--lang must be en or pl',
    );
  });

  it('changes thresholds and exclusions, recorded with who and when', async () => {
    const args = ['--data', path.join(tmp.dir, 'report-data'), '--partner', 'demo'];
    const env = { LI_ACTOR: 'alice@partner.example' };
    const count = async () =>
      (
        JSON.parse((await cli(['recommendations', '--format', 'json', ...args])).stdout) as {
          cards: unknown[];
        }
      ).cards.length;
    const before = await count();
    const set = await cli(['settings', 'set', 'UPSELL.enabled', 'false', ...args], { env });
    expect(set.code).toBe(0);
    expect(set.stderr).toContain('UPSELL.enabled: true → false');
    const shown = await cli(['settings', ...args], { tty: true });
    expect(shown.stdout).toMatch(/UPSELL\.enabled\s+false\s+default true/);
    expect(shown.stdout).toContain('by alice@partner.example');
    expect((await cli(['settings', 'set', 'UPSELL.usageAtLeast', 'lots', ...args])).code).toBe(2);

    const cards = JSON.parse((await cli(['recommendations', '--format', 'json', ...args])).stdout) as {
      cards: { rule: string; customerId: string; productId: string | null }[];
    };
    expect(cards.cards.some((c) => c.rule === 'UPSELL')).toBe(false);
    const target = cards.cards.find((c) => c.productId !== null);
    if (target === undefined || target.productId === null) throw new Error('no product card');
    const add = await cli(
      [
        'exclusions',
        'add',
        '--customer',
        target.customerId,
        '--product',
        target.productId,
        '--reason',
        'pilot',
        ...args,
      ],
      { env },
    );
    expect(add.code).toBe(0);
    const list = JSON.parse((await cli(['exclusions', ...args])).stdout) as {
      reason: string;
      createdBy: string;
    }[];
    expect(list).toMatchObject([{ reason: 'pilot', createdBy: 'alice@partner.example' }]);
    expect(
      (await cli(['exclusions', 'add', '--customer', target.customerId, '--product', '*', ...args])).stderr,
    ).toContain('--reason is required');
    const silenced = await cli(['recommendations', '--format', 'table', ...args], { tty: true });
    expect(silenced.stdout).toMatch(/cards silenced by exclusions/);
    expect(
      (
        await cli(
          ['exclusions', 'remove', '--customer', target.customerId, '--product', target.productId, ...args],
          { env },
        )
      ).code,
    ).toBe(0);
    expect((await cli(['settings', 'reset', ...args], { env })).code).toBe(0);
    expect(await count()).toBe(before);

    const log = JSON.parse((await cli(['settings', 'log', ...args])).stdout) as {
      actor: string;
      action: string;
    }[];
    expect(log.map((e) => e.action)).toEqual([
      'settings.change',
      'exclusion.remove',
      'exclusion.add',
      'settings.change',
    ]);
    expect(new Set(log.map((e) => e.actor))).toEqual(new Set(['alice@partner.example']));
  });
});

function tempWrite(dir: string, name: string, content: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, name), content);
}
