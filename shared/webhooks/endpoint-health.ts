/**
 * Endpoint health: what each attempt means for its endpoint. A failure opens a failure streak
 * (once), a success ends it (refreshing `lastSuccessAt` at most hourly), and an endpoint that
 * answers 410 Gone, or has failed without a break for 5 days, is disabled and the tenant's
 * other endpoints are told. Only disabling moves the endpoint's public version and ETag; the
 * rest is bookkeeping an integrator's `If-Match` never trips over.
 */
import { Temporal } from 'temporal-polyfill';
import type { Clock } from '../clock';
import { WriteContentionError } from '../errors';
import { stableId } from '../ids';
import type { Metrics } from '../observability/metrics';
import { describeError, type Logger } from '../service/deps';
import type { Store, StoredEndpoint, StoredEvent } from '../store/ports';
import type { AttemptOutcome } from './attempt';
import { retentionExpiry } from './delivery-records';
import { changeEndpoint } from './endpoint-writes';
import type { PublishNotice } from './operational-events';
import { DISABLE_AFTER_MS } from './retry-policy';

/** A success refreshes `lastSuccessAt` only when it is older than this, to spare endpoint writes. */
const SUCCESS_REFRESH_MS = 3600_000;

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
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  publish: PublishNotice;
}

/** Keeps each endpoint's failure streak, last success and enabled flag in step with its attempts. */
export class EndpointHealth {
  readonly #store: EndpointHealthDeps['store'];
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #metrics: Metrics;
  readonly #publish: PublishNotice;

  constructor(deps: EndpointHealthDeps) {
    this.#store = deps.store;
    this.#clock = deps.clock;
    this.#logger = deps.logger;
    this.#metrics = deps.metrics;
    this.#publish = deps.publish;
  }

  /** What follows a recorded attempt: fresh success bookkeeping, or disabling the endpoint. */
  async afterAttempt(outcome: AttemptOutcome): Promise<void> {
    const { endpoint } = outcome;
    if (outcome.ok) await this.#noteSuccess(endpoint, outcome.at);
    else if (outcome.gone) await this.#disable(endpoint, 'The endpoint answered 410 Gone');
    else if (!outcome.overdue) await this.#noteFailure(endpoint, outcome.at);
    else {
      // Decided on the endpoint as read before the attempt; a delivery running alongside may
      // have succeeded since, so the silence is checked again on the current record.
      await this.#disable(endpoint, 'No successful delivery for 5 days', (current) =>
        silentTooLong(current, this.#clock.now()),
      );
    }
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

  /** Disables the endpoint (once) and tells the tenant's other endpoints. */
  async #disable(
    endpoint: StoredEndpoint,
    reason: string,
    stillApplies: (current: StoredEndpoint) => boolean = () => true,
  ): Promise<void> {
    const disabledAt = this.#clock.now().toString();
    const changed = await this.#updateEndpoint(endpoint.tenantId, endpoint.id, (current) =>
      current.enabled && stillApplies(current)
        ? { ...current, enabled: false, disabledReason: reason, disabledAt }
        : undefined,
    );
    if (!changed) return;
    this.#metrics.add('EndpointsDisabled');
    this.#logger.info('Webhook endpoint disabled', {
      tenantId: endpoint.tenantId,
      endpointId: endpoint.id,
      reason,
    });
    const notice = disabledNotice(endpoint, reason, disabledAt, this.#clock.now());
    try {
      await this.#publish(notice, endpoint.id);
    } catch (error) {
      // The endpoint is already disabled, so a retried wake-up would not publish again; throwing
      // would only resend nothing. The log keeps the trace.
      this.#logger.error('Publishing webhook_endpoint.disabled failed', {
        tenantId: endpoint.tenantId,
        endpointId: endpoint.id,
        eventId: notice.id,
        ...describeError(error),
      });
    }
  }

  /**
   * Applies `change` on the endpoint's revision, re-reading on conflicts. `change` returns
   * undefined when nothing needs writing. Resolves to whether a write happened. Bookkeeping
   * moves only the revision; disabling also moves the version (see ./endpoint-writes).
   */
  async #updateEndpoint(
    tenantId: string,
    id: string,
    change: (current: StoredEndpoint) => StoredEndpoint | undefined,
  ): Promise<boolean> {
    const result = await changeEndpoint(
      { store: this.#store, clock: this.#clock },
      tenantId,
      id,
      change,
      () => new WriteContentionError(`Endpoint ${id} kept changing; update abandoned`),
    );
    return result?.written ?? false;
  }
}
