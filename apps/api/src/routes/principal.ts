/** The caller of a route that is not public (set by `authorize`; its absence is a bug). */
import type { Principal } from '@license-insights/contracts';
import { AppError } from '@license-insights/core';
import type { FastifyRequest } from 'fastify';

export function principal(req: FastifyRequest): Principal {
  if (req.principal === null) {
    throw new AppError('internal', `route ${req.routeOptions.url ?? req.url} ran without a caller`);
  }
  return req.principal;
}
