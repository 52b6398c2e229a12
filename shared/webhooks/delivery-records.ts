/**
 * What webhook delivery stores: the attempt log entry, the delivery state of one (event,
 * endpoint) pair, and the retention they share. Pure builders: writing them, and in what order,
 * is the delivery service's job.
 */
import type { Temporal } from 'temporal-polyfill';
import type { DeliveryAttempt, DeliveryState, StoredEndpoint, StoredEvent } from '../store/ports';
import type { WebhookAttemptResult } from './ports';

/** Events, attempts and delivery states are kept this long, then expire by TTL. */
export const DELIVERY_RETENTION_SECONDS = 30 * 24 * 3600;

/** The outcome of one attempt, as logged. */
export type AttemptRecord = DeliveryAttempt;

/** The TTL (epoch seconds) of a delivery record written at `now`. */
export function retentionExpiry(now: Temporal.Instant): number {
  return Math.floor(now.epochMilliseconds / 1000) + DELIVERY_RETENTION_SECONDS;
}

/** One attempt made: what it sent, when, and what came back. */
export interface AttemptFacts {
  event: StoredEvent;
  endpoint: StoredEndpoint;
  /** Cumulative attempt number (across delivery rounds). */
  attempt: number;
  /** The same attempt's 1-based position inside its round, as the log shows it. */
  attemptInRound: number;
  result: WebhookAttemptResult;
  /** Real time the attempt started (what `webhook-timestamp` carried). */
  wallStart: Temporal.Instant;
  /** Runtime-clock time the attempt started and finished. */
  runtimeStart: Temporal.Instant;
  now: Temporal.Instant;
  /** When the next attempt is due, if one was scheduled. */
  nextAttemptAt: string | undefined;
  /** The state before this attempt, if the delivery had one. */
  previous: DeliveryState | undefined;
}

/** The attempt log entry. Its id is time-ordered by the real clock. */
export function attemptRecord(facts: AttemptFacts, id: string): AttemptRecord {
  const { event, endpoint, result, nextAttemptAt } = facts;
  return {
    tenantId: event.tenantId,
    id,
    eventId: event.id,
    endpointId: endpoint.id,
    attempt: facts.attemptInRound,
    attemptedAt: facts.wallStart.toString(),
    runtimeAttemptedAt: facts.runtimeStart.toString(),
    outcome: result.ok ? 'succeeded' : 'failed',
    ...(result.statusCode === undefined ? {} : { statusCode: result.statusCode }),
    latencyMs: result.latencyMs,
    ...(result.error === undefined ? {} : { error: result.error }),
    ...(result.responseBody ? { responseBody: result.responseBody } : {}),
    ...(nextAttemptAt === undefined ? {} : { nextAttemptAt }),
    ...(event.interviewId === undefined ? {} : { interviewId: event.interviewId }),
    expiresAt: retentionExpiry(facts.now),
  };
}

/** What sets one delivery state apart; the keys, timestamps and retention are filled in. */
type DeliveryStateFields = Pick<DeliveryState, 'status' | 'attempts'> &
  Partial<Pick<DeliveryState, 'lastAttemptAt' | 'nextAttemptAt'>>;

/** A delivery state of (event, endpoint) written at `now`, created with `previous` if any. */
function deliveryState(
  event: StoredEvent,
  endpoint: StoredEndpoint,
  previous: DeliveryState | undefined,
  now: Temporal.Instant,
  fields: DeliveryStateFields,
): DeliveryState {
  const nowText = now.toString();
  return {
    tenantId: event.tenantId,
    eventId: event.id,
    endpointId: endpoint.id,
    ...fields,
    createdAt: previous?.createdAt ?? nowText,
    updatedAt: nowText,
    expiresAt: retentionExpiry(now),
    ...(previous?.attemptLog === undefined ? {} : { attemptLog: previous.attemptLog }),
  };
}

/**
 * How many attempt log entries a delivery state lists. A state is rewritten on every attempt,
 * so its list must stay small: ten attempts a round, a few redeliveries. Past it (an event
 * redelivered over and over), attempts are indexed by interview instead, as before the lists.
 */
export const listedAttemptsLimit = 50;

/**
 * The delivery state after the attempt `record`, and the record as it is to be written. The
 * state is succeeded, pending its next attempt, or failed, and lists the attempt's log entry
 * beside every earlier one that has not expired, which erasure follows; when that list is full,
 * the record is marked to be found through the by-interview index instead.
 */
export function stateAfterAttempt(
  facts: AttemptFacts,
  record: AttemptRecord,
): { state: DeliveryState; record: AttemptRecord } {
  const { result, nextAttemptAt, now } = facts;
  const state = deliveryState(facts.event, facts.endpoint, facts.previous, now, {
    status: result.ok ? 'succeeded' : nextAttemptAt === undefined ? 'failed' : 'pending',
    attempts: facts.attempt,
    lastAttemptAt: now.toString(),
    ...(nextAttemptAt === undefined ? {} : { nextAttemptAt }),
  });
  // An entry whose attempt has expired (by TTL, after the retention) names nothing any more.
  // Entries carry the real time of their attempt, so the bound is this attempt's real time (on
  // the local runtime the clock that sets TTLs runs ahead of it, which only keeps more).
  const oldestMs = Date.parse(record.attemptedAt) - DELIVERY_RETENTION_SECONDS * 1000;
  const kept = (state.attemptLog ?? []).filter((entry) => Date.parse(entry.attemptedAt) > oldestMs);
  if (kept.length >= listedAttemptsLimit) {
    return {
      state: { ...state, attemptLog: kept },
      record: { ...record, indexedForErasure: true },
    };
  }
  const logged = { id: record.id, attemptedAt: record.attemptedAt };
  return { state: { ...state, attemptLog: [...kept, logged] }, record };
}

/**
 * A round queued to start at `now`: pending, its counter one below the round's first attempt,
 * which marks every wake-up of earlier rounds as stale.
 */
export function pendingRoundState(
  event: StoredEvent,
  endpoint: StoredEndpoint,
  firstAttempt: number,
  previous: DeliveryState | undefined,
  now: Temporal.Instant,
): DeliveryState {
  return deliveryState(event, endpoint, previous, now, {
    status: 'pending',
    attempts: firstAttempt - 1,
    nextAttemptAt: now.toString(),
    ...(previous?.lastAttemptAt ? { lastAttemptAt: previous.lastAttemptAt } : {}),
  });
}

/** An event an endpoint missed while disabled: kept as failed so `recover` finds it. */
export function skippedState(
  event: StoredEvent,
  endpoint: StoredEndpoint,
  now: Temporal.Instant,
): DeliveryState {
  return deliveryState(event, endpoint, undefined, now, { status: 'failed', attempts: 0 });
}

/** The state of a delivery whose event was erased while a retry was pending: failed, as is. */
export function erasedWhilePending(state: DeliveryState, now: Temporal.Instant): DeliveryState {
  const { nextAttemptAt: _dropped, ...rest } = state;
  return { ...rest, status: 'failed', updatedAt: now.toString() };
}
