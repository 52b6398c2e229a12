import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import type { Step } from '../../shared/domain/model';
import { interviewEvent, interviewEventId } from '../../shared/service/events';
import { nextDueAt } from '../../shared/service/interview-service';
import type { StoredInterview } from '../../shared/store/ports';
import { interviewInput } from '../support/interview-fixtures';

const now = Temporal.Instant.from('2026-03-02T09:00:00Z');

function stored(version: number): StoredInterview {
  return {
    tenantId: 'ten_1',
    id: 'int_1',
    externalId: 'ats-1',
    version,
    createdAt: now.toString(),
    updatedAt: now.toString(),
    eventSequence: version,
    state: {
      input: { round: 1, nextSteps: {}, ...interviewInput() } as StoredInterview['state']['input'],
      status: 'active',
      steps: [],
    },
  };
}

describe('interview events', () => {
  it.each([
    ['interview.created', 1, 5, true],
    ['interview.closed', 1, 5, true],
    ['interview.updated', 2, 2, true],
    ['interview.updated', 2, 3, false],
  ] as const)('%s ids for versions %i and %i are equal: %s', (type, a, b, equal) => {
    expect(interviewEventId(type, stored(a)) === interviewEventId(type, stored(b))).toBe(equal);
    expect(interviewEventId(type, stored(a))).toMatch(/^evt_/);
  });

  it('carries a summary without personal data and expires after 30 days', () => {
    const event = interviewEvent('interview.updated', stored(3), 4, now);
    expect(event).toMatchObject({
      tenantId: 'ten_1',
      type: 'interview.updated',
      interviewId: 'int_1',
      timestamp: '2026-03-02T09:00:00Z',
      expiresAt: now.epochMilliseconds / 1000 + 30 * 86_400,
      data: {
        interviewId: 'int_1',
        externalId: 'ats-1',
        version: 3,
        sequence: 4,
        status: 'active',
      },
    });
    const text = JSON.stringify(event);
    for (const personal of ['Dana', 'dana@', 'Priya', 'Marco'])
      expect(text).not.toContain(personal);
  });
});

describe('nextDueAt', () => {
  const step = (dueAt: string, status: Step['status']) => ({ dueAt, status }) as Step;
  it.each([
    [[], undefined],
    [[step('2026-03-04T10:00:00Z', 'completed')], undefined],
    [
      [
        step('2026-03-05T10:00:00Z', 'scheduled'),
        step('2026-03-03T10:00:00Z', 'skipped'),
        step('2026-03-04T10:00:00+00:00', 'scheduled'),
      ],
      '2026-03-04T10:00:00Z',
    ],
  ])('%#: %j → %s', (steps, expected) => {
    expect(nextDueAt(steps)).toBe(expected);
  });
});
