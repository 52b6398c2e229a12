import { createRoute, z } from '@hono/zod-openapi';
import type { DeliveryAttempt, StoredEndpoint } from '../../store/ports';
import { eventTypes, isEventType } from '../../webhooks/event-catalog';
import type { WebhookServices } from '../../webhooks/index';
import type { ApiApp } from '../env';
import { problemResponses } from '../problem';
import { bearerSecurity, type RouteModule } from '../route-module';
import {
  cursorSchema,
  emptyBodySchema,
  idempotencyHeaderSchema,
  idParamsSchema,
  ifMatchHeaderSchema,
  limitSchema,
  listSchema,
  timestampSchema,
} from '../schemas';
import { parseIfMatch } from './interviews';

const tags = ['Webhook endpoints'];

const eventTypeSchema = z.enum(eventTypes);
const eventTypesSchema = z.array(eventTypeSchema).max(eventTypes.length).openapi({
  description: 'Event types to receive; absent or empty means every type.',
});
const descriptionSchema = z.string().trim().min(1).max(500);
const metadataSchema = z
  .record(z.string().min(1).max(64), z.string().max(500))
  .refine((value) => Object.keys(value).length <= 20, { message: 'At most 20 metadata keys' })
  .openapi({ description: 'Your own key/value pairs (at most 20), returned as given.' });
const urlSchema = z
  .string()
  .min(1)
  .max(2048)
  .openapi({
    description:
      '`https` URL of a public host. The local runtime also accepts `http` to loopback hosts. ' +
      'Private, link-local and metadata addresses are refused, also after DNS resolution.',
    example: 'https://ats.example.com/hooks/afterview',
  });

export const endpointCreateSchema = z
  .strictObject({
    url: urlSchema,
    eventTypes: eventTypesSchema.optional(),
    description: descriptionSchema.optional(),
    metadata: metadataSchema.optional(),
  })
  .openapi('WebhookEndpointCreate');

export const endpointPatchSchema = z
  .strictObject({
    url: urlSchema.optional(),
    eventTypes: eventTypesSchema.nullable().optional(),
    description: descriptionSchema.nullable().optional(),
    metadata: metadataSchema.nullable().optional(),
    enabled: z
      .boolean()
      .optional()
      .openapi({
        description:
          'Re-enabling clears `disabledReason` and restarts the 5-day rule; use `recover` for ' +
          'events missed meanwhile.',
      }),
  })
  .openapi('WebhookEndpointPatch');

export const endpointSchema = z
  .object({
    id: z.string().openapi({ example: 'whe_01jq3v4w5x6y7z8a9b0c1d2e3f' }),
    url: z.string(),
    description: z.string().optional(),
    metadata: z.record(z.string(), z.string()).optional(),
    eventTypes: z.array(eventTypeSchema).openapi({ description: 'Empty: every event type.' }),
    enabled: z.boolean(),
    disabledReason: z.string().optional(),
    disabledAt: timestampSchema.optional(),
    lastSuccessAt: timestampSchema.optional(),
    secretRotatingUntil: timestampSchema
      .optional()
      .openapi({ description: 'While set, an older secret still signs alongside the new one.' }),
    version: z.number().int(),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .openapi('WebhookEndpoint');

const endpointWithSecretSchema = endpointSchema
  .extend({
    secret: z.string().openapi({
      description: 'The signing secret, `whsec_…`. Shown only in this response.',
      example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    }),
  })
  .openapi('WebhookEndpointWithSecret');

export const deliveryAttemptSchema = z
  .object({
    id: z.string(),
    eventId: z.string(),
    endpointId: z.string(),
    attempt: z.number().int().openapi({ description: '1-based, within its delivery round.' }),
    attemptedAt: timestampSchema.openapi({
      description:
        'Wall clock: the real time of the attempt, the same instant as its `webhook-timestamp` header.',
    }),
    runtimeAttemptedAt: timestampSchema.optional().openapi({
      description:
        'Runtime clock: the time of the attempt on the clock that schedules retries. The same as ' +
        '`attemptedAt` in a deployment; on the local runtime, the sandbox clock. Compare ' +
        '`nextAttemptAt` with this one.',
    }),
    outcome: z.enum(['succeeded', 'failed']),
    statusCode: z.number().int().optional(),
    latencyMs: z.number().int(),
    error: z.string().optional(),
    responseBody: z.string().optional().openapi({ description: 'First 1 KiB of the response.' }),
    nextAttemptAt: timestampSchema.optional().openapi({
      description:
        'Runtime clock: when the next retry is due (on the local runtime, sandbox time, which ' +
        'can be months from the wall clock after an advance).',
    }),
    interviewId: z.string().optional().openapi({ description: 'The interview of the event.' }),
    erasedAt: timestampSchema.optional().openapi({
      description: 'When the interview was erased; the response excerpt was removed then.',
    }),
  })
  .openapi('DeliveryAttempt');

const recoverSchema = z
  .strictObject({
    since: z.iso.datetime({ offset: true }).openapi({
      description: 'Redeliver every event that failed or is still pending since this instant.',
      example: '2026-03-01T00:00:00Z',
    }),
  })
  .openapi('WebhookRecoverRequest');

const pageQuerySchema = z.strictObject({ limit: limitSchema, cursor: cursorSchema });

/** The API view of an endpoint: never a secret. */
export function toEndpointResource(endpoint: StoredEndpoint): z.infer<typeof endpointSchema> {
  const rotating = endpoint.secrets
    .map((secret) => secret.expiresAt)
    .filter((at): at is string => at !== undefined)
    .sort()
    .at(-1);
  return {
    id: endpoint.id,
    url: endpoint.url,
    ...(endpoint.description === undefined ? {} : { description: endpoint.description }),
    ...(endpoint.metadata === undefined ? {} : { metadata: endpoint.metadata }),
    eventTypes: (endpoint.eventTypes ?? []).filter(isEventType),
    enabled: endpoint.enabled,
    ...(endpoint.disabledReason === undefined ? {} : { disabledReason: endpoint.disabledReason }),
    ...(endpoint.disabledAt === undefined ? {} : { disabledAt: endpoint.disabledAt }),
    ...(endpoint.lastSuccessAt === undefined ? {} : { lastSuccessAt: endpoint.lastSuccessAt }),
    ...(rotating === undefined ? {} : { secretRotatingUntil: rotating }),
    version: endpoint.version,
    createdAt: endpoint.createdAt,
    updatedAt: endpoint.updatedAt,
  };
}

export function toAttemptResource(attempt: DeliveryAttempt): z.infer<typeof deliveryAttemptSchema> {
  const { tenantId: _tenant, expiresAt: _expires, ...rest } = attempt;
  return rest;
}

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
