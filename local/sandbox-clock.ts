import { Temporal } from 'temporal-polyfill';
import { type Clock, systemClock } from '../shared/clock';

/**
 * The local runtime's clock: real time plus an offset that only grows. The sandbox API moves it
 * forward (like Stripe test clocks), so a two-week plan plays out in seconds while time keeps
 * flowing between calls.
 */
export class SandboxClock implements Clock {
  #offsetNs = 0n;

  constructor(private readonly base: Clock = systemClock) {}

  now(): Temporal.Instant {
    return Temporal.Instant.fromEpochNanoseconds(this.base.now().epochNanoseconds + this.#offsetNs);
  }

  /** Moves the clock to `instant` if that is later than now; never moves it backwards. */
  advanceTo(instant: Temporal.Instant): Temporal.Instant {
    const now = this.now();
    if (Temporal.Instant.compare(instant, now) > 0) {
      this.#offsetNs += instant.epochNanoseconds - now.epochNanoseconds;
    }
    return this.now();
  }

  /** The offset in milliseconds, for persisting across restarts. */
  get offsetMs(): number {
    return Number(this.#offsetNs / 1_000_000n);
  }

  set offsetMs(ms: number) {
    this.#offsetNs = BigInt(Math.max(0, Math.trunc(ms))) * 1_000_000n;
  }
}
