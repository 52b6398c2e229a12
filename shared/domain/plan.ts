/**
 * The follow-up plan (R1–R8): a pure function of (interview, policy, now, history). Every
 * step lands in a send window of its recipient's time zone and says why it is where it is.
 */
import { Temporal } from 'temporal-polyfill';
import { stableId } from '../ids';
import {
  describeDays,
  describeDuration,
  describeLocal,
  describeLocalTime,
  formatInstant,
  formatZoned,
  type Placement,
  SendCalendar,
} from './calendar';
import { checkInContact, contactRequestRoute, interviewerChannel, recipientOf } from './contacts';
import {
  checkInDraft,
  checkInPoints,
  contactRequestDraft,
  handwrittenNoteDraft,
  thankYouDraft,
  variantSeed,
} from './drafts';
import type { Channel, Draft, InterviewInput, Policy, Recipient, Step, StepKind } from './model';

/** R8: how long after the employer's ideal start date we consider it "clearly passed". */
export const idealStartGraceDays = 7;

/** A planned step with the key of the plan slot it fills (stable across re-plans). */
export interface PlannedStep {
  slot: string;
  step: Step;
  /** The due instant before it was clamped to `now`; a re-plan keeps a step that still matches. */
  idealDueAt: string;
}

/** What a re-plan already knows about the current round. */
export interface PlanHistory {
  /** Steps that fill a slot already (sent, completed, skipped, or pinned by a snooze). */
  filled: ReadonlyMap<string, Step>;
  /** The employer replied: with dates, check-ins restart from `at`; without, they stop. */
  employerReply?: { at: Temporal.Instant; withDates: boolean };
  /** No check-ins or move-on at all (e.g. a rejection or withdrawal is pending). */
  noCheckIns?: boolean;
  /** The employer paused the process: no check-in or move-on before this date. */
  pausedUntil?: string;
}

const emptyHistory: PlanHistory = { filled: new Map() };

// Policies repeat (tenant defaults); so do their calendars.
const calendars = new WeakMap<Policy, SendCalendar>();
function calendarFor(policy: Policy): SendCalendar {
  let calendar = calendars.get(policy);
  if (!calendar) {
    calendar = new SendCalendar(policy);
    calendars.set(policy, calendar);
  }
  return calendar;
}

// Policy durations are a handful of strings parsed over and over; parse each once.
const durations = new Map<string, Temporal.Duration>();
export function durationOf(text: string): Temporal.Duration {
  let duration = durations.get(text);
  if (!duration) {
    duration = Temporal.Duration.from(text);
    durations.set(text, duration);
  }
  return duration;
}

export function normalizeName(name: string): string {
  return name.trim().toLowerCase().replace(/\s+/g, ' ');
}

/** Slot key of an interviewer-bound step: round, kind, person (and which namesake). */
export function personSlot(round: number, kind: StepKind, name: string, occurrence: number) {
  return `${round}|${kind}|${normalizeName(name)}#${occurrence}`;
}

export function checkInSlot(round: number, checkInNumber: number): string {
  return `${round}|check_in|${checkInNumber}`;
}

export function roundSlot(round: number, kind: StepKind): string {
  return `${round}|${kind}`;
}

/**
 * Slot keys for existing steps, computed the same way the planner computes them, so a
 * re-plan can tell which planned step an existing one corresponds to. Cancelled steps fill no
 * slot and get none.
 */
export function slotsOf(steps: readonly Step[]): Map<Step, string> {
  const seen = new Map<string, number>();
  const slots = new Map<Step, string>();
  for (const step of steps) {
    // A fired step that was snoozed gave its slot to the copy that replaced it (as a cancelled
    // one does), so the plan keeps counting from the replacement's time.
    if (step.status === 'cancelled' || step.supersededBy !== undefined) continue;
    // A contact request addressed to the recruiter is still about one interviewer.
    const person =
      step.regarding ?? (step.recipient.role === 'interviewer' ? step.recipient.name : undefined);
    if (step.kind === 'check_in') {
      slots.set(step, checkInSlot(step.round, step.checkInNumber ?? 0));
    } else if (person !== undefined && perPersonKinds.has(step.kind)) {
      const base = `${step.round}|${step.kind}|${normalizeName(person)}`;
      const occurrence = seen.get(base) ?? 0;
      seen.set(base, occurrence + 1);
      slots.set(step, personSlot(step.round, step.kind, person, occurrence));
    } else {
      slots.set(step, roundSlot(step.round, step.kind));
    }
  }
  return slots;
}

const perPersonKinds = new Set<StepKind>(['thank_you', 'contact_info_needed', 'handwritten_note']);

function laterOf(a: Temporal.Instant, b: Temporal.Instant): Temporal.Instant {
  return Temporal.Instant.compare(a, b) >= 0 ? a : b;
}

function hasCalendarUnits(duration: Temporal.Duration): boolean {
  return (
    duration.years !== 0 || duration.months !== 0 || duration.weeks !== 0 || duration.days !== 0
  );
}

/**
 * `from` plus `duration`. Days, weeks and months are added on the wall clock of `timeZone`
 * (a day across a DST switch is 23 or 25 hours); hours and minutes are exact elapsed time. Only
 * the first needs the (costly) zoned arithmetic.
 */
export function addDuration(
  from: Temporal.Instant,
  text: string,
  timeZone: string,
): Temporal.Instant {
  const duration = durationOf(text);
  if (!hasCalendarUnits(duration)) return from.add(duration);
  return from.toZonedDateTimeISO(timeZone).add(duration).toInstant();
}

/** Whole days a duration spans from `from` (calendar-aware: `P3M` from March is 92 days). */
function spanDays(text: string, fromInstant: Temporal.Instant, timeZone: string): number {
  const duration = durationOf(text);
  if (duration.years === 0 && duration.months === 0) {
    const hours = duration.hours + duration.minutes / 60 + duration.seconds / 3600;
    return duration.weeks * 7 + duration.days + Math.round(hours / 24);
  }
  const from = fromInstant.toZonedDateTimeISO(timeZone);
  const to = from.add(duration);
  return Math.max(0, Math.round((to.epochMilliseconds - from.epochMilliseconds) / 86_400_000));
}

/** `1 h`, `24 h` for whole hours; otherwise words (`3 days`). Never a raw ISO duration. */
export function shortDuration(iso: string): string {
  const duration = durationOf(iso);
  const onlyHours =
    duration.hours > 0 &&
    !hasCalendarUnits(duration) &&
    duration.minutes === 0 &&
    duration.seconds === 0;
  return onlyHours ? `${duration.hours} h` : describeDuration(iso);
}

function holidayNote(placement: Placement): string {
  return placement.skippedHolidays.length > 0
    ? `; skips public holiday ${placement.skippedHolidays.join(', ')}`
    : '';
}

interface StepFields {
  kind: StepKind;
  round: number;
  recipient: Recipient;
  channel: Channel;
  at: Temporal.ZonedDateTime;
  deadline?: Temporal.Instant;
  late?: boolean;
  reason: string;
  draft?: Draft;
  checkInNumber?: number;
  regarding?: string;
  /** Recorded as skipped at once (a thank-you far past its deadline): no wake-up. */
  skipped?: boolean;
}

/**
 * A scheduled step. The id hashes the slot and the due instant: re-planning a step to the same
 * time keeps its id (and its schedule), moving it gives a new id, so a cancelled wake-up and
 * its replacement never share a name and a delivered event id is never reused.
 */
export function buildStep(slot: string, fields: StepFields): Step {
  const dueAt = formatInstant(fields.at.toInstant());
  return {
    id: stableId('stp', slot, dueAt),
    kind: fields.kind,
    status: fields.skipped ? 'skipped' : 'scheduled',
    round: fields.round,
    recipient: fields.recipient,
    channel: fields.channel,
    dueAt,
    timeZone: fields.at.timeZoneId,
    localDueAt: formatZoned(fields.at),
    ...(fields.deadline ? { deadline: formatInstant(fields.deadline) } : {}),
    ...(fields.late ? { late: true } : {}),
    reason: fields.reason,
    ...(fields.draft ? { draft: fields.draft } : {}),
    ...(fields.checkInNumber === undefined ? {} : { checkInNumber: fields.checkInNumber }),
    ...(fields.regarding === undefined ? {} : { regarding: fields.regarding }),
  };
}

/**
 * Which window a message waits for: thank-yous have their own (evening included), check-ins
 * prefer Tue/Wed mornings when we pick the date, everything else uses the send window.
 */
export type WindowKind = 'send' | 'thank_you' | 'check_in';

/** The window a step of `kind` is placed in when it is moved (e.g. snoozed). */
export function windowForKind(kind: StepKind): WindowKind {
  return kind === 'thank_you' ? 'thank_you' : 'send';
}

/**
 * Places `target` into the next window of `kind`, never before `now`. When no window exists
 * within a year (a policy whose only send day is always a holiday), the step keeps its target
 * time and is flagged late so nothing is silently dropped.
 */
export function placeInWindow(
  calendar: SendCalendar,
  target: Temporal.Instant,
  now: Temporal.Instant,
  timeZone: string,
  kind: WindowKind = 'send',
): Placement & { late: boolean; preferred: boolean } {
  const from = laterOf(target, now);
  const found =
    kind === 'check_in'
      ? calendar.nextCheckInWindow(from, timeZone)
      : calendar.nextWindow(
          from,
          timeZone,
          kind === 'thank_you' ? calendar.thankYou : calendar.send,
        );
  if (found) return { preferred: false, ...found, late: false };
  return {
    at: from.toZonedDateTimeISO(timeZone),
    skippedHolidays: [],
    late: true,
    preferred: false,
  };
}

/**
 * Plans the current round of `input`. `history` lets a re-plan skip slots already used and
 * anchor later steps on what really happened; a fresh plan passes none.
 */
export function planRound(
  input: InterviewInput,
  policy: Policy,
  now: Temporal.Instant,
  history: PlanHistory = emptyHistory,
): PlannedStep[] {
  const calendar = calendarFor(policy);
  const round = input.round;
  const end = Temporal.Instant.from(input.endsAt);
  const seed = variantSeed(input.role.company, input.role.title, input.candidate.name, round);
  const planned: PlannedStep[] = [];
  const occurrences = new Map<string, number>();
  /** The latest thank-you (sent or planned): check-ins count from it. */
  let lastThankYou: Temporal.Instant = end;

  const add = (slot: string, step: Step, ideal: Temporal.ZonedDateTime) => {
    planned.push({ slot, step, idealDueAt: formatInstant(ideal.toInstant()) });
  };

  input.interviewers.forEach((person, index) => {
    const name = normalizeName(person.name);
    const occurrence = occurrences.get(name) ?? 0;
    occurrences.set(name, occurrence + 1);
    const timeZone = person.timeZone ?? input.timeZone;
    const timing = thankYouTiming(calendar, policy, end, now, timeZone);
    const draftContext = {
      candidate: input.candidate,
      role: input.role,
      round,
      interviewer: person,
      index,
      seed,
    };

    // R3: the preferred channel when usable, else email, else LinkedIn, else ask the
    // recruiter — never a blind send.
    const channel = interviewerChannel(person, 'thank_you');
    const kind: StepKind = channel ? 'thank_you' : 'contact_info_needed';
    const slot = personSlot(round, kind, person.name, occurrence);
    const filled = history.filled.get(slot);
    if (filled) {
      lastThankYou = laterOf(lastThankYou, Temporal.Instant.from(filled.dueAt));
    } else if (channel) {
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
      if (!timing.skipped) lastThankYou = laterOf(lastThankYou, timing.placement.at.toInstant());
    } else {
      const route = contactRequestRoute(input);
      add(
        slot,
        buildStep(slot, {
          kind,
          round,
          recipient: route.recipient ?? recipientOf(person),
          channel: route.channel,
          at: timing.placement.at,
          deadline: timing.deadline,
          late: timing.late,
          skipped: timing.skipped,
          reason: `no email or LinkedIn profile for this interviewer: ${route.why}; ${timing.reason}`,
          draft: contactRequestDraft({ ...draftContext, recruiter: input.recruiter }),
          ...(route.recipient ? { regarding: person.name } : {}),
        }),
        timing.ideal,
      );
    }

    // A thank-you already going by post is the card; a second one would repeat it.
    if (input.format === 'onsite' && policy.handwrittenNote && channel?.channel !== 'mail') {
      const noteSlot = personSlot(round, 'handwritten_note', person.name, occurrence);
      if (!history.filled.has(noteSlot)) {
        const note = handwrittenNoteTiming(policy, end, now, timeZone);
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
          end.toZonedDateTimeISO(timeZone),
        );
      }
    }
  });

  if (!history.noCheckIns && !(history.employerReply && !history.employerReply.withDates)) {
    planCheckIns(input, policy, calendar, now, history, lastThankYou, seed, add);
  }
  planned.sort((a, b) => Date.parse(a.step.dueAt) - Date.parse(b.step.dueAt));
  return planned;
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
  calendar: SendCalendar,
  policy: Policy,
  end: Temporal.Instant,
  now: Temporal.Instant,
  timeZone: string,
): ThankYouTiming {
  const localEnd = end.toZonedDateTimeISO(timeZone);
  const target = addDuration(end, policy.thankYouDelay, timeZone);
  const deadline = addDuration(end, policy.thankYouDeadline, timeZone);
  const giveUp = addDuration(end, policy.thankYouGiveUpAfter, timeZone);
  const placement = placeInWindow(calendar, target, now, timeZone, 'thank_you');
  const idealPlacement =
    Temporal.Instant.compare(now, target) > 0
      ? placeInWindow(calendar, target, target, timeZone, 'thank_you')
      : placement;
  const at = placement.at;
  const late = placement.late || Temporal.Instant.compare(at.toInstant(), deadline) > 0;
  const skipped = Temporal.Instant.compare(at.toInstant(), giveUp) > 0;
  const deadlineText = shortDuration(policy.thankYouDeadline);
  const recorded = Temporal.Instant.compare(now, target) > 0 ? ' (planned after the fact)' : '';
  const where =
    at.epochMilliseconds === target.epochMilliseconds
      ? `${shortDuration(policy.thankYouDelay)} later, ${describeLocalTime(at)}, inside the thank-you window`
      : `next thank-you window ${describeLocalTime(at)}`;
  const verdict = skipped
    ? `; more than ${describeDuration(policy.thankYouGiveUpAfter)} after the interview, so it is skipped rather than sent this late`
    : late
      ? `; ${deadlineText} deadline missed, flagged late`
      : `; within the ${deadlineText} deadline`;
  return {
    placement,
    ideal: idealPlacement.at,
    deadline,
    late,
    skipped,
    reason: `ends ${describeLocalTime(localEnd)} → ${where}${recorded}${verdict}${holidayNote(placement)}`,
  };
}

/**
 * The handwritten card after an on-site interview is written in the lobby right after it ends
 * and left at reception: due at the end, a task with no send window.
 */
function handwrittenNoteTiming(
  policy: Policy,
  end: Temporal.Instant,
  now: Temporal.Instant,
  timeZone: string,
): { at: Temporal.ZonedDateTime; skipped: boolean; reason: string } {
  const at = laterOf(end, now).toZonedDateTimeISO(timeZone);
  const giveUp = addDuration(end, policy.thankYouGiveUpAfter, timeZone);
  const skipped = Temporal.Instant.compare(now, giveUp) > 0;
  const what =
    'on-site interview and the policy asks for a handwritten card: write it right after the interview and leave it at reception (optional, saying something other than the email)';
  const when = skipped
    ? `; recorded more than ${describeDuration(policy.thankYouGiveUpAfter)} after the interview, so it is skipped`
    : `; due when the interview ends, ${describeLocalTime(end.toZonedDateTimeISO(timeZone))}${Temporal.Instant.compare(now, end) > 0 ? ' (planned after the fact)' : ''}`;
  return { at, skipped, reason: `${what}${when}` };
}

type AddStep = (slot: string, step: Step, ideal: Temporal.ZonedDateTime) => void;

/** The latest day no check-in may precede, and how a reason says so. */
interface CheckInFloor {
  date: Temporal.PlainDate;
  /** `they are away until 2026-03-20`. */
  why: string;
  /** `their return on 2026-03-20`: what a move-on counts from. */
  from: string;
}

function checkInFloor(input: InterviewInput, history: PlanHistory): CheckInFloor | undefined {
  const floors: CheckInFloor[] = [];
  const away = input.nextSteps.unavailableUntil;
  if (away) {
    floors.push({
      date: Temporal.PlainDate.from(away),
      why: `the decision maker is away until ${away}`,
      from: `their return on ${away}`,
    });
  }
  if (history.pausedUntil) {
    floors.push({
      date: Temporal.PlainDate.from(history.pausedUntil),
      why: `the employer paused the process until ${history.pausedUntil}`,
      from: `the end of the pause on ${history.pausedUntil}`,
    });
  }
  return floors.sort((a, b) => Temporal.PlainDate.compare(b.date, a.date))[0];
}

/** R5–R8: first check-in from the employer's timeline, later ones spaced out, then move on. */
function planCheckIns(
  input: InterviewInput,
  policy: Policy,
  calendar: SendCalendar,
  now: Temporal.Instant,
  history: PlanHistory,
  lastThankYou: Temporal.Instant,
  seed: number,
  add: AddStep,
): void {
  const round = input.round;
  const contact = checkInContact(input);
  const zone = contact.timeZone;
  const end = Temporal.Instant.from(input.endsAt);
  const { nextSteps } = input;
  const checkInStart = calendar.checkIn?.start ?? calendar.send.start;

  // R6: a long process is not chased every two weeks; spread the check-ins over it.
  const cadenceDays = spanDays(policy.checkInCadence, end, zone);
  const processDays = nextSteps.processLength ? spanDays(nextSteps.processLength, end, zone) : 0;
  const spreadDays =
    policy.maxCheckIns > 0 && processDays > 0 ? Math.ceil(processDays / policy.maxCheckIns) : 0;
  const spacingDays = Math.max(cadenceDays, spreadDays);
  const spacingNote =
    spreadDays > cadenceDays && nextSteps.processLength
      ? `a process of ${describeDuration(nextSteps.processLength)} → check-ins spaced ${spacingDays} days apart`
      : `every ${spacingDays} days`;

  const minimumFirst = addDuration(end, policy.minFirstCheckInAfter, zone);
  const cutoff = nextSteps.idealStartDate
    ? Temporal.PlainDate.from(nextSteps.idealStartDate).add({ days: idealStartGraceDays })
    : undefined;
  const floor = checkInFloor(input, history);
  const floorAt = floor
    ? floor.date.toZonedDateTime({ timeZone: zone, plainTime: checkInStart }).toInstant()
    : undefined;
  const points = checkInPoints({
    candidate: input.candidate,
    topic: contact.topic,
    recipientIndex: input.interviewers.findIndex(
      (person) =>
        contact.recipient.role === 'interviewer' && person.name === contact.recipient.name,
    ),
    seed,
  });

  let previous: Temporal.Instant | undefined;
  let lastNumber = 0;
  let dropped: string | undefined;
  const fresh: Array<{
    number: number;
    at: Temporal.ZonedDateTime;
    ideal: Temporal.ZonedDateTime;
    reason: string;
  }> = [];

  for (let number = 1; number <= policy.maxCheckIns; number++) {
    const filled = history.filled.get(checkInSlot(round, number));
    if (filled) {
      previous = Temporal.Instant.from(filled.dueAt);
      lastNumber = number;
      continue;
    }
    // After an employer reply with dates the sequence restarts from the reply — unless a
    // check-in has already gone out since then.
    const replyAt = history.employerReply?.at;
    const restart =
      replyAt !== undefined &&
      fresh.length === 0 &&
      (previous === undefined || Temporal.Instant.compare(previous, replyAt) < 0);
    const timing: CheckInTarget =
      previous === undefined || restart
        ? firstCheckIn(
            input,
            policy,
            calendar,
            zone,
            restart ? replyAt : undefined,
            lastThankYou,
            minimumFirst,
            spacingDays,
          )
        : {
            target: previous.toZonedDateTimeISO(zone).add({ days: spacingDays }).toInstant(),
            why: `${spacingNote} after check-in ${number - 1}`,
            window: 'check_in',
          };
    // No check-in before the decision maker is back or the pause ends; we pick the day again.
    if (floor && floorAt && Temporal.Instant.compare(timing.target, floorAt) < 0) {
      timing.target = floorAt;
      timing.why = `${timing.why}; ${floor.why}, so not before then`;
      timing.window = 'check_in';
      timing.namedDay = undefined;
    }
    const placement = placeInWindow(calendar, timing.target, now, zone, timing.window);
    const ideal =
      Temporal.Instant.compare(now, timing.target) > 0
        ? placeInWindow(calendar, timing.target, timing.target, zone, timing.window)
        : placement;
    // R8: stop once the ideal start date has clearly passed.
    if (cutoff && Temporal.PlainDate.compare(placement.at.toPlainDate(), cutoff) > 0) {
      dropped = `check-ins from #${number} dropped: the ideal start date ${nextSteps.idealStartDate} has clearly passed (more than ${idealStartGraceDays} days) by then`;
      break;
    }
    const slotName = placement.preferred
      ? `preferred ${describeDays(calendar.checkIn?.days ?? [])} morning window`
      : timing.namedDay && placement.at.toPlainDate().equals(timing.namedDay)
        ? 'the day they named,'
        : 'next send window';
    fresh.push({
      number,
      at: placement.at,
      ideal: ideal.at,
      reason: `check-in ${number} of at most ${policy.maxCheckIns} ${contact.why}: ${timing.why} → ${slotName} ${describeLocal(placement.at)}${holidayNote(placement)}`,
    });
    previous = placement.at.toInstant();
    lastNumber = number;
  }

  fresh.forEach((entry, position) => {
    const last = position === fresh.length - 1 && entry.number >= 2;
    const slot = checkInSlot(round, entry.number);
    add(
      slot,
      buildStep(slot, {
        kind: 'check_in',
        round,
        recipient: contact.recipient,
        channel: contact.channel,
        at: entry.at,
        reason: last ? `${entry.reason}; the last one, so it suggests a short call` : entry.reason,
        draft: checkInDraft({
          candidate: input.candidate,
          role: input.role,
          round,
          recipientName:
            contact.recipient.role === 'hiring_contact' ? undefined : contact.recipient.name,
          point: points[((round - 1) * 3 + entry.number - 1) % points.length] as string,
          checkInNumber: entry.number,
          last,
          seed,
        }),
        checkInNumber: entry.number,
      }),
      entry.ideal,
    );
  });

  // R7: after the last check-in goes unanswered, move on (the dispatcher emits the event).
  const moveOnSlot = roundSlot(round, 'move_on');
  if (history.filled.has(moveOnSlot)) return;
  let anchor = previous ?? lastThankYou;
  let after = lastNumber > 0 ? `check-in ${lastNumber}` : 'the thank-you notes';
  if (floor && floorAt && Temporal.Instant.compare(anchor, floorAt) < 0) {
    anchor = floorAt;
    after = floor.from;
  }
  const candidateZone = input.timeZone;
  const target = addDuration(anchor, policy.moveOnAfter, candidateZone);
  const placement = placeInWindow(calendar, target, now, candidateZone);
  const ideal =
    Temporal.Instant.compare(now, target) > 0
      ? placeInWindow(calendar, target, target, candidateZone)
      : placement;
  add(
    moveOnSlot,
    buildStep(moveOnSlot, {
      kind: 'move_on',
      round,
      recipient: {
        name: input.candidate.name,
        ...(input.candidate.email ? { email: input.candidate.email } : {}),
        role: 'candidate',
      },
      channel: 'task',
      at: placement.at,
      reason: `no answer ${describeDuration(policy.moveOnAfter)} after ${after} → time to move on and keep searching (${describeLocal(placement.at)})${dropped ? `; ${dropped}` : ''}`,
    }),
    ideal.at,
  );
}

interface CheckInTarget {
  target: Temporal.Instant;
  why: string;
  window: WindowKind;
  /** The date the employer named: kept as is when it is a send day. */
  namedDay?: Temporal.PlainDate | undefined;
}

/** R5: when the first check-in (or the first after an employer reply) is aimed at. */
function firstCheckIn(
  input: InterviewInput,
  policy: Policy,
  calendar: SendCalendar,
  zone: string,
  replyAt: Temporal.Instant | undefined,
  lastThankYou: Temporal.Instant,
  minimumFirst: Temporal.Instant,
  spacingDays: number,
): CheckInTarget {
  const { followUpOn, decisionExpectedBy } = input.nextSteps;
  const anchor = replyAt ?? lastThankYou;
  const checkInStart = calendar.checkIn?.start ?? calendar.send.start;
  const source = replyAt ? 'the employer replied and said' : 'the employer said';
  if (followUpOn) {
    // An explicit date wins over every default and over the weekday preference (we did not
    // choose it), but a check-in never precedes the thank-you.
    const day = Temporal.PlainDate.from(followUpOn);
    const onDay = day.toZonedDateTime({ timeZone: zone, plainTime: checkInStart }).toInstant();
    if (Temporal.Instant.compare(onDay, anchor) > 0) {
      return {
        target: onDay,
        why: `${source} to reach out on ${followUpOn}`,
        window: 'send',
        namedDay: day,
      };
    }
    return {
      target: anchor.toZonedDateTimeISO(zone).add({ days: 1 }).toInstant(),
      why: `${source} to reach out on ${followUpOn}, which is not after the previous message; the next day instead`,
      window: 'send',
    };
  }
  let target: Temporal.Instant;
  let why: string;
  if (decisionExpectedBy) {
    const date = calendar.addBusinessDays(
      Temporal.PlainDate.from(decisionExpectedBy),
      policy.decisionGraceBusinessDays,
    );
    target = date.toZonedDateTime({ timeZone: zone, plainTime: checkInStart }).toInstant();
    why = `${source} a decision is expected by ${decisionExpectedBy} → ${policy.decisionGraceBusinessDays} business days later`;
  } else {
    const gapDays = Math.max(spanDays(policy.firstCheckInAfter, anchor, zone), spacingDays);
    target = anchor.toZonedDateTimeISO(zone).add({ days: gapDays }).toInstant();
    why = replyAt
      ? `${gapDays} days after the employer's reply`
      : `no timeline given → ${gapDays} days after the thank-you`;
  }
  if (Temporal.Instant.compare(target, minimumFirst) < 0) {
    return {
      target: minimumFirst,
      why: `${why}, but never sooner than ${describeDuration(policy.minFirstCheckInAfter)} after the interview`,
      window: 'check_in',
    };
  }
  return { target, why, window: 'check_in' };
}
