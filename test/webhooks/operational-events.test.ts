/**
 * Operational webhooks end to end on the local runtime: one receiver that always fails, one that
 * listens for the operational events, real HTTP between them and the runtime, time moved with
 * the sandbox clock. The failing endpoint's siblings hear `webhook_endpoint.failing` after its
 * fourth failed attempt in a row and `webhook.delivery_exhausted` when the last retry fails;
 * the failing endpoint never hears about itself. A third endpoint that fails the notices
 * themselves raises none about itself, so two broken endpoints cannot report on each other.
 */
import { Webhook } from 'standardwebhooks';
import { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryMetrics } from '../../shared/observability/metrics';
import { MAX_ATTEMPTS } from '../../shared/webhooks/retry-policy';
import {
  type ReceivedDelivery,
  startTestRuntime,
  startWebhookReceiver,
  type TestRuntime,
  type WebhookReceiver,
} from '../support/runtime';

const operationalTypes = [
  'webhook_endpoint.failing',
  'webhook.delivery_exhausted',
  'webhook_endpoint.disabled',
];

let test: TestRuntime;
let broken: WebhookReceiver;
let listener: WebhookReceiver;
let brokenListener: WebhookReceiver;
let brokenId: string;
let listenerSecret: string;
let start: Temporal.Instant;
const metrics = new InMemoryMetrics();

beforeAll(async () => {
  test = await startTestRuntime({ metrics });
  broken = await startWebhookReceiver(() => 500);
  listener = await startWebhookReceiver(() => 204);
  brokenListener = await startWebhookReceiver(() => 503);
  brokenId = await test.addEndpoint(broken.url, ['interview.created']);
  const created = await test.api<{ id: string; secret: string }>('POST', '/v1/webhook-endpoints', {
    url: listener.url,
    eventTypes: operationalTypes,
  });
  listenerSecret = created.body.secret;
  await test.addEndpoint(brokenListener.url, operationalTypes);
  start = test.runtime.clock.now();
  await test.createInterview();
});

afterAll(async () => {
  await test?.close();
  await broken?.close();
  await listener?.close();
  await brokenListener?.close();
});

function verified(delivery: ReceivedDelivery): { type: string; data: Record<string, unknown> } {
  // Any Standard Webhooks verifier accepts the notice (the header timestamp is real time).
  return new Webhook(listenerSecret).verify(delivery.body, delivery.headers) as {
    type: string;
    data: Record<string, unknown>;
  };
}

describe('operational webhooks', () => {
  it('stays quiet while the endpoint has failed fewer than four attempts in a row', async () => {
    // Attempts 1-3 go out at 0 s, ~5 s and ~5 min; the 4th no sooner than ~28 min (jitter).
    await test.advanceTo(start.add({ minutes: 25 }));
    expect(broken.deliveries).toHaveLength(3);
    expect(listener.deliveries).toEqual([]);
  });

  it('sends webhook_endpoint.failing once, after the fourth failed attempt', async () => {
    await test.advanceTo(start.add({ hours: 1 }));
    expect(broken.deliveries).toHaveLength(4);
    expect(listener.deliveries.map((delivery) => delivery.type)).toEqual([
      'webhook_endpoint.failing',
    ]);
    const notice = verified(listener.deliveries[0] as ReceivedDelivery);
    const failingSince = Temporal.Instant.from(String(notice.data.failingSince));
    expect(notice.data).toMatchObject({
      endpointId: brokenId,
      url: broken.url,
      failedAttempts: 4,
      lastStatusCode: 500,
      disableAt: failingSince.add({ hours: 24 * 5 }).toString(),
    });
    expect(metrics.total('EndpointsFailing')).toBe(1);
  });

  it('sends webhook.delivery_exhausted when the last retry fails, and nothing to the failing endpoint', async () => {
    // The ten attempts span at most ~91 h with +20 % jitter; the 5-day disable is not reached.
    await test.advanceTo(start.add({ hours: 96 }));
    expect(broken.deliveries).toHaveLength(MAX_ATTEMPTS);
    expect(new Set(broken.deliveries.map((delivery) => delivery.type))).toEqual(
      new Set(['interview.created']),
    );
    expect(listener.deliveries.map((delivery) => delivery.type)).toEqual([
      'webhook_endpoint.failing',
      'webhook.delivery_exhausted',
    ]);
    const exhausted = verified(listener.deliveries[1] as ReceivedDelivery);
    expect(exhausted.data).toMatchObject({
      eventId: broken.deliveries[0]?.id,
      eventType: 'interview.created',
      endpointId: brokenId,
      attempts: MAX_ATTEMPTS,
      lastStatusCode: 500,
    });
    const endpoint = await test.api('GET', `/v1/webhook-endpoints/${brokenId}`);
    expect(endpoint.body.enabled).toBe(true);
  });

  it('raises no notice about an endpoint that fails only the notices', () => {
    // It failed the failing notice all the way (10 attempts) and is retrying the exhausted one.
    expect(brokenListener.deliveries.length).toBeGreaterThan(MAX_ATTEMPTS);
    expect(listener.deliveries.map((delivery) => verified(delivery).data.endpointId)).toEqual([
      brokenId,
      brokenId,
    ]);
    expect(metrics.total('EndpointsFailing')).toBe(1);
  });

  it('counted every attempt by outcome, as the receivers saw them', () => {
    const failed = broken.deliveries.length + brokenListener.deliveries.length;
    expect(metrics.total('DeliveryFailed')).toBe(failed);
    expect(metrics.total('DeliverySucceeded')).toBe(listener.deliveries.length);
    // Every failure is retried except the last of each round: the interview.created one and
    // the failing notice's round at the broken listener.
    expect(metrics.total('DeliveryExhausted')).toBe(2);
    expect(metrics.total('DeliveryRetryScheduled')).toBe(failed - 2);
    expect(metrics.total('EndpointsDisabled')).toBe(0);
  });
});
