/**
 * Login CSRF: the sign-in routes have no session yet, so no CSRF token can protect them; a page of
 * another site could still post its own credentials and sign the victim's browser in as the
 * attacker. Browsers say where a request comes from: `Sec-Fetch-Site` (same-origin, or none for
 * a typed URL) and `Origin`; when either is present and names another site, the request is refused.
 * Clients that send neither (scripts, curl) carry no ambient credential and pass.
 */
import { AppError } from '@license-insights/core';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../app';

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function refuse(): never {
  throw new AppError(
    'auth.forbidden',
    'sign-in requests from pages of another site are refused: sign in on this server’s own pages',
  );
}

export function refuseCrossSite(ctx: AppContext, req: FastifyRequest): void {
  const site = header(req, 'sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') refuse();
  const origin = header(req, 'origin');
  if (origin === undefined) return;
  let host: string;
  try {
    host = new URL(origin).hostname;
  } catch {
    refuse();
  }
  // Host names are compared, not ports: behind a proxy the port the browser used is not the one
  // the server sees (Sec-Fetch-Site, sent by every current browser, compares exactly).
  const own = [req.hostname];
  if (ctx.config.server.publicUrl !== undefined) own.push(new URL(ctx.config.server.publicUrl).hostname);
  if (!own.includes(host)) refuse();
}
