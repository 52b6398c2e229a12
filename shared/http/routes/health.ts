import type { ApiApp } from '../env';
import { jsonResponse, publicRoutes } from '../openapi-route';
import type { RouteContext } from '../route-module';
import { healthSchema } from '../schemas';

const health = publicRoutes(['Operations']).get('getHealth', '/health', {
  responses: {
    200: jsonResponse('The API is up', healthSchema),
  },
});

/** `GET /health`: answers without touching the database, so it only says the process is up. */
export function healthRoutes(app: ApiApp, { clock }: RouteContext): void {
  app.openapi(health, (c) => c.json({ status: 'ok' as const, time: clock.now().toString() }, 200));
}
