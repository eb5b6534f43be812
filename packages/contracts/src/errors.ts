/**
 * The error vocabulary every adapter shares: stable codes (documented in CONTRIBUTING.md, mapped
 * to CLI exit codes and HTTP statuses in one table each), and the shape of an error as it leaves
 * the core — a code, a message about the data, an optional hint the adapter words, and the input
 * problems behind an `ingest.*` error.
 */
import { z } from 'zod';
import { errorHintSchema } from './hints';
import { problemSchema } from './problems';

export const ERROR_CODES = [
  'usage.invalid_argument',
  'config.invalid',
  'ingest.invalid_input',
  'ingest.unreadable',
  'store.unavailable',
  'store.locked',
  'store.busy',
  'store.migration_failed',
  'not_found',
  'conflict',
  'auth.unauthenticated',
  'auth.forbidden',
  'auth.throttled',
  'request.too_large',
  'interrupted',
  'internal',
] as const;
export const errorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

/** An error as an adapter sends it on (the API's error body). */
export const errorResponseSchema = z.object({
  code: errorCodeSchema,
  /** About the data; names no command, option or route (those are the hint's, worded by the adapter). */
  message: z.string(),
  hint: errorHintSchema.optional(),
  problems: z.array(problemSchema).readonly(),
});
export type ErrorResponse = z.infer<typeof errorResponseSchema>;
