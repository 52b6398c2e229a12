/**
 * Every event type Afterview sends, with the schema of its envelope. The same schemas document
 * the top-level `webhooks` section of `openapi.yaml`, so what receivers read is what we send.
 */
import { z } from '@hono/zod-openapi';
import {
  channels,
  closedReasons,
  draftSchema,
  interviewFormats,
  interviewStatuses,
  recipientSchema,
  stepKinds,
} from '../domain/model';
import { type EventType, eventTypes } from './event-types';

const sequenceSchema = z
  .number()
  .int()
  .min(1)
  .openapi({
    description:
      'Per-interview counter, higher for later events. Delivery order is not guaranteed: drop an ' +
      'event whose sequence is not newer than the last one you applied for that interview.',
  });

/** An RFC 3339 instant as the API writes it (UTC, `Z`). */
const timestamp = (description?: string) =>
  z.iso.datetime({ precision: 0 }).openapi(description === undefined ? {} : { description });

const stepPayloadShape = {
  id: z.string().openapi({ example: 'stp_4f9a2k7m1q8r3t6v5w0x' }),
  kind: z.enum(stepKinds),
  round: z.number().int(),
  recipient: z.object({
    name: z.string(),
    email: z.string().optional(),
    linkedinUrl: z.string().optional(),
    role: recipientSchema.shape.role,
  }),
  channel: z.enum(channels),
  dueAt: timestamp('When the step is due (UTC).'),
  timeZone: z.string(),
  localDueAt: z.iso
    .datetime({ offset: true })
    .openapi({ description: 'The due instant in `timeZone`, with its real UTC offset.' }),
  deadline: timestamp().optional(),
  late: z.boolean().optional(),
  reason: z.string(),
};

/** A due step that comes with a drafted note: every kind except `move_on`. */
const draftedStepSchema = z
  .object({ ...stepPayloadShape, draft: draftSchema })
  .openapi('WebhookStep');

/** The `move_on` step: nothing to send, so no draft. */
const moveOnStepSchema = z.object(stepPayloadShape).openapi('WebhookMoveOnStep');

const interviewPayloadSchema = z
  .object({
    id: z.string(),
    externalId: z.string().optional(),
    status: z.enum(interviewStatuses),
    closedReason: z.enum(closedReasons).optional(),
    candidate: z.object({ name: z.string() }),
    role: z.object({ title: z.string(), company: z.string() }),
    round: z.number().int(),
    format: z.enum(interviewFormats),
    endsAt: timestamp(),
    timeZone: z.string(),
  })
  .openapi('WebhookInterview');

const stepEventDataSchema = z
  .object({ sequence: sequenceSchema, step: draftedStepSchema, interview: interviewPayloadSchema })
  .openapi('StepEventData', {
    description:
      'A step that is due now, with its drafted note and enough of its interview to act ' +
      'without calling back.',
  });

const moveOnEventDataSchema = z
  .object({ sequence: sequenceSchema, step: moveOnStepSchema, interview: interviewPayloadSchema })
  .openapi('MoveOnEventData', {
    description: 'The last check-in went unanswered; the step carries no draft.',
  });

const interviewEventDataSchema = z
  .object({
    interviewId: z.string(),
    externalId: z.string().optional(),
    status: z.enum(interviewStatuses),
    closedReason: z.enum(closedReasons).optional(),
    version: z.number().int(),
    round: z.number().int(),
    nextDueAt: timestamp().optional(),
    updatedAt: timestamp(),
    sequence: sequenceSchema,
  })
  .openapi('InterviewEventData', {
    description:
      'What changed, without personal data (events outlive an erasure); fetch the interview for details.',
  });

const testEventDataSchema = z
  .object({ endpointId: z.string(), message: z.string() })
  .openapi('TestEventData');

const endpointDisabledDataSchema = z
  .object({
    endpointId: z.string(),
    url: z.string(),
    reason: z.string(),
    disabledAt: timestamp(),
  })
  .openapi('EndpointDisabledData');

const lastFailureShape = {
  lastStatusCode: z
    .number()
    .int()
    .optional()
    .openapi({ description: 'The HTTP status of the last failed attempt, when one came back.' }),
  lastError: z.string().optional().openapi({
    description: 'Why the last attempt failed when there was no status (timeout, refused).',
  }),
};

const endpointFailingDataSchema = z
  .object({
    endpointId: z.string(),
    url: z.string(),
    failingSince: timestamp('The first failure after the last success.'),
    failedAttempts: z
      .number()
      .int()
      .openapi({ description: 'Failed attempts in a row of the event that raised this notice.' }),
    ...lastFailureShape,
    disableAt: z.iso.datetime({ precision: 0 }).openapi({
      description: 'When the endpoint is disabled if no delivery to it succeeds before then.',
    }),
  })
  .openapi('EndpointFailingData');

const deliveryExhaustedDataSchema = z
  .object({
    eventId: z.string().openapi({ description: 'The event that was not delivered.' }),
    eventType: z.string(),
    endpointId: z.string(),
    url: z.string(),
    attempts: z.number().int().openapi({ description: 'Attempts made in this delivery round.' }),
    ...lastFailureShape,
    exhaustedAt: timestamp(),
  })
  .openapi('DeliveryExhaustedData', {
    description:
      'Redeliver the event with `POST /v1/events/{id}/redeliver` once the receiver is fixed.',
  });

const nonStepDataSchemas = {
  'interview.created': interviewEventDataSchema,
  'interview.updated': interviewEventDataSchema,
  'interview.closed': interviewEventDataSchema,
  'webhook.test': testEventDataSchema,
  'webhook_endpoint.disabled': endpointDisabledDataSchema,
  'webhook_endpoint.failing': endpointFailingDataSchema,
  'webhook.delivery_exhausted': deliveryExhaustedDataSchema,
} as const;

/** The `data` schema of an event type. */
function eventDataSchema(type: EventType): z.ZodType {
  if (type === 'followup.move_on') return moveOnEventDataSchema;
  return type.startsWith('followup.')
    ? stepEventDataSchema
    : nonStepDataSchemas[type as keyof typeof nonStepDataSchemas];
}

const descriptions: Record<EventType, string> = {
  'followup.thank_you': 'A thank-you note to one interviewer is due (R1, R2).',
  'followup.check_in': 'A check-in with the hiring contact is due (R5, R6).',
  'followup.feedback_request': 'After a rejection: ask for feedback (R9).',
  'followup.withdrawal_notice': 'After a withdrawal: tell the employer promptly (R9).',
  'followup.contact_info_needed':
    'No address is known for a recipient: ask the recruiter for one instead of sending blind (R3).',
  'followup.handwritten_note': 'Optional handwritten note after an in-person interview (R3).',
  'followup.move_on':
    'The last check-in went unanswered: the sequence is over, keep searching (R7).',
  'interview.created': 'An interview was stored and its plan scheduled.',
  'interview.updated': 'An interview or its plan changed (patch, signal, step action).',
  'interview.closed': 'An interview was closed (offer, rejection, withdrawal, exhausted, erased).',
  'webhook.test': 'Sent by `POST /v1/webhook-endpoints/{id}/test`.',
  'webhook_endpoint.disabled':
    'Another endpoint of the tenant was disabled (410 Gone, or no success for 5 days).',
  'webhook_endpoint.failing':
    'Another endpoint of the tenant keeps failing: one event failed 4 attempts in a row there ' +
    '(about 35 minutes). Sent once per failure streak, before the endpoint is disabled.',
  'webhook.delivery_exhausted':
    'An event gave up on another endpoint of the tenant: its last retry failed (about three ' +
    'days after the first attempt). The event can still be redelivered.',
};

/** The envelope of one event type: `{ id, type, timestamp, data }`. */
export function envelopeSchema(type: EventType) {
  return z.object({
    id: z.string().openapi({
      description: 'The event id, also sent as `webhook-id`; the same on every retry.',
      example: 'evt_8m2k4q6r0t1v3w5x7y9z',
    }),
    type: z.literal(type),
    timestamp: timestamp('When the event happened (runtime clock).'),
    data: eventDataSchema(type),
  });
}

/** The named envelope schema of each type, built once so every use shares one component. */
const envelopes = Object.fromEntries(
  eventTypes.map((type) => [type, envelopeSchema(type).openapi(envelopeName(type))]),
) as Record<EventType, ReturnType<typeof envelopeSchema>>;

/**
 * Any event, discriminated on `type`: the body of every webhook, and (with its bookkeeping
 * fields) each item of `GET /v1/events`. One schema, so a client narrows `data` by `type`.
 * Each variant's `type` is a single-value enum, which is what makes the union discriminated;
 * the OpenAPI `discriminator` keyword is left out because generators (openapi-typescript)
 * read it as inheritance and break the `allOf` that `Event` builds on this union.
 */
export const webhookEventSchema = z
  .union(
    eventTypes.map((type) => envelopes[type]) as unknown as [
      ReturnType<typeof envelopeSchema>,
      ...ReturnType<typeof envelopeSchema>[],
    ],
  )
  .openapi('WebhookEvent', {
    description:
      'An event envelope `{ id, type, timestamp, data }`; `type` decides the shape of `data`.',
  });

const headerDescriptions = {
  'webhook-id': 'The event id; de-duplicate on it.',
  'webhook-timestamp': 'Real wall-clock Unix seconds of this attempt.',
  'webhook-signature':
    '`v1,<base64 HMAC-SHA256 of id.timestamp.body>` keyed with the base64-decoded text after ' +
    '`whsec_`, one per secret still valid, space-separated (two after a rotation, for 24 h).',
};

/** Minimal registry surface, so this module does not depend on the app type. */
interface WebhookRegistry {
  registerWebhook(
    webhook: Parameters<
      import('@hono/zod-openapi').OpenAPIHono['openAPIRegistry']['registerWebhook']
    >[0],
  ): void;
}

/** Adds every event type to the OpenAPI document's top-level `webhooks`. */
export function registerEventCatalog(registry: WebhookRegistry): void {
  for (const type of eventTypes) {
    registry.registerWebhook({
      method: 'post',
      path: type,
      operationId: webhookOperationId(type),
      summary: type,
      description: `${descriptions[type]} Signed per Standard Webhooks; answer 2xx within 15 s.`,
      tags: ['Webhooks'],
      // Signed with the endpoint secret (Standard Webhooks), not with an API key.
      security: [],
      request: {
        headers: z.object({
          'webhook-id': z.string().openapi({ description: headerDescriptions['webhook-id'] }),
          'webhook-timestamp': z
            .string()
            .openapi({ description: headerDescriptions['webhook-timestamp'] }),
          'webhook-signature': z
            .string()
            .openapi({ description: headerDescriptions['webhook-signature'] }),
        }),
        body: {
          required: true,
          content: {
            'application/json': { schema: envelopes[type] },
          },
        },
      },
      responses: {
        200: { description: 'Any 2xx acknowledges the event.' },
        410: { description: 'Gone: the endpoint is disabled and receives nothing more.' },
      },
    });
  }
}

function pascalWords(type: EventType): string {
  return type
    .split(/[._]/)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

function envelopeName(type: EventType): string {
  return `${pascalWords(type)}Event`;
}

/** `followup.thank_you` → `onFollowupThankYou`: how a receiver's handler would be named. */
function webhookOperationId(type: EventType): string {
  return `on${pascalWords(type)}`;
}
