import { createRoute } from '@hono/zod-openapi';
import { checkDraft } from '../../domain';
import type { ApiApp } from '../env';
import { problemResponses } from '../problem';
import { bearerSecurity } from '../route-module';
import {
  draftCheckRequestSchema,
  draftCheckResponseSchema,
  idempotencyHeaderSchema,
} from '../schemas';

const checkDraftRoute = createRoute({
  method: 'post',
  path: '/v1/drafts/check',
  operationId: 'checkDraft',
  tags: ['Drafts'],
  summary: 'Check a follow-up note against the drafting rules',
  description:
    'Finds what makes a note weaker: too long, generic phrases, no name or role, no contact ' +
    'details, misspellings. Nothing is stored.',
  security: bearerSecurity,
  request: {
    headers: idempotencyHeaderSchema,
    body: { required: true, content: { 'application/json': { schema: draftCheckRequestSchema } } },
  },
  responses: {
    200: {
      description: 'The findings (empty when the note is fine)',
      content: { 'application/json': { schema: draftCheckResponseSchema } },
    },
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
