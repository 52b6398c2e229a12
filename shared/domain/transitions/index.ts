/**
 * State changes of a follow-up (R9 signals, step actions, re-plans, erasure). Each is a pure
 * function returning the new state and the steps whose wake-ups must be deleted (`cancelled`)
 * and created (`added`). Each reads a stored state of any earlier shape (`readFollowUpState`).
 *
 * - `reconcile.ts`: re-planning on top of history, and the helpers every transition shares;
 * - `signals.ts`: one rule per signal type (R9);
 * - `step-actions.ts`: complete, skip, snooze;
 * - `erase.ts`: erasure.
 */
import type { Temporal } from 'temporal-polyfill';
import { ValidationError } from '../../errors';
import { assertInterviewInterval, assertInterviewTime } from '../input-rules';
import { readFollowUpState, type StoredFollowUpState } from '../memory';
import type { FollowUpState, InterviewInput, PlanChange, Policy, Step } from '../model';
import { planContext, planRound } from '../plan';
import { assertOpen, reconcile } from './reconcile';

export { eraseFollowUp } from './erase';
export { applySignal } from './signals';
export { applyStepAction } from './step-actions';

/**
 * The steps of a new interview's plan (R1–R8), sorted by due time: all `scheduled`, except a
 * thank-you so late it is recorded as `skipped`. Pure: `now` keeps steps out of the past and
 * refuses interviews outside the policy's plannable time (ValidationError).
 */
export function planFollowUps(
  input: InterviewInput,
  policy: Policy,
  now: Temporal.Instant,
): Step[] {
  assertInterviewInterval(input.startsAt, input.endsAt);
  assertInterviewTime(input, policy, now);
  return planRound(planContext(policy, now), input).map((planned) => planned.step);
}

/** A new follow-up: active, with the plan as its steps. */
export function startFollowUp(
  input: InterviewInput,
  policy: Policy,
  now: Temporal.Instant,
): FollowUpState {
  return { input, status: 'active', steps: planFollowUps(input, policy, now) };
}

/**
 * Re-plans after the interview's input changed (PATCH). History is kept; scheduled steps the
 * new plan drops or moves are cancelled and their replacements added. What the plan remembers
 * (an employer reply, a pause) is kept. A pending rejection or withdrawal keeps its closing
 * note and plans no new check-ins.
 */
export function replan(
  stored: StoredFollowUpState,
  nextInput: InterviewInput,
  policy: Policy,
  now: Temporal.Instant,
): PlanChange {
  const state = readFollowUpState(stored);
  assertOpen(state, 're-plan');
  assertInterviewInterval(nextInput.startsAt, nextInput.endsAt);
  // An old interview may still be corrected (a typo in a name); only new times are judged.
  const moved =
    nextInput.startsAt !== state.input.startsAt || nextInput.endsAt !== state.input.endsAt;
  assertInterviewTime(nextInput, policy, now, { times: moved });
  if (nextInput.round !== state.input.round) {
    throw new ValidationError('A new round is started with a next_round signal', [
      {
        path: 'round',
        message: 'Use a next_round signal to change the round',
        code: 'invalid_value',
      },
    ]);
  }
  return reconcile(state, nextInput, planContext(policy, now), 'interview updated');
}
