import { Temporal } from 'temporal-polyfill';

/** Where "now" comes from. The domain never reads the system clock; everything else asks a Clock. */
export interface Clock {
  now(): Temporal.Instant;
}

export const systemClock: Clock = { now: () => Temporal.Now.instant() };

/** A clock that only moves when told to: for unit tests. */
export class FixedClock implements Clock {
  constructor(private instant: Temporal.Instant) {}
  now(): Temporal.Instant {
    return this.instant;
  }
  set(instant: Temporal.Instant | string): void {
    this.instant = typeof instant === 'string' ? Temporal.Instant.from(instant) : instant;
  }
}
