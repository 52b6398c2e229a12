import { Agent, request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { interviewInput } from '../support/interview-fixtures';
import { type TestApi, useTestApi } from '../support/test-api';

let api: TestApi;
useTestApi((started) => {
  api = started;
});

/** Every problem document has this shape, whatever went wrong. */
// biome-ignore lint/suspicious/noExplicitAny: problem bodies are checked field by field
function expectProblem(response: { status: number; headers: Headers; body: any }, status: number) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  expect(response.body).toMatchObject({
    type: expect.stringContaining(response.body.code),
    title: expect.any(String),
    status,
    code: expect.any(String),
    requestId: expect.any(String),
  });
}

const interviewer = (i: number) => ({ name: `Person ${i}`, email: `p${i}@example.com` });

describe('invalid interviews are refused with the offending fields named', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['an unknown top-level field', { salary: 100 }, 'salary'],
    ['an unknown nested field', { candidate: { name: 'A', age: 30 } }, 'candidate.age'],
    ['a wrong type', { round: 'two' }, 'round'],
    ['a missing field', { role: undefined }, 'role'],
    ['an impossible date', { startsAt: '2026-02-30T10:00:00Z' }, 'startsAt'],
    [
      'an impossible calendar date',
      { nextSteps: { decisionExpectedBy: '2026-02-30' } },
      'nextSteps.decisionExpectedBy',
    ],
    ['an end before the start', { endsAt: '2026-03-03T13:00:00Z' }, 'endsAt'],
    [
      'a decision date before the interview',
      { nextSteps: { decisionExpectedBy: '2026-03-01' } },
      'nextSteps.decisionExpectedBy',
    ],
    ['an unknown time zone', { timeZone: 'Europe/Atlantis' }, 'timeZone'],
    [
      'an unknown interviewer time zone',
      { interviewers: [{ name: 'A', timeZone: 'Mars/Base' }] },
      'interviewers.0.timeZone',
    ],
    [
      'too many interviewers',
      { interviewers: Array.from({ length: 11 }, (_, i) => interviewer(i)) },
      'interviewers',
    ],
    ['no interviewers', { interviewers: [] }, 'interviewers'],
    ['a bad email', { candidate: { name: 'A', email: 'not-an-email' } }, 'candidate.email'],
    [
      'a non-LinkedIn profile',
      { interviewers: [{ name: 'A', linkedinUrl: 'https://evil.example/in/a' }] },
      'interviewers.0.linkedinUrl',
    ],
    [
      'a LinkedIn URN instead of a profile URL',
      { interviewers: [{ name: 'A', linkedinUrl: 'urn:li:person:1' }] },
      'interviewers.0.linkedinUrl',
    ],
    ['a lower-case t in startsAt', { startsAt: '2026-03-03t14:00:00Z' }, 'startsAt'],
    ['a lower-case z in endsAt', { endsAt: '2026-03-03T15:00:00z' }, 'endsAt'],
    ['an interview over 12 hours', { endsAt: '2026-03-04T02:00:01Z' }, 'endsAt'],
    ['an unknown policy field', { policy: { sendOnSundays: true } }, 'policy.sendOnSundays'],
    ['a bad policy duration', { policy: { thankYouDelay: 'an hour' } }, 'policy.thankYouDelay'],
    ['an unknown format', { format: 'carrier-pigeon' }, 'format'],
  ])('%s', async (_label, overrides, field) => {
    const response = await api.request('POST', '/v1/interviews', {
      body: interviewInput(overrides),
    });
    expectProblem(response, 400);
    expect(response.body.code).toBe('validation_error');
    expect(response.body.errors.map((error: { path: string }) => error.path)).toContain(field);
    for (const error of response.body.errors) {
      expect(error).toEqual({
        path: expect.any(String),
        message: expect.any(String),
        code: expect.any(String),
      });
    }
  });

  it('names a field once when several of its checks fail alike', async () => {
    // `urn:li:person:1` has neither the https scheme nor a linkedin.com host.
    const response = await api.request('POST', '/v1/interviews', {
      body: interviewInput({ interviewers: [{ name: 'A', linkedinUrl: 'urn:li:person:1' }] }),
    });
    expectProblem(response, 400);
    expect(response.body.errors).toEqual([
      {
        path: 'interviewers.0.linkedinUrl',
        message: 'Expected an https URL on linkedin.com, e.g. `https://www.linkedin.com/in/alex`',
        code: 'invalid_format',
      },
    ]);
  });

  it.each<[string, string, RegExp]>([
    ['a time without a zone', '2026-03-03T14:00:00', /no zone: add `Z` \(UTC\) or an offset/],
    ['a time without seconds or zone', '2026-03-03T14:00', /no zone: add `Z` \(UTC\) or an offset/],
    ['something else', 'next Tuesday', /Expected an ISO 8601 instant with `Z` or an offset/],
  ])('says how to fix %s', async (_label, startsAt, message) => {
    const response = await api.request('POST', '/v1/interviews', {
      body: interviewInput({ startsAt }),
    });
    expectProblem(response, 400);
    const error = response.body.errors.find((e: { path: string }) => e.path === 'startsAt');
    expect(error?.message).toMatch(message);
  });
});

describe('unreadable requests', () => {
  it.each<[string, string, Record<string, string>, string | undefined, number, string]>([
    [
      'malformed JSON',
      'POST',
      { 'content-type': 'application/json' },
      '{"candidate": ',
      400,
      'malformed_request',
    ],
    [
      // Read as `{}` (an optional body may come empty): the fields it misses are named.
      'an empty JSON body',
      'POST',
      { 'content-type': 'application/json', 'content-length': '0' },
      '',
      400,
      'validation_error',
    ],
    [
      'a JSON array',
      'POST',
      { 'content-type': 'application/json' },
      '[1,2]',
      400,
      'validation_error',
    ],
    [
      'a JSON string',
      'POST',
      { 'content-type': 'application/json' },
      '"hello"',
      400,
      'validation_error',
    ],
    [
      'form data',
      'POST',
      { 'content-type': 'application/x-www-form-urlencoded' },
      'a=b',
      415,
      'unsupported_media_type',
    ],
    ['text', 'POST', { 'content-type': 'text/plain' }, '{}', 415, 'unsupported_media_type'],
    ['no content type', 'POST', {}, '{}', 415, 'unsupported_media_type'],
  ])('%s', async (_label, method, headers, rawBody, status, code) => {
    const response = await api.request(method, '/v1/interviews', {
      headers,
      ...(rawBody === undefined ? {} : { rawBody }),
    });
    expectProblem(response, status);
    expect(response.body.code).toBe(code);
  });

  it.each([
    ['with a Content-Length', false],
    ['chunked', true],
  ])('answers 413 for a body over 256 KiB sent %s, and writes nothing', async (_label, chunked) => {
    const own = await api.createTenant();
    const body = JSON.stringify(interviewInput({ externalId: 'x'.repeat(300 * 1024) }));
    const response = await postOnFreshConnection('/v1/interviews', own.apiKey, body, chunked);
    expect(response.status).toBe(413);
    expect(response.contentType).toContain('application/problem+json');
    const list = await api.request('GET', '/v1/interviews', { apiKey: own.apiKey });
    expect(list.body.data).toEqual([]);
  });

  it.each([
    ['with a Content-Length', false],
    ['chunked', true],
  ])(
    'after a 413 for a body sent %s, the next request on a keep-alive client succeeds',
    async (_label, chunked) => {
      // One socket only: the second request goes wherever the first one's connection went.
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const body = JSON.stringify(interviewInput({ externalId: 'x'.repeat(300 * 1024) }));
        const refused = await sendWith(agent, 'POST', '/v1/interviews', body, chunked);
        expect(refused.status).toBe(413);
        // The server says the connection ends here, so the client does not reuse it.
        expect(refused.connection).toBe('close');
        const next = await sendWith(agent, 'GET', '/health');
        expect(next.status).toBe(200);
      } finally {
        agent.destroy();
      }
    },
  );
});

/** One request through `agent` (a keep-alive pool); resolves with what came back. */
function sendWith(
  agent: Agent,
  method: string,
  path: string,
  body?: string,
  chunked = false,
): Promise<{ status: number; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${api.url}${path}`, {
      method,
      agent,
      headers: {
        authorization: `Bearer ${api.apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(body === undefined || chunked
          ? {}
          : { 'content-length': String(Buffer.byteLength(body)) }),
      },
    });
    request.on('response', (response) => {
      response.resume();
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, connection: response.headers.connection }),
      );
    });
    request.on('error', (error) => (request.writableEnded ? undefined : reject(error)));
    if (body === undefined) {
      request.end();
      return;
    }
    const chunkSize = 64 * 1024;
    const writeFrom = (offset: number) => {
      if (offset >= body.length || request.destroyed) return request.end();
      request.write(body.slice(offset, offset + chunkSize), () => writeFrom(offset + chunkSize));
    };
    writeFrom(0);
  });
}

/**
 * A POST on its own connection: the server answers 413 without reading the body and then
 * closes the connection, which would break the next request on a pooled keep-alive socket.
 */
function postOnFreshConnection(
  path: string,
  apiKey: string,
  body: string,
  chunked: boolean,
): Promise<{ status: number; contentType: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${api.url}${path}`, {
      method: 'POST',
      agent: false,
      headers: {
        authorization: `Bearer ${apiKey}`,
        'content-type': 'application/json',
        ...(chunked ? {} : { 'content-length': String(Buffer.byteLength(body)) }),
      },
    });
    request.on('response', (response) => {
      response.resume();
      resolve({
        status: response.statusCode ?? 0,
        contentType: String(response.headers['content-type']),
      });
    });
    // The server may close the connection while we are still sending; that is expected.
    request.on('error', (error) => (request.writableEnded ? undefined : reject(error)));
    const chunkSize = 64 * 1024;
    const writeFrom = (offset: number) => {
      if (offset >= body.length || request.destroyed) return request.end();
      request.write(body.slice(offset, offset + chunkSize), () => writeFrom(offset + chunkSize));
    };
    writeFrom(0);
  });
}

describe('routing and auth', () => {
  const ownKey = 'own';
  it.each<[string, string, string, string | null, number]>([
    ['an unknown route', 'GET', '/v1/nothing-here', ownKey, 404],
    ['an unknown top-level route', 'GET', '/wp-admin', null, 404],
    ['an unsupported method', 'PUT', '/v1/interviews', ownKey, 405],
    ['a DELETE on the collection', 'DELETE', '/v1/interviews', ownKey, 405],
    ['no API key', 'GET', '/v1/interviews', null, 401],
    ['a wrong API key', 'GET', '/v1/interviews', 'afv_wrongwrongwrongwrongwrongwrong12', 401],
    ['a key without our prefix', 'GET', '/v1/interviews', 'sk_live_123', 401],
  ])('%s', async (_label, method, path, key, status) => {
    const response = await api.request(method, path, {
      apiKey: key === ownKey ? api.apiKey : key,
    });
    expectProblem(response, status);
    if (status === 405) expect(response.headers.get('allow')).toContain('GET');
    if (status === 401) expect(response.headers.get('www-authenticate')).toContain('Bearer');
  });

  it('never answers 500 with details for a bad id', async () => {
    const response = await api.request('GET', `/v1/interviews/${'x'.repeat(500)}`);
    expectProblem(response, 400);
  });
});
