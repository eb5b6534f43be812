/**
 * Jobs: imports and computes the server runs off the request path, one writer at a time. A job is
 * queued (FIFO behind the partner's earlier jobs), runs, and ends succeeded (with the use-case's
 * own report: `ImportReport`, `ComputeReport` — the same documents the CLI prints as JSON), failed
 * (with the error body) or cancelled. Its progress is the core's progress events, streamed as
 * Server-Sent Events (`progress`, then `done` or `failed`).
 *
 * Also here: the fields of an upload that starts an import job (multipart form fields are text),
 * and the requests of the local operator's routes (the CLI on the server's machine).
 */
import { z } from 'zod';
import { CHANNELS, daySchema } from './codes';
import { computeReportSchema, computeRequestSchema } from './compute';
import { errorResponseSchema } from './errors';
import { GRAPH_REPORT_PERIODS } from './graph';
import { formatNameSchema, importReportSchema, importRequestSchema } from './imports';

export const JOB_KINDS = ['import', 'compute'] as const;
export const jobKindSchema = z.enum(JOB_KINDS);
export type JobKind = z.infer<typeof jobKindSchema>;

/** queued → running → succeeded | failed | cancelled (a queued job may be cancelled at once). */
export const JOB_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export const jobStateSchema = z.enum(JOB_STATES);
export type JobState = z.infer<typeof jobStateSchema>;

/** `done`: the import ended, committed or rejected (the last event, at 1). */
export const IMPORT_PHASES = ['reading', 'validating', 'merging', 'committing', 'done'] as const;

/** An import's progress: one fraction, weighted by file size, that only moves forward. */
export const importProgressSchema = z.object({
  fileIndex: z.number().int().min(0),
  fileCount: z.number().int().min(0),
  /** File of the step ('' while committing). */
  file: z.string(),
  phase: z.enum(IMPORT_PHASES),
  /** Share of the whole import done, 0 to 1; never smaller than in the event before. */
  fraction: z.number().min(0).max(1),
});
export type ImportProgress = z.infer<typeof importProgressSchema>;
export type ImportPhase = ImportProgress['phase'];

export const COMPUTE_PHASES = ['loading', 'computing', 'writing', 'committing'] as const;

/** A compute's progress: its phase and the customers computed so far. */
export const computeProgressSchema = z.object({
  phase: z.enum(COMPUTE_PHASES),
  /** Customers computed so far, of `total`. */
  done: z.number().int().min(0),
  total: z.number().int().min(0),
});
export type ComputeProgress = z.infer<typeof computeProgressSchema>;

const jobFields = {
  jobId: z.string(),
  state: jobStateSchema,
  /** Who started it, as the audit log names them. */
  createdBy: z.string(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  /**
   * While queued: 1 + the partner's jobs ahead of it. On the embedded store jobs of other partners
   * may be ahead too (one writer per store); they are not counted here.
   */
  queuePosition: z.number().int().min(1).nullable(),
  /** A cancel was asked for; a job whose commit had begun completes all the same. */
  cancelRequested: z.boolean(),
  /** Share done, 0 to 1 (1 once it ended). */
  fraction: z.number().min(0).max(1),
  /** Why it failed or was cancelled (the error body); null otherwise. */
  error: errorResponseSchema.nullable(),
};

export const importJobSchema = z.object({
  kind: z.literal('import'),
  ...jobFields,
  /** The files, as uploaded (names) or given (paths, local operator). */
  files: z.array(z.string()).readonly(),
  progress: importProgressSchema.nullable(),
  /** The import's report once it succeeded (as `insights import` prints it as JSON). */
  report: importReportSchema.nullable(),
  /** The compute job queued after this import (uploads ask for one by default), if any. */
  computeJobId: z.string().nullable(),
});

export const computeJobSchema = z.object({
  kind: z.literal('compute'),
  ...jobFields,
  full: z.boolean(),
  progress: computeProgressSchema.nullable(),
  /** The compute's report once it succeeded (as `insights compute` prints it as JSON). */
  report: computeReportSchema.nullable(),
  /** The import job this compute follows, if it was queued by one. */
  afterImportJobId: z.string().nullable(),
});

export const jobSchema = z.discriminatedUnion('kind', [importJobSchema, computeJobSchema]);
export type Job = z.infer<typeof jobSchema>;
export type ImportJob = z.infer<typeof importJobSchema>;
export type ComputeJob = z.infer<typeof computeJobSchema>;

export const jobListSchema = z.object({
  /** The partner's jobs the server still holds: queued and running first, then finished, newest first. */
  jobs: z.array(jobSchema).readonly(),
});
export type JobList = z.infer<typeof jobListSchema>;

export const jobParamsSchema = z.object({
  jobId: z.string().min(1).max(100).describe('The job’s id'),
});

// Server-Sent Events of a job (`GET /api/v1/jobs/:jobId/events`): `progress` events (also when the
// state changes), then one `done` or `failed`, after which the stream ends.

export const jobProgressEventSchema = z.object({
  jobId: z.string(),
  kind: jobKindSchema,
  state: jobStateSchema,
  queuePosition: z.number().int().min(1).nullable(),
  fraction: z.number().min(0).max(1),
  /** The core's progress event (import or compute, by `kind`); null before the first. */
  progress: z.union([importProgressSchema, computeProgressSchema]).nullable(),
});
export type JobProgressEvent = z.infer<typeof jobProgressEventSchema>;

export const jobDoneEventSchema = z.object({
  jobId: z.string(),
  kind: jobKindSchema,
  state: z.literal('succeeded'),
  report: z.union([importReportSchema, computeReportSchema]),
  computeJobId: z.string().nullable(),
});
export type JobDoneEvent = z.infer<typeof jobDoneEventSchema>;

export const jobFailedEventSchema = z.object({
  jobId: z.string(),
  kind: jobKindSchema,
  state: z.enum(['failed', 'cancelled']),
  error: errorResponseSchema,
});
export type JobFailedEvent = z.infer<typeof jobFailedEventSchema>;

export const JOB_EVENT_NAMES = ['progress', 'done', 'failed'] as const;
export type JobEventName = (typeof JOB_EVENT_NAMES)[number];

// The fields of an upload (`POST /api/v1/jobs/import`, multipart/form-data): text, as forms send.

/** Files one upload may carry (the dashboard says so before sending more). */
export const MAX_UPLOAD_FILES = 100;

const GRAPH_PERIODS = Object.keys(GRAPH_REPORT_PERIODS) as (keyof typeof GRAPH_REPORT_PERIODS)[];
const formBoolean = z
  .enum(['true', 'false'], { error: 'must be true or false' })
  .transform((v) => v === 'true');

export const importUploadFieldsSchema = z
  .object({
    format: formatNameSchema.optional(),
    customer: importRequestSchema.shape.customer,
    createCustomer: importRequestSchema.shape.createCustomer,
    /** Period of Graph active-user reports: D7, D30, D90 or D180 (default: from the file name, else D30). */
    period: z
      .string()
      .transform((s) => s.toUpperCase())
      .pipe(z.enum(GRAPH_PERIODS, { error: `must be one of ${GRAPH_PERIODS.join(', ')}` }))
      .optional(),
    /** Day the state in JSON exports is as of (default: today). */
    asOf: daySchema.optional(),
    /** Who sold the units of a subscribedSkus export (default direct). */
    channel: z.enum(CHANNELS, { error: `must be one of ${CHANNELS.join(', ')}` }).optional(),
    /** true: store the valid rows and keep the rejected ones for download (default false: all or nothing). */
    partial: formBoolean.optional(),
    /** Queue a compute after a successful import so the numbers are current (default true). */
    compute: formBoolean.optional(),
  })
  .strict()
  .refine((f) => f.customer === undefined || f.createCustomer === undefined, {
    error: 'customer names a stored customer and createCustomer a new one: give one of them',
    path: ['createCustomer'],
  });
export type ImportUploadFields = z.infer<typeof importUploadFieldsSchema>;

/** `POST /api/v1/jobs/compute`. */
export const computeJobRequestSchema = computeRequestSchema.pick({ full: true }).strict();
export type ComputeJobRequest = z.infer<typeof computeJobRequestSchema>;

// The local operator's routes (`/api/v1/local/…`): the CLI on the server's machine sends the
// use-cases' own requests; these are the ones that have no schema of their own elsewhere.

export const resolvePartnerRequestSchema = z.object({
  /** The partner named (flag, environment, configuration file), if any. */
  partnerId: z.string().min(1).optional(),
  /** read: a partner with data; write: an import's; staff: whose staff accounts (see resolvePartner). */
  purpose: z.enum(['read', 'write', 'staff']),
});
export type ResolvePartnerRequest = z.infer<typeof resolvePartnerRequestSchema>;

export const resolvePartnerResponseSchema = z.object({
  partnerId: z.string(),
  /** Whether the store holds the partner yet (a first import creates it). */
  exists: z.boolean(),
});
export type ResolvePartnerResponse = z.infer<typeof resolvePartnerResponseSchema>;

export const partnerIdsResponseSchema = z.object({ partnerIds: z.array(z.string()).readonly() });

export const staleMetricsRequestSchema = z.object({
  partnerId: z.string().min(1),
  day: daySchema,
  /** Only these customers (absent: all). */
  customerIds: z.array(z.string()).readonly().optional(),
});
export type StaleMetricsRequest = z.infer<typeof staleMetricsRequestSchema>;

/** An import the local operator starts: files by path on the server's machine (never for other callers). */
export const localImportRequestSchema = importRequestSchema.omit({ actor: true });
export type LocalImportRequest = z.infer<typeof localImportRequestSchema>;

export const localComputeRequestSchema = computeRequestSchema;
