import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { FixedClock } from '../../shared/clock';
import { eraseFollowUp, planFollowUps } from '../../shared/domain';
import { defaultPolicy, type FollowUpState, interviewInputSchema } from '../../shared/domain/model';
import {
  createDispatcher,
  type EventFanOut,
  type FanOutOptions,
  stepEventId,
} from '../../shared/scheduling/dispatcher';
import type { WakeupPayload } from '../../shared/scheduling/ports';
import type { EventPublisher } from '../../shared/service/events';
import { nextDueAt } from '../../shared/service/interview-service';
import type { DynamoStore } from '../../shared/store/dynamo-store';
import type { Store, StoredEvent, StoredInterview } from '../../shared/store/ports';
import { newTenantId, useDynaliteStore } from '../support/dynalite-store';
import { storedInterview } from '../support/interview-fixtures';
import { interviewInput } from '../support/runtime';

const plannedAt = Temporal.Instant.from('2030-01-07T15:00:00Z');

let store: DynamoStore;
useDynaliteStore('dispatch', plannedAt, (started) => {
  store = started;
});

/** Records what the dispatcher hands to the webhook side; `failFanOuts` makes fan-outs throw. */
class RecordingFanOut implements EventFanOut {
  readonly fannedOut: StoredEvent[] = [];
  /** Whether each fan-out call (failed ones too) was told the event was newly recorded. */
  readonly newlyRecorded: boolean[] = [];
  readonly deliveries: WakeupPayload[] = [];
  readonly endpointChecks: WakeupPayload[] = [];
  failFanOuts = 0;
  async fanOut(event: StoredEvent, options?: FanOutOptions): Promise<void> {
    this.newlyRecorded.push(options?.newlyRecorded === true);
    if (this.failFanOuts > 0) {
      this.failFanOuts--;
      throw new Error('fan-out failed (simulated)');
    }
    this.fannedOut.push(event);
  }
  async runDeliveryAttempt(payload: Extract<WakeupPayload, { kind: 'delivery' }>): Promise<void> {
    this.deliveries.push(payload);
  }
  async runEndpointCheck(payload: Extract<WakeupPayload, { kind: 'endpoint' }>): Promise<void> {
    this.endpointChecks.push(payload);
  }
}

class RecordingPublisher implements EventPublisher {
  readonly published: StoredEvent[] = [];
  failPublishes = 0;
  async publish(event: StoredEvent): Promise<void> {
    if (this.failPublishes > 0) {
      this.failPublishes--;
      throw new Error('publish failed (simulated)');
    }
    this.published.push(event);
  }
}

function setup(at: Temporal.Instant | string = plannedAt) {
  const clock = new FixedClock(typeof at === 'string' ? Temporal.Instant.from(at) : at);
  const webhooks = new RecordingFanOut();
  const events = new RecordingPublisher();
  const dispatch = createDispatcher({ store, clock, webhooks, events });
  return { clock, webhooks, events, dispatch };
}

/**
 * Stores an active interview whose plan was made at `plannedAt`, optionally changed. With one
 * interviewer (the default) its first step, a thank-you, is due alone; with two, the two
 * thank-yous are due at the same instant.
 */
async function storeInterview(
  change: (state: FollowUpState) => FollowUpState = (state) => state,
  interviewers: 1 | 2 = 1,
): Promise<StoredInterview> {
  const tenantId = newTenantId();
  const fixture = interviewInput(plannedAt);
  const input = interviewInputSchema.parse({
    ...fixture,
    interviewers: (fixture.interviewers as unknown[]).slice(0, interviewers),
  });
  const state = change({
    input,
    status: 'active',
    steps: planFollowUps(input, defaultPolicy, plannedAt),
  });
  const interview = storedInterview(tenantId, plannedAt, state);
  await store.createInterview(interview);
  return interview;
}

/** Stores an interview whose steps before the move-on all fired; returns it and its move-on. */
async function storeAtMoveOn() {
  const interview = await storeInterview((state) => ({
    ...state,
    steps: state.steps.map((step) =>
      step.kind === 'move_on' ? step : { ...step, status: 'due' as const },
    ),
  }));
  const moveOn = interview.state.steps.find((step) => step.kind === 'move_on');
  if (!moveOn) throw new Error('no move-on planned');
  return { interview, moveOn };
}

function payloadFor(
  interview: StoredInterview,
  stepId: string,
): Extract<WakeupPayload, { kind: 'step' }> {
  return { kind: 'step', tenantId: interview.tenantId, interviewId: interview.id, stepId };
}

function firstStep(interview: StoredInterview) {
  const step = interview.state.steps[0];
  if (!step) throw new Error('the plan has no steps');
  return step;
}

const oneSecondBefore = (at: string) => Temporal.Instant.from(at).subtract({ seconds: 1 });
const wellAfter = (at: string) => Temporal.Instant.from(at).add({ hours: 24 * 120 });

describe('wake-ups that change nothing', () => {
  it.each([
    {
      name: 'woken a second before the step is due',
      change: (state: FollowUpState) => state,
      clockAt: (dueAt: string) => oneSecondBefore(dueAt),
      stepId: undefined,
    },
    {
      name: 'the interview was erased',
      change: (state: FollowUpState) => eraseFollowUp(state, plannedAt).state,
      clockAt: wellAfter,
      stepId: undefined,
    },
    {
      name: 'the interview is closed (even with the step still scheduled)',
      change: (state: FollowUpState): FollowUpState => ({
        ...state,
        status: 'closed',
        closedReason: 'offer',
      }),
      clockAt: wellAfter,
      stepId: undefined,
    },
    {
      name: 'the step was re-planned away (unknown step id)',
      change: (state: FollowUpState) => state,
      clockAt: wellAfter,
      stepId: 'stp_nosuchstep000000000',
    },
    {
      name: 'the step already fired',
      change: (state: FollowUpState): FollowUpState => ({
        ...state,
        steps: state.steps.map((step, i) => (i === 0 ? { ...step, status: 'due' } : step)),
      }),
      clockAt: wellAfter,
      stepId: undefined,
    },
    {
      name: 'the step was cancelled by a signal',
      change: (state: FollowUpState): FollowUpState => ({
        ...state,
        steps: state.steps.map((step, i) => (i === 0 ? { ...step, status: 'cancelled' } : step)),
      }),
      clockAt: wellAfter,
      stepId: undefined,
    },
  ])('$name', async ({ change, clockAt, stepId }) => {
    const interview = await storeInterview(change);
    const step = firstStep(interview);
    const { dispatch, webhooks, events } = setup(clockAt(step.dueAt));

    await dispatch(payloadFor(interview, stepId ?? step.id));

    expect(await store.getInterview(interview.tenantId, interview.id)).toEqual(interview);
    expect(
      await store.getEvent(
        interview.tenantId,
        stepEventId(interview.tenantId, interview.id, step.id),
      ),
    ).toBeUndefined();
    expect(webhooks.fannedOut).toEqual([]);
    expect(events.published).toEqual([]);
  });

  it('an interview that does not exist (or belongs to another tenant)', async () => {
    const interview = await storeInterview();
    const step = firstStep(interview);
    const { dispatch, webhooks } = setup(wellAfter(step.dueAt));
    await dispatch({ ...payloadFor(interview, step.id), interviewId: 'int_missing' });
    await dispatch({ ...payloadFor(interview, step.id), tenantId: 'ten_someoneelse' });
    expect(webhooks.fannedOut).toEqual([]);
    expect((await store.getInterview(interview.tenantId, interview.id))?.version).toBe(1);
  });
});

describe('a due step', () => {
  it('fires at exactly its due time: marked due, one event, fanned out, index moved on', async () => {
    const interview = await storeInterview();
    const step = firstStep(interview);
    const { dispatch, webhooks } = setup(step.dueAt);

    await dispatch(payloadFor(interview, step.id));

    const stored = await store.getInterview(interview.tenantId, interview.id);
    expect(stored?.version).toBe(2);
    expect(stored?.eventSequence).toBe(2);
    expect(stored?.state.steps.find((s) => s.id === step.id)?.status).toBe('due');
    expect(stored?.nextDueAt).toBe(nextDueAt(stored?.state.steps ?? []));

    const id = stepEventId(interview.tenantId, interview.id, step.id);
    const event = await store.getEvent(interview.tenantId, id);
    expect(event).toMatchObject({
      id,
      type: `followup.${step.kind}`,
      timestamp: Temporal.Instant.from(step.dueAt).toString(),
      interviewId: interview.id,
      data: { sequence: 2, step: { id: step.id, kind: step.kind, dueAt: step.dueAt } },
    });
    expect(webhooks.fannedOut.map((e) => e.id)).toEqual([id]);
  });

  it('a fan-out failure leaves the claimed step due with its event in the outbox; the retry finishes it', async () => {
    const interview = await storeInterview();
    const step = firstStep(interview);
    const { dispatch, webhooks, clock } = setup(step.dueAt);
    webhooks.failFanOuts = 1;

    await expect(dispatch(payloadFor(interview, step.id))).rejects.toThrow('fan-out failed');
    const id = stepEventId(interview.tenantId, interview.id, step.id);
    const afterFailure = await store.getInterview(interview.tenantId, interview.id);
    // Claimed first: the step has fired, and its event waits in the outbox until delivered.
    expect(afterFailure?.state.steps.find((s) => s.id === step.id)?.status).toBe('due');
    expect(afterFailure?.outbox?.map((entry) => entry.event.id)).toEqual([id]);
    const recorded = await store.getEvent(interview.tenantId, id);
    expect(recorded).toBeDefined();

    // The Scheduler retries a little later: same event (same time, same sequence), now fanned out.
    clock.set(Temporal.Instant.from(step.dueAt).add({ minutes: 2 }));
    await dispatch(payloadFor(interview, step.id));
    expect(webhooks.fannedOut).toEqual([recorded]);
    // Only the run that recorded the event may skip looking for earlier deliveries.
    expect(webhooks.newlyRecorded).toEqual([true, false]);
    const stored = await store.getInterview(interview.tenantId, interview.id);
    expect(stored?.state.steps.find((s) => s.id === step.id)?.status).toBe('due');
    expect(stored?.eventSequence).toBe(2);
    // Clearing the outbox is housekeeping: the public version (the ETag) stays where the claim put it.
    expect(stored?.outbox).toBeUndefined();
    expect(stored?.version).toBe(2);
  });

  it('a concurrent change to the interview is re-read, not overwritten', async () => {
    const interview = await storeInterview();
    const step = firstStep(interview);
    const clock = new FixedClock(Temporal.Instant.from(step.dueAt));
    const webhooks = new RecordingFanOut();
    // Another writer (a signal, a PATCH) lands between the dispatcher's read and its write.
    let raced = false;
    const racingUpdate: Store['updateInterview'] = async (next, expectedVersion) => {
      if (!raced) {
        raced = true;
        const current = await store.getInterview(interview.tenantId, interview.id);
        if (!current) throw new Error('gone');
        await store.updateInterview(
          { ...current, version: current.version + 1, externalId: 'changed-meanwhile' },
          current.version,
        );
      }
      return store.updateInterview(next, expectedVersion);
    };
    const racingStore = new Proxy(store, {
      get(target, property) {
        if (property === 'updateInterview') return racingUpdate;
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const dispatch = createDispatcher({ store: racingStore, clock, webhooks });

    await dispatch(payloadFor(interview, step.id));

    const stored = await store.getInterview(interview.tenantId, interview.id);
    expect(stored?.version).toBe(3);
    expect(stored?.externalId).toBe('changed-meanwhile');
    expect(stored?.state.steps.find((s) => s.id === step.id)?.status).toBe('due');
    // The event goes out only after the claim won, so the lost race sent nothing.
    expect(webhooks.fannedOut.map((e) => e.id)).toEqual([
      stepEventId(interview.tenantId, interview.id, step.id),
    ]);
  });

  it('the move-on step closes the interview as exhausted and publishes interview.closed', async () => {
    const { interview, moveOn } = await storeAtMoveOn();
    const { dispatch, events } = setup(moveOn.dueAt);

    await dispatch(payloadFor(interview, moveOn.id));

    const stored = await store.getInterview(interview.tenantId, interview.id);
    expect(stored?.state).toMatchObject({ status: 'closed', closedReason: 'exhausted' });
    expect(stored?.nextDueAt).toBeUndefined();
    // One sequence number for the step event, the next for interview.closed.
    expect(stored?.eventSequence).toBe(3);
    expect(events.published).toHaveLength(1);
    expect(events.published[0]).toMatchObject({
      type: 'interview.closed',
      data: { status: 'closed', closedReason: 'exhausted', sequence: 3 },
    });
  });

  it('interview.closed is not lost when publishing it fails after the write', async () => {
    const { interview, moveOn } = await storeAtMoveOn();
    const { dispatch, events } = setup(moveOn.dueAt);
    events.failPublishes = 1;

    await expect(dispatch(payloadFor(interview, moveOn.id))).rejects.toThrow('publish failed');
    // The Scheduler's retry finds the step already due and publishes what was missed.
    await dispatch(payloadFor(interview, moveOn.id));

    expect(events.published.map((event) => event.type)).toEqual(['interview.closed']);
    expect(events.published[0]?.data).toMatchObject({ closedReason: 'exhausted', sequence: 3 });
    expect((await store.getInterview(interview.tenantId, interview.id))?.version).toBe(2);
  });
});

describe('steps due at the same instant', () => {
  /** An interview with two interviewers: its two thank-yous, due together. */
  async function storeWithTwoThankYous() {
    const interview = await storeInterview(undefined, 2);
    const [first, second] = interview.state.steps;
    if (!first || !second) throw new Error('the plan has fewer than two steps');
    expect([first.kind, second.kind]).toEqual(['thank_you', 'thank_you']);
    expect(second.dueAt).toBe(first.dueAt);
    const ids = [first, second].map((step) =>
      stepEventId(interview.tenantId, interview.id, step.id),
    );
    return { interview, first, second, ids };
  }

  it('are claimed in one write by the first wake-up, which sends both events', async () => {
    const { interview, first, second, ids } = await storeWithTwoThankYous();
    const { dispatch, webhooks } = setup(first.dueAt);

    await dispatch(payloadFor(interview, first.id));

    const stored = await store.getInterview(interview.tenantId, interview.id);
    expect(stored?.version).toBe(2);
    expect(stored?.eventSequence).toBe(3);
    expect(stored?.state.steps.slice(0, 2).map((step) => step.status)).toEqual(['due', 'due']);
    expect(stored?.outbox).toBeUndefined();
    expect(webhooks.fannedOut.map((event) => event.id)).toEqual(ids);
    expect(webhooks.fannedOut.map((event) => event.data.sequence)).toEqual([2, 3]);

    // The second step's own wake-up finds it fired and its event sent: no write, nothing sent.
    await dispatch(payloadFor(interview, second.id));
    expect(await store.getInterview(interview.tenantId, interview.id)).toEqual(stored);
    expect(webhooks.fannedOut).toHaveLength(2);
  });

  it('woken at once, send each event exactly once between them', async () => {
    const { interview, first, second, ids } = await storeWithTwoThankYous();
    const { dispatch, webhooks } = setup(first.dueAt);

    await Promise.all([
      dispatch(payloadFor(interview, first.id)),
      dispatch(payloadFor(interview, second.id)),
    ]);

    expect(webhooks.fannedOut.map((event) => event.id).sort()).toEqual([...ids].sort());
    const stored = await store.getInterview(interview.tenantId, interview.id);
    expect(stored?.state.steps.slice(0, 2).map((step) => step.status)).toEqual(['due', 'due']);
    expect(stored?.version).toBe(2);
    expect(stored?.outbox).toBeUndefined();
  });

  /**
   * The two thank-yous claimed by the first one's wake-up, whose run then failed to send either
   * event (as if it were still sending them): both entries wait in the outbox.
   */
  async function claimedButNotSent() {
    const stored = await storeWithTwoThankYous();
    const { interview, first } = stored;
    const { dispatch, webhooks } = setup(first.dueAt);
    webhooks.failFanOuts = 2;
    await expect(dispatch(payloadFor(interview, first.id))).rejects.toThrow('fan-out failed');
    const claimed = await store.getInterview(interview.tenantId, interview.id);
    return { ...stored, dispatch, webhooks, claimed };
  }

  it("leave a claim to the wake-up that made it: the other step's wake-up sends nothing", async () => {
    const { interview, first, second, ids, dispatch, webhooks, claimed } =
      await claimedButNotSent();
    expect(claimed?.outbox?.map((entry) => [entry.event.id, entry.claimedBy])).toEqual([
      [ids[0], first.id],
      [ids[1], first.id],
    ]);

    await dispatch(payloadFor(interview, second.id));
    expect(webhooks.fannedOut).toEqual([]);
    expect(await store.getInterview(interview.tenantId, interview.id)).toEqual(claimed);

    // The claimer's retry sends both, once each.
    await dispatch(payloadFor(interview, first.id));
    expect(webhooks.fannedOut.map((event) => event.id)).toEqual(ids);
    expect((await store.getInterview(interview.tenantId, interview.id))?.outbox).toBeUndefined();
  });

  it('relay an entry written before claims named their maker by its own step', async () => {
    const { interview, first, second, ids, dispatch, webhooks, claimed } =
      await claimedButNotSent();
    // Rewrite the entries as an older deploy wrote them: without `claimedBy`.
    if (!claimed?.outbox) throw new Error('the claim left no outbox');
    await store.rewriteInterviewOutbox({
      ...claimed,
      outbox: claimed.outbox.map(({ claimedBy: _named, ...entry }) => entry),
      revision: (claimed.revision ?? 0) + 1,
    });

    await dispatch(payloadFor(interview, second.id));
    expect(webhooks.fannedOut.map((event) => event.id)).toEqual([ids[1]]);
    await dispatch(payloadFor(interview, first.id));
    expect(webhooks.fannedOut.map((event) => event.id)).toEqual([ids[1], ids[0]]);
    expect((await store.getInterview(interview.tenantId, interview.id))?.outbox).toBeUndefined();
  });

  it('a move-on is claimed alone', async () => {
    const { interview, moveOn } = await storeAtMoveOn();
    const { dispatch, webhooks } = setup(moveOn.dueAt);
    await dispatch(payloadFor(interview, moveOn.id));
    expect(webhooks.fannedOut.map((event) => event.type)).toEqual(['followup.move_on']);
  });
});

describe('delivery wake-ups', () => {
  it('go to the webhook side untouched', async () => {
    const { dispatch, webhooks } = setup();
    const payload: WakeupPayload = {
      kind: 'delivery',
      tenantId: 'ten_a',
      eventId: 'evt_a',
      endpointId: 'whe_a',
      attempt: 3,
    };
    await dispatch(payload);
    expect(webhooks.deliveries).toEqual([payload]);
    expect(webhooks.endpointChecks).toEqual([]);
    expect(webhooks.fannedOut).toEqual([]);
  });

  it('and failure streak deadlines to its endpoint check, untouched', async () => {
    const { dispatch, webhooks } = setup();
    const payload: WakeupPayload = {
      kind: 'endpoint',
      tenantId: 'ten_a',
      endpointId: 'whe_a',
      failingSince: '2030-01-07T09:00:00Z',
    };
    await dispatch(payload);
    expect(webhooks.endpointChecks).toEqual([payload]);
    expect(webhooks.deliveries).toEqual([]);
    expect(webhooks.fannedOut).toEqual([]);
  });
});
