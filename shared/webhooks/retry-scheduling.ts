/**
 * Retry scheduling: delivery rounds, attempt numbers and the wake-ups that carry them. The
 * delivery state holds the bookkeeping; the Scheduler only wakes us up. When to retry is the
 * retry policy's (`retry-policy.ts`, the Standard Webhooks schedule).
 *
 * Attempt numbers count across delivery rounds: round r owns attempts
 * `(r-1)*MAX_ATTEMPTS+1 … r*MAX_ATTEMPTS`, so a redelivery gets wake-up names of its own and
 * every wake-up of an older round is recognisably stale (`state.attempts >= payload.attempt`).
 */
import type { Temporal } from 'temporal-polyfill';
import type { Clock } from '../clock';
import { scheduleName } from '../scheduling/names';
import type { WakeupPayload, WakeupScheduler } from '../scheduling/ports';
import type { DeliveryState, Store, StoredEndpoint, StoredEvent } from '../store/ports';
import { pendingRoundState } from './delivery-records';
import type { WebhookAttemptResult } from './ports';
import { MAX_ATTEMPTS, nextRetryDelayMs } from './retry-policy';

export type DeliveryWakeup = Extract<WakeupPayload, { kind: 'delivery' }>;

/** The attempt number that opens the next delivery round after `attempts`. */
export function nextRoundStart(state: DeliveryState | undefined): number {
  if (state === undefined) return 1;
  return (Math.floor(state.attempts / MAX_ATTEMPTS) + 1) * MAX_ATTEMPTS + 1;
}

/** 1-based position of a cumulative attempt number inside its round. */
export function attemptInRound(attempt: number): number {
  return ((attempt - 1) % MAX_ATTEMPTS) + 1;
}

/** The 1-based round a cumulative attempt count ends in. */
export function roundOf(attempts: number): number {
  return Math.ceil(attempts / MAX_ATTEMPTS);
}

export interface RetrySchedulingDeps {
  store: Pick<Store, 'putDeliveryState'>;
  scheduler: WakeupScheduler;
  clock: Clock;
  /** Jitter source in [0, 1). */
  random: () => number;
}

/** Queues delivery rounds and the wake-up of each attempt. */
export class RetryScheduling {
  readonly #store: RetrySchedulingDeps['store'];
  readonly #scheduler: WakeupScheduler;
  readonly #clock: Clock;
  readonly #random: () => number;

  constructor(deps: RetrySchedulingDeps) {
    this.#store = deps.store;
    this.#scheduler = deps.scheduler;
    this.#clock = deps.clock;
    this.#random = deps.random;
  }

  /**
   * When the attempt after a failed `attempt` is due, from `now`; undefined when none follows
   * (the round's last attempt failed).
   */
  nextAttemptAt(
    attempt: number,
    result: WebhookAttemptResult,
    now: Temporal.Instant,
  ): string | undefined {
    const delay = nextRetryDelayMs(attemptInRound(attempt), result, this.#random);
    return delay === undefined ? undefined : now.add({ milliseconds: delay }).toString();
  }

  /** Creates the wake-up of `attempt` (an existing one of the same name is a no-op). */
  async scheduleAttempt(
    event: StoredEvent,
    endpoint: StoredEndpoint,
    attempt: number,
    at: string,
  ): Promise<void> {
    const payload: DeliveryWakeup = {
      kind: 'delivery',
      tenantId: event.tenantId,
      eventId: event.id,
      endpointId: endpoint.id,
      attempt,
    };
    await this.#scheduler.schedule([{ name: scheduleName(payload), at, payload }]);
  }

  /**
   * Starts a delivery round: a first attempt due now, through a wake-up. Returns the attempt
   * number queued.
   *
   * The state is written before the wake-up exists, so the attempt it triggers can never be
   * overwritten by this pending state; if scheduling then fails, the pending state stays
   * visible to `recover`.
   */
  async queueRound(
    event: StoredEvent,
    endpoint: StoredEndpoint,
    previous: DeliveryState | undefined,
  ): Promise<number> {
    const attempt = nextRoundStart(previous);
    const now = this.#clock.now();
    await this.#store.putDeliveryState(pendingRoundState(event, endpoint, attempt, previous, now));
    await this.scheduleAttempt(event, endpoint, attempt, now.toString());
    return attempt;
  }
}
