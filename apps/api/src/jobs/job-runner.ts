/**
 * The job runner: imports and computes off the request path. A route starts a job and answers at
 * once (202); the job runs here, one at a time in arrival order (the embedded store has one writer
 * for all partners, so every partner's jobs are FIFO as well), reports the core's progress events,
 * stops on cancel through the use-case's `signal` (the store rolls back: as before), and ends with
 * the use-case's own report — `ImportReport` / `ComputeReport`, the documents the CLI prints — or
 * the error body.
 *
 * A job outlives the request that started it and the clients that follow it: finished jobs stay in
 * memory (the newest `maxFinished`), their events too (the last `MAX_EVENTS`, numbered, so a client
 * that reconnects with `Last-Event-ID` gets what it missed).
 *
 * While a job runs the database gets one core less (`Store.limitThreads`): DuckDB's thread setting
 * belongs to the whole database instance, so a job's big scans would otherwise take every core from
 * the requests that read meanwhile. The setting comes back when the queue is empty.
 *
 * Graceful shutdown (`shutdown`): no new jobs; queued jobs are cancelled; running jobs get a grace
 * period to finish, then they are cancelled (the store stays as before); every follower gets the
 * job's final event and its stream ends.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type {
  ComputeProgress,
  ComputeReport,
  ComputeRequest,
  ErrorResponse,
  ImportProgress,
  ImportReport,
  ImportRequest,
  Job,
  JobDoneEvent,
  JobEventName,
  JobFailedEvent,
  JobKind,
  JobProgressEvent,
  JobState,
} from '@license-insights/contracts';
import { AppError, computeMetrics, importFiles, isAppError, type Store } from '@license-insights/core';

/** Events kept per job for clients that reconnect (progress events are throttled, see below). */
const MAX_EVENTS = 200;
/** Progress events at most this often (a new phase or state is always sent at once). */
const PROGRESS_EVERY_MS = 100;

/** Who starts a job: its partner and the actor the audit log names. */
export interface JobOwner {
  readonly partnerId: string;
  readonly actor: string;
}

/** One server-sent event of a job: numbered from 1 per job. */
export interface JobEvent {
  readonly id: number;
  readonly event: JobEventName;
  /** The event's data, as JSON text (written once, sent to every follower). */
  readonly data: string;
}

export interface JobFollower {
  event(e: JobEvent): void;
  /** The job ended and its final event was sent: end the stream. */
  end(): void;
}

type Report = ImportReport | ComputeReport;
type Progress = ImportProgress | ComputeProgress;

interface JobRecord {
  readonly jobId: string;
  readonly kind: JobKind;
  readonly partnerId: string;
  readonly createdBy: string;
  readonly createdAt: string;
  state: JobState;
  startedAt: string | null;
  finishedAt: string | null;
  cancelRequested: boolean;
  /** Cancelled because the server stops (its error says so). */
  stoppedByShutdown: boolean;
  progress: Progress | null;
  fraction: number;
  report: Report | null;
  error: ErrorResponse | null;
  readonly files: readonly string[];
  readonly full: boolean;
  computeJobId: string | null;
  readonly afterImportJobId: string | null;
  readonly abort: AbortController;
  readonly work: (signal: AbortSignal, onProgress: (p: Progress) => void) => Promise<Report>;
  /** Runs when the job ends, whatever the outcome (uploaded files go). */
  readonly cleanup: () => Promise<void>;
  readonly afterSuccess: (report: Report) => void;
  readonly events: JobEvent[];
  nextEventId: number;
  lastProgressAt: number;
  lastPhase: string | null;
  readonly followers: Set<JobFollower>;
  readonly ended: Promise<void>;
  markEnded: () => void;
}

export interface JobRunnerOptions {
  readonly store: Store;
  /** The data directory: uploads go to `uploads/<jobId>/`, rejects files to `jobs/<jobId>/`. */
  readonly dataDir: string;
  readonly now?: () => Date;
  /** Finished jobs kept in memory (oldest forgotten first); default 100. */
  readonly maxFinished?: number;
  /** Database threads while a job runs (null: leave the setting alone). */
  readonly threadsWhileBusy?: number | null;
  /** Where job starts, ends and failures are logged (pino-like). */
  readonly log?: {
    info(o: object, msg: string): void;
    warn(o: object, msg: string): void;
    error(o: object, msg: string): void;
  };
}

export interface ImportJobOptions {
  /** The files as the client named them (upload names, or paths of the local operator). */
  readonly files: readonly string[];
  /** Queue a compute after a committed or partial import. */
  readonly computeAfter: boolean;
  /** Removes what the job's request brought (uploaded files); runs when the job ends. */
  readonly cleanup?: () => Promise<void>;
  /** The report as this job's clients see it (upload paths made relative, a download link). */
  readonly presentReport?: (report: ImportReport) => ImportReport | Promise<ImportReport>;
  /** Progress events as this job's clients see them (upload paths made relative). */
  readonly presentProgress?: (progress: ImportProgress) => ImportProgress;
}

const SHUTDOWN_MESSAGE = 'the server is shutting down';

export class JobRunner {
  private readonly jobs = new Map<string, JobRecord>();
  private readonly queue: JobRecord[] = [];
  private running: JobRecord | null = null;
  private readonly finished: JobRecord[] = [];
  private driving: Promise<void> | null = null;
  private closing = false;
  private readonly now: () => Date;
  private readonly maxFinished: number;
  /** The database threads the last change left in effect (null: never changed). */
  threadsInEffect: number | null = null;

  constructor(private readonly options: JobRunnerOptions) {
    this.now = options.now ?? (() => new Date());
    this.maxFinished = options.maxFinished ?? 100;
    // Uploads and rejects files of an earlier process belong to jobs that died with it.
    rmSync(this.uploadsRoot, { recursive: true, force: true });
    rmSync(this.jobsRoot, { recursive: true, force: true });
  }

  private get uploadsRoot(): string {
    return path.join(this.options.dataDir, 'uploads');
  }
  private get jobsRoot(): string {
    return path.join(this.options.dataDir, 'jobs');
  }

  /** A new job id (an upload needs it before the job exists: its files go under it). */
  newJobId(): string {
    return randomUUID();
  }

  /** Where a job's uploaded files go (created). */
  async uploadDir(jobId: string): Promise<string> {
    const dir = path.join(this.uploadsRoot, jobId);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return dir;
  }

  /** Where a partial import of a job writes its rejects (its folder created); kept while the job is. */
  async rejectsFile(jobId: string): Promise<string> {
    await mkdir(path.join(this.jobsRoot, jobId), { recursive: true, mode: 0o700 });
    return this.rejectsPathOf(jobId);
  }

  rejectsPathOf(jobId: string): string {
    return path.join(this.jobsRoot, jobId, 'rejects.csv');
  }

  /** Refuses new jobs once shutting down. */
  private refuseWhenClosing(): void {
    if (this.closing) {
      throw new AppError('store.unavailable', `${SHUTDOWN_MESSAGE}: no new jobs are started`);
    }
  }

  private record(
    jobId: string,
    kind: JobKind,
    owner: JobOwner,
    fields: Pick<JobRecord, 'files' | 'full' | 'afterImportJobId' | 'work' | 'cleanup' | 'afterSuccess'>,
  ): JobRecord {
    let markEnded!: () => void;
    const ended = new Promise<void>((resolve) => {
      markEnded = resolve;
    });
    return {
      jobId,
      kind,
      partnerId: owner.partnerId,
      createdBy: owner.actor,
      createdAt: this.now().toISOString(),
      state: 'queued',
      startedAt: null,
      finishedAt: null,
      cancelRequested: false,
      stoppedByShutdown: false,
      progress: null,
      fraction: 0,
      report: null,
      error: null,
      computeJobId: null,
      abort: new AbortController(),
      events: [],
      nextEventId: 1,
      lastProgressAt: 0,
      lastPhase: null,
      followers: new Set(),
      ended,
      markEnded,
      ...fields,
    };
  }

  /** Queues an import (the request's files must stay until the job ends: `cleanup` removes them). */
  startImport(jobId: string, owner: JobOwner, request: ImportRequest, options: ImportJobOptions): Job {
    if (this.closing) {
      void options.cleanup?.();
      this.refuseWhenClosing();
    }
    const present = options.presentReport ?? ((r: ImportReport) => r);
    const presentProgress = options.presentProgress ?? ((p: ImportProgress) => p);
    const job = this.record(jobId, 'import', owner, {
      files: options.files,
      full: false,
      afterImportJobId: null,
      work: async (signal, onProgress) =>
        present(
          await importFiles(this.options.store, {
            ...request,
            signal,
            onProgress: (p) => onProgress(presentProgress(p)),
          }),
        ),
      cleanup: options.cleanup ?? (async () => {}),
      afterSuccess: (report) => {
        const r = report as ImportReport;
        if (!options.computeAfter || this.closing) return;
        if (r.outcome !== 'committed' && r.outcome !== 'partial') return;
        const compute = this.startCompute(owner, { partnerId: request.partnerId }, jobId);
        job.computeJobId = compute.jobId;
      },
    });
    return this.enqueue(job);
  }

  /** Queues a compute of the partner's metrics. */
  startCompute(owner: JobOwner, request: ComputeRequest, afterImportJobId: string | null = null): Job {
    this.refuseWhenClosing();
    const job = this.record(this.newJobId(), 'compute', owner, {
      files: [],
      full: request.full === true,
      afterImportJobId,
      work: (signal, onProgress) => computeMetrics(this.options.store, { ...request, signal, onProgress }),
      cleanup: async () => {},
      afterSuccess: () => {},
    });
    return this.enqueue(job);
  }

  private enqueue(job: JobRecord): Job {
    this.jobs.set(job.jobId, job);
    this.queue.push(job);
    this.options.log?.info(
      { jobId: job.jobId, kind: job.kind, partnerId: job.partnerId, by: job.createdBy },
      'job queued',
    );
    this.publishProgress(job);
    this.drive();
    return this.view(job);
  }

  /** A job by id, or null. The caller checks it is the asker's to see. */
  get(jobId: string): Job | null {
    const job = this.jobs.get(jobId);
    return job === undefined ? null : this.view(job);
  }

  /** The partner's jobs: queued and running first (in order), then finished, newest first. */
  list(partnerId: string): Job[] {
    const active = [...(this.running === null ? [] : [this.running]), ...this.queue];
    const done = [...this.finished].reverse();
    return [...active, ...done].filter((j) => j.partnerId === partnerId).map((j) => this.view(j));
  }

  /**
   * Cancels a job: a queued one at once; a running one through its signal (it ends cancelled,
   * nothing stored, unless its commit had begun: then it completes). A finished job stays as it is.
   */
  cancel(jobId: string, reason = 'the job was cancelled'): Job | null {
    const job = this.jobs.get(jobId);
    if (job === undefined) return null;
    if (job.state === 'queued') {
      const at = this.queue.indexOf(job);
      if (at >= 0) this.queue.splice(at, 1);
      job.cancelRequested = true;
      job.state = 'cancelled';
      job.error = new AppError('interrupted', `${reason} before it started: nothing was stored`).toResponse();
      void this.end(job);
      this.publishQueuePositions(job.partnerId);
    } else if (job.state === 'running' && !job.cancelRequested) {
      job.cancelRequested = true;
      job.abort.abort(new AppError('interrupted', `${reason}: nothing of it was stored`));
      this.publishProgress(job);
    }
    return this.view(job);
  }

  /**
   * Follows a job's events: those after `lastEventId` that are still kept (none given: the latest
   * state), then the live ones; `end` once the final event was sent. Returns the unsubscribe.
   */
  follow(jobId: string, lastEventId: number | null, follower: JobFollower): () => void {
    const job = this.jobs.get(jobId);
    if (job === undefined) {
      follower.end();
      return () => {};
    }
    const missed =
      lastEventId !== null
        ? job.events.filter((e) => e.id > lastEventId)
        : job.events.filter(
            (e, i) => e.event !== 'progress' || i === job.events.findLastIndex((x) => x.event === 'progress'),
          );
    for (const e of missed) follower.event(e);
    if (job.finishedAt !== null) {
      follower.end();
      return () => {};
    }
    job.followers.add(follower);
    return () => job.followers.delete(follower);
  }

  /** Resolves when no job runs or waits (and the database threads are back). */
  async idle(): Promise<void> {
    while (this.driving !== null) await this.driving;
  }

  /**
   * Graceful stop: no new jobs, queued ones cancelled, running ones get `graceMs` to finish and are
   * then cancelled (their units roll back); resolves when every job has ended and its followers got
   * the final event.
   */
  async shutdown(graceMs: number): Promise<void> {
    this.closing = true;
    for (const job of [...this.queue]) this.cancel(job.jobId, SHUTDOWN_MESSAGE);
    const running = this.running;
    if (running !== null) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        running.ended,
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, graceMs);
        }),
      ]);
      clearTimeout(timer);
      if (running.finishedAt === null) {
        this.options.log?.warn(
          { jobId: running.jobId, graceMs },
          'job still running at shutdown: cancelling it',
        );
        running.stoppedByShutdown = true;
        this.cancel(running.jobId, `${SHUTDOWN_MESSAGE}: the job was cancelled`);
      }
      await running.ended;
    }
    await this.idle();
    await rm(this.uploadsRoot, { recursive: true, force: true }).catch(() => undefined);
    await rm(this.jobsRoot, { recursive: true, force: true }).catch(() => undefined);
  }

  get shuttingDown(): boolean {
    return this.closing;
  }

  /** Runs the queue, one job at a time, until it is empty; then gives the database its threads back. */
  private drive(): void {
    if (this.driving !== null) return;
    this.driving = (async () => {
      let limited = false;
      try {
        // The job stays in the queue (and in list(), with its queue position) until it runs: it is
        // taken out only after the threads were lowered, never left between queue and running.
        // (Bug: shifted first, it was in neither while the threads were set, and the job queued
        // behind it was told a position one too small.)
        while (this.queue.length > 0) {
          if (!limited && this.options.threadsWhileBusy != null) {
            limited = true;
            this.threadsInEffect = await this.options.store
              .limitThreads(this.options.threadsWhileBusy)
              .catch((e: unknown) => {
                this.options.log?.warn({ err: e }, 'could not lower the database threads for a job');
                return this.threadsInEffect;
              });
          }
          const job = this.queue.shift();
          if (job !== undefined) await this.execute(job);
        }
      } finally {
        if (limited) {
          this.threadsInEffect = await this.options.store.limitThreads(null).catch((e: unknown) => {
            this.options.log?.error({ err: e }, 'could not give the database its threads back');
            return this.threadsInEffect;
          });
        }
        this.driving = null;
      }
      // A job queued while the threads were being given back.
      if (this.queue.length > 0) this.drive();
    })();
  }

  private async execute(job: JobRecord): Promise<void> {
    this.running = job;
    job.state = 'running';
    job.startedAt = this.now().toISOString();
    this.publishProgress(job);
    this.publishQueuePositions(job.partnerId);
    this.options.log?.info({ jobId: job.jobId, kind: job.kind, partnerId: job.partnerId }, 'job started');
    try {
      const report = await job.work(job.abort.signal, (p) => this.onProgress(job, p));
      job.report = report;
      job.state = 'succeeded';
      job.fraction = 1;
      try {
        job.afterSuccess(report);
      } catch (e) {
        this.options.log?.warn({ err: e, jobId: job.jobId }, 'could not queue the follow-up job');
      }
    } catch (e) {
      const error = this.errorOf(job, e);
      job.error = error.toResponse();
      job.state = error.code === 'interrupted' ? 'cancelled' : 'failed';
    } finally {
      this.running = null;
    }
    await this.end(job);
  }

  private errorOf(job: JobRecord, e: unknown): AppError {
    // The use-case's own words ("the import was interrupted; nothing was stored"), as the CLI
    // prints them; when the server's stop was the reason, the error says so too.
    if (isAppError(e) && e.code === 'interrupted' && job.stoppedByShutdown) {
      return new AppError('interrupted', `${SHUTDOWN_MESSAGE}: ${e.message}`, e.problems);
    }
    if (isAppError(e)) return e;
    if (job.abort.signal.aborted) {
      const reason: unknown = job.abort.signal.reason;
      return isAppError(reason)
        ? reason
        : new AppError('interrupted', 'the job was cancelled: nothing of it was stored');
    }
    this.options.log?.error({ err: e, jobId: job.jobId }, 'job failed unexpectedly');
    return new AppError('internal', 'the job failed unexpectedly on the server (it is in the server log)');
  }

  /** The job ended (any state): its files go, its final event is sent, followers end. */
  private async end(job: JobRecord): Promise<void> {
    await job
      .cleanup()
      .catch((e: unknown) => this.options.log?.warn({ err: e, jobId: job.jobId }, 'cleanup failed'));
    // Set with the final event, never before it: a follower that finds the job finished has had
    // everything there is to send.
    job.finishedAt = this.now().toISOString();
    if (job.state === 'succeeded' && job.report !== null) {
      const done: JobDoneEvent = {
        jobId: job.jobId,
        kind: job.kind,
        state: 'succeeded',
        report: job.report,
        computeJobId: job.computeJobId,
      };
      this.publish(job, 'done', done);
    } else {
      const failed: JobFailedEvent = {
        jobId: job.jobId,
        kind: job.kind,
        state: job.state === 'cancelled' ? 'cancelled' : 'failed',
        error: job.error ?? new AppError('internal', 'the job ended without a report').toResponse(),
      };
      this.publish(job, 'failed', failed);
    }
    this.options.log?.info(
      { jobId: job.jobId, kind: job.kind, partnerId: job.partnerId, state: job.state, code: job.error?.code },
      'job ended',
    );
    for (const f of job.followers) f.end();
    job.followers.clear();
    this.finished.push(job);
    while (this.finished.length > this.maxFinished) {
      const old = this.finished.shift();
      if (old === undefined) break;
      this.jobs.delete(old.jobId);
      void rm(path.join(this.jobsRoot, old.jobId), { recursive: true, force: true }).catch(() => undefined);
    }
    job.markEnded();
  }

  private onProgress(job: JobRecord, p: Progress): void {
    job.progress = p;
    job.fraction = Math.max(job.fraction, Math.min(1, fractionOf(p)));
    const phase = p.phase;
    const t = performance.now();
    if (phase !== job.lastPhase || t - job.lastProgressAt >= PROGRESS_EVERY_MS) this.publishProgress(job);
  }

  private publishProgress(job: JobRecord): void {
    job.lastPhase = job.progress?.phase ?? null;
    job.lastProgressAt = performance.now();
    const e: JobProgressEvent = {
      jobId: job.jobId,
      kind: job.kind,
      state: job.state,
      queuePosition: this.queuePosition(job),
      fraction: job.fraction,
      progress: job.progress,
    };
    this.publish(job, 'progress', e);
  }

  /** Queued jobs of a partner moved up: each says where it stands now. */
  private publishQueuePositions(partnerId: string): void {
    for (const j of this.queue) if (j.partnerId === partnerId) this.publishProgress(j);
  }

  private publish(job: JobRecord, event: JobEventName, data: object): void {
    const e: JobEvent = { id: job.nextEventId++, event, data: JSON.stringify(data) };
    job.events.push(e);
    if (job.events.length > MAX_EVENTS) {
      // Keep the first event (the job's start) and the newest ones.
      job.events.splice(1, job.events.length - MAX_EVENTS);
    }
    for (const f of job.followers) f.event(e);
  }

  private queuePosition(job: JobRecord): number | null {
    if (job.state !== 'queued') return null;
    let ahead = 0;
    if (this.running !== null && this.running.partnerId === job.partnerId) ahead++;
    for (const j of this.queue) {
      if (j === job) break;
      if (j.partnerId === job.partnerId) ahead++;
    }
    return ahead + 1;
  }

  private view(job: JobRecord): Job {
    const common = {
      jobId: job.jobId,
      state: job.state,
      createdBy: job.createdBy,
      createdAt: job.createdAt,
      startedAt: job.startedAt,
      finishedAt: job.finishedAt,
      queuePosition: this.queuePosition(job),
      cancelRequested: job.cancelRequested,
      fraction: job.finishedAt !== null ? 1 : job.fraction,
      error: job.error,
    };
    if (job.kind === 'import') {
      return {
        kind: 'import',
        ...common,
        files: job.files,
        progress: (job.progress as ImportProgress | null) ?? null,
        report: (job.report as ImportReport | null) ?? null,
        computeJobId: job.computeJobId,
      };
    }
    return {
      kind: 'compute',
      ...common,
      full: job.full,
      progress: (job.progress as ComputeProgress | null) ?? null,
      report: (job.report as ComputeReport | null) ?? null,
      afterImportJobId: job.afterImportJobId,
    };
  }

  /** The partner a job belongs to (for the routes' checks), or null when there is no such job. */
  partnerOf(jobId: string): string | null {
    return this.jobs.get(jobId)?.partnerId ?? null;
  }
}

/** Share done of a progress event: an import says it; a compute by phase and customers. */
function fractionOf(p: Progress): number {
  if ('fraction' in p) return p.fraction;
  const share = p.total === 0 ? 1 : p.done / p.total;
  switch (p.phase) {
    case 'loading':
      return 0.1 * share;
    case 'computing':
      return 0.1 + 0.7 * share;
    case 'writing':
      return 0.8 + 0.15 * share;
    case 'committing':
      return 0.95;
  }
}
