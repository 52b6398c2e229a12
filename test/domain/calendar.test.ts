import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { resolvePolicy } from '../../shared/domain';
import {
  describeDuration,
  formatInstant,
  formatZoned,
  offsetMsAt,
  SendCalendar,
} from '../../shared/domain/calendar';
import { holidayCountries } from '../../shared/domain/holiday-countries';
import { policySchema } from '../../shared/domain/model';

describe('fast formatters agree with Temporal', () => {
  it.each([
    ['2026-03-09T07:00:00Z', 'Europe/Berlin'],
    ['2026-03-29T01:00:00Z', 'Europe/Berlin'],
    ['2026-11-01T06:30:00Z', 'America/New_York'],
    ['2026-03-09T07:00:00.25Z', 'Asia/Kathmandu'],
    ['1890-01-01T12:00:00Z', 'Europe/Amsterdam'],
    ['2026-10-04T15:30:00Z', 'Australia/Lord_Howe'],
  ])('%s in %s', (text, timeZone) => {
    const instant = Temporal.Instant.from(text);
    const zoned = instant.toZonedDateTimeISO(timeZone);
    expect(formatInstant(instant)).toBe(instant.toString());
    expect(formatZoned(zoned)).toBe(zoned.toString({ timeZoneName: 'never' }));
  });
});

describe('SendCalendar', () => {
  const calendar = new SendCalendar(resolvePolicy({ holidayCountry: 'DE' }));

  it.each([
    {
      from: '2026-03-07T10:00:00Z',
      expected: '2026-03-09T08:00:00+01:00',
      why: 'Saturday → Monday',
    },
    {
      from: '2026-03-09T07:10:20Z',
      expected: '2026-03-09T08:11:00+01:00',
      why: 'inside: next whole minute',
    },
    { from: '2026-03-09T17:00:00Z', expected: '2026-03-10T08:00:00+01:00', why: '18:00 is closed' },
    {
      from: '2026-04-02T17:00:00Z',
      expected: '2026-04-07T08:00:00+02:00',
      why: 'Good Friday, Easter Monday',
    },
    {
      from: '2026-03-27T18:00:00Z',
      expected: '2026-03-30T08:00:00+02:00',
      why: 'across the EU switch',
    },
  ])('$why', ({ from, expected }) => {
    const placed = calendar.nextWindow(Temporal.Instant.from(from), 'Europe/Berlin');
    expect(placed && formatZoned(placed.at)).toBe(expected);
  });

  it('counts business days over weekends and holidays', () => {
    const date = calendar.addBusinessDays(Temporal.PlainDate.from('2026-04-02'), 2);
    expect(date.toString()).toBe('2026-04-08');
  });
});

describe('public holidays that last several days (R4)', () => {
  // date-holidays lists these as one entry each, an interval [start, end) of instants: every
  // local day it touches is a holiday, the day its exclusive end begins is not.
  it.each([
    { country: 'KR', date: '2027-09-13', holiday: undefined, why: 'the Monday before Chuseok' },
    { country: 'KR', date: '2027-09-14', holiday: 'Korean Thanksgiving', why: 'Chuseok day 1' },
    { country: 'KR', date: '2027-09-15', holiday: 'Korean Thanksgiving', why: 'Chuseok day 2' },
    { country: 'KR', date: '2027-09-16', holiday: 'Korean Thanksgiving', why: 'Chuseok day 3' },
    { country: 'KR', date: '2027-09-17', holiday: undefined, why: 'the end is exclusive' },
    {
      country: 'AE',
      date: '2026-03-19',
      holiday: 'End of Ramadan (Eid al-Fitr)',
      why: 'an Eid that begins at sunset the evening before',
    },
    {
      country: 'AE',
      date: '2026-03-22',
      holiday: 'End of Ramadan (Eid al-Fitr)',
      why: 'its last day',
    },
    { country: 'AE', date: '2026-03-23', holiday: undefined, why: 'the day after the Eid' },
    { country: 'GT', date: '2026-12-24', holiday: 'Christmas Eve', why: 'a holiday from noon' },
    {
      country: 'SZ',
      date: '2026-01-02',
      holiday: 'Incwala Festival',
      why: 'a holiday of the year before that runs into January',
    },
  ])('$country $date: $why', ({ country, date, holiday }) => {
    const calendar = new SendCalendar(resolvePolicy({ holidayCountry: country }));
    expect(calendar.holiday(Temporal.PlainDate.from(date))).toBe(holiday);
    expect(calendar.isBusinessDay(Temporal.PlainDate.from(date))).toBe(holiday === undefined);
  });

  const korea = new SendCalendar(resolvePolicy({ holidayCountry: 'KR' }));

  it('steps over every day of Chuseok and names each one', () => {
    const placed = korea.nextWindow(Temporal.Instant.from('2027-09-14T01:00:00Z'), 'Asia/Seoul');
    expect(placed && formatZoned(placed.at)).toBe('2027-09-17T08:00:00+09:00');
    expect(placed?.skippedHolidays).toEqual([
      '2027-09-14 Korean Thanksgiving',
      '2027-09-15 Korean Thanksgiving',
      '2027-09-16 Korean Thanksgiving',
    ]);
  });

  it('counts business days over every day of Chuseok', () => {
    // Mon 13 → Fri 17 is the first business day, Mon 20 the second.
    const date = korea.addBusinessDays(Temporal.PlainDate.from('2027-09-13'), 2);
    expect(date.toString()).toBe('2027-09-20');
  });
});

describe('describeDuration', () => {
  it.each([
    ['P7D', '7 days'],
    ['PT1H', '1 hour'],
    ['PT1H30M', '1 hour 30 minutes'],
    ['P2W', '2 weeks'],
    ['P1M', '1 month'],
    ['PT0S', 'no time'],
  ])('%s reads as %s', (iso, text) => {
    expect(describeDuration(iso)).toBe(text);
  });
});

describe('offsetMsAt', () => {
  // DST both ways, half-hour and 45-minute zones, midnight switches, Apia's skipped day, and
  // zones whose offsets before 1940 were not whole minutes.
  const zones = [
    'Europe/Berlin',
    'America/New_York',
    'Australia/Lord_Howe',
    'Asia/Kolkata',
    'Pacific/Chatham',
    'America/Havana',
    'America/Santiago',
    'Pacific/Apia',
    'Europe/Amsterdam',
    'Africa/Monrovia',
    'UTC',
  ];
  const instant = fc.integer({ min: -2_208_988_800, max: 4_102_444_800 }); // 1900 to 2100

  it('answers what offsetNanoseconds answers, in any order of questions, at transitions too', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...zones), instant, fc.integer({ min: -2, max: 2 })), {
          minLength: 1,
          maxLength: 40,
        }),
        (questions) => {
          for (const [zone, seconds, nearTransition] of questions) {
            let ms = seconds * 1000;
            if (nearTransition !== 0) {
              const next = Temporal.Instant.fromEpochMilliseconds(ms)
                .toZonedDateTimeISO(zone)
                .getTimeZoneTransition('next');
              if (next)
                ms =
                  next.epochMilliseconds +
                  (nearTransition > 0 ? nearTransition - 1 : nearTransition);
            }
            const expected = Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(zone);
            expect(offsetMsAt(zone, ms)).toBe(expected.offsetNanoseconds / 1_000_000);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('holidayCountries', () => {
  it('is exactly the list of countries the installed date-holidays knows', async () => {
    const { default: Holidays } = await import('date-holidays');
    const known = Object.keys(new Holidays().getCountries('en')).sort();
    expect([...holidayCountries].sort()).toEqual(known);
  });

  it('is what a policy may name: GB passes, UK and XX are refused with a clear message', () => {
    const holidayCountry = policySchema.shape.holidayCountry;
    expect(holidayCountry.parse('GB')).toBe('GB');
    expect(holidayCountry.parse(null)).toBeNull();
    for (const code of ['UK', 'XX', 'gb']) {
      const result = holidayCountry.safeParse(code);
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.message).toMatch(/`GB`/);
    }
  });
});
