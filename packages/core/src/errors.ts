/**
 * The one error type of the core. Codes are stable (documented in CONTRIBUTING.md); adapters map
 * them to CLI exit codes and HTTP statuses in one table each. No HTTP or CLI knowledge here.
 */
import type { Problem } from '@license-insights/contracts';

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
  'interrupted',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Input problems behind an `ingest.*` error, listed for the user. */
    readonly problems: readonly Problem[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

/** Message of any thrown value, for wrapping foreign errors. */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Validation issues (zod) in one line: `path: message; …`, for error messages that teach the fix. */
export function formatIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
}
