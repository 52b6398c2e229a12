import { describe, expect, it } from 'vitest';
import { parseWakeupPayload } from '../../shared/scheduling/payload';

const step = { kind: 'step', tenantId: 't1', interviewId: 'i1', stepId: 's1' };
const delivery = { kind: 'delivery', tenantId: 't1', eventId: 'e1', endpointId: 'w1', attempt: 2 };
const endpoint = {
  kind: 'endpoint',
  tenantId: 't1',
  endpointId: 'w1',
  failingSince: '2030-01-07T09:00:00.123Z',
};

describe('parseWakeupPayload', () => {
  it.each([
    ['a step wake-up', step],
    ['a delivery wake-up', delivery],
    ['a failure streak deadline', endpoint],
  ])('accepts %s, as an object or as its JSON text', (_, payload) => {
    expect(parseWakeupPayload(payload)).toEqual(payload);
    expect(parseWakeupPayload(JSON.stringify(payload))).toEqual(payload);
  });

  it('keeps only the fields a wake-up has', () => {
    expect(parseWakeupPayload({ ...step, extra: 'x', attempt: 3 })).toStrictEqual(step);
  });

  it.each([
    ['an unknown kind', { ...step, kind: 'other' }],
    ['an empty id', { ...step, stepId: '' }],
    ['an id over 100 characters', { ...step, interviewId: 'x'.repeat(101) }],
    ['attempt 0', { ...delivery, attempt: 0 }],
    ['attempt 101', { ...delivery, attempt: 101 }],
    ['a fractional attempt', { ...delivery, attempt: 1.5 }],
    ['an attempt given as text', { ...delivery, attempt: '2' }],
    ['a missing field', { kind: 'delivery', tenantId: 't1', eventId: 'e1', attempt: 1 }],
    ['a streak start that is no instant', { ...endpoint, failingSince: 'yesterday' }],
    ['a streak start with an offset', { ...endpoint, failingSince: '2030-01-07T10:00:00+01:00' }],
    ['an impossible streak start', { ...endpoint, failingSince: '2030-13-45T09:00:00Z' }],
    ['a streak start given as a number', { ...endpoint, failingSince: 1_893_920_400_000 }],
    ['text that is not JSON', '{kind:'],
    ['null', null],
    ['an array', [step]],
  ])('rejects %s', (_, input) => {
    expect(parseWakeupPayload(input)).toBeUndefined();
  });
});
