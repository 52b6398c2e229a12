import { z } from '@hono/zod-openapi';
import type { ApiApp } from '../env';
import { parseIfMatch } from '../if-match';
import {
  jsonBody,
  jsonResponse,
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

const { route, list, item, resourceResponse } = resourceRoutes(
  'Interviews',
  '/v1/interviews',
  interviewSchema,
);

const createInterview = route.post('createInterview', '/v1/interviews', {
  request: { headers: idempotencyHeaderSchema, body: jsonBody(interviewInputComponent) },
  responses: {
    201: {
      ...resourceResponse('The stored interview with its plan'),
      headers: z.object({ ETag: z.string(), Location: z.string() }),
    },
    ...problemResponses(400, 401, 409, 410, 413, 415, 422),
  },
});

const listInterviews = list(
  'listInterviews',
  interviewListQuerySchema,
  jsonResponse('One page of interviews', interviewListSchema),
);
const getInterview = item.get('getInterview', resourceResponse('The interview'));
const patchInterview = item.patch('updateInterview', interviewPatchSchema, {
  mediaTypes: ['application/merge-patch+json', 'application/json'],
  ok: resourceResponse('The re-planned interview'),
});
// 409 `resource_busy`: the erasure is a conditional write of the interview like any change.
const deleteInterview = item.delete('deleteInterview', 'Erased', 409);

/** The problems of a POST on one interview. */
const actionProblems = () => problemResponses(400, 401, 404, 409, 410, 413, 415, 422);

const postSignal = item.action('sendSignal', 'signals', {
  body: jsonBody(signalComponent),
  responses: { 200: resourceResponse('The interview with its changed plan'), ...actionProblems() },
});

/** A POST on one step of an interview: `complete`, `skip` or `snooze`. */
function stepActionRoute(action: 'complete' | 'skip' | 'snooze') {
  const body = action === 'snooze' ? jsonBody(snoozeBodySchema) : optionalJsonBody(emptyBodySchema);
  return route.post(`${action}Step`, `/v1/interviews/{id}/steps/{stepId}/${action}`, {
    request: { params: stepParamsSchema, headers: idempotencyHeaderSchema, body },
    responses: {
      200: resourceResponse('The interview with the changed step'),
      ...actionProblems(),
    },
  });
}

const completeStep = stepActionRoute('complete');
const skipStep = stepActionRoute('skip');
const snoozeStep = stepActionRoute('snooze');

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
