import { checkDraft } from '../../domain';
import type { ApiApp } from '../env';
import { bearerRoutes, jsonBody, jsonResponse } from '../openapi-route';
import { problemResponses } from '../problem';
import {
  draftCheckRequestSchema,
  draftCheckResponseSchema,
  idempotencyHeaderSchema,
} from '../schemas';

const checkDraftRoute = bearerRoutes(['Drafts']).post('checkDraft', '/v1/drafts/check', {
  request: {
    headers: idempotencyHeaderSchema,
    body: jsonBody(draftCheckRequestSchema),
  },
  responses: {
    200: jsonResponse('The findings (empty when the note is fine)', draftCheckResponseSchema),
    ...problemResponses(400, 401, 409, 413, 415, 422),
  },
});

/** `/v1/drafts/check`. */
export function draftRoutes(app: ApiApp): void {
  app.openapi(checkDraftRoute, (c) => {
    const { text, context } = c.req.valid('json');
    const findings = checkDraft(text, context);
    return c.json({ ok: !findings.some((finding) => finding.severity === 'error'), findings }, 200);
  });
}
