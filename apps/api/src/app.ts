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
import {
  type AccountStore,
  type Config,
  LicenseAnalyticsMemory,
  PortfolioViews,
  type Store,
} from '@license-insights/core';
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
import { Authenticator, type LocalOperator, sessionCookieName } from './auth/authenticate';
import { type CsrfGuard, registerCsrf } from './auth/csrf';
import { authorize, checkAccessTable, checkOwnedResources } from './authz/authorize';
import { CustomerDirectory } from './authz/customer-directory';
import { OwnedResources } from './authz/owned-resources';
import { errorHandler, notFoundHandler } from './error-handler';
import { JobRunner } from './jobs/job-runner';
import { requestLogValue } from './logging';
import { registerAuditRoutes } from './routes/audit';
import { registerAuthRoutes } from './routes/auth';
import { registerCustomerAnalyticsRoutes } from './routes/customer-analytics';
import { registerCustomerRoutes } from './routes/customers';
import { registerExportRoutes } from './routes/exports';
import { registerHealthRoutes } from './routes/health';
import { registerJobRoutes } from './routes/jobs';
import { registerLicenseAnalyticsRoutes } from './routes/license-analytics';
import { registerLocalRoutes } from './routes/local';
import { registerLocalStaffRoutes } from './routes/local-staff';
import { defaultWebDist, registerPageRoutes } from './routes/pages';
import { registerPartnerDataRoutes } from './routes/partner-data';
import { registerPortfolioRoutes } from './routes/portfolio';
import { registerRecommendationRoutes } from './routes/recommendations';
import { registerSettingsRoutes } from './routes/settings';
import { registerStaffRoutes } from './routes/staff';
import { registerTokenRoutes } from './routes/tokens';

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
  /** The partner whose staff use this server (OpenID Connect creates accounts for it by default). */
  readonly homePartnerId?: string | null;
  /** Jobs: how they run and stop (defaults from the configuration). */
  readonly jobOptions?: JobOptions;
  /**
   * The built dashboard (apps/web/dist): served at `/` with its assets; every other path that is
   * not the API's gets its index.html (the app's own routes). Default: the build beside this
   * package, when there is one; null: no dashboard (`/` goes to the API reference).
   */
  readonly webDist?: string | null;
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
  /** CSRF tokens of browser sessions (checked centrally by `authorize`). */
  readonly csrf: CsrfGuard;
  /** The portfolio views, with their memory of per-customer sums (kept per store commit). */
  readonly portfolio: PortfolioViews;
  /** Owner checks of the resources routes name by id (another partner's: 404). */
  readonly owned: OwnedResources;
  /** Whole answers of recent Partner Center–compatible queries, until the next store commit. */
  readonly licenseAnalytics: LicenseAnalyticsMemory;
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
  const logger = deps.logger ?? false;
  const app = Fastify({
    // Requests are logged without credentials in their query (logging.ts), unless the caller
    // configures its own request serializer.
    logger:
      typeof logger === 'object'
        ? { ...logger, serializers: { req: requestLogValue, ...(logger.serializers ?? {}) } }
        : logger === true
          ? { serializers: { req: requestLogValue } }
          : false,
    ...(tls && deps.https ? { https: { key: deps.https.key, cert: deps.https.cert } } : {}),
    // JSON bodies are small (uploads are multipart, streamed to disk).
    bodyLimit: 1024 * 1024,
    // The close hook waits up to the shutdown grace period for a running job: Fastify's hook
    // timeout (10 s by default) must be longer, or a graceful stop of a longer import fails
    // ("Plugin did not start in time", seen with a 30 s grace on PostgreSQL).
    pluginTimeout: Math.max(
      10_000,
      (deps.jobOptions?.graceMs ?? deps.config.server.shutdownGraceSeconds * 1000) + 10_000,
    ),
    trustProxy: deps.config.server.trustProxy,
    genReqId: () => randomUUID(),
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<ZodTypeProvider>() as unknown as Api;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const now = deps.now ?? (() => new Date());
  const directory = new CustomerDirectory(deps.store);
  const authenticator = new Authenticator(deps.accounts, deps.local ?? null, now, tls);
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
        // Over plain HTTP (a server on a LAN address) upgrading would break every page's requests.
        upgradeInsecureRequests: tls ? [] : null,
      },
    },
    strictTransportSecurity: tls ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    frameguard: { action: 'deny' },
    crossOriginEmbedderPolicy: false,
  });
  await app.register(fastifyCookie);
  const csrf = await registerCsrf(app, tls, authenticator.sessionCookie);
  const owned = new OwnedResources();
  owned.register(
    'staff_account',
    async (p, id) => (await deps.accounts.accountById(p.partnerId, id)) !== null,
  );
  owned.register('api_token', async (p, id) =>
    (await deps.accounts.tokens(p.partnerId, null)).some((t) => t.tokenId === id),
  );
  // The local operator follows the jobs of every partner (the CLI names the partner per command).
  owned.register(
    'job',
    (p, id) => jobs.get(id) !== null && (p.via === 'local' || jobs.partnerOf(id) === p.partnerId),
  );
  app.addHook('onReady', async () => checkOwnedResources(owned));
  const ctx: AppContext = {
    config: deps.config,
    store: deps.store,
    accounts: deps.accounts,
    now,
    tls,
    directory,
    authenticator,
    csrf,
    portfolio: new PortfolioViews(deps.store),
    owned,
    licenseAnalytics: new LicenseAnalyticsMemory(deps.store),
    homePartnerId: deps.homePartnerId ?? null,
    jobs,
    sseHeartbeatMs: jobOptions.heartbeatMs ?? 15_000,
    webDist: deps.webDist === undefined ? defaultWebDist() : deps.webDist,
  };
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
          'License deployment and usage of Microsoft cloud customers (SPEC §4). Sign in with an API token: `Authorization: Bearer li_pat_…`; a browser session (cookie) sends the `x-csrf-token` header from GET /api/v1/auth/csrf with every POST, PUT, PATCH and DELETE. Roles (SPEC §5): ' +
          ROLES.join(', '),
      },
      components: {
        securitySchemes: {
          token: { type: 'http', scheme: 'bearer', description: 'An API token (li_pat_…)' },
          session: { type: 'apiKey', in: 'cookie', name: sessionCookieName(tls) },
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
  // (accounts and sign-in)
  registerAuthRoutes(app, ctx);
  registerStaffRoutes(app, ctx);
  registerTokenRoutes(app, ctx);
  registerPageRoutes(app, ctx);
  // (customer analytics)
  registerCustomerAnalyticsRoutes(app, ctx);
  registerRecommendationRoutes(app, ctx);
  registerSettingsRoutes(app, ctx);
  registerPartnerDataRoutes(app, ctx);
  registerAuditRoutes(app, ctx);
  // (portfolio)
  registerPortfolioRoutes(app, ctx);
  // (jobs, and the CLI's routes while a server holds the store)
  registerJobRoutes(app, ctx);
  registerLocalRoutes(app, ctx);
  registerLocalStaffRoutes(app, ctx);
  // (partner center) (exports)
  registerLicenseAnalyticsRoutes(app, ctx);
  registerExportRoutes(app, ctx);

  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}
