import { describe, expect, it } from 'vitest';
import { ConflictError, VersionConflictError, WriteContentionError } from '../../shared/errors';
import {
  BACKOFF_CAP_MS,
  backoffMs,
  OPTIMISTIC_WRITE_ATTEMPTS,
  optimisticWrite,
} from '../../shared/store/optimistic-write';

/** Records the waits asked for instead of waiting, so nothing depends on wall time. */
function recordedSleeps() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

describe('optimisticWrite', () => {
  it('re-runs the attempt after a lost race and returns what the winning attempt returned', async () => {
    const { waits, sleep } = recordedSleeps();
    const seen: number[] = [];
    const result = await optimisticWrite(
      async (attempt) => {
        seen.push(attempt);
        if (attempt < 3) throw new VersionConflictError('moved since the read');
        return 'written';
      },
      { sleep, random: () => 0.5 },
    );
    expect(result).toBe('written');
    expect(seen).toEqual([1, 2, 3]);
    // One wait per lost race, from the one backoff policy.
    expect(waits).toEqual([backoffMs(1, () => 0.5), backoffMs(2, () => 0.5)]);
  });

  it('makes one attempt and no wait when the first write wins', async () => {
    const { waits, sleep } = recordedSleeps();
    let calls = 0;
    await expect(optimisticWrite(async () => ++calls, { sleep })).resolves.toBe(1);
    expect(waits).toEqual([]);
  });

  it('gives up after the attempt limit with a WriteContentionError carrying the last conflict', async () => {
    const { waits, sleep } = recordedSleeps();
    let calls = 0;
    const last = new VersionConflictError('still moving');
    const failure = await optimisticWrite(
      async () => {
        calls++;
        throw last;
      },
      { sleep },
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WriteContentionError);
    // Not a VersionConflictError: an enclosing optimistic write must not retry a give-up.
    expect(failure).not.toBeInstanceOf(VersionConflictError);
    expect((failure as Error).message).toContain(String(OPTIMISTIC_WRITE_ATTEMPTS));
    expect((failure as Error).cause).toBe(last);
    expect(calls).toBe(OPTIMISTIC_WRITE_ATTEMPTS);
    expect(waits).toHaveLength(OPTIMISTIC_WRITE_ATTEMPTS - 1);
  });

  it("throws the caller's own error on exhaustion when it names one", async () => {
    const { sleep } = recordedSleeps();
    const failure = optimisticWrite(
      async () => {
        throw new VersionConflictError('still moving');
      },
      { sleep, exhausted: (attempts) => new ConflictError(`changing too often (${attempts})`) },
    );
    await expect(failure).rejects.toThrow(ConflictError);
    await expect(failure).rejects.toThrow(`changing too often (${OPTIMISTIC_WRITE_ATTEMPTS})`);
  });

  it('passes any other error straight through, without retrying', async () => {
    const { waits, sleep } = recordedSleeps();
    let calls = 0;
    const boom = new Error('throttled');
    await expect(
      optimisticWrite(
        async () => {
          calls++;
          throw boom;
        },
        { sleep },
      ),
    ).rejects.toBe(boom);
    expect(calls).toBe(1);
    expect(waits).toEqual([]);
  });

  it('passes through an error thrown after lost races, without further attempts', async () => {
    const { sleep } = recordedSleeps();
    let calls = 0;
    await expect(
      optimisticWrite(
        async (attempt) => {
          calls++;
          if (attempt === 1) throw new VersionConflictError('moved');
          throw new RangeError('bad change');
        },
        { sleep },
      ),
    ).rejects.toThrow(RangeError);
    expect(calls).toBe(2);
  });
});

describe('backoffMs', () => {
  it.each([
    // lost races, random draw, wait
    [1, 0, 0],
    [1, 0.999, 9],
    [2, 0.5, 10],
    [3, 0.5, 20],
    [6, 0.5, 160],
    [7, 0.5, 160], // 5 * 2^7 = 640, capped at 320
    [15, 0.999, 319],
  ])('after %i lost races with draw %f waits %i ms', (lostRaces, draw, expected) => {
    expect(backoffMs(lostRaces, () => draw)).toBe(expected);
  });

  it('never exceeds the cap', () => {
    for (let lost = 1; lost <= OPTIMISTIC_WRITE_ATTEMPTS; lost++) {
      expect(backoffMs(lost, () => 0.999_999)).toBeLessThan(BACKOFF_CAP_MS);
    }
  });
});
