import { createRoute } from '@hono/zod-openapi';
import type { ApiApp } from '../env';
import { problemResponses } from '../problem';
import { bearerSecurity, type RouteContext } from '../route-module';
import { policyOverridesComponent, tenantPolicySchema } from '../schemas';

const tags = ['Policy'];

const getPolicy = createRoute({
  method: 'get',
  path: '/v1/policy',
  operationId: 'getPolicy',
  tags,
  summary: 'The tenant’s follow-up policy',
  description: 'The policy that applies (defaults plus your overrides) and the overrides alone.',
  security: bearerSecurity,
  responses: {
    200: {
      description: 'The effective policy and the overrides the tenant set',
      content: { 'application/json': { schema: tenantPolicySchema } },
    },
    ...problemResponses(401),
  },
});

const putPolicy = createRoute({
  method: 'put',
  path: '/v1/policy',
  operationId: 'updatePolicy',
  tags,
  summary: 'Replace the tenant’s policy overrides',
  description:
    'Fields left out fall back to the built-in defaults. New interviews and previews use the ' +
    'change at once on the server instance that answered this request, and on every other ' +
    'instance within 5 seconds (each keeps a tenant’s policy that long for planning; ' +
    '`GET /v1/policy` always reads the stored one). An existing interview picks it up at its ' +
    'next re-plan (a PATCH or a ' +
    'signal), which may then move its scheduled steps. Until then nothing moves, and steps ' +
    'already due, completed or skipped never change (`appliesTo` in the response).',
  security: bearerSecurity,
  request: {
    body: {
      required: true,
      content: { 'application/json': { schema: policyOverridesComponent } },
    },
  },
  responses: {
    200: {
      description: 'The stored overrides and the resulting policy',
      content: { 'application/json': { schema: tenantPolicySchema } },
    },
    ...problemResponses(400, 401, 413, 415),
  },
});

/** `/v1/policy`. */
export function policyRoutes(app: ApiApp, { services }: RouteContext): void {
  app.openapi(getPolicy, async (c) => c.json(await services.policy.get(c.get('tenantId')), 200));
  app.openapi(putPolicy, async (c) =>
    c.json(await services.policy.put(c.get('tenantId'), c.req.valid('json')), 200),
  );
}
