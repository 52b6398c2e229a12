import type { ApiApp } from '../env';
import { bearerRoutes, jsonBody, jsonResponse } from '../openapi-route';
import { problemResponses } from '../problem';
import type { RouteContext } from '../route-module';
import { policyOverridesComponent, tenantPolicySchema } from '../schemas';

const route = bearerRoutes(['Policy']);

const getPolicy = route({
  method: 'get',
  path: '/v1/policy',
  operationId: 'getPolicy',
  summary: 'The tenant’s follow-up policy',
  description: 'The policy that applies (defaults plus your overrides) and the overrides alone.',
  responses: {
    200: jsonResponse('The effective policy and the overrides the tenant set', tenantPolicySchema),
    ...problemResponses(401),
  },
});

const putPolicy = route({
  method: 'put',
  path: '/v1/policy',
  operationId: 'updatePolicy',
  summary: 'Replace the tenant’s policy overrides',
  description:
    'Fields left out fall back to the built-in defaults. New interviews and previews use the ' +
    'change at once on the server instance that answered this request, and on every other ' +
    'instance within 5 seconds (each keeps a tenant’s policy that long for planning; ' +
    '`GET /v1/policy` always reads the stored one). An existing interview picks it up at its ' +
    'next re-plan (a PATCH or a ' +
    'signal), which may then move its scheduled steps. Until then nothing moves, and steps ' +
    'already due, completed or skipped never change (`appliesTo` in the response).',
  request: { body: jsonBody(policyOverridesComponent) },
  responses: {
    200: jsonResponse('The stored overrides and the resulting policy', tenantPolicySchema),
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
