import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { SandboxClock } from '../local/sandbox-clock';
import { FixedClock } from '../shared/clock';

describe('SandboxClock', () => {
  const start = Temporal.Instant.from('2026-03-02T09:00:00.123456789Z');

  it.each([
    ['one second', { seconds: 1 }],
    ['two weeks', { hours: 14 * 24 }],
    ['200 days, beyond 2^53 ns of offset', { hours: 200 * 24 }],
  ])('moves forward by %s to the nanosecond', (_label, step) => {
    const base = new FixedClock(start);
    const clock = new SandboxClock(base);
    const target = start.add(step);
    expect(clock.advanceTo(target).equals(target)).toBe(true);
    // Real time keeps flowing underneath the offset.
    base.set(start.add({ milliseconds: 5 }));
    expect(clock.now().equals(target.add({ milliseconds: 5 }))).toBe(true);
  });

  it('never moves backwards', () => {
    const clock = new SandboxClock(new FixedClock(start));
    clock.advanceTo(start.add({ hours: 1 }));
    expect(clock.advanceTo(start).equals(start.add({ hours: 1 }))).toBe(true);
  });

  it('restores its offset in milliseconds, as the local runtime persists it', () => {
    const base = new FixedClock(start);
    const clock = new SandboxClock(base);
    clock.advanceTo(start.add({ hours: 72 }));
    const restored = new SandboxClock(base);
    restored.offsetMs = clock.offsetMs;
    expect(restored.offsetMs).toBe(72 * 3600 * 1000);
    expect(restored.now().equals(clock.now())).toBe(true);
  });
});
