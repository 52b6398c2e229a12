import type { Temporal } from 'temporal-polyfill';
import type { Clock } from '../clock';
import type { Logger } from '../service/deps';
import type { Services } from '../service/index';
import type { ApiApp } from './env';

/**
 * Local-runtime controls behind `/v1/sandbox/*`. The routes exist only when the app is given
 * an implementation, so a production deployment answers 404 there.
 */
export interface SandboxControls {
  /** Creates a tenant with a fresh API key (shown once). */
  createTenant(name: string): Promise<{ tenantId: string; apiKey: string }>;
  /** The runtime clock's current instant. */
  now(): Temporal.Instant;
  /**
   * Moves the runtime clock forward to `instant` and resolves once everything that became due
   * has been handled (wake-ups fired); returns the clock's new now.
   */
  advanceTo(instant: Temporal.Instant): Promise<Temporal.Instant>;
  /** The development tenant's API key, for the console's one-click sign-in. */
  developmentApiKey?(): string | undefined;
}

/** What every route module can use. */
export interface RouteContext {
  services: Services;
  clock: Clock;
  logger: Logger;
  sandbox?: SandboxControls;
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
