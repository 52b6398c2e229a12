import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { FixedClock } from '../../shared/clock';
import { interviewInputSchema } from '../../shared/domain/model';
import {
  createDispatcher,
  type EventFanOut,
  stepEventId,
} from '../../shared/scheduling/dispatcher';
import type { WakeupPayload } from '../../shared/scheduling/ports';
import type { DynamoStore } from '../../shared/store/dynamo-store';
import type { Store, StoredEvent, StoredInterview } from '../../shared/store/ports';
import { interviewServiceOn, newTenantId, useDynaliteStore } from '../support/dynalite-store';
import { interviewInput } from '../support/runtime';

const plannedAt = Temporal.Instant.from('2030-01-07T15:00:00Z');
let store: DynamoStore;
useDynaliteStore('race', plannedAt, (started) => {
  store = started;
});

/** The event ids the dispatcher handed to the webhook side, with a hook run on each. */
class SentEvents implements EventFanOut {
  readonly sent: string[] = [];
  onFanOut: (event: StoredEvent) => Promise<void> = async () => undefined;
  async fanOut(event: StoredEvent): Promise<void> {
    this.sent.push(event.id);
    await this.onFanOut(event);
  }
  async runDeliveryAttempt(): Promise<void> {}
  async runEndpointCheck(): Promise<void> {}
}

/** `store` whose next `updateInterview` first runs `before` (once). */
function storeRunningBeforeNextUpdate(before: () => Promise<void>): Store {
  let pending: (() => Promise<void>) | undefined = before;
  return new Proxy(store, {
    get(target, property) {
      if (property === 'updateInterview') {
        return async (next: StoredInterview, expectedVersion: number) => {
          const run = pending;
          pending = undefined;
          await run?.();
          return target.updateInterview(next, expectedVersion);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** The fixture interview with its first interviewer only, so its first step is due alone. */
function oneInterviewer(): Record<string, unknown> {
  const input = interviewInput(plannedAt);
  return { ...input, interviewers: (input.interviewers as unknown[]).slice(0, 1) };
}

async function setup() {
  const services = interviewServiceOn(store, plannedAt);
  const tenantId = newTenantId();
  const interview = await services.create(tenantId, interviewInputSchema.parse(oneInterviewer()));
  const step = interview.state.steps[0];
  if (!step) throw new Error('the plan has no steps');
  const payload: Extract<WakeupPayload, { kind: 'step' }> = {
    kind: 'step',
    tenantId,
    interviewId: interview.id,
    stepId: step.id,
  };
  const reject = () => services.postSignal(tenantId, interview.id, { type: 'rejected' });
  const stepNow = async () =>
    (await store.getInterview(tenantId, interview.id))?.state.steps.find((s) => s.id === step.id);
  return { interview, step, payload, reject, stepNow, tenantId };
}

describe('a signal racing a step dispatch', () => {
  it('landing while the event goes out, it finds the step fired and does not cancel it', async () => {
    const { interview, step, payload, reject, stepNow, tenantId } = await setup();
    const webhooks = new SentEvents();
    // The rejection arrives while the step's event is on its way to the endpoints: the window
    // in which an integrator already holds the event.
    webhooks.onFanOut = async () => {
      await reject();
    };
    const clock = new FixedClock(Temporal.Instant.from(step.dueAt));
    await createDispatcher({ store, clock, webhooks })(payload);

    expect(webhooks.sent).toEqual([stepEventId(tenantId, interview.id, step.id)]);
    expect((await stepNow())?.status).toBe('due');
    // The signal itself still took effect on everything that had not fired.
    const after = await store.getInterview(tenantId, interview.id);
    expect(after?.state.steps.some((s) => s.kind === 'feedback_request')).toBe(true);
    expect(
      after?.state.steps.filter((s) => s.id !== step.id && s.kind === 'thank_you'),
    ).not.toContainEqual(expect.objectContaining({ status: 'scheduled' }));
  });

  it('landing just before the claim, it cancels the step and nothing is sent', async () => {
    const { step, payload, reject, stepNow } = await setup();
    const webhooks = new SentEvents();
    const clock = new FixedClock(Temporal.Instant.from(step.dueAt));
    const racing = storeRunningBeforeNextUpdate(async () => {
      await reject();
    });
    await createDispatcher({ store: racing, clock, webhooks })(payload);

    expect(webhooks.sent).toEqual([]);
    expect((await stepNow())?.status).toBe('cancelled');
  });

  it('a crash after the claim, then a signal, still ends with the step fired and its event sent once', async () => {
    const { interview, step, payload, reject, stepNow, tenantId } = await setup();
    const clock = new FixedClock(Temporal.Instant.from(step.dueAt));
    const crashing = new SentEvents();
    crashing.onFanOut = async () => {
      throw new Error('process died (simulated)');
    };
    await expect(createDispatcher({ store, clock, webhooks: crashing })(payload)).rejects.toThrow(
      'process died',
    );
    await reject();
    expect((await stepNow())?.status).toBe('due');

    // The Scheduler's retry of the same wake-up finishes the publishing.
    const webhooks = new SentEvents();
    await createDispatcher({ store, clock, webhooks })(payload);
    expect(webhooks.sent).toEqual([stepEventId(tenantId, interview.id, step.id)]);
    const after = await store.getInterview(tenantId, interview.id);
    expect(after?.outbox ?? []).toEqual([]);
    expect((await stepNow())?.status).toBe('due');
  });
});
