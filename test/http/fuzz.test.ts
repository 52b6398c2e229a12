import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTimeZone } from '../../shared/domain/model';
import { interviewInput } from '../support/interview-fixtures';
import { startTestApi, type TestApi } from '../support/test-api';

let api: TestApi;
/** A tenant that must never get an interview. */
let empty: { tenantId: string; apiKey: string };
/** An interview the update routes are aimed at; it must stay at version 1. */
let target: { id: string; stepId: string };

beforeAll(async () => {
  api = await startTestApi();
  empty = await api.createTenant('Fuzz (empty)');
  const created = await api.request('POST', '/v1/interviews', { body: interviewInput() });
  target = { id: created.body.id, stepId: created.body.steps[0].id };
});
afterAll(async () => {
  await api?.close();
});

/** Any JSON value; objects get a key no schema accepts, so none can be valid by chance. */
const garbageJson = fc
  .jsonValue()
  .map((value) =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? { ...value, 'zz-not-a-field': true }
      : value,
  );

/**
 * A valid interview with one field broken in a way no schema accepts. Added keys never carry
 * `null`: in a merge patch that means "remove", which is valid (fast-check found this).
 */
const brokenInterview = fc.oneof(
  fc
    .record({
      at: fc.constantFrom('candidate', 'role', 'interviewers.0', 'nextSteps', ''),
      key: fc.string({ minLength: 1, maxLength: 20 }),
      value: fc.jsonValue().filter((value) => value !== null),
    })
    .map(({ at, key, value }) => {
      const input = structuredClone(interviewInput()) as Record<string, unknown>;
      const holder = at
        .split('.')
        .filter(Boolean)
        .reduce<Record<string, unknown>>(
          (node, part) => node[part] as Record<string, unknown>,
          input,
        );
      holder[`x-${key}`] = value;
      return input;
    }),
  fc
    .string({ maxLength: 40 })
    .filter((text) => !isTimeZone(text))
    .map((timeZone) => interviewInput({ timeZone })),
  fc
    .string({ maxLength: 40 })
    .filter((text) => !/^\d{4}-\d{2}-\d{2}T/.test(text))
    .map((startsAt) => interviewInput({ startsAt })),
  fc
    .integer()
    .filter((n) => n < 1 || n > 20)
    .map((round) => interviewInput({ round })),
);

// Not empty: a POST with no body reads as `{}`, which an optional-body action accepts.
const rawGarbage = fc.string({ minLength: 1, maxLength: 200 }).filter((text) => {
  try {
    JSON.parse(text);
    return false;
  } catch {
    return true;
  }
});

type Body = { json: unknown } | { raw: string; contentType?: string };

const anyBody: fc.Arbitrary<Body> = fc.oneof(
  garbageJson.map((json) => ({ json })),
  brokenInterview.map((json) => ({ json })),
  rawGarbage.map((raw) => ({ raw })),
  fc
    .tuple(fc.jsonValue(), fc.constantFrom('text/plain', 'application/xml', 'multipart/form-data'))
    .map(([json, contentType]) => ({ raw: JSON.stringify(json) ?? 'null', contentType })),
);

async function send(method: string, path: string, body: Body, apiKey: string) {
  const headers: Record<string, string> = {
    'content-type':
      'contentType' in body && body.contentType ? body.contentType : 'application/json',
  };
  const rawBody = 'json' in body ? JSON.stringify(body.json) : body.raw;
  return api.request(method, path, { apiKey, headers, rawBody });
}

// biome-ignore lint/suspicious/noExplicitAny: problem bodies are checked field by field
function assertProblem(response: { status: number; headers: Headers; body: any; text: string }) {
  expect(response.status, response.text).toBeGreaterThanOrEqual(400);
  expect(response.status, response.text).toBeLessThan(500);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  expect(response.body.status).toBe(response.status);
  expect(typeof response.body.title).toBe('string');
}

describe('generated garbage on every write route', () => {
  const routes: Array<[string, () => string, 'empty' | 'target']> = [
    ['POST', () => '/v1/interviews', 'empty'],
    ['POST', () => '/v1/plans/preview', 'empty'],
    ['PUT', () => '/v1/policy', 'empty'],
    ['POST', () => '/v1/drafts/check', 'empty'],
    ['PATCH', () => `/v1/interviews/${target.id}`, 'target'],
    ['POST', () => `/v1/interviews/${target.id}/signals`, 'target'],
    ['POST', () => `/v1/interviews/${target.id}/steps/${target.stepId}/complete`, 'target'],
    ['POST', () => `/v1/interviews/${target.id}/steps/${target.stepId}/skip`, 'target'],
    ['POST', () => `/v1/interviews/${target.id}/steps/${target.stepId}/snooze`, 'target'],
  ];

  it.each(routes)(
    '%s %s answers only 4xx problems and writes nothing',
    async (method, path, who) => {
      const apiKey = who === 'empty' ? empty.apiKey : api.apiKey;
      await fc.assert(
        fc.asyncProperty(anyBody, async (body) => {
          assertProblem(await send(method, path(), body, apiKey));
        }),
        { numRuns: 60 },
      );
      const list = await api.request('GET', '/v1/interviews', { apiKey: empty.apiKey });
      expect(list.body.data).toEqual([]);
      const policy = await api.request('GET', '/v1/policy', { apiKey: empty.apiKey });
      expect(policy.body.overrides).toEqual({});
      const stored = await api.store.getInterview(api.tenantId, target.id);
      expect(stored?.version).toBe(1);
    },
  );
});
