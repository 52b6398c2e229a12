/**
 * One delivery attempt, the way svix dispatches: prepare (the exact bytes and their signature)
 * → send (one HTTP attempt through the transport) → handle the result (retry or not, the log
 * entry and the state to write). Writing the entry and the state is the delivery service's job;
 * what the attempt means for the endpoint is the endpoint health's.
 */
import { Temporal } from 'temporal-polyfill';
import type { Clock } from '../clock';
import { newId } from '../ids';
import type { Metrics } from '../observability/metrics';
import type { Logger } from '../service/deps';
import type { DeliveryState, StoredEndpoint, StoredEvent } from '../store/ports';
import { withWholeSecondTimestamps } from '../timestamps';
import {
  type AttemptFacts,
  type AttemptRecord,
  attemptRecord,
  stateAfterAttempt,
} from './delivery-records';
import { type EndpointHealth, silentTooLong } from './endpoint-health';
import type { WebhookAttemptResult, WebhookTransport } from './ports';
import { isGone } from './retry-policy';
import { attemptInRound, type RetryScheduling } from './retry-scheduling';
import { webhookHeaders } from './signing';

/** One attempt made, not yet written: its log entry, the state after it, and what follows. */
export interface AttemptOutcome {
  event: StoredEvent;
  endpoint: StoredEndpoint;
  record: AttemptRecord;
  state: DeliveryState;
  ok: boolean;
  /** 410 Gone: the endpoint is to be disabled. */
  gone: boolean;
  /** Failing with no success for 5 days, as the endpoint was read before the attempt. */
  overdue: boolean;
  /**
   * The endpoint is disabled after this attempt (its 410 or the 5-day rule, or someone else
   * meanwhile), so no retry follows it.
   */
  disabled: boolean;
  /** The last attempt of a retried round failed: the event gives up on this endpoint. */
  exhausted: boolean;
  /** Made by the retrying paths (not the `test` probe), so it may raise operational notices. */
  retried: boolean;
  /** Runtime-clock time the attempt finished. */
  at: Temporal.Instant;
}

/**
 * The exact bytes sent for an event: the Standard Webhooks envelope, its instants written to
 * the whole second like every API response.
 */
function envelopeBody(event: StoredEvent): string {
  return JSON.stringify(
    withWholeSecondTimestamps({
      id: event.id,
      type: event.type,
      timestamp: event.timestamp,
      data: event.data,
    }),
  );
}

/** Secrets that still sign at `now`: the current one, plus the old one mid-rotation. */
function signingSecrets(endpoint: StoredEndpoint, now: Temporal.Instant): string[] {
  const nowNs = now.epochNanoseconds;
  return endpoint.secrets
    .filter(
      (secret) =>
        secret.expiresAt === undefined ||
        Temporal.Instant.from(secret.expiresAt).epochNanoseconds > nowNs,
    )
    .map((secret) => secret.secret);
}

/** `origin + path` of a webhook URL: never its query string or user info. */
function loggableUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(unparsable URL)';
  }
}

export interface AttemptSenderDeps {
  transport: WebhookTransport;
  /** The runtime clock: retry times and the 5-day rule. */
  clock: Clock;
  /** The real wall clock, for `webhook-timestamp` and `attemptedAt`. */
  wallClock: Clock;
  timeoutMs: number;
  retries: RetryScheduling;
  /** Disables the endpoint of an attempt that calls for it, before its retry is decided. */
  health: Pick<EndpointHealth, 'disableAfterAttempt'>;
  logger: Logger;
  metrics: Metrics;
}

/** Makes attempts; one per `send`. */
export class AttemptSender {
  readonly #deps: AttemptSenderDeps;

  constructor(deps: AttemptSenderDeps) {
    this.#deps = deps;
  }

  /**
   * Sends one attempt and, when it failed and may be retried, schedules the next one before
   * returning, so the wake-up exists before any state that mentions it. An attempt of the
   * retrying paths that disables its endpoint (410, or the 5-day rule) does so first and gets
   * no retry. Returns the log entry and the state to write.
   */
  async send(
    event: StoredEvent,
    endpoint: StoredEndpoint,
    attempt: number,
    previous: DeliveryState | undefined,
    options: { retry: boolean },
  ): Promise<AttemptOutcome> {
    const { clock, wallClock } = this.#deps;
    const body = envelopeBody(event);
    const wallStart = wallClock.now();
    const runtimeStart = clock.now();
    const result = await this.#post(endpoint, event.id, body, wallStart);
    return this.#handleResult(event, endpoint, attempt, previous, options, {
      result,
      wallStart,
      runtimeStart,
    });
  }

  /** Signs and posts the body; an endpoint with no live secret fails without a request. */
  async #post(
    endpoint: StoredEndpoint,
    msgId: string,
    body: string,
    wallStart: Temporal.Instant,
  ): Promise<WebhookAttemptResult> {
    const secrets = signingSecrets(endpoint, this.#deps.clock.now());
    if (secrets.length === 0) return { ok: false, latencyMs: 0, error: 'no signing secret' };
    return this.#deps.transport.send({
      url: endpoint.url,
      headers: webhookHeaders({
        msgId,
        timestampSeconds: Math.floor(wallStart.epochMilliseconds / 1000),
        body,
        secrets,
      }),
      body,
      timeoutMs: this.#deps.timeoutMs,
    });
  }

  async #handleResult(
    event: StoredEvent,
    endpoint: StoredEndpoint,
    attempt: number,
    previous: DeliveryState | undefined,
    options: { retry: boolean },
    sent: {
      result: WebhookAttemptResult;
      wallStart: Temporal.Instant;
      runtimeStart: Temporal.Instant;
    },
  ): Promise<AttemptOutcome> {
    const { clock, retries, metrics, health } = this.#deps;
    const { result } = sent;
    const now = clock.now();
    const gone = isGone(result);
    const overdue = !result.ok && !gone && silentTooLong(endpoint, now);
    // Disabling comes before the retry, so an attempt that disables its endpoint records no
    // retry that will never be made. An overdue failure whose endpoint stays enabled (a delivery
    // running alongside succeeded since it was read) keeps its retry: that retry delivers the
    // event. The `test` probe judges nothing: it neither disables nor retries.
    const disabled =
      options.retry && (gone || overdue)
        ? await health.disableAfterAttempt(endpoint, gone ? 'gone' : 'silent', now)
        : false;
    const nextAttemptAt =
      result.ok || gone || disabled || !options.retry
        ? undefined
        : retries.nextAttemptAt(attempt, result, now);

    if (nextAttemptAt !== undefined) {
      await retries.scheduleAttempt(event, endpoint, attempt + 1, nextAttemptAt);
    }
    // A round that stops because its endpoint was disabled is not exhausted: the disabled
    // notice says why, and `recover` brings its events back after re-enabling.
    const exhausted =
      !result.ok && !gone && !disabled && options.retry && nextAttemptAt === undefined;
    metrics.add(result.ok ? 'DeliverySucceeded' : 'DeliveryFailed');
    if (nextAttemptAt !== undefined) metrics.add('DeliveryRetryScheduled');
    if (exhausted) metrics.add('DeliveryExhausted');

    const facts: AttemptFacts = {
      event,
      endpoint,
      attempt,
      attemptInRound: attemptInRound(attempt),
      ...sent,
      now,
      nextAttemptAt,
      previous,
    };
    const { state, record } = stateAfterAttempt(
      facts,
      attemptRecord(facts, newId('dlv', sent.wallStart.epochMilliseconds)),
    );
    this.#log(event, endpoint, record, result, nextAttemptAt);
    return {
      event,
      endpoint,
      record,
      state,
      ok: result.ok,
      gone,
      overdue,
      disabled,
      exhausted,
      retried: options.retry,
      at: now,
    };
  }

  /**
   * One line per attempt for whoever watches: a failed attempt at info, a delivered one at
   * debug (DeliverySucceeded counts those; the local terminal still prints every attempt).
   * The URL without query or credentials: those can carry tokens.
   */
  #log(
    event: StoredEvent,
    endpoint: StoredEndpoint,
    record: AttemptRecord,
    result: WebhookAttemptResult,
    nextAttemptAt: string | undefined,
  ): void {
    this.#deps.logger[result.ok ? 'debug' : 'info']?.('webhook attempt', {
      eventType: event.type,
      eventId: event.id,
      endpointId: endpoint.id,
      url: loggableUrl(endpoint.url),
      attempt: record.attempt,
      outcome: record.outcome,
      ...(result.statusCode === undefined ? {} : { statusCode: result.statusCode }),
      ...(result.error === undefined ? {} : { error: result.error }),
      ms: result.latencyMs,
      ...(nextAttemptAt === undefined ? {} : { nextAttemptAt }),
    });
  }
}
