/**
 * Endpoint health: what each attempt of the retrying paths means for its endpoint. A failure
 * opens a failure streak (once), a success ends it (refreshing `lastSuccessAt` at most hourly),
 * and an endpoint that answers 410 Gone, or has failed without a break for 5 days, is disabled
 * and the tenant's other endpoints are told. Only disabling moves the endpoint's public version
 * and ETag; the rest is bookkeeping an integrator's `If-Match` never trips over. The `test`
 * probe changes none of it: it checks an endpoint, it does not judge it.
 *
 * The 5-day rule does not wait for a next attempt, which may never come (every event exhausted
 * its retries, nothing new to send): once a streak has lasted `FAILING_AFTER_ATTEMPTS` attempts
 * of one delivery round (or a round ran out of retries), a one-time wake-up is created at the
 * streak's disable time (`disableAt`, what the `webhook_endpoint.failing` notice announces). It
 * re-reads the endpoint and disables it if the same streak is still open; a success in between
 * ends the streak and makes it a no-op.
 */
import { Temporal } from 'temporal-polyfill';
import type { Clock } from '../clock';
import { WriteContentionError } from '../errors';
import { stableId } from '../ids';
import type { Metrics } from '../observability/metrics';
import { scheduleName } from '../scheduling/names';
import type { WakeupPayload, WakeupScheduler } from '../scheduling/ports';
import { describeError, type Logger } from '../service/deps';
import type { Store, StoredEndpoint, StoredEvent } from '../store/ports';
import type { AttemptOutcome } from './attempt';
import { retentionExpiry } from './delivery-records';
import { changeEndpoint } from './endpoint-writes';
import type { PublishNotice } from './operational-events';
import { DISABLE_AFTER_MS } from './retry-policy';

/** A success refreshes `lastSuccessAt` only when it is older than this, to spare endpoint writes. */
const SUCCESS_REFRESH_MS = 3600_000;

/**
 * After this many failed attempts in a row of one delivery round (about 35 minutes of retries)
 * an endpoint counts as failing: the tenant's other endpoints hear `webhook_endpoint.failing`,
 * and the streak's disable wake-up is created. A blip that the next retries get through costs
 * neither.
 */
export const FAILING_AFTER_ATTEMPTS = 4;

/** `disabledReason` of the 5-day rule. */
const SILENT_TOO_LONG_REASON = 'No successful delivery for 5 days';
const GONE_REASON = 'The endpoint answered 410 Gone';

/** The wake-up at a failure streak's disable time. */
export type EndpointWakeup = Extract<WakeupPayload, { kind: 'endpoint' }>;

/** When a failure streak that began at `since` disables its endpoint. */
export function disableAt(since: Temporal.Instant): Temporal.Instant {
  return since.add({ milliseconds: DISABLE_AFTER_MS });
}

/** When the endpoint's current run of failures began, if it is failing. */
export function failureStreakStart(endpoint: StoredEndpoint): Temporal.Instant | undefined {
  if (endpoint.firstFailureAt === undefined) return undefined;
  const since = Temporal.Instant.from(endpoint.firstFailureAt);
  // A success recorded after the streak began ends it, even before the field is cleared.
  if (
    endpoint.lastSuccessAt !== undefined &&
    Temporal.Instant.compare(Temporal.Instant.from(endpoint.lastSuccessAt), since) >= 0
  ) {
    return undefined;
  }
  return since;
}

/** True when the endpoint's open failure streak is the one that began at `since`. */
function sameStreak(endpoint: StoredEndpoint, since: Temporal.Instant): boolean {
  const current = failureStreakStart(endpoint);
  return current !== undefined && Temporal.Instant.compare(current, since) === 0;
}

/**
 * True once the endpoint has failed without a break for 5 days: counted from the first
 * failure after its last success, so an endpoint that merely had nothing to receive for a
 * while is not disabled by its first failure after the quiet spell.
 */
export function silentTooLong(endpoint: StoredEndpoint, now: Temporal.Instant): boolean {
  const failingSince = failureStreakStart(endpoint);
  return (
    failingSince !== undefined &&
    now.epochMilliseconds - failingSince.epochMilliseconds >= DISABLE_AFTER_MS
  );
}

/** `webhook_endpoint.disabled`, one per disabling (the id is derived from its time). */
function disabledNotice(
  endpoint: StoredEndpoint,
  reason: string,
  disabledAt: string,
  now: Temporal.Instant,
): StoredEvent {
  return {
    tenantId: endpoint.tenantId,
    id: stableId('evt', endpoint.tenantId, endpoint.id, 'disabled', disabledAt),
    type: 'webhook_endpoint.disabled',
    timestamp: disabledAt,
    data: { endpointId: endpoint.id, url: endpoint.url, reason, disabledAt },
    createdAt: disabledAt,
    expiresAt: retentionExpiry(now),
  };
}

function withoutFailureStreak(endpoint: StoredEndpoint): StoredEndpoint {
  const { firstFailureAt: _ended, ...rest } = endpoint;
  return rest;
}

export interface EndpointHealthDeps {
  store: Pick<Store, 'getEndpoint' | 'updateEndpoint'>;
  scheduler: WakeupScheduler;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  publish: PublishNotice;
}

/** Keeps each endpoint's failure streak, last success and enabled flag in step with its attempts. */
export class EndpointHealth {
  readonly #store: EndpointHealthDeps['store'];
  readonly #scheduler: WakeupScheduler;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #metrics: Metrics;
  readonly #publish: PublishNotice;

  constructor(deps: EndpointHealthDeps) {
    this.#store = deps.store;
    this.#scheduler = deps.scheduler;
    this.#clock = deps.clock;
    this.#logger = deps.logger;
    this.#metrics = deps.metrics;
    this.#publish = deps.publish;
  }

  /**
   * Disables the endpoint of a retried attempt that answered 410 (`gone`) or failed with no
   * success for 5 days, before the attempt's retry is decided. Resolves to whether the endpoint
   * is disabled now (by this call or anyone else), in which case no retry is scheduled. The
   * 5-day rule is checked again on the current record: the endpoint was read before the
   * attempt, and a delivery running alongside may have succeeded since.
   */
  async disableAfterAttempt(
    endpoint: StoredEndpoint,
    cause: 'gone' | 'silent',
    now: Temporal.Instant,
  ): Promise<boolean> {
    const after =
      cause === 'gone'
        ? await this.#disable(endpoint, GONE_REASON)
        : await this.#disable(endpoint, SILENT_TOO_LONG_REASON, (current) =>
            silentTooLong(current, now),
          );
    return after?.enabled !== true;
  }

  /**
   * Creates the failure streak's disable wake-up once the endpoint counts as failing: at the
   * `FAILING_AFTER_ATTEMPTS`-th failed attempt of a round, or when a round runs out of retries
   * (a streak that began late in a round). Called before the attempt's state is written, so a
   * failure here makes the wake-up retry the attempt; creating an existing wake-up is a no-op.
   */
  async armDisableWakeup(outcome: AttemptOutcome): Promise<void> {
    if (!outcome.retried || outcome.ok || outcome.gone || outcome.disabled || outcome.overdue) {
      return;
    }
    if (outcome.record.attempt !== FAILING_AFTER_ATTEMPTS && !outcome.exhausted) return;
    // The streak as the failing notice dates it: its recorded start, or this failure.
    const since = failureStreakStart(outcome.endpoint) ?? outcome.at;
    await this.#scheduleDisableWakeup(outcome.endpoint, since);
  }

  /**
   * The disable wake-up of the streak that began at `payload.failingSince`. Disables the
   * endpoint if that streak is still open (or an older, overdue one is); a newer streak gets a
   * wake-up of its own; a streak a success ended, or a deleted endpoint, changes nothing. A
   * failure to publish the notice throws, so the wake-up is retried: it then finds the endpoint
   * disabled by this streak and publishes the same notice again (same id: nothing twice).
   */
  async runDisableWakeup(payload: EndpointWakeup): Promise<void> {
    const endpoint = await this.#store.getEndpoint(payload.tenantId, payload.endpointId);
    const since = endpoint === undefined ? undefined : failureStreakStart(endpoint);
    if (endpoint === undefined || since === undefined) return;
    const own = Temporal.Instant.compare(since, Temporal.Instant.from(payload.failingSince)) === 0;
    if (!endpoint.enabled) {
      if (
        own &&
        endpoint.disabledReason === SILENT_TOO_LONG_REASON &&
        endpoint.disabledAt !== undefined
      ) {
        // A retry of a wake-up whose notice failed: publish it again, under the same id.
        await this.#publishDisabled(endpoint, endpoint.disabledReason, endpoint.disabledAt).catch(
          (error: unknown) => {
            this.#logPublishFailure(endpoint, error);
            throw error;
          },
        );
      }
      return;
    }
    if (own || silentTooLong(endpoint, this.#clock.now())) {
      await this.#disable(
        endpoint,
        SILENT_TOO_LONG_REASON,
        (current) => sameStreak(current, since),
        {
          rethrow: true,
        },
      );
      return;
    }
    // The streak this wake-up was made for ended, and a newer one is open: its own deadline.
    await this.#scheduleDisableWakeup(endpoint, since);
  }

  /**
   * What follows a recorded attempt of the retrying paths: success bookkeeping, or the start of
   * a failure streak. Disabling was decided before the attempt was recorded
   * (`disableAfterAttempt`); the `test` probe changes nothing here.
   */
  async afterAttempt(outcome: AttemptOutcome): Promise<void> {
    if (!outcome.retried) return;
    const { endpoint } = outcome;
    if (outcome.ok) await this.#noteSuccess(endpoint, outcome.at);
    else if (!outcome.gone && !outcome.disabled) await this.#noteFailure(endpoint, outcome.at);
  }

  async #scheduleDisableWakeup(endpoint: StoredEndpoint, since: Temporal.Instant): Promise<void> {
    const payload: EndpointWakeup = {
      kind: 'endpoint',
      tenantId: endpoint.tenantId,
      endpointId: endpoint.id,
      failingSince: since.toString(),
    };
    await this.#scheduler.schedule([
      { name: scheduleName(payload), at: disableAt(since).toString(), payload },
    ]);
  }

  /** Marks the start of a failure streak (once per streak; a success ends it). */
  async #noteFailure(endpoint: StoredEndpoint, at: Temporal.Instant): Promise<void> {
    if (failureStreakStart(endpoint) !== undefined) return;
    try {
      await this.#updateEndpoint(endpoint.tenantId, endpoint.id, (current) =>
        failureStreakStart(current) === undefined
          ? { ...current, firstFailureAt: at.toString() }
          : undefined,
      );
    } catch (error) {
      // Bookkeeping only: the next failure records the streak instead.
      this.#logger.error('Recording a webhook failure failed', {
        tenantId: endpoint.tenantId,
        endpointId: endpoint.id,
        ...describeError(error),
      });
    }
  }

  async #noteSuccess(endpoint: StoredEndpoint, now: Temporal.Instant): Promise<void> {
    const fresh = (current: StoredEndpoint) =>
      current.firstFailureAt === undefined &&
      current.lastSuccessAt !== undefined &&
      now.epochMilliseconds - Temporal.Instant.from(current.lastSuccessAt).epochMilliseconds <
        SUCCESS_REFRESH_MS;
    if (fresh(endpoint)) return;
    try {
      await this.#updateEndpoint(endpoint.tenantId, endpoint.id, (current) =>
        fresh(current)
          ? undefined
          : { ...withoutFailureStreak(current), lastSuccessAt: now.toString() },
      );
    } catch (error) {
      // Bookkeeping only: failing here must not make the wake-up resend a delivered event.
      this.#logger.error('Recording a webhook success failed', {
        tenantId: endpoint.tenantId,
        endpointId: endpoint.id,
        ...describeError(error),
      });
    }
  }

  /**
   * Disables the endpoint (once) and tells the tenant's other endpoints. Resolves to the
   * endpoint as stored afterwards (undefined once deleted).
   *
   * A notice that cannot be published is logged, or thrown with `rethrow` (the disable
   * wake-up, whose retry publishes it again). A retried delivery attempt would not: it finds
   * the endpoint disabled and stops, so throwing there would only resend nothing.
   */
  /** The line an operator finds when a `webhook_endpoint.disabled` notice could not be sent. */
  #logPublishFailure(endpoint: StoredEndpoint, error: unknown): void {
    this.#logger.error('Publishing webhook_endpoint.disabled failed', {
      tenantId: endpoint.tenantId,
      endpointId: endpoint.id,
      ...describeError(error),
    });
  }

  async #disable(
    endpoint: StoredEndpoint,
    reason: string,
    stillApplies: (current: StoredEndpoint) => boolean = () => true,
    options: { rethrow?: boolean } = {},
  ): Promise<StoredEndpoint | undefined> {
    const disabledAt = this.#clock.now().toString();
    const result = await this.#changeEndpoint(endpoint.tenantId, endpoint.id, (current) =>
      current.enabled && stillApplies(current)
        ? { ...current, enabled: false, disabledReason: reason, disabledAt }
        : undefined,
    );
    if (!result?.written) return result?.endpoint;
    this.#metrics.add('EndpointsDisabled');
    this.#logger.info('Webhook endpoint disabled', {
      tenantId: endpoint.tenantId,
      endpointId: endpoint.id,
      reason,
    });
    try {
      await this.#publishDisabled(endpoint, reason, disabledAt);
    } catch (error) {
      this.#logPublishFailure(endpoint, error);
      if (options.rethrow) throw error;
    }
    return result.endpoint;
  }

  /** Publishes the disabled notice of a disabling (again: a repeat fills in only what is missing). */
  async #publishDisabled(
    endpoint: StoredEndpoint,
    reason: string,
    disabledAt: string,
  ): Promise<void> {
    await this.#publish(
      disabledNotice(endpoint, reason, disabledAt, this.#clock.now()),
      endpoint.id,
    );
  }

  /** Bookkeeping write: resolves to whether a write happened. */
  async #updateEndpoint(
    tenantId: string,
    id: string,
    change: (current: StoredEndpoint) => StoredEndpoint | undefined,
  ): Promise<boolean> {
    return (await this.#changeEndpoint(tenantId, id, change))?.written ?? false;
  }

  /**
   * Applies `change` on the endpoint's revision, re-reading on conflicts. `change` returns
   * undefined when nothing needs writing. Bookkeeping moves only the revision; disabling also
   * moves the version (see ./endpoint-writes).
   */
  #changeEndpoint(
    tenantId: string,
    id: string,
    change: (current: StoredEndpoint) => StoredEndpoint | undefined,
  ): Promise<{ endpoint: StoredEndpoint; written: boolean } | undefined> {
    return changeEndpoint(
      { store: this.#store, clock: this.#clock },
      tenantId,
      id,
      change,
      () => new WriteContentionError(`Endpoint ${id} kept changing; update abandoned`),
    );
  }
}
