/**
 * Cross-field rules on interview input that a field-by-field schema cannot express. They live
 * apart from the schemas so the zod refinements (API: 400) and the domain (ValidationError)
 * apply exactly the same checks.
 */
import { Temporal } from 'temporal-polyfill';
import { type FieldError, ValidationError } from '../errors';
import { describeDuration, durationOf, instantOf, zonedSpanBoundsMs } from './calendar';
import type { InterviewInput, Policy } from './model';

/** Anything longer is almost certainly a typo in one of the two instants. */
export const maxInterviewHours = 12;

/**
 * Problems with an interview's start/end pair: the end must come after the start and the
 * interview may last at most {@link maxInterviewHours} hours. Unparseable instants are left to
 * the schema and yield nothing here.
 */
export function interviewIntervalIssues(startsAt: string, endsAt: string): FieldError[] {
  let start: Temporal.Instant;
  let end: Temporal.Instant;
  try {
    start = instantOf(startsAt);
    end = instantOf(endsAt);
  } catch {
    return [];
  }
  const lengthMs = end.epochMilliseconds - start.epochMilliseconds;
  if (lengthMs <= 0) {
    return [{ path: 'endsAt', message: 'Must be after startsAt', code: 'out_of_order' }];
  }
  if (lengthMs > maxInterviewHours * 3_600_000) {
    return [
      {
        path: 'endsAt',
        message: `An interview lasts at most ${maxInterviewHours} hours`,
        code: 'too_big',
      },
    ];
  }
  return [];
}

/** Throws a ValidationError naming the field when the interval is impossible. */
export function assertInterviewInterval(startsAt: string, endsAt: string): void {
  const errors = interviewIntervalIssues(startsAt, endsAt);
  if (errors.length > 0) throw new ValidationError('The interview times are not coherent', errors);
}

/**
 * Whether an interview lies in a plannable time (policy `maxInterviewAge`, `maxInterviewLead`):
 * one that ended long ago would get every step at once (thank-yous weeks late), one far ahead
 * would get dates a scheduler cannot take. The employer's dates may lie at most
 * `maxInterviewLead` after the interview, for the same reason.
 */
export function interviewTimeIssues(
  input: Pick<InterviewInput, 'startsAt' | 'endsAt' | 'timeZone'> & {
    nextSteps?: InterviewInput['nextSteps'];
  },
  policy: Policy,
  now: Temporal.Instant,
  options: { times?: boolean } = {},
): FieldError[] {
  let start: Temporal.Instant;
  let end: Temporal.Instant;
  try {
    start = instantOf(input.startsAt);
    end = instantOf(input.endsAt);
  } catch {
    return [];
  }
  const errors: FieldError[] = [];
  const age = policy.maxInterviewAge;
  const lead = policy.maxInterviewLead;
  const times = options.times ?? true;
  if (times && endedTooLongAgo(end, now, input.timeZone, durationOf(age))) {
    errors.push({
      path: 'endsAt',
      message: `Ended more than ${describeDuration(age)} ago (policy maxInterviewAge); follow-ups that late would not help`,
      code: 'too_small',
    });
  }
  if (times && startsTooFarAhead(start, now, input.timeZone, durationOf(lead))) {
    errors.push({
      path: 'startsAt',
      message: `Starts more than ${describeDuration(lead)} from now (policy maxInterviewLead)`,
      code: 'too_big',
    });
  }
  // The last day the employer's dates may name, worked out only when one is given.
  let lastDay: Temporal.PlainDate | undefined;
  for (const field of [
    'decisionExpectedBy',
    'followUpOn',
    'idealStartDate',
    'unavailableUntil',
  ] as const) {
    const value = input.nextSteps?.[field];
    if (value === undefined) continue;
    lastDay ??= end.toZonedDateTimeISO(input.timeZone).add(durationOf(lead)).toPlainDate();
    if (Temporal.PlainDate.compare(Temporal.PlainDate.from(value), lastDay) > 0) {
      errors.push({
        path: `nextSteps.${field}`,
        message: `Must be at most ${describeDuration(lead)} after the interview (policy maxInterviewLead)`,
        code: 'too_big',
      });
    }
  }
  return errors;
}

/**
 * `end` is before `now` minus `age` on the wall clock of `timeZone`. The zoned arithmetic (the
 * costliest part of the input checks) runs only when `end` lies within the bounds' slack of
 * the limit; an interview days away from it is judged by plain milliseconds.
 */
function endedTooLongAgo(
  end: Temporal.Instant,
  now: Temporal.Instant,
  timeZone: string,
  age: Temporal.Duration,
): boolean {
  const bounds = zonedSpanBoundsMs(age);
  if (bounds) {
    if (end.epochMilliseconds >= now.epochMilliseconds - bounds.min) return false;
    if (end.epochMilliseconds < now.epochMilliseconds - bounds.max) return true;
  }
  const limit = now.toZonedDateTimeISO(timeZone).subtract(age).toInstant();
  return Temporal.Instant.compare(end, limit) < 0;
}

/** `start` is after `now` plus `lead` on the wall clock of `timeZone` (same shortcut). */
function startsTooFarAhead(
  start: Temporal.Instant,
  now: Temporal.Instant,
  timeZone: string,
  lead: Temporal.Duration,
): boolean {
  const bounds = zonedSpanBoundsMs(lead);
  if (bounds) {
    if (start.epochMilliseconds <= now.epochMilliseconds + bounds.min) return false;
    if (start.epochMilliseconds > now.epochMilliseconds + bounds.max) return true;
  }
  const limit = now.toZonedDateTimeISO(timeZone).add(lead).toInstant();
  return Temporal.Instant.compare(start, limit) > 0;
}

/** Throws a ValidationError naming each field outside the plannable time. */
export function assertInterviewTime(
  input: Parameters<typeof interviewTimeIssues>[0],
  policy: Policy,
  now: Temporal.Instant,
  options: { times?: boolean } = {},
): void {
  const errors = interviewTimeIssues(input, policy, now, options);
  if (errors.length > 0) {
    throw new ValidationError('The interview is outside the time this API plans for', errors);
  }
}
