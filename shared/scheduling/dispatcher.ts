/**
 * The dispatcher: what runs when a wake-up fires. A schedule is only a wake-up call; DynamoDB is
 * the source of truth, so every invocation re-reads the interview and acts only when the step is
 * still scheduled, the interview still active and the step really due. A duplicate, stale, early
 * or late invocation therefore changes nothing.
 *
 * Order of work for a due step, chosen so a crash at any point loses nothing:
 *   1. record the step's event under a deterministic id (a re-run finds it, never duplicates it);
 *   2. fan it out: a first attempt to every subscribed endpoint that has no delivery yet, with a
 *      retry wake-up for each failure;
 *   3. mark the step `due` with a conditional write.
 * Until step 3 lands the step is still `scheduled`, so a retried invocation or the reconciler
 * redoes only what is missing.
 */
import { Temporal } from 'temporal-polyfill';
import type { Clock } from '../clock';
import type { FollowUpState, Step } from '../domain/model';
import { nextDueAt } from '../domain/next-due';
import { VersionConflictError } from '../errors';
import { stableId } from '../ids';
import type { Metrics } from '../observability/metrics';
import { type EventPublisher, eventRetentionSeconds, interviewEvent } from '../service/events';
import type { Store, StoredEvent, StoredInterview } from '../store/ports';
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
}

export interface DispatcherDeps {
  store: Store;
  clock: Clock;
  webhooks: EventFanOut;
  /** Where `interview.closed` goes when a fired `move_on` ends the sequence. */
  events?: EventPublisher;
  /** Attempts at the step's conditional write before giving up (the wake-up is then retried). */
  maxWriteAttempts?: number;
  /** Steps fired and their lateness after the due time. */
  metrics?: Metrics;
}

/** Deterministic event id of a step: every retry and redelivery carries the same `webhook-id`. */
export function stepEventId(tenantId: string, interviewId: string, stepId: string): string {
  return stableId('evt', tenantId, interviewId, stepId);
}

/** The summary of an interview that travels in every event, so receivers need not call back. */
export function interviewSummary(record: StoredInterview): Record<string, unknown> {
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
export function stepSummary(step: Step): Record<string, unknown> {
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

/** True when `step` is the fired move-on that ended the sequence and nothing changed since. */
function closedByThisStep(record: StoredInterview, step: Step): boolean {
  return (
    step.kind === 'move_on' &&
    step.status === 'due' &&
    record.state.status === 'closed' &&
    record.state.closedReason === 'exhausted'
  );
}

function eventSequence(event: StoredEvent): number {
  const sequence = event.data.sequence;
  return typeof sequence === 'number' ? sequence : 0;
}

/** Builds the handler the Scheduler target (the `dispatch` Lambda, or the emulator) calls. */
export function createDispatcher(deps: DispatcherDeps): WakeupHandler {
  const { store, clock, webhooks } = deps;
  const maxWriteAttempts = deps.maxWriteAttempts ?? 8;

  async function dispatchStep(payload: Extract<WakeupPayload, { kind: 'step' }>): Promise<void> {
    for (let attempt = 0; attempt < maxWriteAttempts; attempt++) {
      const record = await store.getInterview(payload.tenantId, payload.interviewId);
      const step = record?.state.steps.find((s) => s.id === payload.stepId);
      if (!record || !step) return; // erased, or the step was re-planned away
      if (closedByThisStep(record, step)) {
        // An earlier run wrote the close but may have died before publishing interview.closed.
        // Its id is deterministic, so publishing again records nothing twice.
        await deps.events?.publish(
          interviewEvent(
            'interview.closed',
            record,
            record.eventSequence,
            Temporal.Instant.from(record.updatedAt),
          ),
        );
        return;
      }
      if (record.state.status !== 'active' || step.status !== 'scheduled') return;
      const now = clock.now();
      // Early wake-ups (clock skew, a stale schedule of a moved step) do nothing; the step's
      // own schedule, or the reconciler, brings it back at its time.
      if (Temporal.Instant.compare(Temporal.Instant.from(step.dueAt), now) > 0) return;

      const candidate = buildStepEvent(record, step, record.eventSequence + 1, now);
      const inserted = await store.putEvent(candidate);
      const event = inserted
        ? candidate
        : ((await store.getEvent(record.tenantId, candidate.id)) ?? candidate);
      await webhooks.fanOut(event, { newlyRecorded: inserted });

      const state = markDue(record.state, step.id);
      const next: StoredInterview = {
        ...record,
        state,
        version: record.version + 1,
        eventSequence: Math.max(record.eventSequence, eventSequence(event)),
        updatedAt: now.toString(),
      };
      const due = nextDueAt(state.steps);
      if (due === undefined || state.status !== 'active') delete next.nextDueAt;
      else next.nextDueAt = due;
      const closing = state.status === 'closed' && record.state.status === 'active';
      if (closing) next.eventSequence += 1;
      try {
        await store.updateInterview(next, record.version);
        deps.metrics?.add('StepsFired');
        deps.metrics?.add(
          'StepLateness',
          now.epochMilliseconds - Temporal.Instant.from(step.dueAt).epochMilliseconds,
        );
        if (closing)
          await deps.events?.publish(
            interviewEvent('interview.closed', next, next.eventSequence, now),
          );
        return;
      } catch (error) {
        if (!(error instanceof VersionConflictError)) throw error;
        // Someone else changed the interview meanwhile: re-read and decide again.
      }
    }
    throw new VersionConflictError(
      `Step ${payload.stepId} could not be marked due after ${maxWriteAttempts} attempts`,
    );
  }

  return async (payload) => {
    if (payload.kind === 'step') await dispatchStep(payload);
    else await webhooks.runDeliveryAttempt(payload);
  };
}
