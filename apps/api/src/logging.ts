/**
 * What a request looks like in the server's log: Fastify's own fields, with the values of query
 * parameters that can carry a credential masked (an OpenID Connect callback's `code`, a token or a
 * secret someone put in a URL). Headers are redacted by `REDACTED_HEADERS` (app.ts) when a log
 * configuration adds them; bodies are never logged.
 */
import type { FastifyRequest } from 'fastify';

const SENSITIVE_QUERY = /([?&](?:code|secret|token|password|id_token|access_token|refresh_token)=)[^&#]*/gi;

export function maskUrl(url: string): string {
  return url.replace(SENSITIVE_QUERY, '$1[redacted]');
}

export function requestLogValue(req: FastifyRequest): Record<string, unknown> {
  return {
    method: req.method,
    url: maskUrl(req.url),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}
