/**
 * The API's request and response schemas. Domain schemas come from shared/domain/model.ts and
 * are only named here (`.openapi('Name')`) so they become reusable OpenAPI components.
 */
import { z } from '@hono/zod-openapi';
import {
  closedReasons,
  draftCheckContextSchema,
  draftFindingSchema,
  durationSchema,
  instantSchema,
  interviewInputObjectSchema,
  interviewInputSchema,
  interviewStatuses,
  policyOverridesSchema,
  policySchema,
  signalSchema,
  stepSchema,
} from '../domain/model';
import type { StoredInterview } from '../store/ports';

type OpenApiMethod = (this: z.ZodType, name: string) => z.ZodType;

/**
 * Names a domain schema as an OpenAPI component. zod 4 copies methods onto each schema when it
 * is built, so a schema created before `@hono/zod-openapi` was first imported has no
 * `.openapi()`; calling the installed method directly works whatever the import order.
 */
export function component<T extends z.ZodType>(schema: T, name: string): T {
  const openapi = (z.ZodType.prototype as unknown as { openapi: OpenApiMethod }).openapi;
  return openapi.call(schema, name) as T;
}

export const stepComponent = component(stepSchema, 'Step');
export const interviewInputComponent = component(interviewInputSchema, 'InterviewInput');
export const policyComponent = component(policySchema, 'Policy');
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
    createdAt: z.string(),
    updatedAt: z.string(),
    nextDueAt: z
      .string()
      .optional()
      .openapi({ description: 'Earliest due time among scheduled steps, if any.' }),
    ...inputShape,
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

export const limitSchema = z.coerce
  .number()
  .int()
  .min(1)
  .max(100)
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

const patchField = z
  .record(z.string(), z.unknown())
  .nullable()
  .optional()
  .openapi({ type: 'object', description: 'Merged into the current value; `null` removes.' });

/**
 * PATCH body: a JSON merge patch (RFC 7396) of the input fields. The top-level keys are
 * checked here; the merged interview is then validated as a whole, exactly like a create.
 */
export const interviewPatchSchema = z
  .strictObject({
    externalId: z.string().nullable().optional(),
    candidate: patchField,
    role: patchField,
    round: z.number().int().optional(),
    format: z.string().optional(),
    startsAt: z.string().optional(),
    endsAt: z.string().optional(),
    timeZone: z.string().optional(),
    interviewers: z
      .array(z.unknown())
      .optional()
      .openapi({ type: 'array', description: 'Replaces the whole list.' }),
    nextSteps: patchField,
    policy: patchField,
  })
  .openapi('InterviewPatch', {
    description:
      'JSON merge patch of the interview input. Objects merge, `null` removes a field, arrays ' +
      'replace. The result must be a valid InterviewInput.',
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

export const snoozeBodySchema = z
  .strictObject({
    by: durationSchema.optional(),
    until: instantSchema.optional(),
  })
  .refine((body) => (body.by === undefined) !== (body.until === undefined), {
    message: 'Give exactly one of `by` (a duration) or `until` (an instant)',
  })
  .openapi('SnoozeRequest');

export const previewResponseSchema = z
  .object({ steps: z.array(stepComponent) })
  .openapi('PlanPreview');

export const tenantPolicySchema = z
  .object({
    policy: policyComponent,
    overrides: policyOverridesComponent,
    appliesTo: z.enum(['new_plans_and_replans']).openapi({
      description:
        'When a change takes effect: at once for new interviews and previews; for an existing ' +
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
  .object({ status: z.literal('ok'), time: z.string() })
  .openapi('Health');

export const ifMatchHeaderSchema = z.object({
  'if-match': z
    .string()
    .max(100)
    .optional()
    .openapi({ param: { in: 'header' }, example: '"3"' }),
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
