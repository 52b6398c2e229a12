import { z } from '@hono/zod-openapi';
import { ValidationError } from '../../errors';
import type { ApiApp } from '../env';
import {
  actionRequest,
  jsonBody,
  jsonResponse,
  listRoute,
  optionalJsonBody,
  pageHandler,
  resourceRoutes,
} from '../openapi-route';
import { problemResponses } from '../problem';
import type { RouteContext } from '../route-module';
import {
  emptyBodySchema,
  etagOf,
  idempotencyHeaderSchema,
  interviewInputComponent,
  interviewListQuerySchema,
  interviewListSchema,
  interviewPatchSchema,
  interviewSchema,
  signalComponent,
  snoozeBodySchema,
  stepParamsSchema,
  toInterviewResource,
} from '../schemas';

const {
  route,
  item: interview,
  resource: interviewResponse,
} = resourceRoutes('Interviews', '/v1/interviews/{id}', interviewSchema);

/** `"3"` or `W/"3"` → 3; `*` → no precondition. Anything else is a malformed header. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const match = header.trim().match(/^(?:W\/)?"(\d{1,15})"$/);
  if (!match?.[1]) {
    throw new ValidationError('The If-Match header is not valid', [
      { path: 'If-Match', message: 'Expected an ETag such as "3"', code: 'invalid_format' },
    ]);
  }
  return Number(match[1]);
}

const createInterview = route({
  method: 'post',
  path: '/v1/interviews',
  operationId: 'createInterview',
  summary: 'Create an interview and its follow-up plan',
  description:
    'Stores the interview, plans its follow-ups under the tenant policy (plus `policy` ' +
    'overrides) and schedules every step. Records an `interview.created` event.',
  request: { headers: idempotencyHeaderSchema, body: jsonBody(interviewInputComponent) },
  responses: {
    201: {
      ...interviewResponse('The stored interview with its plan'),
      headers: z.object({ ETag: z.string(), Location: z.string() }),
    },
    ...problemResponses(400, 401, 409, 410, 413, 415, 422),
  },
});

const listInterviews = listRoute(route, '/v1/interviews', {
  operationId: 'listInterviews',
  summary: 'List interviews, newest first',
  description:
    'Filter by `status` or by your own `externalId`. Pages hold up to `limit` items; pass ' +
    '`nextCursor` back as `cursor` for the next one.',
  query: interviewListQuerySchema,
  page: jsonResponse('One page of interviews', interviewListSchema),
});

const getInterview = interview.get({
  operationId: 'getInterview',
  summary: 'Get an interview with its plan',
  description: 'The interview as stored, its plan, and its version (also the `ETag`).',
  ok: interviewResponse('The interview'),
});

const patchInterview = interview.patch({
  operationId: 'updateInterview',
  summary: 'Change interview fields and re-plan',
  description:
    'A JSON merge patch of the input fields. Pending steps are re-planned; completed and ' +
    'skipped steps stay. Send `If-Match` with the ETag you read to refuse the change (412) ' +
    'if someone else changed the interview in the meantime; without it the change is applied ' +
    'on top of the latest version.',
  schema: interviewPatchSchema,
  mediaTypes: ['application/merge-patch+json', 'application/json'],
  ok: interviewResponse('The re-planned interview'),
});

const deleteInterview = interview.delete({
  operationId: 'deleteInterview',
  summary: 'Erase an interview’s personal data and cancel its steps',
  description:
    'Cancels every open step and removes the personal data (candidate, interviewers, notes). ' +
    'The interview stays readable as `status: closed`, `closedReason: erased`, so its id does ' +
    'not start answering 404. Erasing again is a no-op.',
  done: 'Erased',
});

const postSignal = route({
  method: 'post',
  path: '/v1/interviews/{id}/signals',
  operationId: 'sendSignal',
  summary: 'Tell Afterview what happened (reply, rejection, offer, next round, …)',
  description:
    'Changes the plan: a reply cancels pending check-ins (and re-plans from new dates), a ' +
    'rejection plans a feedback request, a withdrawal a withdrawal notice, an offer closes, ' +
    'a next round plans new thank-yous, a reschedule moves the interview.',
  request: actionRequest(jsonBody(signalComponent)),
  responses: {
    200: interviewResponse('The interview with its changed plan'),
    ...problemResponses(400, 401, 404, 409, 410, 413, 415, 422),
  },
});

function stepActionRoute(
  action: 'complete' | 'skip' | 'snooze',
  summary: string,
  description: string,
) {
  const body = action === 'snooze' ? jsonBody(snoozeBodySchema) : optionalJsonBody(emptyBodySchema);
  return route({
    method: 'post',
    path: `/v1/interviews/{id}/steps/{stepId}/${action}`,
    operationId: `${action}Step`,
    summary,
    description,
    request: { params: stepParamsSchema, headers: idempotencyHeaderSchema, body },
    responses: {
      200: interviewResponse('The interview with the changed step'),
      ...problemResponses(400, 401, 404, 409, 410, 413, 415, 422),
    },
  });
}

const completeStep = stepActionRoute(
  'complete',
  'Mark a step done (the note was sent)',
  'Doing it again is a no-op; a step that was cancelled or skipped answers 409.',
);
const skipStep = stepActionRoute(
  'skip',
  'Skip a step',
  'The step will not fire. Doing it again is a no-op; a closed step answers 409.',
);
const snoozeStep = stepActionRoute(
  'snooze',
  'Move a step later (`by` a duration or `until` an instant), into the next send window',
  'The step gets a new id; the old one stays, cancelled, with the reason.',
);

/** `/v1/interviews` and the per-interview signal and step routes. */
export function interviewRoutes(app: ApiApp, { services }: RouteContext): void {
  const interviews = services.interviews;

  app.openapi(createInterview, async (c) => {
    const interview = await interviews.create(c.get('tenantId'), c.req.valid('json'));
    c.header('ETag', etagOf(interview));
    c.header('Location', `/v1/interviews/${interview.id}`);
    return c.json(toInterviewResource(interview), 201);
  });

  app.openapi(
    listInterviews,
    pageHandler(() => interviews, toInterviewResource),
  );

  app.openapi(getInterview, async (c) => {
    const interview = await interviews.get(c.get('tenantId'), c.req.valid('param').id);
    c.header('ETag', etagOf(interview));
    return c.json(toInterviewResource(interview), 200);
  });

  app.openapi(patchInterview, async (c) => {
    const ifMatch = parseIfMatch(c.req.header('if-match'));
    const patch = (c.req.valid('json' as never) ?? {}) as Record<string, unknown>;
    const interview = await interviews.patch(
      c.get('tenantId'),
      c.req.valid('param').id,
      patch,
      ifMatch === undefined ? {} : { ifMatch },
    );
    c.header('ETag', etagOf(interview));
    return c.json(toInterviewResource(interview), 200);
  });

  app.openapi(deleteInterview, async (c) => {
    await interviews.erase(c.get('tenantId'), c.req.valid('param').id);
    return c.body(null, 204);
  });

  app.openapi(postSignal, async (c) => {
    const interview = await interviews.postSignal(
      c.get('tenantId'),
      c.req.valid('param').id,
      c.req.valid('json'),
    );
    c.header('ETag', etagOf(interview));
    return c.json(toInterviewResource(interview), 200);
  });

  for (const [route, toAction] of [
    [completeStep, () => ({ type: 'complete' as const })],
    [skipStep, () => ({ type: 'skip' as const })],
  ] as const) {
    app.openapi(route, async (c) => {
      const { id, stepId } = c.req.valid('param');
      const interview = await interviews.stepAction(c.get('tenantId'), id, stepId, toAction());
      c.header('ETag', etagOf(interview));
      return c.json(toInterviewResource(interview), 200);
    });
  }

  app.openapi(snoozeStep, async (c) => {
    const { id, stepId } = c.req.valid('param');
    const body = c.req.valid('json');
    const interview = await interviews.stepAction(c.get('tenantId'), id, stepId, {
      type: 'snooze',
      ...(body.by === undefined ? {} : { by: body.by }),
      ...(body.until === undefined ? {} : { until: body.until }),
    });
    c.header('ETag', etagOf(interview));
    return c.json(toInterviewResource(interview), 200);
  });
}
