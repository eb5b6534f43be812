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
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
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
import { registerCustomerRoutes } from './routes/customers';
import { registerExportRoutes } from './routes/exports';
import { registerHealthRoutes } from './routes/health';
import { registerLicenseAnalyticsRoutes } from './routes/license-analytics';

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
}

/** What routes share: the deps and the services the app made from them. */
export interface AppContext extends Required<Omit<AppDeps, 'logger' | 'https' | 'local'>> {
  readonly tls: boolean;
  readonly directory: CustomerDirectory;
  readonly authenticator: Authenticator;
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
  const ctx: AppContext = {
    config: deps.config,
    store: deps.store,
    accounts: deps.accounts,
    now,
    tls,
    directory,
    authenticator,
  };

  app.decorateRequest('principal', null);
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
  registerLicenseAnalyticsRoutes(app, ctx);
  registerExportRoutes(app, ctx);
  // (auth) (portfolio) (customer analytics) (partner center) (exports) (jobs) — added by their modules

  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}
