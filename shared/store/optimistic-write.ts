/**
 * The one way this codebase does "read, change, conditional write, retry": every item that two
 * writers may change at once (an interview, a webhook endpoint, an Idempotency-Key claim) is
 * written with a condition on what was read, and a writer that loses the race reads again and
 * decides again. One attempt limit and one backoff policy for all of them, so contention behaves
 * the same wherever it happens.
 */
import { setTimeout as sleepFor } from 'node:timers/promises';
import { VersionConflictError, WriteContentionError } from '../errors';

/**
 * Attempts before giving up. Every round has one winner, so N writers racing for one item need
 * at most N attempts; sixteen covers the bursts an integration plausibly sends at one interview
 * (test/reliability/concurrency.test.ts races twenty), while a writer that can never win stops
 * after at most 3.5 s of backoff in all (about 1.8 s on average).
 */
export const OPTIMISTIC_WRITE_ATTEMPTS = 16;
/** The backoff ceiling doubles from this after each lost race ... */
const BACKOFF_BASE_MS = 5;
/** ... up to this. */
export const BACKOFF_CAP_MS = 320;

/**
 * The wait after the `lostRaces`-th lost race: "full jitter" (a uniform draw below an
 * exponentially growing, capped ceiling), so writers that collided once do not collide again.
 */
export function backoffMs(lostRaces: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** lostRaces));
}

export interface OptimisticWriteOptions {
  /**
   * The error to throw when every attempt lost its race, e.g. a 409 for an API caller. A
   * WriteContentionError (with the last conflict as its cause) when absent.
   */
  exhausted?: (attempts: number) => Error;
  /** Injectable for tests; a real timer otherwise. */
  sleep?: (ms: number) => Promise<unknown>;
  /** Jitter source in [0, 1); injectable for tests. */
  random?: () => number;
}

/**
 * Runs `attempt` until it completes without a VersionConflictError: `attempt` reads the item,
 * decides, and makes its conditional write (the store throws VersionConflictError when the item
 * moved since the read); it may also throw one itself to ask for another round. Between rounds
 * it backs off. Any other error passes straight through. Work that must follow only a successful
 * write belongs after this call, on what `attempt` returned, so a conflict in it is not mistaken
 * for a lost race.
 *
 * @param attempt receives the 1-based attempt number (1 means nothing has been re-read yet).
 */
export async function optimisticWrite<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  options: OptimisticWriteOptions = {},
): Promise<T> {
  const sleep = options.sleep ?? sleepFor;
  const random = options.random ?? Math.random;
  for (let attemptNumber = 1; ; attemptNumber++) {
    try {
      return await attempt(attemptNumber);
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
      if (attemptNumber >= OPTIMISTIC_WRITE_ATTEMPTS) {
        throw (
          options.exhausted?.(attemptNumber) ??
          new WriteContentionError(`Gave up after ${attemptNumber} conflicting writes`, {
            cause: error,
          })
        );
      }
      await sleep(backoffMs(attemptNumber, random));
    }
  }
}
