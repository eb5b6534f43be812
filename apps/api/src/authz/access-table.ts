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

  // Partner Center–compatible analytics (routes/license-analytics.ts), under both prefixes
  ...partnerCenterRows('/api/v1'),
  ...partnerCenterRows('/api/partner/v1'),

  // Exports (routes/exports.ts)
  'GET /api/v1/exports/metrics': { right: 'export_aggregates' },
  'GET /api/v1/customers/:customerId/export': { right: 'export_aggregates', customer: 'customerId' },
};

/** The key of a route in the table: its method and its URL pattern as registered. */
export function accessKey(method: string, url: string): string {
  return `${method.toUpperCase()} ${url}`;
}

export function accessOf(method: string, url: string): RouteAccess | undefined {
  // HEAD routes Fastify adds for GET routes are governed by the GET row.
  return ACCESS_TABLE[accessKey(method === 'HEAD' ? 'GET' : method, url)];
}
