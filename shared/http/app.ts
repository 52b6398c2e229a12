import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Clock } from '../clock';
import { MethodNotAllowedError, NotFoundError } from '../errors';
import type { Metrics } from '../observability/metrics';
import { consoleLogger, type Logger } from '../service/deps';
import type { Services } from '../service/index';
import type { IdempotencyStore } from '../store/ports';
import type { ApiApp, ApiEnv } from './env';
import { idempotency } from './idempotency';
import { authentication, jsonBodyGuard, requestContext, wholeSecondTimestamps } from './middleware';
import { buildOpenApiDocument, type DocumentHook, registerSharedComponents } from './openapi';
import { createErrorHandler, problemResponse, validationHook } from './problem';
import {
  isPublicPath,
  type LocalSandbox,
  type RouteContext,
  type RouteModule,
} from './route-module';
import { dashboardRoutes } from './routes/dashboard';
import { docsRoutes } from './routes/docs';
import { draftRoutes } from './routes/drafts';
import { healthRoutes } from './routes/health';
import { interviewRoutes } from './routes/interviews';
import { planRoutes } from './routes/plans';
import { policyRoutes } from './routes/policy';
import { absentSandboxRoutes } from './routes/sandbox';

export interface AppDeps {
  services: Services;
  /** Where Idempotency-Key records live (the Store). */
  idempotency: IdempotencyStore;
  clock: Clock;
  /**
   * Only the local runtime passes this (local/sandbox-routes.ts); without it the sandbox paths
   * are documented but `/v1/sandbox/*` answers 404.
   */
  sandbox?: LocalSandbox;
  /** More route modules (webhook endpoints, events), mounted like the built-in ones. */
  extraRoutes?: readonly RouteModule[];
  /** Edits applied to the generated OpenAPI document (served at /openapi.json). */
  documentHooks?: readonly DocumentHook[];
  /** Directory with the Swagger UI files; defaults to the installed swagger-ui-dist. */
  docsAssetsDir?: string;
  /** Directory with the built console; defaults to dashboard/dist (http/dashboard/console.ts). */
  dashboardAssetsDir?: string;
  logger?: Logger;
  /** Idempotent replays and refused key reuses are counted here. */
  metrics?: Metrics;
}

/** The modules every app has, in registration order (the sandbox's slot comes next). */
const builtInRouteModules: readonly RouteModule[] = [
  healthRoutes,
  interviewRoutes,
  planRoutes,
  policyRoutes,
  draftRoutes,
];

function routePattern(path: string): RegExp {
  const escaped = path
    .split('/')
    .map((segment) =>
      segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('/');
  return new RegExp(`^${escaped}/?$`);
}

/** 405 with `Allow` when the path exists under another method, else a 404 problem. */
function notFoundHandler(app: ApiApp) {
  return (c: Context<ApiEnv>): Response => {
    const allowed = new Set<string>();
    for (const route of app.routes) {
      if (route.method === 'ALL' || route.path.includes('*')) continue;
      if (routePattern(route.path).test(c.req.path)) allowed.add(route.method);
    }
    if (allowed.size > 0) {
      if (allowed.has('GET')) allowed.add('HEAD');
      return problemResponse(
        c,
        new MethodNotAllowedError(`${c.req.method} is not supported here`, [...allowed].sort()),
      );
    }
    return problemResponse(c, new NotFoundError(`No route for ${c.req.method} ${c.req.path}`));
  };
}

/**
 * The whole HTTP API as one Hono app: shared middleware (request id, security headers, auth,
 * body checks, idempotency), one error handler, and every route module registered on the same
 * OpenAPI registry. Runs unchanged on Node (@hono/node-server) and in Lambda.
 */
export function createApp(deps: AppDeps): ApiApp {
  const logger = deps.logger ?? consoleLogger;
  const app: ApiApp = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
  app.onError(createErrorHandler(logger, deps.metrics));
  app.notFound(notFoundHandler(app));

  app.use('*', requestContext({ logger, ...(deps.metrics ? { metrics: deps.metrics } : {}) }));
  app.use('/v1/*', authentication(deps.services.tenants, isPublicPath));
  app.use('*', jsonBodyGuard());
  app.use('/v1/*', wholeSecondTimestamps());
  app.use('/health', wholeSecondTimestamps());
  app.use('/v1/*', idempotency({ store: deps.idempotency, clock: deps.clock, logger }));
  registerSharedComponents(app);

  const context: RouteContext = {
    services: deps.services,
    clock: deps.clock,
    logger,
  };
  const sandboxRoutes = deps.sandbox?.routes ?? absentSandboxRoutes;
  for (const register of [...builtInRouteModules, sandboxRoutes, ...(deps.extraRoutes ?? [])]) {
    register(app, context);
  }
  // The root is where a browser lands first: send it to the interactive docs. Relative to the
  // page, so it works on any host and port and under an API Gateway stage (`/prod/`).
  app.get('/', (c) => c.redirect('./docs', 302));
  docsRoutes(app, {
    document: () => buildOpenApiDocument(app, deps.documentHooks),
    ...(deps.docsAssetsDir ? { assetsDir: deps.docsAssetsDir } : {}),
  });
  dashboardRoutes(app, {
    ...(deps.dashboardAssetsDir ? { assetsDir: deps.dashboardAssetsDir } : {}),
    ...(deps.sandbox ? { sandbox: deps.sandbox } : {}),
  });
  return app;
}
