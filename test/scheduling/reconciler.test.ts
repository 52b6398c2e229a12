/**
 * The reconciler's decisions on dynalite, with a clock the test sets, a recording scheduler and
 * a recording dispatch: overdue steps are dispatched, steps due within the look-ahead get their
 * wake-up ensured, steps inside the grace period and beyond the horizon are left alone, closed
 * interviews are skipped, one broken interview does not stop the sweep, and every page of the
 * due index is walked. Each test gets its own table, since the sweep spans all tenants.
 */

import { randomBytes } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoClient, type RunningDynalite, startDynalite } from '../../local/dynalite';
import { FixedClock } from '../../shared/clock';
import { planFollowUps } from '../../shared/domain';
import { defaultPolicy, type FollowUpState, interviewInputSchema } from '../../shared/domain/model';
import type { EventFanOut } from '../../shared/scheduling/dispatcher';
import { scheduleName } from '../../shared/scheduling/names';
import type { WakeupPayload } from '../../shared/scheduling/ports';
import { createReconciler } from '../../shared/scheduling/reconciler';
import type { EventPublisher } from '../../shared/service/events';
import { OutboxRelay } from '../../shared/service/outbox';
import { DynamoStore } from '../../shared/store/dynamo-store';
import type { StoredEvent, StoredInterview } from '../../shared/store/ports';
import { ensureTable } from '../../shared/store/table';
import { deadPublisher, interviewServiceOn, newTenantId } from '../support/dynalite-store';
import { storedInterview } from '../support/interview-fixtures';
import { captureOutput } from '../support/output-capture';
import { RecordingScheduler } from '../support/recording-scheduler';
import { interviewInput } from '../support/runtime';

const now = Temporal.Instant.from('2030-03-05T12:00:00Z');

let dynalite: RunningDynalite;
let client: DynamoDBClient;

beforeAll(async () => {
  dynalite = await startDynalite();
  client = createDynamoClient(dynalite.endpoint);
});

afterAll(async () => {
  client?.destroy();
  await dynalite?.close();
});

async function freshStore(): Promise<DynamoStore> {
  const tableName = `afterview-reconcile-${randomBytes(4).toString('hex')}`;
  await ensureTable(client, tableName);
  return new DynamoStore({ client, tableName, clock: new FixedClock(now) });
}

/**
 * Stores an active interview whose first step is due at `now + offset` and whose other steps
 * follow it (the plan's own spacing), optionally changed further.
 */
async function storeInterview(
  store: DynamoStore,
  offset: Temporal.DurationLike,
  change: (state: FollowUpState) => FollowUpState = (state) => state,
): Promise<StoredInterview> {
  const input = interviewInputSchema.parse(interviewInput(now));
  const planned = planFollowUps(input, defaultPolicy, now);
  const shift = now.add(offset).since(Temporal.Instant.from(planned[0]?.dueAt ?? now));
  const steps = planned.map((step) => ({
    ...step,
    dueAt: Temporal.Instant.from(step.dueAt).add(shift).toString(),
  }));
  const state = change({ input, status: 'active', steps });
  const interview = storedInterview(newTenantId(), now, state);
  await store.createInterview(interview);
  return interview;
}

/** Records what the reconciler's outbox relay publishes (queued) and fans out (inline). */
class RecordingOutboxSink implements EventPublisher, EventFanOut {
  readonly published: StoredEvent[] = [];
  readonly fannedOut: StoredEvent[] = [];
  async publish(event: StoredEvent): Promise<void> {
    this.published.push(event);
  }
  async fanOut(event: StoredEvent): Promise<void> {
    this.fannedOut.push(event);
  }
  async runDeliveryAttempt(): Promise<void> {}
  async runEndpointCheck(): Promise<void> {}
}

function setup(store: DynamoStore, failFor?: string, at: Temporal.Instant = now) {
  const scheduler = new RecordingScheduler();
  const dispatched: WakeupPayload[] = [];
  const sink = new RecordingOutboxSink();
  const reconcile = createReconciler({
    store,
    scheduler,
    clock: new FixedClock(at),
    outbox: new OutboxRelay({ store, publisher: sink, fanOut: sink }),
    dispatch: async (payload) => {
      if (payload.kind === 'step' && payload.interviewId === failFor) {
        throw new Error('dispatch failed (simulated)');
      }
      dispatched.push(payload);
    },
  });
  return { scheduler, dispatched, reconcile, sink };
}

const stepIdsOf = (payloads: WakeupPayload[]) =>
  payloads.map((payload) => (payload.kind === 'step' ? payload.stepId : ''));

describe('a sweep', () => {
  it.each([
    { where: 'two minutes overdue', offset: { minutes: -2 }, dispatched: true, ensured: false },
    { where: 'a month overdue', offset: { hours: -24 * 30 }, dispatched: true, ensured: false },
    {
      where: 'exactly at the grace limit',
      offset: { minutes: -1 },
      dispatched: true,
      ensured: false,
    },
    // Its schedule is probably firing right now: leave it to the schedule.
    {
      where: 'inside the grace period',
      offset: { seconds: -30 },
      dispatched: false,
      ensured: false,
    },
    { where: 'due this very instant', offset: { seconds: 0 }, dispatched: false, ensured: false },
    { where: 'due in ten minutes', offset: { minutes: 10 }, dispatched: false, ensured: true },
    { where: 'due at the horizon', offset: { minutes: 15 }, dispatched: false, ensured: true },
    { where: 'beyond the horizon', offset: { minutes: 16 }, dispatched: false, ensured: false },
  ])(
    'a first step $where: dispatched $dispatched, wake-up ensured $ensured',
    async ({ offset, dispatched: shouldDispatch, ensured: shouldEnsure }) => {
      const store = await freshStore();
      const interview = await storeInterview(store, offset);
      const first = interview.state.steps[0];
      if (!first) throw new Error('no steps planned');
      const { scheduler, dispatched, reconcile } = setup(store);

      const report = await reconcile();

      expect(stepIdsOf(dispatched).includes(first.id)).toBe(shouldDispatch);
      const payload = {
        kind: 'step' as const,
        tenantId: interview.tenantId,
        interviewId: interview.id,
        stepId: first.id,
      };
      expect(scheduler.active.has(scheduleName(payload))).toBe(shouldEnsure);
      if (shouldEnsure) {
        expect(scheduler.active.get(scheduleName(payload))).toEqual({
          name: scheduleName(payload),
          at: first.dueAt,
          payload,
        });
      }
      expect(report.failures).toBe(0);
    },
  );

  it('dispatches every overdue step of an interview, in due order, and nothing not yet due', async () => {
    const store = await freshStore();
    const interview = await storeInterview(store, { hours: -24 * 30 });
    const { dispatched, reconcile } = setup(store);

    const report = await reconcile();

    const overdue = interview.state.steps.filter(
      (step) => Temporal.Instant.compare(step.dueAt, now.subtract({ minutes: 1 })) <= 0,
    );
    expect(overdue.length).toBeGreaterThan(1);
    expect(stepIdsOf(dispatched)).toEqual(overdue.map((step) => step.id));
    expect(report).toMatchObject({ interviewsChecked: 1, overdueDispatched: overdue.length });
  });

  it('skips steps no longer scheduled and interviews no longer active', async () => {
    const store = await freshStore();
    const done = await storeInterview(store, { hours: -48 }, (state) => ({
      ...state,
      steps: state.steps.map((step, i) =>
        i === 0 ? { ...step, status: 'completed' as const } : step,
      ),
    }));
    // Closed, yet a stale index entry still lists it as due.
    await storeInterview(store, { hours: -48 }, (state) => ({
      ...state,
      status: 'closed',
      closedReason: 'offer',
    }));
    const { dispatched, scheduler, reconcile } = setup(store);

    const report = await reconcile();

    expect(stepIdsOf(dispatched)).not.toContain(done.state.steps[0]?.id);
    expect(
      dispatched.every((payload) => payload.kind === 'step' && payload.interviewId === done.id),
    ).toBe(true);
    expect(scheduler.calls).toEqual([]);
    expect(report.failures).toBe(0);
  });

  it('one interview failing does not stop the sweep; it is counted and retried next time', async () => {
    const store = await freshStore();
    const broken = await storeInterview(store, { hours: -2 });
    const healthy = await storeInterview(store, { hours: -1 });
    const { dispatched, reconcile } = setup(store, broken.id);
    const output = captureOutput();

    const report = await reconcile();

    output.restore();
    expect(output.logs()).toEqual([
      expect.objectContaining({ level: 'ERROR', interviewId: broken.id }),
    ]);
    expect(report.failures).toBe(1);
    expect(
      dispatched.some((payload) => payload.kind === 'step' && payload.interviewId === healthy.id),
    ).toBe(true);
  });

  it('walks every page of the due index', async () => {
    const store = await freshStore();
    const count = 130;
    const interviews = await Promise.all(
      Array.from({ length: count }, (_, i) => storeInterview(store, { minutes: -5 - i })),
    );
    const { dispatched, reconcile } = setup(store);

    const report = await reconcile();

    expect(report.interviewsChecked).toBe(count);
    const reached = new Set(
      dispatched.map((payload) => (payload.kind === 'step' ? payload.interviewId : '')),
    );
    expect(reached.size).toBe(count);
    for (const interview of interviews) expect(reached.has(interview.id)).toBe(true);
  });
});

describe('outbox entries left behind', () => {
  /** Creates an interview through the service with a publisher that dies before publishing. */
  async function createdWithoutPublishing(store: DynamoStore): Promise<StoredInterview> {
    const services = interviewServiceOn(store, now, deadPublisher);
    const input = interviewInputSchema.parse(interviewInput(now.add({ hours: 24 * 30 })));
    return services.create(newTenantId(), input);
  }

  it('are found through the due index and published once, after the grace period', async () => {
    const store = await freshStore();
    const interview = await createdWithoutPublishing(store);
    const stored = await store.getInterview(interview.tenantId, interview.id);
    expect(stored?.outbox?.map((entry) => entry.event.type)).toEqual(['interview.created']);

    // Within the grace period the writer may still be publishing: left alone.
    const early = setup(store, undefined, now.add({ seconds: 30 }));
    await early.reconcile();
    expect(early.sink.published).toEqual([]);

    const later = setup(store, undefined, now.add({ minutes: 2 }));
    const report = await later.reconcile();
    expect(report.outboxRelayed).toBe(1);
    expect(later.sink.published.map((event) => event.type)).toEqual(['interview.created']);
    expect(later.sink.published[0]?.data).toMatchObject({ interviewId: interview.id, sequence: 1 });
    const after = await store.getInterview(interview.tenantId, interview.id);
    expect(after?.outbox).toBeUndefined();
    // Housekeeping leaves the ETag alone.
    expect(after?.version).toBe(interview.version);

    const again = setup(store, undefined, now.add({ minutes: 3 }));
    await again.reconcile();
    expect(again.sink.published).toEqual([]);
  });

  it('are published for a closed interview too, and its entry leaves the due index', async () => {
    const store = await freshStore();
    const active = await storeInterview(store, { hours: 24 * 40 });
    const { nextDueAt: _none, ...rest } = active;
    const closedAt = now.toString();
    const closed: StoredInterview = {
      ...rest,
      version: 2,
      revision: 1,
      state: { ...active.state, status: 'closed', closedReason: 'offer' },
      outbox: [
        {
          delivery: 'queued',
          event: {
            tenantId: active.tenantId,
            id: `evt_closed_${active.id}`,
            type: 'interview.closed',
            timestamp: closedAt,
            interviewId: active.id,
            data: { interviewId: active.id, status: 'closed', sequence: 2 },
            createdAt: closedAt,
            expiresAt: 0,
          },
        },
      ],
    };
    await store.updateInterview(closed, 1);
    const due = await store.listDueInterviews(now.add({ minutes: 2 }).toString(), { limit: 10 });
    expect(due.items.map((ref) => ref.interviewId)).toEqual([active.id]);

    const { reconcile, sink, dispatched } = setup(store, undefined, now.add({ minutes: 2 }));
    await reconcile();
    expect(sink.published.map((event) => event.id)).toEqual([`evt_closed_${active.id}`]);
    expect(dispatched).toEqual([]);
    const none = await store.listDueInterviews(now.add({ hours: 24 * 400 }).toString(), {
      limit: 10,
    });
    expect(none.items).toEqual([]);
  });
});
