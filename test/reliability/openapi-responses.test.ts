/**
 * Every response the API gives is what `openapi.yaml` promises: a walk through every operation,
 * its success and its usual failures, validating each body against the schema documented for
 * that status and content type. A status the spec does not list for the operation fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime';
import {
  ApiClient,
  type ApiResponse,
  buildTenantWorld,
  interviewInput,
  type Json,
  type RawRequest,
  ResponseValidator,
  type SpecOperation,
  specOperations,
  startRuntime,
  type TenantWorld,
  WebhookReceiver,
} from './support';

let runtime: LocalRuntime;
let api: ApiClient;
let world: TenantWorld;
const validator = new ResponseValidator();
const operations = specOperations();
/** Statuses validated per operation, for the coverage check at the end. */
const validated = new Map<string, Set<number>>();

beforeAll(async () => {
  ({ runtime } = await startRuntime());
  api = new ApiClient(runtime.url, runtime.apiKey);
  world = await buildTenantWorld(api, 'openapi');
});
afterAll(async () => {
  await world?.receiver.close();
  await runtime?.close();
});

const opKey = (operation: SpecOperation) => `${operation.method} ${operation.path}`;

function operationFor(method: string, template: string): SpecOperation {
  const found = operations.find((op) => op.method === method && op.path === template);
  if (!found) throw new Error(`${method} ${template} is not in openapi.yaml`);
  return found;
}

/** The template with the world's ids filled in. */
function concrete(template: string): string {
  const id = template.startsWith('/v1/interviews')
    ? world.interviewId
    : template.startsWith('/v1/webhook-endpoints')
      ? world.endpointId
      : world.eventId;
  return template.replace('{id}', id).replace('{stepId}', world.stepId);
}

/** Sends `request` for the operation, validates the answer and returns it. */
async function call(
  method: string,
  template: string,
  request: Omit<RawRequest, 'method' | 'path'> & { path?: string } = {},
): Promise<ApiResponse> {
  const operation = operationFor(method, template);
  const response = await api.call({ ...request, method, path: request.path ?? concrete(template) });
  expect(validator.check(operation, response)).toEqual([]);
  const statuses = validated.get(opKey(operation)) ?? new Set<number>();
  statuses.add(response.status);
  validated.set(opKey(operation), statuses);
  return response;
}

/** The status of `call`'s validated answer. */
async function statusOf(...args: Parameters<typeof call>): Promise<number> {
  return (await call(...args)).status;
}

const securedOperations = operations.filter((op) => op.secured);
const bodyOperations = operations.filter((op) => op.hasBody);
/** 300 KiB: over the 256 KiB limit. */
const oversized = JSON.stringify({ text: 'x'.repeat(300 * 1024) });

describe('typical failures of every operation match the spec', () => {
  it.each(securedOperations.map((op) => [op.method, op.path] as const))(
    '%s %s without an API key → 401',
    async (method, path) => {
      const response = await call(method, path, { apiKey: null, json: {} });
      expect(response.status).toBe(401);
    },
  );

  // Bodies every operation that takes one refuses before reading it as its own.
  const refusedBodies = [
    { what: 'a text/plain body', raw: '{}', contentType: 'text/plain', status: 415 },
    {
      what: 'malformed JSON',
      raw: '{"unterminated": ',
      contentType: 'application/json',
      status: 400,
    },
    { what: 'a body over 256 KiB', raw: oversized, contentType: 'application/json', status: 413 },
  ];
  for (const { what, raw, contentType, status } of refusedBodies) {
    it.each(bodyOperations.map((op) => [op.method, op.path] as const))(
      `%s %s with ${what} → ${status}`,
      async (method, path) => {
        const response = await call(method, path, {
          raw,
          headers: { 'content-type': contentType },
        });
        expect(response.status).toBe(status);
      },
    );
  }

  it.each(
    securedOperations
      .filter((op) => op.method === 'POST')
      .map((op) => [op.method, op.path] as const),
  )('%s %s with an Idempotency-Key over 255 characters → 400', async (method, path) => {
    const response = await call(method, path, {
      json: {},
      headers: { 'idempotency-key': 'k'.repeat(256) },
    });
    expect(response.status).toBe(400);
  });

  const idOperations = operations
    .filter((op) => op.path.includes('{id}'))
    .map((op) => [op.method, op.path] as const);

  it.each(idOperations)('%s %s for an unknown id → 404', async (method, path) => {
    const body = validBodyFor(method, path);
    const response = await call(method, path, {
      path: path.replace('{id}', 'int_unknown0000').replace('{stepId}', 'stp_unknown0'),
      ...(body === undefined ? {} : { json: body }),
    });
    expect(response.status).toBe(404);
  });

  // `id` and `stepId` have maxLength 100: a longer one is refused before anything is looked up.
  it.each(
    operations
      .flatMap((op) => [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => [op.method, op.path, m[1]]))
      .map(([method, path, name]) => [method as string, path as string, name as string] as const),
  )('%s %s with its %s parameter over 100 characters → 400', async (method, path, name) => {
    const body = validBodyFor(method, path);
    const long = 'x'.repeat(101);
    const response = await call(method, path, {
      path: path
        .replace('{id}', name === 'id' ? long : 'int_unknown0000')
        .replace('{stepId}', name === 'stepId' ? long : 'stp_unknown0'),
      ...(body === undefined ? {} : { json: body }),
    });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('validation_error');
    expect(response.body.errors).toEqual([
      { path: `param.${name}`, message: expect.any(String), code: 'too_big' },
    ]);
  });
});

/** A body `method path` accepts (so only what a test changes is refused), if it takes one. */
function validBodyFor(method: string, path: string): Json {
  if (method === 'PATCH') {
    return path.startsWith('/v1/interviews') ? { role: { title: 'x' } } : { description: 'x' };
  }
  if (path.endsWith('/recover')) return { since: '2026-01-01T00:00:00Z' };
  if (path.endsWith('/snooze')) return { by: 'P1D' };
  if (path.endsWith('/signals')) return { type: 'offer' };
  return undefined;
}

/**
 * Bodies a client generated from the spec would check before sending: for each, whether the
 * spec's request schema accepts it and whether the server does (anything but 400) must agree.
 * The server answers the accepted ones however the request then goes (404 for the unknown
 * step, 409 for a clock moved back), never 400.
 */
describe('request bodies the spec accepts are the ones the server accepts', () => {
  const unknownStep = '/v1/interviews/int_unknown0000/steps/stp_unknown0/snooze';
  const snooze = '/v1/interviews/{id}/steps/{stepId}/snooze';
  const clock = '/v1/sandbox/clock';
  const exactlyOneSnooze = 'Give exactly one of `by` (a duration) or `until` (an instant)';
  const exactlyOneClock = 'Give exactly one of `advanceBy` (a duration) or `to` (an instant)';
  const cases: [string, string, string, Json, boolean, string?][] = [
    ['snooze by', snooze, unknownStep, { by: 'P1D' }, true],
    ['snooze until', snooze, unknownStep, { until: '2030-01-01T09:00:00Z' }, true],
    ['snooze with neither', snooze, unknownStep, {}, false, exactlyOneSnooze],
    [
      'snooze with both',
      snooze,
      unknownStep,
      { by: 'P1D', until: '2030-01-01T09:00:00Z' },
      false,
      exactlyOneSnooze,
    ],
    ['snooze with another field', snooze, unknownStep, { by: 'P1D', for: 'x' }, false],
    ['snooze until a lower-case t', snooze, unknownStep, { until: '2030-01-01t09:00:00Z' }, false],
    ['snooze until a lower-case z', snooze, unknownStep, { until: '2030-01-01T09:00:00z' }, false],
    ['clock advanced by', clock, clock, { advanceBy: 'PT1S' }, true],
    ['clock moved to', clock, clock, { to: '2000-01-01T00:00:00Z' }, true],
    ['clock with neither', clock, clock, {}, false, exactlyOneClock],
    [
      'clock with both',
      clock,
      clock,
      { advanceBy: 'PT1S', to: '2000-01-01T00:00:00Z' },
      false,
      exactlyOneClock,
    ],
  ];

  it.each(cases)('%s', async (_label, template, path, body, accepted, message) => {
    const operation = operationFor('POST', template);
    const specAccepts = validator.checkRequestBody(operation, body).length === 0;
    const response = await call('POST', template, {
      path,
      json: body,
      ...(template === clock ? { apiKey: null } : {}),
    });
    expect({ spec: specAccepts, server: response.status !== 400 }).toEqual({
      spec: accepted,
      server: accepted,
    });
    if (message) expect(response.body.errors).toEqual([{ path: '', message, code: 'custom' }]);
  });

  const preview = '/v1/plans/preview';
  const withInterviewer = (linkedinUrl: string) => ({
    interviewers: [{ name: 'Noor Haddad', linkedinUrl }],
  });
  const interviewCases: [string, Record<string, unknown>, boolean][] = [
    ['a LinkedIn profile', withInterviewer('https://www.linkedin.com/in/noor'), true],
    ['a LinkedIn profile on a country host', withInterviewer('https://uk.linkedin.com/in/n'), true],
    ['the bare LinkedIn host', withInterviewer('https://linkedin.com'), true],
    ['a LinkedIn URN', withInterviewer('urn:li:person:1'), false],
    ['a LinkedIn profile over http', withInterviewer('http://www.linkedin.com/in/noor'), false],
    ['another host', withInterviewer('https://evil.example/in/noor'), false],
    ['a look-alike host', withInterviewer('https://linkedin.com.evil.example/in/n'), false],
    ['a host ending in linkedin', withInterviewer('https://evil-linkedin.com/in/noor'), false],
    ['times with an offset and a fraction', { offsetTimes: true }, true],
    ['a lower-case t in startsAt', { lowerCase: 'startsAt' }, false],
    ['a lower-case z in endsAt', { lowerCase: 'endsAt' }, false],
  ];

  it.each(interviewCases)('an interview with %s', async (_label, change, accepted) => {
    const now = (await api.get('/v1/sandbox/clock')).body.now as string;
    const { offsetTimes, lowerCase, ...fields } = change;
    const input = { ...interviewInput(now), ...fields } as Record<string, string>;
    if (offsetTimes) {
      input.startsAt = shiftToOffset(input.startsAt as string);
      input.endsAt = shiftToOffset(input.endsAt as string);
    }
    if (lowerCase === 'startsAt') input.startsAt = (input.startsAt as string).replace('T', 't');
    if (lowerCase === 'endsAt') input.endsAt = (input.endsAt as string).replace(/Z$/, 'z');
    const specAccepts = validator.checkRequestBody(operationFor('POST', preview), input);
    const response = await call('POST', preview, { json: input });
    expect({ spec: specAccepts.length === 0, server: response.status !== 400 }).toEqual({
      spec: accepted,
      server: accepted,
    });
  });
});

/** `2026-03-06T17:40:00Z` → `2026-03-06T19:40:00.5+02:00`: the same instant, give or take. */
function shiftToOffset(instant: string): string {
  const shifted = new Date(Date.parse(instant) + 2 * 3_600_000).toISOString();
  return `${shifted.slice(0, 19)}.5+02:00`;
}

describe('successes and domain failures match the spec', () => {
  it('operations, health and the sandbox', async () => {
    expect(await statusOf('GET', '/health', { apiKey: null })).toBe(200);
    expect(await statusOf('GET', '/v1/sandbox/clock', { apiKey: null })).toBe(200);
    const tenant = await call('POST', '/v1/sandbox/tenants', {
      apiKey: null,
      json: { name: 'Spec walk' },
    });
    expect(tenant.status).toBe(201);
    expect(
      await statusOf('POST', '/v1/sandbox/tenants', { apiKey: null, json: { name: '' } }),
    ).toBe(400);
    expect(
      await statusOf('POST', '/v1/sandbox/clock', { apiKey: null, json: { advanceBy: 'PT1M' } }),
    ).toBe(200);
    expect(
      await statusOf('POST', '/v1/sandbox/clock', { apiKey: null, json: { advanceBy: 'soon' } }),
    ).toBe(400);
    expect(
      await statusOf('POST', '/v1/sandbox/clock', {
        apiKey: null,
        json: { to: '2000-01-01T00:00:00Z' },
      }),
    ).toBe(409);
  });

  it('interviews, plans, policy and drafts', async () => {
    const now = (await api.get('/v1/sandbox/clock')).body.now as string;
    const input = interviewInput(now, { externalId: 'spec-walk' });
    const created = await call('POST', '/v1/interviews', {
      json: input,
      headers: { 'idempotency-key': 'spec-walk-1' },
    });
    expect(created.status).toBe(201);
    const replay = await call('POST', '/v1/interviews', {
      json: input,
      headers: { 'idempotency-key': 'spec-walk-1' },
    });
    expect(replay.status).toBe(201);
    const mismatch = await call('POST', '/v1/interviews', {
      json: { ...input, externalId: 'other' },
      headers: { 'idempotency-key': 'spec-walk-1' },
    });
    expect(mismatch.status).toBe(422);
    expect(
      await statusOf('POST', '/v1/interviews', { json: { ...input, timeZone: 'Mars/Olympus' } }),
    ).toBe(400);

    const id = created.body.id as string;
    const path = `/v1/interviews/${id}`;
    expect(await statusOf('GET', '/v1/interviews')).toBe(200);
    expect(await statusOf('GET', '/v1/interviews', { path: '/v1/interviews?limit=1' })).toBe(200);
    expect(await statusOf('GET', '/v1/interviews', { path: '/v1/interviews?limit=0' })).toBe(400);
    expect(await statusOf('GET', '/v1/interviews/{id}', { path })).toBe(200);

    const patched = await call('PATCH', '/v1/interviews/{id}', {
      path,
      json: { role: { title: 'Platform Engineer' } },
    });
    expect(patched.status).toBe(200);
    const merge = await call('PATCH', '/v1/interviews/{id}', {
      path,
      raw: JSON.stringify({ candidate: { phone: '+1 555 0111' } }),
      headers: { 'content-type': 'application/merge-patch+json' },
    });
    expect(merge.status).toBe(200);
    expect(
      await statusOf('PATCH', '/v1/interviews/{id}', {
        path,
        json: { format: 'hologram' },
      }),
    ).toBe(400);
    expect(
      await statusOf('PATCH', '/v1/interviews/{id}', {
        path,
        json: { role: { title: 'Stale' } },
        headers: { 'if-match': '"1"' },
      }),
    ).toBe(412);

    const steps = merge.body.steps.filter(
      (step: { status: string }) => step.status === 'scheduled',
    );
    const [first, second, third] = steps;
    const stepAction = (stepId: string, action: string, json?: Json) =>
      statusOf('POST', `/v1/interviews/{id}/steps/{stepId}/${action}`, {
        path: `${path}/steps/${stepId}/${action}`,
        ...(json === undefined ? {} : { json }),
      });
    const signal = (json: Json) =>
      statusOf('POST', '/v1/interviews/{id}/signals', { path: `${path}/signals`, json });
    expect(await stepAction(first.id, 'complete')).toBe(200);
    expect(await stepAction(second.id, 'skip', {})).toBe(200);
    expect(await stepAction(third.id, 'snooze', { by: 'P1D' })).toBe(200);
    expect(await stepAction(first.id, 'snooze', { by: 'P1D' })).toBe(409);
    expect(await stepAction(third.id, 'snooze', { by: 'P1D', until: now })).toBe(400);
    expect(await stepAction('stp_nope', 'complete')).toBe(404);

    expect(await signal({ type: 'employer_replied', note: 'Decision next week.' })).toBe(200);
    expect(await signal({ type: 'ghosted' })).toBe(400);
    expect(await signal({ type: 'offer' })).toBe(200);
    // A closed interview takes no more signals.
    expect(await signal({ type: 'rejected' })).toBe(409);
    expect(await statusOf('DELETE', '/v1/interviews/{id}', { path })).toBe(204);
    expect(await statusOf('DELETE', '/v1/interviews/{id}', { path })).toBe(204);

    expect(await statusOf('POST', '/v1/plans/preview', { json: input })).toBe(200);
    expect(
      await statusOf('POST', '/v1/plans/preview', { json: { ...input, interviewers: [] } }),
    ).toBe(400);
    expect(await statusOf('GET', '/v1/policy')).toBe(200);
    expect(await statusOf('PUT', '/v1/policy', { json: { maxCheckIns: 2 } })).toBe(200);
    expect(await statusOf('PUT', '/v1/policy', { json: { maxCheckIns: 9 } })).toBe(400);
    expect(await statusOf('PUT', '/v1/policy', { json: {} })).toBe(200);
    expect(
      await statusOf('POST', '/v1/drafts/check', {
        json: { text: 'Just checking in.', context: { kind: 'check_in' } },
      }),
    ).toBe(200);
    expect(await statusOf('POST', '/v1/drafts/check', { json: { text: 42 } })).toBe(400);
  });

  it('webhook endpoints and events', async () => {
    const extra = await WebhookReceiver.start();
    try {
      const created = await call('POST', '/v1/webhook-endpoints', {
        json: { url: extra.url, eventTypes: ['webhook.test'], metadata: { team: 'spec' } },
      });
      expect(created.status).toBe(201);
      extra.secret = created.body.secret;
      expect(
        await statusOf('POST', '/v1/webhook-endpoints', { json: { url: 'ftp://example.com' } }),
      ).toBe(400);
      const path = `/v1/webhook-endpoints/${created.body.id}`;
      const recover = (json: Json, headers?: Record<string, string>) =>
        statusOf('POST', '/v1/webhook-endpoints/{id}/recover', {
          path: `${path}/recover`,
          json,
          ...(headers ? { headers } : {}),
        });
      expect(await statusOf('GET', '/v1/webhook-endpoints')).toBe(200);
      const got = await call('GET', '/v1/webhook-endpoints/{id}', { path });
      expect(got.status).toBe(200);
      expect(
        await statusOf('PATCH', '/v1/webhook-endpoints/{id}', {
          path,
          json: { description: 'Spec walk' },
          headers: { 'if-match': got.headers.etag ?? '' },
        }),
      ).toBe(200);
      expect(
        await statusOf('PATCH', '/v1/webhook-endpoints/{id}', {
          path,
          json: { description: 'Stale' },
          headers: { 'if-match': got.headers.etag ?? '' },
        }),
      ).toBe(412);
      expect(
        await statusOf('PATCH', '/v1/webhook-endpoints/{id}', { path, json: { enabled: 'yes' } }),
      ).toBe(400);
      const rotated = await call('POST', '/v1/webhook-endpoints/{id}/rotate-secret', {
        path: `${path}/rotate-secret`,
      });
      expect(rotated.status).toBe(200);
      extra.secret = rotated.body.secret;
      expect(
        await statusOf('POST', '/v1/webhook-endpoints/{id}/test', {
          path: `${path}/test`,
          json: {},
        }),
      ).toBe(200);
      expect(
        await statusOf('GET', '/v1/webhook-endpoints/{id}/deliveries', {
          path: `${path}/deliveries`,
        }),
      ).toBe(200);
      expect(await recover({ since: '2020-01-01T00:00:00Z' })).toBe(202);
      expect(
        await recover({ since: '2021-01-01T00:00:00Z' }, { 'idempotency-key': 'spec-recover' }),
      ).toBe(202);
      expect(
        await recover({ since: '2022-01-01T00:00:00Z' }, { 'idempotency-key': 'spec-recover' }),
      ).toBe(422);
      expect(await recover({ since: 'yesterday' })).toBe(400);
      expect(
        await statusOf('PATCH', '/v1/webhook-endpoints/{id}', { path, json: { enabled: false } }),
      ).toBe(200);
      expect(await recover({ since: '2020-01-01T00:00:00Z' })).toBe(409);
      expect(
        await statusOf('POST', '/v1/events/{id}/redeliver', {
          path: `/v1/events/${world.eventId}/redeliver`,
          json: { endpointId: created.body.id },
        }),
      ).toBe(409);
      expect(await statusOf('DELETE', '/v1/webhook-endpoints/{id}', { path })).toBe(204);

      expect(await statusOf('GET', '/v1/events')).toBe(200);
      expect(
        await statusOf('GET', '/v1/events', { path: '/v1/events?type=followup.thank_you&limit=5' }),
      ).toBe(200);
      expect(await statusOf('GET', '/v1/events', { path: '/v1/events?type=nope' })).toBe(400);
      expect(await statusOf('GET', '/v1/events/{id}')).toBe(200);
      expect(await statusOf('POST', '/v1/events/{id}/redeliver')).toBe(202);
      expect(
        await statusOf('POST', '/v1/events/{id}/redeliver', {
          json: { endpointId: world.endpointId },
        }),
      ).toBe(202);
      expect(await statusOf('POST', '/v1/events/{id}/redeliver', { json: { other: true } })).toBe(
        400,
      );
    } finally {
      await extra.close();
    }
  });

  it('every operation in openapi.yaml was answered with a validated success', () => {
    const missing = operations
      .filter((op) => ![...(validated.get(opKey(op)) ?? [])].some((s) => s >= 200 && s < 300))
      .map(opKey);
    expect(missing).toEqual([]);
  });
});
