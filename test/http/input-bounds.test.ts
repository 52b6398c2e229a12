/**
 * Values a schema's type admits but the service cannot use: unbounded or negative policy
 * durations, a sandbox clock beyond what Temporal holds, control and bidi characters in
 * one-line text, a `__proto__` metadata key, an offset as a time zone, and `limit` spellings
 * that are not plain decimal integers. Each is a 400 naming the field, never a 500, and
 * nothing is written. A policy stored before its bounds existed falls back field by field.
 */
import { describe, expect, it } from 'vitest';
import type { PolicyOverrides } from '../../shared/domain/model';
import { interviewInput } from '../support/interview-fixtures';
import { type TestApi, useTestApi } from '../support/test-api';

let api: TestApi;
useTestApi((started) => {
  api = started;
});

interface Problem {
  status: number;
  errors?: Array<{ path: string; message: string }>;
}

/** Asserts a 400 problem whose field errors name `path`. */
function expectFieldError(
  response: { status: number; body: Problem; text: string },
  path: string,
): void {
  expect(response.status, response.text.slice(0, 400)).toBe(400);
  expect(
    response.body.errors?.map((error) => error.path),
    response.text.slice(0, 400),
  ).toContain(path);
}

describe('policy durations have bounds', () => {
  const refused: Array<[string, string]> = [
    ['moveOnAfter', 'P99999999999D'],
    ['moveOnAfter', 'P2Y'],
    ['moveOnAfter', '-P1D'],
    ['moveOnAfter', 'P0D'],
    ['thankYouDelay', '-P1D'],
    ['thankYouDelay', 'P2D'],
    ['thankYouDeadline', 'PT0S'],
    ['thankYouDeadline', 'P8D'],
    ['firstCheckInAfter', 'P91D'],
    ['firstCheckInAfter', 'P0D'],
    ['minFirstCheckInAfter', '-PT1H'],
    ['minFirstCheckInAfter', 'P4M'],
    ['checkInCadence', 'PT0S'],
    ['checkInCadence', 'P99999999999D'],
  ];

  it.each(refused)('PUT /v1/policy refuses %s %s and stores nothing', async (field, value) => {
    const before = await api.request('GET', '/v1/policy');
    const response = await api.request('PUT', '/v1/policy', { body: { [field]: value } });
    expectFieldError(response, field);
    expect((await api.request('GET', '/v1/policy')).body).toEqual(before.body);
  });

  it.each(refused)('a per-interview policy %s %s is a 400 on preview', async (field, value) => {
    const response = await api.request('POST', '/v1/plans/preview', {
      body: interviewInput({ policy: { [field]: value } }),
    });
    expectFieldError(response, `policy.${field}`);
  });

  it.each([
    ['thankYouDelay', 'PT0S'],
    ['thankYouDelay', 'P1D'],
    ['thankYouDeadline', 'P7D'],
    ['firstCheckInAfter', 'P90D'],
    ['minFirstCheckInAfter', 'PT0S'],
    ['checkInCadence', 'P1M'],
    ['moveOnAfter', 'P1Y'],
  ])('accepts %s %s (a limit itself)', async (field, value) => {
    const response = await api.request('POST', '/v1/plans/preview', {
      body: interviewInput({ policy: { [field]: value } }),
    });
    expect(response.status, response.text.slice(0, 400)).toBe(200);
  });

  it('a stored tenant policy out of its bounds falls back to the defaults, field by field', async () => {
    const tenant = await api.createTenant('Stored before the bounds');
    // Written straight into the table, as a policy stored before the bounds existed would be.
    const stored = {
      moveOnAfter: 'P99999999999D',
      thankYouDelay: '-P1D',
      maxCheckIns: 2,
    } as PolicyOverrides;
    await api.store.putPolicy(tenant.tenantId, stored);
    const as = { apiKey: tenant.apiKey };

    const policy = await api.request('GET', '/v1/policy', as);
    expect(policy.status).toBe(200);
    expect(policy.body.overrides).toEqual({ maxCheckIns: 2 });
    expect(policy.body.policy).toMatchObject({
      moveOnAfter: 'P7D',
      thankYouDelay: 'PT1H',
      maxCheckIns: 2,
    });

    const preview = await api.request('POST', '/v1/plans/preview', {
      ...as,
      body: interviewInput(),
    });
    expect(preview.status, preview.text.slice(0, 400)).toBe(200);
    const created = await api.request('POST', '/v1/interviews', { ...as, body: interviewInput() });
    expect(created.status, created.text.slice(0, 400)).toBe(201);
    const patched = await api.request('PATCH', `/v1/interviews/${created.body.id}`, {
      ...as,
      body: { role: { title: 'Staff Engineer' } },
      headers: { 'content-type': 'application/merge-patch+json' },
    });
    expect(patched.status, patched.text.slice(0, 400)).toBe(200);
    expect(
      created.body.steps.filter((step: { kind: string }) => step.kind === 'check_in'),
    ).toHaveLength(2);

    const logged = api.logger.entries.filter(
      (entry) =>
        entry.level === 'error' &&
        (entry.fields as { tenantId?: string } | undefined)?.tenantId === tenant.tenantId,
    );
    expect(logged.length).toBeGreaterThan(0);
    expect(logged[0]?.fields).toMatchObject({ fields: ['moveOnAfter', 'thankYouDelay'] });
  });
});

describe('the sandbox clock', () => {
  it.each([
    { advanceBy: 'P99999999999D' },
    { advanceBy: 'P101Y' },
    { advanceBy: 'PT99999999999999H' },
  ])('refuses %j with a 400 and does not move', async (body) => {
    const before = await api.request('GET', '/v1/sandbox/clock');
    const response = await api.request('POST', '/v1/sandbox/clock', { body });
    expectFieldError(response, 'advanceBy');
    expect((await api.request('GET', '/v1/sandbox/clock')).body).toEqual(before.body);
  });

  it('refuses a `to` past the last instant the API writes', async () => {
    const response = await api.request('POST', '/v1/sandbox/clock', {
      body: { to: '9999-12-31T23:59:59-23:59' },
    });
    expectFieldError(response, 'to');
  });

  it('still answers PT0S with 200 and a backwards move with 409', async () => {
    const now = (await api.request('GET', '/v1/sandbox/clock')).body.now;
    const still = await api.request('POST', '/v1/sandbox/clock', { body: { advanceBy: 'PT0S' } });
    expect(still.status).toBe(200);
    expect(still.body.now).toBe(now);
    const back = await api.request('POST', '/v1/sandbox/clock', {
      body: { to: '2020-01-01T00:00:00Z' },
    });
    expect(back.status).toBe(409);
    const negative = await api.request('POST', '/v1/sandbox/clock', {
      body: { advanceBy: '-P1D' },
    });
    expect(negative.status).toBe(409);
  });
});

describe('one-line text refuses control, bidi and unpaired surrogate characters', () => {
  const hostile = [
    ['CR LF', 'BE\r\nBcc: evil@example.com'],
    ['NUL', 'Dana\u0000'],
    ['a tab', 'Dana\tWhitfield'],
    ['a lone surrogate', 'Dana \ud800'],
    ['a right-to-left override', 'Dana \u202eevil'],
    ['a first-strong isolate', 'Dana \u2068x'],
    ['a line separator', 'Dana\u2028x'],
    ['DEL', 'Dana\u007f'],
    ['a C1 control', 'Dana\u0085'],
  ] as const;

  const places: Array<[string, (text: string) => Record<string, unknown>]> = [
    ['role.title', (text) => interviewInput({ role: { title: text, company: 'Northwind' } })],
    ['candidate.name', (text) => interviewInput({ candidate: { name: text } })],
    ['externalId', (text) => interviewInput({ externalId: text })],
    [
      'interviewers.0.topics.0',
      (text) => interviewInput({ interviewers: [{ name: 'Priya', topics: [text] }] }),
    ],
  ];

  it.each(
    hostile.flatMap(([label, text]) => places.map(([path, body]) => [label, path, text, body])),
  )('%s in %s is a 400', async (_label, path, text, body) => {
    const make = body as (text: string) => Record<string, unknown>;
    const response = await api.request('POST', '/v1/interviews', { body: make(text as string) });
    expectFieldError(response, path as string);
  });

  it('keeps accents, CJK, emoji and joiners valid', async () => {
    const response = await api.request('POST', '/v1/plans/preview', {
      body: interviewInput({
        candidate: { name: 'Zoë Ŝ. 山田 太郎 👩‍💻' },
        role: { title: 'Ingénieure · バックエンド', company: 'Müller & Søn 🚀' },
        externalId: 'ats-ü-✓',
      }),
    });
    expect(response.status, response.text.slice(0, 400)).toBe(200);
  });

  it('refuses a control character in a sandbox tenant name', async () => {
    const response = await api.request('POST', '/v1/sandbox/tenants', {
      body: { name: 'ATS\u0000' },
      apiKey: null,
    });
    expectFieldError(response, 'name');
  });

  it('refuses a control character in a webhook endpoint description', async () => {
    const response = await api.request('POST', '/v1/webhook-endpoints', {
      body: { url: 'http://127.0.0.1:9/hook', description: 'ATS\r\nX-Evil: 1' },
    });
    expectFieldError(response, 'description');
  });

  it('lets a signal note span lines, but not carry NUL or a bidi override', async () => {
    const created = await api.request('POST', '/v1/interviews', {
      body: interviewInput({ externalId: 'notes-1' }),
    });
    expect(created.status).toBe(201);
    const path = `/v1/interviews/${created.body.id}/signals`;
    for (const note of ['x\u0000', 'x\u202e', 'x\ud800']) {
      const response = await api.request('POST', path, {
        body: { type: 'paused', until: '2026-04-01', note },
      });
      expectFieldError(response, 'note');
    }
    const ok = await api.request('POST', path, {
      body: {
        type: 'paused',
        until: '2026-04-01',
        note: 'Hiring freeze.\r\nBack in April.\tThanks',
      },
    });
    expect(ok.status, ok.text.slice(0, 400)).toBe(200);
  });
});

describe('webhook endpoint metadata', () => {
  it('refuses a __proto__ key rather than dropping it', async () => {
    const response = await api.request('POST', '/v1/webhook-endpoints', {
      rawBody: '{"url":"http://127.0.0.1:9/hook","metadata":{"__proto__":{"x":"y"},"a":"b"}}',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status, response.text.slice(0, 400)).toBe(400);
    const string = await api.request('POST', '/v1/webhook-endpoints', {
      rawBody: '{"url":"http://127.0.0.1:9/hook","metadata":{"__proto__":"y","a":"b"}}',
      headers: { 'content-type': 'application/json' },
    });
    expect(string.status, string.text.slice(0, 400)).toBe(400);
    const list = await api.request('GET', '/v1/webhook-endpoints');
    expect(list.body.data).toEqual([]);
  });

  it('keeps ordinary keys, constructor included, as given', async () => {
    const response = await api.request('POST', '/v1/webhook-endpoints', {
      body: { url: 'http://127.0.0.1:9/hook', metadata: { constructor: 'c', a: 'b' } },
    });
    expect(response.status, response.text.slice(0, 400)).toBe(201);
    expect(response.body.metadata).toEqual({ constructor: 'c', a: 'b' });
    await api.request('DELETE', `/v1/webhook-endpoints/${response.body.id}`);
  });
});

describe('time zones are IANA names', () => {
  it.each(['+05:00', '-03:30', '+0500', '+05'])('refuses the offset %s', async (zone) => {
    const create = await api.request('POST', '/v1/plans/preview', {
      body: interviewInput({ timeZone: zone }),
    });
    expectFieldError(create, 'timeZone');
    const interviewer = await api.request('POST', '/v1/plans/preview', {
      body: interviewInput({ interviewers: [{ name: 'Priya', timeZone: zone }] }),
    });
    expectFieldError(interviewer, 'interviewers.0.timeZone');
  });

  it.each(['UTC', 'Etc/GMT+5', 'Etc/UTC', 'Asia/Kolkata'])('accepts %s', async (zone) => {
    const response = await api.request('POST', '/v1/plans/preview', {
      body: interviewInput({ timeZone: zone }),
    });
    expect(response.status, response.text.slice(0, 400)).toBe(200);
  });

  it('refuses an offset in a rescheduled signal', async () => {
    const created = await api.request('POST', '/v1/interviews', {
      body: interviewInput({ externalId: 'tz-1' }),
    });
    const response = await api.request('POST', `/v1/interviews/${created.body.id}/signals`, {
      body: {
        type: 'rescheduled',
        startsAt: '2026-03-04T14:00:00Z',
        endsAt: '2026-03-04T15:00:00Z',
        timeZone: '+05:00',
      },
    });
    expectFieldError(response, 'timeZone');
  });
});

describe('limit is a plain decimal integer', () => {
  it.each(['0x10', '1e1', '%205', '05', '+5', '5.0', ' 5', '5%20', '0', '101'])(
    'refuses limit=%s on every list',
    async (limit) => {
      for (const path of ['/v1/interviews', '/v1/events', '/v1/webhook-endpoints']) {
        const response = await api.request('GET', `${path}?limit=${limit}`);
        expectFieldError(response, 'query.limit');
      }
    },
  );

  it.each(['1', '20', '100'])('accepts limit=%s', async (limit) => {
    const response = await api.request('GET', `/v1/interviews?limit=${limit}`);
    expect(response.status).toBe(200);
  });
});

describe('edges a generated client reaches', () => {
  it('refuses a line break at either end instead of trimming it away, and a blank name', async () => {
    for (const name of ['Dana\n', '\tDana', 'Dana\r']) {
      const response = await api.request('POST', '/v1/interviews', {
        body: interviewInput({ candidate: { name } }),
      });
      expectFieldError(response, 'candidate.name');
    }
    const blank = await api.request('POST', '/v1/interviews', {
      body: interviewInput({ candidate: { name: '   ' } }),
    });
    expectFieldError(blank, 'candidate.name');
    const spaced = await api.request('POST', '/v1/interviews', {
      body: interviewInput({ candidate: { name: '  Dana  ' } }),
    });
    expect(spaced.status, spaced.text).toBe(201);
    expect(spaced.body.candidate.name).toBe('Dana');
  });

  it('takes a POST with no body but a JSON Content-Type as `{}`', async () => {
    const created = await api.request('POST', '/v1/interviews', { body: interviewInput() });
    expect(created.status, created.text).toBe(201);
    const step = created.body.steps.find((s: { kind: string }) => s.kind === 'thank_you');
    const path = `/v1/interviews/${created.body.id}/steps/${step.id}/skip`;
    const skipped = await api.request('POST', path, {
      headers: { 'content-type': 'application/json' },
    });
    expect(skipped.status, skipped.text).toBe(200);
    expect(skipped.body.steps.find((s: { id: string }) => s.id === step.id)?.status).toBe(
      'skipped',
    );

    // A route that needs a body names what it misses, instead of "could not be read".
    const empty = await api.request('POST', '/v1/interviews', {
      headers: { 'content-type': 'application/json' },
    });
    expect(empty.status).toBe(400);
    expect(empty.body.code).toBe('validation_error');
  });
});
