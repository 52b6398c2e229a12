/**
 * R1–R4: a thank-you (or a request for contact details) to every interviewer, and the
 * handwritten card after an on-site interview.
 */
import { Temporal } from 'temporal-polyfill';
import { describeDuration, describeLocalTime, holidayNote, type Placement } from '../calendar';
import { contactRequestRoute, interviewerChannel, recipientOf } from '../contacts';
import { contactRequestDraft, handwrittenNoteDraft, thankYouDraft } from '../drafts';
import type { Interviewer, StepKind } from '../model';
import {
  addDuration,
  isAfterDuration,
  laterOf,
  type PlanContext,
  placeWithIdeal,
  type RoundContext,
  shortDuration,
} from './context';
import { type AddStep, buildStep, normalizeName, personSlot } from './steps';

/**
 * Plans each interviewer's thank-you (or contact request) and card, skipping slots a re-plan
 * already filled. Returns the latest thank-you, sent or planned: check-ins count from it.
 */
export function planThankYous(context: RoundContext, add: AddStep): Temporal.Instant {
  const occurrences = new Map<string, number>();
  let lastThankYou = context.end;
  context.input.interviewers.forEach((person, index) => {
    const name = normalizeName(person.name);
    const occurrence = occurrences.get(name) ?? 0;
    occurrences.set(name, occurrence + 1);
    const sent = planThankYou(context, { person, index, occurrence }, add);
    if (sent) lastThankYou = laterOf(lastThankYou, sent);
  });
  return lastThankYou;
}

interface PlannedPerson {
  person: Interviewer;
  /** Position among the interviewers (draft variants differ per person). */
  index: number;
  /** Which namesake this is (0 for the first person of that name). */
  occurrence: number;
}

/** One interviewer's steps; returns when their thank-you goes (or went) out, if it does. */
function planThankYou(
  context: RoundContext,
  { person, index, occurrence }: PlannedPerson,
  add: AddStep,
): Temporal.Instant | undefined {
  const { input, policy, round, history } = context;
  const timeZone = person.timeZone ?? input.timeZone;
  const draftContext = {
    candidate: input.candidate,
    role: input.role,
    round,
    interviewer: person,
    index,
    seed: context.seed,
  };
  let sentAt: Temporal.Instant | undefined;

  // R3: the preferred channel when usable, else email, else LinkedIn, else ask the
  // recruiter — never a blind send.
  const channel = interviewerChannel(person, 'thank_you');
  const kind: StepKind = channel ? 'thank_you' : 'contact_info_needed';
  const slot = personSlot(round, kind, person.name, occurrence);
  const filled = history.filled.get(slot);
  if (filled) {
    sentAt = Temporal.Instant.from(filled.dueAt);
  } else if (channel) {
    const timing = thankYouTiming(context, context.end, timeZone);
    add(
      slot,
      buildStep(slot, {
        kind: 'thank_you',
        round,
        recipient: recipientOf(person),
        channel: channel.channel,
        at: timing.placement.at,
        deadline: timing.deadline,
        late: timing.late,
        skipped: timing.skipped,
        reason: `thank-you ${channel.why}: ${timing.reason}`,
        draft: thankYouDraft(draftContext),
      }),
      timing.ideal,
    );
    if (!timing.skipped) sentAt = timing.placement.at.toInstant();
  } else {
    // The request has the thank-you's timing and deadline (the note waits on the answer), in
    // the zone of whoever receives it: usually the recruiter, not the interviewer.
    const route = contactRequestRoute(input, person);
    const timing = thankYouTiming(context, context.end, route.timeZone);
    add(
      slot,
      buildStep(slot, {
        kind,
        round,
        recipient: route.recipient,
        channel: route.channel,
        at: timing.placement.at,
        deadline: timing.deadline,
        late: timing.late,
        skipped: timing.skipped,
        reason: `no email or LinkedIn profile for this interviewer: ${route.why}; ${timing.reason}`,
        draft: contactRequestDraft({ ...draftContext, recruiter: input.recruiter }),
        ...(route.regarding ? { regarding: route.regarding } : {}),
      }),
      timing.ideal,
    );
  }

  // A thank-you already going by post is the card; a second one would repeat it.
  if (input.format === 'onsite' && policy.handwrittenNote && channel?.channel !== 'mail') {
    const noteSlot = personSlot(round, 'handwritten_note', person.name, occurrence);
    if (!history.filled.has(noteSlot)) {
      const note = handwrittenNoteTiming(context, context.end, timeZone);
      add(
        noteSlot,
        buildStep(noteSlot, {
          kind: 'handwritten_note',
          round,
          recipient: recipientOf(person),
          channel: 'mail',
          at: note.at,
          skipped: note.skipped,
          reason: note.reason,
          draft: handwrittenNoteDraft(draftContext),
        }),
        context.end.toZonedDateTimeISO(timeZone),
      );
    }
  }
  return sentAt;
}

interface ThankYouTiming {
  placement: Placement;
  ideal: Temporal.ZonedDateTime;
  deadline: Temporal.Instant;
  late: boolean;
  /** So far past the deadline that sending would do more harm than good. */
  skipped: boolean;
  reason: string;
}

/**
 * R1: about an hour after the end, inside the thank-you window (which includes the early
 * evening), within the deadline — or flagged late, or skipped when hopelessly late.
 */
function thankYouTiming(
  context: PlanContext,
  end: Temporal.Instant,
  timeZone: string,
): ThankYouTiming {
  const { policy, now } = context;
  const localEnd = end.toZonedDateTimeISO(timeZone);
  const target = addDuration(end, policy.thankYouDelay, timeZone);
  const deadline = addDuration(end, policy.thankYouDeadline, timeZone);
  const placed = placeWithIdeal(context, target, timeZone, 'thank_you');
  // The next window may miss the deadline (a Friday evening end) while the window of the
  // interview's own day is still open after the end: then the note goes before it closes.
  const closing = closingMinute(context, end, target, deadline, timeZone);
  const placement =
    closing && isAfter(placed.placement.at, deadline) && !isAfter(now, closing.at)
      ? closing
      : placed.placement;
  const ideal = closing && isAfter(placed.ideal, deadline) ? closing.at : placed.ideal;
  const at = placement.at;
  const atInstant = at.toInstant();
  const late = placement.late || Temporal.Instant.compare(atInstant, deadline) > 0;
  const skipped = isAfterDuration(atInstant, end, policy.thankYouGiveUpAfter, timeZone);
  const deadlineText = shortDuration(policy.thankYouDeadline);
  const recorded = Temporal.Instant.compare(now, target) > 0 ? ' (planned after the fact)' : '';
  const where =
    at.epochMilliseconds === target.epochMilliseconds
      ? `${shortDuration(policy.thankYouDelay)} later, ${describeLocalTime(at)}, inside the thank-you window`
      : placement === closing
        ? `${shortDuration(policy.thankYouDelay)} later the thank-you window is closed and the next one is past the deadline, so just before it closes, ${describeLocalTime(at)}`
        : `next thank-you window ${describeLocalTime(at)}`;
  const verdict = skipped
    ? `; more than ${describeDuration(policy.thankYouGiveUpAfter)} after the interview, so it is skipped rather than sent this late`
    : late
      ? `; ${deadlineText} deadline missed, flagged late`
      : `; within the ${deadlineText} deadline`;
  return {
    placement,
    ideal,
    deadline,
    late,
    skipped,
    reason: `ends ${describeLocalTime(localEnd)} → ${where}${recorded}${verdict}${holidayNote(placement)}`,
  };
}

function isAfter(
  a: Temporal.ZonedDateTime | Temporal.Instant,
  b: Temporal.ZonedDateTime | Temporal.Instant,
): boolean {
  return a.epochMilliseconds > b.epochMilliseconds;
}

/**
 * R1 "if no window fits": the last whole minute of the thank-you window on the day the
 * interview ended, when `end + delay` (`target`) falls after that window closes but the window
 * is still open after the end, and that minute makes the deadline. Otherwise undefined (an
 * interview ending after the window, on a day without one, or recorded after the fact).
 */
function closingMinute(
  { calendar }: PlanContext,
  end: Temporal.Instant,
  target: Temporal.Instant,
  deadline: Temporal.Instant,
  timeZone: string,
): (Placement & { late: boolean; preferred: boolean }) | undefined {
  const rule = calendar.thankYou;
  const day = end.toZonedDateTimeISO(timeZone).toPlainDate();
  if (!rule.days.has(day.dayOfWeek) || calendar.holiday(day) !== undefined) return undefined;
  const close =
    rule.end === undefined
      ? day.add({ days: 1 }).toZonedDateTime({ timeZone })
      : day.toZonedDateTime({ timeZone, plainTime: rule.end });
  const last = close.subtract({ minutes: 1 });
  if (!isAfter(target, last) || isAfter(end, last) || isAfter(last, deadline)) return undefined;
  if (!calendar.inSendWindow(last, rule)) return undefined;
  return { at: last, skippedHolidays: [], late: false, preferred: false };
}

/**
 * The handwritten card after an on-site interview is written in the lobby right after it ends
 * and left at reception: due at the end, a task with no send window.
 */
function handwrittenNoteTiming(
  { policy, now }: PlanContext,
  end: Temporal.Instant,
  timeZone: string,
): { at: Temporal.ZonedDateTime; skipped: boolean; reason: string } {
  const at = laterOf(end, now).toZonedDateTimeISO(timeZone);
  const skipped = isAfterDuration(now, end, policy.thankYouGiveUpAfter, timeZone);
  const what =
    'on-site interview and the policy asks for a handwritten card: write it right after the interview and leave it at reception (optional, saying something other than the email)';
  const when = skipped
    ? `; recorded more than ${describeDuration(policy.thankYouGiveUpAfter)} after the interview, so it is skipped`
    : `; due when the interview ends, ${describeLocalTime(end.toZonedDateTimeISO(timeZone))}${Temporal.Instant.compare(now, end) > 0 ? ' (planned after the fact)' : ''}`;
  return { at, skipped, reason: `${what}${when}` };
}
