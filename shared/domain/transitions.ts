/**
 * State changes of a follow-up (R9 signals, step actions, re-plans, erasure). Each is a pure
 * function returning the new state and the steps whose wake-ups must be deleted (`cancelled`)
 * and created (`added`).
 *
 * Ids: a step that moves gets a new id (see buildStep), so `cancelled` and `added` never share
 * an id and the scheduler can delete and create schedules in any order. Steps that are `due`,
 * `completed`, `skipped` or `cancelled` are history: only erasure touches them.
 */
import { Temporal } from 'temporal-polyfill';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { stableId } from '../ids';
import { describeDuration, describeLocal, SendCalendar } from './calendar';
import { closingContact } from './contacts';
import { feedbackRequestDraft, variantSeed, withdrawalNoticeDraft } from './drafts';
import { assertInterviewInterval, assertInterviewTime, interviewTimeIssues } from './input-rules';
import type {
  ClosedReason,
  FollowUpState,
  InterviewInput,
  PlanChange,
  Policy,
  Signal,
  Step,
  StepAction,
  StepKind,
} from './model';
import {
  buildStep,
  type PlanHistory,
  placeInWindow,
  planRound,
  roundSlot,
  slotsOf,
  windowForKind,
} from './plan';

/** Kinds the planner owns; closing notes come from signals and re-plans leave them alone. */
const plannedKinds = new Set<StepKind>([
  'thank_you',
  'contact_info_needed',
  'handwritten_note',
  'check_in',
  'move_on',
]);

/** Throws a ValidationError for input the schema cannot judge (e.g. endsAt before startsAt). */
export function assertPlannableInput(input: InterviewInput): void {
  assertInterviewInterval(input.startsAt, input.endsAt);
}

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
  assertPlannableInput(input);
  assertInterviewTime(input, policy, now);
  return planRound(input, policy, now).map((planned) => planned.step);
}

/** A new follow-up: active, with the plan as its steps. */
export function startFollowUp(
  input: InterviewInput,
  policy: Policy,
  now: Temporal.Instant,
): FollowUpState {
  return { input, status: 'active', steps: planFollowUps(input, policy, now) };
}

function cancel(step: Step, now: Temporal.Instant, reason: string): Step {
  return { ...step, status: 'cancelled', cancelledAt: now.toString(), cancelReason: reason };
}

function byDueAt(a: Step, b: Step): number {
  return Date.parse(a.dueAt) - Date.parse(b.dueAt);
}

function assertOpen(state: FollowUpState, what: string): void {
  if (state.status === 'closed') {
    throw new ConflictError(
      `The interview is closed (${state.closedReason ?? 'closed'}); cannot ${what}`,
    );
  }
}

/** The outcome a pending closing note stands for, if a rejection or withdrawal was signalled. */
function pendingOutcome(state: FollowUpState): ClosedReason | undefined {
  for (const step of state.steps) {
    if (step.status === 'cancelled') continue;
    if (step.kind === 'feedback_request') return 'rejected';
    if (step.kind === 'withdrawal_notice') return 'withdrawn';
  }
  return undefined;
}

interface ReconcileOptions {
  employerReply?: FollowUpState['employerReply'];
  pause?: FollowUpState['pause'];
  /** Why scheduled steps that the new plan drops or moves are cancelled. */
  because: string;
}

/**
 * Re-plans the current round of `nextInput` on top of `state`: slots already used by history
 * stay used, scheduled steps whose slot and due time still match are kept (content refreshed,
 * id and wake-up unchanged), the others are cancelled and replaced.
 */
function reconcile(
  state: FollowUpState,
  nextInput: InterviewInput,
  policy: Policy,
  now: Temporal.Instant,
  options: ReconcileOptions,
): PlanChange {
  const round = nextInput.round;
  const slots = slotsOf(state.steps);
  const replyAt = options.employerReply
    ? Temporal.Instant.from(options.employerReply.at)
    : undefined;
  const filled = new Map<string, Step>();
  const replaceable = new Map<string, Step>();
  for (const [step, slot] of slots) {
    if (step.round !== round || !plannedKinds.has(step.kind)) continue;
    // A move-on that fired before the employer's reply belongs to the previous sequence.
    if (step.kind === 'move_on' && replyAt && Temporal.Instant.compare(step.dueAt, replyAt) < 0) {
      continue;
    }
    // A snoozed step is pinned where the user put it.
    if (step.status === 'scheduled' && step.snoozedFrom === undefined) replaceable.set(slot, step);
    else filled.set(slot, step);
  }
  const history: PlanHistory = {
    filled,
    ...(replyAt && options.employerReply
      ? { employerReply: { at: replyAt, withDates: options.employerReply.withDates } }
      : {}),
    ...(pendingOutcome(state) ? { noCheckIns: true } : {}),
    ...(options.pause ? { pausedUntil: options.pause.until } : {}),
  };
  const planned = planRound(nextInput, policy, now, history);

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
      const gone = cancel(existing, now, `${options.because}: moved to ${step.localDueAt}`);
      replaced.set(existing.id, gone);
      cancelled.push(existing);
    }
    added.push(step);
  }
  for (const step of replaceable.values()) {
    if (kept.has(step)) continue;
    replaced.set(step.id, cancel(step, now, `${options.because}: no longer in the plan`));
    cancelled.push(step);
  }

  const steps = state.steps.map((step) => replaced.get(step.id) ?? step).concat(added);
  steps.sort(byDueAt);
  const next: FollowUpState = { ...state, input: nextInput, steps };
  if (options.employerReply) next.employerReply = options.employerReply;
  else delete next.employerReply;
  if (options.pause) next.pause = options.pause;
  else delete next.pause;
  return { state: next, cancelled, added };
}

/**
 * Re-plans after the interview's input changed (PATCH). History is kept; scheduled steps the
 * new plan drops or moves are cancelled and their replacements added. A pending rejection or
 * withdrawal keeps its closing note and plans no new check-ins.
 */
export function replan(
  state: FollowUpState,
  nextInput: InterviewInput,
  policy: Policy,
  now: Temporal.Instant,
): PlanChange {
  assertOpen(state, 're-plan');
  assertPlannableInput(nextInput);
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
  return reconcile(state, nextInput, policy, now, {
    ...(state.employerReply ? { employerReply: state.employerReply } : {}),
    ...(state.pause ? { pause: state.pause } : {}),
    because: 'interview updated',
  });
}

/**
 * A step moved back to a time it once had would get the id of its cancelled predecessor; ids
 * must stay unique within an interview (step actions and schedules address them), so such a
 * step is re-keyed deterministically.
 */
function withUniqueId(step: Step, taken: Set<string>): Step {
  let id = step.id;
  while (taken.has(id)) id = stableId('stp', id, 'again');
  taken.add(id);
  return id === step.id ? step : { ...step, id };
}

/** Cancels every scheduled step matching `which`. */
function cancelScheduled(
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

/** Signals that still make sense after the plan ran out (the employer may answer late). */
const signalsAfterExhausted = new Set<Signal['type']>([
  'employer_replied',
  'offer',
  'rejected',
  'withdrawn',
  'next_round',
]);

/**
 * Applies an employer or candidate signal (R9):
 * - `employer_replied`: cancels pending check-ins and the move-on; with a new decision or
 *   follow-up date, plans check-ins again from the reply (numbering continues, at most
 *   `maxCheckIns` per round); without one, plans none.
 * - `rejected`: cancels everything pending and schedules a feedback request.
 * - `withdrawn`: cancels everything pending and schedules a withdrawal notice in the next
 *   send window.
 * - `offer`: closes the interview (`offer`) and cancels everything pending.
 * - `next_round`: cancels this round's pending check-ins and move-on (thank-yous still go
 *   out) and plans the new round: new thank-yous with new drafts, new check-ins.
 * - `rescheduled`: moves the interview and re-plans its pending steps.
 * - `paused`: open check-ins and the move-on of the current round shift to `until` or later
 *   (numbering continues, so the rule of three still holds); thank-yous are not affected.
 *   A later reply with dates or a new round lifts the pause.
 *
 * A rejection or withdrawal leaves the interview active until its closing note is completed
 * or skipped, which then closes it with that reason.
 */
export function applySignal(
  state: FollowUpState,
  signal: Signal,
  policy: Policy,
  now: Temporal.Instant,
): PlanChange {
  if (state.status === 'closed') {
    if (state.closedReason !== 'exhausted' || !signalsAfterExhausted.has(signal.type)) {
      throw new ConflictError(
        `The interview is closed (${state.closedReason ?? 'closed'}); a ${signal.type} signal does not apply`,
      );
    }
  }
  const outcome = pendingOutcome(state);
  if (outcome && signal.type !== 'offer') {
    if (signal.type === outcome) return { state, cancelled: [], added: [] };
    throw new ConflictError(
      `The candidate was already ${outcome}; a ${signal.type} signal does not apply`,
    );
  }
  const open: FollowUpState = reopen(state);
  const round = open.input.round;

  switch (signal.type) {
    case 'employer_replied': {
      const withDates = signal.decisionExpectedBy !== undefined || signal.followUpOn !== undefined;
      const { steps, cancelled } = cancelScheduled(
        open.steps,
        now,
        'employer replied',
        (step) => step.round === round && (step.kind === 'check_in' || step.kind === 'move_on'),
      );
      const nextInput: InterviewInput = withDates
        ? {
            ...open.input,
            nextSteps: withoutUndefined({
              ...open.input.nextSteps,
              decisionExpectedBy: signal.decisionExpectedBy,
              followUpOn: signal.followUpOn,
            }),
          }
        : open.input;
      // The new dates obey the same bounds as an interview's own (paths name the signal's fields).
      const issues = interviewTimeIssues(nextInput, policy, now, { times: false });
      if (issues.length > 0) {
        throw new ValidationError(
          'The reply names dates too far ahead',
          issues.map((issue) => ({ ...issue, path: issue.path.replace(/^nextSteps\./, '') })),
        );
      }
      // A reply with new dates supersedes a pause; one without keeps it.
      const change = reconcile({ ...open, steps }, nextInput, policy, now, {
        employerReply: { at: now.toString(), withDates },
        ...(open.pause && !withDates ? { pause: open.pause } : {}),
        because: 'employer replied',
      });
      return { ...change, cancelled: [...cancelled, ...change.cancelled] };
    }
    case 'rejected':
    case 'withdrawn': {
      const rejected = signal.type === 'rejected';
      const { steps, cancelled } = cancelScheduled(
        open.steps,
        now,
        rejected ? 'candidate rejected' : 'candidate withdrew',
      );
      const closing = withUniqueId(
        closingStep(open.input, policy, now, rejected ? 'feedback_request' : 'withdrawal_notice'),
        new Set(open.steps.map((step) => step.id)),
      );
      return {
        state: { ...open, steps: [...steps, closing].sort(byDueAt) },
        cancelled,
        added: [closing],
      };
    }
    case 'offer': {
      const { steps, cancelled } = cancelScheduled(open.steps, now, 'offer received');
      return {
        state: { ...open, status: 'closed', closedReason: 'offer', steps },
        cancelled,
        added: [],
      };
    }
    case 'next_round': {
      const nextRound = signal.round ?? round + 1;
      if (nextRound <= round) {
        throw new ValidationError('The next round must come after the current one', [
          {
            path: 'round',
            message: `Must be greater than the current round ${round}`,
            code: 'too_small',
          },
        ]);
      }
      assertInterviewInterval(signal.startsAt, signal.endsAt);
      assertInterviewTime(
        {
          startsAt: signal.startsAt,
          endsAt: signal.endsAt,
          timeZone: signal.timeZone ?? open.input.timeZone,
          ...(signal.nextSteps ? { nextSteps: signal.nextSteps } : {}),
        },
        policy,
        now,
      );
      const { steps, cancelled } = cancelScheduled(
        open.steps,
        now,
        `round ${nextRound} started`,
        (step) => step.round === round && (step.kind === 'check_in' || step.kind === 'move_on'),
      );
      const nextInput: InterviewInput = {
        ...open.input,
        round: nextRound,
        format: signal.format ?? open.input.format,
        startsAt: signal.startsAt,
        endsAt: signal.endsAt,
        timeZone: signal.timeZone ?? open.input.timeZone,
        interviewers: signal.interviewers,
        nextSteps: signal.nextSteps ?? {},
      };
      const { employerReply: _previousRound, pause: _previousPause, ...rest } = open;
      const change = reconcile({ ...rest, steps }, nextInput, policy, now, {
        because: `round ${nextRound} started`,
      });
      return { ...change, cancelled: [...cancelled, ...change.cancelled] };
    }
    case 'rescheduled': {
      assertInterviewInterval(signal.startsAt, signal.endsAt);
      const nextInput: InterviewInput = {
        ...open.input,
        startsAt: signal.startsAt,
        endsAt: signal.endsAt,
        timeZone: signal.timeZone ?? open.input.timeZone,
      };
      assertInterviewTime(nextInput, policy, now);
      return reconcile(open, nextInput, policy, now, {
        ...(open.employerReply ? { employerReply: open.employerReply } : {}),
        ...(open.pause ? { pause: open.pause } : {}),
        because: 'interview rescheduled',
      });
    }
    case 'paused':
      return pause(open, signal, policy, now);
  }
}

/**
 * R9 `paused` ("we'll know more after the holidays", a hiring freeze): re-plans the current
 * round with no check-in or move-on before `until`. `until` must be a future date in the
 * interview's zone, and no further ahead than the policy lets an interview be.
 */
function pause(
  state: FollowUpState,
  signal: Extract<Signal, { type: 'paused' }>,
  policy: Policy,
  now: Temporal.Instant,
): PlanChange {
  const today = now.toZonedDateTimeISO(state.input.timeZone);
  const until = Temporal.PlainDate.from(signal.until);
  if (Temporal.PlainDate.compare(until, today.toPlainDate()) <= 0) {
    throw new ValidationError('A pause lasts until a future date', [
      {
        path: 'until',
        message: `Must be after today (${today.toPlainDate()} in ${state.input.timeZone})`,
        code: 'too_small',
      },
    ]);
  }
  if (Temporal.PlainDate.compare(until, today.add(policy.maxInterviewLead).toPlainDate()) > 0) {
    throw new ValidationError('A pause that long is not a pause', [
      {
        path: 'until',
        message: `Must be at most ${describeDuration(policy.maxInterviewLead)} from now (policy maxInterviewLead)`,
        code: 'too_big',
      },
    ]);
  }
  // A reply without dates stopped the check-ins; a pause names a date, so they resume after it.
  const reply = state.employerReply && { ...state.employerReply, withDates: true };
  return reconcile(state, state.input, policy, now, {
    ...(reply ? { employerReply: reply } : {}),
    pause: {
      until: signal.until,
      at: now.toString(),
      ...(signal.note ? { note: signal.note } : {}),
    },
    because: `employer paused the process until ${signal.until}`,
  });
}

function reopen(state: FollowUpState): FollowUpState {
  if (state.status === 'active') return state;
  const { closedReason: _closed, ...rest } = state;
  return { ...rest, status: 'active' };
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** A feedback request (R9, "after hearing the news") or withdrawal notice ("promptly"). */
function closingStep(
  input: InterviewInput,
  policy: Policy,
  now: Temporal.Instant,
  kind: 'feedback_request' | 'withdrawal_notice',
): Step {
  const calendar = new SendCalendar(policy);
  const contact = closingContact(input);
  const seed = variantSeed(input.role.company, input.candidate.name, input.round, kind);
  const recipientName =
    contact.recipient.role === 'hiring_contact' ? undefined : contact.recipient.name;
  const context = { candidate: input.candidate, role: input.role, recipientName, seed };
  // A feedback request waits the thank-you delay (a calm reply, not a reflex); a withdrawal
  // goes out in the very next window.
  const target =
    kind === 'feedback_request'
      ? now
          .toZonedDateTimeISO(contact.timeZone)
          .add(Temporal.Duration.from(policy.thankYouDelay))
          .toInstant()
      : now;
  const placement = placeInWindow(calendar, target, now, contact.timeZone);
  const what =
    kind === 'feedback_request'
      ? 'rejected → ask for feedback'
      : 'candidate withdrew → tell the employer promptly';
  return buildStep(roundSlot(input.round, kind), {
    kind,
    round: input.round,
    recipient: contact.recipient,
    channel: contact.channel,
    at: placement.at,
    reason: `${what} ${contact.why} in the next send window ${describeLocal(placement.at)}`,
    draft:
      kind === 'feedback_request' ? feedbackRequestDraft(context) : withdrawalNoticeDraft(context),
  });
}

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
  state: FollowUpState,
  stepId: string,
  action: StepAction,
  policy: Policy,
  now: Temporal.Instant,
): PlanChange {
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
  const calendar = new SendCalendar(policy);
  const placement = placeInWindow(calendar, target, now, step.timeZone, windowForKind(step.kind));
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
    reason: `snoozed ${how} → next window ${describeLocal(placement.at)}${late && !step.late ? '; past its deadline, flagged late' : ''} (was: ${step.reason})`,
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

const redacted = 'Redacted';
const redactedEmail = 'redacted@example.invalid';
const redactedLinkedin = 'https://www.linkedin.com/in/redacted';

/**
 * GDPR-style erasure: cancels every scheduled or due step, closes the interview (`erased`) and
 * replaces every piece of personal data — names, emails, phones, LinkedIn URLs, topics,
 * drafts, the external id — with placeholders. Fields that were absent stay absent. Role and
 * company are kept: they describe the job, not the person.
 */
export function eraseFollowUp(state: FollowUpState, now: Temporal.Instant): PlanChange {
  const { steps: cancelledSteps, cancelled } = cancelScheduled(state.steps, now, 'erased');
  // Steps that fired but were never reported done are closed too: nobody may act on them now.
  const closedSteps = cancelledSteps.map((step) =>
    step.status === 'due' ? cancel(step, now, 'erased') : step,
  );
  const { input } = state;
  const erasedInput: InterviewInput = {
    ...input,
    ...(input.externalId === undefined ? {} : { externalId: redacted }),
    candidate: {
      name: redacted,
      ...(input.candidate.email ? { email: redactedEmail } : {}),
      ...(input.candidate.phone ? { phone: redacted } : {}),
      ...(input.candidate.highlights
        ? { highlights: input.candidate.highlights.map(() => redacted) }
        : {}),
    },
    interviewers: input.interviewers.map((person, index) => ({
      ...person,
      name: `${redacted} ${index + 1}`,
      ...(person.email ? { email: redactedEmail } : {}),
      ...(person.linkedinUrl ? { linkedinUrl: redactedLinkedin } : {}),
      ...(person.topics ? { topics: person.topics.map(() => redacted) } : {}),
      ...(person.followUp ? { followUp: redacted } : {}),
    })),
    ...(input.recruiter
      ? {
          recruiter: {
            name: redacted,
            ...(input.recruiter.email ? { email: redactedEmail } : {}),
            ...(input.recruiter.phone ? { phone: redacted } : {}),
          },
        }
      : {}),
  };
  const steps = closedSteps.map((step): Step => {
    const { draft, regarding, ...rest } = step;
    return {
      ...rest,
      ...(regarding === undefined ? {} : { regarding: redacted }),
      recipient: {
        role: step.recipient.role,
        name: redacted,
        ...(step.recipient.email ? { email: redactedEmail } : {}),
        ...(step.recipient.linkedinUrl ? { linkedinUrl: redactedLinkedin } : {}),
      },
      ...(draft ? { draft: { subject: redacted, body: redacted } } : {}),
    };
  });
  const { pause, ...unpaused } = state;
  return {
    state: {
      ...unpaused,
      ...(pause ? { pause: { until: pause.until, at: pause.at } } : {}),
      input: erasedInput,
      status: 'closed',
      closedReason: 'erased',
      steps,
    },
    cancelled,
    added: [],
  };
}
