import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import {
  isValidTimeZone,
  oneTimeFireInstant,
  parseScheduleExpression,
} from '../../../local/scheduler-emulator/expressions';

describe('oneTimeFireInstant', () => {
  it.each([
    ['2030-01-07T10:00:00', 'UTC', '2030-01-07T10:00:00Z'],
    ['2030-01-07T10:00:00', 'America/New_York', '2030-01-07T15:00:00Z'],
    ['2030-07-07T10:00:00', 'America/New_York', '2030-07-07T14:00:00Z'],
    // 02:30 does not exist in Berlin on 2030-03-31: moved past the gap, not dropped.
    ['2030-03-31T02:30:00', 'Europe/Berlin', '2030-03-31T01:30:00Z'],
    // 02:30 happens twice on 2030-10-27: the earlier one.
    ['2030-10-27T02:30:00', 'Europe/Berlin', '2030-10-27T00:30:00Z'],
  ])('at(%s) in %s fires at %s', (local, zone, expected) => {
    const fireMs = oneTimeFireInstant(Temporal.PlainDateTime.from(local), zone);
    expect(Temporal.Instant.fromEpochMilliseconds(fireMs).toString()).toBe(expected);
  });
});

describe('parseScheduleExpression', () => {
  it.each([
    ['rate(5 minutes)', { kind: 'rate', value: 5, unit: 'minute' }],
    ['rate(1 day)', { kind: 'rate', value: 1, unit: 'day' }],
    ['cron(0 9 ? * TUE,WED *)', { kind: 'cron', fields: ['0', '9', '?', '*', 'TUE,WED', '*'] }],
    [
      'cron(0/15 8-17 L * ? 2030)',
      { kind: 'cron', fields: ['0/15', '8-17', 'L', '*', '?', '2030'] },
    ],
  ])('reads %s', (expression, expected) => {
    expect(parseScheduleExpression(expression)).toEqual(expected);
  });

  it.each(['at(2030-13-01T00:00:00)', 'at(2030-01-01 00:00:00)', 'rate(-1 minutes)', 'cron()', ''])(
    'rejects %j',
    (expression) => {
      expect(parseScheduleExpression(expression)).toBeUndefined();
    },
  );
});

describe('isValidTimeZone', () => {
  it.each([
    ['UTC', true],
    ['Europe/Berlin', true],
    ['America/Argentina/Buenos_Aires', true],
    ['Europe/Atlantis', false],
    ['', false],
  ])('%j is %s', (zone, valid) => {
    expect(isValidTimeZone(zone)).toBe(valid);
  });
});
