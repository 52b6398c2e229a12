/**
 * Chaos run on the local runtime. Sixty interviews (more on request) are created over the API
 * while DynamoDB and Scheduler calls fail at random (injected as SDK middleware below the SDK's
 * own retries, so most are absorbed and some reach the API as 5xx), three real receivers fail at
 * random (500s, answers slower than the attempt timeout, reset connections), and signals and
 * step actions arrive between sandbox clock jumps of random sizes. A client retries 5xx answers
 * with the same Idempotency-Key, as the API asks.
 *
 * Then faults stop, the clock runs past every plan and the three-day retry window, and the run
 * must show: every step that became due produced exactly one event under its deterministic id,
 * none before its due time, none for a step cancelled before it was due; every event reached
 * every subscribed receiver at least once; every request a receiver saw verifies with the
 * third-party Standard Webhooks library.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { MiddlewareStack } from '@smithy/types';
import { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime';
import type { Step } from '../../shared/domain/model';
import { stepEventId } from '../../shared/scheduling/dispatcher';
import type { StoredInterview } from '../../shared/store/ports';
import { operationalEventTypes } from '../../shared/webhooks/operational-events';
import { seededRandom } from '../support/runtime';
import {
  ApiClient,
  type ApiResponse,
  interviewInput,
  type Json,
  type RawRequest,
  startRuntime,
  WebhookReceiver,
} from './support';

/**
 * Two hundred interviews take about 80 s on two quiet cores (each fault costs real backoff
 * time, and due times fire one after another); `CHAOS_INTERVIEWS` sizes the run.
 */
const interviewCount = Number(process.env.CHAOS_INTERVIEWS ?? 200);
const rounds = 10;
const actionsPerRound = 30;
/**
 * Rates per call. The SDK backs off 100-200 ms after a 5xx and 0.5-1 s after throttling, and
 * the emulator fires due times one after another, so these rates set the run time as much as
 * the interview count does; they still inject a few hundred faults of each kind.
 */
const faultRates = { dynamo: 0.015, scheduler: 0.05, receiverError: 0.12, slow: 0.03, reset: 0.08 };

const random = seededRandom(7_2026);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

let runtime: LocalRuntime;
let api: ApiClient;
const receivers: WebhookReceiver[] = [];
const endpoints: Array<{ id: string; eventTypes: string[]; receiver: WebhookReceiver }> = [];
let faultsOn = false;
const injected = { dynamo: 0, scheduler: 0, apiRetries: 0, api5xx: 0 };

function injectedError(name: string, status: number): Error {
  return Object.assign(new Error(`injected ${name}`), {
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, attempts: 1, totalRetryDelay: 0 },
  });
}

/**
 * Fails a share of an SDK client's calls before they are sent. The middleware sits in the
 * `deserialize` step, below the retry middleware, so the SDK's retries see each failure.
 */
function injectFaults(
  stack: MiddlewareStack<object, object>,
  rate: () => number,
  errors: Array<[string, number]>,
  count: () => void,
): void {
  stack.add(
    (next) => async (args) => {
      if (faultsOn && random() < rate()) {
        count();
        const [name, status] = pick(errors);
        throw injectedError(name, status);
      }
      return next(args);
    },
    { step: 'deserialize', name: 'chaosFaults', priority: 'high' },
  );
}

/** Sends like a careful client: 5xx and broken connections are retried with the same request. */
async function send(request: RawRequest): Promise<ApiResponse> {
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await api.call(request);
      if (response.status < 500) return response;
      injected.api5xx++;
      // A 5xx must still be a problem document, not a stack trace.
      expect(response.headers['content-type']).toContain('application/problem+json');
      if (attempt >= 12) return response;
    } catch (error) {
      if (attempt >= 12) throw error;
    }
    injected.apiRetries++;
    await sleep(20 * attempt);
  }
}

async function now(): Promise<Temporal.Instant> {
  return Temporal.Instant.from((await send({ method: 'GET', path: '/v1/sandbox/clock' })).body.now);
}

async function advance(body: { advanceBy: string } | { to: string }): Promise<void> {
  const response = await send({
    method: 'POST',
    path: '/v1/sandbox/clock',
    json: body,
    apiKey: null,
  });
  expect(response.status, response.text).toBe(200);
}

let keyCounter = 0;
const idempotencyKey = () => `chaos-${++keyCounter}`;

function randomInterview(at: Temporal.Instant, index: number): Record<string, unknown> {
  const input = interviewInput(at.toString(), {
    externalId: `chaos-${index}`,
    interviewers: 1 + Math.floor(random() * 3),
    endsInHours: 1 + Math.floor(random() * 72),
  });
  const roll = random();
  if (roll < 0.3) {
    const day = at.toZonedDateTimeISO('UTC').add({ days: 10 + Math.floor(random() * 20) });
    input.nextSteps = { decisionExpectedBy: day.toPlainDate().toString() };
  } else if (roll < 0.45) {
    input.nextSteps = { processLength: pick(['P1M', 'P3M']) };
  }
  return input;
}

/** One random thing an integration might do to one interview. */
async function randomAction(interviewIds: string[], at: Temporal.Instant): Promise<void> {
  const id = pick(interviewIds);
  const path = `/v1/interviews/${id}`;
  const roll = random();
  const later = (hours: number) => at.add({ hours }).toString();
  let request: RawRequest;
  if (roll < 0.45) {
    const current = await send({ method: 'GET', path });
    if (current.status !== 200) return;
    const open = current.body.steps.filter((step: Json) => step.status === 'scheduled');
    if (open.length === 0) return;
    const step = pick(open) as Json;
    const action = pick(['complete', 'skip', 'snooze'] as const);
    request = {
      method: 'POST',
      path: `${path}/steps/${step.id}/${action}`,
      json: action === 'snooze' ? { by: pick(['PT4H', 'P1D', 'P3D']) } : {},
    };
  } else {
    const type = pick([
      'employer_replied',
      'employer_replied',
      'rejected',
      'withdrawn',
      'offer',
      'next_round',
      'rescheduled',
    ] as const);
    const start = 2 + Math.floor(random() * 48);
    const signal: Record<string, unknown> =
      type === 'next_round'
        ? {
            type,
            startsAt: later(start),
            endsAt: later(start + 1),
            interviewers: [{ name: 'Lee Chen', email: 'lee@northwind.example', topics: ['scale'] }],
          }
        : type === 'rescheduled'
          ? { type, startsAt: later(start), endsAt: later(start + 1) }
          : type === 'employer_replied' && random() < 0.5
            ? {
                type,
                decisionExpectedBy: at
                  .toZonedDateTimeISO('UTC')
                  .add({ days: 7 + Math.floor(random() * 14) })
                  .toPlainDate()
                  .toString(),
              }
            : { type };
    request = { method: 'POST', path: `${path}/signals`, json: signal };
  }
  const response = await send({
    ...request,
    headers: { 'idempotency-key': idempotencyKey() },
  });
  // 409: the interview closed or the step moved meanwhile, as can happen to any client.
  expect([200, 409], `${request.method} ${request.path}: ${response.text}`).toContain(
    response.status,
  );
}

/** Runs `work` over `items`, `limit` at a time. */
async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

beforeAll(async () => {
  ({ runtime } = await startRuntime({ attemptTimeoutMs: 250 }));
  api = new ApiClient(runtime.url, runtime.apiKey);
  injectFaults(
    runtime.dynamoClient.middlewareStack as unknown as MiddlewareStack<object, object>,
    () => faultRates.dynamo,
    [
      ['ThrottlingException', 400],
      ['InternalServerError', 500],
      ['InternalServerError', 500],
      ['InternalServerError', 500],
    ],
    () => injected.dynamo++,
  );
  injectFaults(
    runtime.schedulerClient.middlewareStack as unknown as MiddlewareStack<object, object>,
    () => faultRates.scheduler,
    [
      ['ThrottlingException', 429],
      ['InternalServerException', 500],
      ['InternalServerException', 500],
    ],
    () => injected.scheduler++,
  );
  // The third receiver takes a subset, so fan-out must respect subscriptions. It includes
  // interview.updated, which every round produces: an endpoint that hears nothing for five days
  // and then sees one failure is disabled at once (the 5-day rule counts from the last success,
  // not from the first failure; see the report of this suite), which is not what this run is
  // about.
  const subscriptions: string[][] = [
    [],
    [],
    [
      'followup.thank_you',
      'followup.check_in',
      'followup.move_on',
      'interview.updated',
      'interview.closed',
    ],
  ];
  for (const eventTypes of subscriptions) {
    const receiver = await WebhookReceiver.start(600);
    const created = await api.post('/v1/webhook-endpoints', {
      url: receiver.url,
      ...(eventTypes.length > 0 ? { eventTypes } : {}),
    });
    expect(created.status, created.text).toBe(201);
    receiver.secret = created.body.secret;
    receiver.fault = () => {
      if (!faultsOn) return 'ok';
      const roll = random();
      if (roll < faultRates.receiverError) return 'error';
      if (roll < faultRates.receiverError + faultRates.slow) return 'slow';
      if (roll < faultRates.receiverError + faultRates.slow + faultRates.reset) return 'reset';
      return 'ok';
    };
    receivers.push(receiver);
    endpoints.push({ id: created.body.id, eventTypes, receiver });
  }
}, 30_000);

afterAll(async () => {
  faultsOn = false;
  await runtime?.close();
  for (const receiver of receivers) await receiver.close();
});

describe('chaos', () => {
  it('loses no due step, sends none twice, early or after cancellation, and delivers every event', async () => {
    faultsOn = true;

    // Interviews arrive over the API, ten at a time, each POST retried under its own key.
    const interviewIds: string[] = [];
    const indices = Array.from({ length: interviewCount }, (_, i) => i);
    await inParallel(indices, 10, async (index) => {
      const at = runtime.clock.now();
      const created = await send({
        method: 'POST',
        path: '/v1/interviews',
        json: randomInterview(at, index),
        headers: { 'idempotency-key': `create-${index}` },
      });
      expect(created.status, created.text).toBe(201);
      interviewIds.push(created.body.id);
    });
    // Retried creates replayed the first answer: one interview per index, no duplicates.
    expect(new Set(interviewIds).size).toBe(interviewCount);

    for (let round = 0; round < rounds; round++) {
      const hours = 1 + Math.floor(random() * 96);
      await advance({ advanceBy: `PT${hours}H` });
      const at = await now();
      await inParallel(
        Array.from({ length: actionsPerRound }, (_, i) => i),
        6,
        () => randomAction(interviewIds, at),
      );
    }
    // Faults stop: everything still owed must now go out. Plans run at most a few months and
    // retries about three days; four months covers both, in steps so the receivers keep
    // answering and no endpoint goes five days without a success.
    faultsOn = false;
    const horizon = (await now()).add({ hours: 24 * 130 });
    for (let at = await now(); Temporal.Instant.compare(at, horizon) < 0; at = await now()) {
      const next = at.add({ hours: 24 * 3 });
      await advance({
        to: (Temporal.Instant.compare(next, horizon) < 0 ? next : horizon).toString(),
      });
    }
    const finalNow = await now();

    // ---- what the store and the API say happened ------------------------------------------
    const stored = new Map<string, StoredInterview>();
    for (const id of interviewIds) {
      const record = await runtime.store.getInterview(runtime.tenantId, id);
      expect(record).toBeDefined();
      if (record) stored.set(id, record);
    }
    const events = await api.listAll('/v1/events');
    const eventIds = events.map((event) => event.id as string);
    expect(new Set(eventIds).size, 'an event id is listed twice').toBe(eventIds.length);
    const eventsById = new Map(events.map((event) => [event.id as string, event]));
    const stepEvents = events.filter((event) => String(event.type).startsWith('followup.'));

    const problems: string[] = [];
    const seenSteps = new Set<string>();
    for (const event of stepEvents) {
      const step = event.data.step as Json;
      const key = `${event.interviewId}/${step.id}`;
      if (seenSteps.has(key)) problems.push(`two events for step ${key}`);
      seenSteps.add(key);
      if (event.id !== stepEventId(runtime.tenantId, event.interviewId, step.id)) {
        problems.push(`event ${event.id} does not carry the deterministic id of ${key}`);
      }
      if (
        Temporal.Instant.compare(
          Temporal.Instant.from(event.timestamp),
          Temporal.Instant.from(step.dueAt),
        ) < 0
      ) {
        problems.push(
          `event ${event.id} at ${event.timestamp} before its step was due (${step.dueAt})`,
        );
      }
      const record = stored.get(event.interviewId);
      const finalStep = record?.state.steps.find((s: Step) => s.id === step.id);
      if (finalStep?.status === 'scheduled')
        problems.push(`step ${key} fired but is still scheduled`);
      if (
        finalStep?.status === 'cancelled' &&
        finalStep.cancelledAt !== undefined &&
        Temporal.Instant.compare(
          Temporal.Instant.from(finalStep.cancelledAt),
          Temporal.Instant.from(event.timestamp),
        ) < 0
      ) {
        problems.push(
          `step ${key} was cancelled at ${finalStep.cancelledAt}, before its event at ${event.timestamp}`,
        );
      }
    }

    let dueSteps = 0;
    for (const record of stored.values()) {
      for (const step of record.state.steps) {
        const eventId = stepEventId(runtime.tenantId, record.id, step.id);
        if (step.status === 'due') {
          dueSteps++;
          if (!eventsById.has(eventId))
            problems.push(`due step ${record.id}/${step.id} has no event`);
          const single = await runtime.store.getEvent(runtime.tenantId, eventId);
          if (!single) problems.push(`due step ${record.id}/${step.id} has no stored event`);
        }
        if (step.status === 'scheduled' && record.state.status === 'active') {
          if (Temporal.Instant.compare(Temporal.Instant.from(step.dueAt), finalNow) <= 0) {
            problems.push(`step ${record.id}/${step.id} was due at ${step.dueAt} and never fired`);
          }
        }
      }
    }

    // ---- deliveries ------------------------------------------------------------------------
    const deliveryProblems: string[] = [];
    for (const { eventTypes, receiver, id } of endpoints) {
      const endpoint = await api.get(`/v1/webhook-endpoints/${id}`);
      expect(endpoint.body.enabled, `endpoint ${id} was disabled: ${endpoint.text}`).toBe(true);
      for (const event of events) {
        if (event.type === 'webhook.test' || event.type === 'webhook_endpoint.disabled') continue;
        // A notice about an endpoint (it is failing, an event gave up on it) goes to the
        // tenant's other endpoints, never to the one it is about.
        if (operationalEventTypes.has(event.type) && event.data?.endpointId === id) {
          if (receiver.received.some((r) => r.webhookId === event.id)) {
            deliveryProblems.push(
              `${event.type} ${event.id} reached ${id}, the endpoint it is about`,
            );
          }
          continue;
        }
        if (eventTypes.length > 0 && !eventTypes.includes(event.type)) {
          if (receiver.received.some((r) => r.webhookId === event.id)) {
            deliveryProblems.push(
              `${event.type} ${event.id} reached ${id}, which did not subscribe to it`,
            );
          }
          continue;
        }
        if (!receiver.delivered.has(event.id)) {
          deliveryProblems.push(`${event.type} ${event.id} never reached ${id}`);
        }
      }
      const unverified = receiver.received.filter((r) => !r.verified);
      if (unverified.length > 0) {
        deliveryProblems.push(
          `${unverified.length} requests to ${id} failed verification: ${unverified[0]?.verifyError}`,
        );
      }
    }

    const summary = {
      interviews: interviewCount,
      events: events.length,
      stepEvents: stepEvents.length,
      dueSteps,
      injected,
      received: receivers.map((r) => r.received.length),
      deadLetters: runtime.emulator.deadLetters.length,
    };
    expect(stepEvents.length, JSON.stringify(summary)).toBeGreaterThan(interviewCount);
    expect(injected.dynamo, 'no DynamoDB fault was injected').toBeGreaterThan(20);
    expect(injected.scheduler, 'no Scheduler fault was injected').toBeGreaterThan(20);
    expect(problems.slice(0, 20), JSON.stringify(summary)).toEqual([]);
    expect(deliveryProblems.slice(0, 20), JSON.stringify(summary)).toEqual([]);
  }, 240_000);
});
