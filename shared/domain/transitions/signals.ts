/**
 * R9: employer and candidate signals, one rule per signal type. The rules are keyed by the
 * signal schema's types, so a signal added to `signalSchema` without a rule does not compile.
 *
 * A rejection or withdrawal leaves the interview active until its closing note is completed
 * or skipped, which then closes it with that reason.
 */
import { Temporal } from 'temporal-polyfill';
import { ConflictError, ValidationError } from '../../errors';
import { describeDuration, describeLocal, holidayNote } from '../calendar';
import { closingContact } from '../contacts';
import { feedbackRequestDraft, variantSeed, withdrawalNoticeDraft } from '../drafts';
import { assertInterviewInterval, assertInterviewTime, interviewTimeIssues } from '../input-rules';
import { readFollowUpState, type StoredFollowUpState, withMemory } from '../memory';
import {
  type FollowUpState,
  type InterviewInput,
  type PlanChange,
  type Policy,
  type Signal,
  type SignalType,
  type Step,
  signalTypes,
} from '../model';
import { buildStep, type PlanContext, placeInWindow, planContext, roundSlot } from '../plan';
import {
  byDueAt,
  cancelScheduled,
  pendingOutcome,
  reconcile,
  reopen,
  withUniqueId,
} from './reconcile';

type SignalOf<K extends SignalType> = Extract<Signal, { type: K }>;

interface SignalRule<K extends SignalType> {
  /** Still applies after the plan ran out and closed the interview (the employer may answer late). */
  afterExhausted: boolean;
  /** The change on an open interview (reopened if the plan had run out). */
  apply(open: FollowUpState, signal: SignalOf<K>, context: PlanContext): PlanChange;
}

/** This round's pending chasers: check-ins and the move-on (thank-yous still go out). */
function chasersOf(round: number) {
  return (step: Step) =>
    step.round === round && (step.kind === 'check_in' || step.kind === 'move_on');
}

const signalRules: { [K in SignalType]: SignalRule<K> } = {
  /**
   * Cancels pending check-ins and the move-on; with a new decision or follow-up date, plans
   * check-ins again from the reply (numbering continues, at most `maxCheckIns` per round);
   * without one, plans none.
   */
  employer_replied: {
    afterExhausted: true,
    apply(open, signal, context) {
      const { policy, now } = context;
      const withDates = signal.decisionExpectedBy !== undefined || signal.followUpOn !== undefined;
      const { steps, cancelled } = cancelScheduled(
        open.steps,
        now,
        'employer replied',
        chasersOf(open.input.round),
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
      const { pause, ...memory } = open.memory ?? {};
      const replied = withMemory(
        { ...open, steps },
        {
          ...memory,
          employerReply: { at: now.toString(), withDates },
          ...(pause && !withDates ? { pause } : {}),
        },
      );
      const change = reconcile(replied, nextInput, context, 'employer replied');
      return { ...change, cancelled: [...cancelled, ...change.cancelled] };
    },
  },
  /** Cancels everything pending and schedules a feedback request. */
  rejected: {
    afterExhausted: true,
    apply: (open, _signal, context) => closeWith(open, context, 'feedback_request'),
  },
  /** Cancels everything pending and schedules a withdrawal notice in the next send window. */
  withdrawn: {
    afterExhausted: true,
    apply: (open, _signal, context) => closeWith(open, context, 'withdrawal_notice'),
  },
  /** Closes the interview (`offer`) and cancels everything pending. */
  offer: {
    afterExhausted: true,
    apply(open, _signal, { now }) {
      const { steps, cancelled } = cancelScheduled(open.steps, now, 'offer received');
      return {
        state: { ...open, status: 'closed', closedReason: 'offer', steps },
        cancelled,
        added: [],
      };
    },
  },
  /**
   * Cancels this round's pending check-ins and move-on (thank-yous still go out) and plans the
   * new round: new thank-yous with new drafts, new check-ins. The new round remembers nothing
   * of the previous one.
   */
  next_round: {
    afterExhausted: true,
    apply(open, signal, context) {
      const { policy, now } = context;
      const round = open.input.round;
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
      const because = `round ${nextRound} started`;
      const { steps, cancelled } = cancelScheduled(open.steps, now, because, chasersOf(round));
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
      const change = reconcile(withMemory({ ...open, steps }, {}), nextInput, context, because);
      return { ...change, cancelled: [...cancelled, ...change.cancelled] };
    },
  },
  /** Moves the interview and re-plans its pending steps. */
  rescheduled: {
    afterExhausted: false,
    apply(open, signal, context) {
      assertInterviewInterval(signal.startsAt, signal.endsAt);
      const nextInput: InterviewInput = {
        ...open.input,
        startsAt: signal.startsAt,
        endsAt: signal.endsAt,
        timeZone: signal.timeZone ?? open.input.timeZone,
      };
      assertInterviewTime(nextInput, context.policy, context.now);
      return reconcile(open, nextInput, context, 'interview rescheduled');
    },
  },
  /**
   * "We'll know more after the holidays", a hiring freeze: open check-ins and the move-on of
   * the current round shift to `until` or later (numbering continues, so the rule of three
   * still holds); thank-yous are not affected. `until` must be a future date in the
   * interview's zone, and no further ahead than the policy lets an interview be. A later reply
   * with dates or a new round lifts the pause.
   */
  paused: {
    afterExhausted: false,
    apply(open, signal, context) {
      const { policy, now } = context;
      const today = now.toZonedDateTimeISO(open.input.timeZone);
      const until = Temporal.PlainDate.from(signal.until);
      if (Temporal.PlainDate.compare(until, today.toPlainDate()) <= 0) {
        throw new ValidationError('A pause lasts until a future date', [
          {
            path: 'until',
            message: `Must be after today (${today.toPlainDate()} in ${open.input.timeZone})`,
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
      const memory = open.memory ?? {};
      const paused = withMemory(open, {
        ...memory,
        ...(memory.employerReply
          ? { employerReply: { ...memory.employerReply, withDates: true } }
          : {}),
        pause: {
          until: signal.until,
          at: now.toString(),
          ...(signal.note ? { note: signal.note } : {}),
        },
      });
      return reconcile(
        paused,
        open.input,
        context,
        `employer paused the process until ${signal.until}`,
      );
    },
  },
};

/** Signals that still make sense after the plan ran out (the employer may answer late). */
const signalsAfterExhausted = new Set(
  signalTypes.filter((type) => signalRules[type].afterExhausted),
);

/**
 * Applies an employer or candidate signal (R9); see each rule in `signalRules`. A closed
 * interview takes none, except that one closed because the plan ran out takes the signals
 * marked `afterExhausted` (and is reopened). Once a rejection or withdrawal is pending, only
 * an offer or the same signal again (a no-op) applies.
 */
export function applySignal(
  stored: StoredFollowUpState,
  signal: Signal,
  policy: Policy,
  now: Temporal.Instant,
): PlanChange {
  const state = readFollowUpState(stored);
  if (state.status === 'closed') {
    if (state.closedReason !== 'exhausted' || !signalsAfterExhausted.has(signal.type)) {
      throw new ConflictError(
        `The interview is closed (${state.closedReason ?? 'closed'}); the ${signal.type} signal does not apply`,
      );
    }
  }
  const outcome = pendingOutcome(state);
  if (outcome && signal.type !== 'offer') {
    if (signal.type === outcome) return { state, cancelled: [], added: [] };
    throw new ConflictError(
      `The candidate was already ${outcome}; the ${signal.type} signal does not apply`,
    );
  }
  const rule = signalRules[signal.type] as SignalRule<SignalType>;
  return rule.apply(reopen(state), signal, planContext(policy, now));
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** A rejection or withdrawal: everything pending is cancelled and the closing note planned. */
function closeWith(
  open: FollowUpState,
  context: PlanContext,
  kind: 'feedback_request' | 'withdrawal_notice',
): PlanChange {
  const { steps, cancelled } = cancelScheduled(
    open.steps,
    context.now,
    kind === 'feedback_request' ? 'candidate rejected' : 'candidate withdrew',
  );
  const closing = withUniqueId(
    closingStep(open.input, context, kind),
    new Set(open.steps.map((step) => step.id)),
  );
  return {
    state: { ...open, steps: [...steps, closing].sort(byDueAt) },
    cancelled,
    added: [closing],
  };
}

/** A feedback request (R9, "after hearing the news") or withdrawal notice ("promptly"). */
function closingStep(
  input: InterviewInput,
  { policy, now, calendar }: PlanContext,
  kind: 'feedback_request' | 'withdrawal_notice',
): Step {
  const contact = closingContact(input);
  const seed = variantSeed(input.role.company, input.candidate.name, input.round, kind);
  const recipientName =
    contact.recipient.role === 'hiring_contact' ? undefined : contact.recipient.name;
  const draftContext = { candidate: input.candidate, role: input.role, recipientName, seed };
  // A feedback request waits the thank-you delay (a calm reply, not a reflex); a withdrawal
  // goes out in the very next window.
  const target =
    kind === 'feedback_request'
      ? now
          .toZonedDateTimeISO(contact.timeZone)
          .add(Temporal.Duration.from(policy.thankYouDelay))
          .toInstant()
      : now;
  const placement = placeInWindow(calendar, { target, notBefore: now, timeZone: contact.timeZone });
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
    reason: `${what} ${contact.why} in the next send window ${describeLocal(placement.at)}${holidayNote(placement)}`,
    draft:
      kind === 'feedback_request'
        ? feedbackRequestDraft(draftContext)
        : withdrawalNoticeDraft(draftContext),
  });
}
