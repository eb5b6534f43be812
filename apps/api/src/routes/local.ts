/**
 * The local operator's routes: what `insights` commands do while this server holds the embedded
 * store (one process owns it). The CLI on this machine sends each use-case's own contract request
 * with the credential the server left in the data directory; the route runs the same use-case
 * (`localInsights` over the server's store — the very code the CLI runs without a server) and
 * answers its contract response, so the command prints exactly what it prints without a server.
 * Imports and computes go through the job runner like any other job: the CLI follows their events
 * (its progress bar) and cancels the job on Ctrl-C.
 *
 * Only the local operator may call these (`local: true` in the access table): they take the
 * partner from the request (the local operator owns the store, as the CLI does without a server)
 * and an import takes paths of files on this machine. Writes are audited as the local operator and
 * the OS user who ran the command, never as whatever the request says.
 */
import path from 'node:path';
import {
  addExclusionRequestSchema,
  addExclusionResponseSchema,
  customerReportRequestSchema,
  customerReportResponseSchema,
  effectiveSettingsSchema,
  inactiveUsersRequestSchema,
  inactiveUsersResponseSchema,
  jobSchema,
  listCatalogRequestSchema,
  listCatalogResponseSchema,
  listExclusionsRequestSchema,
  listExclusionsResponseSchema,
  localComputeRequestSchema,
  localImportRequestSchema,
  type Principal,
  partnerIdsResponseSchema,
  portfolioReportRequestSchema,
  portfolioReportResponseSchema,
  recommendationsRequestSchema,
  recommendationsResponseSchema,
  removeExclusionRequestSchema,
  removeExclusionResponseSchema,
  resetSettingsRequestSchema,
  resetSettingsResponseSchema,
  resolvePartnerRequestSchema,
  resolvePartnerResponseSchema,
  setSettingRequestSchema,
  setSettingResponseSchema,
  settingsLogRequestSchema,
  settingsLogResponseSchema,
  showCatalogProductRequestSchema,
  showCatalogProductResponseSchema,
  showSettingsRequestSchema,
  staleMetricsRequestSchema,
  staleMetricsSchema,
  statusRequestSchema,
  statusResponseSchema,
  supportMetricsRequestSchema,
  supportMetricsResponseSchema,
} from '@license-insights/contracts';
import { AppError, actorOf, type Insights, localInsights } from '@license-insights/core';
import type { FastifyReply, FastifyRequest, FastifySchema } from 'fastify';
import type { z } from 'zod';
import type { Api, AppContext } from '../app';
import { ownerOf } from './jobs';
import { principal } from './principal';
import { apiErrorSchema, FAILURES } from './schemas';

export const LOCAL_FAILURES = {
  ...FAILURES,
  503: apiErrorSchema.describe('The store is busy, or the server is shutting down'),
};

/**
 * Sends a use-case's answer as the use-case made it (checked against its contract schema first):
 * the CLI prints it as it would print its own, key order included, which a copy re-made from the
 * schema would not keep.
 */
export function sendContract(req: FastifyRequest, reply: FastifyReply, schema: z.ZodType, value: unknown) {
  const checked = schema.safeParse(value);
  if (!checked.success) {
    req.log.error({ issues: checked.error.issues }, 'a local route’s answer does not match its schema');
    throw new AppError('internal', 'the server built an answer that does not match its own schema (a bug)');
  }
  return reply.status(200).type('application/json; charset=utf-8').send(JSON.stringify(value));
}

/**
 * A registrar of local operator routes: one use-case as a route, its contract request as the body
 * and its contract response as the answer (checked, then sent as the use-case made it). Never
 * cached: answers may hold secrets (a token, a sign-in link).
 */
export function localUseCaseRoute(app: Api) {
  return function useCase<B extends z.ZodType, R extends z.ZodType>(
    url: string,
    summary: string,
    body: B,
    response: R,
    run: (body: z.output<B>, p: Principal) => Promise<unknown>,
  ): void {
    // Typed as a plain schema: the answer is sent as text (sendContract), checked against `response`.
    const schema: FastifySchema = {
      tags: ['local operator'],
      summary,
      body,
      response: { 200: response, ...LOCAL_FAILURES },
    };
    app.post(url, { schema }, async (req, reply): Promise<void> => {
      const answer = await run(req.body as z.output<B>, principal(req));
      reply.header('cache-control', 'no-store');
      await sendContract(req, reply, response, answer);
    });
  };
}

export function registerLocalRoutes(app: Api, ctx: AppContext): void {
  const insights: Insights = localInsights(ctx.store);

  const useCase = localUseCaseRoute(app);

  app.get(
    '/api/v1/local/partners',
    {
      schema: {
        tags: ['local operator'],
        summary: 'The partners the store holds',
        response: { 200: partnerIdsResponseSchema, ...LOCAL_FAILURES },
      },
    },
    async () => ({ partnerIds: await insights.partnerIds() }),
  );
  useCase(
    '/api/v1/local/partner',
    'The partner a command acts for: the one named, else the store’s only one',
    resolvePartnerRequestSchema,
    resolvePartnerResponseSchema,
    (b) => insights.resolvePartner(b),
  );

  // Jobs of the local operator: files by their paths on this machine.
  app.post(
    '/api/v1/local/jobs/import',
    {
      schema: {
        tags: ['local operator'],
        summary: 'Import files of this machine, by path, as a job (follow it at /api/v1/jobs/{jobId}/events)',
        body: localImportRequestSchema,
        response: { 202: jobSchema, ...LOCAL_FAILURES },
      },
    },
    async (req, reply) => {
      const p = principal(req);
      const body = req.body;
      const relative = [...body.paths, body.rejectsPath].find((f) => !path.isAbsolute(f));
      if (relative !== undefined) {
        throw new AppError(
          'usage.invalid_argument',
          `invalid request: paths must be absolute on the server's machine (got ${JSON.stringify(relative)})`,
        );
      }
      const actor = actorOf(p);
      const job = ctx.jobs.startImport(
        ctx.jobs.newJobId(),
        { partnerId: body.partnerId, actor },
        { ...body, actor },
        { files: body.paths, computeAfter: false },
      );
      return reply.status(202).send(job);
    },
  );
  app.post(
    '/api/v1/local/jobs/compute',
    {
      schema: {
        tags: ['local operator'],
        summary: 'Compute a partner’s metrics as a job',
        body: localComputeRequestSchema,
        response: { 202: jobSchema, ...LOCAL_FAILURES },
      },
    },
    async (req, reply) => {
      const p = principal(req);
      const job = ctx.jobs.startCompute({ ...ownerOf(p), partnerId: req.body.partnerId }, req.body);
      return reply.status(202).send(job);
    },
  );

  // Reads.
  useCase(
    '/api/v1/local/reports/portfolio',
    'insights report portfolio',
    portfolioReportRequestSchema,
    portfolioReportResponseSchema,
    (b) => insights.portfolioReport(b),
  );
  useCase(
    '/api/v1/local/reports/customer',
    'insights report customer',
    customerReportRequestSchema,
    customerReportResponseSchema,
    (b) => insights.customerReport(b),
  );
  useCase(
    '/api/v1/local/reports/inactive',
    'insights report inactive',
    inactiveUsersRequestSchema,
    inactiveUsersResponseSchema,
    (b) => insights.inactiveUsers(b),
  );
  useCase(
    '/api/v1/local/reports/support',
    'insights report support',
    supportMetricsRequestSchema,
    supportMetricsResponseSchema,
    (b) => insights.supportMetrics(b),
  );
  useCase(
    '/api/v1/local/reports/stale',
    'What is out of date in the metrics of a day',
    staleMetricsRequestSchema,
    staleMetricsSchema.nullable(),
    (b) => insights.staleMetrics(b),
  );
  useCase(
    '/api/v1/local/recommendations',
    'insights recommendations',
    recommendationsRequestSchema,
    recommendationsResponseSchema,
    (b) => insights.recommendations(b),
  );
  useCase('/api/v1/local/status', 'insights status', statusRequestSchema, statusResponseSchema, (b) =>
    insights.status(b),
  );
  useCase(
    '/api/v1/local/catalog/list',
    'insights catalog list',
    listCatalogRequestSchema,
    listCatalogResponseSchema,
    (b) => insights.listCatalog(b),
  );
  useCase(
    '/api/v1/local/catalog/show',
    'insights catalog show',
    showCatalogProductRequestSchema,
    showCatalogProductResponseSchema,
    (b) => insights.showCatalogProduct(b),
  );

  // Settings and exclusions: writes audited as the local operator and the OS user.
  useCase(
    '/api/v1/local/settings/show',
    'insights settings',
    showSettingsRequestSchema,
    effectiveSettingsSchema,
    (b) => insights.settings(b),
  );
  useCase(
    '/api/v1/local/settings/set',
    'insights settings set',
    setSettingRequestSchema,
    setSettingResponseSchema,
    (b, p) => insights.setSetting({ ...b, actor: actorOf(p) }),
  );
  useCase(
    '/api/v1/local/settings/reset',
    'insights settings reset',
    resetSettingsRequestSchema,
    resetSettingsResponseSchema,
    (b, p) => insights.resetSettings({ ...b, actor: actorOf(p) }),
  );
  useCase(
    '/api/v1/local/settings/log',
    'insights settings log',
    settingsLogRequestSchema,
    settingsLogResponseSchema,
    (b) => insights.settingsLog(b),
  );
  useCase(
    '/api/v1/local/exclusions/list',
    'insights exclusions',
    listExclusionsRequestSchema,
    listExclusionsResponseSchema,
    (b) => insights.exclusions(b),
  );
  useCase(
    '/api/v1/local/exclusions/add',
    'insights exclusions add',
    addExclusionRequestSchema,
    addExclusionResponseSchema,
    (b, p) => insights.addExclusion({ ...b, actor: actorOf(p) }),
  );
  useCase(
    '/api/v1/local/exclusions/remove',
    'insights exclusions remove',
    removeExclusionRequestSchema,
    removeExclusionResponseSchema,
    (b, p) => insights.removeExclusion({ ...b, actor: actorOf(p) }),
  );
}
