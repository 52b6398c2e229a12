/**
 * What every transition shares: cancelling steps, keeping ids unique, and re-planning the
 * current round on top of a state's history (`reconcile`).
 *
 * Ids: a step that moves gets a new id (see buildStep), so `cancelled` and `added` never share
 * an id and the scheduler can delete and create schedules in any order. Steps that are `due`,
 * `completed`, `skipped` or `cancelled` are history: only erasure touches them.
 */
import { Temporal } from 'temporal-polyfill';
import { ConflictError } from '../../errors';
import { stableId } from '../../ids';
import { recalled } from '../memory';
import type {
  ClosedReason,
  FollowUpState,
  InterviewInput,
  PlanChange,
  Step,
  StepKind,
} from '../model';
import { type PlanContext, type PlanHistory, planRound, slotsOf } from '../plan';

/** Kinds the planner owns; closing notes come from signals and re-plans leave them alone. */
const plannedKinds = new Set<StepKind>([
  'thank_you',
  'contact_info_needed',
  'handwritten_note',
  'check_in',
  'move_on',
]);

/** Kinds that thank the interviewers for one interview: they follow it when it moves. */
const thankYouKinds = new Set<StepKind>(['thank_you', 'handwritten_note']);

export function cancel(step: Step, now: Temporal.Instant, reason: string): Step {
  return { ...step, status: 'cancelled', cancelledAt: now.toString(), cancelReason: reason };
}

export function byDueAt(a: Step, b: Step): number {
  return Date.parse(a.dueAt) - Date.parse(b.dueAt);
}

export function assertOpen(state: FollowUpState, what: string): void {
  if (state.status === 'closed') {
    throw new ConflictError(
      `The interview is closed (${state.closedReason ?? 'closed'}); cannot ${what}`,
    );
  }
}

/** The outcome a pending closing note stands for, if a rejection or withdrawal was signalled. */
export function pendingOutcome(state: FollowUpState): ClosedReason | undefined {
  for (const step of state.steps) {
    if (step.status === 'cancelled') continue;
    if (step.kind === 'feedback_request') return 'rejected';
    if (step.kind === 'withdrawal_notice') return 'withdrawn';
  }
  return undefined;
}

export function reopen(state: FollowUpState): FollowUpState {
  if (state.status === 'active') return state;
  const { closedReason: _closed, ...rest } = state;
  return { ...rest, status: 'active' };
}

/**
 * A step moved back to a time it once had would get the id of its cancelled predecessor; ids
 * must stay unique within an interview (step actions and schedules address them), so such a
 * step is re-keyed deterministically.
 */
export function withUniqueId(step: Step, taken: Set<string>): Step {
  let id = step.id;
  while (taken.has(id)) id = stableId('stp', id, 'again');
  taken.add(id);
  return id === step.id ? step : { ...step, id };
}

/** Cancels every scheduled step matching `which`. */
export function cancelScheduled(
  steps: readonly Step[],
  now: Temporal.Instant,
  reason: string,
  which: (step: Step) => boolean = () => true,
): { steps: Step[]; cancelled: Step[] } {
  const cancelled: Step[] = [];
  const next = steps.map((step) => {
    if (step.status !== 'scheduled' || !which(step)) return step;
    cancelled.push(step);
    return cancel(step, now, reason);
  });
  return { steps: next, cancelled };
}

/**
 * Re-plans the current round of `nextInput` on top of `state`: slots already used by history
 * stay used, scheduled steps whose slot and due time still match are kept (content refreshed,
 * id and wake-up unchanged), the others are cancelled and replaced. What the state remembers
 * (`memory`) shapes the plan and is kept as it is. `because` says why scheduled steps the new
 * plan drops or moves are cancelled.
 */
export function reconcile(
  state: FollowUpState,
  nextInput: InterviewInput,
  context: PlanContext,
  because: string,
): PlanChange {
  const { now } = context;
  const round = nextInput.round;
  const remembered = recalled(state);
  const replyAt = remembered.employerReply?.at;
  const filled = new Map<string, Step>();
  const replaceable = new Map<string, Step>();
  // R1 after a `rescheduled` (or a PATCH) to a later time: a thank-you or card due before the
  // interview now starts was for the earlier time. One that went out fills no slot (history,
  // the new end gets its own); one still scheduled is moved even if it was snoozed.
  const start = Date.parse(nextInput.startsAt);
  const forEarlierTime = (step: Step) =>
    step.round === round && thankYouKinds.has(step.kind) && Date.parse(step.dueAt) < start;
  const current = state.steps.filter(
    (step) => step.status === 'scheduled' || !forEarlierTime(step),
  );
  for (const [step, slot] of slotsOf(current)) {
    if (step.round !== round || !plannedKinds.has(step.kind)) continue;
    // A move-on that fired before the employer's reply belongs to the previous sequence.
    if (step.kind === 'move_on' && replyAt && Temporal.Instant.compare(step.dueAt, replyAt) < 0) {
      continue;
    }
    // A snoozed step is pinned where the user put it (unless it is before the interview).
    if (step.status === 'scheduled' && (step.snoozedFrom === undefined || forEarlierTime(step))) {
      replaceable.set(slot, step);
    } else {
      filled.set(slot, step);
    }
  }
  const history: PlanHistory = {
    filled,
    ...remembered,
    ...(pendingOutcome(state) ? { noCheckIns: true } : {}),
  };
  const planned = planRound(context, nextInput, history);

  const replaced = new Map<string, Step>();
  const cancelled: Step[] = [];
  const added: Step[] = [];
  const kept = new Set<Step>();
  const taken = new Set(state.steps.map((step) => step.id));
  for (const { slot, step: plannedStep, idealDueAt } of planned) {
    const step = withUniqueId(plannedStep, taken);
    const existing = replaceable.get(slot);
    if (existing && (existing.dueAt === step.dueAt || existing.dueAt === idealDueAt)) {
      kept.add(existing);
      replaced.set(existing.id, {
        ...step,
        id: existing.id,
        dueAt: existing.dueAt,
        localDueAt: existing.localDueAt,
        timeZone: existing.timeZone,
      });
      continue;
    }
    if (existing) {
      kept.add(existing);
      const gone = cancel(existing, now, `${because}: moved to ${step.localDueAt}`);
      replaced.set(existing.id, gone);
      cancelled.push(existing);
    }
    added.push(step);
  }
  for (const step of replaceable.values()) {
    if (kept.has(step)) continue;
    replaced.set(step.id, cancel(step, now, `${because}: no longer in the plan`));
    cancelled.push(step);
  }

  const steps = state.steps.map((step) => replaced.get(step.id) ?? step).concat(added);
  steps.sort(byDueAt);
  return { state: { ...state, input: nextInput, steps }, cancelled, added };
}
