import { Temporal } from 'temporal-polyfill';
import type { InterviewInput, Signal } from '../domain/model';
import { type FieldError, ValidationError } from '../errors';

/** Interviews longer than this are almost certainly a typo in one of the two instants. */
const maxInterviewLength = Temporal.Duration.from({ hours: 24 });

function checkInterval(startsAt: string, endsAt: string, prefix: string): FieldError[] {
  const start = Temporal.Instant.from(startsAt);
  const end = Temporal.Instant.from(endsAt);
  if (Temporal.Instant.compare(end, start) <= 0) {
    return [{ path: `${prefix}endsAt`, message: 'Must be after startsAt', code: 'out_of_order' }];
  }
  if (Temporal.Duration.compare(start.until(end), maxInterviewLength) > 0) {
    return [
      { path: `${prefix}endsAt`, message: 'An interview lasts at most 24 hours', code: 'too_big' },
    ];
  }
  return [];
}

/**
 * Cross-field rules a field-by-field schema cannot express: the interview ends after it
 * starts, and the employer's dates do not lie before the interview itself. Throws a
 * ValidationError naming every offending field.
 */
export function assertCoherentInput(input: InterviewInput): void {
  const errors = checkInterval(input.startsAt, input.endsAt, '');
  const interviewDay = Temporal.Instant.from(input.startsAt)
    .toZonedDateTimeISO(input.timeZone)
    .toPlainDate();
  for (const field of ['decisionExpectedBy', 'followUpOn'] as const) {
    const value = input.nextSteps[field];
    if (
      value !== undefined &&
      Temporal.PlainDate.compare(Temporal.PlainDate.from(value), interviewDay) < 0
    ) {
      errors.push({
        path: `nextSteps.${field}`,
        message: 'Must not be before the interview date',
        code: 'out_of_order',
      });
    }
  }
  if (errors.length > 0) throw new ValidationError('The interview dates are not coherent', errors);
}

/** The same interval rule for signals that carry a new interview time. */
export function assertCoherentSignal(signal: Signal): void {
  if (signal.type !== 'next_round' && signal.type !== 'rescheduled') return;
  const errors = checkInterval(signal.startsAt, signal.endsAt, '');
  if (errors.length > 0) throw new ValidationError('The interview dates are not coherent', errors);
}
