/**
 * The dispatcher: what runs when a wake-up fires. A schedule is only a wake-up call; DynamoDB is
 * the source of truth, so every invocation re-reads the interview and acts only when the step is
 * still scheduled, the interview still active and the step really due. A duplicate, stale, early
 * or late invocation therefore changes nothing.
 *
 * Order of work for a due step, chosen so the step's state and its event always agree and a
 * crash at any point loses nothing:
 *   1. claim: mark the step `due` and put its event (and `interview.closed`, when a fired
 *      `move_on` ends the sequence) in the interview's outbox, in one conditional write. From
 *      here on the step has fired: a signal or edit no longer cancels it, and one that landed
 *      first (cancelling the step) makes this write fail, so nothing is sent. Other steps due
 *      at the same instant (the thank-yous to each interviewer) are claimed in the same write:
 *      their wake-ups arrive together, and separate claims of one item would fail each other's
 *      conditions and cost a claim and a clear each. A wake-up that finds its step claimed by
 *      another step's run leaves the relay to that run (see `OutboxEntry.claimedBy`);
 *   2. record the event under its deterministic id (a re-run finds it, never duplicates it);
 *   3. fan it out: a first attempt to every subscribed endpoint that has no delivery yet, with a
 *      retry wake-up for each failure;
 *   4. clear the outbox entry (outbox housekeeping: the public version does not move).
 * A crash after step 1 leaves the entry in the outbox: a retried wake-up of the same step, or
 * the reconciler, finishes steps 2–4.
 */
import { Temporal } from 'temporal-polyfill';
import type { Clock } from '../clock';
import type { FollowUpState, Step } from '../domain/model';
import { nextDueAt } from '../domain/next-due';
import { WriteContentionError } from '../errors';
import { stableId } from '../ids';
import type { Metrics } from '../observability/metrics';
import {
  type EventPublisher,
  eventRetentionSeconds,
  interviewEvent,
  interviewEventId,
  StoreEventPublisher,
} from '../service/events';
import { OutboxRelay } from '../service/outbox';
import { optimisticWrite } from '../store/optimistic-write';
import type { OutboxEntry, Store, StoredEvent, StoredInterview } from '../store/ports';
import type { WakeupHandler, WakeupPayload } from './ports';

export interface FanOutOptions {
  /**
   * This very run recorded the event (its conditional put inserted it), so no earlier run got as
   * far as delivering it and there are no delivery states to look up.
   */
  newlyRecorded?: boolean;
}

/** The webhook side of dispatching, implemented by the delivery service. */
export interface EventFanOut {
  /**
   * Makes a first delivery attempt of `event` to every enabled, subscribed endpoint that has no
   * delivery for it yet, and schedules a retry for each failure. Throws only for infrastructure
   * failures, so that the wake-up is retried.
   */
  fanOut(event: StoredEvent, options?: FanOutOptions): Promise<void>;
  /** Performs one scheduled delivery retry; stale or duplicate wake-ups change nothing. */
  runDeliveryAttempt(payload: Extract<WakeupPayload, { kind: 'delivery' }>): Promise<void>;
  /**
   * The 5-day rule's deadline of a failure streak: disables the endpoint (and tells the tenant's
   * other endpoints) when that streak is still open; a streak a success ended changes nothing.
   */
  runEndpointCheck(payload: Extract<WakeupPayload, { kind: 'endpoint' }>): Promise<void>;
}

export interface DispatcherDeps {
  store: Store;
  clock: Clock;
  webhooks: EventFanOut;
  /**
   * Where `interview.closed` goes when a fired `move_on` ends the sequence; without it the
   * notice is only recorded.
   */
  events?: EventPublisher;
  /** Steps fired and their lateness after the due time. */
  metrics?: Metrics;
}

/** Deterministic event id of a step: every retry and redelivery carries the same `webhook-id`. */
export function stepEventId(tenantId: string, interviewId: string, stepId: string): string {
  return stableId('evt', tenantId, interviewId, stepId);
}

/** The summary of an interview that travels in every event, so receivers need not call back. */
function interviewSummary(record: StoredInterview): Record<string, unknown> {
  const { input, status, closedReason } = record.state;
  return {
    id: record.id,
    ...(record.externalId === undefined ? {} : { externalId: record.externalId }),
    status,
    ...(closedReason === undefined ? {} : { closedReason }),
    candidate: { name: input.candidate.name },
    role: input.role,
    round: input.round,
    format: input.format,
    endsAt: input.endsAt,
    timeZone: input.timeZone,
  };
}

/** The public view of a step inside an event. */
function stepSummary(step: Step): Record<string, unknown> {
  return {
    id: step.id,
    kind: step.kind,
    round: step.round,
    recipient: step.recipient,
    channel: step.channel,
    dueAt: step.dueAt,
    timeZone: step.timeZone,
    localDueAt: step.localDueAt,
    ...(step.deadline === undefined ? {} : { deadline: step.deadline }),
    ...(step.late === undefined ? {} : { late: step.late }),
    reason: step.reason,
    ...(step.draft === undefined ? {} : { draft: step.draft }),
  };
}

function buildStepEvent(
  record: StoredInterview,
  step: Step,
  sequence: number,
  now: Temporal.Instant,
): StoredEvent {
  const timestamp = now.toString();
  return {
    tenantId: record.tenantId,
    id: stepEventId(record.tenantId, record.id, step.id),
    type: `followup.${step.kind}`,
    timestamp,
    interviewId: record.id,
    data: { sequence, step: stepSummary(step), interview: interviewSummary(record) },
    createdAt: timestamp,
    expiresAt: Math.floor(now.epochMilliseconds / 1000) + eventRetentionSeconds,
  };
}

/** The state after `stepId` became due; a fired `move_on` ends the sequence (R7). */
function markDue(state: FollowUpState, stepId: string): FollowUpState {
  const steps = state.steps.map((s) => (s.id === stepId ? { ...s, status: 'due' as const } : s));
  const fired = steps.find((s) => s.id === stepId);
  if (fired?.kind === 'move_on') {
    return { ...state, status: 'closed', closedReason: 'exhausted', steps };
  }
  return { ...state, steps };
}

/**
 * The outbox relay the dispatcher and the reconciler share: step events are attempted inline,
 * `interview.*` notices queued.
 */
export function createWorkerOutbox(
  deps: Pick<DispatcherDeps, 'store' | 'webhooks' | 'events'>,
): OutboxRelay {
  return new OutboxRelay({
    store: deps.store,
    publisher: deps.events ?? new StoreEventPublisher(deps.store),
    fanOut: deps.webhooks,
  });
}

/** Builds the handler the Scheduler target (the `dispatch` Lambda, or the emulator) calls. */
export function createDispatcher(deps: DispatcherDeps): WakeupHandler {
  const { store, clock } = deps;
  const outbox = createWorkerOutbox(deps);

  async function dispatchStep(payload: Extract<WakeupPayload, { kind: 'step' }>): Promise<void> {
    // Someone else may change the interview meanwhile (another step of it firing at the same
    // instant, outbox housekeeping, a signal): the claim's write then fails, and the interview
    // is re-read and the step decided again.
    const claimed = await optimisticWrite(
      async (): Promise<{ record: StoredInterview; eventIds: string[] } | undefined> => {
        const record = await store.getInterview(payload.tenantId, payload.interviewId);
        const step = record?.state.steps.find((s) => s.id === payload.stepId);
        if (!record || !step) return undefined; // erased, or the step was re-planned away
        if (step.status === 'due') {
          // Claimed by an earlier run of this wake-up that may have died before publishing:
          // finish its work. Entries of other changes, and of claims another step's wake-up
          // made, are left to their writers and the reconciler.
          const eventIds = ownClaim(record, step);
          return eventIds.length > 0 ? { record, eventIds } : undefined;
        }
        if (record.state.status !== 'active' || step.status !== 'scheduled') return undefined;
        const now = clock.now();
        // Early wake-ups (clock skew, a stale schedule of a moved step) do nothing; the step's
        // own schedule, or the reconciler, brings it back at its time.
        if (Temporal.Instant.compare(Temporal.Instant.from(step.dueAt), now) > 0) return undefined;

        const group = claimGroup(record.state.steps, step);
        const { next, entries } = claim(record, group, step.id, now);
        await store.updateInterview(next, record.version);
        deps.metrics?.add('StepsFired', group.length);
        for (const fired of group) {
          deps.metrics?.add(
            'StepLateness',
            now.epochMilliseconds - Temporal.Instant.from(fired.dueAt).epochMilliseconds,
          );
        }
        return { record: next, eventIds: entries.map((entry) => entry.event.id) };
      },
      {
        // The wake-up fails and is retried.
        exhausted: (attempts) =>
          new WriteContentionError(
            `Step ${payload.stepId} could not be marked due after ${attempts} attempts`,
          ),
      },
    );
    if (claimed) await outbox.relay(claimed.record, claimed.eventIds);
  }

  return async (payload) => {
    if (payload.kind === 'step') await dispatchStep(payload);
    else if (payload.kind === 'endpoint') await deps.webhooks.runEndpointCheck(payload);
    else await deps.webhooks.runDeliveryAttempt(payload);
  };
}

/**
 * The steps a wake-up of `step` claims: the step, and every other scheduled step due at the same
 * instant, in plan order. A move-on is always claimed alone: it closes the interview.
 */
function claimGroup(steps: readonly Step[], step: Step): Step[] {
  if (step.kind === 'move_on') return [step];
  const at = Temporal.Instant.from(step.dueAt).epochMilliseconds;
  return steps.filter(
    (other) =>
      other.id === step.id ||
      (other.status === 'scheduled' &&
        other.kind !== 'move_on' &&
        Temporal.Instant.from(other.dueAt).epochMilliseconds === at),
  );
}

/**
 * The ids of the outbox entries a wake-up of the already claimed `step` relays: those its own
 * claim wrote, or, for an entry written before claims named their maker, the step's event (and
 * `interview.closed` after a move-on) as before.
 */
function ownClaim(record: StoredInterview, step: Step): string[] {
  const stepEvent = stepEventId(record.tenantId, record.id, step.id);
  const closedId = interviewEventId('interview.closed', record);
  const unnamed = new Set([stepEvent, ...(step.kind === 'move_on' ? [closedId] : [])]);
  return (record.outbox ?? [])
    .filter((entry) =>
      entry.claimedBy === undefined ? unnamed.has(entry.event.id) : entry.claimedBy === step.id,
    )
    .map((entry) => entry.event.id);
}

/**
 * The claim of due steps (the group of the `claimer` step's wake-up): the interview with the steps
 * marked `due` (closing it when the step is the move-on) and the events that must follow, each
 * naming the claimer, in its outbox behind any entries still pending there.
 */
function claim(
  record: StoredInterview,
  group: readonly Step[],
  claimer: string,
  now: Temporal.Instant,
): { next: StoredInterview; entries: OutboxEntry[] } {
  const state = group.reduce((current, step) => markDue(current, step.id), record.state);
  const closing = state.status === 'closed' && record.state.status === 'active';
  const { nextDueAt: _previousDue, outbox: pending = [], ...rest } = record;
  const fields: StoredInterview = {
    ...rest,
    state,
    version: record.version + 1,
    revision: (record.revision ?? 0) + 1,
    eventSequence: record.eventSequence + group.length + (closing ? 1 : 0),
    updatedAt: now.toString(),
  };
  const due = nextDueAt(state.steps);
  if (due !== undefined && state.status === 'active') fields.nextDueAt = due;
  const entries: OutboxEntry[] = group.map((step, i) => ({
    event: buildStepEvent(fields, step, record.eventSequence + 1 + i, now),
    delivery: 'inline',
    claimedBy: claimer,
  }));
  if (closing) {
    entries.push({
      event: interviewEvent(
        'interview.closed',
        fields,
        record.eventSequence + 1 + group.length,
        now,
      ),
      delivery: 'queued',
      claimedBy: claimer,
    });
  }
  return { next: { ...fields, outbox: [...pending, ...entries] }, entries };
}
