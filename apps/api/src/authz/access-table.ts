/**
 * Who may call which route: ONE table (SPEC §5). Every route the server registers must have a row
 * here — the server refuses to start otherwise (see `authorize.ts`), and the access-matrix test
 * calls every route as every role, of the own and of another partner, for a customer in and out of
 * the account's scope.
 *
 * A row says:
 * - `public`: no sign-in (health, the API reference, sign-in itself);
 * - `signedIn`: any staff member of any role (who am I, sign out);
 * - `right`: the right of SPEC §5 the route needs (403 when the caller's roles lack it);
 * - `customer`: the route names a customer in this path parameter: another partner's customer, or
 *   one outside the account's scope, answers 404 before any right is looked at (its existence
 *   must not leak); routes without it show only the customers in the caller's scope;
 * - `owned`: the route names a resource of a partner (a staff account, an API token, a job) in this
 *   path parameter: another partner's answers 404 like an unknown id, before any right is looked
 *   at (`owned-resources.ts`);
 * - `local`: only the local operator (the CLI on the server's machine, by the credential file).
 */
import type { Right } from '@license-insights/contracts';
import type { OwnedKind } from './owned-resources';

/** A path parameter naming a resource the partner owns. */
export interface OwnedParam {
  readonly param: string;
  readonly kind: OwnedKind;
}

export type RouteAccess =
  | { readonly public: true }
  | { readonly signedIn: true; readonly owned?: OwnedParam }
  | { readonly right: Right; readonly customer?: string; readonly owned?: OwnedParam; readonly local?: true };

/** The Partner Center–compatible paths under one prefix: current, legacy, legacy per customer. */
function partnerCenterRows(prefix: string): Record<string, RouteAccess> {
  const rows: Record<string, RouteAccess> = {};
  for (const kind of ['deployment', 'usage']) {
    rows[`GET ${prefix}/analytics/commercial/${kind}/license`] = { right: 'read_aggregates' };
    rows[`GET ${prefix}/analytics/licenses/${kind}`] = { right: 'read_aggregates' };
    rows[`GET ${prefix}/customers/:customerId/analytics/licenses/${kind}`] = {
      right: 'read_aggregates',
      customer: 'customerId',
    };
  }
  return rows;
}

export const ACCESS_TABLE: Readonly<Record<string, RouteAccess>> = {
  // Server
  'GET /api/v1/health': { public: true },
  'GET /api/v1/openapi.json': { public: true },
  // The API reference page (Swagger UI) and the document it shows: no data, no sign-in.
  'GET /api/docs': { public: true },
  'GET /api/docs/json': { public: true },
  'GET /api/docs/yaml': { public: true },
  'GET /api/docs/static/index.html': { public: true },
  'GET /api/docs/static/swagger-initializer.js': { public: true },
  'GET /api/docs/static/*': { public: true },

  // Who am I
  'GET /api/v1/me': { signedIn: true },

  // Customers
  'GET /api/v1/customers/:customerId': { right: 'read_aggregates', customer: 'customerId' },

  // Sign-in (public: no session yet; limited per address and per account) and the session
  'POST /api/v1/auth/sign-in': { public: true },
  'POST /api/v1/auth/link': { public: true },
  'GET /api/v1/auth/providers': { public: true },
  'GET /api/v1/auth/oidc/start': { public: true },
  'GET /api/v1/auth/oidc/callback': { public: true },
  'POST /api/v1/auth/sign-out': { signedIn: true },
  'GET /api/v1/auth/csrf': { signedIn: true },
  'POST /api/v1/me/password': { signedIn: true },
  // Pages before the dashboard: the front page (to the API reference), the sign-in link page
  'GET /': { public: true },
  // The dashboard (its page and assets; its data comes from the routes below, each checked)
  'GET /assets/:file': { public: true },
  'GET /*': { public: true },
  'GET /sign-in/link': { public: true },
  'GET /sign-in/link.js': { public: true },
  // Partner staff (SPEC §5: user management admin)
  'GET /api/v1/staff': { right: 'manage_staff' },
  'POST /api/v1/staff': { right: 'manage_staff' },
  'PATCH /api/v1/staff/:accountId': {
    right: 'manage_staff',
    owned: { param: 'accountId', kind: 'staff_account' },
  },
  'POST /api/v1/staff/:accountId/sign-in-link': {
    right: 'manage_staff',
    owned: { param: 'accountId', kind: 'staff_account' },
  },
  // API tokens: one's own (the partner's with manage_staff, checked in the route)
  'POST /api/v1/tokens': { signedIn: true },
  'GET /api/v1/tokens': { signedIn: true },
  'DELETE /api/v1/tokens/:tokenId': { signedIn: true, owned: { param: 'tokenId', kind: 'api_token' } },
  // Customer analytics (routes/customer-analytics.ts, routes/recommendations.ts)
  'GET /api/v1/customers/:customerId/analytics': { right: 'read_aggregates', customer: 'customerId' },
  'GET /api/v1/customers/:customerId/trend': { right: 'read_aggregates', customer: 'customerId' },
  'GET /api/v1/customers/:customerId/subscriptions': { right: 'read_subscriptions', customer: 'customerId' },
  'GET /api/v1/customers/:customerId/inactive-users': { right: 'read_user_lists', customer: 'customerId' },
  'GET /api/v1/customers/:customerId/recommendations': { right: 'read_aggregates', customer: 'customerId' },
  // Recommendations and support, of the customers in scope (a customerId in the query: 404 outside it)
  'GET /api/v1/recommendations': { right: 'read_aggregates' },
  'GET /api/v1/support': { right: 'read_aggregates' },
  // Settings (thresholds visible to every role) and exclusions (routes/settings.ts); a customer
  // named in the body of POST /exclusions answers 404 outside the scope
  'GET /api/v1/settings': { right: 'read_aggregates' },
  'PATCH /api/v1/settings': { right: 'manage_data' },
  'POST /api/v1/settings/reset': { right: 'manage_data' },
  'GET /api/v1/settings/log': { right: 'read_audit' },
  'GET /api/v1/exclusions': { right: 'read_aggregates' },
  'POST /api/v1/exclusions': { right: 'manage_data' },
  'DELETE /api/v1/exclusions/:customerId/:productId': { right: 'manage_data', customer: 'customerId' },
  // The partner's data (routes/partner-data.ts) and audit log (routes/audit.ts)
  'GET /api/v1/data-trust': { right: 'read_aggregates' },
  'GET /api/v1/status': { right: 'read_aggregates' },
  'GET /api/v1/groups': { right: 'read_aggregates' },
  'GET /api/v1/catalog': { right: 'read_aggregates' },
  'GET /api/v1/catalog/:productId': { right: 'read_aggregates' },
  'GET /api/v1/audit': { right: 'read_audit' },
  // Portfolio views (the caller's visible customers only) and the customer table
  'GET /api/v1/portfolio/summary': { right: 'read_aggregates' },
  'GET /api/v1/portfolio/trend': { right: 'read_aggregates' },
  'GET /api/v1/portfolio/breakdown': { right: 'read_aggregates' },
  'GET /api/v1/customers': { right: 'read_aggregates' },
  // Jobs (routes/jobs.ts): imports and computes act on the whole portfolio (accounts limited to
  // some customers are refused by the routes); another partner's job is a 404.
  'POST /api/v1/jobs/import': { right: 'manage_data' },
  'POST /api/v1/jobs/compute': { right: 'manage_data' },
  'GET /api/v1/jobs': { right: 'manage_data' },
  'GET /api/v1/jobs/:jobId': { right: 'manage_data', owned: { param: 'jobId', kind: 'job' } },
  'DELETE /api/v1/jobs/:jobId': { right: 'manage_data', owned: { param: 'jobId', kind: 'job' } },
  'GET /api/v1/jobs/:jobId/events': { right: 'manage_data', owned: { param: 'jobId', kind: 'job' } },
  'GET /api/v1/jobs/:jobId/rejects': { right: 'manage_data', owned: { param: 'jobId', kind: 'job' } },

  // The CLI on the server's machine (routes/local.ts): the use-cases of `insights` commands, for the
  // local operator only (the credential in the data directory). Each row names the right the
  // command's use-case needs, as for any caller.
  'GET /api/v1/local/partners': { right: 'read_aggregates', local: true },
  'POST /api/v1/local/partner': { right: 'read_aggregates', local: true },
  'POST /api/v1/local/jobs/import': { right: 'manage_data', local: true },
  'POST /api/v1/local/jobs/compute': { right: 'manage_data', local: true },
  'POST /api/v1/local/reports/portfolio': { right: 'read_aggregates', local: true },
  'POST /api/v1/local/reports/customer': { right: 'read_aggregates', local: true },
  'POST /api/v1/local/reports/inactive': { right: 'read_user_lists', local: true },
  'POST /api/v1/local/reports/support': { right: 'read_aggregates', local: true },
  'POST /api/v1/local/reports/stale': { right: 'read_aggregates', local: true },
  'POST /api/v1/local/recommendations': { right: 'read_aggregates', local: true },
  'POST /api/v1/local/settings/show': { right: 'read_aggregates', local: true },
  'POST /api/v1/local/settings/set': { right: 'manage_data', local: true },
  'POST /api/v1/local/settings/reset': { right: 'manage_data', local: true },
  'POST /api/v1/local/settings/log': { right: 'read_audit', local: true },
  'POST /api/v1/local/exclusions/list': { right: 'read_aggregates', local: true },
  'POST /api/v1/local/exclusions/add': { right: 'manage_data', local: true },
  'POST /api/v1/local/exclusions/remove': { right: 'manage_data', local: true },
  'POST /api/v1/local/status': { right: 'read_aggregates', local: true },
  'POST /api/v1/local/catalog/list': { right: 'read_aggregates', local: true },
  'POST /api/v1/local/catalog/show': { right: 'read_aggregates', local: true },
  // Partner Center–compatible analytics (routes/license-analytics.ts), under both prefixes
  ...partnerCenterRows('/api/v1'),
  ...partnerCenterRows('/api/partner/v1'),

  // Exports (routes/exports.ts)
  'GET /api/v1/exports/metrics': { right: 'export_aggregates' },
  'GET /api/v1/customers/:customerId/export': { right: 'export_aggregates', customer: 'customerId' },
  // `insights users` and `insights tokens` (routes/local-staff.ts): the staff of the partner the
  // command names, as the user management admin's routes above.
  'POST /api/v1/local/users/list': { right: 'manage_staff', local: true },
  'POST /api/v1/local/users/add': { right: 'manage_staff', local: true },
  'POST /api/v1/local/users/update': { right: 'manage_staff', local: true },
  'POST /api/v1/local/users/link': { right: 'manage_staff', local: true },
  'POST /api/v1/local/tokens/create': { right: 'manage_staff', local: true },
  'POST /api/v1/local/tokens/list': { right: 'manage_staff', local: true },
  'POST /api/v1/local/tokens/revoke': { right: 'manage_staff', local: true },
};

/** The key of a route in the table: its method and its URL pattern as registered. */
export function accessKey(method: string, url: string): string {
  return `${method.toUpperCase()} ${url}`;
}

export function accessOf(method: string, url: string): RouteAccess | undefined {
  // HEAD routes Fastify adds for GET routes are governed by the GET row.
  return ACCESS_TABLE[accessKey(method === 'HEAD' ? 'GET' : method, url)];
}
