/**
 * Send windows (R4): which local days and hours a message may go out, public holidays of the
 * employer's country, and business-day arithmetic. All arithmetic goes through Temporal's
 * zoned types so a DST switch never shifts a window by an hour.
 */
import Holidays from 'date-holidays';
import { Temporal } from 'temporal-polyfill';
import type { Policy } from './model';

/** A recurring local window: on these ISO weekdays, from `start` (inclusive) to `end` (exclusive). */
export interface WindowRule {
  days: ReadonlySet<number>;
  start: Temporal.PlainTime;
  /** `undefined` means midnight at the end of the day. */
  end: Temporal.PlainTime | undefined;
}

/** Where a search for a window landed, and the holidays it had to step over on the way. */
export interface Placement {
  at: Temporal.ZonedDateTime;
  skippedHolidays: string[];
}

const weekdayNames = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

// date-holidays is slow to initialise and to expand a year, and the set of public holidays
// never changes at runtime: one instance per country, one set per (country, year).
const holidayCalendars = new Map<string, Holidays | null>();
const holidayYears = new Map<string, ReadonlyMap<string, string>>();

function publicHolidays(country: string, year: number): ReadonlyMap<string, string> {
  const key = `${country}:${year}`;
  const cached = holidayYears.get(key);
  if (cached) return cached;
  let calendar = holidayCalendars.get(country);
  if (calendar === undefined) {
    // An unknown country code passes the schema's shape check; it simply has no holidays.
    const known = country in new Holidays().getCountries('en');
    calendar = known ? new Holidays(country, { languages: ['en'] }) : null;
    holidayCalendars.set(country, calendar);
  }
  const days = new Map<string, string>();
  for (const holiday of calendar?.getHolidays(year, 'en') ?? []) {
    if (holiday.type === 'public') days.set(holiday.date.slice(0, 10), holiday.name);
  }
  holidayYears.set(key, days);
  return days;
}

function parseClock(text: string): Temporal.PlainTime {
  return Temporal.PlainTime.from(text);
}

/**
 * Builds a rule from policy hours. A window whose end is not after its start runs to midnight:
 * overnight windows would contradict "never late at night" (R4), so they are not offered.
 */
function windowRule(days: Iterable<number>, start: string, end: string): WindowRule {
  const startTime = parseClock(start);
  const endTime = parseClock(end);
  return {
    days: new Set(days),
    start: startTime,
    end: Temporal.PlainTime.compare(endTime, startTime) > 0 ? endTime : undefined,
  };
}

/** `Tue 2026-03-17 09:00`: short, unambiguous, and free of Intl (which is slow to construct). */
export function describeLocal(at: Temporal.ZonedDateTime): string {
  const hh = String(at.hour).padStart(2, '0');
  const mm = String(at.minute).padStart(2, '0');
  return `${weekdayNames[at.dayOfWeek]} ${at.toPlainDate().toString()} ${hh}:${mm}`;
}

/** `Fri 18:40`: for reasons where the date is obvious from context. */
export function describeLocalTime(at: Temporal.ZonedDateTime): string {
  const hh = String(at.hour).padStart(2, '0');
  const mm = String(at.minute).padStart(2, '0');
  return `${weekdayNames[at.dayOfWeek]} ${hh}:${mm}`;
}

/** `Tue/Wed` for a set of ISO weekdays. */
export function describeDays(days: Iterable<number>): string {
  return [...days]
    .sort((a, b) => a - b)
    .map((day) => weekdayNames[day])
    .join('/');
}

/** The send calendar a policy defines. Cheap to build; holiday data is cached per country. */
export class SendCalendar {
  readonly send: WindowRule;
  /** Preferred check-in window (R4), intersected with the send window; undefined if empty. */
  readonly checkIn: WindowRule | undefined;
  readonly #country: string | null;

  constructor(policy: Policy) {
    this.send = windowRule(policy.sendDays, policy.sendHours.start, policy.sendHours.end);
    this.#country = policy.holidayCountry;
    const checkIn = windowRule(
      policy.checkInDays.filter((day) => this.send.days.has(day)),
      policy.checkInHours.start,
      policy.checkInHours.end,
    );
    // A preferred window must also be a send window, or check-ins could break R4.
    const start =
      Temporal.PlainTime.compare(checkIn.start, this.send.start) > 0
        ? checkIn.start
        : this.send.start;
    const end = earlierEnd(checkIn.end, this.send.end);
    const nonEmpty = end === undefined || Temporal.PlainTime.compare(end, start) > 0;
    this.checkIn =
      checkIn.days.size > 0 && nonEmpty ? { days: checkIn.days, start, end } : undefined;
  }

  /** The public holiday's name on `date`, if the policy names a country and it is one. */
  holiday(date: Temporal.PlainDate): string | undefined {
    if (this.#country === null) return undefined;
    return publicHolidays(this.#country, date.year).get(date.toString());
  }

  /** A day messages may go out on: a send day that is not a public holiday. */
  isBusinessDay(date: Temporal.PlainDate): boolean {
    return this.send.days.has(date.dayOfWeek) && this.holiday(date) === undefined;
  }

  /** `date` moved forward by `count` business days. */
  addBusinessDays(date: Temporal.PlainDate, count: number): Temporal.PlainDate {
    let day = date;
    let left = count;
    // Bounded so a pathological policy cannot loop forever; a year of holidays is not real.
    for (let guard = 0; left > 0 && guard < 3660; guard++) {
      day = day.add({ days: 1 });
      if (this.isBusinessDay(day)) left--;
    }
    return day;
  }

  /** True when `at` falls inside a send window (send day, not a holiday, inside the hours). */
  inSendWindow(at: Temporal.ZonedDateTime): boolean {
    const date = at.toPlainDate();
    if (!this.isBusinessDay(date)) return false;
    const time = at.toPlainTime();
    if (Temporal.PlainTime.compare(time, this.send.start) < 0) return false;
    return this.send.end === undefined || Temporal.PlainTime.compare(time, this.send.end) < 0;
  }

  /**
   * The earliest instant at or after `from` inside `rule` in `timeZone`, looking at most
   * `maxDays` local days ahead. Landing inside a window rounds up to the next whole minute.
   */
  nextWindow(
    from: Temporal.Instant,
    timeZone: string,
    rule: WindowRule = this.send,
    maxDays = 400,
  ): Placement | undefined {
    const fromMs = from.epochMilliseconds;
    const local = from.toZonedDateTimeISO(timeZone);
    let date = local.toPlainDate();
    const skippedHolidays: string[] = [];
    for (let offset = 0; offset <= maxDays; offset++, date = date.add({ days: 1 })) {
      if (!rule.days.has(date.dayOfWeek)) continue;
      const end =
        rule.end === undefined
          ? date.add({ days: 1 }).toZonedDateTime({ timeZone })
          : date.toZonedDateTime({ timeZone, plainTime: rule.end });
      if (fromMs >= end.epochMilliseconds) continue;
      const holiday = this.holiday(date);
      if (holiday !== undefined) {
        skippedHolidays.push(`${date.toString()} ${holiday}`);
        continue;
      }
      const start = date.toZonedDateTime({ timeZone, plainTime: rule.start });
      if (fromMs <= start.epochMilliseconds) return { at: start, skippedHolidays };
      const rounded = local.round({ smallestUnit: 'minute', roundingMode: 'ceil' });
      const at = rounded.epochMilliseconds < end.epochMilliseconds ? rounded : local;
      return { at, skippedHolidays };
    }
    return undefined;
  }

  /**
   * The next preferred check-in window (Tue/Wed mornings by default) within a week of `from`,
   * or else the next plain send window: a preference must not delay a check-in by weeks.
   */
  nextCheckInWindow(
    from: Temporal.Instant,
    timeZone: string,
  ): (Placement & { preferred: boolean }) | undefined {
    if (this.checkIn) {
      const preferred = this.nextWindow(from, timeZone, this.checkIn, 7);
      if (preferred) return { ...preferred, preferred: true };
    }
    const fallback = this.nextWindow(from, timeZone);
    return fallback && { ...fallback, preferred: false };
  }
}

function earlierEnd(
  a: Temporal.PlainTime | undefined,
  b: Temporal.PlainTime | undefined,
): Temporal.PlainTime | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Temporal.PlainTime.compare(a, b) <= 0 ? a : b;
}
