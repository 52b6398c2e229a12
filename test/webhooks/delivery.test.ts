import { Webhook } from 'standardwebhooks';
import { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stepEventId } from '../../shared/scheduling/dispatcher';
import { scheduleName } from '../../shared/scheduling/names';
import { interviewEvent } from '../../shared/service/events';
import type { StoredEndpoint, StoredEvent } from '../../shared/store/ports';
import { DeliveryService } from '../../shared/webhooks/delivery';
import { MAX_ATTEMPTS, RETRY_SCHEDULE_MS } from '../../shared/webhooks/retry-policy';
import {
  alwaysOk,
  type DeliveryHarness,
  type Receiver,
  startDeliveryHarness,
  startReceiver,
} from './delivery-harness';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Attempt timeout used here, so slow receivers cost milliseconds, not 15 s. */
const TIMEOUT_MS = 300;

let h: DeliveryHarness;
const receivers: Receiver[] = [];

async function receiver(behaviour = alwaysOk): Promise<Receiver> {
  const started = await startReceiver(behaviour);
  receivers.push(started);
  return started;
}

async function endpointFor(
  tenantId: string,
  target: Receiver,
  eventTypes?: string[],
): Promise<{ endpoint: StoredEndpoint; secret: string }> {
  return h.webhooks.endpoints.create(tenantId, {
    url: target.url,
    ...(eventTypes ? { eventTypes } : {}),
  });
}

function verified(secret: string, request: { headers: Record<string, string>; body: string }) {
  return new Webhook(secret).verify(request.body, request.headers) as {
    id: string;
    type: string;
    timestamp: string;
    data: Record<string, unknown>;
  };
}

async function attemptsOf(tenantId: string, endpointId: string) {
  return (await h.store.listAttempts(tenantId, endpointId, { limit: 100 })).items;
}

/** The name of the disable wake-up of the failure streak of `endpointId` that began at `since`. */
function streakWakeup(tenantId: string, endpointId: string, since: Temporal.Instant): string {
  return scheduleName({ kind: 'endpoint', tenantId, endpointId, failingSince: since.toString() });
}

beforeAll(async () => {
  h = await startDeliveryHarness({ attemptTimeoutMs: TIMEOUT_MS });
});

afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await h?.close();
});

describe('step events', () => {
  it('arrive signed when the step is due, verify with a third-party library and stay small', async () => {
    const tenantId = h.newTenant();
    const all = await receiver();
    const checkInsOnly = await receiver();
    const { endpoint, secret } = await endpointFor(tenantId, all);
    await endpointFor(tenantId, checkInsOnly, ['followup.check_in']);
    const due = h.clock.now().add({ minutes: 30 });
    const step = await h.scheduleStep(tenantId, due);

    await h.advanceBy(30 * MINUTE);

    expect(all.requests).toHaveLength(1);
    expect(checkInsOnly.requests).toHaveLength(0);
    const request = all.requests[0] as { headers: Record<string, string>; body: string };
    const envelope = verified(secret, request);
    const eventId = stepEventId(tenantId, step.interviewId, step.stepId);
    expect(envelope).toMatchObject({
      id: eventId,
      type: 'followup.thank_you',
      timestamp: due.toString(),
      data: { sequence: 2, step: { id: step.stepId, kind: 'thank_you' } },
    });
    expect(request.headers['webhook-id']).toBe(eventId);
    expect(Buffer.byteLength(request.body)).toBeLessThan(20_000);

    const [attempt] = await attemptsOf(tenantId, endpoint.id);
    expect(attempt).toMatchObject({ attempt: 1, outcome: 'succeeded', statusCode: 200 });
    const interview = await h.store.getInterview(tenantId, step.interviewId);
    expect(interview?.state.steps[0]?.status).toBe('due');
  });

  it('reaches a receiver that fails the first attempts later, under the same webhook-id', async () => {
    const tenantId = h.newTenant();
    const flaky = await receiver((n) => ({ status: n <= 2 ? 500 : 204 }));
    const { endpoint, secret } = await endpointFor(tenantId, flaky);
    const step = await h.scheduleStep(tenantId, h.clock.now().add({ seconds: 1 }));

    await h.advanceBy(SECOND);
    expect(flaky.requests).toHaveLength(1);
    await h.advanceBy(10 * MINUTE);

    expect(flaky.requests).toHaveLength(3);
    const ids = new Set(flaky.requests.map((r) => r.headers['webhook-id']));
    expect([...ids]).toEqual([stepEventId(tenantId, step.interviewId, step.stepId)]);
    for (const request of flaky.requests) expect(() => verified(secret, request)).not.toThrow();
    const log = await attemptsOf(tenantId, endpoint.id);
    expect(log.map((a) => [a.attempt, a.outcome, a.statusCode])).toEqual([
      [3, 'succeeded', 204],
      [2, 'failed', 500],
      [1, 'failed', 500],
    ]);
    expect(log[2]?.nextAttemptAt).toBeDefined();
  });

  it('leaves a complete failed log when the receiver is down for the whole window, then redelivers', async () => {
    const tenantId = h.newTenant();
    const down = await receiver(() => ({ status: 503, body: 'maintenance' }));
    const { endpoint, secret } = await endpointFor(tenantId, down);
    const step = await h.scheduleStep(tenantId, h.clock.now().add({ seconds: 1 }));
    const eventId = stepEventId(tenantId, step.interviewId, step.stepId);
    const windowMs = RETRY_SCHEDULE_MS.reduce((sum, ms) => sum + ms, 0);

    await h.advanceBy(SECOND + windowMs + HOUR);

    expect(down.requests).toHaveLength(MAX_ATTEMPTS);
    const log = await attemptsOf(tenantId, endpoint.id);
    expect(log.map((a) => a.attempt)).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(log.every((a) => a.outcome === 'failed' && a.responseBody === 'maintenance')).toBe(true);
    expect(log[0]?.nextAttemptAt).toBeUndefined();
    const state = await h.store.getDeliveryState(tenantId, eventId, endpoint.id);
    expect(state).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS });
    expect((await h.store.getEndpoint(tenantId, endpoint.id))?.enabled).toBe(true);

    down.behaviour = alwaysOk;
    expect((await h.webhooks.events.redeliver(tenantId, eventId)).endpointIds).toEqual([
      endpoint.id,
    ]);
    await h.advanceBy(SECOND);

    expect(down.requests).toHaveLength(MAX_ATTEMPTS + 1);
    const last = down.requests.at(-1) as { headers: Record<string, string>; body: string };
    expect(verified(secret, last).id).toBe(eventId);
    const [newest] = await attemptsOf(tenantId, endpoint.id);
    expect(newest).toMatchObject({ attempt: 1, outcome: 'succeeded' });
    expect(await h.store.getDeliveryState(tenantId, eventId, endpoint.id)).toMatchObject({
      status: 'succeeded',
    });
  });

  it('times a slow receiver out without holding up a fast one', async () => {
    const tenantId = h.newTenant();
    const fast = await receiver();
    const slow = await receiver(() => ({ status: 200, delayMs: 60_000 }));
    let slowCutWhenFastArrived: number | undefined;
    fast.behaviour = () => {
      slowCutWhenFastArrived = slow.abandoned;
      return { status: 200 };
    };
    // Created last, so it is listed (and started) first.
    const fastEndpoint = (await endpointFor(tenantId, fast)).endpoint;
    const slowEndpoint = (await endpointFor(tenantId, slow)).endpoint;
    await h.scheduleStep(tenantId, h.clock.now().add({ seconds: 1 }));

    await h.advanceBy(SECOND);

    expect(slowCutWhenFastArrived).toBe(0);
    const [slowAttempt] = await attemptsOf(tenantId, slowEndpoint.id);
    expect(slowAttempt).toMatchObject({ outcome: 'failed', error: 'timeout' });
    expect(slowAttempt?.nextAttemptAt).toBeDefined();
    const [fastAttempt] = await attemptsOf(tenantId, fastEndpoint.id);
    expect(fastAttempt).toMatchObject({ outcome: 'succeeded' });
    slow.behaviour = alwaysOk;
    await h.advanceBy(10 * SECOND);
    expect((await attemptsOf(tenantId, slowEndpoint.id))[0]).toMatchObject({
      attempt: 2,
      outcome: 'succeeded',
    });
  });
});

describe('disabling', () => {
  it('disables an endpoint that answers 410 and tells the other endpoints', async () => {
    const tenantId = h.newTenant();
    const gone = await receiver(() => ({ status: 410 }));
    const other = await receiver();
    const goneEndpoint = (await endpointFor(tenantId, gone)).endpoint;
    const { secret } = await endpointFor(tenantId, other, ['webhook_endpoint.disabled']);
    await h.scheduleStep(tenantId, h.clock.now().add({ seconds: 1 }));

    await h.advanceBy(SECOND);
    await h.advanceBy(DAY);

    expect(gone.requests).toHaveLength(1);
    const stored = await h.store.getEndpoint(tenantId, goneEndpoint.id);
    expect(stored).toMatchObject({
      enabled: false,
      disabledReason: expect.stringContaining('410'),
    });
    const [attempt] = await attemptsOf(tenantId, goneEndpoint.id);
    expect(attempt).toMatchObject({ outcome: 'failed', statusCode: 410 });
    expect(attempt?.nextAttemptAt).toBeUndefined();
    expect(other.requests).toHaveLength(1);
    expect(verified(secret, other.requests[0] as never)).toMatchObject({
      type: 'webhook_endpoint.disabled',
      data: { endpointId: goneEndpoint.id, url: goneEndpoint.url },
    });
  });

  it('disables an endpoint at its streak disable time although no attempt follows, and tells the others once', async () => {
    const tenantId = h.newTenant();
    const start = h.clock.now();
    const down = await receiver(() => ({ status: 500 }));
    const watcher = await receiver();
    const downEndpoint = (await endpointFor(tenantId, down)).endpoint;
    const { secret } = await endpointFor(tenantId, watcher, [
      'webhook_endpoint.failing',
      'webhook_endpoint.disabled',
    ]);
    await h.scheduleStep(tenantId, start.add({ seconds: 1 }));

    // The one event exhausts its ten attempts in under four days; nothing else is sent.
    await h.advanceBy(4 * DAY);
    expect(down.requests).toHaveLength(MAX_ATTEMPTS);
    const [failing] = watcher.requests.map((r) => verified(secret, r));
    expect(failing?.type).toBe('webhook_endpoint.failing');
    const disableAt = Temporal.Instant.from(String(failing?.data.disableAt));
    expect(disableAt.toString()).toBe(start.add({ hours: 5 * 24, seconds: 1 }).toString());
    const wakeup = streakWakeup(tenantId, downEndpoint.id, start.add({ seconds: 1 }));
    expect(await h.wakeupNames('ep-')).toContain(wakeup);

    await h.emulator.advanceTo(disableAt.subtract({ seconds: 1 }));
    expect((await h.store.getEndpoint(tenantId, downEndpoint.id))?.enabled).toBe(true);
    await h.emulator.advanceTo(disableAt);
    expect(await h.store.getEndpoint(tenantId, downEndpoint.id)).toMatchObject({
      enabled: false,
      disabledReason: 'No successful delivery for 5 days',
      disabledAt: disableAt.toString(),
    });
    // The notice goes out through its own wake-up; weeks later there is still just the one.
    await h.advanceBy(30 * DAY);
    const notices = watcher.requests.map((r) => verified(secret, r));
    expect(notices.map((notice) => notice.type)).toEqual([
      'webhook_endpoint.failing',
      'webhook_endpoint.disabled',
    ]);
    expect(notices[1]?.data).toMatchObject({
      endpointId: downEndpoint.id,
      disabledAt: disableAt.toString(),
    });
    expect(down.requests).toHaveLength(MAX_ATTEMPTS);
    expect(await h.wakeupNames('ep-')).not.toContain(wakeup);
  });

  it('leaves an endpoint enabled when a delivery succeeds before its streak disable time', async () => {
    const tenantId = h.newTenant();
    const start = h.clock.now();
    // Four failures in a row (so the streak's wake-up exists), then every attempt succeeds.
    const recovering = await receiver((n) => ({ status: n <= 4 ? 500 : 200 }));
    const { endpoint } = await endpointFor(tenantId, recovering);
    await h.scheduleStep(tenantId, start.add({ seconds: 1 }));
    await h.advanceBy(HOUR);
    const wakeup = streakWakeup(tenantId, endpoint.id, start.add({ seconds: 1 }));
    expect(await h.wakeupNames('ep-')).toContain(wakeup);

    await h.advanceBy(6 * DAY);
    expect(recovering.requests).toHaveLength(5);
    // It fired, found the streak ended, and left the endpoint as it was.
    expect(await h.wakeupNames('ep-')).not.toContain(wakeup);
    const stored = await h.store.getEndpoint(tenantId, endpoint.id);
    expect(stored).toMatchObject({ enabled: true, version: 1 });
    expect(stored?.disabledAt).toBeUndefined();
  });

  it('publishes the disabled notice again when the wake-up that disabled the endpoint failed to', async () => {
    const tenantId = h.newTenant();
    const broken = await receiver(() => ({ status: 500 }));
    const watcher = await receiver();
    const { endpoint } = await endpointFor(tenantId, broken);
    const { secret } = await endpointFor(tenantId, watcher, ['webhook_endpoint.disabled']);
    const failingSince = h.clock
      .now()
      .subtract({ hours: 5 * 24 })
      .toString();
    await h.store.updateEndpoint(
      { ...endpoint, firstFailureAt: failingSince, revision: (endpoint.revision ?? 0) + 1 },
      endpoint.version,
    );
    const payload = { kind: 'endpoint', tenantId, endpointId: endpoint.id, failingSince } as const;
    let failPublish = true;
    const faulty = h.deliveryWithFaults({
      putEvent: async (event) => {
        if (failPublish) {
          failPublish = false;
          throw new Error('DynamoDB unavailable (simulated)');
        }
        return h.store.putEvent(event);
      },
    });

    // The endpoint is disabled, then publishing its notice fails: the wake-up throws (and is retried).
    await expect(faulty.runEndpointCheck(payload)).rejects.toThrow('simulated');
    // Logged with the ids an operator searches by (Lambda's own error report has none).
    expect(h.errors).toContainEqual({
      message: 'Publishing webhook_endpoint.disabled failed',
      fields: expect.objectContaining({ tenantId, endpointId: endpoint.id }),
    });
    const disabled = await h.store.getEndpoint(tenantId, endpoint.id);
    expect(disabled).toMatchObject({ enabled: false, version: 2 });
    await faulty.runEndpointCheck(payload);
    await faulty.runEndpointCheck(payload);
    await h.advanceBy(MINUTE);

    expect(watcher.requests.map((r) => verified(secret, r))).toMatchObject([
      {
        type: 'webhook_endpoint.disabled',
        data: { endpointId: endpoint.id, disabledAt: disabled?.disabledAt },
      },
    ]);
    // Disabled once: the retries changed nothing on the endpoint.
    expect(await h.store.getEndpoint(tenantId, endpoint.id)).toMatchObject({ version: 2 });
  });

  it('gives a newer failure streak a wake-up of its own when the wake-up of an older one fires', async () => {
    const tenantId = h.newTenant();
    const { endpoint } = await endpointFor(tenantId, await receiver());
    const now = h.clock.now();
    // The streak this wake-up was made for ended; one that began a day ago is open (its own
    // wake-up was lost, say).
    const newer = now.subtract({ hours: 24 });
    await h.store.updateEndpoint(
      {
        ...endpoint,
        lastSuccessAt: now.subtract({ hours: 30 }).toString(),
        firstFailureAt: newer.toString(),
        revision: (endpoint.revision ?? 0) + 1,
      },
      endpoint.version,
    );
    const old = now.subtract({ hours: 5 * 24 }).toString();
    await h.webhooks.delivery.runEndpointCheck({
      kind: 'endpoint',
      tenantId,
      endpointId: endpoint.id,
      failingSince: old,
    });
    expect((await h.store.getEndpoint(tenantId, endpoint.id))?.enabled).toBe(true);

    await h.emulator.advanceTo(newer.add({ hours: 5 * 24 }));
    expect(await h.store.getEndpoint(tenantId, endpoint.id)).toMatchObject({
      enabled: false,
      disabledAt: newer.add({ hours: 5 * 24 }).toString(),
    });
  });

  it('records no retry for an attempt that disables its endpoint by the 5-day rule', async () => {
    const tenantId = h.newTenant();
    const down = await receiver(() => ({ status: 500 }));
    const watcher = await receiver();
    const { endpoint } = await endpointFor(tenantId, down);
    const { secret } = await endpointFor(tenantId, watcher);
    // Failing for six days with no wake-up to disable it (a streak recorded before there was one).
    await h.store.updateEndpoint(
      {
        ...endpoint,
        firstFailureAt: h.clock
          .now()
          .subtract({ hours: 6 * 24 })
          .toString(),
        revision: (endpoint.revision ?? 0) + 1,
      },
      endpoint.version,
    );
    const step = await h.scheduleStep(tenantId, h.clock.now().add({ seconds: 1 }));
    const eventId = stepEventId(tenantId, step.interviewId, step.stepId);
    await h.advanceBy(SECOND);
    expect(await h.store.getEndpoint(tenantId, endpoint.id)).toMatchObject({ enabled: false });

    const [attempt] = await attemptsOf(tenantId, endpoint.id);
    expect(attempt).toMatchObject({ attempt: 1, outcome: 'failed', statusCode: 500 });
    expect(attempt?.nextAttemptAt).toBeUndefined();
    const state = await h.store.getDeliveryState(tenantId, eventId, endpoint.id);
    expect(state).toMatchObject({ status: 'failed', attempts: 1 });
    expect(state?.nextAttemptAt).toBeUndefined();
    const retry = scheduleName({
      kind: 'delivery',
      tenantId,
      eventId,
      endpointId: endpoint.id,
      attempt: 2,
    });
    expect(await h.wakeupNames('dlv-')).not.toContain(retry);
    await h.advanceBy(DAY);
    expect(down.requests).toHaveLength(1);
    // Disabled, not exhausted: the watcher hears why, once.
    const types = watcher.requests.map((r) => verified(secret, r).type);
    expect(types.filter((type) => type.startsWith('webhook'))).toEqual([
      'webhook_endpoint.disabled',
    ]);
  });

  it('counts the 5 days from the first failure, not from the last success', async () => {
    const tenantId = h.newTenant();
    const start = h.clock.now();
    let failing = false;
    const quiet = await receiver(() => ({ status: failing ? 500 : 200 }));
    const quietEndpoint = (await endpointFor(tenantId, quiet)).endpoint;

    await h.scheduleStep(tenantId, start.add({ seconds: 1 }));
    await h.advanceBy(MINUTE);
    // Six quiet days, then the receiver breaks: its first failure must not disable it.
    failing = true;
    await h.scheduleStep(tenantId, start.add({ hours: 6 * 24 }));
    await h.advanceBy(6 * DAY);
    expect(await h.store.getEndpoint(tenantId, quietEndpoint.id)).toMatchObject({
      enabled: true,
      firstFailureAt: start.add({ hours: 6 * 24 }).toString(),
      lastSuccessAt: start.add({ seconds: 1 }).toString(),
      // A success and a failure streak are bookkeeping: the public version stays.
      version: 1,
      updatedAt: quietEndpoint.updatedAt,
    });

    // Still failing five days after that first failure: now it is disabled, at that time.
    await h.advanceBy(5 * DAY + 2 * HOUR);
    expect(await h.store.getEndpoint(tenantId, quietEndpoint.id)).toMatchObject({
      enabled: false,
      disabledReason: 'No successful delivery for 5 days',
      disabledAt: start.add({ hours: 11 * 24 }).toString(),
    });
  });

  it('retries a failure judged overdue when a delivery alongside succeeded, instead of dropping it', async () => {
    const tenantId = h.newTenant();
    // The first request fails slowly; every later one succeeds at once.
    const target = await receiver((n) =>
      n === 1 ? { status: 503, delayMs: 300 } : { status: 200 },
    );
    const { endpoint } = await endpointFor(tenantId, target);
    // Failing without a success for six days, yet still enabled (its disabling is due).
    const failingSince = h.clock
      .now()
      .subtract({ hours: 6 * 24 })
      .toString();
    await h.store.updateEndpoint(
      { ...endpoint, firstFailureAt: failingSince, revision: (endpoint.revision ?? 0) + 1 },
      endpoint.version,
    );
    const first = await h.scheduleStep(tenantId, h.clock.now().add({ seconds: 1 }));
    const second = await h.scheduleStep(tenantId, h.clock.now().add({ seconds: 1 }));
    const [slow, quick] = await Promise.all(
      [first, second].map((step) =>
        h.store.getEvent(tenantId, stepEventId(tenantId, step.interviewId, step.stepId)),
      ),
    );
    expect(slow).toBeUndefined();
    expect(quick).toBeUndefined();
    // Both wake-ups fire together: one attempt fails after the other has succeeded.
    await h.advanceBy(2 * SECOND);
    const stored = await h.store.getEndpoint(tenantId, endpoint.id);
    expect(stored).toMatchObject({ enabled: true });
    expect(stored?.firstFailureAt).toBeUndefined();
    const failed = (
      await Promise.all(
        [first, second].map((step) =>
          h.store.getDeliveryState(
            tenantId,
            stepEventId(tenantId, step.interviewId, step.stepId),
            endpoint.id,
          ),
        ),
      )
    ).find((state) => state?.status !== 'succeeded');
    expect(failed).toMatchObject({ status: 'pending', nextAttemptAt: expect.any(String) });
    // The retry delivers it.
    await h.advanceBy(HOUR);
    expect(
      await h.store.getDeliveryState(tenantId, failed?.eventId ?? '', endpoint.id),
    ).toMatchObject({ status: 'succeeded' });
    expect(new Set(target.requests.map((r) => r.headers['webhook-id'])).size).toBe(2);
  });

  it('disables after 5 days without success, and recover { since } brings back every missed event', async () => {
    const tenantId = h.newTenant();
    const start = h.clock.now();
    const flaky = await receiver(() => ({ status: 500 }));
    const watcher = await receiver();
    const flakyEndpoint = (await endpointFor(tenantId, flaky)).endpoint;
    const { secret: watcherSecret } = await endpointFor(tenantId, watcher);

    await h.scheduleStep(tenantId, start.add({ seconds: 1 }));
    await h.scheduleStep(tenantId, start.add({ hours: 5 * 24 + 1 }));
    await h.scheduleStep(tenantId, start.add({ hours: 5 * 24 + 2 }));
    await h.advanceBy(5 * DAY + 3 * HOUR);

    const stored = await h.store.getEndpoint(tenantId, flakyEndpoint.id);
    // Disabled 5 days after its first failure, by the streak's wake-up.
    const disabledAt = start.add({ hours: 5 * 24, seconds: 1 }).toString();
    expect(stored).toMatchObject({
      enabled: false,
      disabledReason: 'No successful delivery for 5 days',
      disabledAt,
      // Failing moved nothing an integrator sees; being disabled does.
      version: 2,
      updatedAt: disabledAt,
    });
    expect(stored?.lastSuccessAt).toBeUndefined();
    // Ten attempts for the first event, none for the two that came after it was disabled.
    expect(flaky.requests).toHaveLength(MAX_ATTEMPTS);
    const notices = watcher.requests
      .map((r) => verified(watcherSecret, r))
      .filter((e) => e.type === 'webhook_endpoint.disabled');
    expect(notices).toHaveLength(1);
    expect(notices[0]?.data).toMatchObject({ endpointId: flakyEndpoint.id });

    flaky.behaviour = alwaysOk;
    const enabled = await h.webhooks.endpoints.update(tenantId, flakyEndpoint.id, {
      enabled: true,
    });
    expect(enabled.disabledReason).toBeUndefined();
    // It has never succeeded, and re-enabling does not pretend it has.
    expect(enabled.lastSuccessAt).toBeUndefined();
    expect(await h.webhooks.endpoints.recover(tenantId, flakyEndpoint.id, start.toString())).toBe(
      3,
    );
    await h.advanceBy(SECOND);

    const redelivered = flaky.requests.slice(MAX_ATTEMPTS);
    expect(redelivered).toHaveLength(3);
    expect(new Set(redelivered.map((r) => r.headers['webhook-id'])).size).toBe(3);
    expect(
      (
        await h.store.listUnsuccessfulDeliveries(tenantId, flakyEndpoint.id, start.toString(), {
          limit: 10,
        })
      ).items,
    ).toEqual([]);
  });
});

describe('API events, rotation and stale wake-ups', () => {
  it('queues API events instead of sending them inline, then delivers on the wake-up', async () => {
    const tenantId = h.newTenant();
    const target = await receiver();
    const { endpoint, secret } = await endpointFor(tenantId, target);
    const interview = await h.store.getInterview(
      tenantId,
      (await h.scheduleStep(tenantId, h.clock.now().add({ hours: 30 * 24 }))).interviewId,
    );
    if (!interview) throw new Error('interview missing');
    const event = interviewEvent('interview.created', interview, 1, h.clock.now());

    await h.webhooks.delivery.publish(event);

    expect(target.requests).toHaveLength(0);
    expect(await h.store.getDeliveryState(tenantId, event.id, endpoint.id)).toMatchObject({
      status: 'pending',
      attempts: 0,
    });
    await h.emulator.fireDue();
    expect(target.requests).toHaveLength(1);
    expect(verified(secret, target.requests[0] as never)).toMatchObject({
      id: event.id,
      type: 'interview.created',
      data: { interviewId: interview.id, sequence: 1 },
    });
  });

  it('leaves endpoint health alone with the test probe: no disabling, no streak, no success, no notice', async () => {
    const tenantId = h.newTenant();
    let status = 410;
    const probed = await receiver(() => ({ status }));
    const watcher = await receiver();
    const { endpoint } = await endpointFor(tenantId, probed);
    await endpointFor(tenantId, watcher, [
      'webhook_endpoint.disabled',
      'webhook_endpoint.failing',
      'webhook.delivery_exhausted',
    ]);

    // Answered 410: the probe reports it, and the endpoint stays enabled.
    expect(await h.webhooks.endpoints.test(tenantId, endpoint.id)).toMatchObject({
      outcome: 'failed',
      statusCode: 410,
    });
    // Failed four times and more: no failure streak, no failing notice, no disable wake-up.
    status = 500;
    for (let i = 0; i < 5; i++) await h.webhooks.endpoints.test(tenantId, endpoint.id);
    await h.advanceBy(6 * DAY);
    expect(await h.store.getEndpoint(tenantId, endpoint.id)).toEqual(endpoint);
    // A probe that succeeds is no delivery success either.
    status = 200;
    expect(await h.webhooks.endpoints.test(tenantId, endpoint.id)).toMatchObject({
      outcome: 'succeeded',
    });
    expect(await h.store.getEndpoint(tenantId, endpoint.id)).toEqual(endpoint);
    expect(watcher.requests).toEqual([]);
    expect(probed.requests).toHaveLength(7);
  });

  it('signs with both secrets during a rotation, and only the new one after 24 hours', async () => {
    const tenantId = h.newTenant();
    const target = await receiver();
    const { endpoint, secret: oldSecret } = await endpointFor(tenantId, target);
    const { secret: newSecret } = await h.webhooks.endpoints.rotateSecret(tenantId, endpoint.id);

    const during = await h.webhooks.endpoints.test(tenantId, endpoint.id);
    expect(during).toMatchObject({ outcome: 'succeeded', statusCode: 200 });
    const request = target.requests[0] as { headers: Record<string, string>; body: string };
    expect(request.headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(verified(oldSecret, request).type).toBe('webhook.test');
    expect(verified(newSecret, request).type).toBe('webhook.test');

    await h.advanceBy(25 * HOUR);
    await h.webhooks.endpoints.test(tenantId, endpoint.id);
    const after = target.requests[1] as { headers: Record<string, string>; body: string };
    expect(after.headers['webhook-signature']?.split(' ')).toHaveLength(1);
    expect(() => verified(newSecret, after)).not.toThrow();
    expect(() => verified(oldSecret, after)).toThrow();
  });

  it('ignores duplicate, stale and orphaned wake-ups', async () => {
    const tenantId = h.newTenant();
    const target = await receiver();
    const { endpoint } = await endpointFor(tenantId, target);
    const step = await h.scheduleStep(tenantId, h.clock.now().add({ seconds: 1 }));
    await h.advanceBy(SECOND);
    expect(target.requests).toHaveLength(1);
    const eventId = stepEventId(tenantId, step.interviewId, step.stepId);

    for (const attempt of [1, 2, 5]) {
      await h.webhooks.delivery.runDeliveryAttempt({
        kind: 'delivery',
        tenantId,
        eventId,
        endpointId: endpoint.id,
        attempt,
      });
    }
    await h.webhooks.delivery.runDeliveryAttempt({
      kind: 'delivery',
      tenantId: h.newTenant(),
      eventId,
      endpointId: endpoint.id,
      attempt: 2,
    });
    await h.webhooks.endpoints.delete(tenantId, endpoint.id);
    await h.webhooks.events.redeliver(tenantId, eventId);
    await h.advanceBy(SECOND);

    expect(target.requests).toHaveLength(1);
  });

  it('throws on a store failure so the wake-up is retried', async () => {
    const tenantId = h.newTenant();
    const target = await receiver();
    const { endpoint } = await endpointFor(tenantId, target);
    const now = h.clock.now();
    const event: StoredEvent = {
      tenantId,
      id: `evt_broken${now.epochMilliseconds}`,
      type: 'interview.updated',
      timestamp: now.toString(),
      data: { sequence: 1 },
      createdAt: now.toString(),
      expiresAt: Math.floor(now.epochMilliseconds / 1000) + 3600,
    };
    await h.store.putEvent(event);
    // The state is the attempt's first write (its log entry follows, see #attempt).
    const broken = h.deliveryWithFaults({
      putDeliveryState: () => Promise.reject(new Error('table unavailable')),
    });

    await expect(
      broken.runDeliveryAttempt({
        kind: 'delivery',
        tenantId,
        eventId: event.id,
        endpointId: endpoint.id,
        attempt: 1,
      }),
    ).rejects.toThrow('table unavailable');
    expect(await h.store.getDeliveryState(tenantId, event.id, endpoint.id)).toBeUndefined();
    // No log entry that no state names: erasure finds attempts only through states.
    expect(await attemptsOf(tenantId, endpoint.id)).toEqual([]);
  });

  it('records the endpoints a fan-out reached when one retry cannot be scheduled, and the re-run sends only to the other', async () => {
    const tenantId = h.newTenant();
    const fine = await receiver();
    const down = await receiver(() => ({ status: 503 }));
    const { endpoint: fineEndpoint } = await endpointFor(tenantId, fine);
    const { endpoint: downEndpoint } = await endpointFor(tenantId, down);
    const now = h.clock.now();
    const event: StoredEvent = {
      tenantId,
      id: `evt_fanout${now.epochMilliseconds}`,
      type: 'followup.check_in',
      timestamp: now.toString(),
      data: { sequence: 1 },
      createdAt: now.toString(),
      expiresAt: Math.floor(now.epochMilliseconds / 1000) + 3600,
    };
    await h.store.putEvent(event);
    const broken = new DeliveryService({
      store: h.store,
      scheduler: {
        schedule: () => Promise.reject(new Error('scheduler unavailable')),
        cancel: (names) => h.scheduler.cancel(names),
      },
      transport: h.transport,
      clock: h.clock,
      attemptTimeoutMs: TIMEOUT_MS,
    });

    await expect(broken.fanOut(event)).rejects.toThrow('scheduler unavailable');
    expect(await h.store.getDeliveryState(tenantId, event.id, fineEndpoint.id)).toMatchObject({
      status: 'succeeded',
      attempts: 1,
    });
    expect(await attemptsOf(tenantId, fineEndpoint.id)).toHaveLength(1);
    // No retry exists for it, so it must stay re-runnable: no state, no log entry.
    expect(await h.store.getDeliveryState(tenantId, event.id, downEndpoint.id)).toBeUndefined();
    expect(await attemptsOf(tenantId, downEndpoint.id)).toEqual([]);

    await h.webhooks.delivery.fanOut(event);
    expect(fine.requests).toHaveLength(1);
    expect(down.requests).toHaveLength(2);
    expect(await h.store.getDeliveryState(tenantId, event.id, downEndpoint.id)).toMatchObject({
      status: 'pending',
      attempts: 1,
    });
  });

  it('stamps webhook-timestamp with the real time even when the runtime clock is days ahead', async () => {
    const tenantId = h.newTenant();
    const target = await receiver();
    const { endpoint, secret } = await endpointFor(tenantId, target);
    await h.advanceBy(7 * DAY);
    await h.webhooks.endpoints.test(tenantId, endpoint.id);
    const request = target.requests[0] as { headers: Record<string, string>; body: string };
    // The third-party verifier checks the header against the machine's clock (±5 min).
    expect(verified(secret, request).timestamp).toBe(h.clock.now().toString());
    expect(
      Temporal.Instant.compare(
        Temporal.Instant.from(verified(secret, request).timestamp),
        Temporal.Now.instant(),
      ),
    ).toBe(1);
  });
});

describe('publishing twice', () => {
  it('queues each endpoint once, and fills in an endpoint the first publish missed', async () => {
    const tenantId = h.newTenant();
    const first = await receiver();
    await endpointFor(tenantId, first);
    const now = h.clock.now();
    const event: StoredEvent = {
      tenantId,
      id: `evt_twice${now.epochMilliseconds}`,
      type: 'interview.updated',
      timestamp: now.toString(),
      data: { interviewId: 'int_x', sequence: 3 },
      createdAt: now.toString(),
      expiresAt: Math.floor(now.epochMilliseconds / 1000) + 3600,
    };
    await h.webhooks.delivery.publish(event);
    const late = await receiver();
    await endpointFor(tenantId, late);
    await h.webhooks.delivery.publish(event);
    await h.emulator.fireDue();

    expect(first.requests).toHaveLength(1);
    expect(late.requests).toHaveLength(1);
  });
});
