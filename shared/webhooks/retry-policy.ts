import type { WebhookAttemptResult } from './ports';

/**
 * When to try a failed delivery again. The schedule is the Standard Webhooks example: after the
 * immediate first attempt, waits of 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h and 24 h,
 * about three days and three hours in all, then give up (the event stays redeliverable).
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Per-attempt budget: connect, headers and body together. */
export const ATTEMPT_TIMEOUT_MS = 15 * SECOND;
/** An endpoint with no successful delivery for this long is disabled. */
export const DISABLE_AFTER_MS = 5 * 24 * HOUR;

/** Delay before attempt n+1, indexed by n-1; attempt 1 goes out immediately. */
export const RETRY_SCHEDULE_MS: readonly number[] = [
  5 * SECOND,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  14 * HOUR,
  20 * HOUR,
  24 * HOUR,
];
/** The first attempt plus one per scheduled retry. */
export const MAX_ATTEMPTS = RETRY_SCHEDULE_MS.length + 1;

/** Each delay is spread by ±20 % so endpoints that failed together do not retry together. */
const JITTER_RATIO = 0.2;
/** The longest wait a `Retry-After` can ask for; longer requests are cut to this. */
export const MAX_RETRY_AFTER_MS = 24 * HOUR;
/** Statuses whose `Retry-After` is honoured (rate limiting and overloaded gateways). */
const RETRY_AFTER_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/**
 * The wait before the next attempt, or undefined when there is none: the last attempt failed,
 * the attempt succeeded, or the endpoint answered 410 Gone.
 *
 * `Retry-After` (on 429/502/503/504) can only lengthen the wait, up to 24 h. It never shortens
 * it: a receiver answering `Retry-After: 0` would otherwise pull every retry forward and burn the
 * attempt budget in seconds, defeating the point of a three-day window.
 *
 * @param attemptJustFailed 1 for the first attempt.
 * @param random source in [0, 1) for the jitter; injectable for deterministic tests.
 */
export function nextRetryDelayMs(
  attemptJustFailed: number,
  result: WebhookAttemptResult,
  random: () => number = Math.random,
): number | undefined {
  if (result.ok || isGone(result)) return undefined;
  if (!Number.isInteger(attemptJustFailed) || attemptJustFailed < 1) {
    throw new RangeError('attemptJustFailed must be a positive integer');
  }
  const scheduled = RETRY_SCHEDULE_MS[attemptJustFailed - 1];
  if (scheduled === undefined) return undefined;

  const jittered = Math.round(scheduled * (1 - JITTER_RATIO + 2 * JITTER_RATIO * random()));
  const requested = honouredRetryAfterMs(result);
  return requested === undefined ? jittered : Math.max(jittered, requested);
}

function honouredRetryAfterMs(result: WebhookAttemptResult): number | undefined {
  if (result.statusCode === undefined || !RETRY_AFTER_STATUSES.has(result.statusCode))
    return undefined;
  if (result.retryAfterMs === undefined || !Number.isFinite(result.retryAfterMs)) return undefined;
  return Math.min(Math.max(0, result.retryAfterMs), MAX_RETRY_AFTER_MS);
}

/** 410 Gone: the receiver says the endpoint no longer exists, so it is disabled, not retried. */
export function isGone(result: WebhookAttemptResult): boolean {
  return result.statusCode === 410;
}
