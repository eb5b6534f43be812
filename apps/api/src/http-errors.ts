/**
 * The one table from the core's error codes to HTTP statuses, and the error body every route sends
 * (contracts `errorResponseSchema`: code, message, hint, problems). Hints are worded for API users
 * here, as the CLI words them as commands.
 */
import type { ErrorCode, ErrorHint } from '@license-insights/contracts';

export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  'usage.invalid_argument': 400,
  'config.invalid': 500,
  'ingest.invalid_input': 422,
  'ingest.unreadable': 422,
  'store.unavailable': 503,
  'store.locked': 503,
  'store.busy': 503,
  'store.migration_failed': 503,
  not_found: 404,
  conflict: 409,
  'auth.unauthenticated': 401,
  'auth.forbidden': 403,
  'auth.throttled': 429,
  'request.too_large': 413,
  interrupted: 409,
  internal: 500,
};

/** What an API user can do about an error, in the API's words (routes and fields). */
export function hintText(hint: ErrorHint): string {
  switch (hint.kind) {
    case 'compute_metrics':
      return 'compute the metrics: POST /api/v1/jobs/compute';
    case 'import_data':
      return 'import data: POST /api/v1/jobs/import (multipart upload)';
    case 'choose_partner':
      return 'the store holds several partners: sign in with an account of the partner meant';
    case 'name_import_partner':
      return `files of your own need their own partner; the demo partner is "${hint.demoPartnerId}"`;
    case 'create_customer':
      return `create the customer on import: field createCustomer${hint.name === null ? '' : ` = ${JSON.stringify(hint.name)}`}`;
    case 'use_customer':
      return `name the stored customer on import: field customer${hint.customerId === null ? '' : ` = ${JSON.stringify(hint.customerId)}`}`;
    case 'omit_customer':
      return `leave out the field ${hint.field}: none of the files is a Microsoft export`;
    case 'name_customer':
      return 'name the customer of a Graph or Partner Center export: field customer';
    case 'name_report_period':
      return 'name the Graph report period: field period (D7, D30, D90 or D180)';
    case 'name_format':
      return 'name the file format: field format';
    case 'search_catalog':
      return `search the catalog: GET /api/v1/catalog?search=${encodeURIComponent(hint.words)}`;
    case 'reset_settings':
      return `reset the settings: POST /api/v1/settings/reset${hint.rule === null ? '' : ` with rule ${hint.rule}`}`;
    case 'new_sign_in_link':
      return 'ask a user management admin for a new link (POST /api/v1/staff/{accountId}/sign-in-link, or `insights users link <email>` on the server)';
    case 'fix_setting':
      return `set ${hint.rule}.${hint.field} again (default ${String(hint.defaultValue)}): PATCH /api/v1/settings`;
  }
}
