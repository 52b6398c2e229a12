import { Temporal } from 'temporal-polyfill';
import { instantOf } from '../domain/calendar';
import type { InterviewInput } from '../domain/model';
import { type FieldError, ValidationError } from '../errors';

/**
 * The cross-field rule the input schema leaves to us: the employer's dates (decision,
 * follow-up) do not lie before the interview itself. The start/end interval is already
 * checked by the schema's refinement. Throws a ValidationError naming every offending field.
 */
export function assertCoherentInput(input: InterviewInput): void {
  const errors: FieldError[] = [];
  // Worked out only when a date is given: most interviews name none.
  let interviewDay: Temporal.PlainDate | undefined;
  for (const field of ['decisionExpectedBy', 'followUpOn'] as const) {
    const value = input.nextSteps[field];
    if (value === undefined) continue;
    interviewDay ??= instantOf(input.startsAt).toZonedDateTimeISO(input.timeZone).toPlainDate();
    if (Temporal.PlainDate.compare(Temporal.PlainDate.from(value), interviewDay) < 0) {
      errors.push({
        path: `nextSteps.${field}`,
        message: 'Must not be before the interview date',
        code: 'out_of_order',
      });
    }
  }
  if (errors.length > 0) throw new ValidationError('The interview dates are not coherent', errors);
}
