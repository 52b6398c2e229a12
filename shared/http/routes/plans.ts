import type { ApiApp } from '../env';
import { bearerRoutes, jsonBody, jsonResponse } from '../openapi-route';
import { problemResponses } from '../problem';
import type { RouteContext } from '../route-module';
import {
  idempotencyHeaderSchema,
  interviewInputComponent,
  previewResponseSchema,
} from '../schemas';

const previewPlan = bearerRoutes(['Plans']).post('previewPlan', '/v1/plans/preview', {
  request: {
    headers: idempotencyHeaderSchema,
    body: jsonBody(interviewInputComponent),
  },
  responses: {
    200: jsonResponse('The steps, as they would be planned now', previewResponseSchema),
    ...problemResponses(400, 401, 409, 413, 415, 422),
  },
});

/** `/v1/plans/preview`. */
export function planRoutes(app: ApiApp, { services }: RouteContext): void {
  app.openapi(previewPlan, async (c) => {
    const steps = await services.interviews.preview(c.get('tenantId'), c.req.valid('json'));
    return c.json({ steps }, 200);
  });
}
