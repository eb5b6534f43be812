/**
 * Jobs: start an import by uploading files (multipart, streamed to disk under the data directory,
 * never held whole in memory, limited in size and count) or a compute; list, read and cancel jobs;
 * follow one as Server-Sent Events; download the rejected rows of a partial import.
 *
 * Jobs act on the partner's whole portfolio (an import may touch any customer, a compute computes
 * them all), so an account limited to some customers may not start or read them (403). Another
 * partner's job is a 404 like anything else of another partner. The local operator (the CLI on this
 * machine, owner of the store) may follow any job it started, whatever its partner.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { PassThrough, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  computeJobRequestSchema,
  type ImportReport,
  importRequestSchema,
  importUploadFieldsSchema,
  type Job,
  jobListSchema,
  jobParamsSchema,
  jobSchema,
  MAX_UPLOAD_FILES,
  type Principal,
} from '@license-insights/contracts';
import { AppError, actorOf, formatIssues, todayIso } from '@license-insights/core';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Api, AppContext } from '../app';
import type { JobOwner } from '../jobs/job-runner';
import { principal } from './principal';
import { apiErrorSchema, FAILURES } from './schemas';

/** Room for the form's own bytes (boundaries, part headers, fields) beside the files. */
const FORM_OVERHEAD_BYTES = 1024 * 1024;

const JOB_FAILURES = {
  ...FAILURES,
  503: apiErrorSchema.describe('The server is shutting down: no new jobs'),
};

/** Jobs touch the whole portfolio: not for an account limited to some customers. */
export function requireWholePortfolio(p: Principal): void {
  if (p.scope !== null) {
    throw new AppError(
      'auth.forbidden',
      'your account is limited to some customers, and jobs import and compute for the partner’s whole portfolio: ask an admin agent without a customer limit',
    );
  }
}

/** A job the caller may see: its partner's, or any the local operator started. */
export function requireJob(ctx: AppContext, p: Principal, jobId: string): Job {
  const job = ctx.jobs.get(jobId);
  const partner = ctx.jobs.partnerOf(jobId);
  if (job === null || (partner !== p.partnerId && p.via !== 'local')) {
    throw new AppError(
      'not_found',
      `no job ${JSON.stringify(jobId)} (finished jobs are kept for a while, not forever)`,
    );
  }
  return job;
}

export function ownerOf(p: Principal): JobOwner {
  return { partnerId: p.partnerId, actor: actorOf(p) };
}

function tooLarge(limitMb: number): AppError {
  return new AppError(
    'request.too_large',
    `the upload is larger than this server accepts (${limitMb} MB in all; server.uploadLimitMb): nothing was imported; split the files into several imports`,
  );
}

/**
 * A file name safe to write under the upload folder: the last path segment, letters, digits and
 * `. _ -` and spaces only, no leading dots (no hidden files, no `..`), at most 150 characters with
 * the extension kept (detection reads it), and unique within the upload.
 */
export function safeFileName(raw: string | undefined, index: number, taken: ReadonlySet<string>): string {
  const last = (raw ?? '').split(/[\\/]/).pop() ?? '';
  let name = last
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}._ -]/gu, '_')
    .replace(/^[.\s]+/, '')
    .trim();
  if (name === '' || /^_+$/.test(name.replace(/\.[^.]*$/, '')))
    name = `upload-${index + 1}${path.extname(name)}`;
  const ext = path.extname(name).slice(0, 20);
  const stem = name.slice(0, name.length - path.extname(name).length);
  name = `${stem.slice(0, 150 - ext.length)}${ext}`;
  let unique = name;
  for (let n = 2; taken.has(unique.toLowerCase()); n++)
    unique = `${stem.slice(0, 140 - ext.length)}-${n}${ext}`;
  return unique;
}

/** A path under the upload folder as the uploader named the file. */
const uploadedName = (dir: string, f: string) =>
  f.startsWith(`${dir}${path.sep}`) ? path.relative(dir, f) : f;

/**
 * The rejects file of an upload, its `file` column naming the files as uploaded rather than where
 * the server kept them (its paths are nobody's business, and the report names them so too).
 * Streamed line by line into a new file; only a record's first field is touched (a line that
 * starts inside a quoted value is left alone).
 */
export async function nameUploadsInRejects(file: string, dir: string): Promise<void> {
  const prefix = `${dir}${path.sep}`;
  const quoted = `"${prefix.replaceAll('"', '""')}`;
  const renamed = `${file}.renamed`;
  const out = createWriteStream(renamed, { mode: 0o600 });
  try {
    let inQuotes = false;
    for await (const line of createInterface({
      input: createReadStream(file, 'utf8'),
      crlfDelay: Infinity,
    })) {
      let text = line;
      if (!inQuotes) {
        const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
        const bom = body === text ? '' : '\uFEFF';
        if (body.startsWith(prefix)) text = `${bom}${body.slice(prefix.length)}`;
        else if (body.startsWith(quoted)) text = `${bom}"${body.slice(quoted.length)}`;
      }
      if ((line.match(/"/g)?.length ?? 0) % 2 === 1) inQuotes = !inQuotes;
      if (!out.write(`${text}\r\n`)) await once(out, 'drain');
    }
    await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
    await rename(renamed, file);
  } catch (e) {
    out.destroy();
    await rm(renamed, { force: true });
    throw e;
  }
}

/** The report as an uploader sees it: files by the names uploaded, rejects by their download link. */
function presentUploadReport(report: ImportReport, dir: string, jobId: string): ImportReport {
  const name = (f: string) => uploadedName(dir, f);
  return {
    ...report,
    files: report.files.map((f) => ({
      ...f,
      file: name(f.file),
      errors: f.errors.map((p) => ({ ...p, file: name(p.file) })),
      warnings: f.warnings.map((p) => ({ ...p, file: name(p.file) })),
    })),
    rejectsFile: report.rejectsFile === null ? null : `/api/v1/jobs/${jobId}/rejects`,
  };
}

export function registerJobRoutes(app: Api, ctx: AppContext): void {
  app.post(
    '/api/v1/jobs/import',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Import uploaded files as a job (multipart/form-data)',
        description: `Send the files as file parts of a multipart/form-data body (any field name; at most ${MAX_UPLOAD_FILES} files; in all at most server.uploadLimitMb MB, else 413 and nothing is imported), and the import's options as text fields: customer, createCustomer, format, period (D7|D30|D90|D180), asOf (YYYY-MM-DD, default today), channel (own|other_partner|direct, default direct), partial (true|false, default false: all or nothing), compute (true|false, default true: queue a compute after a successful import). Answers 202 with the job; follow it at /api/v1/jobs/{jobId}/events. The report is the import report \`insights import\` prints; with partial, rejected rows and their reasons download from the report's rejectsFile link.`,
        consumes: ['multipart/form-data'],
        response: {
          202: jobSchema,
          ...JOB_FAILURES,
          413: apiErrorSchema.describe('The upload is over the size or file-count limit: nothing imported'),
        },
      },
    },
    async (req, reply) => {
      const p = principal(req);
      requireWholePortfolio(p);
      if (ctx.jobs.shuttingDown) {
        throw new AppError('store.unavailable', 'the server is shutting down: no new jobs are started');
      }
      const limitMb = ctx.config.server.uploadLimitMb;
      const limit = limitMb * 1024 * 1024;
      const declared = Number(req.headers['content-length']);
      if (Number.isFinite(declared) && declared > limit + FORM_OVERHEAD_BYTES) throw tooLarge(limitMb);
      if (!req.isMultipart()) {
        throw new AppError(
          'usage.invalid_argument',
          'send the files as multipart/form-data (file parts, and the options as text fields)',
        );
      }
      const jobId = ctx.jobs.newJobId();
      const dir = await ctx.jobs.uploadDir(jobId);
      const names: string[] = [];
      const paths: string[] = [];
      const taken = new Set<string>();
      const fields: Record<string, string> = {};
      let total = 0;
      try {
        const parts = req.parts({
          limits: {
            fileSize: limit,
            files: MAX_UPLOAD_FILES,
            fields: 20,
            fieldSize: 10_000,
            parts: MAX_UPLOAD_FILES + 20,
          },
        });
        for await (const part of parts) {
          if (part.type === 'file') {
            const name = safeFileName(part.filename, names.length, taken);
            taken.add(name.toLowerCase());
            const target = path.join(dir, name);
            // Counts every byte of every file: the limit is for the upload as a whole.
            const count = new Transform({
              transform(chunk: Buffer, _encoding, done) {
                total += chunk.length;
                if (total > limit) done(tooLarge(limitMb));
                else done(null, chunk);
              },
            });
            await pipeline(part.file, count, createWriteStream(target, { flags: 'wx', mode: 0o600 }));
            if (part.file.truncated) throw tooLarge(limitMb);
            names.push(name);
            paths.push(target);
          } else {
            if (part.valueTruncated || part.fieldnameTruncated || typeof part.value !== 'string') {
              throw new AppError(
                'usage.invalid_argument',
                `invalid request: the field ${JSON.stringify(part.fieldname)} must be short text`,
              );
            }
            if (Object.hasOwn(fields, part.fieldname)) {
              throw new AppError(
                'usage.invalid_argument',
                `invalid request: the field ${JSON.stringify(part.fieldname)} is given twice`,
              );
            }
            fields[part.fieldname] = part.value;
          }
        }
        if (paths.length === 0) {
          throw new AppError('usage.invalid_argument', 'invalid request: attach at least one file to import');
        }
        const parsed = importUploadFieldsSchema.safeParse(fields);
        if (!parsed.success) {
          throw new AppError(
            'usage.invalid_argument',
            `invalid request: ${formatIssues(parsed.error.issues)}`,
          );
        }
        const f = parsed.data;
        const request = importRequestSchema.parse({
          partnerId: p.partnerId,
          actor: actorOf(p),
          paths,
          ...(f.format === undefined ? {} : { format: f.format }),
          ...(f.customer === undefined ? {} : { customer: f.customer }),
          ...(f.createCustomer === undefined ? {} : { createCustomer: f.createCustomer }),
          ...(f.period === undefined ? {} : { graphPeriod: f.period }),
          asOf: f.asOf ?? todayIso(ctx.now()),
          channel: f.channel ?? 'direct',
          partial: f.partial ?? false,
          rejectsPath: await ctx.jobs.rejectsFile(jobId),
          maxProblemsPerFile: ctx.config.maxProblemsPerFile,
        });
        const job = ctx.jobs.startImport(jobId, ownerOf(p), request, {
          files: names,
          computeAfter: f.compute ?? true,
          cleanup: () => rm(dir, { recursive: true, force: true }),
          presentReport: async (r) => {
            if (r.rejectsFile !== null) {
              // The import is stored whatever happens here: a rejects file left as it was is no
              // reason to report it failed.
              await nameUploadsInRejects(r.rejectsFile, dir).catch((e: unknown) =>
                req.log.warn({ err: e, jobId }, 'could not rename the uploads in the rejects file'),
              );
            }
            return presentUploadReport(r, dir, jobId);
          },
          presentProgress: (pr) => ({ ...pr, file: uploadedName(dir, pr.file) }),
        });
        return reply.status(202).send(job);
      } catch (e) {
        await rm(dir, { recursive: true, force: true });
        const code = (e as { code?: unknown }).code;
        if (code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge(limitMb);
        if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT') {
          throw new AppError(
            'request.too_large',
            `an upload holds at most ${MAX_UPLOAD_FILES} files: nothing was imported; send the rest in another upload`,
          );
        }
        if (code === 'FST_FIELDS_LIMIT') {
          throw new AppError('usage.invalid_argument', 'invalid request: too many fields');
        }
        throw e;
      }
    },
  );

  app.post(
    '/api/v1/jobs/compute',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Compute the metrics as a job (only what imports changed, unless full)',
        body: computeJobRequestSchema.nullish(),
        response: { 202: jobSchema, ...JOB_FAILURES },
      },
    },
    async (req, reply) => {
      const p = principal(req);
      requireWholePortfolio(p);
      const job = ctx.jobs.startCompute(ownerOf(p), {
        partnerId: p.partnerId,
        ...(req.body?.full === undefined ? {} : { full: req.body.full }),
      });
      return reply.status(202).send(job);
    },
  );

  app.get(
    '/api/v1/jobs',
    {
      schema: {
        tags: ['jobs'],
        summary:
          'The partner’s jobs: queued and running first, then the finished ones the server still holds',
        response: { 200: jobListSchema, ...FAILURES },
      },
    },
    async (req) => {
      const p = principal(req);
      requireWholePortfolio(p);
      return { jobs: ctx.jobs.list(p.partnerId) };
    },
  );

  app.get(
    '/api/v1/jobs/:jobId',
    {
      schema: {
        tags: ['jobs'],
        summary: 'One job: state, progress, and its report or error once it ended',
        params: jobParamsSchema,
        response: { 200: jobSchema, ...FAILURES },
      },
    },
    async (req) => {
      const p = principal(req);
      requireWholePortfolio(p);
      return requireJob(ctx, p, req.params.jobId);
    },
  );

  app.delete(
    '/api/v1/jobs/:jobId',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Cancel a job: a queued one at once, a running one rolls back (unless its commit had begun)',
        params: jobParamsSchema,
        response: { 200: jobSchema, ...FAILURES },
      },
    },
    async (req) => {
      const p = principal(req);
      requireWholePortfolio(p);
      requireJob(ctx, p, req.params.jobId);
      const job = ctx.jobs.cancel(req.params.jobId);
      if (job === null) throw new AppError('not_found', `no job ${JSON.stringify(req.params.jobId)}`);
      return job;
    },
  );

  app.get(
    '/api/v1/jobs/:jobId/events',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Follow a job as Server-Sent Events: progress, then done (the report) or failed (the error)',
        description:
          'text/event-stream. Events: `progress` (JobProgressEvent: state, queue position, the core’s progress), then one `done` (JobDoneEvent: the report) or `failed` (JobFailedEvent: the error body; state failed or cancelled), after which the stream ends. Events carry ids: reconnect with the Last-Event-ID header to get what was missed. Comment lines are heartbeats.',
        params: jobParamsSchema,
        headers: z.object({ 'last-event-id': z.string().max(20).optional() }).loose(),
        response: {
          200: z.string().describe('text/event-stream'),
          ...FAILURES,
        },
      },
    },
    async (req, reply) => {
      const p = principal(req);
      requireWholePortfolio(p);
      const { jobId } = req.params;
      requireJob(ctx, p, jobId);
      const last = req.headers['last-event-id'];
      const lastEventId = typeof last === 'string' && /^\d{1,15}$/.test(last.trim()) ? Number(last) : null;
      const stream = new PassThrough();
      let ended = false;
      let heartbeat: NodeJS.Timeout | null = null;
      const write = (text: string) => {
        if (!ended && !stream.destroyed) stream.write(text);
      };
      const finish = () => {
        if (ended) return;
        ended = true;
        if (heartbeat !== null) clearInterval(heartbeat);
        stream.end();
      };
      // How long a client waits before it reconnects (with Last-Event-ID).
      write('retry: 2000\n\n');
      const unsubscribe = ctx.jobs.follow(jobId, lastEventId, {
        event: (e) => write(`id: ${e.id}\nevent: ${e.event}\ndata: ${e.data}\n\n`),
        end: finish,
      });
      if (!ended) {
        heartbeat = setInterval(() => write(': heartbeat\n\n'), ctx.sseHeartbeatMs);
        heartbeat.unref();
      }
      reply.raw.on('close', () => {
        unsubscribe();
        finish();
      });
      const untyped: FastifyReply = reply;
      return untyped
        .header('content-type', 'text/event-stream; charset=utf-8')
        .header('cache-control', 'no-cache, no-transform')
        .header('x-accel-buffering', 'no')
        .send(stream);
    },
  );

  app.get(
    '/api/v1/jobs/:jobId/rejects',
    {
      schema: {
        tags: ['jobs'],
        summary: 'The rejected rows of a partial import and their reasons (CSV), while the job is kept',
        params: jobParamsSchema,
        response: { 200: z.string().describe('text/csv'), ...FAILURES },
      },
    },
    async (req, reply) => {
      const p = principal(req);
      requireWholePortfolio(p);
      const job = requireJob(ctx, p, req.params.jobId);
      const file =
        job.kind === 'import' && job.report?.rejectsFile != null ? ctx.jobs.rejectsPathOf(job.jobId) : null;
      const size =
        file === null
          ? null
          : await stat(file).then(
              (s) => s.size,
              () => null,
            );
      if (file === null || size === null) {
        throw new AppError('not_found', `job ${job.jobId} has no rejected rows to download`);
      }
      const untyped: FastifyReply = reply;
      return untyped
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-length', size)
        .header('content-disposition', `attachment; filename="rejects-${job.jobId}.csv"`)
        .send(createReadStream(file));
    },
  );
}
