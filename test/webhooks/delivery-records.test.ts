/**
 * The delivery state lists the keys of its attempts for erasure: expired entries are dropped,
 * and a full list leaves the attempt to the by-interview index rather than growing the state
 * (rewritten on every attempt) without bound.
 */
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import type { DeliveryState, StoredEndpoint, StoredEvent } from '../../shared/store/ports';
import {
  type AttemptFacts,
  attemptRecord,
  DELIVERY_RETENTION_SECONDS,
  listedAttemptsLimit,
  stateAfterAttempt,
} from '../../shared/webhooks/delivery-records';

const now = Temporal.Instant.from('2030-01-07T09:00:00Z');
const event: StoredEvent = {
  tenantId: 'ten_1',
  id: 'evt_1',
  type: 'followup.thank_you',
  timestamp: now.toString(),
  interviewId: 'int_1',
  data: { sequence: 1 },
  createdAt: now.toString(),
  expiresAt: 0,
};
const endpoint = { tenantId: 'ten_1', id: 'whe_1' } as StoredEndpoint;

function factsAfter(attemptLog: DeliveryState['attemptLog']): AttemptFacts {
  const previous: DeliveryState = {
    tenantId: 'ten_1',
    eventId: 'evt_1',
    endpointId: 'whe_1',
    status: 'pending',
    attempts: attemptLog?.length ?? 0,
    createdAt: now.toString(),
    updatedAt: now.toString(),
    expiresAt: 0,
    ...(attemptLog ? { attemptLog } : {}),
  };
  return {
    event,
    endpoint,
    attempt: previous.attempts + 1,
    attemptInRound: 1,
    result: { ok: true, statusCode: 200, latencyMs: 5 },
    wallStart: now,
    runtimeStart: now,
    now,
    nextAttemptAt: undefined,
    previous,
  };
}

const entry = (i: number, at: Temporal.Instant) => ({ id: `dlv_${i}`, attemptedAt: at.toString() });

describe('stateAfterAttempt', () => {
  it('lists the new attempt after the earlier ones', () => {
    const facts = factsAfter([entry(0, now.subtract({ hours: 1 }))]);
    const { state, record } = stateAfterAttempt(facts, attemptRecord(facts, 'dlv_new'));
    expect(state.attemptLog?.map((e) => e.id)).toEqual(['dlv_0', 'dlv_new']);
    expect(record.indexedForErasure).toBeUndefined();
  });

  it('drops entries whose attempts have expired', () => {
    const expired = now.subtract({ seconds: DELIVERY_RETENTION_SECONDS + 60 });
    const facts = factsAfter([entry(0, expired), entry(1, now.subtract({ hours: 24 }))]);
    const { state } = stateAfterAttempt(facts, attemptRecord(facts, 'dlv_new'));
    expect(state.attemptLog?.map((e) => e.id)).toEqual(['dlv_1', 'dlv_new']);
  });

  it('leaves a full list as it is and marks the attempt for the by-interview index', () => {
    const full = Array.from({ length: listedAttemptsLimit }, (_, i) =>
      entry(i, now.subtract({ minutes: listedAttemptsLimit - i })),
    );
    const facts = factsAfter(full);
    const { state, record } = stateAfterAttempt(facts, attemptRecord(facts, 'dlv_new'));
    expect(state.attemptLog).toEqual(full);
    expect(record).toMatchObject({ id: 'dlv_new', interviewId: 'int_1', indexedForErasure: true });
  });
});
