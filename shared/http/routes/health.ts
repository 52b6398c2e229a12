import { createRoute } from '@hono/zod-openapi';
import type { ApiApp } from '../env';
import type { RouteContext } from '../route-module';
import { healthSchema } from '../schemas';

const health = createRoute({
  method: 'get',
  path: '/health',
  operationId: 'getHealth',
  tags: ['Operations'],
  summary: 'Liveness (no authentication)',
  description: 'Answers without touching the database: it says the process is up, nothing more.',
  security: [],
  responses: {
    200: {
      description: 'The API is up',
      content: { 'application/json': { schema: healthSchema } },
    },
  },
});

/** `GET /health`: answers without touching the database, so it only says the process is up. */
export function healthRoutes(app: ApiApp, { clock }: RouteContext): void {
  app.openapi(health, (c) => c.json({ status: 'ok' as const, time: clock.now().toString() }, 200));
}
