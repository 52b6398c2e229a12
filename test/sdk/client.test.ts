/**
 * The SDK's own behaviour against a real HTTP server that answers per a script: retries with
 * backoff on 429, 5xx and 409s with Retry-After, honouring Retry-After (up to 30 s), never on
 * other 4xx, one Idempotency-Key per call kept across retries, no repeat after a 5xx of what a
 * repeat could do twice or misreport, per-call options, and webhook verification (tolerance,
 * several secrets). Waits go through an injected sleep that records them, so nothing depends on
 * wall time.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  Afterview,
  AfterviewApiError,
  type InterviewInput,
  verifyWebhook,
  WebhookVerificationError,
} from '../../sdk/src/index';

type DraftCheck = Parameters<Afterview['drafts']['check']>[0];

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}
type Answer = { status: number; headers?: Record<string, string>; body?: unknown };

let script: Answer[] = [];
const seen: Seen[] = [];
let baseUrl = '';
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    const answer = script.shift() ?? {
      status: 200,
      body: { status: 'ok', time: '2026-03-02T09:00:00Z' },
    };
    const json = answer.status >= 400 ? 'application/problem+json' : 'application/json';
    res.writeHead(answer.status, { 'content-type': json, ...answer.headers });
    res.end(JSON.stringify(answer.body ?? {}));
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  script = [];
  seen.length = 0;
});

const unavailable = () => ({ status: 503, body: problem(503, 'internal_error') });

const problem = (status: number, code: string) => ({
  type: `https://afterview.dev/problems/${code}`,
  title: code,
  status,
  code,
  requestId: `req-${status}`,
});

function client(maxRetries = 2) {
  const waits: number[] = [];
  const afterview = new Afterview({
    apiKey: 'afv_test',
    baseUrl,
    maxRetries,
    sleep: async (ms) => {
      waits.push(ms);
    },
  });
  return { afterview, waits };
}

describe('retries', () => {
  it('retries 429 and 503, waiting at least Retry-After, then succeeds', async () => {
    script = [
      { status: 429, headers: { 'retry-after': '7' }, body: problem(429, 'rate_limited') },
      { status: 503, body: problem(503, 'internal_error') },
    ];
    const { afterview, waits } = client();
    await expect(afterview.health()).resolves.toMatchObject({ status: 'ok' });
    expect(seen).toHaveLength(3);
    expect(waits[0]).toBeGreaterThanOrEqual(7000);
    expect(waits).toHaveLength(2);
  });

  it('waits what Retry-After asks only up to 30 s', async () => {
    script = [
      { status: 429, headers: { 'retry-after': '120' }, body: problem(429, 'rate_limited') },
    ];
    const { afterview, waits } = client();
    await afterview.health();
    expect(waits).toEqual([30_000]);
  });

  it('gives up after maxRetries with the last problem as a typed error', async () => {
    script = [0, 1, 2].map(() => ({ status: 502, body: problem(502, 'internal_error') }));
    const { afterview } = client(2);
    const error = await afterview.health().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AfterviewApiError);
    expect(error).toMatchObject({ status: 502, code: 'internal_error', requestId: 'req-502' });
    expect(seen).toHaveLength(3);
  });

  it('does not retry a 4xx other than 429', async () => {
    script = [{ status: 409, body: problem(409, 'conflict') }];
    const { afterview, waits } = client();
    await expect(afterview.interviews.completeStep('int_1', 'stp_1')).rejects.toMatchObject({
      code: 'conflict',
    });
    expect(seen).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('retries a 409 that carries Retry-After (nothing was done), also a conditional PATCH', async () => {
    script = [
      { status: 409, headers: { 'retry-after': '1' }, body: problem(409, 'resource_busy') },
      {
        status: 409,
        headers: { 'retry-after': '1' },
        body: problem(409, 'idempotency_key_in_use'),
      },
    ];
    const { afterview, waits } = client();
    await afterview.interviews.update('int_1', { round: 2 }, { ifMatch: 3 });
    expect(seen.map((request) => request.headers['if-match'])).toEqual(['"3"', '"3"', '"3"']);
    expect(waits).toHaveLength(2);
    for (const wait of waits) expect(wait).toBeGreaterThanOrEqual(1000);
  });

  it('sends one generated Idempotency-Key per POST and keeps it across retries', async () => {
    script = [{ status: 500, body: problem(500, 'internal_error') }];
    const { afterview } = client();
    await afterview.interviews.skipStep('int_1', 'stp_1');
    await afterview.interviews.skipStep('int_1', 'stp_1');
    const keys = seen.map((request) => request.headers['idempotency-key']);
    expect(keys).toHaveLength(3);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[0]);
  });

  it('uses the caller’s Idempotency-Key, and sends none on GET', async () => {
    const { afterview } = client();
    await afterview.interviews.skipStep('int_1', 'stp_1', { idempotencyKey: 'mine-1' });
    await afterview.health();
    expect(seen.map((request) => request.headers['idempotency-key'])).toEqual([
      'mine-1',
      undefined,
    ]);
    expect(seen[0]?.headers.authorization).toBe('Bearer afv_test');
  });
});

describe('verifyWebhook', () => {
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const other = 'whsec_dGVzdC1zZWNyZXQtZm9yLXJvdGF0aW9uLTEyMzQ=';
  const body = JSON.stringify({
    id: 'evt_1',
    type: 'webhook.test',
    timestamp: '2026-03-02T09:00:00Z',
    data: { endpointId: 'whe_1', message: 'hello' },
  });
  const sentAt = 1_772_442_000; // 2026-03-02T09:00:00Z
  const headers = (signingSecret: string, at = sentAt) => ({
    'webhook-id': 'evt_1',
    'webhook-timestamp': String(at),
    'webhook-signature': new Webhook(signingSecret).sign('evt_1', new Date(at * 1000), body),
  });
  const now = () => (sentAt + 60) * 1000;

  it('returns the typed event for a good signature', () => {
    const event = verifyWebhook(body, headers(secret), secret, { now });
    expect(event.type === 'webhook.test' && event.data.endpointId).toBe('whe_1');
  });

  it('accepts any of several secrets (rotation) and refuses a stranger', () => {
    expect(verifyWebhook(body, headers(secret), [other, secret], { now }).id).toBe('evt_1');
    expect(() => verifyWebhook(body, headers(secret), [other], { now })).toThrow(
      WebhookVerificationError,
    );
  });

  it('refuses a tampered body', () => {
    expect(() =>
      verifyWebhook(body.replace('hello', 'hullo'), headers(secret), secret, { now }),
    ).toThrow(WebhookVerificationError);
  });

  it('applies the timestamp tolerance, which can be widened', () => {
    const old = headers(secret, sentAt - 600);
    expect(() => verifyWebhook(body, old, secret, { now })).toThrow(/tolerance/);
    expect(verifyWebhook(body, old, secret, { now, toleranceSeconds: 900 }).id).toBe('evt_1');
  });

  it('reads fetch Headers and a Uint8Array body', () => {
    const event = verifyWebhook(
      new TextEncoder().encode(body),
      new Headers(headers(secret)),
      secret,
      {
        now,
      },
    );
    expect(event.id).toBe('evt_1');
  });
});

describe('after an attempt whose outcome is unknown (a 5xx)', () => {
  it.each([
    ['advanceClock({ advanceBy })', (a: Afterview) => a.sandbox.advanceClock({ advanceBy: 'P1D' })],
    [
      'advanceClock({ to })',
      (a: Afterview) => a.sandbox.advanceClock({ to: '2026-03-03T09:00:00Z' }),
    ],
    ['createTenant', (a: Afterview) => a.sandbox.createTenant('second')],
  ] as const)(
    'does not repeat %s, which ignores Idempotency-Key; the 5xx is thrown',
    async (_, call) => {
      script = [unavailable()];
      const { afterview, waits } = client();
      await expect(call(afterview)).rejects.toMatchObject({ status: 503 });
      expect(seen).toHaveLength(1);
      expect(waits).toEqual([]);
    },
  );

  it('still repeats a sandbox POST after a 429, which refused it before any work', async () => {
    script = [{ status: 429, body: problem(429, 'rate_limited') }];
    const { afterview } = client();
    await afterview.sandbox.createTenant('after a 429');
    expect(seen).toHaveLength(2);
  });

  it('does not repeat a conditional PATCH (a repeat would answer 412); repeats a plain one', async () => {
    script = [unavailable()];
    const { afterview } = client();
    const conditional = afterview.interviews.update('int_1', { round: 2 }, { ifMatch: 3 });
    await expect(conditional).rejects.toMatchObject({ status: 503 });
    expect(seen.map((request) => request.headers['if-match'])).toEqual(['"3"']);
    seen.length = 0;
    script = [unavailable()];
    await afterview.webhookEndpoints.update('whe_1', { description: 'x' });
    expect(seen.map((request) => request.method)).toEqual(['PATCH', 'PATCH']);
  });

  it('resolves a DELETE whose repeat answers 404: the earlier attempt deleted', async () => {
    script = [unavailable(), { status: 404, body: problem(404, 'not_found') }];
    const { afterview } = client();
    await expect(afterview.webhookEndpoints.delete('whe_1')).resolves.toBeUndefined();
    expect(seen).toHaveLength(2);
  });

  it('still rejects a DELETE whose first answer is 404', async () => {
    script = [{ status: 404, body: problem(404, 'not_found') }];
    const { afterview } = client();
    await expect(afterview.webhookEndpoints.delete('whe_1')).rejects.toMatchObject({
      status: 404,
    });
  });
});

describe('per-call options', () => {
  const emptyPage = { status: 200, body: { data: [] } };

  it.each([
    [
      'webhookEndpoints.test',
      (a: Afterview) => a.webhookEndpoints.test('whe_1', { idempotencyKey: 'k' }),
    ],
    [
      'events.redeliver',
      (a: Afterview) => a.events.redeliver('evt_1', {}, { idempotencyKey: 'k' }),
    ],
    [
      'plans.preview',
      (a: Afterview) => a.plans.preview({} as InterviewInput, { idempotencyKey: 'k' }),
    ],
    ['drafts.check', (a: Afterview) => a.drafts.check({} as DraftCheck, { idempotencyKey: 'k' })],
  ] as const)('%s sends the caller’s Idempotency-Key', async (_, call) => {
    const { afterview } = client();
    await call(afterview);
    expect(seen.map((request) => request.headers['idempotency-key'])).toEqual(['k']);
  });

  it('webhookEndpoints.update sends If-Match', async () => {
    const { afterview } = client();
    await afterview.webhookEndpoints.update('whe_1', { enabled: false }, { ifMatch: 4 });
    expect(seen[0]?.headers['if-match']).toBe('"4"');
  });

  it('webhookEndpoints.list and deliveries send limit on every page', async () => {
    script = [{ status: 200, body: { data: [], nextCursor: 'c2' } }, emptyPage, emptyPage];
    const { afterview } = client();
    await afterview.webhookEndpoints.list({ limit: 5 }).toArray();
    await afterview.webhookEndpoints.deliveries('whe_1', { limit: 7 }).toArray();
    expect(seen.map((request) => request.url)).toEqual([
      '/v1/webhook-endpoints?limit=5',
      '/v1/webhook-endpoints?limit=5&cursor=c2',
      '/v1/webhook-endpoints/whe_1/deliveries?limit=7',
    ]);
  });
});
