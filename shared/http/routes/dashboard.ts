import { etag } from 'hono/etag';
import type { DashboardConsole } from '../dashboard/console';
import type { ApiApp } from '../env';
import type { LocalSandbox } from '../route-module';

export interface DashboardMountOptions {
  /** Directory holding the built console (console.js, console.css). */
  assetsDir?: string;
  sandbox?: LocalSandbox;
}

/**
 * Mounts the integrator's console at `/dashboard`. The routes are registered up front (so 404
 * and 405 answers stay right), but the module behind them is imported on the first request:
 * a cold start that serves only the API never loads it.
 *
 * - `GET /dashboard`: the page shell (strict CSP; all URLs relative, so it works under an
 *   API Gateway stage path);
 * - `GET /dashboard/assets/{file}`: the built browser code, with an ETag;
 * - `POST /dashboard/local-sign-in`: the local runtime's development key, 404 elsewhere.
 */
export function dashboardRoutes(app: ApiApp, options: DashboardMountOptions): void {
  let loaded: Promise<DashboardConsole> | undefined;
  const dashboard = () => {
    loaded ??= import('../dashboard/console').then((module) =>
      module.createDashboardConsole(options),
    );
    return loaded;
  };

  app.get('/dashboard', async (c) => (await dashboard()).page(c));
  // `/dashboard/` would make every relative URL resolve one level too deep.
  app.get('/dashboard/', (c) => c.redirect('../dashboard', 301));
  app.get('/dashboard/assets/:file', etag(), async (c) => (await dashboard()).asset(c));
  app.post('/dashboard/local-sign-in', async (c) => (await dashboard()).localSignIn(c));
}
