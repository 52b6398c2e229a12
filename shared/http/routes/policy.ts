import type { ApiApp } from '../env';
import { bearerRoutes, jsonBody, jsonResponse } from '../openapi-route';
import { problemResponses } from '../problem';
import type { RouteContext } from '../route-module';
import { policyOverridesComponent, tenantPolicySchema } from '../schemas';

const route = bearerRoutes(['Policy']);

const getPolicy = route.get('getPolicy', '/v1/policy', {
  responses: {
    200: jsonResponse('The effective policy and the overrides the tenant set', tenantPolicySchema),
    ...problemResponses(401),
  },
});

const putPolicy = route.put('updatePolicy', '/v1/policy', {
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
