import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { resolvePolicy } from '../../shared/domain';
import { interviewTimeIssues } from '../../shared/domain/input-rules';
import { addDuration, isAfterDuration } from '../../shared/domain/plan/context';

// Zones with DST both ways, a half-hour zone, the extremes of the offset range, and Apia, which
// skipped a whole calendar day in 2011.
const zones = [
  'Europe/Berlin',
  'America/New_York',
  'Australia/Lord_Howe',
  'Asia/Kolkata',
  'Pacific/Kiritimati',
  'Pacific/Pago_Pago',
  'Pacific/Apia',
  'UTC',
];

/** The rule as written before the millisecond shortcut: zoned arithmetic every time. */
function exactIssues(
  start: Temporal.Instant,
  end: Temporal.Instant,
  now: Temporal.Instant,
  timeZone: string,
  age: string,
  lead: string,
): string[] {
  const zonedNow = now.toZonedDateTimeISO(timeZone);
  const paths: string[] = [];
  if (Temporal.Instant.compare(end, zonedNow.subtract(age).toInstant()) < 0) paths.push('endsAt');
  if (Temporal.Instant.compare(start, zonedNow.add(lead).toInstant()) > 0) paths.push('startsAt');
  return paths;
}

const durationArb = fc
  .record({
    years: fc.integer({ min: 0, max: 2 }),
    months: fc.integer({ min: 0, max: 14 }),
    days: fc.integer({ min: 0, max: 40 }),
    hours: fc.integer({ min: 0, max: 30 }),
  })
  .filter((d) => d.years + d.months + d.days + d.hours > 0)
  .map((d) => Temporal.Duration.from(d).toString());

describe('interviewTimeIssues', () => {
  it('judges maxInterviewAge and maxInterviewLead as zoned arithmetic does, near the limits too', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        durationArb,
        durationArb,
        // Any moment from 2010 to 2030, so DST switches and the Apia skip are crossed.
        fc.integer({ min: 1_262_304_000, max: 1_893_456_000 }),
        // Where the interview lies against each limit: on it, minutes, hours or days off.
        fc.integer({ min: -4 * 86_400, max: 4 * 86_400 }),
        fc.integer({ min: -4 * 86_400, max: 4 * 86_400 }),
        (timeZone, age, lead, nowSeconds, endShift, startShift) => {
          const now = Temporal.Instant.fromEpochMilliseconds(nowSeconds * 1000);
          const zonedNow = now.toZonedDateTimeISO(timeZone);
          const end = zonedNow.subtract(age).toInstant().add({ seconds: endShift });
          const start = zonedNow.add(lead).toInstant().add({ seconds: startShift });
          const input = { startsAt: start.toString(), endsAt: end.toString(), timeZone };
          const policy = resolvePolicy({ maxInterviewAge: age, maxInterviewLead: lead });
          const paths = interviewTimeIssues(input, policy, now).map((issue) => issue.path);
          expect(paths.sort()).toEqual(exactIssues(start, end, now, timeZone, age, lead).sort());
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('judges interviews far from the limits the same way', () => {
    const now = Temporal.Instant.from('2026-03-29T00:30:00Z');
    const policy = resolvePolicy({ maxInterviewAge: 'P30D', maxInterviewLead: 'P1Y' });
    const at = (instant: string) => ({
      startsAt: instant,
      endsAt: instant,
      timeZone: 'Europe/Berlin',
    });
    expect(interviewTimeIssues(at('2026-03-28T10:00:00Z'), policy, now)).toEqual([]);
    expect(interviewTimeIssues(at('2026-01-01T10:00:00Z'), policy, now).map((i) => i.path)).toEqual(
      ['endsAt'],
    );
    expect(interviewTimeIssues(at('2027-06-01T10:00:00Z'), policy, now).map((i) => i.path)).toEqual(
      ['startsAt'],
    );
  });
});

describe('isAfterDuration', () => {
  it('agrees with comparing against addDuration, near the sum too', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        durationArb,
        fc.integer({ min: 1_262_304_000, max: 1_893_456_000 }),
        fc.integer({ min: -4 * 86_400, max: 4 * 86_400 }),
        (timeZone, duration, fromSeconds, shift) => {
          const from = Temporal.Instant.fromEpochMilliseconds(fromSeconds * 1000);
          const sum = addDuration(from, duration, timeZone);
          const instant = sum.add({ seconds: shift });
          expect(isAfterDuration(instant, from, duration, timeZone)).toBe(
            Temporal.Instant.compare(instant, sum) > 0,
          );
        },
      ),
      { numRuns: 3000 },
    );
  });
});
