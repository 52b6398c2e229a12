import { z } from '@hono/zod-openapi';
import type { WebhookServices } from '../../webhooks/index';
import type { ApiApp } from '../env';
import { parseIfMatch } from '../if-match';
import {
  jsonBody,
  jsonResponse,
  optionalJsonBody,
  pageBody,
  pageHandler,
  queryPage,
  resourceRoutes,
} from '../openapi-route';
import { problemResponses } from '../problem';
import type { RouteModule } from '../route-module';
import { emptyBodySchema, idempotencyHeaderSchema, idParamsSchema, listSchema } from '../schemas';
import {
  deliveryAttemptSchema,
  endpointCreateSchema,
  endpointPatchSchema,
  endpointSchema,
  endpointWithSecretSchema,
  pageQuerySchema,
  recoverSchema,
  toAttemptResource,
  toEndpointResource,
} from '../webhook-endpoint-schemas';

const { route, list, item, resourceResponse } = resourceRoutes(
  'Webhook endpoints',
  '/v1/webhook-endpoints',
  endpointSchema,
);
const withSecretResponse = (description: string) =>
  jsonResponse(description, endpointWithSecretSchema);
/** The problems of a POST action on one endpoint. */
const actionProblems = () => problemResponses(400, 401, 404, 409, 413, 415, 422);

const createEndpoint = route.post('createWebhookEndpoint', '/v1/webhook-endpoints', {
  request: { headers: idempotencyHeaderSchema, body: jsonBody(endpointCreateSchema) },
  responses: {
    201: withSecretResponse('The endpoint with its secret'),
    ...problemResponses(400, 401, 409, 413, 415, 422),
  },
});

const listEndpoints = list(
  'listWebhookEndpoints',
  pageQuerySchema,
  jsonResponse('One page of endpoints', listSchema(endpointSchema, 'WebhookEndpointList')),
);
const getEndpoint = item.get('getWebhookEndpoint', resourceResponse('The endpoint'));
const patchEndpoint = item.patch('updateWebhookEndpoint', endpointPatchSchema, {
  mediaTypes: ['application/json', 'application/merge-patch+json'],
  ok: resourceResponse('The changed endpoint'),
});
const deleteEndpoint = item.delete('deleteWebhookEndpoint', 'Deleted');

const rotateSecret = item.action('rotateWebhookSecret', 'rotate-secret', {
  body: optionalJsonBody(emptyBodySchema),
  responses: { 200: withSecretResponse('The endpoint with its new secret'), ...actionProblems() },
});

const testEndpoint = item.action('testWebhookEndpoint', 'test', {
  body: optionalJsonBody(emptyBodySchema),
  responses: { 200: jsonResponse('The attempt', deliveryAttemptSchema), ...actionProblems() },
});

const listDeliveries = route.get('listWebhookDeliveries', '/v1/webhook-endpoints/{id}/deliveries', {
  request: { params: idParamsSchema, query: pageQuerySchema },
  responses: {
    200: jsonResponse(
      'One page of attempts',
      listSchema(deliveryAttemptSchema, 'DeliveryAttemptList'),
    ),
    ...problemResponses(400, 401, 404),
  },
});

const recoverEndpoint = item.action('recoverWebhookEndpoint', 'recover', {
  body: jsonBody(recoverSchema),
  responses: {
    202: jsonResponse(
      'How many deliveries were queued',
      z.object({ recovered: z.number().int() }).openapi('WebhookRecoverResult'),
    ),
    ...actionProblems(),
  },
});

/** `/v1/webhook-endpoints` routes over the given services. */
export function webhookEndpointRoutes(webhooks: Pick<WebhookServices, 'endpoints'>): RouteModule {
  // `webhooks` is read per request, never at registration: the document generator passes a
  // stand-in that throws on use.
  return (app: ApiApp) => {
    app.openapi(createEndpoint, async (c) => {
      const body = c.req.valid('json');
      const { endpoint, secret } = await webhooks.endpoints.create(c.get('tenantId'), {
        url: body.url,
        ...(body.eventTypes === undefined ? {} : { eventTypes: body.eventTypes }),
        ...(body.description === undefined ? {} : { description: body.description }),
        ...(body.metadata === undefined ? {} : { metadata: body.metadata }),
      });
      c.header('Location', `/v1/webhook-endpoints/${endpoint.id}`);
      return c.json({ ...toEndpointResource(endpoint), secret }, 201);
    });

    app.openapi(
      listEndpoints,
      pageHandler(() => webhooks.endpoints, toEndpointResource),
    );

    app.openapi(getEndpoint, async (c) => {
      const endpoint = await webhooks.endpoints.get(c.get('tenantId'), c.req.valid('param').id);
      c.header('ETag', `"${endpoint.version}"`);
      return c.json(toEndpointResource(endpoint), 200);
    });

    app.openapi(patchEndpoint, async (c) => {
      const ifMatch = parseIfMatch(c.req.header('if-match'));
      const patch = (c.req.valid('json' as never) ?? {}) as z.infer<typeof endpointPatchSchema>;
      const endpoint = await webhooks.endpoints.update(
        c.get('tenantId'),
        c.req.valid('param').id,
        patch,
        ifMatch === undefined ? {} : { ifMatch },
      );
      c.header('ETag', `"${endpoint.version}"`);
      return c.json(toEndpointResource(endpoint), 200);
    });

    app.openapi(deleteEndpoint, async (c) => {
      await webhooks.endpoints.delete(c.get('tenantId'), c.req.valid('param').id);
      return c.body(null, 204);
    });

    app.openapi(rotateSecret, async (c) => {
      const { endpoint, secret } = await webhooks.endpoints.rotateSecret(
        c.get('tenantId'),
        c.req.valid('param').id,
      );
      return c.json({ ...toEndpointResource(endpoint), secret }, 200);
    });

    app.openapi(testEndpoint, async (c) => {
      const attempt = await webhooks.endpoints.test(c.get('tenantId'), c.req.valid('param').id);
      return c.json(toAttemptResource(attempt), 200);
    });

    app.openapi(listDeliveries, async (c) => {
      const page = await queryPage(() =>
        webhooks.endpoints.listDeliveries(
          c.get('tenantId'),
          c.req.valid('param').id,
          c.req.valid('query'),
        ),
      );
      return c.json(pageBody(page, toAttemptResource), 200);
    });

    app.openapi(recoverEndpoint, async (c) => {
      const recovered = await webhooks.endpoints.recover(
        c.get('tenantId'),
        c.req.valid('param').id,
        c.req.valid('json').since,
      );
      return c.json({ recovered }, 202);
    });
  };
}
