/**
 * One precision for every instant the API writes (whole seconds, see shared/timestamps.ts),
 * checked on real responses and real webhook bodies from the local runtime: planned times,
 * recorded times (taken from a sandbox clock parked mid-second), and an input time sent with a
 * fraction.
 */
import { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  toWholeSeconds,
  wholeSecondTimestampPattern,
  withWholeSecondTimestamps,
} from '../../shared/timestamps';
import {
  interviewInput,
  startTestRuntime,
  startWebhookReceiver,
  type TestRuntime,
  type WebhookReceiver,
} from '../support/runtime';

/** Anything that starts like an RFC 3339 date-time, whatever follows. */
const looksLikeDateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** Every date-time string in a JSON value, with the path that leads to it. */
function dateTimes(value: unknown, path = '$'): Array<{ path: string; text: string }> {
  if (typeof value === 'string')
    return looksLikeDateTime.test(value) ? [{ path, text: value }] : [];
  if (Array.isArray(value)) return value.flatMap((item, i) => dateTimes(item, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => dateTimes(item, `${path}.${key}`));
  }
  return [];
}

describe('toWholeSeconds / withWholeSecondTimestamps', () => {
  it.each([
    ['2026-03-06T17:40:00.123Z', '2026-03-06T17:40:00Z'],
    ['2026-03-06T17:40:59.999999999Z', '2026-03-06T17:40:59Z'],
    ['2026-03-06T12:40:00.5-05:00', '2026-03-06T12:40:00-05:00'],
    ['2026-03-06T17:40:00Z', '2026-03-06T17:40:00Z'],
    ['not a time', 'not a time'],
  ])('%s → %s', (input, expected) => {
    expect(toWholeSeconds(input)).toBe(expected);
  });

  it('rewrites instant fields only, leaving free text that looks like a time alone', () => {
    const value = {
      createdAt: '2026-03-06T17:40:00.123Z',
      steps: [{ dueAt: '2026-03-07T09:00:00Z', cancelledAt: '2026-03-06T18:00:00.9Z' }],
      externalId: '2026-03-06T17:40:00.123Z',
      note: '2026-03-06T17:40:00.123Z',
    };
    expect(withWholeSecondTimestamps(value)).toEqual({
      createdAt: '2026-03-06T17:40:00Z',
      steps: [{ dueAt: '2026-03-07T09:00:00Z', cancelledAt: '2026-03-06T18:00:00Z' }],
      externalId: '2026-03-06T17:40:00.123Z',
      note: '2026-03-06T17:40:00.123Z',
    });
  });
});

describe('every instant in API responses and webhook bodies', () => {
  let local: TestRuntime;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    local = await startTestRuntime();
  });

  afterAll(async () => {
    await local?.close();
    await receiver?.close();
  });

  it('matches the one documented pattern', async () => {
    const bodies: Array<{ where: string; body: unknown }> = [];
    const call = async (method: string, path: string, body?: unknown) => {
      const result = await local.api(method, path, body);
      expect(result.status, `${method} ${path}: ${JSON.stringify(result.body)}`).toBeLessThan(300);
      bodies.push({ where: `${method} ${path}`, body: result.body });
      return result.body;
    };

    // Park the clock mid-second so every recorded time has a fraction to lose.
    const start = Temporal.Instant.from((await call('GET', '/v1/sandbox/clock')).now);
    await local.advanceTo(start.add({ minutes: 1, milliseconds: 437 }));
    const endpointId = await local.addEndpoint(receiver.url);
    const now = Temporal.Instant.from((await call('GET', '/v1/sandbox/clock')).now);
    const input = interviewInput(now.round({ smallestUnit: 'second', roundingMode: 'floor' }));
    const created = await call('POST', '/v1/interviews', {
      ...input,
      endsAt: `${String(input.endsAt).replace('Z', '')}.250Z`,
    });
    const first = created.steps[0];
    await local.advanceTo(Temporal.Instant.from(first.dueAt).add({ milliseconds: 613 }));
    await call('POST', `/v1/interviews/${created.id}/steps/${first.id}/complete`, {});
    const open = (await call('GET', `/v1/interviews/${created.id}`)).steps.find(
      (step: { status: string }) => step.status === 'scheduled',
    );
    await call('POST', `/v1/interviews/${created.id}/steps/${open.id}/snooze`, { by: 'P1D' });
    await call('POST', `/v1/interviews/${created.id}/signals`, { type: 'employer_replied' });
    await call('GET', `/v1/interviews/${created.id}`);
    await call('GET', '/v1/interviews');
    const events = await call('GET', `/v1/events?interviewId=${created.id}`);
    await call('GET', `/v1/events/${events.data[0].id}`);
    await call('GET', `/v1/webhook-endpoints/${endpointId}`);
    await call('GET', `/v1/webhook-endpoints/${endpointId}/deliveries`);
    await call('GET', '/health');
    expect(receiver.deliveries.length).toBeGreaterThan(0);
    for (const delivery of receiver.deliveries) {
      bodies.push({ where: `webhook ${delivery.type}`, body: JSON.parse(delivery.body) });
    }

    const found = bodies.flatMap(({ where, body }) =>
      dateTimes(body).map((hit) => ({ ...hit, path: `${where} ${hit.path}` })),
    );
    const keys = new Set(found.map((hit) => hit.path.replace(/.*\./, '')));
    // Planned, recorded and echoed input times were all seen, in responses and webhooks.
    for (const key of [
      'dueAt',
      'localDueAt',
      'createdAt',
      'updatedAt',
      'completedAt',
      'cancelledAt',
      'timestamp',
      'attemptedAt',
      'endsAt',
      'time',
      'now',
    ]) {
      expect(keys, key).toContain(key);
    }
    expect(found.some((hit) => hit.path.startsWith('webhook'))).toBe(true);
    const wrong = found.filter((hit) => !wholeSecondTimestampPattern.test(hit.text));
    expect(wrong).toEqual([]);
  });
});
