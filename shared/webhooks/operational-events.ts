/**
 * Operational events: what the tenant's other endpoints hear about webhook delivery itself
 * (`webhook_endpoint.failing` and `webhook.delivery_exhausted` here; `webhook_endpoint.disabled`
 * comes from endpoint health, which does the disabling). Each has a deterministic id, so a
 * retried wake-up that raises one again sends nothing twice.
 */
import type { Clock } from '../clock';
import { stableId } from '../ids';
import type { Metrics } from '../observability/metrics';
import type { Logger } from '../service/deps';
import type { StoredEndpoint, StoredEvent } from '../store/ports';
import type { AttemptOutcome } from './attempt';
import { type AttemptRecord, retentionExpiry } from './delivery-records';
import { disableAt, FAILING_AFTER_ATTEMPTS, failureStreakStart } from './endpoint-health';
import { roundOf } from './retry-scheduling';

/**
 * Events about webhook delivery itself. Their own failed deliveries raise no further notices, so
 * two endpoints that are both down cannot keep reporting on each other.
 */
export const operationalEventTypes: ReadonlySet<string> = new Set([
  'webhook_endpoint.failing',
  'webhook_endpoint.disabled',
  'webhook.delivery_exhausted',
]);

/**
 * Records an event and queues it for the tenant's subscribed endpoints, except `about` (the
 * endpoint the notice concerns). Resolves to whether the event was new.
 */
export type PublishNotice = (event: StoredEvent, about: string) => Promise<boolean>;

/** What the receiver last answered, for a notice's `data`. */
function lastFailure(record: AttemptRecord): { lastStatusCode?: number; lastError?: string } {
  return {
    ...(record.statusCode === undefined ? {} : { lastStatusCode: record.statusCode }),
    ...(record.error === undefined ? {} : { lastError: record.error }),
  };
}

export interface OperationalNoticesDeps {
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  publish: PublishNotice;
}

/** Raises the notices a failed attempt calls for. */
export class OperationalNotices {
  readonly #deps: OperationalNoticesDeps;

  constructor(deps: OperationalNoticesDeps) {
    this.#deps = deps;
  }

  /**
   * The operational notices a failed attempt raises for the tenant's other endpoints. None for
   * the `test` probe, and none about the delivery of a notice itself.
   */
  async raise(outcome: AttemptOutcome): Promise<void> {
    if (outcome.ok || outcome.gone || outcome.disabled || !outcome.retried) return;
    if (operationalEventTypes.has(outcome.event.type)) return;
    // After FAILING_AFTER_ATTEMPTS failures in a row (once per failure streak): early enough to
    // fix the receiver well before the 5-day rule disables it. An overdue endpoint that stayed
    // enabled had a success alongside: it is not failing.
    if (!outcome.overdue && outcome.record.attempt === FAILING_AFTER_ATTEMPTS)
      await this.#noticeFailing(outcome);
    if (outcome.exhausted) await this.#noticeExhausted(outcome);
  }

  /**
   * `webhook_endpoint.failing` to the tenant's other endpoints: one per failure streak (the id
   * is derived from the streak's start), so every event stuck on the endpoint reports the same.
   */
  async #noticeFailing(outcome: AttemptOutcome): Promise<void> {
    const { endpoint, record, at } = outcome;
    const since = failureStreakStart(endpoint) ?? at;
    const notice = this.#notice(
      endpoint,
      stableId('evt', endpoint.tenantId, endpoint.id, 'failing', since.toString()),
      'webhook_endpoint.failing',
      {
        endpointId: endpoint.id,
        url: endpoint.url,
        failingSince: since.toString(),
        failedAttempts: record.attempt,
        ...lastFailure(record),
        disableAt: disableAt(since).toString(),
      },
    );
    if (await this.#deps.publish(notice, endpoint.id)) {
      this.#deps.metrics.add('EndpointsFailing');
      this.#deps.logger.info('Webhook endpoint failing', {
        tenantId: endpoint.tenantId,
        endpointId: endpoint.id,
        eventId: notice.id,
      });
    }
  }

  /** `webhook.delivery_exhausted`: the last retry of a round failed; one per event, endpoint, round. */
  async #noticeExhausted(outcome: AttemptOutcome): Promise<void> {
    const { event, endpoint, record, state, at } = outcome;
    const round = roundOf(state.attempts);
    const notice = this.#notice(
      endpoint,
      stableId('evt', endpoint.tenantId, event.id, endpoint.id, 'exhausted', String(round)),
      'webhook.delivery_exhausted',
      {
        eventId: event.id,
        eventType: event.type,
        endpointId: endpoint.id,
        url: endpoint.url,
        attempts: record.attempt,
        ...lastFailure(record),
        exhaustedAt: at.toString(),
      },
    );
    await this.#deps.publish(notice, endpoint.id);
  }

  #notice(
    endpoint: StoredEndpoint,
    id: string,
    type: string,
    data: Record<string, unknown>,
  ): StoredEvent {
    const now = this.#deps.clock.now();
    return {
      tenantId: endpoint.tenantId,
      id,
      type,
      timestamp: now.toString(),
      data,
      createdAt: now.toString(),
      expiresAt: retentionExpiry(now),
    };
  }
}
