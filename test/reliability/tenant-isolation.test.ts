/**
 * Tenants never see or touch each other's data. Tenant A owns a full set of resources (an
 * interview with fired and scheduled steps, an endpoint with deliveries, step events); tenant B,
 * created through the sandbox, aims every documented route at A's ids and gets the same 404
 * problem document a made-up id gets, and A's data is exactly as before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime';
import {
  ApiClient,
  type ApiResponse,
  buildTenantWorld,
  createSandboxTenant,
  interviewInput,
  type Json,
  specOperations,
  startRuntime,
  type TenantWorld,
} from './support';

let runtime: LocalRuntime;
let tenantA: ApiClient;
let tenantB: ApiClient;
let a: TenantWorld;
let b: TenantWorld;
let snapshotBefore: Json;

/** Everything of A's that B could conceivably change, read through A's own key and the store. */
async function snapshotA(): Promise<Json> {
  const interview = await runtime.store.getInterview(runtime.tenantId, a.interviewId);
  const endpoint = await runtime.store.getEndpoint(runtime.tenantId, a.endpointId);
  return {
    interview,
    endpoint,
    interviews: await tenantA.listAll('/v1/interviews'),
    endpoints: await tenantA.listAll('/v1/webhook-endpoints'),
    events: await tenantA.listAll('/v1/events'),
    deliveries: await tenantA.listAll(`/v1/webhook-endpoints/${a.endpointId}/deliveries`),
    policy: (await tenantA.get('/v1/policy')).body,
    received: a.receiver.received.length,
  };
}

beforeAll(async () => {
  ({ runtime } = await startRuntime());
  tenantA = new ApiClient(runtime.url, runtime.apiKey);
  // A has a third interviewer, so some of its step ids exist in no interview of B's.
  a = await buildTenantWorld(tenantA, 'tenant-a', 3);
  tenantB = (await createSandboxTenant(tenantA, 'Tenant B')).client;
  b = await buildTenantWorld(tenantB, 'tenant-b');
  // Whatever B's world queued for delivery has run, so A's snapshot cannot move on its own.
  await tenantA.post('/v1/sandbox/clock', { advanceBy: 'PT1M' });
  snapshotBefore = await snapshotA();
});
afterAll(async () => {
  await a?.receiver.close();
  await b?.receiver.close();
  await runtime?.close();
});

function expectNotFound(response: ApiResponse, label: string) {
  expect(response.status, `${label}: ${response.text}`).toBe(404);
  expect(response.headers['content-type']).toContain('application/problem+json');
  expect(response.body.status).toBe(404);
  expect(typeof response.body.title).toBe('string');
  // The problem must not leak whose id it was.
  expect(response.text).not.toContain(runtime.tenantId);
}

/** A valid body for each write, so only ownership can make it fail. */
function bodyFor(method: string, path: string): unknown {
  if (method === 'PATCH' && path.startsWith('/v1/interviews'))
    return { role: { title: 'Hijacked' } };
  if (method === 'PATCH') return { description: 'Hijacked', enabled: false };
  if (path.endsWith('/signals')) return { type: 'withdrawn' };
  if (path.endsWith('/snooze')) return { by: 'P2D' };
  if (path.endsWith('/recover')) return { since: '2020-01-01T00:00:00Z' };
  if (path.endsWith('/redeliver')) return {};
  if (method === 'POST') return {};
  return undefined;
}

const idOperations = specOperations().filter((op) => op.path.includes('{id}'));

describe('tenant B aimed at tenant A', () => {
  it.each(idOperations.map((op) => [op.method, op.path] as const))(
    '%s %s with A’s id → 404, like an unknown id',
    async (method, template) => {
      const aId = template.startsWith('/v1/interviews')
        ? a.interviewId
        : template.startsWith('/v1/webhook-endpoints')
          ? a.endpointId
          : a.eventId;
      const json = bodyFor(method, template);
      const request = (id: string, stepId: string) => ({
        method,
        path: template.replace('{id}', id).replace('{stepId}', stepId),
        ...(json === undefined ? {} : { json }),
      });
      expectNotFound(await tenantB.call(request(aId, a.stepId)), 'A’s id');
      const unknown = await tenantB.call(request(`${aId.slice(0, 4)}unknown`, 'stp_unknown'));
      expect(unknown.status).toBe(404);
      // Same code and title as for an id that does not exist anywhere.
      const owned = await tenantB.call(request(aId, a.stepId));
      expect(owned.body.code).toBe(unknown.body.code);
      expect(owned.body.title).toBe(unknown.body.title);
    },
  );

  it('B’s own interview with A’s step id → 404', async () => {
    // Step ids are scoped to their interview (equal plans give equal ids), so pick one of A's
    // that B's interview does not have.
    const ofA = (await runtime.store.getInterview(runtime.tenantId, a.interviewId))?.state.steps;
    const ofB = (await tenantB.get(`/v1/interviews/${b.interviewId}`)).body.steps as Json[];
    const onlyA = ofA?.find((step) => !ofB.some((other) => other.id === step.id));
    expect(onlyA).toBeDefined();
    for (const action of ['complete', 'skip', 'snooze']) {
      expectNotFound(
        await tenantB.post(
          `/v1/interviews/${b.interviewId}/steps/${onlyA?.id}/${action}`,
          action === 'snooze' ? { by: 'P1D' } : {},
        ),
        `A’s step in B’s interview (${action})`,
      );
    }
  });

  it('B cannot send its own event to A’s endpoint', async () => {
    expectNotFound(
      await tenantB.post(`/v1/events/${b.eventId}/redeliver`, { endpointId: a.endpointId }),
      'redeliver to A’s endpoint',
    );
  });

  it('B’s lists and filters show nothing of A', async () => {
    const interviews = await tenantB.listAll('/v1/interviews');
    expect(interviews.map((item) => item.id)).toEqual([b.interviewId]);
    const endpoints = await tenantB.listAll('/v1/webhook-endpoints');
    expect(endpoints.map((item) => item.id)).toEqual([b.endpointId]);
    const events = await tenantB.listAll('/v1/events');
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) expect(event.interviewId ?? b.interviewId).toBe(b.interviewId);
    expect(await tenantB.listAll(`/v1/events?interviewId=${a.interviewId}`)).toEqual([]);
    expect(await tenantB.listAll('/v1/interviews?externalId=tenant-a-1')).toEqual([]);
    const deliveries = await tenantB.listAll(`/v1/webhook-endpoints/${b.endpointId}/deliveries`);
    for (const attempt of deliveries) expect(attempt.endpointId).toBe(b.endpointId);
  });

  it('B’s policy is its own', async () => {
    expect(
      (await tenantB.put('/v1/policy', { maxCheckIns: 1, handwrittenNote: true })).status,
    ).toBe(200);
    expect((await tenantA.get('/v1/policy')).body).toEqual(snapshotBefore.policy);
  });

  it('A’s data is unchanged after all of that', async () => {
    // Deliveries B could have queued would run on the next advance; run them, then compare.
    await tenantA.post('/v1/sandbox/clock', { advanceBy: 'PT1M' });
    const after = await snapshotA();
    expect(after).toEqual(snapshotBefore);
  });

  it('B’s Idempotency-Key never replays A’s response', async () => {
    const now = (await tenantA.get('/v1/sandbox/clock')).body.now as string;
    const input = interviewInput(now, { externalId: 'same-key' });
    const headers = { 'idempotency-key': 'shared-between-tenants' };
    const first = await tenantA.post('/v1/interviews', input, headers);
    expect(first.status).toBe(201);
    const second = await tenantB.post('/v1/interviews', input, headers);
    expect(second.status).toBe(201);
    expect(second.headers['idempotent-replayed']).toBeUndefined();
    expect(second.body.id).not.toBe(first.body.id);
  });
});
