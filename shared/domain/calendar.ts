/**
 * Send windows (R4): which local days and hours a message may go out, public holidays of the
 * employer's country, and business-day arithmetic. All arithmetic goes through Temporal's
 * zoned types so a DST switch never shifts a window by an hour.
 */
import { createRequire } from 'node:module';
import type Holidays from 'date-holidays';
import { Temporal } from 'temporal-polyfill';
import type { Policy } from './model';

/** A recurring local window: on these ISO weekdays, from `start` (inclusive) to `end` (exclusive). */
export interface WindowRule {
  days: ReadonlySet<number>;
  start: Temporal.PlainTime;
  /** `undefined` means midnight at the end of the day. */
  end: Temporal.PlainTime | undefined;
}

const dayMs = 86_400_000;

function minuteOfDay(time: Temporal.PlainTime | undefined): number {
  return time === undefined ? 24 * 60 : time.hour * 60 + time.minute;
}

/** ISO weekday (1 = Monday) of a day counted from 1970-01-01, a Thursday. */
function weekdayOfEpochDay(epochDay: number): number {
  return ((((epochDay + 3) % 7) + 7) % 7) + 1;
}

/**
 * Proleptic Gregorian date of a day counted from 1970-01-01 (H. Hinnant's civil_from_days).
 * The window search walks days as plain numbers: creating a Temporal date per day visited
 * dominated planning time.
 */
function civilFromEpochDay(epochDay: number): { year: number; month: number; day: number } {
  const z = epochDay + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

function isoDateText(date: { year: number; month: number; day: number }): string {
  const mm = date.month < 10 ? `0${date.month}` : `${date.month}`;
  const dd = date.day < 10 ? `0${date.day}` : `${date.day}`;
  return `${date.year}-${mm}-${dd}`;
}

/** Where a search for a window landed, and the holidays it had to step over on the way. */
export interface Placement {
  at: Temporal.ZonedDateTime;
  skippedHolidays: string[];
}

/**
 * `; skips public holiday 2026-07-14 Fête nationale`, or nothing: how every step reason (R4,
 * DESIGN §1) names the holidays its placement stepped over.
 */
export function holidayNote(placement: Placement): string {
  return placement.skippedHolidays.length > 0
    ? `; skips public holiday ${placement.skippedHolidays.join(', ')}`
    : '';
}

const weekdayNames = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

let holidaysClass: typeof Holidays | undefined;

/**
 * date-holidays carries every country's rules and an astronomy library: more than a megabyte,
 * slower to load than everything else the planner needs, and the default policy names no
 * country. So it is required on first use instead of imported: a process that never plans
 * around holidays never loads it. Bundlers leave a `createRequire` call alone, so a bundle must
 * ship the package beside itself (the Lambda construct does).
 */
function holidaysClassOnce(): typeof Holidays {
  holidaysClass ??= createRequire(import.meta.url)('date-holidays') as typeof Holidays;
  return holidaysClass;
}

// date-holidays is slow to initialise and to expand a year, and the set of public holidays
// never changes at runtime: one instance per country, each year expanded once.
const holidayCalendars = new Map<string, Holidays | null>();

/** A country's public holidays as days: `YYYY-MM-DD` → name, and the years expanded into it. */
interface HolidayDays {
  years: Set<number>;
  days: Map<string, { name: string; firstDay: boolean }>;
}
const holidayDaysByCountry = new Map<string, HolidayDays>();

/**
 * How far into January a holiday of the year before can run, and how early in December one of
 * the year after can begin (New Year holidays from 31 December, an Eid from the evening
 * before, Eswatini's Incwala into 2 January): a lookup this close to New Year expands the
 * neighbouring year too, any other lookup only its own.
 */
const yearEdgeDays = 14;

function holidayCalendar(country: string): Holidays | null {
  let calendar = holidayCalendars.get(country);
  if (calendar === undefined) {
    // An unknown country code passes the schema's shape check; it simply has no holidays.
    const HolidayCalendar = holidaysClassOnce();
    const known = country in new HolidayCalendar().getCountries('en');
    calendar = known ? new HolidayCalendar(country, { languages: ['en'] }) : null;
    holidayCalendars.set(country, calendar);
  }
  return calendar;
}

/**
 * Adds the public holidays date-holidays lists for `year` to `into`, each as every local day
 * it covers. An entry is an interval `[start, end)` of instants, not a date: Chuseok or an Eid
 * is one entry of three days, an Eid may begin at sunset the evening before, Christmas Eve in
 * some countries at noon. Every day the interval touches counts (its exclusive end does not),
 * read on the wall clock of the zone date-holidays computed it in: the country's first zone,
 * which `isHoliday` uses too. A day two holidays cover is named for the one that begins on it.
 */
function expandHolidayYear(calendar: Holidays, year: number, into: HolidayDays): void {
  into.years.add(year);
  const zone = calendar.getTimezones()[0] ?? 'UTC';
  const localDay = (ms: number) => Math.floor((ms + offsetMsAt(zone, ms)) / dayMs);
  for (const holiday of calendar.getHolidays(year, 'en')) {
    if (holiday.type !== 'public') continue;
    const start = holiday.start.getTime();
    const end = Math.max(start + 1, holiday.end.getTime());
    const firstDay = localDay(start);
    for (let day = firstDay; day <= localDay(end - 1); day++) {
      const text = isoDateText(civilFromEpochDay(day));
      const known = into.days.get(text);
      if (known?.firstDay || (known && day !== firstDay)) continue;
      into.days.set(text, { name: holiday.name, firstDay: day === firstDay });
    }
  }
}

/** The name of the public holiday on `date` in `country`, if it is one. */
function publicHoliday(
  country: string,
  date: { year: number; month: number; day: number },
): string | undefined {
  let known = holidayDaysByCountry.get(country);
  if (!known) {
    known = { years: new Set(), days: new Map() };
    holidayDaysByCountry.set(country, known);
  }
  expandOnce(country, date.year, known);
  if (date.month === 1 && date.day <= yearEdgeDays) expandOnce(country, date.year - 1, known);
  if (date.month === 12 && date.day > 31 - yearEdgeDays) expandOnce(country, date.year + 1, known);
  return known.days.get(isoDateText(date))?.name;
}

function expandOnce(country: string, year: number, known: HolidayDays): void {
  if (known.years.has(year)) return;
  const calendar = holidayCalendar(country);
  if (calendar) expandHolidayYear(calendar, year, known);
  else known.years.add(year);
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

/** Where one UTC offset of a zone holds: from `from` (inclusive) until the next transition. */
interface OffsetSpan {
  from: number;
  until: number;
  offsetMs: number;
}

const offsetSpans = new Map<string, OffsetSpan[]>();
const maxOffsetZones = 1000;
const maxSpansPerZone = 64;

/**
 * The UTC offset of `timeZone` at `epochMs`, in milliseconds: what `offsetNanoseconds` answers,
 * remembered per stretch between two transitions. The polyfill works the offset out together
 * with every wall-clock field, by BigInt division, for each ZonedDateTime it is asked about:
 * the largest single cost left in a plan. Each stretch is learned from the polyfill itself
 * (the offset at `epochMs` and `getTimeZoneTransition('next')`), so the answers are the same.
 * Zone transitions fall on whole seconds, so a millisecond answers for every instant in it.
 */
export function offsetMsAt(timeZone: string, epochMs: number): number {
  let spans = offsetSpans.get(timeZone);
  if (spans) {
    for (const span of spans) {
      if (epochMs >= span.from && epochMs < span.until) return span.offsetMs;
    }
  }
  const at = Temporal.Instant.fromEpochMilliseconds(epochMs).toZonedDateTimeISO(timeZone);
  const offsetMs = at.offsetNanoseconds / 1_000_000;
  const until = at.getTimeZoneTransition('next')?.epochMilliseconds ?? Number.POSITIVE_INFINITY;
  if (!spans) {
    if (offsetSpans.size >= maxOffsetZones) offsetSpans.clear();
    spans = [];
    offsetSpans.set(timeZone, spans);
  }
  // No transition lies in [epochMs, until), nor in a known span ending at the same transition,
  // so their union has one offset too.
  const sameEnd = spans.find((span) => span.until === until);
  if (sameEnd) {
    sameEnd.from = Math.min(sameEnd.from, epochMs);
  } else {
    if (spans.length >= maxSpansPerZone) spans.length = 0;
    spans.push({ from: epochMs, until, offsetMs });
  }
  return offsetMs;
}

/**
 * `instant.toString()`, fast: the polyfill's formatter was the largest single cost of a plan.
 * Whole seconds (all planned times) go through Date; anything finer falls back to Temporal.
 * A ZonedDateTime is written as its instant, without creating one first.
 */
export function formatInstant(instant: Temporal.Instant | Temporal.ZonedDateTime): string {
  const ms = instant.epochMilliseconds;
  if (ms % 1000 !== 0 || instant.epochNanoseconds % 1_000_000_000n !== 0n) {
    return 'timeZoneId' in instant ? instant.toInstant().toString() : instant.toString();
  }
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/** `zdt.toString({ timeZoneName: 'never' })`, fast, for whole seconds and whole-minute offsets. */
export function formatZoned(at: Temporal.ZonedDateTime): string {
  const ms = at.epochMilliseconds;
  const offsetMs = offsetMsAt(at.timeZoneId, ms);
  if (ms % 1000 !== 0 || offsetMs % 60_000 !== 0 || at.epochNanoseconds % 1_000_000_000n !== 0n) {
    return at.toString({ timeZoneName: 'never' });
  }
  const offsetMinutes = offsetMs / 60_000;
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const hh = Math.floor(abs / 60);
  const mm = abs % 60;
  const offset = `${sign}${hh < 10 ? '0' : ''}${hh}:${mm < 10 ? '0' : ''}${mm}`;
  return `${new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19)}${offset}`;
}

/**
 * The wall clock of `at` as a Date read in UTC: the epoch plus the zone's offset. Cheaper than
 * `toPlainDateTime()`, which builds a Temporal object and reads each field through its calendar.
 */
function wallClock(at: Temporal.ZonedDateTime): Date {
  const ms = at.epochMilliseconds;
  return new Date(ms + offsetMsAt(at.timeZoneId, ms));
}

function clockText(local: Date): string {
  const hour = local.getUTCHours();
  const minute = local.getUTCMinutes();
  return `${hour < 10 ? '0' : ''}${hour}:${minute < 10 ? '0' : ''}${minute}`;
}

/** ISO weekday (1 = Monday) of a wall clock. */
function weekdayOf(local: Date): number {
  return local.getUTCDay() || 7;
}

/** `Tue 2026-03-17 09:00`: short, unambiguous, and free of Intl (which is slow to construct). */
export function describeLocal(at: Temporal.ZonedDateTime): string {
  const local = wallClock(at);
  const date = {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
  };
  return `${weekdayNames[weekdayOf(local)]} ${isoDateText(date)} ${clockText(local)}`;
}

/** `Fri 18:40`: for reasons where the date is obvious from context. */
export function describeLocalTime(at: Temporal.ZonedDateTime): string {
  const local = wallClock(at);
  return `${weekdayNames[weekdayOf(local)]} ${clockText(local)}`;
}

const durationUnits = [
  ['years', 'year'],
  ['months', 'month'],
  ['weeks', 'week'],
  ['days', 'day'],
  ['hours', 'hour'],
  ['minutes', 'minute'],
  ['seconds', 'second'],
] as const;

/**
 * A memo for a pure function of request data: at most `limit` entries, emptied when full, so
 * requests cannot grow it without bound; `keyOf` names what the result depends on (the text
 * itself by default). Failures are not kept (the call throws again).
 */
export function boundedMemo<A, T>(
  make: (arg: A) => T,
  limit: number,
  keyOf: (arg: A) => string = String,
): (arg: A) => T {
  const memo = new Map<string, T>();
  return (arg) => {
    const key = keyOf(arg);
    let value = memo.get(key);
    if (value === undefined) {
      value = make(arg);
      if (memo.size >= limit) memo.clear();
      memo.set(key, value);
    }
    return value;
  };
}

// Policy durations are a handful of strings parsed over and over; parse each once (a
// Temporal.Duration is immutable, so one object serves every caller).
export const durationOf = boundedMemo((text: string) => Temporal.Duration.from(text), 1000);

/**
 * `Temporal.Instant.from(text)`, parsed once per text: one request's `startsAt` and `endsAt`
 * were parsed eight times (schema refinement, input rules, coherence check, plan). An Instant
 * is immutable, so callers can share one.
 */
export const instantOf = boundedMemo((text: string) => Temporal.Instant.from(text), 1000);

/**
 * Two days: more than any change of a zone's UTC offset between two instants (offsets range
 * from -12 to +14 hours), so the bounds below hold in every zone, across any DST switch.
 */
const offsetSlackMs = 2 * dayMs;

/**
 * Bounds on how far adding `duration` on the wall clock of any zone moves an instant, in
 * milliseconds: a month is 28 to 31 days (27 to 32 here), a year 365 or 366 (364 to 367), a
 * day 23 to 25 hours. Undefined for negative durations (the caller does the exact sum).
 */
export function zonedSpanBoundsMs(
  duration: Temporal.Duration,
): { min: number; max: number } | undefined {
  if (duration.sign < 0) return undefined;
  const exactMs =
    duration.hours * 3_600_000 +
    duration.minutes * 60_000 +
    duration.seconds * 1000 +
    duration.milliseconds +
    duration.microseconds / 1000 +
    duration.nanoseconds / 1_000_000;
  const days = duration.weeks * 7 + duration.days;
  return {
    min: (duration.years * 364 + duration.months * 27 + days) * dayMs + exactMs - offsetSlackMs,
    max: (duration.years * 367 + duration.months * 32 + days) * dayMs + exactMs + offsetSlackMs,
  };
}

/** `7 days`, `1 hour 30 minutes`: an ISO 8601 duration as a reason should read it. */
export function describeDuration(iso: string): string {
  const duration = durationOf(iso);
  const parts = durationUnits
    .filter(([field]) => duration[field] !== 0)
    .map(([field, unit]) => `${duration[field]} ${unit}${duration[field] === 1 ? '' : 's'}`);
  return parts.length === 0 ? 'no time' : parts.join(' ');
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
  /**
   * Thank-you window (R1, R4): the send days, with hours of their own that include the early
   * evening, because the 24-hour rule outranks office hours.
   */
  readonly thankYou: WindowRule;
  /** Preferred check-in window (R4), intersected with the send window; undefined if empty. */
  readonly checkIn: WindowRule | undefined;
  readonly #country: string | null;

  constructor(policy: Policy) {
    this.send = windowRule(policy.sendDays, policy.sendHours.start, policy.sendHours.end);
    this.#country = policy.holidayCountry;
    this.thankYou = windowRule(
      policy.sendDays,
      policy.thankYouHours.start,
      policy.thankYouHours.end,
    );
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
    return publicHoliday(this.#country, date);
  }

  #holidayOnEpochDay(epochDay: number): string | undefined {
    if (this.#country === null) return undefined;
    const date = civilFromEpochDay(epochDay);
    const name = publicHoliday(this.#country, date);
    return name === undefined ? undefined : `${isoDateText(date)} ${name}`;
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
  inSendWindow(at: Temporal.ZonedDateTime, rule: WindowRule = this.send): boolean {
    const date = at.toPlainDate();
    if (!rule.days.has(date.dayOfWeek) || this.holiday(date) !== undefined) return false;
    const time = at.toPlainTime();
    if (Temporal.PlainTime.compare(time, rule.start) < 0) return false;
    return rule.end === undefined || Temporal.PlainTime.compare(time, rule.end) < 0;
  }

  /**
   * The earliest instant at or after `from` inside `rule` in `timeZone`, looking at most
   * `maxDays` local days ahead. Landing inside a window rounds up to the next whole minute.
   * Days are compared on the wall clock, so a DST switch never moves a window.
   */
  nextWindow(
    from: Temporal.Instant,
    timeZone: string,
    rule: WindowRule = this.send,
    maxDays = 400,
  ): Placement | undefined {
    const fromMs = from.epochMilliseconds;
    const localMs = fromMs + offsetMsAt(timeZone, fromMs);
    const firstDay = Math.floor(localMs / dayMs);
    const fromMinute = (localMs - firstDay * dayMs) / 60_000;
    const startMinute = minuteOfDay(rule.start);
    const endMinute = minuteOfDay(rule.end);
    const skippedHolidays: string[] = [];
    for (let offset = 0; offset <= maxDays; offset++) {
      const day = firstDay + offset;
      if (!rule.days.has(weekdayOfEpochDay(day))) continue;
      if (offset === 0 && fromMinute >= endMinute) continue;
      const holiday = this.#holidayOnEpochDay(day);
      if (holiday !== undefined) {
        skippedHolidays.push(holiday);
        continue;
      }
      if (offset === 0 && fromMinute > startMinute) {
        const local = from.toZonedDateTimeISO(timeZone);
        const rounded =
          Math.ceil(fromMinute) < endMinute
            ? local.round({ smallestUnit: 'minute', roundingMode: 'ceil' })
            : local;
        return { at: rounded, skippedHolidays };
      }
      // The constructor and a zone name, not `PlainDate.from({…}).toZonedDateTime({…})`: the
      // same wall clock and the same ('compatible') choice in a DST gap or overlap, without
      // reading two property bags.
      const date = civilFromEpochDay(day);
      const start = rule.start;
      const at = new Temporal.PlainDateTime(
        date.year,
        date.month,
        date.day,
        start.hour,
        start.minute,
        start.second,
        start.millisecond,
        start.microsecond,
        start.nanosecond,
      ).toZonedDateTime(timeZone);
      // In a repeated (fall-back) hour the window's start can precede `from`; never go back.
      return {
        at: at.epochMilliseconds < fromMs ? from.toZonedDateTimeISO(timeZone) : at,
        skippedHolidays,
      };
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
