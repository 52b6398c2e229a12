/**
 * What an integrator writes with a client generated straight from openapi.yaml
 * (openapi-typescript types + openapi-fetch), without the SDK's own layer. test/sdk/strict-
 * client.test.ts compiles this file under `strict`; the `@ts-expect-error` lines prove the
 * types refuse what the API refuses, so the check fails both ways.
 */
import createClient from 'openapi-fetch';
import type { components, paths } from '../src/generated/openapi';

type WebhookEvent = components['schemas']['WebhookEvent'];

export async function integratorFlow(baseUrl: string, apiKey: string): Promise<string[]> {
  const client = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${apiKey}` } });
  const notes: string[] = [];

  // The README's create request: no `round`, no `nextSteps` (the server fills them in).
  const created = await client.POST('/v1/interviews', {
    params: { header: { 'idempotency-key': 'ats-1001-created' } },
    body: {
      externalId: 'ats-1001',
      candidate: { name: 'Dana Whitfield', email: 'dana@example.com', phone: '+1 555 0100' },
      role: { title: 'Backend Engineer', company: 'Northwind' },
      format: 'video',
      startsAt: '2026-03-03T14:00:00Z',
      endsAt: '2026-03-03T15:00:00Z',
      timeZone: 'America/New_York',
      interviewers: [{ name: 'Priya Raman', email: 'priya@northwind.example' }],
    },
  });
  if (created.error) return [`${created.error.code}: ${created.error.detail ?? ''}`];
  const interview = created.data;
  const round: number = interview.round;
  notes.push(`${interview.id} v${interview.version} round ${round}`);

  // Merge patches: a nested field alone, and `null` to remove one.
  await client.PATCH('/v1/interviews/{id}', {
    params: { path: { id: interview.id }, header: { 'if-match': `"${interview.version}"` } },
    body: { role: { title: 'Senior Backend Engineer' } },
  });
  await client.PATCH('/v1/interviews/{id}', {
    params: { path: { id: interview.id } },
    body: { candidate: { phone: null } },
  });

  for (const step of interview.steps) {
    const status: 'scheduled' | 'due' | 'completed' | 'skipped' | 'cancelled' = step.status;
    const due: Date = new Date(step.dueAt);
    notes.push(`${step.kind} ${status} ${due.toISOString()}`);
  }

  const signal = await client.POST('/v1/interviews/{id}/signals', {
    params: { path: { id: interview.id } },
    body: { type: 'employer_replied', decisionExpectedBy: '2026-03-20' },
  });
  if (signal.error?.code === 'conflict') notes.push('already closed');

  const events = await client.GET('/v1/events', {
    params: { query: { interviewId: interview.id, type: 'followup.thank_you' } },
  });
  for (const event of events.data?.data ?? []) notes.push(describe(event));

  const endpoint = await client.POST('/v1/webhook-endpoints', {
    body: { url: 'https://ats.example.com/hooks', eventTypes: ['followup.thank_you'] },
  });
  if (endpoint.data) notes.push(endpoint.data.secret);

  // @ts-expect-error `format` is an enum: 'zoom' is not one of its values.
  await client.POST('/v1/plans/preview', { body: { ...interviewInput(), format: 'zoom' } });
  await client.PATCH('/v1/interviews/{id}', {
    params: { path: { id: 'x' } },
    // @ts-expect-error `role` cannot be removed: it is required.
    body: { role: null },
  });
  return notes;
}

/** Narrowing on `type` gives the exact `data` of each event. */
export function describe(event: WebhookEvent): string {
  switch (event.type) {
    case 'followup.thank_you':
      return `${event.data.step.recipient.name}: ${event.data.step.draft.subject}`;
    case 'followup.move_on':
      // @ts-expect-error a move-on step carries no draft.
      return event.data.step.draft.subject;
    case 'interview.closed':
      return `closed: ${event.data.closedReason ?? 'unknown'}`;
    case 'webhook_endpoint.disabled':
      return `disabled ${event.data.url}`;
    default:
      return event.type;
  }
}

function interviewInput(): components['schemas']['InterviewInput'] {
  return {
    candidate: { name: 'Dana Whitfield' },
    role: { title: 'Backend Engineer', company: 'Northwind' },
    format: 'phone',
    startsAt: '2026-03-03T14:00:00Z',
    endsAt: '2026-03-03T15:00:00Z',
    timeZone: 'Europe/Berlin',
    interviewers: [{ name: 'Priya Raman' }],
  };
}
