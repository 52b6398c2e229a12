import { describe, expect, it } from 'vitest';
import type { FollowUpState, Step } from '../../shared/domain/model';
import { scopeStepIds } from '../../shared/domain/step-ids';
import { checkInStep } from '../support/interview-fixtures';

function step(id: string, status: Step['status'] = 'scheduled', extra: Partial<Step> = {}): Step {
  return checkInStep(id, { status, ...extra });
}

const state = (steps: Step[]) => ({ steps }) as unknown as FollowUpState;

describe('scopeStepIds', () => {
  it('re-derives new ids from the seed and leaves known ones alone', () => {
    const kept = step('stp_kept');
    const change = { state: state([kept, step('stp_local')]), cancelled: [], added: [] as Step[] };
    change.added = [change.state.steps[1] as Step];
    const a = scopeStepIds([kept], change, 'int_a');
    const b = scopeStepIds([kept], change, 'int_b');
    expect(a.state.steps[0]).toBe(kept);
    expect(a.state.steps[1]?.id).not.toBe('stp_local');
    expect(a.state.steps[1]?.id).not.toBe(b.state.steps[1]?.id);
    expect(a.added[0]?.id).toBe(a.state.steps[1]?.id);
    // Deterministic: the same change on the same interview gives the same ids.
    expect(scopeStepIds([kept], change, 'int_a')).toEqual(a);
  });

  it('follows a renamed replacement in supersededBy (a due step that was snoozed)', () => {
    const fired = step('stp_fired', 'due');
    const moved = step('stp_local');
    const change = {
      state: state([{ ...fired, status: 'skipped', supersededBy: 'stp_local' }, moved]),
      cancelled: [],
      added: [moved],
    };
    const scoped = scopeStepIds([fired], change, 'int_a');
    const newId = scoped.added[0]?.id;
    expect(newId).not.toBe('stp_local');
    expect(scoped.state.steps[0]).toMatchObject({ id: 'stp_fired', supersededBy: newId });
  });

  it('re-keys a new id that an earlier step already had, and follows it in cancel reasons', () => {
    const first = scopeStepIds(
      [],
      { state: state([step('stp_local')]), cancelled: [], added: [] },
      'int_a',
    );
    const scopedId = first.state.steps[0]?.id ?? '';
    // The step was moved away (cancelled, replaced) and is now planned back at its old time,
    // so the planner hands out the same local id again.
    const cancelled = step(scopedId, 'cancelled', { cancelReason: 'snoozed; replaced by stp_x' });
    const back = scopeStepIds(
      [cancelled],
      {
        state: state([
          { ...cancelled, cancelReason: 'snoozed; replaced by stp_local' },
          step('stp_local'),
        ]),
        cancelled: [],
        added: [],
      },
      'int_a',
    );
    const [old, again] = back.state.steps;
    expect(again?.id).not.toBe(scopedId);
    expect(old?.id).toBe(scopedId);
    expect(old?.cancelReason).toBe(`snoozed; replaced by ${again?.id}`);
  });
});
