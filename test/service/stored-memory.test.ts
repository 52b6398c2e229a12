import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../shared/clock';
import { type FollowUpState, interviewInputSchema } from '../../shared/domain/model';
import type { DynamoStore } from '../../shared/store/dynamo-store';
import type { StoredInterview } from '../../shared/store/ports';
import { interviewServiceOn, newTenantId, useDynaliteStore } from '../support/dynalite-store';
import { interviewInput } from '../support/runtime';

const plannedAt = Temporal.Instant.from('2030-01-07T15:00:00Z');
let store: DynamoStore;
useDynaliteStore('memory', plannedAt, (started) => {
  store = started;
});

/** The state as it was stored before `memory` existed. */
function oldShape(state: FollowUpState): Record<string, unknown> {
  const { memory, ...rest } = state;
  return { ...rest, ...memory };
}

const checkInDays = (interview: StoredInterview) =>
  interview.state.steps
    .filter((step) => step.kind === 'check_in' && step.status === 'scheduled')
    .map((step) => step.localDueAt);

describe('an interview item in the shape from before the plan memory', () => {
  it('loads, and its next re-plan keeps the pause as a current item does', async () => {
    let now = plannedAt;
    const clock: Clock = { now: () => now };
    const service = interviewServiceOn(store, clock);
    const tenantId = newTenantId();
    const input = interviewInputSchema.parse(interviewInput(plannedAt));
    const current = await service.create(tenantId, input);
    const old = await service.create(tenantId, input);

    now = plannedAt.add({ hours: 72 });
    const pause = { type: 'paused', until: '2030-03-01', note: 'hiring freeze' } as const;
    await service.postSignal(tenantId, current.id, pause);
    await service.postSignal(tenantId, old.id, pause);
    const paused = await service.get(tenantId, old.id);
    expect(paused.state.memory?.pause).toMatchObject({ until: '2030-03-01' });

    // Rewrite the second item as an older deploy stored it.
    const downgraded = {
      ...paused,
      version: paused.version + 1,
      revision: (paused.revision ?? 1) + 1,
      state: oldShape(paused.state) as unknown as FollowUpState,
    };
    await store.updateInterview(downgraded, paused.version);
    const loaded = await service.get(tenantId, old.id);
    expect(loaded.state).toHaveProperty('pause');
    expect(loaded.state).not.toHaveProperty('memory');

    now = plannedAt.add({ hours: 96 });
    const patch = { role: { title: 'Staff Backend Engineer' } };
    const fromCurrent = await service.patch(tenantId, current.id, patch);
    const fromOld = await service.patch(tenantId, old.id, patch);

    expect(fromOld.state.memory).toEqual(fromCurrent.state.memory);
    expect(fromOld.state.memory?.pause).toMatchObject({
      until: '2030-03-01',
      note: 'hiring freeze',
    });
    expect(fromOld.state).not.toHaveProperty('pause');
    expect(checkInDays(fromOld)).toEqual(checkInDays(fromCurrent));
    expect(checkInDays(fromOld).length).toBeGreaterThan(0);
    for (const day of checkInDays(fromOld)) expect(day.slice(0, 10) >= '2030-03-01').toBe(true);
    const stored = await service.get(tenantId, old.id);
    expect(stored.state).toEqual(fromOld.state);
  });
});
