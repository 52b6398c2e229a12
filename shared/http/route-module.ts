import type { Clock } from '../clock';
import type { Logger } from '../service/deps';
import type { Services } from '../service/index';
import type { ApiApp } from './env';

/**
 * What the local runtime adds to the app (built by local/sandbox-routes.ts, which no Lambda
 * bundles). Without it `/v1/sandbox/*` and the console's one-click sign-in answer 404.
 */
export interface LocalSandbox {
  /** The `/v1/sandbox/*` handlers for the contract in routes/sandbox.ts. */
  routes: RouteModule;
  /** The development tenant's API key, for the console's one-click sign-in. */
  developmentApiKey?(): string | undefined;
}

/** What every route module can use. */
export interface RouteContext {
  services: Services;
  clock: Clock;
  logger: Logger;
}

/**
 * A route module registers its routes on the shared app with `app.openapi(route)`, building
 * each authenticated route with `bearerRoutes(tags)` and the pieces of `openapi-route.ts`.
 * Registering on the same app is what gives it the shared pieces for free:
 * - every path under `/v1/` requires `Authorization: Bearer` (the tenant is `c.get('tenantId')`),
 *   except `/v1/sandbox/*`;
 * - bodies are checked (256 KiB, JSON only, well-formed) before the route runs, and POSTs
 *   honour `Idempotency-Key`;
 * - validation failures and thrown AfterviewErrors become problem documents in one place;
 * - the route appears in `/openapi.json` and `openapi.yaml` (`bearerRoutes` marks it
 *   with `bearerSecurity`; document errors with `problemResponses(...)`).
 *
 * Modules that need more than `RouteContext` (e.g. a webhook service) close over it:
 * `extraRoutes: [webhookRoutes(webhookService)]`.
 */
export type RouteModule = (app: ApiApp, context: RouteContext) => void;

/** The OpenAPI security requirement of every authenticated route. */
export const bearerSecurity = [{ bearerAuth: [] }];

/** Paths reachable without an API key. */
export function isPublicPath(path: string): boolean {
  return !path.startsWith('/v1/') || path.startsWith('/v1/sandbox/');
}
