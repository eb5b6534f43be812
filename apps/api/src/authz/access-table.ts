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

  // Portfolio views (the caller's visible customers only) and the customer table
  'GET /api/v1/portfolio/summary': { right: 'read_aggregates' },
  'GET /api/v1/portfolio/trend': { right: 'read_aggregates' },
  'GET /api/v1/portfolio/breakdown': { right: 'read_aggregates' },
  'GET /api/v1/customers': { right: 'read_aggregates' },
};

/** The key of a route in the table: its method and its URL pattern as registered. */
export function accessKey(method: string, url: string): string {
  return `${method.toUpperCase()} ${url}`;
}

export function accessOf(method: string, url: string): RouteAccess | undefined {
  // HEAD routes Fastify adds for GET routes are governed by the GET row.
  return ACCESS_TABLE[accessKey(method === 'HEAD' ? 'GET' : method, url)];
}
