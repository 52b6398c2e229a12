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
 * The delivery state after the attempt `record`: succeeded, pending its next attempt, or
 * failed. It lists the attempt's log entry (and every earlier one), which erasure follows.
 */
export function stateAfterAttempt(facts: AttemptFacts, record: AttemptRecord): DeliveryState {
  const { result, nextAttemptAt } = facts;
  const state = deliveryState(facts.event, facts.endpoint, facts.previous, facts.now, {
    status: result.ok ? 'succeeded' : nextAttemptAt === undefined ? 'failed' : 'pending',
    attempts: facts.attempt,
    lastAttemptAt: facts.now.toString(),
    ...(nextAttemptAt === undefined ? {} : { nextAttemptAt }),
  });
  const logged = { id: record.id, attemptedAt: record.attemptedAt };
  return { ...state, attemptLog: [...(state.attemptLog ?? []), logged] };
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
