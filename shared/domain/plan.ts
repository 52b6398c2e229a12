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
import {
  checkInDraft,
  contactRequestDraft,
  handwrittenNoteDraft,
  thankYouDraft,
  variantSeed,
} from './drafts';
import type {
  Channel,
  Draft,
  Interviewer,
  InterviewInput,
  Policy,
  Recipient,
  Step,
  StepKind,
} from './model';

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
    if (step.status === 'cancelled') continue;
    if (step.kind === 'check_in') {
      slots.set(step, checkInSlot(step.round, step.checkInNumber ?? 0));
    } else if (step.recipient.role === 'interviewer' && perPersonKinds.has(step.kind)) {
      const base = `${step.round}|${step.kind}|${normalizeName(step.recipient.name)}`;
      const occurrence = seen.get(base) ?? 0;
      seen.set(base, occurrence + 1);
      slots.set(step, personSlot(step.round, step.kind, step.recipient.name, occurrence));
    } else {
      slots.set(step, roundSlot(step.round, step.kind));
    }
  }
  return slots;
}

const perPersonKinds = new Set<StepKind>(['thank_you', 'contact_info_needed', 'handwritten_note']);

/** Who receives check-ins and closing notes: the first interviewer we can actually reach. */
export interface PrimaryContact {
  recipient: Recipient;
  channel: Channel;
  timeZone: string;
  topic: string | undefined;
  /** Why this recipient and channel, for reasons. */
  why: string;
}

export function primaryContact(input: InterviewInput): PrimaryContact {
  const withEmail = input.interviewers.find((person) => person.email);
  const reachable = withEmail ?? input.interviewers.find((person) => person.linkedinUrl);
  if (reachable) {
    return {
      recipient: recipientOf(reachable),
      channel: reachable.email ? 'email' : 'linkedin',
      timeZone: reachable.timeZone ?? input.timeZone,
      topic: reachable.topics?.[1] ?? reachable.topics?.[0],
      why: reachable.email ? 'by email' : 'on LinkedIn (no email address known)',
    };
  }
  return {
    recipient: { name: `Hiring team at ${input.role.company}`, role: 'hiring_contact' },
    channel: 'task',
    timeZone: input.timeZone,
    topic: undefined,
    why: 'through the recruiter (no interviewer address known)',
  };
}

function recipientOf(person: Interviewer): Recipient {
  return {
    name: person.name,
    ...(person.email ? { email: person.email } : {}),
    ...(person.linkedinUrl ? { linkedinUrl: person.linkedinUrl } : {}),
    role: 'interviewer',
  };
}

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
    status: 'scheduled',
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
  };
}

/**
 * Places `target` into the next send window, never before `now`. When no window exists within
 * a year (a policy whose only send day is always a holiday), the step keeps its target time
 * and is flagged late so nothing is silently dropped.
 */
export function placeInWindow(
  calendar: SendCalendar,
  target: Temporal.Instant,
  now: Temporal.Instant,
  timeZone: string,
  checkIn = false,
): Placement & { late: boolean; preferred: boolean } {
  const from = laterOf(target, now);
  const found = checkIn
    ? calendar.nextCheckInWindow(from, timeZone)
    : calendar.nextWindow(from, timeZone);
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

    // R3: email, else LinkedIn, else ask the recruiter — never a blind send.
    const kind: StepKind = person.email || person.linkedinUrl ? 'thank_you' : 'contact_info_needed';
    const slot = personSlot(round, kind, person.name, occurrence);
    const filled = history.filled.get(slot);
    if (filled) {
      lastThankYou = laterOf(lastThankYou, Temporal.Instant.from(filled.dueAt));
    } else if (kind === 'thank_you') {
      const channel: Channel = person.email ? 'email' : 'linkedin';
      const via = person.email ? 'by email' : 'on LinkedIn (only a profile is known)';
      add(
        slot,
        buildStep(slot, {
          kind,
          round,
          recipient: recipientOf(person),
          channel,
          at: timing.placement.at,
          deadline: timing.deadline,
          late: timing.late,
          reason: `thank-you ${via}: ${timing.reason}`,
          draft: thankYouDraft(draftContext),
        }),
        timing.ideal,
      );
      lastThankYou = laterOf(lastThankYou, timing.placement.at.toInstant());
    } else {
      add(
        slot,
        buildStep(slot, {
          kind,
          round,
          recipient: recipientOf(person),
          channel: 'task',
          at: timing.placement.at,
          deadline: timing.deadline,
          late: timing.late,
          reason: `no email or LinkedIn profile for this interviewer: ask the recruiter for contact details instead of sending blind; ${timing.reason}`,
          draft: contactRequestDraft(draftContext),
        }),
        timing.ideal,
      );
    }

    if (input.format === 'onsite' && policy.handwrittenNote) {
      const noteSlot = personSlot(round, 'handwritten_note', person.name, occurrence);
      if (!history.filled.has(noteSlot)) {
        add(
          noteSlot,
          buildStep(noteSlot, {
            kind: 'handwritten_note',
            round,
            recipient: recipientOf(person),
            channel: 'mail',
            at: timing.placement.at,
            reason: `on-site interview and the policy asks for a handwritten card (optional, saying something other than the email); ${timing.reason}`,
            draft: handwrittenNoteDraft(draftContext),
          }),
          timing.ideal,
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
  reason: string;
}

/** R1: about an hour after the end, inside a window, within the deadline — or flagged late. */
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
  const placement = placeInWindow(calendar, target, now, timeZone);
  const idealPlacement =
    Temporal.Instant.compare(now, target) > 0
      ? placeInWindow(calendar, target, target, timeZone)
      : placement;
  const at = placement.at;
  const late = placement.late || Temporal.Instant.compare(at.toInstant(), deadline) > 0;
  const deadlineText = policy.thankYouDeadline === 'PT24H' ? '24 h' : policy.thankYouDeadline;
  const delayText = policy.thankYouDelay === 'PT1H' ? '1 h' : policy.thankYouDelay;
  const recorded = Temporal.Instant.compare(now, target) > 0 ? ' (planned after the fact)' : '';
  const where =
    at.epochMilliseconds === target.epochMilliseconds
      ? `${delayText} later, ${describeLocalTime(at)}, inside the send window`
      : `next send window ${describeLocalTime(at)}`;
  const verdict = late
    ? `; ${deadlineText} deadline missed, flagged late`
    : `; within the ${deadlineText} deadline`;
  return {
    placement,
    ideal: idealPlacement.at,
    deadline,
    late,
    reason: `ends ${describeLocalTime(localEnd)} → ${where}${recorded}${verdict}${holidayNote(placement)}`,
  };
}

type AddStep = (slot: string, step: Step, ideal: Temporal.ZonedDateTime) => void;

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
  const contact = primaryContact(input);
  const zone = contact.timeZone;
  const end = Temporal.Instant.from(input.endsAt);
  const { nextSteps } = input;

  // R6: a long process is not chased every two weeks; spread the check-ins over it.
  const cadenceDays = spanDays(policy.checkInCadence, end, zone);
  const processDays = nextSteps.processLength ? spanDays(nextSteps.processLength, end, zone) : 0;
  const spreadDays =
    policy.maxCheckIns > 0 && processDays > 0 ? Math.ceil(processDays / policy.maxCheckIns) : 0;
  const spacingDays = Math.max(cadenceDays, spreadDays);
  const spacingNote =
    spreadDays > cadenceDays
      ? `${nextSteps.processLength} process → check-ins spaced ${spacingDays} days apart`
      : `every ${spacingDays} days`;

  const minimumFirst = addDuration(end, policy.minFirstCheckInAfter, zone);
  const cutoff = nextSteps.idealStartDate
    ? Temporal.PlainDate.from(nextSteps.idealStartDate).add({ days: idealStartGraceDays })
    : undefined;

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
    const timing =
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
          };
    const placement = placeInWindow(calendar, timing.target, now, zone, true);
    const ideal =
      Temporal.Instant.compare(now, timing.target) > 0
        ? placeInWindow(calendar, timing.target, timing.target, zone, true)
        : placement;
    // R8: stop once the ideal start date has clearly passed.
    if (cutoff && Temporal.PlainDate.compare(placement.at.toPlainDate(), cutoff) > 0) {
      dropped = `check-ins from #${number} dropped: the ideal start date ${nextSteps.idealStartDate} has clearly passed (more than ${idealStartGraceDays} days) by then`;
      break;
    }
    const slotName = placement.preferred
      ? `preferred ${describeDays(calendar.checkIn?.days ?? [])} morning window`
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
            contact.recipient.role === 'interviewer' ? contact.recipient.name : undefined,
          topic: contact.topic,
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
  const anchor = previous ?? lastThankYou;
  const candidateZone = input.timeZone;
  const target = addDuration(anchor, policy.moveOnAfter, candidateZone);
  const placement = placeInWindow(calendar, target, now, candidateZone);
  const ideal =
    Temporal.Instant.compare(now, target) > 0
      ? placeInWindow(calendar, target, target, candidateZone)
      : placement;
  const after = lastNumber > 0 ? `check-in ${lastNumber}` : 'the thank-you notes';
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
): { target: Temporal.Instant; why: string } {
  const { followUpOn, decisionExpectedBy } = input.nextSteps;
  const anchor = replyAt ?? lastThankYou;
  const checkInStart = calendar.checkIn?.start ?? calendar.send.start;
  const source = replyAt ? 'the employer replied and said' : 'the employer said';
  if (followUpOn) {
    // An explicit date wins over every default, but a check-in never precedes the thank-you.
    const onDay = Temporal.PlainDate.from(followUpOn)
      .toZonedDateTime({ timeZone: zone, plainTime: checkInStart })
      .toInstant();
    if (Temporal.Instant.compare(onDay, anchor) > 0) {
      return { target: onDay, why: `${source} to reach out on ${followUpOn}` };
    }
    return {
      target: anchor.toZonedDateTimeISO(zone).add({ days: 1 }).toInstant(),
      why: `${source} to reach out on ${followUpOn}, which is not after the previous message; the next day instead`,
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
    };
  }
  return { target, why };
}
