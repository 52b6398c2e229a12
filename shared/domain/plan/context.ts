/**
 * What every planning function shares: the policy with its send calendar and the current
 * instant (`PlanContext`), and for one round also the interview, what a re-plan already knows
 * and the draft seed (`RoundContext`). Plus the time arithmetic and window placement the rules
 * are written in.
 */
import { Temporal } from 'temporal-polyfill';
import {
  boundedMemo,
  describeDuration,
  durationOf,
  instantOf,
  type Placement,
  SendCalendar,
  zonedSpanBoundsMs,
} from '../calendar';
import { variantSeed } from '../drafts';
import type { InterviewInput, Policy, Step, StepKind } from '../model';

/** The policy a plan obeys, its send calendar, and `now` (no step lands before it). */
export interface PlanContext {
  readonly policy: Policy;
  readonly calendar: SendCalendar;
  readonly now: Temporal.Instant;
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

/** One round being planned: the interview, its end, what is known already, the draft seed. */
export interface RoundContext extends PlanContext {
  readonly input: InterviewInput;
  readonly round: number;
  readonly end: Temporal.Instant;
  readonly history: PlanHistory;
  /** Picks draft wording variants, stable for the same interview. */
  readonly seed: number;
}

// Policies repeat (tenant defaults); so do their calendars. The service resolves a new policy
// object for every request, so calendars are kept by what they are built from, not by object:
// building one parses six clock times and was a few percent of a preview.
const calendarsByPolicy = new WeakMap<Policy, SendCalendar>();

/** What a calendar is built from: two policies with the same rules share one calendar. */
function calendarKey(policy: Policy): string {
  return JSON.stringify([
    policy.sendDays,
    policy.sendHours.start,
    policy.sendHours.end,
    policy.thankYouHours.start,
    policy.thankYouHours.end,
    policy.checkInDays,
    policy.checkInHours.start,
    policy.checkInHours.end,
    policy.holidayCountry,
  ]);
}

const calendarByRules = boundedMemo(
  (policy: Policy) => new SendCalendar(policy),
  1000,
  calendarKey,
);

function calendarFor(policy: Policy): SendCalendar {
  let calendar = calendarsByPolicy.get(policy);
  if (!calendar) {
    calendar = calendarByRules(policy);
    calendarsByPolicy.set(policy, calendar);
  }
  return calendar;
}

/** The context for planning under `policy` at `now` (the calendar is shared per policy). */
export function planContext(policy: Policy, now: Temporal.Instant): PlanContext {
  return { policy, now, calendar: calendarFor(policy) };
}

/** The context for planning the current round of `input`. */
export function roundContext(
  context: PlanContext,
  input: InterviewInput,
  history: PlanHistory = emptyHistory,
): RoundContext {
  const round = input.round;
  return {
    ...context,
    input,
    round,
    end: instantOf(input.endsAt),
    history,
    seed: variantSeed(input.role.company, input.role.title, input.candidate.name, round),
  };
}

export function laterOf(a: Temporal.Instant, b: Temporal.Instant): Temporal.Instant {
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

/**
 * `instant` is after `from` plus `duration` (as {@link addDuration} adds it). Judged in plain
 * milliseconds unless `instant` lies within the bounds' slack (two days and more) of the sum:
 * only then is the zoned sum worked out.
 */
export function isAfterDuration(
  instant: Temporal.Instant,
  from: Temporal.Instant,
  text: string,
  timeZone: string,
): boolean {
  const bounds = zonedSpanBoundsMs(durationOf(text));
  if (bounds) {
    if (instant.epochMilliseconds <= from.epochMilliseconds + bounds.min) return false;
    if (instant.epochMilliseconds > from.epochMilliseconds + bounds.max) return true;
  }
  return Temporal.Instant.compare(instant, addDuration(from, text, timeZone)) > 0;
}

/** Whole days a duration spans from `from` (calendar-aware: `P3M` from March is 92 days). */
export function spanDays(text: string, fromInstant: Temporal.Instant, timeZone: string): number {
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

/**
 * Which window a message waits for: thank-yous have their own (evening included), check-ins
 * prefer Tue/Wed mornings when we pick the date, everything else uses the send window.
 */
export type WindowKind = 'send' | 'thank_you' | 'check_in';

/** The window a step of `kind` is placed in when it is moved (e.g. snoozed). */
export function windowForKind(kind: StepKind): WindowKind {
  return kind === 'thank_you' ? 'thank_you' : 'send';
}

/** Where a step should go: aimed at `target`, never before `notBefore`, in `window`. */
interface PlacementRequest {
  target: Temporal.Instant;
  /** Usually `now`; the target itself to find where a step would ideally have gone. */
  notBefore: Temporal.Instant;
  timeZone: string;
  window?: WindowKind;
}

/**
 * Places `target` into the next window of its kind, never before `notBefore`. When no window
 * exists within a year (a policy whose only send day is always a holiday), the step keeps its
 * target time and is flagged late so nothing is silently dropped.
 */
export function placeInWindow(
  calendar: SendCalendar,
  { target, notBefore, timeZone, window = 'send' }: PlacementRequest,
): Placement & { late: boolean; preferred: boolean } {
  const from = laterOf(target, notBefore);
  const found =
    window === 'check_in'
      ? calendar.nextCheckInWindow(from, timeZone)
      : calendar.nextWindow(
          from,
          timeZone,
          window === 'thank_you' ? calendar.thankYou : calendar.send,
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
 * Where a step aimed at `target` lands now, and where it would ideally have landed: the same
 * place unless `target` has passed (a plan recorded after the fact), then the window it would
 * have had. A re-plan keeps an existing step that matches either.
 */
export function placeWithIdeal(
  context: PlanContext,
  target: Temporal.Instant,
  timeZone: string,
  window: WindowKind = 'send',
): { placement: ReturnType<typeof placeInWindow>; ideal: Temporal.ZonedDateTime } {
  const placement = placeInWindow(context.calendar, {
    target,
    notBefore: context.now,
    timeZone,
    window,
  });
  const ideal =
    Temporal.Instant.compare(context.now, target) > 0
      ? placeInWindow(context.calendar, { target, notBefore: target, timeZone, window })
      : placement;
  return { placement, ideal: ideal.at };
}
