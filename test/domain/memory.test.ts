/**
 * What the plan remembers (`state.memory`), and interviews stored before it had its own
 * object: their employer reply and pause sat at the top level of the state.
 */
import { describe, expect, it } from 'vitest';
import {
  applySignal,
  applyStepAction,
  eraseFollowUp,
  type FollowUpState,
  replan,
  resolvePolicy,
  startFollowUp,
} from '../../shared/domain';
import { readFollowUpState } from '../../shared/domain/memory';
import { at, checkIns, interview, jonas, mia } from './fixtures';

const policy = resolvePolicy();
const input = interview('2026-03-03T14:00:00Z', { interviewers: [jonas, mia] });
const started = startFollowUp(input, policy, at(input.endsAt));
const repliedAt = at('2026-03-05T10:00:00Z');
const replied = applySignal(started, { type: 'employer_replied' }, policy, repliedAt).state;
const paused = applySignal(
  started,
  { type: 'paused', until: '2026-05-04', note: 'hiring freeze' },
  policy,
  at('2026-03-10T10:00:00Z'),
).state;

/** The same state as an item written before `memory` existed, read back from JSON. */
function oldShape(state: FollowUpState): FollowUpState {
  const { memory, ...rest } = state;
  return JSON.parse(JSON.stringify({ ...rest, ...memory }));
}

describe('the plan remembers', () => {
  it('a new follow-up remembers nothing', () => {
    expect(started.memory).toBeUndefined();
  });

  it('an employer reply and a pause, kept by a re-plan no caller passes them to', () => {
    const renamed = { ...input, role: { ...input.role, title: 'Staff Engineer' } };
    const later = at('2026-03-11T10:00:00Z');
    expect(replan(replied, renamed, policy, later).state.memory).toEqual(replied.memory);
    expect(replan(paused, renamed, policy, later).state.memory).toEqual(paused.memory);
  });

  it('a new round forgets the previous round', () => {
    const next = applySignal(
      paused,
      {
        type: 'next_round',
        startsAt: '2026-03-17T09:00:00Z',
        endsAt: '2026-03-17T10:00:00Z',
        interviewers: [jonas],
      },
      policy,
      at('2026-03-12T10:00:00Z'),
    );
    expect(next.state.memory).toBeUndefined();
  });
});

describe('an interview stored before the memory had its own object', () => {
  it('is read into the current shape; a current state passes through as is', () => {
    const old = oldShape(paused);
    expect(old).toHaveProperty('pause');
    expect(old).not.toHaveProperty('memory');
    expect(readFollowUpState(old)).toEqual(paused);
    expect(readFollowUpState(paused)).toBe(paused);
  });

  it('re-plans, takes signals and step actions exactly as its current-shape twin', () => {
    const renamed = { ...input, role: { ...input.role, title: 'Staff Engineer' } };
    const later = at('2026-03-11T10:00:00Z');
    for (const state of [replied, paused]) {
      const old = oldShape(state);
      expect(replan(old, renamed, policy, later)).toEqual(replan(state, renamed, policy, later));
      const rescheduled = {
        type: 'rescheduled',
        startsAt: '2026-03-03T15:00:00Z',
        endsAt: '2026-03-03T16:00:00Z',
      } as const;
      expect(applySignal(old, rescheduled, policy, later)).toEqual(
        applySignal(state, rescheduled, policy, later),
      );
      const step = checkIns(state.steps).find((candidate) => candidate.status === 'scheduled');
      if (step) {
        const skip = { type: 'skip' } as const;
        expect(applyStepAction(old, step.id, skip, policy, later)).toEqual(
          applyStepAction(state, step.id, skip, policy, later),
        );
      }
      expect(eraseFollowUp(old, later)).toEqual(eraseFollowUp(state, later));
    }
  });

  it('keeps the old reply: a reply without dates still stops the check-ins after a re-plan', () => {
    const old = oldShape(replied);
    const change = replan(old, input, policy, at('2026-03-11T10:00:00Z'));
    expect(change.state.memory?.employerReply).toEqual({
      at: repliedAt.toString(),
      withDates: false,
    });
    expect(change.state).not.toHaveProperty('employerReply');
    expect(checkIns(change.state.steps).filter((step) => step.status === 'scheduled')).toEqual([]);
  });
});
