import { createRoute, z } from '@hono/zod-openapi';
import type { WebhookServices } from '../../webhooks/index';
import type { ApiApp } from '../env';
import { problemResponses } from '../problem';
import { bearerSecurity, type RouteModule } from '../route-module';
import {
  emptyBodySchema,
  idempotencyHeaderSchema,
  idParamsSchema,
  ifMatchHeaderSchema,
  listSchema,
} from '../schemas';
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
import { parseIfMatch } from './interviews';

const tags = ['Webhook endpoints'];

const endpointResponse = (description: string) => ({
  description,
  headers: z.object({ ETag: z.string().openapi({ example: '"1"' }) }),
  content: { 'application/json': { schema: endpointSchema } },
});

const createEndpoint = createRoute({
  method: 'post',
  path: '/v1/webhook-endpoints',
  operationId: 'createWebhookEndpoint',
  tags,
  summary: 'Register a webhook endpoint',
  description: 'Returns the signing `secret` once; store it, it is never shown again.',
  security: bearerSecurity,
  request: {
    headers: idempotencyHeaderSchema,
    body: { required: true, content: { 'application/json': { schema: endpointCreateSchema } } },
  },
  responses: {
    201: {
      description: 'The endpoint with its secret',
      content: { 'application/json': { schema: endpointWithSecretSchema } },
    },
    ...problemResponses(400, 401, 409, 413, 415, 422),
  },
});

const listEndpoints = createRoute({
  method: 'get',
  path: '/v1/webhook-endpoints',
  operationId: 'listWebhookEndpoints',
  tags,
  summary: 'List webhook endpoints, newest first',
  description: 'Secrets are never listed.',
  security: bearerSecurity,
  request: { query: pageQuerySchema },
  responses: {
    200: {
      description: 'One page of endpoints',
      content: {
        'application/json': { schema: listSchema(endpointSchema, 'WebhookEndpointList') },
      },
    },
    ...problemResponses(400, 401),
  },
});

const getEndpoint = createRoute({
  method: 'get',
  path: '/v1/webhook-endpoints/{id}',
  operationId: 'getWebhookEndpoint',
  tags,
  summary: 'Get a webhook endpoint',
  description: 'The endpoint without its secret; its version is also the `ETag`.',
  security: bearerSecurity,
  request: { params: idParamsSchema },
  responses: { 200: endpointResponse('The endpoint'), ...problemResponses(401, 404) },
});

const patchEndpoint = createRoute({
  method: 'patch',
  path: '/v1/webhook-endpoints/{id}',
  operationId: 'updateWebhookEndpoint',
  tags,
  summary: 'Change a webhook endpoint',
  description: '`null` removes `description`, `metadata` or `eventTypes` (back to every type).',
  security: bearerSecurity,
  request: {
    params: idParamsSchema,
    headers: ifMatchHeaderSchema,
    body: {
      required: true,
      content: {
        'application/json': { schema: endpointPatchSchema },
        'application/merge-patch+json': { schema: endpointPatchSchema },
      },
    },
  },
  responses: {
    200: endpointResponse('The changed endpoint'),
    ...problemResponses(400, 401, 404, 409, 412, 413, 415),
  },
});

const deleteEndpoint = createRoute({
  method: 'delete',
  path: '/v1/webhook-endpoints/{id}',
  operationId: 'deleteWebhookEndpoint',
  tags,
  summary: 'Delete a webhook endpoint',
  description: 'Nothing more is sent to it, including retries already scheduled.',
  security: bearerSecurity,
  request: { params: idParamsSchema },
  responses: { 204: { description: 'Deleted' }, ...problemResponses(401, 404) },
});

const rotateSecret = createRoute({
  method: 'post',
  path: '/v1/webhook-endpoints/{id}/rotate-secret',
  operationId: 'rotateWebhookSecret',
  tags,
  summary: 'Replace the signing secret',
  description:
    'Returns the new secret once. The old secret keeps signing alongside it for 24 hours ' +
    '(two `v1,` signatures per delivery), so receivers can switch without rejecting anything.',
  security: bearerSecurity,
  request: {
    params: idParamsSchema,
    headers: idempotencyHeaderSchema,
    body: { required: false, content: { 'application/json': { schema: emptyBodySchema } } },
  },
  responses: {
    200: {
      description: 'The endpoint with its new secret',
      content: { 'application/json': { schema: endpointWithSecretSchema } },
    },
    ...problemResponses(400, 401, 404, 409, 413, 415, 422),
  },
});

const testEndpoint = createRoute({
  method: 'post',
  path: '/v1/webhook-endpoints/{id}/test',
  operationId: 'testWebhookEndpoint',
  tags,
  summary: 'Send a `webhook.test` event now',
  description:
    'Delivers synchronously (one attempt, no retries) and returns the logged attempt, whatever ' +
    'the outcome. Works on a disabled endpoint too, to check it before re-enabling.',
  security: bearerSecurity,
  request: {
    params: idParamsSchema,
    headers: idempotencyHeaderSchema,
    body: { required: false, content: { 'application/json': { schema: emptyBodySchema } } },
  },
  responses: {
    200: {
      description: 'The attempt',
      content: { 'application/json': { schema: deliveryAttemptSchema } },
    },
    ...problemResponses(400, 401, 404, 409, 413, 415, 422),
  },
});

const listDeliveries = createRoute({
  method: 'get',
  path: '/v1/webhook-endpoints/{id}/deliveries',
  operationId: 'listWebhookDeliveries',
  tags,
  summary: 'The delivery attempt log, newest first',
  description: 'Attempts are kept 30 days.',
  security: bearerSecurity,
  request: { params: idParamsSchema, query: pageQuerySchema },
  responses: {
    200: {
      description: 'One page of attempts',
      content: {
        'application/json': { schema: listSchema(deliveryAttemptSchema, 'DeliveryAttemptList') },
      },
    },
    ...problemResponses(400, 401, 404),
  },
});

const recoverEndpoint = createRoute({
  method: 'post',
  path: '/v1/webhook-endpoints/{id}/recover',
  operationId: 'recoverWebhookEndpoint',
  tags,
  summary: 'Redeliver what failed since a time',
  description:
    'Queues a new delivery (same event ids) of every event that failed, is still pending, or ' +
    'was missed while the endpoint was disabled, since `since`. The endpoint must be enabled.',
  security: bearerSecurity,
  request: {
    params: idParamsSchema,
    headers: idempotencyHeaderSchema,
    body: { required: true, content: { 'application/json': { schema: recoverSchema } } },
  },
  responses: {
    202: {
      description: 'How many deliveries were queued',
      content: {
        'application/json': {
          schema: z.object({ recovered: z.number().int() }).openapi('WebhookRecoverResult'),
        },
      },
    },
    ...problemResponses(400, 401, 404, 409, 413, 415, 422),
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

    app.openapi(listEndpoints, async (c) => {
      const query = c.req.valid('query');
      const page = await webhooks.endpoints.list(c.get('tenantId'), query);
      return c.json(
        {
          data: page.items.map(toEndpointResource),
          ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
        },
        200,
      );
    });

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
      const page = await webhooks.endpoints.listDeliveries(
        c.get('tenantId'),
        c.req.valid('param').id,
        c.req.valid('query'),
      );
      return c.json(
        {
          data: page.items.map(toAttemptResource),
          ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
        },
        200,
      );
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
