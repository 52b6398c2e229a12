/** Completing, skipping and snoozing one step. */
import { Temporal } from 'temporal-polyfill';
import { ConflictError, NotFoundError, ValidationError } from '../../errors';
import { stableId } from '../../ids';
import { describeDuration, describeLocal, holidayNote } from '../calendar';
import { readFollowUpState, type StoredFollowUpState } from '../memory';
import type { FollowUpState, PlanChange, Policy, Step, StepAction } from '../model';
import { placeInWindow, planContext, windowForKind } from '../plan';
import { assertOpen, byDueAt, cancel } from './reconcile';

/**
 * Completes, skips or snoozes one open step (`scheduled` or `due`); a step that is completed,
 * skipped or cancelled is a ConflictError for every action. Snoozing moves the step (by a
 * duration from its due time — or from now when that has passed —, or until an instant) into
 * the next window of its recipient and gives it a new id, so an event already delivered for
 * the old one is never confused with the new one. The old step is cancelled when it had not
 * fired yet; a `due` step (its event went out) becomes `skipped` with `supersededBy` naming the
 * new one, never `cancelled`. Completing or skipping the last open closing note of
 * a rejection or withdrawal closes the interview with that reason.
 */
export function applyStepAction(
  stored: StoredFollowUpState,
  stepId: string,
  action: StepAction,
  policy: Policy,
  now: Temporal.Instant,
): PlanChange {
  const state = readFollowUpState(stored);
  const index = state.steps.findIndex((step) => step.id === stepId);
  const step = state.steps[index];
  if (!step) throw new NotFoundError(`No step ${stepId}`);
  assertOpen(state, `${action.type} a step`);
  if (step.status !== 'scheduled' && step.status !== 'due') {
    throw new ConflictError(
      `Step ${stepId} is ${step.status}, no longer open; it cannot be ${pastTense[action.type]}`,
    );
  }

  if (action.type === 'complete' || action.type === 'skip') {
    const status = action.type === 'complete' ? 'completed' : 'skipped';
    const done: Step = {
      ...step,
      status,
      ...(status === 'completed' ? { completedAt: now.toString() } : {}),
    };
    const steps = state.steps.map((candidate) => (candidate === step ? done : candidate));
    const next: FollowUpState = { ...state, steps };
    // Steps left `due` are not waited for: integrations often never report them.
    if (step.kind === 'feedback_request' || step.kind === 'withdrawal_notice') {
      next.status = 'closed';
      next.closedReason = step.kind === 'feedback_request' ? 'rejected' : 'withdrawn';
    }
    return { state: next, cancelled: step.status === 'scheduled' ? [step] : [], added: [] };
  }

  const { target, how } = snoozeTarget(action, step, now);
  const placement = placeInWindow(planContext(policy, now).calendar, {
    target,
    notBefore: now,
    timeZone: step.timeZone,
    window: windowForKind(step.kind),
  });
  const dueAt = placement.at.toInstant().toString();
  const late =
    step.late === true ||
    (step.deadline !== undefined && Temporal.Instant.compare(dueAt, step.deadline) > 0);
  const moved: Step = {
    ...step,
    id: stableId('stp', step.id, 'snooze', dueAt),
    status: 'scheduled',
    dueAt,
    localDueAt: placement.at.toString({ timeZoneName: 'never' }),
    snoozedFrom: step.snoozedFrom ?? step.dueAt,
    reason: `snoozed ${how} → next window ${describeLocal(placement.at)}${holidayNote(placement)}${late && !step.late ? '; past its deadline, flagged late' : ''} (was: ${step.reason})`,
    ...(late ? { late: true } : {}),
  };
  // A step that has not fired is cancelled (its wake-up is deleted). One that fired keeps the
  // fact that its event went out: it is closed as `skipped`, pointing at its replacement, so
  // no step with an event ever ends up `cancelled`.
  const old: Step =
    step.status === 'due'
      ? { ...step, status: 'skipped', supersededBy: moved.id }
      : cancel(step, now, `snoozed; replaced by ${moved.id}`);
  const steps = state.steps.map((candidate) => (candidate === step ? old : candidate));
  steps.push(moved);
  steps.sort(byDueAt);
  return {
    state: { ...state, steps },
    cancelled: step.status === 'scheduled' ? [step] : [],
    added: [moved],
  };
}

const pastTense: Record<StepAction['type'], string> = {
  complete: 'completed',
  skip: 'skipped',
  snooze: 'snoozed',
};

/**
 * Where a snooze aims, and how the reason says it: `by` counts from the step's due time, or
 * from now when the step is already due (moving it into the past would send it at once).
 */
function snoozeTarget(
  action: Extract<StepAction, { type: 'snooze' }>,
  step: Step,
  now: Temporal.Instant,
): { target: Temporal.Instant; how: string } {
  if ((action.by === undefined) === (action.until === undefined)) {
    throw new ValidationError('Snooze needs exactly one of `by` or `until`', [
      {
        path: 'by',
        message: 'Give either `by` (a duration) or `until` (an instant)',
        code: 'invalid_union',
      },
    ]);
  }
  if (action.by !== undefined) {
    const due = Temporal.Instant.from(step.dueAt);
    const fromDue = Temporal.Instant.compare(due, now) >= 0;
    const base = (fromDue ? due : now).toZonedDateTimeISO(step.timeZone);
    return {
      target: base.add(Temporal.Duration.from(action.by)).toInstant(),
      how: `by ${describeDuration(action.by)} from ${fromDue ? 'its due time' : 'now'}, ${describeLocal(base)}`,
    };
  }
  const until = Temporal.Instant.from(action.until as string);
  if (Temporal.Instant.compare(until, now) <= 0) {
    throw new ValidationError('Snooze until a time in the future', [
      { path: 'until', message: 'Must be in the future', code: 'too_small' },
    ]);
  }
  return { target: until, how: `until ${describeLocal(until.toZonedDateTimeISO(step.timeZone))}` };
}
