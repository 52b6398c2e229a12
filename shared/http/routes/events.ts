import { z } from '@hono/zod-openapi';
import type { StoredEvent } from '../../store/ports';
import { registerEventCatalog, webhookEventSchema } from '../../webhooks/event-catalog';
import { eventTypes } from '../../webhooks/event-types';
import type { WebhookServices } from '../../webhooks/index';
import type { ApiApp } from '../env';
import { jsonResponse, optionalJsonBody, pageHandler, resourceRoutes } from '../openapi-route';
import { problemResponses } from '../problem';
import type { RouteModule } from '../route-module';
import { cursorSchema, limitSchema, listSchema, timestampSchema } from '../schemas';

/**
 * An event as recorded: exactly the webhook envelope (the same `WebhookEvent` union, so `data`
 * narrows by `type`) plus where it belongs and when it was recorded.
 */
const eventSchema = z
  .intersection(
    webhookEventSchema,
    z.object({
      interviewId: z.string().optional().openapi({ description: 'The interview, if any.' }),
      createdAt: timestampSchema.openapi({ description: 'When it was recorded.' }),
      erasedAt: timestampSchema.optional().openapi({
        description:
          'When its interview was erased. Personal data in `data` (names, addresses, reasons, ' +
          'drafts) was then replaced by placeholders; ids, kinds, times and the sequence stay, ' +
          'and the event is never sent again (redeliver answers 410).',
      }),
    }),
  )
  .openapi('Event', { description: 'An event as recorded; kept 30 days.' });
type EventResource = z.infer<typeof eventSchema>;

const eventListQuerySchema = z.strictObject({
  type: z
    .enum(eventTypes)
    .optional()
    .openapi({ param: { name: 'type', in: 'query' } }),
  interviewId: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .openapi({ param: { name: 'interviewId', in: 'query' } }),
  limit: limitSchema,
  cursor: cursorSchema,
});

const redeliverSchema = z
  .strictObject({
    endpointId: z.string().min(1).max(100).optional().openapi({
      description: 'Only this endpoint; otherwise every enabled endpoint subscribed to the type.',
    }),
  })
  .openapi('RedeliverRequest');

/** The API view of a stored event. */
function toEventResource(event: StoredEvent): EventResource {
  // The stored data was built from the same schemas when the event was recorded.
  return {
    id: event.id,
    type: event.type,
    timestamp: event.timestamp,
    ...(event.interviewId === undefined ? {} : { interviewId: event.interviewId }),
    data: event.data,
    createdAt: event.createdAt,
    ...(event.erasedAt === undefined ? {} : { erasedAt: event.erasedAt }),
  } as EventResource;
}

const { list, item } = resourceRoutes('Events', '/v1/events', eventSchema);

const listEvents = list(
  'listEvents',
  eventListQuerySchema,
  jsonResponse('One page of events', listSchema(eventSchema, 'EventList')),
);
const getEvent = item.get('getEvent', jsonResponse('The event', eventSchema));

const redeliverEvent = item.action('redeliverEvent', 'redeliver', {
  body: optionalJsonBody(redeliverSchema),
  responses: {
    202: jsonResponse(
      'The endpoints a delivery was queued for',
      z
        .object({ eventId: z.string(), endpointIds: z.array(z.string()) })
        .openapi('RedeliverResult'),
    ),
    ...problemResponses(400, 401, 404, 409, 410, 413, 415, 422),
  },
});

/** `/v1/events` routes, and the event catalog in the document's `webhooks` section. */
export function eventRoutes(webhooks: Pick<WebhookServices, 'events'>): RouteModule {
  // `webhooks` is read per request, never at registration: the document generator passes a
  // stand-in that throws on use.
  return (app: ApiApp) => {
    registerEventCatalog(app.openAPIRegistry);

    app.openapi(
      listEvents,
      pageHandler(() => webhooks.events, toEventResource),
    );

    app.openapi(getEvent, async (c) => {
      const event = await webhooks.events.get(c.get('tenantId'), c.req.valid('param').id);
      return c.json(toEventResource(event), 200);
    });

    app.openapi(redeliverEvent, async (c) => {
      const { id } = c.req.valid('param');
      const body = (c.req.valid('json') ?? {}) as z.infer<typeof redeliverSchema>;
      const { endpointIds, interviewId } = await webhooks.events.redeliver(
        c.get('tenantId'),
        id,
        body.endpointId,
      );
      // An Idempotency-Key's record of this request belongs to the interview, like its own routes'.
      if (interviewId !== undefined) c.set('interviewId', interviewId);
      return c.json({ eventId: id, endpointIds }, 202);
    });
  };
}
