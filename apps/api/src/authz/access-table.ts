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
 * - `local`: only the local operator (the CLI on the server's machine, by the credential file).
 */
import type { Right } from '@license-insights/contracts';

export type RouteAccess =
  | { readonly public: true }
  | { readonly signedIn: true }
  | { readonly right: Right; readonly customer?: string; readonly local?: true };

export const ACCESS_TABLE: Readonly<Record<string, RouteAccess>> = {
  // Server
  'GET /api/v1/health': { public: true },
  'GET /api/v1/openapi.json': { public: true },
  // The API reference page (Swagger UI) and the document it shows: no data, no sign-in.
  'GET /api/docs': { public: true },
  'GET /api/docs/': { public: true },
  'GET /api/docs/*': { public: true },
  'GET /api/docs/json': { public: true },
  'GET /api/docs/yaml': { public: true },
  'GET /api/docs/static/index.html': { public: true },
  'GET /api/docs/static/swagger-initializer.js': { public: true },
  'GET /api/docs/static/*': { public: true },

  // Who am I
  'GET /api/v1/me': { signedIn: true },

  // Customers
  'GET /api/v1/customers/:customerId': { right: 'read_aggregates', customer: 'customerId' },

  // Jobs (routes/jobs.ts): imports and computes act on the whole portfolio (accounts limited to
  // some customers are refused by the routes); another partner's job is a 404.
  'POST /api/v1/jobs/import': { right: 'manage_data' },
  'POST /api/v1/jobs/compute': { right: 'manage_data' },
  'GET /api/v1/jobs': { right: 'manage_data' },
  'GET /api/v1/jobs/:jobId': { right: 'manage_data' },
  'DELETE /api/v1/jobs/:jobId': { right: 'manage_data' },
  'GET /api/v1/jobs/:jobId/events': { right: 'manage_data' },
  'GET /api/v1/jobs/:jobId/rejects': { right: 'manage_data' },

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
  // (users) (tokens): the local operator's account routes come with `insights users|tokens` (issue12-auth).
};

/** The key of a route in the table: its method and its URL pattern as registered. */
export function accessKey(method: string, url: string): string {
  return `${method.toUpperCase()} ${url}`;
}

export function accessOf(method: string, url: string): RouteAccess | undefined {
  // HEAD routes Fastify adds for GET routes are governed by the GET row.
  return ACCESS_TABLE[accessKey(method === 'HEAD' ? 'GET' : method, url)];
}
