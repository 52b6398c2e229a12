/**
 * The API's request and response schemas. Domain schemas come from shared/domain/model.ts and
 * are only named here (`.openapi('Name')`) so they become reusable OpenAPI components.
 */
import { z } from '@hono/zod-openapi';
import {
  closedReasons,
  draftCheckContextSchema,
  draftFindingSchema,
  instantSchema,
  interviewInputObjectSchema,
  interviewInputSchema,
  interviewStatuses,
  nextStepsSchema,
  policyOverridesSchema,
  policySchema,
  signalSchema,
  snoozeDurationSchema,
  stepSchema,
} from '../domain/model';
import type { StoredInterview } from '../store/ports';

type OpenApiMethod = (this: z.ZodType, name: string) => z.ZodType;

/**
 * Names a domain schema as an OpenAPI component. zod 4 copies methods onto each schema when it
 * is built, so a schema created before `@hono/zod-openapi` was first imported has no
 * `.openapi()`; calling the installed method directly works whatever the import order.
 */
function component<T extends z.ZodType>(schema: T, name: string): T {
  const openapi = (z.ZodType.prototype as unknown as { openapi: OpenApiMethod }).openapi;
  return openapi.call(schema, name) as T;
}

/** An RFC 3339 instant as the API writes it (UTC, `Z`); see the document's description. */
export const timestampSchema = z.iso.datetime({ precision: 0 });

// Responses declare their timestamps as `date-time` so generated clients can parse them.
const stepComponent = component(
  stepSchema.extend({
    status: stepSchema.shape.status.describe(
      '`scheduled` until it fires, then `due`; `completed`, `skipped` or `cancelled` when it ' +
        'is closed (see `cancelReason`). Only steps that never fired are `cancelled`: a `due` ' +
        'step that is snoozed becomes `skipped` with `supersededBy`.',
    ),
    dueAt: timestampSchema.describe('When the step is due (UTC).'),
    localDueAt: z.iso
      .datetime({ offset: true })
      .describe('The due instant in `timeZone`, with its real UTC offset.'),
    deadline: timestampSchema.optional().describe('The latest the note should go out (R1).'),
    snoozedFrom: timestampSchema
      .optional()
      .describe(
        'On a step made by a snooze: the due time (UTC) of the step first snoozed, before any ' +
          'snooze. A step snoozed again keeps it; the step it replaced is the one whose ' +
          '`supersededBy` (if it had fired) or `cancelReason` names this id.',
      ),
    completedAt: timestampSchema.optional(),
    cancelledAt: timestampSchema.optional(),
  }),
  'Step',
);
export const interviewInputComponent = component(interviewInputSchema, 'InterviewInput');
const policyComponent = component(policySchema, 'Policy');
export const policyOverridesComponent = component(policyOverridesSchema, 'PolicyOverrides');
export const signalComponent = component(signalSchema, 'Signal');

const { externalId: _externalId, ...inputShape } = interviewInputObjectSchema.shape;

export const interviewSchema = z
  .object({
    id: z.string().openapi({ example: 'int_01jq3v4w5x6y7z8a9b0c1d2e3f' }),
    externalId: z.string().optional(),
    status: z.enum(interviewStatuses),
    closedReason: z.enum(closedReasons).optional(),
    version: z.number().int().openapi({ description: 'Also sent as the ETag `"<version>"`.' }),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
    nextDueAt: timestampSchema
      .optional()
      .openapi({ description: 'Earliest due time among scheduled steps, if any.' }),
    ...inputShape,
    // Filled in with their defaults when the interview was created, so always present here.
    round: z.number().int(),
    nextSteps: nextStepsSchema,
    steps: z.array(stepComponent),
  })
  .openapi('Interview', {
    description:
      'A stored interview: its input fields, where it stands, and its follow-up plan. After ' +
      'DELETE it stays readable as `closed`/`erased` with personal data removed.',
  });
export type InterviewResource = z.infer<typeof interviewSchema>;

/** The API view of a stored interview: input fields flattened next to the bookkeeping. */
export function toInterviewResource(interview: StoredInterview): InterviewResource {
  const { state } = interview;
  const { externalId: _ignored, ...input } = state.input;
  return {
    id: interview.id,
    ...(interview.externalId === undefined ? {} : { externalId: interview.externalId }),
    status: state.status,
    ...(state.closedReason === undefined ? {} : { closedReason: state.closedReason }),
    version: interview.version,
    createdAt: interview.createdAt,
    updatedAt: interview.updatedAt,
    ...(interview.nextDueAt === undefined ? {} : { nextDueAt: interview.nextDueAt }),
    ...input,
    steps: state.steps,
  };
}

export const etagOf = (interview: StoredInterview) => `"${interview.version}"`;

/** `{ data, nextCursor }`, the shape of every list. */
export function listSchema<T extends z.ZodType>(item: T, name: string) {
  return z
    .object({
      data: z.array(item),
      nextCursor: z
        .string()
        .optional()
        .openapi({ description: 'Pass as `cursor` for the next page; absent on the last page.' }),
    })
    .openapi(name);
}

/**
 * A page size: a plain decimal integer 1..100 (`20`, not `020`, `0x14`, `2e1` or ` 20`), which
 * `Number()` alone would also read. Anything else stays a string, so the number check refuses it.
 */
export const limitSchema = z
  .preprocess(
    (value) => (typeof value === 'string' && /^[1-9]\d{0,2}$/.test(value) ? Number(value) : value),
    z
      .number({ error: 'Expected a whole number from 1 to 100 in plain decimal digits, e.g. `20`' })
      .int()
      .min(1)
      .max(100),
  )
  .default(20)
  .openapi({ param: { name: 'limit', in: 'query' }, example: 20 });

export const cursorSchema = z
  .string()
  .min(1)
  .max(4096)
  .optional()
  .openapi({ param: { name: 'cursor', in: 'query' } });

export const interviewListQuerySchema = z.strictObject({
  status: z
    .enum(interviewStatuses)
    .optional()
    .openapi({ param: { name: 'status', in: 'query' } }),
  externalId: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .openapi({ param: { name: 'externalId', in: 'query' } }),
  limit: limitSchema,
  cursor: cursorSchema,
});

export const interviewListSchema = listSchema(interviewSchema, 'InterviewList');

/**
 * The JSON merge patch (RFC 7396) form of an object schema: every field optional, objects
 * patched field by field, arrays and scalars replaced whole, and `null` allowed exactly where
 * it removes something (fields that are optional or have a server default); unknown fields are
 * refused, as on create. Derived from the input schema, so a new input field is patchable
 * without touching this file.
 */
function mergePatchOf(schema: z.ZodType): z.ZodType {
  let inner = schema;
  let removable = false;
  // A field's description (its rules, such as a date not before the interview) may sit on a
  // wrapper or on the object rebuilt below; the patch keeps it.
  let description = schema.description;
  while (
    inner instanceof z.ZodOptional ||
    inner instanceof z.ZodDefault ||
    inner instanceof z.ZodNullable
  ) {
    removable = true;
    inner = inner.unwrap() as z.ZodType;
    description ??= inner.description;
  }
  const patched =
    inner instanceof z.ZodObject
      ? z.strictObject(
          Object.fromEntries(
            Object.entries(inner.shape as Record<string, z.ZodType>).map(([key, field]) => [
              key,
              mergePatchOf(field),
            ]),
          ),
        )
      : inner;
  const field = removable ? patched.nullable() : patched;
  return (description === undefined ? field : field.describe(description)).optional();
}

/**
 * PATCH body: a JSON merge patch (RFC 7396) of the input fields. Each field is checked here;
 * the merged interview is then validated as a whole, exactly like a create.
 */
export const interviewPatchSchema = (
  mergePatchOf(interviewInputObjectSchema) as z.ZodOptional<z.ZodObject>
)
  .unwrap()
  .openapi('InterviewPatch', {
    description:
      'JSON merge patch of the interview input. Objects merge, `null` removes a field (back to ' +
      'its default where it has one), arrays replace. The result must be a valid ' +
      'InterviewInput.',
  });

export const idParamsSchema = z.strictObject({
  id: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'int_01jq3v4w5x6y7z8a9b0c1d2e3f' }),
});

export const stepParamsSchema = idParamsSchema.extend({
  stepId: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: 'stepId', in: 'path' } }),
});

export const emptyBodySchema = z.strictObject({}).openapi('EmptyBody');

/**
 * Marks a schema whose body must give exactly one of its fields; `buildOpenApiDocument`
 * writes it as a `oneOf` of one object per field and removes the mark.
 */
export const exactlyOneFieldMark = 'x-afterview-exactly-one';

/**
 * A JSON object of the fields in `shape` (each optional, nothing else allowed) that must give
 * exactly one of them, refused with `message` otherwise. The document shows it as a `oneOf` of
 * one closed object per field, each requiring its field, so generated clients type the body as
 * one or the other (`{ by } | { until }`) instead of two optional fields.
 */
export function exactlyOneFieldSchema<Shape extends Record<string, z.ZodOptional>>(
  shape: Shape,
  message: string,
) {
  const names = Object.keys(shape);
  return z
    .strictObject(shape)
    .refine(
      (body) =>
        names.filter((name) => (body as Record<string, unknown>)[name] !== undefined).length === 1,
      { message },
    )
    .openapi({ [exactlyOneFieldMark]: true });
}

export const snoozeBodySchema = exactlyOneFieldSchema(
  { by: snoozeDurationSchema.optional(), until: instantSchema.optional() },
  'Give exactly one of `by` (a duration) or `until` (an instant)',
).openapi('SnoozeRequest');

export const previewResponseSchema = z
  .object({ steps: z.array(stepComponent) })
  .openapi('PlanPreview');

export const tenantPolicySchema = z
  .object({
    policy: policyComponent,
    overrides: policyOverridesComponent,
    appliesTo: z.enum(['new_plans_and_replans']).openapi({
      description:
        'When a change takes effect: at once for new interviews and previews (within 5 seconds ' +
        'on server instances other than the one that stored it); for an existing ' +
        'interview at its next re-plan (a PATCH or a signal), and for snoozes from then on. ' +
        'Until then its scheduled steps stay where they are; steps already due, completed or ' +
        'skipped never change.',
    }),
  })
  .openapi('TenantPolicy', {
    description: '`policy` is what applies (defaults plus overrides); `overrides` what you set.',
  });

export const draftCheckRequestSchema = z
  .strictObject({
    text: z.string().max(20_000),
    context: draftCheckContextSchema.optional(),
  })
  .openapi('DraftCheckRequest');

export const draftCheckResponseSchema = z
  .object({
    ok: z.boolean().openapi({ description: 'True when no finding has severity `error`.' }),
    findings: z.array(component(draftFindingSchema, 'DraftFinding')),
  })
  .openapi('DraftCheckResult');

export const healthSchema = z
  .object({ status: z.literal('ok'), time: timestampSchema })
  .openapi('Health');

export const ifMatchHeaderSchema = z.object({
  'if-match': z
    .string()
    .max(100)
    .optional()
    .openapi({
      param: { in: 'header' },
      example: '"3"',
      description:
        'The ETag (or ETags, separated by commas) you last read. The change is made only if ' +
        'the current ETag is one of them; otherwise 412 `precondition_failed`, and nothing ' +
        'changes. Tags are compared strongly (RFC 9110): a weak tag such as `W/"3"` never ' +
        'matches. `*` matches any existing resource. A header that is not `*` or a list of ' +
        'entity tags is a 400.',
    }),
});

export const idempotencyHeaderSchema = z.object({
  'idempotency-key': z
    .string()
    .max(255)
    .optional()
    .openapi({
      param: { in: 'header' },
      description:
        'Makes the POST safe to retry for 24 hours: the key is claimed before the work starts, ' +
        'and the same key and body replay the first successful response ' +
        '(`Idempotent-Replayed: true`). While the first request still runs, a duplicate gets ' +
        '409 `idempotency_key_in_use` with `Retry-After`; a claim whose request died frees ' +
        'itself after a 60-second lease. The same key with another body answers 422. Failures ' +
        '(4xx, 5xx) are not stored, so the key can be retried at once. After the interview is ' +
        'erased, its keys answer 410 `interview_erased`.',
    }),
});
