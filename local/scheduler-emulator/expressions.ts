import { Temporal } from 'temporal-polyfill';

/**
 * Schedule expressions as EventBridge Scheduler accepts them: `at(yyyy-mm-ddThh:mm:ss)`,
 * `rate(value unit)` and six-field `cron(...)`. Only one-time schedules need a firing time here;
 * recurring ones are checked and stored so the adapter sees the same acceptance as in AWS.
 */
export type ParsedExpression =
  | { kind: 'at'; local: Temporal.PlainDateTime }
  | { kind: 'rate'; value: number; unit: 'minute' | 'hour' | 'day' }
  | { kind: 'cron'; fields: string[] };

const atPattern = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/;
const ratePattern = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const cronPattern = /^cron\((.*)\)$/;

// Per-field character sets of the six cron fields (minutes hours day-of-month month
// day-of-week year); a loose check that still rejects the usual typos.
const cronFieldPatterns: readonly RegExp[] = [
  /^[0-9,\-*/]+$/,
  /^[0-9,\-*/]+$/,
  /^[0-9,\-*?/LW]+$/,
  /^([0-9,\-*/]|JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)+$/i,
  /^([0-9,\-*?/L#]|SUN|MON|TUE|WED|THU|FRI|SAT)+$/i,
  /^[0-9,\-*/]+$/,
];

/** Parses a schedule expression; returns undefined when the service would reject it. */
export function parseScheduleExpression(expression: string): ParsedExpression | undefined {
  const at = atPattern.exec(expression);
  if (at?.[1]) {
    try {
      return { kind: 'at', local: Temporal.PlainDateTime.from(at[1], { overflow: 'reject' }) };
    } catch {
      return undefined;
    }
  }
  const rate = ratePattern.exec(expression);
  if (rate?.[1] && rate[2]) {
    const value = Number(rate[1]);
    if (!Number.isSafeInteger(value) || value < 1) return undefined;
    return { kind: 'rate', value, unit: rate[2].replace(/s$/, '') as 'minute' | 'hour' | 'day' };
  }
  const cron = cronPattern.exec(expression);
  if (cron?.[1] !== undefined) {
    const fields = cron[1].trim().split(/\s+/);
    if (fields.length !== 6) return undefined;
    if (!fields.every((field, i) => cronFieldPatterns[i]?.test(field))) return undefined;
    // The service requires exactly one of day-of-month and day-of-week to be '?'.
    if ((fields[2] === '?') === (fields[4] === '?')) return undefined;
    return { kind: 'cron', fields };
  }
  return undefined;
}

/** True when `timeZone` is an IANA zone name the runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    Temporal.Now.zonedDateTimeISO(timeZone);
    return true;
  } catch {
    return false;
  }
}

/**
 * The instant a one-time schedule fires: its wall-clock time read in its time zone. AWS does not
 * document a one-time schedule set inside a DST gap; the emulator moves it forward past the gap
 * (Temporal's 'compatible' rule) rather than dropping it. The adapter always uses UTC anyway.
 */
export function oneTimeFireInstant(local: Temporal.PlainDateTime, timeZone = 'UTC'): number {
  return local.toZonedDateTime(timeZone, { disambiguation: 'compatible' }).epochMilliseconds;
}
