/** The server's own routes: health (public) and who the caller is. */
import { principalSchema } from '@license-insights/contracts';
import { AppError } from '@license-insights/core';
import { z } from 'zod';
import { API_VERSION, type Api, type AppContext } from '../app';
import { FAILURES } from './schemas';

export function registerHealthRoutes(app: Api, ctx: AppContext): void {
  app.get(
    '/api/v1/health',
    {
      schema: {
        tags: ['server'],
        summary: 'Whether the server is up and its store open',
        security: [],
        response: {
          200: z.object({ status: z.literal('ok'), version: z.string(), engine: z.string() }),
        },
      },
    },
    async () => ({ status: 'ok' as const, version: API_VERSION, engine: ctx.store.engine }),
  );

  app.get(
    '/api/v1/me',
    {
      schema: {
        tags: ['server'],
        summary: 'The caller: partner, account, roles, rights and customer scope',
        response: { 200: principalSchema, 401: FAILURES[401] },
      },
    },
    async (req) => {
      if (req.principal === null) throw new AppError('auth.unauthenticated', 'sign in first');
      return req.principal;
    },
  );
}
