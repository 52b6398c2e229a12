/**
 * A delivery record names the clock of each time: `attemptedAt` is real time (what the
 * `webhook-timestamp` header carried), `runtimeAttemptedAt` and `nextAttemptAt` are on the
 * runtime clock, which the sandbox moves. After a month-long advance they must not be mixed up.
 */
import { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startTestRuntime,
  startWebhookReceiver,
  type TestRuntime,
  type WebhookReceiver,
} from '../support/runtime';

let local: TestRuntime;
let receiver: WebhookReceiver;

beforeAll(async () => {
  local = await startTestRuntime();
  receiver = await startWebhookReceiver(() => 503);
});
afterAll(async () => {
  await local?.close();
  await receiver?.close();
});

describe('delivery attempt times', () => {
  it('keep wall-clock and runtime-clock times apart, each where its name says', async () => {
    await local.advanceTo(local.runtime.clock.now().add({ hours: 24 * 30 }));
    const endpointId = await local.addEndpoint(receiver.url, ['followup.thank_you']);
    const interview = await local.createInterview();
    const thankYou = interview.steps.find((step) => step.kind === 'thank_you');
    if (!thankYou) throw new Error('no thank-you planned');
    await local.advanceTo(thankYou.dueAt);

    const attempts = await local.api<{
      data: Array<{
        eventId: string;
        attemptedAt: string;
        runtimeAttemptedAt?: string;
        nextAttemptAt?: string;
      }>;
    }>('GET', `/v1/webhook-endpoints/${endpointId}/deliveries`);
    const attempt = attempts.body.data[0];
    if (!attempt?.runtimeAttemptedAt || !attempt.nextAttemptAt) {
      throw new Error(`no runtime times on ${JSON.stringify(attempt)}`);
    }
    const runtimeAt = Temporal.Instant.from(attempt.runtimeAttemptedAt);
    // On the sandbox clock: at or after the step's due time, a month past the real time.
    expect(Temporal.Instant.compare(runtimeAt, thankYou.dueAt)).toBeGreaterThanOrEqual(0);
    const sandboxLead = Temporal.Instant.from(attempt.attemptedAt).until(runtimeAt);
    expect(sandboxLead.total({ unit: 'hours' })).toBeGreaterThan(24 * 29);
    // The retry is on the same clock as runtimeAttemptedAt, up to minutes after it (both are
    // written to the whole second, so a sub-second first retry can share its second).
    const retryIn = runtimeAt.until(Temporal.Instant.from(attempt.nextAttemptAt));
    expect(retryIn.total({ unit: 'seconds' })).toBeGreaterThanOrEqual(0);
    expect(retryIn.total({ unit: 'hours' })).toBeLessThan(1);
    // And the header carried the wall-clock time, not the sandbox's. (Both thank-yous went
    // out: compare with the request of this attempt's event, not whichever came first.)
    const request = receiver.deliveries.find(
      (delivery) => delivery.headers['webhook-id'] === attempt.eventId,
    );
    const header = Number(request?.headers['webhook-timestamp']);
    expect(header).toBe(
      Math.floor(Temporal.Instant.from(attempt.attemptedAt).epochMilliseconds / 1000),
    );
  }, 30_000);
});
