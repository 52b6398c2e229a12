/**
 * What the SDK reports when the server did the work but the answer was lost (the connection
 * dropped after the response was written), against the local runtime. A fetch placed under the
 * SDK forwards each request to the real server, and for the requests a test marks it reads the
 * whole answer and then throws as a reset connection would. The SDK must not do the work twice
 * and must not turn a change that happened into an error:
 *
 * - a POST with an Idempotency-Key is retried and replayed (one interview);
 * - `sandbox.advanceClock` and `sandbox.createTenant` are not retried (their routes ignore
 *   Idempotency-Key; a repeated `to` would answer 409 as the clock flows on): the network error
 *   is thrown, the clock moved once;
 * - a conditional PATCH is not retried: the error is thrown (not a 412), a GET shows the patch;
 * - a DELETE whose retry finds 404 resolves: the first attempt deleted.
 */
import { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Afterview, type InterviewInput } from '../../sdk/src/index';
import { interviewInput, startTestRuntime, type TestRuntime } from '../support/runtime';

let runtime: TestRuntime;
let afterview: Afterview;
/** Every request the SDK sent, as `METHOD /path`. */
const sent: string[] = [];
/** How many of the next requests get their answer lost. */
let losses = 0;

/** The server answered, then the connection dropped: the caller never sees the answer. */
async function lossyFetch(request: Request): Promise<Response> {
  sent.push(`${request.method} ${new URL(request.url).pathname}`);
  const response = await fetch(request);
  if (losses === 0) return response;
  losses--;
  await response.arrayBuffer();
  throw new TypeError('fetch failed', { cause: new Error('socket hang up') });
}

beforeAll(async () => {
  runtime = await startTestRuntime();
  afterview = new Afterview({
    apiKey: runtime.runtime.apiKey,
    baseUrl: runtime.runtime.url,
    fetch: lossyFetch,
    sleep: async () => {},
  });
});
afterAll(async () => {
  await runtime?.close();
});
beforeEach(() => {
  sent.length = 0;
  losses = 0;
});

const now = () => Temporal.Instant.from(runtime.runtime.clock.now().toString());

describe('the SDK after a lost answer, against the local runtime', () => {
  it('retries a create with its Idempotency-Key: one interview, the replayed answer', async () => {
    const input = interviewInput(now(), { externalId: 'lost-create' }) as InterviewInput;
    losses = 1;
    const created = await afterview.interviews.create(input);
    expect(sent).toEqual(['POST /v1/interviews', 'POST /v1/interviews']);
    const found = await afterview.interviews.list({ externalId: 'lost-create' }).toArray();
    expect(found.map((interview) => interview.id)).toEqual([created.id]);
  });

  it.each([
    ['advanceBy', () => ({ advanceBy: 'PT1H' })],
    ['to', () => ({ to: now().add({ hours: 1 }).toString() })],
  ] as const)(
    'does not repeat advanceClock({ %s }): the clock moved once, the error is thrown',
    async (_, body) => {
      const before = Temporal.Instant.from((await afterview.sandbox.clock()).now);
      sent.length = 0;
      losses = 1;
      await expect(afterview.sandbox.advanceClock(body())).rejects.toThrow('fetch failed');
      expect(sent).toEqual(['POST /v1/sandbox/clock']);
      const after = Temporal.Instant.from((await afterview.sandbox.clock()).now);
      // The clock also flows in real time between the two readings, so "one hour" is a range.
      const moved = after.since(before).total('minutes');
      expect(moved).toBeGreaterThanOrEqual(59);
      expect(moved).toBeLessThan(119);
    },
  );

  it('does not repeat createTenant: one request, the error is thrown', async () => {
    losses = 1;
    await expect(afterview.sandbox.createTenant('lost answer')).rejects.toThrow('fetch failed');
    expect(sent).toEqual(['POST /v1/sandbox/tenants']);
  });

  it('does not repeat a conditional update: the error is thrown, not a 412, and it applied', async () => {
    const interview = await afterview.interviews.create(interviewInput(now()) as InterviewInput);
    sent.length = 0;
    losses = 1;
    const update = afterview.interviews.update(
      interview.id,
      { role: { title: 'Staff Engineer' } },
      { ifMatch: interview.version },
    );
    await expect(update).rejects.toThrow('fetch failed');
    expect(sent).toEqual([`PATCH /v1/interviews/${interview.id}`]);
    const read = await afterview.interviews.get(interview.id);
    expect(read).toMatchObject({
      version: interview.version + 1,
      role: { title: 'Staff Engineer' },
    });
  });

  it('repeats an unconditional merge patch: the same result', async () => {
    const interview = await afterview.interviews.create(interviewInput(now()) as InterviewInput);
    losses = 1;
    const changed = await afterview.interviews.update(interview.id, { role: { title: 'Lead' } });
    expect(changed).toMatchObject({ version: interview.version + 1, role: { title: 'Lead' } });
  });

  it('resolves a DELETE whose retry finds the endpoint gone', async () => {
    const endpoint = await afterview.webhookEndpoints.create({ url: 'http://127.0.0.1:9/hook' });
    sent.length = 0;
    losses = 1;
    await expect(afterview.webhookEndpoints.delete(endpoint.id)).resolves.toBeUndefined();
    expect(sent).toEqual([
      `DELETE /v1/webhook-endpoints/${endpoint.id}`,
      `DELETE /v1/webhook-endpoints/${endpoint.id}`,
    ]);
    await expect(afterview.webhookEndpoints.get(endpoint.id)).rejects.toMatchObject({
      status: 404,
    });
    // Without an earlier lost answer, a 404 is still an error.
    await expect(afterview.webhookEndpoints.delete(endpoint.id)).rejects.toMatchObject({
      status: 404,
    });
  });
});
