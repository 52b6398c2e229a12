import { Temporal } from 'temporal-polyfill';
import { instantOf } from '../domain/calendar';
import type { InterviewInput, Signal } from '../domain/model';
import { type FieldError, ValidationError } from '../errors';

/**
 * The cross-field rule the input schema leaves to us: the employer's dates (decision,
 * follow-up) do not lie before the interview itself. The start/end interval is already
 * checked by the schema's refinement. Throws a ValidationError naming every offending field.
 */
export function assertCoherentInput(input: InterviewInput): void {
  assertDatesFrom(input, input.nextSteps, 'nextSteps.');
}

/**
 * The same rule for the dates a signal brings: an `employer_replied` signal's dates count from
 * the current round's interview, a `next_round` signal's from the round it announces. Without
 * it a signal could store a date that create and PATCH refuse, and every later PATCH would then
 * fail on a field the caller never sent.
 */
export function assertSignalDates(input: InterviewInput, signal: Signal): void {
  if (signal.type === 'employer_replied') {
    assertDatesFrom(input, signal, '');
  } else if (signal.type === 'next_round' && signal.nextSteps) {
    const round = { startsAt: signal.startsAt, timeZone: signal.timeZone ?? input.timeZone };
    assertDatesFrom(round, signal.nextSteps, 'nextSteps.');
  }
}

/** Throws a ValidationError naming each of `dates` that lies before the interview's day. */
function assertDatesFrom(
  interview: Pick<InterviewInput, 'startsAt' | 'timeZone'>,
  dates: { decisionExpectedBy?: string | undefined; followUpOn?: string | undefined },
  pathPrefix: string,
): void {
  const errors: FieldError[] = [];
  // Worked out only when a date is given: most interviews name none.
  let interviewDay: Temporal.PlainDate | undefined;
  for (const field of ['decisionExpectedBy', 'followUpOn'] as const) {
    const value = dates[field];
    if (value === undefined) continue;
    interviewDay ??= instantOf(interview.startsAt)
      .toZonedDateTimeISO(interview.timeZone)
      .toPlainDate();
    if (Temporal.PlainDate.compare(Temporal.PlainDate.from(value), interviewDay) < 0) {
      errors.push({
        path: `${pathPrefix}${field}`,
        message: 'Must not be before the interview date',
        code: 'out_of_order',
      });
    }
  }
  if (errors.length > 0) throw new ValidationError('The interview dates are not coherent', errors);
}
