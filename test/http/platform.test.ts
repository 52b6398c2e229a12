import { createRoute, z } from '@hono/zod-openapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteModule } from '../../shared/http/route-module';
import { bearerSecurity } from '../../shared/http/route-module';
import { interviewInput } from '../support/interview-fixtures';
import { startTestApi, type TestApi, testStart } from '../support/test-api';

let api: TestApi;
let production: TestApi;

/** A module mounted like webhooks/events will be: it must get auth, body checks and errors. */
const probeRoutes: RouteModule = (app) => {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/probe',
      security: bearerSecurity,
      request: {
        body: {
          required: true,
          content: { 'application/json': { schema: z.strictObject({ n: z.number() }) } },
        },
      },
      responses: { 200: { description: 'ok' } },
    }),
    (c) => {
      if (c.req.valid('json').n === 0) throw new Error('secret internal detail');
      return c.json({ tenantId: c.get('tenantId'), n: c.req.valid('json').n }, 200);
    },
  );
};

beforeAll(async () => {
  [api, production] = await Promise.all([
    startTestApi({ extraRoutes: [probeRoutes] }),
    startTestApi({ sandbox: false }),
  ]);
});
afterAll(async () => {
  await Promise.all([api?.close(), production?.close()]);
});

describe('operations and documentation', () => {
  it('answers /health without a key', async () => {
    const response = await api.request('GET', '/health', { apiKey: null });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok', time: testStart.toString() });
  });

  it('sends security headers and a request id on every response', async () => {
    for (const path of ['/health', '/v1/interviews', '/nowhere']) {
      const response = await api.request('GET', path, { apiKey: null });
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('x-request-id')).toMatch(/^[\w-]+$/);
    }
    const echoed = await api.request('GET', '/health', { headers: { 'x-request-id': 'trace-42' } });
    expect(echoed.headers.get('x-request-id')).toBe('trace-42');
  });

  it('serves the OpenAPI document', async () => {
    const response = await api.request('GET', '/openapi.json', { apiKey: null });
    expect(response.status).toBe(200);
    expect(response.body.openapi).toBe('3.1.0');
    expect(Object.keys(response.body.paths)).toEqual(
      expect.arrayContaining(['/v1/interviews', '/v1/interviews/{id}', '/v1/policy']),
    );
  });

  it('serves Swagger UI and its assets from the app itself', async () => {
    const page = await api.request('GET', '/docs', { apiKey: null });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.text).not.toMatch(/https?:\/\/(?!localhost)/);
    const sources = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
    expect(sources.length).toBeGreaterThanOrEqual(5);
    for (const source of sources) {
      // Sources are relative to the page, so the docs also work under an API Gateway stage.
      const asset = await api.request(
        'GET',
        new URL(source as string, `${api.url}/docs`).pathname,
        {
          apiKey: null,
        },
      );
      expect(asset.status, source).toBe(200);
      expect(asset.text.length, source).toBeGreaterThan(0);
    }
    const initializer = await api.request('GET', '/docs/assets/initializer.js', { apiKey: null });
    expect(initializer.text).toContain("new URL('openapi.json', document.baseURI)");
    const outside = await api.request('GET', '/docs/assets/package.json', { apiKey: null });
    expect(outside.status).toBe(404);
  });
});

describe('route modules', () => {
  it('share authentication, validation, idempotency and error handling', async () => {
    const ok = await api.request('POST', '/v1/probe', {
      body: { n: 1 },
      headers: { 'idempotency-key': 'probe-1' },
    });
    expect(ok.body).toEqual({ tenantId: api.tenantId, n: 1 });
    const replay = await api.request('POST', '/v1/probe', {
      body: { n: 1 },
      headers: { 'idempotency-key': 'probe-1' },
    });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect((await api.request('POST', '/v1/probe', { body: { n: 1 }, apiKey: null })).status).toBe(
      401,
    );
    const invalid = await api.request('POST', '/v1/probe', { body: { n: 'one' } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors[0].path).toBe('n');
  });

  it('turn an unexpected error into a 500 problem without its message, and log it', async () => {
    const response = await api.request('POST', '/v1/probe', { body: { n: 0 } });
    expect(response.status).toBe(500);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body).toMatchObject({ status: 500, code: 'internal_error' });
    expect(response.text).not.toContain('secret internal detail');
    expect(
      api.logger.entries.some(
        (entry) =>
          entry.message === 'Unhandled error in request' &&
          JSON.stringify(entry.fields).includes('secret internal detail'),
      ),
    ).toBe(true);
  });
});

describe('policy', () => {
  it('shows the effective policy, stores overrides and applies them to new plans', async () => {
    const tenant = await api.createTenant('Policy tenant');
    const initial = await api.request('GET', '/v1/policy', { apiKey: tenant.apiKey });
    expect(initial.status).toBe(200);
    expect(initial.body.overrides).toEqual({});
    expect(initial.body.policy.maxCheckIns).toBe(3);

    const put = await api.request('PUT', '/v1/policy', {
      apiKey: tenant.apiKey,
      body: { maxCheckIns: 1, handwrittenNote: true },
    });
    expect(put.status, put.text).toBe(200);
    expect(put.body.overrides).toEqual({ maxCheckIns: 1, handwrittenNote: true });
    expect(put.body.policy).toMatchObject({ maxCheckIns: 1, handwrittenNote: true });

    const read = await api.request('GET', '/v1/policy', { apiKey: tenant.apiKey });
    expect(read.body).toEqual(put.body);
    const other = await api.request('GET', '/v1/policy');
    expect(other.body.overrides).toEqual({});

    const preview = await api.request('POST', '/v1/plans/preview', {
      apiKey: tenant.apiKey,
      body: interviewInput(),
    });
    const checkIns = preview.body.steps.filter(
      (step: { kind: string }) => step.kind === 'check_in',
    );
    expect(checkIns.length).toBeLessThanOrEqual(1);
  });

  it.each([
    [{ maxCheckIns: 9 }, 'maxCheckIns'],
    [{ sendDays: [0] }, 'sendDays.0'],
    [{ holidayCountry: 'germany' }, 'holidayCountry'],
    [{ sendAtNight: true }, 'sendAtNight'],
  ])('refuses the policy %j', async (body, field) => {
    const response = await api.request('PUT', '/v1/policy', { body });
    expect(response.status).toBe(400);
    expect(response.body.errors.map((error: { path: string }) => error.path)).toContain(field);
  });
});

describe('plan preview', () => {
  it('returns the plan without storing or scheduling anything', async () => {
    const tenant = await api.createTenant('Preview tenant');
    const before = api.scheduler.calls.length;
    const response = await api.request('POST', '/v1/plans/preview', {
      apiKey: tenant.apiKey,
      body: interviewInput(),
    });
    expect(response.status, response.text).toBe(200);
    expect(response.body.steps.length).toBeGreaterThan(0);
    expect(response.body.steps[0]).toMatchObject({ id: expect.stringMatching(/^stp_/) });
    expect(api.scheduler.calls.length).toBe(before);
    const list = await api.request('GET', '/v1/interviews', { apiKey: tenant.apiKey });
    expect(list.body.data).toEqual([]);
    const events = await api.store.listEvents(tenant.tenantId, { limit: 10 });
    expect(events.items).toEqual([]);
  });

  interface PreviewStep {
    kind: string;
    dueAt: string;
    localDueAt: string;
    timeZone: string;
    reason: string;
    recipient: { name: string; role: string };
  }
  const preview = async (body: Record<string, unknown>): Promise<PreviewStep[]> => {
    const response = await api.request('POST', '/v1/plans/preview', { body });
    expect(response.status, response.text).toBe(200);
    return response.body.steps;
  };
  // Both interviews are more than a year after the test clock's start: the policy allows it.
  const lead = { maxInterviewLead: 'P2Y' };

  it('keeps the thank-you off every day of Chuseok, not just the first (R4)', async () => {
    const steps = await preview(
      interviewInput({
        startsAt: '2027-09-14T00:00:00Z',
        endsAt: '2027-09-14T01:00:00Z',
        timeZone: 'Asia/Seoul',
        interviewers: [
          { name: 'Priya Raman', email: 'priya@northwind.example', hiringManager: true },
        ],
        nextSteps: { followUpOn: '2027-09-23' },
        policy: { ...lead, holidayCountry: 'KR' },
      }),
    );
    const thankYou = steps.find((step) => step.kind === 'thank_you');
    expect(thankYou?.localDueAt).toBe('2027-09-17T08:00:00+09:00');
    expect(thankYou?.reason).toContain('2027-09-15 Korean Thanksgiving');
  });

  it('times a contact request to the recruiter in the recruiter’s zone, not the interviewer’s', async () => {
    const steps = await preview({
      candidate: { name: 'Dana Whitfield', email: 'dana@example.com' },
      role: { title: 'Backend Engineer', company: 'Northwind' },
      format: 'video',
      startsAt: '2027-03-15T15:00:00Z',
      endsAt: '2027-03-15T16:00:00Z',
      timeZone: 'America/New_York',
      recruiter: { name: 'Rosa Diaz', email: 'rosa@northwind.example' },
      interviewers: [
        { name: 'Arjun Mehta', timeZone: 'Asia/Kolkata' },
        { name: 'Priya Raman', email: 'priya@northwind.example', hiringManager: true },
      ],
      policy: lead,
    });
    const ask = steps.find((step) => step.kind === 'contact_info_needed');
    expect(ask).toMatchObject({
      recipient: { name: 'Rosa Diaz', role: 'recruiter' },
      timeZone: 'America/New_York',
      dueAt: '2027-03-15T17:00:00Z',
    });
    expect(ask?.reason).toContain("the recruiter's time zone");
  });
});

describe('draft check', () => {
  it('reports findings for a weak note and none that are errors for a good one', async () => {
    const weak = await api.request('POST', '/v1/drafts/check', {
      body: { text: 'Just checking in.' },
    });
    expect(weak.status, weak.text).toBe(200);
    expect(weak.body.findings.length).toBeGreaterThan(0);
    expect(weak.body.findings[0]).toMatchObject({
      code: expect.any(String),
      severity: expect.stringMatching(/^(error|warning)$/),
      message: expect.any(String),
    });

    const invalid = await api.request('POST', '/v1/drafts/check', { body: { text: 42 } });
    expect(invalid.status).toBe(400);
  });
});

describe('sandbox', () => {
  it('creates tenants whose keys work', async () => {
    const created = await api.request('POST', '/v1/sandbox/tenants', {
      apiKey: null,
      body: { name: 'Sandbox Co' },
    });
    expect(created.status).toBe(201);
    expect(created.body.apiKey).toMatch(/^afv_[0-9A-Za-z]{32}$/);
    const list = await api.request('GET', '/v1/interviews', { apiKey: created.body.apiKey });
    expect(list.status).toBe(200);
  });

  it('reads and advances the clock, never backwards', async () => {
    const read = await api.request('GET', '/v1/sandbox/clock', { apiKey: null });
    expect(read.body.now).toBe(api.clock.now().toString());

    const advanced = await api.request('POST', '/v1/sandbox/clock', {
      apiKey: null,
      body: { advanceBy: 'P3D' },
    });
    expect(advanced.status, advanced.text).toBe(200);
    const expected = testStart.add({ hours: 72 }).toString();
    expect(advanced.body.now).toBe(expected);

    const to = await api.request('POST', '/v1/sandbox/clock', {
      apiKey: null,
      body: { to: '2026-03-10T00:00:00Z' },
    });
    expect(to.body.now).toBe('2026-03-10T00:00:00Z');

    for (const body of [{ to: '2026-03-01T00:00:00Z' }, { advanceBy: '-P1D' }]) {
      const backwards = await api.request('POST', '/v1/sandbox/clock', { apiKey: null, body });
      expect(backwards.status, JSON.stringify(body)).toBe(409);
    }
    for (const body of [
      {},
      { advanceBy: 'soon' },
      { advanceBy: 'P1D', to: '2026-04-01T00:00:00Z' },
    ]) {
      const invalid = await api.request('POST', '/v1/sandbox/clock', { apiKey: null, body });
      expect(invalid.status, JSON.stringify(body)).toBe(400);
    }
  });

  it.each([
    ['GET', '/v1/sandbox/clock', undefined],
    ['POST', '/v1/sandbox/clock', { advanceBy: 'P1D' }],
    ['POST', '/v1/sandbox/tenants', { name: 'x' }],
    ['POST', '/v1/sandbox/tenants', { bad: true }],
  ])('is absent outside the local runtime: %s %s', async (method, path, body) => {
    const response = await production.request(method, path, { apiKey: null, body });
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('not_found');
  });
});
