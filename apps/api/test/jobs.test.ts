/**
 * Jobs over HTTP (in memory, `inject`): an upload streamed to disk starts an import job whose
 * events end with the import report `insights import` prints (files named as uploaded), a compute
 * queued after it, cancel (queued and running: nothing stored), the size and file-count limits
 * (413, nothing imported), the upload's fields checked by their schema, sanitised file names, the
 * rejects of a partial import for download, Last-Event-ID, who may see a job (403 by role or scope,
 * 404 for another partner's), reads answered while an import runs with the database's threads
 * lowered, one writer at a time (a second job queues, whatever its partner), the report equal to
 * the one the CLI's import gives for the same files, and graceful shutdown (a running job finishes
 * within the grace period or is cancelled after it, queued ones are cancelled, followers get the
 * final event).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { computeReportSchema, importReportSchema, type Job, jobSchema } from '@license-insights/contracts';
import { type ImportRequest, importFiles, loadConfig, writeDemoDataset } from '@license-insights/core';
import { TEST_POSTGRES_ENV, tempStore } from '@license-insights/core/testing';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app';
import { safeFileName } from '../src/routes/jobs';
import { multipart, parseSse, type UploadFile } from './helpers/multipart';
import { OTHER_PARTNER, PARTNER, startTestApp, type TestApp } from './helpers/test-app';

/** Run by the `api on postgres` project (vitest.config.ts) on PostgreSQL. */
const onPostgres = Boolean(process.env[TEST_POSTGRES_ENV]);

let s: TestApp;
let admin: string;
/** A partner of its own for imports (the demo partner's data stays as the other tests expect). */
const FRESH = 'fresh';
let fresh: string;
let demoFiles: UploadFile[];

beforeAll(async () => {
  s = await startTestApp({ deps: { jobOptions: { threadsWhileBusy: 1, heartbeatMs: 50 } } });
  admin = await s.token(['admin_agent']);
  fresh = await s.token(['admin_agent'], { partnerId: FRESH });
  const dir = path.join(s.t.files.dir, 'upload-demo');
  const summary = await writeDemoDataset(dir, { customers: 30, seed: 'jobs', days: 120, end: '2026-03-31' });
  demoFiles = summary.files.map((f) => ({ name: path.basename(f), content: readFileSync(f) }));
}, 180_000);
afterAll(() => s.close());

const uploadsDir = () => path.join(s.t.dataDir, 'uploads');
const uploadsLeft = () => (existsSync(uploadsDir()) ? readdirSync(uploadsDir()) : []);

function upload(token: string, fields: Record<string, string>, files: readonly UploadFile[]) {
  const { payload, headers } = multipart(fields, files);
  return s.call(token, { method: 'POST', url: '/api/v1/jobs/import', payload, headers });
}

/** Follows a job's events to its end (the stream ends with the job). */
async function follow(token: string, jobId: string, lastEventId?: number) {
  const r = await s.call(token, {
    method: 'GET',
    url: `/api/v1/jobs/${jobId}/events`,
    headers: lastEventId === undefined ? {} : { 'last-event-id': String(lastEventId) },
  });
  expect(r.statusCode).toBe(200);
  expect(r.headers['content-type']).toContain('text/event-stream');
  return parseSse(r.body);
}

/** The configuration the test server runs with. */
const serverConfig = () => loadConfig({ cwd: s.t.dataDir, env: {}, flags: { dataDir: s.t.dataDir } });

const customersCsv = (rows: string) => ({ name: 'customers.csv', content: `customer_id,name\n${rows}` });

describe('an import job from an upload', () => {
  it('streams the files to disk, runs the import, reports it as the CLI does, then computes', async () => {
    const r = await upload(fresh, { compute: 'true' }, demoFiles);
    expect(r.statusCode).toBe(202);
    const job = jobSchema.parse(r.json());
    expect(job).toMatchObject({ kind: 'import', state: expect.stringMatching(/queued|running/) });
    expect(job.kind === 'import' && [...job.files].sort()).toEqual(demoFiles.map((f) => f.name).sort());

    const events = await follow(fresh, job.jobId);
    const last = events.at(-1);
    expect(last?.event).toBe('done');
    expect(events.slice(0, -1).every((e) => e.event === 'progress')).toBe(true);
    // Event ids count up; progress only moves forward.
    const ids = events.map((e) => e.id ?? 0);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const progress = events
      .filter((e) => e.event === 'progress')
      .map((e) => e.data as { fraction: number; progress: { file: string } | null });
    const fractions = progress.map((e) => e.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    // Progress names the files as uploaded too.
    const named = progress.flatMap((e) =>
      e.progress === null || e.progress.file === '' ? [] : [e.progress.file],
    );
    expect(named.length).toBeGreaterThan(0);
    expect(named.every((f) => demoFiles.some((d) => d.name === f))).toBe(true);
    const done = last?.data as { report: unknown; computeJobId: string | null };
    const report = importReportSchema.parse(done.report);
    expect(report.outcome).toBe('committed');
    // Files as uploaded, never the server's paths.
    expect(report.files.map((f) => f.file).sort()).toEqual(demoFiles.map((f) => f.name).sort());
    expect(report.files.reduce((n, f) => n + f.inserted, 0)).toBeGreaterThan(0);
    // The uploaded files are gone once the job ended.
    expect(uploadsLeft()).toEqual([]);

    // A compute was queued after it, and brings the metrics up to date.
    expect(done.computeJobId).not.toBeNull();
    const computeEvents = await follow(fresh, String(done.computeJobId));
    expect(computeEvents.at(-1)?.event).toBe('done');
    const computed = computeReportSchema.parse(
      (computeEvents.at(-1)?.data as { report: unknown } | undefined)?.report,
    );
    expect(computed.customers).toBe(30);

    const list = await s.call(fresh, { method: 'GET', url: '/api/v1/jobs' });
    const jobs = (list.json() as { jobs: Job[] }).jobs;
    expect(jobs.map((j) => [j.kind, j.state])).toEqual([
      ['compute', 'succeeded'],
      ['import', 'succeeded'],
    ]);
    const one = await s.call(fresh, { method: 'GET', url: `/api/v1/jobs/${job.jobId}` });
    expect(one.json()).toMatchObject({ state: 'succeeded', fraction: 1, computeJobId: done.computeJobId });
  }, 120_000);

  it('replays what a client missed after Last-Event-ID, and the latest state without it', async () => {
    const r = await upload(fresh, { compute: 'false' }, [customersCsv('fresh-1,Fresh One\n')]);
    const jobId = (r.json() as Job).jobId;
    const all = await follow(fresh, jobId);
    expect(all.length).toBeGreaterThanOrEqual(3);
    const cut = all[1]?.id ?? 0;
    const after = await follow(fresh, jobId, cut);
    expect(after.map((e) => e.id)).toEqual(all.filter((e) => (e.id ?? 0) > cut).map((e) => e.id));
    const fresh2 = await follow(fresh, jobId);
    // Without Last-Event-ID: the newest progress event, then the final one.
    expect(fresh2.map((e) => e.event)).toEqual(['progress', 'done']);
    expect(fresh2.at(-1)?.id).toBe(all.at(-1)?.id);
  });

  it('keeps the valid rows of a partial import and offers its rejects for download', async () => {
    const r = await upload(fresh, { partial: 'true', compute: 'false' }, [
      customersCsv('fresh-2,Fresh Two\n,No Id\n'),
    ]);
    const jobId = (r.json() as Job).jobId;
    const done = (await follow(fresh, jobId)).at(-1);
    const report = importReportSchema.parse((done?.data as { report: unknown } | undefined)?.report);
    expect(report.outcome).toBe('partial');
    expect(report.rejectsFile).toBe(`/api/v1/jobs/${jobId}/rejects`);
    expect(report.files[0]?.errors[0]).toMatchObject({ file: 'customers.csv', line: 3 });
    const csv = await s.call(fresh, { method: 'GET', url: report.rejectsFile ?? '' });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).toContain('customers.csv,3');
    // A job without rejects has none to download.
    const other = await upload(fresh, { compute: 'false' }, [customersCsv('fresh-3,Fresh Three\n')]);
    const otherId = (other.json() as Job).jobId;
    await follow(fresh, otherId);
    expect((await s.call(fresh, { method: 'GET', url: `/api/v1/jobs/${otherId}/rejects` })).statusCode).toBe(
      404,
    );
  });

  it('refuses fields the import does not take, or values it cannot use, naming the field; nothing is kept', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ period: 'D12' }, 'period'],
      [{ asOf: '2026-02-30' }, 'asOf'],
      [{ replace: 'true' }, 'replace'],
      [{ partial: 'yes' }, 'partial'],
      [{ customer: 'a', createCustomer: 'B' }, 'createCustomer'],
    ];
    for (const [fields, named] of cases) {
      const r = await upload(fresh, fields, [customersCsv('x,X\n')]);
      expect(r.statusCode).toBe(400);
      expect(r.json()).toMatchObject({ code: 'usage.invalid_argument' });
      expect(r.json().message).toContain(named);
    }
    const none = await upload(fresh, { compute: 'false' }, []);
    expect(none.statusCode).toBe(400);
    expect(uploadsLeft()).toEqual([]);
  });
});

describe('upload limits', () => {
  it('answers 413 over the size limit, streamed or declared, with nothing imported or kept', async () => {
    // The same store, served with a 1 MB limit.
    const config = loadConfig({
      cwd: s.t.dataDir,
      env: {},
      flags: { dataDir: s.t.dataDir, server: { uploadLimitMb: 1 } },
    });
    const app = await buildApp({ config, store: s.t.store, accounts: s.accounts, logger: false });
    try {
      const before = s.t.store.commitCount();
      const big = `customer_id,name\n${'big-1,Big\n'.repeat(160_000)}`; // 1.6 MB: streamed past the limit
      const huge = `customer_id,name\n${'big-1,Big\n'.repeat(400_000)}`; // 4 MB: refused by its length
      for (const content of [big, huge]) {
        const { payload, headers } = multipart({}, [{ name: 'customers.csv', content }]);
        const r = await app.inject({
          method: 'POST',
          url: '/api/v1/jobs/import',
          payload,
          headers: { ...headers, authorization: `Bearer ${fresh}` },
        });
        expect(r.statusCode).toBe(413);
        expect(r.json()).toMatchObject({ code: 'request.too_large' });
        expect(r.json().message).toContain('1 MB');
      }
      const list = await app.inject({
        method: 'GET',
        url: '/api/v1/jobs',
        headers: { authorization: `Bearer ${fresh}` },
      });
      expect(list.json()).toEqual({ jobs: [] });
      expect(s.t.store.commitCount()).toBe(before);
      expect(uploadsLeft()).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('answers 413 for more files than an upload may hold', async () => {
    const files = Array.from({ length: 101 }, (_, i) => customersCsv(`many-${i},Many\n`));
    const r = await upload(
      fresh,
      {},
      files.map((f, i) => ({ ...f, name: `customers-${i}.csv` })),
    );
    expect(r.statusCode).toBe(413);
    expect(r.json().message).toContain('at most 100 files');
    expect(uploadsLeft()).toEqual([]);
  });

  it('makes file names safe: no folders, no hidden files, no strange characters, no two alike', () => {
    const taken = new Set<string>();
    const name = (raw: string | undefined, i = 0) => {
      const n = safeFileName(raw, i, taken);
      taken.add(n.toLowerCase());
      return n;
    };
    expect(name('../../etc/passwd')).toBe('passwd');
    expect(name('C:\\exports\\activity.csv')).toBe('activity.csv');
    expect(name('.hidden.csv')).toBe('hidden.csv');
    expect(name('..')).toBe('upload-1');
    expect(name('', 4)).toBe('upload-5');
    expect(name('Office365ActiveUserDetail_D30.csv')).toBe('Office365ActiveUserDetail_D30.csv');
    expect(name('Łódź <raport>|"x".csv')).toBe('Łódź _raport___x_.csv');
    expect(name('activity.csv')).toBe('activity-2.csv');
    expect(name(`${'a'.repeat(300)}.ndjson`)).toMatch(/^a{143}\.ndjson$/);
  });
});

describe('cancel', () => {
  it('cancels a queued job at once and a running one through its signal: nothing stored', async () => {
    const before = await s.t.store.status(FRESH);
    const customersBefore = before.partners[0]?.customers;
    const first = await upload(fresh, { compute: 'false' }, [
      ...demoFiles,
      customersCsv('cancel-1,Never Stored\n'),
    ]);
    const second = await s.call(fresh, {
      method: 'POST',
      url: '/api/v1/jobs/compute',
      payload: { full: true },
    });
    const firstId = (first.json() as Job).jobId;
    const secondId = (second.json() as Job).jobId;
    expect(second.json()).toMatchObject({ state: 'queued', queuePosition: expect.any(Number) });

    const queued = await s.call(fresh, { method: 'DELETE', url: `/api/v1/jobs/${secondId}` });
    expect(queued.json()).toMatchObject({ state: 'cancelled', error: { code: 'interrupted' } });

    // Wait until the import runs, then cancel it.
    await new Promise<void>((resolve) => {
      const stop = s.app.jobs.follow(firstId, null, {
        event: (e) => {
          if (e.event === 'progress' && (JSON.parse(e.data) as { state: string }).state === 'running') {
            queueMicrotask(() => stop());
            resolve();
          }
        },
        end: () => resolve(),
      });
    });
    const cancel = await s.call(fresh, { method: 'DELETE', url: `/api/v1/jobs/${firstId}` });
    expect(cancel.statusCode).toBe(200);
    const last = (await follow(fresh, firstId)).at(-1);
    expect(last).toMatchObject({
      event: 'failed',
      data: { state: 'cancelled', error: { code: 'interrupted' } },
    });
    expect((await s.t.store.status(FRESH)).partners[0]?.customers).toBe(customersBefore);
    expect(await s.t.store.customers(FRESH)).not.toContainEqual(
      expect.objectContaining({ customerId: 'cancel-1' }),
    );
    expect(uploadsLeft()).toEqual([]);
  }, 60_000);
});

describe('who may see a job', () => {
  it('needs the right to manage data and the whole portfolio; another partner’s job is a 404', async () => {
    const r = await s.call(admin, { method: 'POST', url: '/api/v1/jobs/compute', payload: {} });
    expect(r.statusCode).toBe(202);
    const jobId = (r.json() as Job).jobId;
    const sales = await s.token(['sales_agent']);
    const [c] = await s.t.store.customers(PARTNER);
    const scoped = await s.token(['admin_agent'], {
      scope: { customers: [c?.customerId ?? ''], groups: [] },
    });
    const foreign = await s.token(['admin_agent'], { partnerId: OTHER_PARTNER });
    for (const [method, url] of [
      ['GET', `/api/v1/jobs/${jobId}`],
      ['DELETE', `/api/v1/jobs/${jobId}`],
      ['GET', `/api/v1/jobs/${jobId}/events`],
    ] as const) {
      expect((await s.call(null, { method, url })).statusCode).toBe(401);
      expect((await s.call(sales, { method, url })).statusCode).toBe(403);
      expect((await s.call(scoped, { method, url })).statusCode).toBe(403);
      const other = await s.call(foreign, { method, url });
      expect(other.statusCode).toBe(404);
      expect(other.json()).toMatchObject({ code: 'not_found' });
    }
    expect((await s.call(foreign, { method: 'GET', url: '/api/v1/jobs' })).json()).toEqual({ jobs: [] });
    expect((await s.call(scoped, { method: 'POST', url: '/api/v1/jobs/compute' })).statusCode).toBe(403);
    await follow(admin, jobId);
  });
});

describe('reads during an import', () => {
  it('answers readers while the job runs, with the database’s threads lowered and given back', async () => {
    const own = await s.t.store.limitThreads(null);
    const [customer] = await s.t.store.customers(PARTNER);
    const r = await upload(fresh, { compute: 'false' }, demoFiles);
    const jobId = (r.json() as Job).jobId;
    let readsWhileRunning = 0;
    let threadsWhileRunning: number | null = null;
    for (;;) {
      const state = s.app.jobs.get(jobId)?.state;
      if (state !== 'queued' && state !== 'running') break;
      if (state === 'running') {
        readsWhileRunning++;
        threadsWhileRunning = s.app.jobs.threadsInEffect;
      }
      const [one, me] = await Promise.all([
        s.call(admin, { method: 'GET', url: `/api/v1/customers/${customer?.customerId}` }),
        s.call(admin, { method: 'GET', url: '/api/v1/me' }),
      ]);
      expect(one.statusCode).toBe(200);
      expect(one.json()).toMatchObject({ customerId: customer?.customerId });
      expect(me.statusCode).toBe(200);
      // As clients on sockets do: a read arrives in a later turn of the event loop. (`inject`
      // answers without one, so a tight loop of injects would never let the job's I/O complete.)
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(readsWhileRunning).toBeGreaterThan(0);
    // The embedded store's threads are the database's, lowered for a job; PostgreSQL has nothing to
    // lower (a process per connection) and says so by keeping its number.
    expect(threadsWhileRunning).toBe(s.t.store.engine === 'duckdb' ? 1 : own);
    await s.app.jobs.idle();
    expect(s.app.jobs.threadsInEffect).toBe(own);
    expect(s.app.jobs.get(jobId)?.state).toBe('succeeded');
  }, 120_000);
});

describe('the report of an import job', () => {
  it('is the report `insights import` gives for the same files (files named as uploaded)', async () => {
    // The CLI's path: the import use-case on a store of its own, the same files on disk.
    const twin = await tempStore();
    try {
      const partnerId = 'same-report';
      const token = await s.token(['admin_agent'], { partnerId });
      const bad = customersCsv('ok-1,Okay\n,No Id\nok-2,Okay Two\n');
      const cases: { files: UploadFile[]; fields: Record<string, string>; partial: boolean }[] = [
        { files: demoFiles, fields: {}, partial: false },
        { files: [{ ...bad, name: 'more-customers.csv' }], fields: { partial: 'true' }, partial: true },
        // The same files again: nothing new.
        { files: demoFiles, fields: {}, partial: false },
      ];
      for (const [i, c] of cases.entries()) {
        const dir = path.join(twin.files.dir, `cli-${i}`);
        mkdirSync(dir);
        for (const f of c.files) writeFileSync(path.join(dir, f.name), f.content);
        const request: ImportRequest = {
          partnerId,
          actor: 'cli',
          paths: c.files.map((f) => path.join(dir, f.name)),
          asOf: '2026-03-31',
          channel: 'direct',
          partial: c.partial,
          rejectsPath: path.join(dir, 'rejects.csv'),
          maxProblemsPerFile: serverConfig().maxProblemsPerFile,
        };
        const cli = await importFiles(twin.store, request);

        const r = await upload(token, { ...c.fields, asOf: '2026-03-31', compute: 'false' }, c.files);
        expect(r.statusCode).toBe(202);
        const jobId = (r.json() as Job).jobId;
        const done = (await follow(token, jobId)).at(-1);
        expect(done?.event).toBe('done');
        const job = importReportSchema.parse((done?.data as { report: unknown } | undefined)?.report);

        const asUploaded = (f: string) => path.relative(dir, f);
        const expected = {
          ...cli,
          importId: job.importId,
          files: cli.files.map((f) => ({
            ...f,
            file: asUploaded(f.file),
            errors: f.errors.map((e) => ({ ...e, file: asUploaded(e.file) })),
            warnings: f.warnings.map((e) => ({ ...e, file: asUploaded(e.file) })),
          })),
          rejectsFile: cli.rejectsFile === null ? null : `/api/v1/jobs/${jobId}/rejects`,
        };
        expect(job).toEqual(expected);
        expect(job.importId).not.toBe(cli.importId);
        if (c.partial) {
          // The rejected rows download as the CLI wrote them, files named as uploaded. (Pins a bug:
          // the file column named the server's upload folder, /…/data/uploads/<jobId>/….)
          const rejects = await s.call(token, { method: 'GET', url: `/api/v1/jobs/${jobId}/rejects` });
          expect(rejects.body.replace(/^\uFEFF/, '')).toBe(
            readFileSync(request.rejectsPath, 'utf8')
              .replace(/^\uFEFF/, '')
              .replaceAll(`${dir}${path.sep}`, ''),
          );
        }
      }
      // The three cases covered what they meant to: stored, partial, nothing new.
      expect(
        s.app.jobs.list(partnerId).map((j) => j.report !== null && 'outcome' in j.report && j.report.outcome),
      ).toEqual(['unchanged', 'partial', 'committed']);
    } finally {
      await twin.close();
    }
  }, 180_000);
});

describe('one writer at a time', () => {
  it('queues a second job, of any partner, until the first has ended; each job runs alone', async () => {
    // The store's writer is held until the queue is seen, so the first job cannot end before the
    // others are queued behind it (on a quiet machine it used to, and the positions moved up).
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered: () => void = () => undefined;
    const inWrite = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const holding = s.t.store.write(PARTNER, async () => {
      entered();
      await held;
    });
    await inWrite;
    let ids: string[];
    try {
      const first = await upload(fresh, { compute: 'false' }, demoFiles);
      const second = await s.call(admin, {
        method: 'POST',
        url: '/api/v1/jobs/compute',
        payload: { full: true },
      });
      const third = await s.call(fresh, { method: 'POST', url: '/api/v1/jobs/compute', payload: {} });
      ids = [first, second, third].map((r) => {
        expect(r.statusCode).toBe(202);
        return (r.json() as Job).jobId;
      });
      // The demo partner's compute waits although nothing of its partner runs: one writer for all.
      expect(second.json()).toMatchObject({ state: 'queued', queuePosition: 1, startedAt: null });
      // The fresh partner's compute waits behind its import: second in its partner's line.
      expect(third.json()).toMatchObject({ state: 'queued', queuePosition: 2 });
    } finally {
      // Released even when a check above failed: a held writer would stall every later test.
      release();
      await holding;
    }
    let mostRunning = 0;
    let sawQueuedWhileRunning = false;
    for (;;) {
      const states = ids.map((id) => s.app.jobs.get(id)?.state);
      const running = states.filter((st) => st === 'running').length;
      mostRunning = Math.max(mostRunning, running);
      if (running === 1 && states.includes('queued')) sawQueuedWhileRunning = true;
      if (states.every((st) => st !== 'queued' && st !== 'running')) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(mostRunning).toBe(1);
    expect(sawQueuedWhileRunning).toBe(true);
    const jobs = ids.map((id) => s.app.jobs.get(id));
    expect(jobs.map((j) => j?.state)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    // In arrival order, each started once the one before had ended.
    for (let i = 1; i < jobs.length; i++) {
      expect(String(jobs[i]?.startedAt) >= String(jobs[i - 1]?.finishedAt)).toBe(true);
    }
    // A job's stream told its followers where it stood while it waited.
    const events = await follow(admin, String(ids[1]));
    expect(events.at(-1)?.event).toBe('done');
  }, 120_000);

  // Lowering the threads waits for a pooled reader connection only on the embedded store.
  it.skipIf(onPostgres)(
    'keeps a job in the queue, with its position, while the database threads are lowered for it',
    async () => {
      // Every reader connection held: lowering the threads (on a pooled connection) waits for one,
      // so the first job sits between "taken" and "running" for as long as the test wants. (Bug: it
      // was in neither the queue nor running then, and the job behind it was told position 1.)
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      let allOpen: () => void = () => undefined;
      const opened = new Promise<void>((resolve) => {
        allOpen = resolve;
      });
      let open = 0;
      const reads = Array.from({ length: 8 }, () =>
        s.t.store.read(async () => {
          if (++open === 8) allOpen();
          await held;
        }),
      );
      await opened;
      const owner = { partnerId: PARTNER, actor: 'test' };
      try {
        const a = s.app.jobs.startCompute(owner, { partnerId: PARTNER });
        const b = s.app.jobs.startCompute(owner, { partnerId: PARTNER });
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(s.app.jobs.get(a.jobId)).toMatchObject({ state: 'queued', queuePosition: 1 });
        expect(s.app.jobs.get(b.jobId)).toMatchObject({ state: 'queued', queuePosition: 2 });
        expect(
          s.app.jobs
            .list(PARTNER)
            .slice(0, 2)
            .map((j) => j.jobId),
        ).toEqual([a.jobId, b.jobId]);
        release();
        await Promise.all(reads);
        await s.app.jobs.idle();
        expect([a, b].map((j) => s.app.jobs.get(j.jobId)?.state)).toEqual(['succeeded', 'succeeded']);
      } finally {
        release();
        await Promise.all(reads);
      }
    },
    120_000,
  );
});

describe('graceful shutdown', () => {
  /** Another server over the same store (its own job runner), closed by the test. */
  async function serverFor(graceMs: number) {
    const app = await buildApp({
      config: serverConfig(),
      store: s.t.store,
      accounts: s.accounts,
      logger: false,
      jobOptions: { graceMs, threadsWhileBusy: null },
    });
    const as = (token: string, o: InjectOptions) =>
      app.inject({ ...o, headers: { ...o.headers, authorization: `Bearer ${token}` } });
    const running = (jobId: string) =>
      new Promise<void>((resolve) => {
        const stop = app.jobs.follow(jobId, null, {
          event: (e) => {
            if (e.event === 'progress' && (JSON.parse(e.data) as { state: string }).state === 'running') {
              queueMicrotask(() => stop());
              resolve();
            }
          },
          end: () => resolve(),
        });
      });
    return { app, as, running };
  }

  it('lets a running job finish within the grace period, cancels the queued ones, ends every stream', async () => {
    const partnerId = 'shutdown-finish';
    const token = await s.token(['admin_agent'], { partnerId });
    const { app, as, running } = await serverFor(120_000);
    const { payload, headers } = multipart({ compute: 'false', asOf: '2026-03-31' }, demoFiles);
    const started = await as(token, { method: 'POST', url: '/api/v1/jobs/import', payload, headers });
    expect(started.statusCode).toBe(202);
    const importId = (started.json() as Job).jobId;
    const queued = await as(token, { method: 'POST', url: '/api/v1/jobs/compute' });
    const computeId = (queued.json() as Job).jobId;
    await running(importId);
    // Clients following both jobs while the server stops.
    const streams = [importId, computeId].map((id) =>
      as(token, { method: 'GET', url: `/api/v1/jobs/${id}/events` }),
    );
    await app.close();
    expect(app.jobs.get(importId)).toMatchObject({ state: 'succeeded', report: { outcome: 'committed' } });
    expect(app.jobs.get(computeId)).toMatchObject({
      state: 'cancelled',
      error: { code: 'interrupted', message: expect.stringContaining('shutting down') },
    });
    const [importEvents, computeEvents] = await Promise.all(
      streams.map(async (r) => parseSse((await r).body)),
    );
    expect(importEvents?.at(-1)).toMatchObject({ event: 'done', data: { state: 'succeeded' } });
    expect(computeEvents?.at(-1)).toMatchObject({ event: 'failed', data: { state: 'cancelled' } });
    expect((await s.t.store.status(partnerId)).partners[0]?.customers).toBe(30);
    // No new jobs once stopping.
    expect(() => app.jobs.startCompute({ partnerId, actor: 'x' }, { partnerId })).toThrow('shutting down');
    expect(uploadsLeft()).toEqual([]);
  }, 120_000);

  it('cancels a running job when the grace period is over: nothing of it stored', async () => {
    const partnerId = 'shutdown-cancel';
    const token = await s.token(['admin_agent'], { partnerId });
    const before = await s.t.store.status(partnerId);
    const { app, as, running } = await serverFor(0);
    const { payload, headers } = multipart({ compute: 'false', asOf: '2026-03-31' }, demoFiles);
    const started = await as(token, { method: 'POST', url: '/api/v1/jobs/import', payload, headers });
    const importId = (started.json() as Job).jobId;
    await running(importId);
    const stream = as(token, { method: 'GET', url: `/api/v1/jobs/${importId}/events` });
    await app.close();
    expect(app.jobs.get(importId)).toMatchObject({
      state: 'cancelled',
      error: { code: 'interrupted', message: expect.stringContaining('shutting down') },
    });
    expect(parseSse((await stream).body).at(-1)).toMatchObject({
      event: 'failed',
      data: { state: 'cancelled' },
    });
    expect(await s.t.store.status(partnerId)).toEqual(before);
    expect(uploadsLeft()).toEqual([]);
  }, 120_000);
});
