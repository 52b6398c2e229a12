/**
 * The wire shapes of webhook endpoints and their attempt log: request and response schemas
 * (which also generate `openapi.yaml`) and the mapping from stored items to API resources.
 */
import { z } from '@hono/zod-openapi';
import { instantPattern, oneLineText } from '../domain/model';
import type { DeliveryAttempt, StoredEndpoint } from '../store/ports';
import { eventTypes, isEventType } from '../webhooks/event-types';
import { cursorSchema, limitSchema, timestampSchema } from './schemas';

const eventTypeSchema = z.enum(eventTypes);
const eventTypesSchema = z.array(eventTypeSchema).max(eventTypes.length).openapi({
  description: 'Event types to receive; absent or empty means every type.',
});
const descriptionSchema = oneLineText(500);

/**
 * Keys a parsed record cannot keep: zod's record skips `__proto__` (assigning it would set the
 * prototype), so it would vanish from what is "returned as given". Refused instead.
 */
const unkeepableKeys = ['__proto__'];

const metadataSchema = z
  .preprocess(
    (value, ctx) => {
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        for (const key of unkeepableKeys) {
          if (Object.hasOwn(value, key)) {
            ctx.issues.push({
              code: 'custom',
              input: value,
              path: [key],
              message: `The key \`${key}\` cannot be stored; use another name`,
            });
          }
        }
      }
      return value;
    },
    z
      .record(z.string().min(1).max(64), z.string().max(500))
      .refine((value) => Object.keys(value).length <= 20, { message: 'At most 20 metadata keys' }),
  )
  .openapi({
    description:
      'Your own key/value pairs (at most 20; keys of 1 to 64 characters, values of at most ' +
      '500), returned as given. The key `__proto__` is refused.',
    maxProperties: 20,
  });
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
    lastSuccessAt: timestampSchema.optional().openapi({
      description:
        'A recent successful delivery (2xx): set by the first success and refreshed by a later ' +
        'one at most once an hour, so it can be up to an hour older than the latest. Absent ' +
        'until a delivery succeeds; a `test` probe does not count. Moves without changing ' +
        '`version`.',
    }),
    secretRotatingUntil: timestampSchema
      .optional()
      .openapi({ description: 'While set, an older secret still signs alongside the new one.' }),
    version: z
      .number()
      .int()
      .openapi({
        description:
          'Also sent as the ETag `"<version>"` for `If-Match`. It changes when the endpoint ' +
          'does: `url`, `eventTypes`, `description`, `metadata`, `enabled` (also when deliveries ' +
          'disable it: answering 410, or failing for 5 days), and a secret rotation. Deliveries ' +
          'succeeding or failing do not change it (nor `lastSuccessAt` moving), so an `If-Match` ' +
          'from a GET keeps working while events flow. A PATCH that changes nothing keeps it.',
      }),
    createdAt: timestampSchema,
    updatedAt: timestampSchema.openapi({ description: 'When `version` last changed.' }),
  })
  .openapi('WebhookEndpoint');

export const endpointWithSecretSchema = endpointSchema
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
        'can be months from the wall clock after an advance). Absent when no retry follows: ' +
        'the attempt succeeded, was the last of its round, answered 410 or disabled the ' +
        'endpoint by the 5-day rule, or was a `test` probe.',
    }),
    interviewId: z.string().optional().openapi({ description: 'The interview of the event.' }),
    erasedAt: timestampSchema.optional().openapi({
      description: 'When the interview was erased; the response excerpt was removed then.',
    }),
  })
  .openapi('DeliveryAttempt');

export const recoverSchema = z
  .strictObject({
    since: z.iso.datetime({ offset: true }).openapi({
      description:
        'Redeliver every event that failed or is still pending since this instant (ISO 8601 ' +
        'with `Z` or an offset; upper-case `T` and `Z`).',
      example: '2026-03-01T00:00:00Z',
      pattern: instantPattern,
    }),
  })
  .openapi('WebhookRecoverRequest');

export const pageQuerySchema = z.strictObject({ limit: limitSchema, cursor: cursorSchema });

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
  const { tenantId: _tenant, expiresAt: _expires, indexedForErasure: _indexed, ...rest } = attempt;
  return rest;
}
