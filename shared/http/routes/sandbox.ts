/**
 * The contract of `/v1/sandbox/*`: paths, schemas and the answer outside the local runtime. The
 * paths are part of the published API (openapi.yaml, and /openapi.json wherever it is served),
 * so the definitions ship; the handlers run only on a laptop and live with the local runtime
 * (local/sandbox-routes.ts), which passes them to createApp as `sandbox`.
 */
import { z } from '@hono/zod-openapi';
import { boundedDuration, instantSchema, oneLineText } from '../../domain/model';
import { NotFoundError } from '../../errors';
import { jsonBody, jsonResponse, operationRoutes, operationTexts } from '../openapi-route';
import { problemResponses } from '../problem';
import type { RouteModule } from '../route-module';
import { exactlyOneFieldSchema, timestampSchema } from '../schemas';

const tags = ['Sandbox (local runtime only)'];

const sandboxTenantRequestSchema = z
  .strictObject({ name: oneLineText(200) })
  .openapi('SandboxTenantRequest');

const sandboxTenantSchema = z
  .object({
    tenantId: z.string(),
    apiKey: z.string().openapi({ description: 'Shown once; only its hash is stored.' }),
  })
  .openapi('SandboxTenant');

const clockSchema = z.object({ now: timestampSchema }).openapi('SandboxClock');

/**
 * How far the sandbox clock may go: at most a century per request, and never past the last
 * instant the API's timestamps (four-digit years) can write. Beyond either, plans cannot be
 * built, so the move is a 400 rather than a clock every later request fails on.
 */
export const sandboxClockLimits = {
  longestAdvance: 'P100Y',
  latest: '9999-12-31T23:59:59Z',
} as const;

const advanceClockSchema = exactlyOneFieldSchema(
  {
    advanceBy: boundedDuration(sandboxClockLimits.longestAdvance, { min: 'any' })
      .optional()
      .describe(
        `How far to move the clock: an ISO 8601 duration of at most \`${sandboxClockLimits.longestAdvance}\`, ` +
          'e.g. `P3D`. `PT0S` leaves it where it is; a negative one is a 409.',
      ),
    to: instantSchema
      .optional()
      .describe(
        `${instantSchema.description} Not before the clock's now (409), at most ` +
          `\`${sandboxClockLimits.longestAdvance}\` ahead of it, and not past \`${sandboxClockLimits.latest}\`.`,
      ),
  },
  'Give exactly one of `advanceBy` (a duration) or `to` (an instant)',
).openapi('SandboxClockAdvance');

/** Sandbox routes need no API key, and list their texts after `security`, as they always have. */
const sandbox = operationRoutes((operationId) => ({
  operationId,
  tags,
  security: [],
  ...operationTexts(operationId),
}));

export const createSandboxTenantRoute = sandbox.post('createSandboxTenant', '/v1/sandbox/tenants', {
  request: { body: jsonBody(sandboxTenantRequestSchema) },
  responses: {
    201: jsonResponse('The new tenant and its API key', sandboxTenantSchema),
    ...problemResponses(400, 404, 413, 415),
  },
});

export const getSandboxClockRoute = sandbox.get('getSandboxClock', '/v1/sandbox/clock', {
  responses: { 200: jsonResponse('The runtime’s now', clockSchema), ...problemResponses(404) },
});

export const advanceSandboxClockRoute = sandbox.post('advanceSandboxClock', '/v1/sandbox/clock', {
  request: { body: jsonBody(advanceClockSchema) },
  responses: {
    200: jsonResponse('The runtime’s new now', clockSchema),
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
