import { describe, expect, it } from 'vitest';
import type { WebhookAttemptResult } from '../../shared/webhooks/ports';
import {
  ATTEMPT_TIMEOUT_MS,
  DISABLE_AFTER_MS,
  isGone,
  MAX_ATTEMPTS,
  MAX_RETRY_AFTER_MS,
  nextRetryDelayMs,
  RETRY_SCHEDULE_MS,
} from '../../shared/webhooks/retry-policy';

const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;

const failed = (statusCode?: number, retryAfterMs?: number): WebhookAttemptResult => ({
  ok: false,
  latencyMs: 12,
  ...(statusCode === undefined ? { error: 'connection refused' } : { statusCode }),
  ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
});
const middle = () => 0.5;
const lowest = () => 0;
const threeQuarters = () => 0.75;

describe('nextRetryDelayMs', () => {
  it.each([
    [1, 5 * S],
    [2, 5 * MIN],
    [3, 30 * MIN],
    [4, 2 * H],
    [5, 5 * H],
    [6, 10 * H],
    [7, 14 * H],
    [8, 20 * H],
    [9, 24 * H],
  ])('after attempt %i waits the scheduled %i ms (no jitter at the midpoint)', (attempt, delay) => {
    expect(nextRetryDelayMs(attempt, failed(500), middle)).toBe(delay);
  });

  it.each([1, 4, 9])('spreads attempt %i linearly across ±20 %%', (attempt) => {
    const scheduled = RETRY_SCHEDULE_MS[attempt - 1] ?? 0;
    expect(nextRetryDelayMs(attempt, failed(500), lowest)).toBe(Math.round(scheduled * 0.8));
    expect(nextRetryDelayMs(attempt, failed(500), threeQuarters)).toBe(Math.round(scheduled * 1.1));
    expect(nextRetryDelayMs(attempt, failed(500), () => 0.999_999)).toBeLessThanOrEqual(
      scheduled * 1.2,
    );
  });

  it('gives up after the tenth attempt, about three days after the first', () => {
    expect(MAX_ATTEMPTS).toBe(10);
    expect(nextRetryDelayMs(10, failed(500), middle)).toBeUndefined();
    const total = RETRY_SCHEDULE_MS.reduce((sum, d) => sum + d, 0);
    expect(total).toBe(75 * H + 35 * MIN + 5 * S);
  });

  it.each([
    ['a network error', failed()],
    ['a timeout', { ok: false, latencyMs: 15_000, error: 'timeout' }],
    ['a redirect', failed(302)],
    ['a client error', failed(400)],
    ['a server error', failed(500)],
  ])('retries after %s', (_name, result) => {
    expect(nextRetryDelayMs(3, result, middle)).toBe(30 * MIN);
  });

  it('does not retry a success or a 410 Gone', () => {
    expect(
      nextRetryDelayMs(1, { ok: true, statusCode: 204, latencyMs: 3 }, middle),
    ).toBeUndefined();
    expect(nextRetryDelayMs(1, failed(410), middle)).toBeUndefined();
  });

  it.each([
    ['429 asking for longer than the schedule', 429, 1, 2 * MIN, 2 * MIN],
    ['503 asking for longer than the schedule', 503, 2, 20 * MIN, 20 * MIN],
    ['502 asking for longer than the schedule', 502, 1, 30 * S, 30 * S],
    ['504 asking for longer than the schedule', 504, 3, 1 * H, 1 * H],
    ['429 asking for less than the schedule', 429, 4, 10 * S, 2 * H],
    ['429 asking for zero', 429, 1, 0, 5 * S],
    ['503 asking for a week is capped', 503, 1, 7 * 24 * H, MAX_RETRY_AFTER_MS],
    ['500 is not a status whose Retry-After counts', 500, 1, 10 * MIN, 5 * S],
    ['400 is not a status whose Retry-After counts', 400, 1, 10 * MIN, 5 * S],
  ])('Retry-After: %s', (_name, status, attempt, retryAfterMs, expected) => {
    expect(nextRetryDelayMs(attempt, failed(status, retryAfterMs), middle)).toBe(expected);
  });

  it('still gives up after the last attempt even when Retry-After asks to come back', () => {
    expect(nextRetryDelayMs(10, failed(503, 5 * MIN), middle)).toBeUndefined();
  });

  it.each([0, -1, 1.5])('rejects the attempt number %s', (attempt) => {
    expect(() => nextRetryDelayMs(attempt, failed(500), middle)).toThrow(RangeError);
  });
});

describe('constants and isGone', () => {
  it('fixes the per-attempt timeout and the disable threshold', () => {
    expect(ATTEMPT_TIMEOUT_MS).toBe(15_000);
    expect(DISABLE_AFTER_MS).toBe(5 * 24 * H);
  });

  it.each([
    [410, true],
    [404, false],
    [500, false],
    [undefined, false],
  ])('isGone(%s) is %s', (status, gone) => {
    expect(isGone(failed(status))).toBe(gone);
  });
});
