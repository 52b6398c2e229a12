/**
 * The crash suite, short run: the local runtime as `npm start` runs it, in a child process on
 * data on disk, killed with SIGKILL at seeded moments while interviews are created, signals
 * arrive and the sandbox clock moves, then restarted on the same data (see
 * test/support/crash-run.ts for what is checked). `npm run crash -- --rounds 50` is the long run.
 */
import { describe, expect, it } from 'vitest';
import { runCrashSuite } from '../support/crash-run';

describe('kill -9 under load, restart on the same data', () => {
  it('keeps every promise: lifecycle events, one event per due step, delivered, none early, none cancelled', async () => {
    const report = await runCrashSuite({ rounds: 3, seed: 20261202 });
    expect(report.violations).toEqual([]);
    expect(report.kills).toBe(3);
    // The run did something worth checking.
    expect(report.interviews).toBeGreaterThan(0);
    expect(report.stepEvents).toBeGreaterThan(0);
    expect(report.deliveries).toBeGreaterThanOrEqual(report.stepEvents + report.interviewEvents);
  }, 180_000);
});
