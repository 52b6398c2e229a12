/**
 * Hostile input against every documented route: generated bodies (unknown and prototype keys,
 * wrong types, huge strings and arrays, deep nesting, invalid UTF-8, NaN/Infinity-like values,
 * endless numbers), header abuse, wrong content types, path and query abuse. Every answer must
 * be a 4xx problem document, never a 5xx, and nothing may change: the tenant's interviews,
 * endpoints, events, policy and the sandbox clock are compared before and after, and no
 * prototype was polluted.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime';
import type { ErrorRecordingLogger } from '../support/loggers';
import {
  ApiClient,
  type ApiResponse,
  buildTenantWorld,
  interviewInput,
  type Json,
  type SpecOperation,
  specOperations,
  startRuntime,
  type TenantWorld,
} from './support';

let runtime: LocalRuntime;
let logger: ErrorRecordingLogger;
let api: ApiClient;
let world: TenantWorld;
let before: Json;
const prototypeKeysBefore = Object.getOwnPropertyNames(Object.prototype).sort();

async function snapshot(): Promise<Json> {
  return {
    interviews: await api.listAll('/v1/interviews'),
    endpoints: await api.listAll('/v1/webhook-endpoints'),
    events: await api.listAll('/v1/events'),
    deliveries: await api.listAll(`/v1/webhook-endpoints/${world.endpointId}/deliveries`),
    policy: (await api.get('/v1/policy')).body,
    // The sandbox clock runs with real time; only its offset shows whether anyone moved it.
    clockOffsetMs: runtime.clock.offsetMs,
    interview: await runtime.store.getInterview(runtime.tenantId, world.interviewId),
    endpoint: await runtime.store.getEndpoint(runtime.tenantId, world.endpointId),
    received: world.receiver.received.length,
  };
}

beforeAll(async () => {
  ({ runtime, logger } = await startRuntime());
  api = new ApiClient(runtime.url, runtime.apiKey);
  world = await buildTenantWorld(api, 'hostile');
  // Let the API events the world queued go out, so the snapshot cannot move on its own.
  await api.post('/v1/sandbox/clock', { advanceBy: 'PT1M' });
  before = await snapshot();
});
afterAll(async () => {
  await world?.receiver.close();
  await runtime?.close();
});

const operations = specOperations();
const bodyOperations = operations.filter((op) => op.hasBody);

function concrete(template: string, ids: { id?: string; stepId?: string } = {}): string {
  const id =
    ids.id ??
    (template.startsWith('/v1/interviews')
      ? world.interviewId
      : template.startsWith('/v1/webhook-endpoints')
        ? world.endpointId
        : world.eventId);
  return template.replace('{id}', id).replace('{stepId}', ids.stepId ?? world.stepId);
}

/** A valid body for each write: the hostile change is then the only reason to refuse it. */
function validBody(op: SpecOperation): Record<string, unknown> {
  const now = runtime.clock.now().toString();
  const key = `${op.method} ${op.path}`;
  const bodies: Record<string, Record<string, unknown>> = {
    'POST /v1/interviews': interviewInput(now),
    'POST /v1/plans/preview': interviewInput(now),
    'PATCH /v1/interviews/{id}': { role: { title: 'Changed' } },
    'POST /v1/interviews/{id}/signals': { type: 'employer_replied', note: 'Soon.' },
    'POST /v1/interviews/{id}/steps/{stepId}/snooze': { by: 'P1D' },
    'PUT /v1/policy': { maxCheckIns: 2, holidayCountry: 'US' },
    'POST /v1/drafts/check': { text: 'Thank you, Priya.', context: { kind: 'thank_you' } },
    'POST /v1/sandbox/tenants': { name: 'Hostile' },
    'POST /v1/sandbox/clock': { advanceBy: 'PT1M' },
    'POST /v1/webhook-endpoints': { url: 'http://127.0.0.1:9/hook' },
    'PATCH /v1/webhook-endpoints/{id}': { description: 'Changed' },
    'POST /v1/webhook-endpoints/{id}/recover': { since: '2020-01-01T00:00:00Z' },
    'POST /v1/events/{id}/redeliver': { endpointId: world.endpointId },
  };
  return structuredClone(bodies[key] ?? {});
}

function expectProblem(response: ApiResponse, label: string): void {
  expect(
    response.status,
    `${label} → ${response.status} ${response.text.slice(0, 300)}`,
  ).toBeGreaterThanOrEqual(400);
  expect(response.status, `${label} → ${response.text.slice(0, 300)}`).toBeLessThan(500);
  expect(response.headers['content-type'], label).toContain('application/problem+json');
  expect(typeof response.body.type, label).toBe('string');
  expect(typeof response.body.title, label).toBe('string');
  expect(response.body.status, label).toBe(response.status);
}

// ---- generated bodies --------------------------------------------------------------------------

/** Sets an own property, so `__proto__` becomes a JSON key instead of a prototype change. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

function nested(depth: number, kind: 'object' | 'array'): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = kind === 'object' ? { a: value } : [value];
  return value;
}

/** Every object inside `body` (the body itself included), with the path to it. */
function objectsIn(body: unknown, path: string[] = []): Array<Record<string, unknown>> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return [];
  const found = [body as Record<string, unknown>];
  for (const [key, value] of Object.entries(body)) found.push(...objectsIn(value, [...path, key]));
  return found;
}

const hostileKey = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'polluted',
    'toString',
    'hasOwnProperty',
  ),
  fc.string({ minLength: 1, maxLength: 12 }).map((text) => `zz-${text}`),
);

/** A value of a type no field of ours accepts in place of `original`. */
function wrongTypeFor(original: unknown): fc.Arbitrary<unknown> {
  const numberLike = fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e309', '0x10', '-0', '١٢');
  if (typeof original === 'number')
    return fc.oneof(numberLike, fc.boolean(), fc.constant([]), fc.constant({}));
  if (typeof original === 'string') {
    return fc.oneof(
      fc.double(),
      fc.integer(),
      fc.boolean(),
      fc.constant([original]),
      fc.constant({}),
    );
  }
  if (Array.isArray(original))
    return fc.oneof(fc.string(), fc.integer(), fc.constant({ 0: original[0] }));
  if (typeof original === 'object' && original !== null) {
    return fc.oneof(fc.string(), fc.integer(), fc.constant([original]), fc.boolean());
  }
  return fc.oneof(fc.string(), fc.integer(), fc.constant([]));
}

/** A hostile version of `base`: exactly one change that no schema of ours accepts. */
function hostileBody(base: Record<string, unknown>): fc.Arbitrary<unknown> {
  const targets = objectsIn(base);
  const target = fc.nat({ max: targets.length - 1 }).map((i) => i);
  return fc.oneof(
    // Unknown or prototype-polluting key, anywhere.
    fc
      .tuple(target, hostileKey, fc.oneof(fc.jsonValue(), fc.constant({ polluted: 'yes' })))
      .map(([i, key, value]) => {
        const body = structuredClone(base);
        const holder = objectsIn(body)[i] as Record<string, unknown>;
        setOwn(holder, key, value === null ? { polluted: 'yes' } : value);
        return body;
      }),
    // An existing field with the wrong type.
    fc.tuple(target, fc.nat(), fc.nat()).chain(([i, k, seed]) => {
      const body = structuredClone(base);
      const holder = objectsIn(body)[i] as Record<string, unknown>;
      const keys = Object.keys(holder);
      if (keys.length === 0) return fc.constant({ ...body, 'zz-empty': seed } as unknown);
      const key = keys[k % keys.length] as string;
      return wrongTypeFor(holder[key]).map((value) => {
        const copy = structuredClone(body);
        (objectsIn(copy)[i] as Record<string, unknown>)[key] = value;
        return copy as unknown;
      });
    }),
    // Huge strings, huge arrays and deep nesting in place of a field (or under a new key).
    fc
      .tuple(
        target,
        fc.nat(),
        fc.constantFrom<unknown>(
          'x'.repeat(100_000),
          'ü'.repeat(60_000),
          '\u202e\u0000\ud800'.repeat(10_000),
          Array.from({ length: 20_000 }, (_, i) => i),
          Array.from({ length: 5_000 }, () => 'row'),
          nested(1_000, 'object'),
          nested(1_000, 'array'),
        ),
      )
      .map(([i, k, value]) => {
        const body = structuredClone(base);
        const holder = objectsIn(body)[i] as Record<string, unknown>;
        const keys = Object.keys(holder);
        const key = keys.length === 0 ? 'zz-big' : (keys[k % keys.length] as string);
        holder[key] = value;
        return body;
      }),
    // Not an object at all.
    fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.integer(),
      fc.constant([base]),
      fc.constant(null),
      fc.boolean(),
    ),
  );
}

/** Raw bodies that are not valid JSON text of a valid request. */
function rawHostileBodies(base: Record<string, unknown>): Array<[string, Buffer]> {
  const text = JSON.stringify(base);
  // The first string value, so invalid bytes land inside a field the schema would accept.
  const firstString = text.match(/:"([^"\\]*)"/);
  const at = firstString ? text.indexOf(firstString[0]) + 2 : 1;
  const splice = (bytes: number[]) =>
    Buffer.concat([
      Buffer.from(text.slice(0, at)),
      Buffer.from(bytes),
      Buffer.from(text.slice(at)),
    ]);
  const replaced = text.replace(/:("[^"\\]*"|-?\d+(\.\d+)?)/, ':@@');
  // A body with no fields gets the value as its only element, still a hostile document.
  const firstNumberOrString = replaced.includes('@@') ? replaced : '[@@]';
  const cases: Array<[string, Buffer]> = [
    ['invalid UTF-8 (0xFF 0xFE) inside a string', splice([0xff, 0xfe])],
    ['overlong UTF-8 encoding of "/"', splice([0xc0, 0xaf])],
    ['UTF-8 encoded lone surrogate', splice([0xed, 0xa0, 0x80])],
    ['truncated UTF-8 sequence', splice([0xe2, 0x82])],
    ['NaN literal', Buffer.from(firstNumberOrString.replace('@@', 'NaN'))],
    ['Infinity literal', Buffer.from(firstNumberOrString.replace('@@', '-Infinity'))],
    ['a 5,000-digit number', Buffer.from(firstNumberOrString.replace('@@', '9'.repeat(5_000)))],
    ['1e99999', Buffer.from(firstNumberOrString.replace('@@', '1e99999'))],
    ['trailing garbage', Buffer.from(`${text}}}`)],
    ['two documents', Buffer.from(`${text}${text}`)],
    ['single quotes', Buffer.from(text.replaceAll('"', "'"))],
    ['a comment', Buffer.from(`/* hi */${text}`)],
    ['UTF-16LE encoded', Buffer.from(text, 'utf16le')],
    ['NUL bytes only', Buffer.alloc(64)],
    ['nesting 100,000 deep', Buffer.from(`${'['.repeat(100_000)}${']'.repeat(100_000)}`)],
    [
      'a field nested 40,000 objects deep',
      Buffer.from(
        firstNumberOrString.replace('@@', `${'{"a":'.repeat(40_000)}1${'}'.repeat(40_000)}`),
      ),
    ],
    [
      'a field nested 100,000 arrays deep',
      Buffer.from(
        firstNumberOrString.replace('@@', `${'['.repeat(100_000)}${']'.repeat(100_000)}`),
      ),
    ],
  ];
  // Quoting tricks do nothing to a body without strings; such a case would be a valid request.
  return cases.filter(([, raw]) => raw.toString('latin1') !== text);
}

describe('generated bodies on every route that takes one', () => {
  it.each(bodyOperations.map((op) => [op.method, op.path, op] as const))(
    '%s %s answers only 4xx problems',
    async (method, template, op) => {
      const base = validBody(op);
      await fc.assert(
        // Bodies travel as text, so a failure report never has to print a deep structure.
        fc.asyncProperty(
          hostileBody(base).map((body) => JSON.stringify(body) ?? 'null'),
          async (body) => {
            const response = await api.call({
              method,
              path: concrete(template),
              raw: body,
              headers: { 'content-type': 'application/json' },
            });
            expectProblem(response, `${method} ${template} ${body.slice(0, 160)}`);
          },
        ),
        { numRuns: 25, seed: 20260302 + template.length },
      );
      for (const [label, raw] of rawHostileBodies(base)) {
        const response = await api.call({
          method,
          path: concrete(template),
          raw,
          headers: { 'content-type': 'application/json' },
        });
        expectProblem(response, `${method} ${template} ${label}`);
      }
    },
  );
});

// ---- headers -------------------------------------------------------------------------------

type HeaderCase = [label: string, headers: string[], appliesTo: (op: SpecOperation) => boolean];

const secured = (op: SpecOperation) => op.secured;
const withBody = (op: SpecOperation) => op.hasBody;
const securedPost = (op: SpecOperation) => op.secured && op.method === 'POST';
const isPatch = (op: SpecOperation) => op.method === 'PATCH';

function headerCases(): HeaderCase[] {
  const key = runtime.apiKey;
  return [
    ['no Authorization', [], secured],
    ['Basic credentials', ['authorization', 'Basic dXNlcjpwYXNz'], secured],
    ['a 12 KB bearer token', ['authorization', `Bearer ${'A'.repeat(12_000)}`], secured],
    ['a valid key plus junk', ['authorization', `Bearer ${key} extra`], secured],
    [
      'two Authorization headers, the first bad',
      ['authorization', 'Bearer afv_wrong', 'authorization', `Bearer ${key}`],
      secured,
    ],
    ['Latin-1 bytes in the key', ['authorization', 'Bearer afv_\u00e9\u00ff\u00fe'], secured],
    [
      'the key of no tenant',
      ['authorization', 'Bearer afv_000000000000000000000000000000000'],
      secured,
    ],
    ['a 12 KB cookie and no key', ['cookie', `session=${'c'.repeat(12_000)}`], secured],
    ['no Content-Type', ['content-type', ''], withBody],
    ['text/plain', ['content-type', 'text/plain'], withBody],
    ['form encoded', ['content-type', 'application/x-www-form-urlencoded'], withBody],
    ['multipart', ['content-type', 'multipart/form-data; boundary=xyz'], withBody],
    ['application/jsonx', ['content-type', 'application/jsonx'], withBody],
    ['a list of types', ['content-type', 'application/json, text/plain'], withBody],
    [
      'a 12 KB Content-Type',
      ['content-type', `application/json; ${'p=1; '.repeat(2_000)}`.slice(0, 12_000)],
      withBody,
    ],
    ['an empty Idempotency-Key', ['idempotency-key', ''], securedPost],
    ['a 300-character Idempotency-Key', ['idempotency-key', 'k'.repeat(300)], securedPost],
    ['If-Match garbage', ['if-match', 'garbage'], isPatch],
    ['If-Match not a number', ['if-match', '"abc"'], isPatch],
    ['If-Match unterminated', ['if-match', '"1'], isPatch],
    ['If-Match with 16 digits', ['if-match', '"9999999999999999"'], isPatch],
    ['If-Match of a version that never was', ['if-match', '"0"'], isPatch],
    ['If-Match of 5,000 characters', ['if-match', `"${'9'.repeat(5_000)}"`], isPatch],
  ];
}

describe('header abuse on every route', () => {
  it('each case on each route it applies to answers a 4xx problem', async () => {
    let checked = 0;
    for (const op of operations) {
      for (const [label, headers, applies] of headerCases()) {
        if (!applies(op)) continue;
        const names = headers.filter((_, i) => i % 2 === 0);
        const emptyType =
          names.includes('content-type') && headers[headers.indexOf('content-type') + 1] === '';
        const sentHeaders = emptyType ? [] : [...headers];
        const body = JSON.stringify(validBody(op));
        if (op.hasBody && !names.includes('content-type'))
          sentHeaders.push('content-type', 'application/json');
        const usesAuth =
          names.includes('authorization') ||
          label === 'no Authorization' ||
          label.includes('no key');
        const response = await api.call({
          method: op.method,
          path: concrete(op.path),
          headers: sentHeaders,
          ...(op.hasBody || op.method === 'POST' ? { raw: body } : {}),
          ...(usesAuth ? { apiKey: null } : {}),
        });
        expectProblem(response, `${op.method} ${op.path} with ${label}`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(150);
  });

  it('a header block beyond what the server reads is refused with a 4xx', async () => {
    const response = await api.call({
      method: 'GET',
      path: '/v1/interviews',
      headers: { 'x-filler': 'f'.repeat(20_000) },
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
  });
});

// ---- paths and queries -----------------------------------------------------------------------

const abusedIds: Array<[string, string]> = [
  ['an encoded slash', 'int_a%2Fb'],
  ['encoded dot segments', '..%2F..%2Fpolicy'],
  ['a double-encoded slash', 'int_%252F'],
  ['5,000 characters', `int_${'x'.repeat(5_000)}`],
  ['unicode', encodeURIComponent('int_ü✓😀')],
  ['an encoded NUL', 'int_%00'],
  ['invalid percent-encoded UTF-8', 'int_%FF%FE'],
  ['a truncated escape', 'int_%E0%A4%A'],
  ['a bare percent', 'int_%'],
  ['__proto__', '__proto__'],
  ['constructor', 'constructor'],
  ['an encoded space', '%20'],
];

describe('path abuse on every route with ids', () => {
  const idOperations = operations.filter((op) => op.path.includes('{id}'));
  it.each(abusedIds)('an id with %s answers a 4xx problem everywhere', async (_label, id) => {
    for (const op of idOperations) {
      for (const ids of [{ id }, ...(op.path.includes('{stepId}') ? [{ stepId: id }] : [])]) {
        const response = await api.call({
          method: op.method,
          path: concrete(op.path, ids),
          ...(op.hasBody ? { json: validBody(op) } : {}),
        });
        expectProblem(response, `${op.method} ${concrete(op.path, ids).slice(0, 120)}`);
      }
    }
  });
});

describe('query abuse on every list', () => {
  // A list is a GET taking `limit` (a GET of one resource documents 400 too, for a long id).
  const lists = operations.filter(
    (op) =>
      op.method === 'GET' &&
      ((op.operation.parameters ?? []) as { name?: string }[]).some((p) => p.name === 'limit'),
  );
  const queries = [
    'limit=abc',
    'limit=0',
    'limit=-1',
    'limit=101',
    'limit=1.5',
    'limit=NaN',
    'limit=Infinity',
    'limit=1e309',
    `limit=${'9'.repeat(400)}`,
    'limit=',
    'limit=0x10',
    'limit=1e1',
    'limit=%205',
    'limit=05',
    'cursor=garbage',
    'cursor=%FF%FE',
    `cursor=${'x'.repeat(5_000)}`,
    'unknown=1',
    '__proto__=1',
    'constructor[prototype][polluted]=1',
  ];
  it.each(queries)('?%s answers a 4xx problem on every list', async (query) => {
    expect(lists.length).toBeGreaterThanOrEqual(4);
    for (const op of lists) {
      const response = await api.get(`${concrete(op.path)}?${query}`);
      expectProblem(response, `${op.path}?${query.slice(0, 60)}`);
    }
  });
});

// ---- values of the right type the service cannot use ------------------------------------------

describe('well-typed values out of bounds', () => {
  /** A valid body for `op` with `change` applied: one field out of bounds, the rest valid. */
  function withChange(key: string, change: (body: Record<string, unknown>) => void) {
    const op = bodyOperations.find((candidate) => `${candidate.method} ${candidate.path}` === key);
    if (!op) throw new Error(`No operation ${key}`);
    const body = validBody(op);
    change(body);
    return { op, body };
  }
  const cases: Array<
    [label: string, key: string, change: (body: Record<string, unknown>) => void]
  > = [
    ['an endless moveOnAfter', 'PUT /v1/policy', (b) => (b.moveOnAfter = 'P99999999999D')],
    ['a negative thankYouDelay', 'PUT /v1/policy', (b) => (b.thankYouDelay = '-P1D')],
    ['a zero checkInCadence', 'PUT /v1/policy', (b) => (b.checkInCadence = 'P0D')],
    [
      'an endless per-interview moveOnAfter',
      'POST /v1/interviews',
      (b) => (b.policy = { moveOnAfter: 'P99999999999D' }),
    ],
    [
      'an endless per-interview checkInCadence',
      'POST /v1/plans/preview',
      (b) => (b.policy = { checkInCadence: 'P99999999999D' }),
    ],
    ['an endless advance', 'POST /v1/sandbox/clock', (b) => (b.advanceBy = 'P99999999999D')],
    [
      'a header in a role title',
      'POST /v1/interviews',
      (b) => (b.role = { title: 'BE\r\nBcc: evil@example.com', company: 'Northwind' }),
    ],
    [
      'NUL in a candidate name',
      'POST /v1/interviews',
      (b) => (b.candidate = { name: 'Dana\u0000' }),
    ],
    ['a bidi override in an externalId', 'POST /v1/interviews', (b) => (b.externalId = 'a\u202eb')],
    [
      'a lone surrogate in a title',
      'PATCH /v1/interviews/{id}',
      (b) => (b.role = { title: '\ud800' }),
    ],
    ['an offset as time zone', 'POST /v1/interviews', (b) => (b.timeZone = '+05:00')],
    ['NUL in a note', 'POST /v1/interviews/{id}/signals', (b) => (b.note = 'x\u0000')],
    [
      'a line break in an endpoint description',
      'PATCH /v1/webhook-endpoints/{id}',
      (b) => (b.description = 'a\r\nb'),
    ],
  ];

  it.each(cases)('%s is a 4xx problem and writes nothing', async (label, key, change) => {
    const { op, body } = withChange(key, change);
    const response = await api.call({ method: op.method, path: concrete(op.path), json: body });
    expectProblem(response, `${key} with ${label}`);
    expect(response.status, label).toBe(400);
  });

  it('a __proto__ metadata key is a 400, not silently dropped', async () => {
    const response = await api.call({
      method: 'POST',
      path: '/v1/webhook-endpoints',
      raw: '{"url":"http://127.0.0.1:9/hook","metadata":{"__proto__":{"x":"y"},"a":"b"}}',
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(response, 'metadata with __proto__');
    expect(response.status).toBe(400);
  });
});

describe('afterwards', () => {
  it('nothing changed, no prototype was polluted and no request failed on our side', async () => {
    expect(await snapshot()).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeysBefore);
    expect(logger.errors.filter((entry) => entry.message.includes('Unhandled'))).toEqual([]);
  });
});
