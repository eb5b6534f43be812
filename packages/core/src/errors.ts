/**
 * The one error type of the core. Codes are stable (documented in CONTRIBUTING.md); adapters map
 * them to CLI exit codes and HTTP statuses in one table each. No HTTP or CLI knowledge here: a
 * message talks about the data, and what the user could do about it that names a command, an
 * option or a route is a `hint` (contracts/src/hints.ts) each adapter words for its users.
 */
import type { ErrorCode, ErrorHint, ErrorResponse, Problem } from '@license-insights/contracts';

export { ERROR_CODES, type ErrorCode, type ErrorHint } from '@license-insights/contracts';

export class AppError extends Error {
  override readonly name = 'AppError';
  /** What would help, for the adapter to word (absent: the message says all there is). */
  readonly hint: ErrorHint | undefined;
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Input problems behind an `ingest.*` error, listed for the user. */
    readonly problems: readonly Problem[] = [],
    options?: { cause?: unknown; hint?: ErrorHint },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.hint = options?.hint;
  }

  /** The error as an adapter sends it on (contracts `errorResponseSchema`). */
  toResponse(): ErrorResponse {
    return {
      code: this.code,
      message: this.message,
      ...(this.hint === undefined ? {} : { hint: this.hint }),
      problems: this.problems,
    };
  }
}

/** An error with a hint and no problems: `hinted('not_found', 'no metrics yet', { kind: 'compute_metrics' })`. */
export function hinted(code: ErrorCode, message: string, hint: ErrorHint): AppError {
  return new AppError(code, message, [], { hint });
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
