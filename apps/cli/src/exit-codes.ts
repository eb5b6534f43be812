/**
 * Exit codes of the `insights` command (documented in README and `insights --help`), and the one
 * table that maps core error codes to them.
 */
import type { ErrorCode } from '@license-insights/core';

export const EXIT = {
  ok: 0,
  internal: 1,
  usage: 2,
  invalidInput: 3,
  partial: 4,
  store: 5,
  config: 6,
  /** The server refused the credential or the right (a CLI command sent through a running server). */
  auth: 7,
  /** 128 + the signal's number, as shells report a process a signal ended. */
  sigint: 130,
  sigterm: 143,
} as const;

export const EXIT_CODE_HELP = `Exit codes:
  0  success
  1  internal error (a bug: please report it)
  2  wrong command-line usage
  3  invalid input: the import was rejected and nothing was stored
  4  partial import: valid rows stored, rejected rows written to the rejects file
  5  store unavailable (locked by another process, busy, unreadable, newer schema)
  6  invalid configuration
  7  refused: a credential or a right (by the running server, or a token wider than its account)
  130, 143  interrupted (SIGINT — Ctrl-C — or SIGTERM): nothing of the import was stored`;

export function exitCodeOf(code: ErrorCode): number {
  switch (code) {
    case 'usage.invalid_argument':
    case 'not_found':
    case 'conflict':
    case 'request.too_large':
      return EXIT.usage;
    case 'auth.unauthenticated':
    case 'auth.forbidden':
    case 'auth.throttled':
      return EXIT.auth;
    case 'config.invalid':
      return EXIT.config;
    case 'ingest.invalid_input':
    case 'ingest.unreadable':
      return EXIT.invalidInput;
    case 'store.unavailable':
    case 'store.locked':
    case 'store.busy':
    case 'store.migration_failed':
      return EXIT.store;
    case 'interrupted':
      return EXIT.sigint;
    case 'internal':
      return EXIT.internal;
  }
}
