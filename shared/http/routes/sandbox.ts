/**
 * The contract of `/v1/sandbox/*`: paths, schemas and the answer outside the local runtime. The
 * paths are part of the published API (openapi.yaml, and /openapi.json wherever it is served),
 * so the definitions ship; the handlers run only on a laptop and live with the local runtime
 * (local/sandbox-routes.ts), which passes them to createApp as `sandbox`.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { durationSchema, instantSchema } from '../../domain/model';
import { NotFoundError } from '../../errors';
import { problemResponses } from '../problem';
import type { RouteModule } from '../route-module';
import { timestampSchema } from '../schemas';

const tags = ['Sandbox (local runtime only)'];
const localOnly =
  'Local runtime only (`npm start`): elsewhere this path answers 404. Needs no API key.';

const sandboxTenantRequestSchema = z
  .strictObject({ name: z.string().trim().min(1).max(200) })
  .openapi('SandboxTenantRequest');

const sandboxTenantSchema = z
  .object({
    tenantId: z.string(),
    apiKey: z.string().openapi({ description: 'Shown once; only its hash is stored.' }),
  })
  .openapi('SandboxTenant');

const clockSchema = z.object({ now: timestampSchema }).openapi('SandboxClock');

const advanceClockSchema = z
  .strictObject({
    advanceBy: durationSchema.optional(),
    to: instantSchema.optional(),
  })
  .refine((body) => (body.advanceBy === undefined) !== (body.to === undefined), {
    message: 'Give exactly one of `advanceBy` (a duration) or `to` (an instant)',
  })
  .openapi('SandboxClockAdvance');

export const createSandboxTenantRoute = createRoute({
  method: 'post',
  path: '/v1/sandbox/tenants',
  operationId: 'createSandboxTenant',
  tags,
  security: [],
  summary: 'Create a sandbox tenant and API key',
  description: localOnly,
  request: {
    body: {
      required: true,
      content: { 'application/json': { schema: sandboxTenantRequestSchema } },
    },
  },
  responses: {
    201: {
      description: 'The new tenant and its API key',
      content: { 'application/json': { schema: sandboxTenantSchema } },
    },
    ...problemResponses(400, 404, 413, 415),
  },
});

export const getSandboxClockRoute = createRoute({
  method: 'get',
  path: '/v1/sandbox/clock',
  operationId: 'getSandboxClock',
  tags,
  security: [],
  summary: 'Read the runtime clock',
  description: localOnly,
  responses: {
    200: {
      description: 'The runtime’s now',
      content: { 'application/json': { schema: clockSchema } },
    },
    ...problemResponses(404),
  },
});

export const advanceSandboxClockRoute = createRoute({
  method: 'post',
  path: '/v1/sandbox/clock',
  operationId: 'advanceSandboxClock',
  tags,
  security: [],
  summary: 'Move the runtime clock forward',
  description:
    `${localOnly} Answers once every step that became due has been handled, so a webhook ` +
    'receiver has already seen them. The clock never moves backwards (409).',
  request: {
    body: { required: true, content: { 'application/json': { schema: advanceClockSchema } } },
  },
  responses: {
    200: {
      description: 'The runtime’s new now',
      content: { 'application/json': { schema: clockSchema } },
    },
    ...problemResponses(400, 404, 409, 413, 415),
  },
});

/** The sandbox routes, in the order the OpenAPI document lists them. */
const sandboxRouteDefinitions = [
  createSandboxTenantRoute,
  getSandboxClockRoute,
  advanceSandboxClockRoute,
] as const;

/**
 * What every app without a sandbox registers in its place: the paths go into the OpenAPI
 * document (so it is the same everywhere), and every request under `/v1/sandbox/` is a plain
 * 404, answered before any body validation.
 */
export const absentSandboxRoutes: RouteModule = (app) => {
  app.use('/v1/sandbox/*', async () => {
    throw new NotFoundError('The sandbox exists only in the local runtime');
  });
  for (const route of sandboxRouteDefinitions) app.openAPIRegistry.registerPath(route);
};
