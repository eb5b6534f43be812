/**
 * An import of data files for a partner: the request (files, the customer of exports that do not
 * name it, all or nothing or partial…) and its report (per file: rows, rejected, merged counts,
 * problems). Progress and cancellation are the caller's (callbacks, signals), not data.
 */
import { z } from 'zod';
import { CHANNELS, daySchema } from './codes';
import { GRAPH_REPORT_PERIODS } from './graph';
import { problemSchema } from './problems';
import { importModeSchema, importOutcomeSchema } from './status';

/** Input formats, for when detection is not enough. */
export const FORMATS = [
  'canonical',
  'graph-active-users',
  'graph-subscribed-skus',
  'partner-center-subscriptions',
] as const;
export const formatNameSchema = z.enum(FORMATS, { error: `must be one of ${FORMATS.join(', ')}` });
export type FormatName = z.infer<typeof formatNameSchema>;

/** What a file was detected as. */
export const FILE_KINDS = [
  'canonical-csv',
  'canonical-ndjson',
  'graph-active-users',
  'graph-subscribed-skus',
  'partner-center-subscriptions',
] as const;

const GRAPH_PERIODS = Object.keys(GRAPH_REPORT_PERIODS) as (keyof typeof GRAPH_REPORT_PERIODS)[];

/** A whole number from `min` to `max`, with one message for every way to miss it. */
function wholeNumberSchema(min: number, max: number) {
  const error = `must be a whole number from ${min} to ${max}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

/** The longest name of a customer created on import, in characters. */
export const MAX_CUSTOMER_NAME = 1000;

export const importRequestSchema = z.object({
  partnerId: z.string().min(1),
  /** Who imports, for the audit log. */
  actor: z.string().min(1),
  /** Files or directories (a directory's data files are imported, sorted by name). */
  paths: z.array(z.string().min(1)).min(1, 'must name at least one file or directory').readonly(),
  format: formatNameSchema.optional(),
  /**
   * The customer of exports without a tenant id (Graph, Partner Center): its id, domain (its own
   * or its users' sign-in domain) or name; it must exist.
   */
  customer: z.string().trim().min(1, 'must name a customer: its id, domain or name').optional(),
  /** Instead of `customer`: the name of a new customer to create for those exports (id from the name). */
  createCustomer: z
    .string()
    .refine((s) => s.trim() !== '' && s.trim().length <= MAX_CUSTOMER_NAME && !/\p{Cc}/u.test(s), {
      error: `must be the new customer's name, 1 to ${MAX_CUSTOMER_NAME} characters without control characters`,
    })
    .optional(),
  /** Day the state in JSON exports is as of. */
  asOf: daySchema,
  /** Channel of Graph subscribedSkus units (the export does not say who sold them). */
  channel: z.enum(CHANNELS, { error: `must be one of ${CHANNELS.join(', ')}` }),
  /**
   * Period of Graph active-user reports (the report does not say): D7, D30, D90 or D180. Default:
   * from the file name (`…_D7.csv`, `…D90…`), else D30 with a warning.
   */
  graphPeriod: z.enum(GRAPH_PERIODS, { error: `must be one of ${GRAPH_PERIODS.join(', ')}` }).optional(),
  /** Keep the valid rows and write the rejected ones to `rejectsPath` (default: all or nothing). */
  partial: z.boolean(),
  /** Replace everything stored for the partner by what these files hold (a full reload). */
  replace: z.boolean().optional(),
  /** Where rejected rows go in partial mode (a file in an existing folder). */
  rejectsPath: z.string().min(1),
  /** Problems listed per file. */
  maxProblemsPerFile: wholeNumberSchema(1, 100_000),
});
export type ImportRequest = z.infer<typeof importRequestSchema>;

export const fileOutcomeSchema = z.object({
  file: z.string(),
  kind: z.enum([...FILE_KINDS, 'unknown']),
  entity: z.string().nullable(),
  /** Records the file holds (0 when it could not be read as records at all). */
  rows: z.number(),
  /** Records not stored because of a problem (all of them when the file is refused as a whole). */
  rejected: z.number(),
  /** Nothing of the file can be stored (unknown format, header errors, unreadable records…). */
  fileRejected: z.boolean(),
  inserted: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  errors: z.array(problemSchema).readonly(),
  errorCount: z.number(),
  warnings: z.array(problemSchema).readonly(),
});
export type FileOutcome = z.infer<typeof fileOutcomeSchema>;

export const importReportSchema = z.object({
  importId: z.string(),
  /**
   * committed: everything stored; unchanged: everything was stored already; rejected: nothing
   * stored (all or nothing, and some problem); partial (`partial` mode with problems): the valid
   * rows stored, the rejected ones in the rejects file.
   */
  outcome: importOutcomeSchema,
  mode: importModeSchema,
  files: z.array(fileOutcomeSchema).readonly(),
  errorCount: z.number(),
  warningCount: z.number(),
  rejectsFile: z.string().nullable(),
});
export type ImportReport = z.infer<typeof importReportSchema>;
