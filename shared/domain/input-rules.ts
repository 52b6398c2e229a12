/**
 * Cross-field rules on interview input that a field-by-field schema cannot express. They live
 * apart from the schemas so the zod refinements (API: 400) and the domain (ValidationError)
 * apply exactly the same checks.
 */
import { Temporal } from 'temporal-polyfill';
import { type FieldError, ValidationError } from '../errors';

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
    start = Temporal.Instant.from(startsAt);
    end = Temporal.Instant.from(endsAt);
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
