/**
 * How erasure reaches delivery attempts now that they carry no by-interview index entry: through
 * the interview's events, their delivery states at every endpoint (a deleted endpoint through the
 * marker its deletion leaves) and the attempt keys each state lists, plus the by-interview index
 * entries of attempts written before states listed them. The state is written before the attempts
 * it lists, so a failure between the two leaves an attempt unlogged, never unfindable. An attempt
 * still out while an erasure runs is redacted by its writer, which reads the event again after
 * writing it.
 */
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stepEventId } from '../../shared/scheduling/dispatcher';
import { eraseInterviewTraces } from '../../shared/service/erasure';
import { interviewAttemptsPartition, sortableInstant } from '../../shared/store/dynamo/keys';
import type { DeliveryAttempt, Store } from '../../shared/store/ports';
import { gsi3, keyPrefix } from '../../shared/store/table';
import type { WebhookTransport } from '../../shared/webhooks/ports';
import {
  alwaysOk,
  type Behaviour,
  type DeliveryHarness,
  type Receiver,
  startDeliveryHarness,
  startReceiver,
} from './delivery-harness';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let h: DeliveryHarness;
const receivers: Receiver[] = [];

/** Fails the first request, then accepts; every answer echoes the body it got (personal data). */
const echoAfterOneFailure: Behaviour = (n, request) => ({
  status: n === 1 ? 500 : 200,
  body: `got: ${request.body.slice(0, 300)}`,
});

async function receiver(behaviour: Behaviour): Promise<Receiver> {
  const started = await startReceiver(behaviour);
  receivers.push(started);
  return started;
}

async function attemptsOf(tenantId: string, endpointId: string): Promise<DeliveryAttempt[]> {
  return (await h.store.listAttempts(tenantId, endpointId, { limit: 100 })).items;
}

beforeAll(async () => {
  h = await startDeliveryHarness({ attemptTimeoutMs: 300 });
});

afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await h?.close();
});

describe('erasure of delivery attempts', () => {
  it('reaches retried attempts, a deleted endpoint and attempts indexed the old way', async () => {
    const tenantId = h.newTenant();
    const kept = await h.webhooks.endpoints.create(tenantId, {
      url: (await receiver(echoAfterOneFailure)).url,
    });
    const deleted = await h.webhooks.endpoints.create(tenantId, {
      url: (await receiver(echoAfterOneFailure)).url,
    });
    const step = await h.scheduleStep(tenantId, h.clock.now().add({ minutes: 1 }));
    await h.advanceBy(HOUR);
    const eventId = stepEventId(tenantId, step.interviewId, step.stepId);

    for (const endpoint of [kept.endpoint, deleted.endpoint]) {
      const attempts = await attemptsOf(tenantId, endpoint.id);
      expect(attempts.map((a) => a.outcome)).toEqual(['succeeded', 'failed']);
      expect(attempts.every((a) => a.responseBody?.includes('Grace'))).toBe(true);
      // The state lists both, oldest first: that is how erasure finds them.
      const state = await h.store.getDeliveryState(tenantId, eventId, endpoint.id);
      expect(state?.attemptLog).toEqual(
        [...attempts].reverse().map((a) => ({ id: a.id, attemptedAt: a.attemptedAt })),
      );
    }
    await h.webhooks.endpoints.delete(tenantId, deleted.endpoint.id);
    expect(await h.store.listDeletedEndpointIds(tenantId)).toEqual([deleted.endpoint.id]);

    // An attempt written before states listed attempts: no state names it, gsi3 does.
    const legacy: DeliveryAttempt = {
      tenantId,
      id: 'dlv_legacy',
      eventId,
      endpointId: kept.endpoint.id,
      attempt: 1,
      attemptedAt: '2030-01-01T00:00:00Z',
      outcome: 'failed',
      statusCode: 500,
      latencyMs: 3,
      responseBody: 'got: Grace Hopper',
      interviewId: step.interviewId,
      expiresAt: 4_102_444_800,
    };
    const legacySk = `${keyPrefix.attempt}${sortableInstant(legacy.attemptedAt, 'at')}#${legacy.id}`;
    await h.client.send(
      new PutItemCommand({
        TableName: h.tableName,
        Item: marshall({
          pk: `T#${tenantId}#${keyPrefix.endpoint}${kept.endpoint.id}`,
          sk: legacySk,
          entity: 'attempt',
          tenantId,
          id: legacy.id,
          expiresAt: legacy.expiresAt,
          doc: JSON.stringify(legacy),
          v: 1,
          [gsi3.partitionKey]: interviewAttemptsPartition(tenantId, step.interviewId),
          [gsi3.sortKey]: legacySk,
        }),
      }),
    );
    expect((await attemptsOf(tenantId, kept.endpoint.id)).map((a) => a.id)).toContain(legacy.id);

    const report = await eraseInterviewTraces(h.store, tenantId, step.interviewId, h.clock.now());
    expect(report.attempts).toBe(5);
    for (const endpoint of [kept.endpoint, deleted.endpoint]) {
      for (const attempt of await attemptsOf(tenantId, endpoint.id)) {
        expect(attempt.responseBody).toBeUndefined();
        expect(attempt.erasedAt).toEqual(expect.any(String));
      }
    }
    // Idempotent: nothing is left to rewrite.
    const again = await eraseInterviewTraces(h.store, tenantId, step.interviewId, h.clock.now());
    expect(again.attempts).toBe(0);
  });

  it('never leaves an attempt that no delivery state names when a write fails in between', async () => {
    const tenantId = h.newTenant();
    const target = await receiver((_n, request) => ({
      status: 200,
      body: `got: ${request.body.slice(0, 300)}`,
    }));
    const { endpoint } = await h.webhooks.endpoints.create(tenantId, { url: target.url });
    const step = await h.scheduleStep(tenantId, h.clock.now().add({ minutes: 1 }));
    const eventId = stepEventId(tenantId, step.interviewId, step.stepId);
    await h.advanceBy(2 * MINUTE);
    const event = await h.store.getEvent(tenantId, eventId);
    if (!event) throw new Error('the step event was not recorded');
    const fresh = { ...event, id: `${event.id}x` };
    await h.store.putEvent(fresh);

    // The fan-out's state batch fails: neither the state nor the attempt it would list exists.
    const broken = h.deliveryWithFaults({
      putDeliveryRecords: async (records) => {
        await h.store.putDeliveryRecords({ attempts: [], states: [] });
        if (records.states.length > 0) throw new Error('table unavailable');
      },
    });
    await expect(broken.fanOut(fresh)).rejects.toThrow('table unavailable');
    expect(target.requests).toHaveLength(2);
    expect(await h.store.getDeliveryState(tenantId, fresh.id, endpoint.id)).toBeUndefined();
    expect((await attemptsOf(tenantId, endpoint.id)).map((a) => a.eventId)).toEqual([eventId]);

    // The re-run sends again (at least once), and its state lists the one attempt it logs.
    await h.webhooks.delivery.fanOut(fresh);
    const state = await h.store.getDeliveryState(tenantId, fresh.id, endpoint.id);
    const logged = (await attemptsOf(tenantId, endpoint.id)).filter((a) => a.eventId === fresh.id);
    expect(logged).toHaveLength(1);
    expect(state?.attemptLog).toEqual([{ id: logged[0]?.id, attemptedAt: logged[0]?.attemptedAt }]);
  });
});

/** A transport whose attempts wait until the test lets them go; each echoes what it sent. */
function heldTransport(): { transport: WebhookTransport; arrived: Promise<void>; release(): void } {
  let arrive = () => {};
  const arrived = new Promise<void>((resolve) => {
    arrive = resolve;
  });
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const transport: WebhookTransport = {
    send: async (request) => {
      arrive();
      await released;
      return {
        ok: true,
        statusCode: 200,
        latencyMs: 1,
        responseBody: `got: ${request.body.slice(0, 300)}`,
      };
    },
  };
  return { transport, arrived, release };
}

const whileHeld = 'while the receiver holds the attempt';
const betweenWrites = 'between the state write and the attempt write';
const afterCheck = 'after the writer has read the event again';

/**
 * An endpoint, an interview whose step has fired (and been delivered), and another event of
 * that interview, recorded, which the endpoint has not had yet.
 */
async function freshEventOfAnInterview(suffix: string) {
  const tenantId = h.newTenant();
  const { endpoint } = await h.webhooks.endpoints.create(tenantId, {
    url: (await receiver(alwaysOk)).url,
  });
  const step = await h.scheduleStep(tenantId, h.clock.now().add({ minutes: 1 }));
  await h.advanceBy(2 * MINUTE);
  const recorded = await h.store.getEvent(
    tenantId,
    stepEventId(tenantId, step.interviewId, step.stepId),
  );
  const stored = await h.store.getEndpoint(tenantId, endpoint.id);
  if (!recorded || !stored) throw new Error('the step event or the endpoint is missing');
  const event = { ...recorded, id: `${recorded.id}${suffix}` };
  await h.store.putEvent(event);
  return { tenantId, endpoint: stored, interviewId: step.interviewId, event };
}

describe('erasure of an attempt in flight', () => {
  // Either the writer's second read of the event sees the erasure's mark and redacts what it
  // wrote, or the mark came after the attempt was written and the erasure finds it through the
  // state: one DELETE is enough whichever way the two interleave.
  it.each([
    ['fan-out', whileHeld],
    ['fan-out', betweenWrites],
    ['fan-out', afterCheck],
    ['single attempt', whileHeld],
    ['single attempt', betweenWrites],
    ['single attempt', afterCheck],
  ] as const)('%s: one erasure run %s leaves no excerpt', async (path, moment) => {
    const { tenantId, endpoint, interviewId, event } = await freshEventOfAnInterview('x');

    let erasures = 0;
    const erase = () => {
      erasures++;
      return eraseInterviewTraces(h.store, tenantId, interviewId, h.clock.now());
    };
    const faults: Partial<Store> = {};
    if (moment === betweenWrites && path === 'fan-out') {
      faults.putDeliveryRecords = async (records) => {
        await h.store.putDeliveryRecords({ states: records.states, attempts: [] });
        await erase();
        await h.store.putDeliveryRecords({ states: [], attempts: records.attempts });
      };
    }
    if (moment === betweenWrites && path === 'single attempt') {
      faults.putAttempt = async (attempt) => {
        if (erasures === 0) await erase();
        await h.store.putAttempt(attempt);
      };
    }
    if (moment === afterCheck) {
      // The writer's read answers from before the mark: the erasure alone must find the attempt.
      faults.getEvent = async (id, eventId) => {
        const seen = await h.store.getEvent(id, eventId);
        if (erasures === 0) await erase();
        return seen;
      };
    }
    const held = heldTransport();
    const delivery = h.deliveryWithFaults(faults, held.transport);
    const running =
      path === 'fan-out' ? delivery.fanOut(event) : delivery.deliverNow(event, endpoint);
    await held.arrived;
    if (moment === whileHeld) await erase();
    held.release();
    const returned = await running;
    // A writer that never reads the event again: the erasure comes after it all the same.
    if (erasures === 0) await erase();
    expect(erasures).toBe(1);

    expect((await h.store.getEvent(tenantId, event.id))?.erasedAt).toEqual(expect.any(String));
    const attempts = (await attemptsOf(tenantId, endpoint.id)).filter(
      (attempt) => attempt.eventId === event.id,
    );
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({
      outcome: 'succeeded',
      statusCode: 200,
      erasedAt: expect.any(String),
    });
    expect(attempts[0]?.responseBody).toBeUndefined();
    // What the writer hands back (the `test` probe's answer) is redacted too once it saw the mark.
    if (moment !== afterCheck) expect(JSON.stringify(returned ?? null)).not.toContain('Grace');
    // Nothing is left for a second DELETE to clean.
    expect((await erase()).attempts).toBe(0);
  });

  // The erasure finished while the receiver held the attempt (so it found no attempt to clean),
  // and the process dies right after writing the attempt, before any read after the write.
  it.each(['fan-out', 'single attempt'] as const)(
    '%s: an attempt answered after an erasure is never written with its excerpt, even by a writer that dies next',
    async (path) => {
      const { tenantId, endpoint, interviewId, event } = await freshEventOfAnInterview('k');

      let attemptWritten = false;
      const faults: Partial<Store> = {
        putAttempt: async (attempt) => {
          await h.store.putAttempt(attempt);
          attemptWritten = true;
        },
        putDeliveryRecords: async (records) => {
          await h.store.putDeliveryRecords(records);
          attemptWritten = records.attempts.length > 0;
        },
        getEvent: async (id, eventId) => {
          if (attemptWritten) throw new Error('killed: the process died after the write');
          return h.store.getEvent(id, eventId);
        },
      };
      const held = heldTransport();
      const delivery = h.deliveryWithFaults(faults, held.transport);
      const running =
        path === 'fan-out' ? delivery.fanOut(event) : delivery.deliverNow(event, endpoint);
      await held.arrived;
      // Finished before the answer: the held attempt is not logged yet, so it cannot find it.
      await eraseInterviewTraces(h.store, tenantId, interviewId, h.clock.now());
      held.release();
      // A writer that read the event again after its write would die here; one that wrote the
      // attempt redacted has nothing left to read.
      await running.catch((error: unknown) => {
        expect(String(error)).toContain('killed');
      });

      const attempts = (await attemptsOf(tenantId, endpoint.id)).filter(
        (attempt) => attempt.eventId === event.id,
      );
      expect(attempts).toHaveLength(1);
      expect(attempts[0]).toMatchObject({ outcome: 'succeeded', erasedAt: expect.any(String) });
      expect(attempts[0]?.responseBody).toBeUndefined();
    },
  );
});

describe('the reads that guard attempts against an erasure', () => {
  it('are skipped when the receiver answers with an empty body: there is nothing to remove', async () => {
    const tenantId = h.newTenant();
    const silent = await receiver(() => ({ status: 200 }));
    const talkative = await receiver(alwaysOk);
    const step = await h.scheduleStep(tenantId, h.clock.now().add({ minutes: 1 }));
    await h.advanceBy(2 * MINUTE);
    const recorded = await h.store.getEvent(
      tenantId,
      stepEventId(tenantId, step.interviewId, step.stepId),
    );
    if (!recorded) throw new Error('the step event is missing');

    const readsFor = async (target: Receiver, suffix: string) => {
      const { endpoint } = await h.webhooks.endpoints.create(tenantId, { url: target.url });
      const event = { ...recorded, id: `${recorded.id}${suffix}` };
      await h.store.putEvent(event);
      let reads = 0;
      const delivery = h.deliveryWithFaults({
        getEvent: async (id, eventId) => {
          reads++;
          return h.store.getEvent(id, eventId);
        },
      });
      await delivery.deliverNow(event, endpoint);
      return reads;
    };
    expect(await readsFor(silent, 'e')).toBe(0);
    // An excerpt could echo the payload: read before logging it and after.
    expect(await readsFor(talkative, 't')).toBe(2);
  });
});
