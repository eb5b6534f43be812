/**
 * The HTTP server as a Fastify instance, without a port (tests `inject` into it; `server.ts`
 * listens). Composition only: plugins (security headers, cookies, rate limits, uploads, OpenAPI),
 * the one error handler, authentication and the one access table, then the routes.
 *
 * A request: Fastify routes it → `authorize` (onRequest: who calls, the access table's row, the
 * customer's scope → 401/404/403) → the zod schema validates the request → the route calls one
 * use-case → the response schema serializes the answer.
 */
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyMultipart from '@fastify/multipart';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { type Principal, ROLES } from '@license-insights/contracts';
import type { AccountStore, Config, Store } from '@license-insights/core';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyServerOptions,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { Authenticator, type LocalOperator } from './auth/authenticate';
import { authorize, checkAccessTable } from './authz/authorize';
import { CustomerDirectory } from './authz/customer-directory';
import { errorHandler, notFoundHandler } from './error-handler';
import { JobRunner } from './jobs/job-runner';
import { registerCustomerRoutes } from './routes/customers';
import { registerHealthRoutes } from './routes/health';
import { registerJobRoutes } from './routes/jobs';
import { registerLocalRoutes } from './routes/local';

export const API_VERSION = '1.0.0';

export interface AppDeps {
  readonly config: Config;
  readonly store: Store;
  readonly accounts: AccountStore;
  /** The local operator's secret and partner (the CLI on this machine); null: none accepted. */
  readonly local?: LocalOperator | null;
  /** The clock (tests move it). */
  readonly now?: () => Date;
  /** Fastify's logger: pino options, or false (tests). */
  readonly logger?: FastifyServerOptions['logger'];
  /** HTTPS options when the server speaks TLS (then HSTS and Secure cookies). */
  readonly https?: { readonly key: Buffer; readonly cert: Buffer } | null;
  /** Jobs: how they run and stop (defaults from the configuration). */
  readonly jobOptions?: JobOptions;
}

export interface JobOptions {
  /** On close, how long running jobs may go on before they are cancelled (default server.shutdownGraceSeconds). */
  readonly graceMs?: number;
  /** Heartbeat comments on job event streams (default 15 s). */
  readonly heartbeatMs?: number;
  /** Finished jobs kept in memory (default 100). */
  readonly maxFinished?: number;
  /** Database threads while a job runs (default: one core less than the machine has, at least 1; null: unchanged). */
  readonly threadsWhileBusy?: number | null;
}

/** What routes share: the deps and the services the app made from them. */
export interface AppContext extends Required<Omit<AppDeps, 'logger' | 'https' | 'local' | 'jobOptions'>> {
  readonly tls: boolean;
  readonly directory: CustomerDirectory;
  readonly authenticator: Authenticator;
  /** Imports and computes off the request path (jobs/job-runner.ts). */
  readonly jobs: JobRunner;
  readonly sseHeartbeatMs: number;
}

/** The app as routes see it: Fastify with zod schemas as its type provider. */
export type Api = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller, set by `authorize` on every route that is not public. */
    principal: Principal | null;
  }
  interface FastifyInstance {
    /** The job runner (imports, computes), for the server's shutdown and for tests. */
    jobs: JobRunner;
  }
}

/** Headers whose values never reach a log. */
export const REDACTED_HEADERS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
];

export async function buildApp(deps: AppDeps): Promise<Api> {
  const tls = deps.https !== undefined && deps.https !== null;
  // With TLS the server is an https.Server; routes see the same request and reply API.
  const app = Fastify({
    logger: deps.logger ?? false,
    ...(tls && deps.https ? { https: { key: deps.https.key, cert: deps.https.cert } } : {}),
    // JSON bodies are small (uploads are multipart, streamed to disk).
    bodyLimit: 1024 * 1024,
    trustProxy: deps.config.server.trustProxy,
    genReqId: () => randomUUID(),
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<ZodTypeProvider>() as unknown as Api;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const now = deps.now ?? (() => new Date());
  const directory = new CustomerDirectory(deps.store);
  const authenticator = new Authenticator(deps.accounts, deps.local ?? null, now);
  // Jobs (imports, computes): one at a time, off the request path; stopped gracefully on close.
  const jobOptions = deps.jobOptions ?? {};
  const jobs = new JobRunner({
    store: deps.store,
    dataDir: deps.config.dataDir,
    now,
    log: app.log,
    ...(jobOptions.maxFinished === undefined ? {} : { maxFinished: jobOptions.maxFinished }),
    threadsWhileBusy:
      jobOptions.threadsWhileBusy === undefined
        ? Math.max(1, availableParallelism() - 1)
        : jobOptions.threadsWhileBusy,
  });
  const ctx: AppContext = {
    config: deps.config,
    store: deps.store,
    accounts: deps.accounts,
    now,
    tls,
    directory,
    authenticator,
    jobs,
    sseHeartbeatMs: jobOptions.heartbeatMs ?? 15_000,
  };
  // On close (before the listener stops): running jobs get their grace period, then are cancelled;
  // queued ones are cancelled; every job stream gets its final event and ends.
  app.addHook('preClose', async () => {
    await jobs.shutdown(jobOptions.graceMs ?? deps.config.server.shutdownGraceSeconds * 1000);
  });

  app.decorateRequest('principal', null);
  app.decorate('jobs', jobs);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  checkAccessTable(app);

  await app.register(fastifyHelmet, {
    // The API answers JSON; the pages it serves (the API reference now, the dashboard later)
    // load nothing from elsewhere.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
      },
    },
    strictTransportSecurity: tls ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    frameguard: { action: 'deny' },
    crossOriginEmbedderPolicy: false,
  });
  await app.register(fastifyCookie);
  // Uploads are read part by part (routes/jobs.ts streams files to disk); limits are per route.
  await app.register(fastifyMultipart);
  await app.register(fastifyRateLimit, { global: false });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'License Insights API',
        version: API_VERSION,
        description:
          'License deployment and usage of Microsoft cloud customers (SPEC §4). Sign in with an API token: `Authorization: Bearer li_pat_…`. Roles (SPEC §5): ' +
          ROLES.join(', '),
      },
      components: {
        securitySchemes: {
          token: { type: 'http', scheme: 'bearer', description: 'An API token (li_pat_…)' },
          session: { type: 'apiKey', in: 'cookie', name: 'li_session' },
        },
      },
      security: [{ token: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', staticCSP: true });

  app.addHook('onRequest', authorize(ctx));

  // Routes: one module per area, one line each.
  registerHealthRoutes(app, ctx);
  registerCustomerRoutes(app, ctx);
  registerJobRoutes(app, ctx);
  registerLocalRoutes(app, ctx);
  // (auth) (portfolio) (customer analytics) (partner center) (exports) — added by their modules

  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}
