/**
 * Authorization of every request, from the one access table (SPEC §5), in this order:
 * 1. the route's row (a route without one is a bug: the server does not start);
 * 2. public routes pass; every other needs a caller (401 without a valid credential);
 *    a state-changing request (POST, PUT, PATCH, DELETE) authenticated by the session cookie must
 *    carry the session's CSRF token (403 otherwise) — here, so that no route can forget it;
 * 3. a route that names a customer answers 404 unless the customer is the caller's partner's and
 *    in the account's scope (its existence must not leak);
 *    likewise a route that names a resource another partner owns (a staff account, a token, a job);
 * 4. the caller's roles must hold the route's right (403 otherwise: the resource is in scope).
 */
import { type Right, ROLE_NAMES } from '@license-insights/contracts';
import { AppError } from '@license-insights/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Api, AppContext } from '../app';
import { CSRF_HEADER, STATE_CHANGING } from '../auth/csrf';
import { ACCESS_TABLE, accessKey, accessOf } from './access-table';
import type { OwnedResources } from './owned-resources';

/** What a right lets one do, for messages that say what is missing. */
const RIGHT_TEXT: Readonly<Record<Right, string>> = {
  read_aggregates: 'read portfolio and customer analytics',
  export_aggregates: 'export aggregates',
  read_subscriptions: 'see subscriptions',
  read_user_lists: 'see user-level lists (names and UPNs of users)',
  manage_data: 'import data and change settings, thresholds, exclusions and the catalog',
  manage_staff: 'manage partner staff accounts and roles',
  read_audit: 'read the audit log',
};

/** Every route registered, as the access table names it (for the access-matrix test). */
export interface RegisteredRoute {
  readonly method: string;
  readonly url: string;
}

const registered = new WeakMap<object, RegisteredRoute[]>();

export function registeredRoutes(app: object): readonly RegisteredRoute[] {
  return registered.get(app) ?? [];
}

/** Refuses to register a route the access table does not name; remembers the rest. */
export function checkAccessTable(app: Api): void {
  const list: RegisteredRoute[] = [];
  registered.set(app, list);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (accessOf(method, route.url) === undefined) {
        throw new Error(
          `route ${accessKey(method, route.url)} has no row in the access table (apps/api/src/authz/access-table.ts)`,
        );
      }
      if (method !== 'HEAD') list.push({ method, url: route.url });
    }
  });
}

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function authorize(ctx: AppContext) {
  return async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const url = req.routeOptions.url;
    if (url === undefined) return; // no route: the not-found handler answers
    const access = accessOf(req.method, url);
    if (access === undefined) {
      throw new AppError('internal', `route ${accessKey(req.method, url)} has no row in the access table`);
    }
    if ('public' in access) return;
    const principal = await ctx.authenticator.authenticate({
      authorization: header(req, 'authorization'),
      partner: header(req, 'x-insights-partner'),
      osUser: header(req, 'x-insights-os-user'),
      sessionCookie: req.cookies[ctx.authenticator.sessionCookie],
    });
    if (principal === null) {
      throw new AppError(
        'auth.unauthenticated',
        'sign in first: send an API token (Authorization: Bearer li_pat_…) or sign in in the browser; a token may have expired or been revoked',
      );
    }
    req.principal = principal;
    // A cookie is ambient (a page of another site can make the browser send it); a bearer token or
    // the local credential is not, so only session callers need the token.
    if (principal.via === 'session' && STATE_CHANGING.has(req.method) && !(await ctx.csrf.verify(req))) {
      throw new AppError(
        'auth.forbidden',
        `this request changes something and is signed in by the session cookie: send the ${CSRF_HEADER} header with the token from GET /api/v1/auth/csrf (a token of another session, or from before the server restarted, does not work)`,
      );
    }
    if (access.owned !== undefined) {
      const id = (req.params as Record<string, string | undefined>)[access.owned.param];
      await ctx.owned.require(access.owned.kind, principal, id ?? '');
    }
    if ('signedIn' in access) return;
    if (access.local === true && principal.via !== 'local') {
      throw new AppError(
        'auth.forbidden',
        'only the local operator (the CLI on the server machine) may do this',
      );
    }
    if (access.customer !== undefined) {
      const id = (req.params as Record<string, string | undefined>)[access.customer];
      await ctx.directory.require(principal, id ?? '');
    }
    if (!principal.rights.includes(access.right)) {
      throw new AppError(
        'auth.forbidden',
        `your roles (${principal.roles.map((r) => ROLE_NAMES[r]).join(', ')}) do not allow you to ${RIGHT_TEXT[access.right]}`,
      );
    }
  };
}

/** Every kind of owned resource the table names has its owner check (called when the app is ready). */
export function checkOwnedResources(owned: OwnedResources): void {
  for (const [key, access] of Object.entries(ACCESS_TABLE)) {
    if ('owned' in access && access.owned !== undefined && !owned.has(access.owned.kind)) {
      throw new Error(`route ${key} names a ${access.owned.kind} but no owner check is registered for it`);
    }
  }
}

/** The table's keys, for tests that check the table has no rows for routes that do not exist. */
export function accessTableKeys(): string[] {
  return Object.keys(ACCESS_TABLE);
}
