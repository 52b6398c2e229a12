import { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../shared/errors';
import { composeWebhooks } from '../../shared/runtime/compose';
import type { StoredEvent } from '../../shared/store/ports';
import { eventTypes } from '../../shared/webhooks/event-types';
import { startTestApi, type TestApi } from '../support/test-api';
import { alwaysOk, type Receiver, startReceiver } from '../webhooks/delivery-harness';

let api: TestApi;
let receiver: Receiver;
let other: { tenantId: string; apiKey: string };

beforeAll(async () => {
  // The webhook routes and services come with the composed API (real transport, 2 s attempts).
  api = await startTestApi();
  receiver = await startReceiver();
  other = await api.createTenant();
});

afterAll(async () => {
  await receiver?.close();
  await api?.close();
});

async function createEndpoint(body: Record<string, unknown> = {}) {
  const response = await api.request('POST', '/v1/webhook-endpoints', {
    body: { url: receiver.url, ...body },
  });
  expect(response.status).toBe(201);
  return response.body as { id: string; secret: string; url: string };
}

let eventCounter = 0;
async function storeEvent(overrides: Partial<StoredEvent> = {}): Promise<StoredEvent> {
  const now = api.clock.now();
  eventCounter++;
  const event: StoredEvent = {
    tenantId: api.tenantId,
    id: `evt_routetest${String(eventCounter).padStart(4, '0')}`,
    type: 'interview.updated',
    timestamp: now.toString(),
    interviewId: 'int_routetest1',
    data: { interviewId: 'int_routetest1', sequence: eventCounter },
    createdAt: now.add({ seconds: eventCounter }).toString(),
    expiresAt: Math.floor(now.epochMilliseconds / 1000) + 3600 * 24 * 30,
    ...overrides,
  };
  await api.store.putEvent(event);
  return event;
}

function expectProblem(response: { status: number; headers: Headers }, status: number) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
}

describe('/v1/webhook-endpoints', () => {
  it('creates an endpoint and shows its secret only in the create response', async () => {
    const created = await createEndpoint({
      eventTypes: ['followup.thank_you', 'interview.closed'],
      description: 'ATS production',
      metadata: { team: 'integrations' },
    });
    expect(created.id).toMatch(/^whe_/);
    expect(created.secret).toMatch(/^whsec_/);

    const fetched = await api.request('GET', `/v1/webhook-endpoints/${created.id}`);
    expect(fetched.status).toBe(200);
    expect(fetched.headers.get('etag')).toBe('"1"');
    expect(fetched.body).toMatchObject({
      id: created.id,
      url: receiver.url,
      eventTypes: ['followup.thank_you', 'interview.closed'],
      description: 'ATS production',
      metadata: { team: 'integrations' },
      enabled: true,
    });
    expect(fetched.text).not.toContain(created.secret);
    expect(fetched.body.secret).toBeUndefined();
  });

  it('lists endpoints newest first with a cursor', async () => {
    const tenant = await api.createTenant('Lister');
    const create = async (path: string) => {
      const response = await api.request('POST', '/v1/webhook-endpoints', {
        apiKey: tenant.apiKey,
        body: { url: `${receiver.url}/${path}` },
      });
      return response.body.id as string;
    };
    const first = await create('a');
    api.clock.set(api.clock.now().add({ seconds: 1 }));
    const second = await create('b');
    const page1 = await api.request('GET', '/v1/webhook-endpoints?limit=1', {
      apiKey: tenant.apiKey,
    });
    expect(page1.status).toBe(200);
    expect(page1.body.data.map((e: { id: string }) => e.id)).toEqual([second]);
    expect(page1.body.nextCursor).toEqual(expect.any(String));
    const page2 = await api.request(
      'GET',
      `/v1/webhook-endpoints?limit=1&cursor=${encodeURIComponent(page1.body.nextCursor)}`,
      { apiKey: tenant.apiKey },
    );
    expect(page2.body.data.map((e: { id: string }) => e.id)).toEqual([first]);
    expect(page2.body.nextCursor).toBeUndefined();
    expect(page1.text + page2.text).not.toContain('whsec_');
  });

  it.each([
    ['a missing url', {}, 'url'],
    ['a relative url', { url: 'not a url' }, 'url'],
    ['an ftp url', { url: 'ftp://hooks.example.com/in' }, 'url'],
    ['http to a public host', { url: 'http://hooks.example.com/in' }, 'url'],
    ['a private address', { url: 'https://10.0.0.5/in' }, 'url'],
    ['the metadata address', { url: 'https://169.254.169.254/latest/meta-data' }, 'url'],
    ['credentials in the url', { url: 'https://user:pw@hooks.example.com/in' }, 'url'],
    [
      'an unknown event type',
      { url: 'https://hooks.example.com/in', eventTypes: ['x.y'] },
      'eventTypes.0',
    ],
    ['an unknown field', { url: 'https://hooks.example.com/in', colour: 'red' }, 'colour'],
    [
      'a non-string metadata value',
      { url: 'https://hooks.example.com/in', metadata: { a: 1 } },
      'metadata.a',
    ],
  ])('refuses %s with a problem naming the field', async (_name, body, path) => {
    const response = await api.request('POST', '/v1/webhook-endpoints', { body });
    expectProblem(response, 400);
    expect(response.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });

  it('refuses http and loopback outside the local runtime', async () => {
    const production = composeWebhooks({
      store: api.store,
      scheduler: api.scheduler,
      transport: api.transport,
      clock: api.clock,
      urlPolicy: { allowHttp: false, allowLoopback: false },
    });
    for (const url of ['http://127.0.0.1:9/in', 'https://localhost/in', 'https://[::1]/in']) {
      await expect(production.endpoints.create(api.tenantId, { url })).rejects.toBeInstanceOf(
        ValidationError,
      );
    }
    const { endpoint } = await production.endpoints.create(api.tenantId, {
      url: 'https://hooks.example.com/in',
    });
    expect(endpoint.url).toBe('https://hooks.example.com/in');
  });

  it('patches fields, disables and re-enables, and honours If-Match', async () => {
    const { id } = await createEndpoint({ eventTypes: ['webhook.test'], description: 'old' });
    const patched = await api.request('PATCH', `/v1/webhook-endpoints/${id}`, {
      body: { description: null, eventTypes: null, metadata: { env: 'staging' } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      eventTypes: [],
      metadata: { env: 'staging' },
      version: 2,
    });
    expect(patched.body.description).toBeUndefined();

    const disabled = await api.request('PATCH', `/v1/webhook-endpoints/${id}`, {
      body: { enabled: false },
    });
    expect(disabled.body).toMatchObject({ enabled: false, disabledReason: expect.any(String) });
    const enabled = await api.request('PATCH', `/v1/webhook-endpoints/${id}`, {
      body: { enabled: true },
    });
    expect(enabled.body.enabled).toBe(true);
    expect(enabled.body.disabledReason).toBeUndefined();
    expect(enabled.body.disabledAt).toBeUndefined();

    const stale = await api.request('PATCH', `/v1/webhook-endpoints/${id}`, {
      body: { description: 'x' },
      headers: { 'if-match': '"1"' },
    });
    expectProblem(stale, 412);
    const badUrl = await api.request('PATCH', `/v1/webhook-endpoints/${id}`, {
      body: { url: 'https://192.168.1.1/in' },
    });
    expectProblem(badUrl, 400);
    expect(badUrl.body.errors[0].path).toBe('url');
    const unknown = await api.request('PATCH', `/v1/webhook-endpoints/${id}`, {
      body: { secret: 'whsec_x' },
    });
    expectProblem(unknown, 400);
  });

  it('keeps the version and ETag while deliveries fail and succeed, so If-Match still holds', async () => {
    const { id } = await createEndpoint({ description: 'health bookkeeping' });
    const get = () => api.request('GET', `/v1/webhook-endpoints/${id}`);
    const fresh = await get();
    expect(fresh.headers.get('etag')).toBe('"1"');
    // No delivery has succeeded yet, so none is reported.
    expect(fresh.body.lastSuccessAt).toBeUndefined();

    // A delivery of an event (the test probe leaves health alone): queued, then its wake-ups run.
    const event = await storeEvent({ interviewId: 'int_healthtest1' });
    const queued = await api.request('POST', `/v1/events/${event.id}/redeliver`, {
      body: { endpointId: id },
    });
    expect(queued.status).toBe(202);
    const attempt = (n: number) =>
      api.webhooks.delivery.runDeliveryAttempt({
        kind: 'delivery',
        tenantId: api.tenantId,
        eventId: event.id,
        endpointId: id,
        attempt: n,
      });
    receiver.behaviour = () => ({ status: 500 });
    await attempt(1);
    const stored = await api.store.getEndpoint(api.tenantId, id);
    expect(stored?.firstFailureAt).toBe(api.clock.now().toString());
    const afterFailure = await get();
    expect(afterFailure.headers.get('etag')).toBe('"1"');
    expect(afterFailure.body).toEqual(fresh.body);

    receiver.behaviour = alwaysOk;
    api.clock.set(api.clock.now().add({ seconds: 5 }));
    await attempt(2);
    const afterSuccess = await get();
    expect(afterSuccess.headers.get('etag')).toBe('"1"');
    expect(afterSuccess.body).toEqual({
      ...fresh.body,
      lastSuccessAt: api.clock.now().toString(),
    });

    const patched = await api.request('PATCH', `/v1/webhook-endpoints/${id}`, {
      body: { description: 'changed by the integrator' },
      headers: { 'if-match': afterSuccess.headers.get('etag') ?? '' },
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.headers.get('etag')).toBe('"2"');
    expect(patched.body).toMatchObject({ version: 2, updatedAt: api.clock.now().toString() });
  });

  it('moves the version with a rotation and a disable, not with a patch that changes nothing', async () => {
    const { id } = await createEndpoint({ description: 'same' });
    const same = await api.request('PATCH', `/v1/webhook-endpoints/${id}`, {
      body: { description: 'same', enabled: true },
      headers: { 'if-match': '"1"' },
    });
    expect(same.status, same.text).toBe(200);
    expect(same.headers.get('etag')).toBe('"1"');

    const rotated = await api.request('POST', `/v1/webhook-endpoints/${id}/rotate-secret`);
    expect(rotated.body.version).toBe(2);
    const disabled = await api.request('PATCH', `/v1/webhook-endpoints/${id}`, {
      body: { enabled: false },
      headers: { 'if-match': '"2"' },
    });
    expect(disabled.headers.get('etag')).toBe('"3"');
    // Re-enabling starts afresh: no success is invented for it.
    const enabled = await api.request('PATCH', `/v1/webhook-endpoints/${id}`, {
      body: { enabled: true },
    });
    expect(enabled.body).toMatchObject({ enabled: true, version: 4 });
    expect(enabled.body.lastSuccessAt).toBeUndefined();
  });

  it.each([
    ['a weak tag of the current version', 'W/"1"', 412],
    ['a list holding the current version', '"7", "1"', 200],
    ['a list with empty members', ' , "1" ,, ', 200],
    ['a list without the current version', '"2","3"', 412],
    ['a strong tag that is no version', '"abc"', 412],
    ['two tags without a comma', '"1" "2"', 400],
    ['a lower-case weak prefix', 'w/"1"', 400],
    ['* among tags', '*, "1"', 400],
    ['*', '*', 200],
  ])('compares If-Match as RFC 9110 says: %s', async (_name, ifMatch, status) => {
    const { id } = await createEndpoint();
    const response = await api.request('PATCH', `/v1/webhook-endpoints/${id}`, {
      body: { description: 'conditional' },
      headers: { 'if-match': ifMatch },
    });
    expect(response.status, response.text).toBe(status);
    if (status === 400) {
      expect(response.body.errors.map((e: { path: string }) => e.path)).toEqual([
        'header.if-match',
      ]);
    }
  });

  it('rotates the secret, returning the new one once and showing the overlap', async () => {
    const { id, secret } = await createEndpoint();
    const rotated = await api.request('POST', `/v1/webhook-endpoints/${id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(secret);
    const fetched = await api.request('GET', `/v1/webhook-endpoints/${id}`);
    expect(fetched.body.secretRotatingUntil).toBe(api.clock.now().add({ hours: 24 }).toString());
    expect(fetched.text).not.toContain('whsec_');
  });

  it('sends a test event synchronously and lists the attempt log newest first', async () => {
    const { id } = await createEndpoint();
    receiver.behaviour = (n) => (n % 2 === 1 ? { status: 200, body: 'thanks' } : { status: 500 });
    receiver.requests.length = 0;
    const first = await api.request('POST', `/v1/webhook-endpoints/${id}/test`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      endpointId: id,
      attempt: 1,
      outcome: 'succeeded',
      statusCode: 200,
      responseBody: 'thanks',
    });
    const second = await api.request('POST', `/v1/webhook-endpoints/${id}/test`);
    expect(second.body).toMatchObject({ outcome: 'failed', statusCode: 500 });
    expect(second.body.nextAttemptAt).toBeUndefined();
    expect(JSON.parse(receiver.requests[0]?.body ?? '{}').type).toBe('webhook.test');

    const log = await api.request('GET', `/v1/webhook-endpoints/${id}/deliveries?limit=1`);
    expect(log.status).toBe(200);
    expect(log.body.data.map((a: { id: string }) => a.id)).toEqual([second.body.id]);
    const rest = await api.request(
      'GET',
      `/v1/webhook-endpoints/${id}/deliveries?cursor=${encodeURIComponent(log.body.nextCursor)}`,
    );
    expect(rest.body.data.map((a: { id: string }) => a.id)).toEqual([first.body.id]);
    expect(log.body.data[0].tenantId).toBeUndefined();
    // A cursor of no list of ours is refused as the query parameter it came in.
    const foreign = await api.request('GET', `/v1/webhook-endpoints/${id}/deliveries?cursor=abc`);
    expect(foreign.status).toBe(400);
    expect(foreign.body.errors.map((e: { path: string }) => e.path)).toEqual(['query.cursor']);
    receiver.behaviour = alwaysOk;
  });

  it('recovers failed deliveries since a time, but no test probe, and refuses while disabled', async () => {
    const { id } = await createEndpoint();
    const since = api.clock.now().toString();
    receiver.behaviour = () => ({ status: 503 });
    // A failed probe, and an event whose delivery is still pending.
    const probe = await api.request('POST', `/v1/webhook-endpoints/${id}/test`);
    expect(probe.body.outcome).toBe('failed');
    const event = await storeEvent({ interviewId: 'int_healthtest1' });
    await api.request('POST', `/v1/events/${event.id}/redeliver`, { body: { endpointId: id } });
    receiver.behaviour = alwaysOk;

    const before = api.scheduler.calls.length;
    const recovered = await api.request('POST', `/v1/webhook-endpoints/${id}/recover`, {
      body: { since },
    });
    expect(recovered.status).toBe(202);
    expect(recovered.body).toEqual({ recovered: 1 });
    // One new round, the event's: the probe is not resent.
    const queued = api.scheduler.calls.slice(before);
    expect(queued).toHaveLength(1);
    expect(await api.store.getDeliveryState(api.tenantId, probe.body.eventId, id)).toMatchObject({
      status: 'failed',
      attempts: 1,
    });
    const later = api.clock.now().add({ hours: 1 }).toString();
    const none = await api.request('POST', `/v1/webhook-endpoints/${id}/recover`, {
      body: { since: later },
    });
    expect(none.body).toEqual({ recovered: 0 });

    const invalid = await api.request('POST', `/v1/webhook-endpoints/${id}/recover`, {
      body: { since: 'yesterday' },
    });
    expectProblem(invalid, 400);
    expect(invalid.body.errors[0].path).toBe('since');

    await api.request('PATCH', `/v1/webhook-endpoints/${id}`, { body: { enabled: false } });
    const refused = await api.request('POST', `/v1/webhook-endpoints/${id}/recover`, {
      body: { since },
    });
    expectProblem(refused, 409);
  });

  it('deletes an endpoint', async () => {
    const { id } = await createEndpoint();
    expect((await api.request('DELETE', `/v1/webhook-endpoints/${id}`)).status).toBe(204);
    expectProblem(await api.request('GET', `/v1/webhook-endpoints/${id}`), 404);
    expectProblem(await api.request('DELETE', `/v1/webhook-endpoints/${id}`), 404);
  });
});

describe('/v1/events', () => {
  it('lists events newest first, filtered by type and interview, and gets one', async () => {
    const updated = await storeEvent();
    const closed = await storeEvent({ type: 'interview.closed' });
    await storeEvent({ interviewId: 'int_elsewhere', data: { sequence: 1 } });

    const byInterview = await api.request('GET', '/v1/events?interviewId=int_routetest1');
    expect(byInterview.status).toBe(200);
    expect(byInterview.body.data.map((e: { id: string }) => e.id)).toEqual([closed.id, updated.id]);
    const byType = await api.request('GET', '/v1/events?type=interview.closed');
    expect(byType.body.data.map((e: { id: string }) => e.id)).toContain(closed.id);
    expect(byType.body.data.every((e: { type: string }) => e.type === 'interview.closed')).toBe(
      true,
    );
    const paged = await api.request('GET', '/v1/events?limit=1');
    expect(paged.body.data).toHaveLength(1);
    expect(paged.body.nextCursor).toEqual(expect.any(String));

    const fetched = await api.request('GET', `/v1/events/${updated.id}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual({
      id: updated.id,
      type: 'interview.updated',
      timestamp: updated.timestamp,
      interviewId: 'int_routetest1',
      data: updated.data,
      createdAt: updated.createdAt,
    });
  });

  it.each([
    ['an unknown type', '/v1/events?type=interview.exploded', 'query.type'],
    ['a limit above 100', '/v1/events?limit=500', 'query.limit'],
    ['an unknown query field', '/v1/events?colour=red', 'query.colour'],
    ['a cursor of no list of ours', '/v1/events?cursor=abc', 'query.cursor'],
  ])('refuses %s', async (_name, path, field) => {
    const response = await api.request('GET', path);
    expectProblem(response, 400);
    expect(response.body.errors.map((e: { path: string }) => e.path)).toContain(field);
  });

  it('redelivers to every subscribed endpoint, or to one', async () => {
    const event = await storeEvent({ type: 'followup.check_in' });
    const subscribed = await createEndpoint({ eventTypes: ['followup.check_in'] });
    await createEndpoint({ eventTypes: ['webhook.test'] });
    const disabled = await createEndpoint();
    await api.request('PATCH', `/v1/webhook-endpoints/${disabled.id}`, {
      body: { enabled: false },
    });

    const all = await api.request('POST', `/v1/events/${event.id}/redeliver`);
    expect(all.status).toBe(202);
    expect(all.body.eventId).toBe(event.id);
    expect(all.body.endpointIds).toContain(subscribed.id);
    expect(all.body.endpointIds).not.toContain(disabled.id);
    const before = api.scheduler.calls.length;
    const one = await api.request('POST', `/v1/events/${event.id}/redeliver`, {
      body: { endpointId: subscribed.id },
    });
    expect(one.body.endpointIds).toEqual([subscribed.id]);
    expect(api.scheduler.calls.length).toBe(before + 1);

    expectProblem(
      await api.request('POST', `/v1/events/${event.id}/redeliver`, {
        body: { endpointId: disabled.id },
      }),
      409,
    );
    expectProblem(
      await api.request('POST', `/v1/events/${event.id}/redeliver`, {
        body: { endpointId: 'whe_missing' },
      }),
      404,
    );
    expectProblem(
      await api.request('POST', `/v1/events/${event.id}/redeliver`, { body: { extra: 1 } }),
      400,
    );
  });

  it('refuses to redeliver a test probe, to one endpoint or to all', async () => {
    const probed = await createEndpoint();
    const everyType = await createEndpoint();
    const probe = await api.request('POST', `/v1/webhook-endpoints/${probed.id}/test`);
    const before = api.scheduler.calls.length;
    for (const body of [undefined, { endpointId: probed.id }, { endpointId: everyType.id }]) {
      const refused = await api.request('POST', `/v1/events/${probe.body.eventId}/redeliver`, {
        ...(body === undefined ? {} : { body }),
      });
      expectProblem(refused, 409);
      expect(refused.body.type).toContain('conflict');
      expect(refused.body.detail).toContain(`POST /v1/webhook-endpoints/{id}/test`);
    }
    expect(api.scheduler.calls.length).toBe(before);
  });
});

describe('tenant isolation and authentication', () => {
  let endpointId: string;
  let eventId: string;

  beforeAll(async () => {
    endpointId = (await createEndpoint()).id;
    eventId = (await storeEvent()).id;
  });

  const since = Temporal.Instant.from('2026-01-01T00:00:00Z').toString();
  const routes: Array<[string, string, (ids: { e: string; v: string }) => string, unknown?]> = [
    ['GET', 'endpoint', ({ e }) => `/v1/webhook-endpoints/${e}`],
    ['PATCH', 'endpoint', ({ e }) => `/v1/webhook-endpoints/${e}`, { description: 'mine' }],
    ['DELETE', 'endpoint', ({ e }) => `/v1/webhook-endpoints/${e}`],
    ['POST', 'rotate-secret', ({ e }) => `/v1/webhook-endpoints/${e}/rotate-secret`],
    ['POST', 'test', ({ e }) => `/v1/webhook-endpoints/${e}/test`],
    ['GET', 'deliveries', ({ e }) => `/v1/webhook-endpoints/${e}/deliveries`],
    ['POST', 'recover', ({ e }) => `/v1/webhook-endpoints/${e}/recover`, { since }],
    ['GET', 'event', ({ v }) => `/v1/events/${v}`],
    ['POST', 'redeliver', ({ v }) => `/v1/events/${v}/redeliver`],
  ];

  it.each(routes)('%s %s answers 404 to another tenant', async (method, _what, path, body) => {
    const response = await api.request(method, path({ e: endpointId, v: eventId }), {
      apiKey: other.apiKey,
      ...(body === undefined ? {} : { body }),
    });
    expectProblem(response, 404);
  });

  it("cannot redeliver its own event to another tenant's endpoint", async () => {
    const foreign = await api.webhooks.endpoints.create(other.tenantId, { url: receiver.url });
    const response = await api.request('POST', `/v1/events/${eventId}/redeliver`, {
      body: { endpointId: foreign.endpoint.id },
    });
    expectProblem(response, 404);
  });

  it("does not list another tenant's endpoints or events", async () => {
    const endpoints = await api.request('GET', '/v1/webhook-endpoints', { apiKey: other.apiKey });
    expect(endpoints.body.data.map((e: { id: string }) => e.id)).not.toContain(endpointId);
    const events = await api.request('GET', '/v1/events', { apiKey: other.apiKey });
    expect(events.body.data).toEqual([]);
  });

  it.each([
    ['GET', '/v1/webhook-endpoints'],
    ['POST', '/v1/webhook-endpoints'],
    ['GET', '/v1/events'],
  ])('%s %s needs an API key', async (method, path) => {
    const body = method === 'GET' ? {} : { body: {} };
    expectProblem(await api.request(method, path, { apiKey: null, ...body }), 401);
  });
});

describe('OpenAPI', () => {
  it('documents every event type under webhooks', async () => {
    const response = await api.request('GET', '/openapi.json');
    expect(response.status).toBe(200);
    expect(Object.keys(response.body.webhooks).sort()).toEqual([...eventTypes].sort());
    expect(response.body.paths['/v1/webhook-endpoints/{id}/recover']).toBeDefined();
  });
});
