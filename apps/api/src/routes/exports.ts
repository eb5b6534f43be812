/**
 * Exports (SPEC §4, right `export_aggregates`): a day's metrics rows of the caller's visible
 * customers, or of one customer, as CSV, XLSX or JSON with the same columns, streamed to the
 * client in flat memory, and audited in the account store (action `export`: format, scope, view,
 * day, rows).
 */
import {
  EXPORT_MEDIA_TYPES,
  type ExportFormat,
  exportQuerySchema,
  type Principal,
} from '@license-insights/contracts';
import { actorOf } from '@license-insights/core';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Api, AppContext } from '../app';
import { startMetricsExport } from '../exports/metrics-export';
import { principal } from './principal';
import { customerParamsSchema, FAILURES } from './schemas';

/** A file name of safe characters: `license-insights-<partner>[-<customer>]-<day>-<view>.<format>`. */
function fileName(parts: readonly string[], format: ExportFormat): string {
  const safe = parts.map((p) => p.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '')).filter(Boolean);
  return `${['license-insights', ...safe].join('-')}.${format}`;
}

const exportResponses = {
  200: z
    .unknown()
    .describe(
      'The export as an attachment: text/csv (UTF-8 with BOM), an XLSX workbook, or a JSON array of SPEC §4 metrics rows',
    ),
  ...FAILURES,
};

export function registerExportRoutes(app: Api, ctx: AppContext): void {
  const send = async (
    reply: FastifyReply,
    caller: Principal,
    query: z.infer<typeof exportQuerySchema>,
    customerId: string | null,
  ) => {
    const visible = customerId === null ? await ctx.directory.visibleIds(caller) : new Set([customerId]);
    const started = await startMetricsExport(
      ctx.store,
      {
        partnerId: caller.partnerId,
        view: query.view,
        customerIds: visible === null ? null : [...visible],
        ...(query.day === undefined ? {} : { day: query.day }),
      },
      query.format,
    );
    void started.done.then(({ rows, error }) =>
      ctx.accounts
        .audit({
          partnerId: caller.partnerId,
          actor: actorOf(caller),
          action: 'export',
          outcome: error === null ? 'ok' : 'failed',
          details: {
            format: query.format,
            scope: customerId === null ? 'portfolio' : 'customer',
            ...(customerId === null ? {} : { customerId }),
            customers: visible === null ? 'all' : visible.size,
            view: started.view,
            day: started.day,
            rows,
          },
        })
        .catch((e: unknown) => reply.log.error({ err: e }, 'the export could not be audited')),
    );
    const name = fileName(
      [caller.partnerId, ...(customerId === null ? [] : [customerId]), started.day, started.view],
      query.format,
    );
    return reply
      .header('content-type', EXPORT_MEDIA_TYPES[query.format])
      .header('content-disposition', `attachment; filename="${name}"`)
      .header('cache-control', 'no-store')
      .send(started.body);
  };

  app.get(
    '/api/v1/exports/metrics',
    {
      schema: {
        tags: ['exports'],
        summary: 'Export the metrics rows of a day of every customer the caller may see (CSV, XLSX or JSON)',
        querystring: exportQuerySchema,
        response: exportResponses,
      },
    },
    async (req, reply) => send(reply, principal(req), req.query, null),
  );

  app.get(
    '/api/v1/customers/:customerId/export',
    {
      schema: {
        tags: ['exports'],
        summary: 'Export the metrics rows of a day of one customer (CSV, XLSX or JSON)',
        params: customerParamsSchema,
        querystring: exportQuerySchema,
        response: exportResponses,
      },
    },
    async (req, reply) => send(reply, principal(req), req.query, req.params.customerId),
  );
}
