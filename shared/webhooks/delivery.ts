/**
 * At-least-once webhook delivery: fan-out of step events, durable delivery of API events,
 * scheduled retries, the attempt log, redelivery and recovery.
 *
 * Delivery bookkeeping per (event, endpoint) lives in a DeliveryState; the Scheduler only wakes
 * us up. Attempt numbers count across delivery rounds: round r owns attempts
 * `(r-1)*MAX_ATTEMPTS+1 … r*MAX_ATTEMPTS`, so a redelivery gets wake-up names of its own and
 * every wake-up of an older round is recognisably stale (`state.attempts >= payload.attempt`).
 */
import { Temporal } from 'temporal-polyfill';
import { type Clock, systemClock } from '../clock';
import { forEachBounded } from '../concurrency';
import { InterviewErasedError, VersionConflictError } from '../errors';
import { newId, stableId } from '../ids';
import { type Metrics, noMetrics } from '../observability/metrics';
import type { EventFanOut, FanOutOptions } from '../scheduling/dispatcher';
import { scheduleName } from '../scheduling/names';
import type { WakeupPayload, WakeupScheduler } from '../scheduling/ports';
import { consoleLogger, describeError, type Logger } from '../service/deps';
import type { EventPublisher } from '../service/events';
import type {
  DeliveryAttempt,
  DeliveryState,
  Store,
  StoredEndpoint,
  StoredEvent,
} from '../store/ports';
import { withWholeSecondTimestamps } from '../timestamps';
import type { WebhookAttemptResult, WebhookTransport } from './ports';
import {
  ATTEMPT_TIMEOUT_MS,
  DISABLE_AFTER_MS,
  isGone,
  MAX_ATTEMPTS,
  nextRetryDelayMs,
} from './retry-policy';
import { webhookHeaders } from './signing';

/** Events, attempts and delivery states are kept this long, then expire by TTL. */
export const DELIVERY_RETENTION_SECONDS = 30 * 24 * 3600;
/** How many endpoints one fan-out attempts at once. */
export const DEFAULT_FAN_OUT_CONCURRENCY = 16;
/** A success refreshes `lastSuccessAt` only when it is older than this, to spare endpoint writes. */
const SUCCESS_REFRESH_MS = 3600_000;
const ENDPOINT_WRITE_ATTEMPTS = 6;

export type DeliveryWakeup = Extract<WakeupPayload, { kind: 'delivery' }>;

export interface DeliveryServiceDeps {
  store: Store;
  scheduler: WakeupScheduler;
  transport: WebhookTransport;
  /** The runtime clock (the sandbox clock locally): event times, retry times, the 5-day rule. */
  clock: Clock;
  /**
   * The real wall clock, for `webhook-timestamp` and `attemptedAt`. Receivers compare the header
   * with their own clock, so it must never be the advanced sandbox clock.
   */
  wallClock?: Clock;
  /** Per-attempt budget; default 15 s. */
  attemptTimeoutMs?: number;
  fanOutConcurrency?: number;
  /** Jitter source in [0, 1); injectable for deterministic tests. */
  random?: () => number;
  logger?: Logger;
  metrics?: Metrics;
}

/** The outcome of one attempt, as logged. */
export type AttemptRecord = DeliveryAttempt;

/**
 * After this many failed attempts in a row of one delivery round (about 35 minutes of retries),
 * the tenant's other endpoints hear `webhook_endpoint.failing`, once per failure streak: early
 * enough to fix the receiver well before the 5-day rule disables it.
 */
export const FAILING_NOTICE_AFTER_ATTEMPTS = 4;

/**
 * Events about webhook delivery itself. Their own failed deliveries raise no further notices, so
 * two endpoints that are both down cannot keep reporting on each other.
 */
export const operationalEventTypes: ReadonlySet<string> = new Set([
  'webhook_endpoint.failing',
  'webhook_endpoint.disabled',
  'webhook.delivery_exhausted',
]);

/** One attempt made, not yet written: its log entry, the state after it, and what follows. */
interface AttemptOutcome {
  event: StoredEvent;
  endpoint: StoredEndpoint;
  record: AttemptRecord;
  state: DeliveryState;
  ok: boolean;
  /** 410 Gone: the endpoint is to be disabled. */
  gone: boolean;
  /** Failing with no success for 5 days: the endpoint is to be disabled. */
  overdue: boolean;
  /** The last attempt of a retried round failed: the event gives up on this endpoint. */
  exhausted: boolean;
  /** Made by the retrying paths (not the `test` probe), so it may raise operational notices. */
  retried: boolean;
  /** Runtime-clock time the attempt finished. */
  at: Temporal.Instant;
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

/** The attempt number that opens the next delivery round after `attempts`. */
export function nextRoundStart(state: DeliveryState | undefined): number {
  if (state === undefined) return 1;
  return (Math.floor(state.attempts / MAX_ATTEMPTS) + 1) * MAX_ATTEMPTS + 1;
}

/** 1-based position of a cumulative attempt number inside its round. */
export function attemptInRound(attempt: number): number {
  return ((attempt - 1) % MAX_ATTEMPTS) + 1;
}

/** True when the endpoint wants events of `type` (no list means every type). */
export function isSubscribed(endpoint: StoredEndpoint, type: string): boolean {
  return !endpoint.eventTypes?.length || endpoint.eventTypes.includes(type);
}

/**
 * The exact bytes sent for an event: the Standard Webhooks envelope, its instants written to
 * the whole second like every API response.
 */
export function envelopeBody(event: StoredEvent): string {
  return JSON.stringify(
    withWholeSecondTimestamps({
      id: event.id,
      type: event.type,
      timestamp: event.timestamp,
      data: event.data,
    }),
  );
}

/** When the endpoint's current run of failures began, if it is failing. */
function failureStreakStart(endpoint: StoredEndpoint): Temporal.Instant | undefined {
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

/** What the receiver last answered, for a notice's `data`. */
function lastFailure(record: AttemptRecord): { lastStatusCode?: number; lastError?: string } {
  return {
    ...(record.statusCode === undefined ? {} : { lastStatusCode: record.statusCode }),
    ...(record.error === undefined ? {} : { lastError: record.error }),
  };
}

function withoutFailureStreak(endpoint: StoredEndpoint): StoredEndpoint {
  const { firstFailureAt: _ended, ...rest } = endpoint;
  return rest;
}

/**
 * Delivers events to webhook endpoints. It is the dispatcher's EventFanOut (step events,
 * attempted inline) and the services' EventPublisher (API events, delivered through wake-ups so
 * a request never waits on a receiver).
 */
export class DeliveryService implements EventFanOut, EventPublisher {
  readonly #store: Store;
  readonly #scheduler: WakeupScheduler;
  readonly #transport: WebhookTransport;
  readonly #clock: Clock;
  readonly #wallClock: Clock;
  readonly #timeoutMs: number;
  readonly #concurrency: number;
  readonly #random: () => number;
  readonly #logger: Logger;
  readonly #metrics: Metrics;

  constructor(deps: DeliveryServiceDeps) {
    this.#store = deps.store;
    this.#scheduler = deps.scheduler;
    this.#transport = deps.transport;
    this.#clock = deps.clock;
    this.#wallClock = deps.wallClock ?? systemClock;
    this.#timeoutMs = deps.attemptTimeoutMs ?? ATTEMPT_TIMEOUT_MS;
    this.#concurrency = deps.fanOutConcurrency ?? DEFAULT_FAN_OUT_CONCURRENCY;
    this.#random = deps.random ?? Math.random;
    this.#logger = deps.logger ?? consoleLogger;
    this.#metrics = deps.metrics ?? noMetrics;
  }

  // --- EventPublisher: API-originated events ---------------------------------------------------

  /**
   * Records the event and queues a first attempt for every subscribed endpoint. Nothing is sent
   * here: the wake-up does it, so the API answers without waiting on receivers.
   */
  async publish(event: StoredEvent): Promise<void> {
    await this.#publish(event);
  }

  /**
   * `about`: an endpoint the event concerns, which gets no copy (its own disabled notice).
   * Resolves to whether the event was new (a repeated publish of the same id fills gaps only).
   */
  async #publish(event: StoredEvent, about?: string): Promise<boolean> {
    const inserted = await this.#store.putEvent(event);
    const endpoints = (await this.#endpointsFor(event)).filter((endpoint) => endpoint.id !== about);
    await forEachBounded(endpoints, this.#concurrency, async (endpoint) => {
      // A repeated publish (same deterministic id) only fills in what an earlier one missed.
      const state = inserted
        ? undefined
        : await this.#store.getDeliveryState(event.tenantId, event.id, endpoint.id);
      if (state) {
        // The earlier publish may have died between writing this pending state and creating
        // its wake-up: ensure the wake-up (an existing one is a no-op, a stale one is ignored).
        if (state.status === 'pending' && state.nextAttemptAt !== undefined && endpoint.enabled) {
          await this.#scheduleAttempt(event, endpoint, state.attempts + 1, state.nextAttemptAt);
        }
        return;
      }
      if (!endpoint.enabled) {
        await this.#recordSkipped(event, endpoint);
        return;
      }
      await this.#queueRound(event, endpoint, undefined);
    });
    return inserted;
  }

  // --- EventFanOut: step events from the dispatcher ---------------------------------------------

  /**
   * First attempt, inline, to every subscribed endpoint without a delivery of `event`; several
   * endpoints at once so a slow one does not hold up the rest. A crash before an endpoint's
   * state is written means the re-run sends again (same `webhook-id`): at least once.
   *
   * This is the hot path of every due step, so its bookkeeping is batched: the existing states
   * are read in one call (none at all when the caller has just recorded the event), and once
   * every attempt has returned (and each failure's retry is scheduled), the attempt logs and
   * states of all endpoints are written in one batch. An endpoint whose retry could not be
   * scheduled gets no state, so the re-run redoes it.
   */
  async fanOut(event: StoredEvent, options: FanOutOptions = {}): Promise<void> {
    // An erased interview's events are never sent again (its data is gone from them anyway).
    if (event.erasedAt !== undefined) return;
    const endpoints = await this.#endpointsFor(event);
    if (endpoints.length === 0) return;
    const existing = options.newlyRecorded
      ? new Map<string, DeliveryState>()
      : await this.#store.getDeliveryStates(
          event.tenantId,
          event.id,
          endpoints.map((endpoint) => endpoint.id),
        );
    const outcomes: AttemptOutcome[] = [];
    const skipped: DeliveryState[] = [];
    let failure: { error: unknown } | undefined;
    try {
      await forEachBounded(
        endpoints.filter((endpoint) => !existing.has(endpoint.id)),
        this.#concurrency,
        async (endpoint) => {
          if (endpoint.enabled) {
            outcomes.push(await this.#send(event, endpoint, 1, undefined, { retry: true }));
          } else {
            skipped.push(this.#skippedState(event, endpoint));
          }
        },
      );
    } catch (error) {
      // Record what did go out before reporting the failure, so the retry resends less.
      failure = { error };
    }
    await this.#store.putDeliveryRecords({
      attempts: outcomes.map((outcome) => outcome.record),
      states: [...outcomes.map((outcome) => outcome.state), ...skipped],
    });
    await forEachBounded(outcomes, this.#concurrency, (outcome) => this.#afterAttempt(outcome));
    if (failure) throw failure.error;
  }

  /** One scheduled attempt. A stale, duplicate or orphaned wake-up changes nothing. */
  async runDeliveryAttempt(payload: DeliveryWakeup): Promise<void> {
    const { tenantId, eventId, endpointId, attempt } = payload;
    const [state, endpoint, event] = await Promise.all([
      this.#store.getDeliveryState(tenantId, eventId, endpointId),
      this.#store.getEndpoint(tenantId, endpointId),
      this.#store.getEvent(tenantId, eventId),
    ]);
    if (!event || !endpoint?.enabled) return;
    if (state && (state.status !== 'pending' || state.attempts >= attempt)) return;
    if (event.erasedAt !== undefined) {
      // Erased while a retry was pending: the delivery ends here, as failed, sending nothing.
      if (state) {
        const now = this.#clock.now().toString();
        const { nextAttemptAt: _dropped, ...rest } = state;
        await this.#store.putDeliveryState({ ...rest, status: 'failed', updatedAt: now });
      }
      return;
    }
    await this.#attempt(event, endpoint, attempt, state, { retry: true });
  }

  // --- Used by the endpoint and event services ----------------------------------------------

  /**
   * Sends `event` to `endpoint` now and returns the logged attempt. No retry is scheduled: this
   * is the `test` probe, whose caller sees the result directly.
   */
  async deliverNow(event: StoredEvent, endpoint: StoredEndpoint): Promise<AttemptRecord> {
    const state = await this.#store.getDeliveryState(event.tenantId, event.id, endpoint.id);
    return this.#attempt(event, endpoint, nextRoundStart(state), state, { retry: false });
  }

  /**
   * Starts a new delivery round of `event` to `endpoint`: a first attempt due now, through a
   * wake-up, with the full retry schedule behind it. Returns the attempt number queued.
   */
  async redeliver(event: StoredEvent, endpoint: StoredEndpoint): Promise<number> {
    if (event.erasedAt !== undefined) {
      throw new InterviewErasedError(`Event ${event.id} was erased; it is never sent again`);
    }
    const state = await this.#store.getDeliveryState(event.tenantId, event.id, endpoint.id);
    return this.#queueRound(event, endpoint, state);
  }

  /** Enabled, subscribed endpoints of the event's tenant. */
  async subscribedEndpoints(event: StoredEvent): Promise<StoredEndpoint[]> {
    return (await this.#endpointsFor(event)).filter((endpoint) => endpoint.enabled);
  }

  // --- internals ----------------------------------------------------------------------------

  async #endpointsFor(event: StoredEvent): Promise<StoredEndpoint[]> {
    const found: StoredEndpoint[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.#store.listEndpoints(event.tenantId, {
        limit: 100,
        ...(cursor === undefined ? {} : { cursor }),
      });
      found.push(...page.items.filter((endpoint) => isSubscribed(endpoint, event.type)));
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return found;
  }

  /**
   * The state is written before the wake-up exists, so the attempt it triggers can never be
   * overwritten by this pending state; if scheduling then fails, the pending state stays
   * visible to `recover`.
   */
  async #queueRound(
    event: StoredEvent,
    endpoint: StoredEndpoint,
    previous: DeliveryState | undefined,
  ): Promise<number> {
    const attempt = nextRoundStart(previous);
    const now = this.#clock.now().toString();
    await this.#store.putDeliveryState({
      tenantId: event.tenantId,
      eventId: event.id,
      endpointId: endpoint.id,
      status: 'pending',
      // Marks every wake-up of earlier rounds as stale.
      attempts: attempt - 1,
      nextAttemptAt: now,
      ...(previous?.lastAttemptAt ? { lastAttemptAt: previous.lastAttemptAt } : {}),
      createdAt: previous?.createdAt ?? now,
      updatedAt: now,
      expiresAt: this.#expiresAt(),
    });
    await this.#scheduleAttempt(event, endpoint, attempt, now);
    return attempt;
  }

  /** An event an endpoint missed while disabled: kept as failed so `recover` finds it. */
  async #recordSkipped(event: StoredEvent, endpoint: StoredEndpoint): Promise<void> {
    await this.#store.putDeliveryState(this.#skippedState(event, endpoint));
  }

  #skippedState(event: StoredEvent, endpoint: StoredEndpoint): DeliveryState {
    const now = this.#clock.now().toString();
    return {
      tenantId: event.tenantId,
      eventId: event.id,
      endpointId: endpoint.id,
      status: 'failed',
      attempts: 0,
      createdAt: now,
      updatedAt: now,
      expiresAt: this.#expiresAt(),
    };
  }

  async #scheduleAttempt(
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
   * One attempt and its bookkeeping, in crash-safe order: the next wake-up is created before
   * the state that mentions it, so a crash in between leaves a retry that finds the state one
   * attempt behind and simply performs it.
   */
  async #attempt(
    event: StoredEvent,
    endpoint: StoredEndpoint,
    attempt: number,
    previous: DeliveryState | undefined,
    options: { retry: boolean },
  ): Promise<AttemptRecord> {
    const outcome = await this.#send(event, endpoint, attempt, previous, options);
    await this.#store.putAttempt(outcome.record);
    // Before the state that records this attempt: if a notice cannot be published, the wake-up
    // fails and is retried, redoes the attempt and publishes again (same notice id, so the
    // siblings that already have it get nothing twice).
    await this.#raiseNotices(outcome);
    await this.#store.putDeliveryState(outcome.state);
    await this.#afterAttempt(outcome);
    return outcome.record;
  }

  /**
   * Sends one attempt and, when it failed and may be retried, schedules the next one. Returns
   * the log entry and the state to write; writing them is the caller's job.
   */
  async #send(
    event: StoredEvent,
    endpoint: StoredEndpoint,
    attempt: number,
    previous: DeliveryState | undefined,
    options: { retry: boolean },
  ): Promise<AttemptOutcome> {
    const body = envelopeBody(event);
    const wallStart = this.#wallClock.now();
    const runtimeStart = this.#clock.now();
    const secrets = this.#signingSecrets(endpoint);
    const result: WebhookAttemptResult =
      secrets.length === 0
        ? { ok: false, latencyMs: 0, error: 'no signing secret' }
        : await this.#transport.send({
            url: endpoint.url,
            headers: webhookHeaders({
              msgId: event.id,
              timestampSeconds: Math.floor(wallStart.epochMilliseconds / 1000),
              body,
              secrets,
            }),
            body,
            timeoutMs: this.#timeoutMs,
          });

    const now = this.#clock.now();
    const nowText = now.toString();
    const gone = isGone(result);
    const overdue = !result.ok && !gone && this.#silentTooLong(endpoint, now);
    const delay =
      result.ok || gone || overdue || !options.retry
        ? undefined
        : nextRetryDelayMs(attemptInRound(attempt), result, this.#random);
    const nextAttemptAt =
      delay === undefined ? undefined : now.add({ milliseconds: delay }).toString();

    if (nextAttemptAt !== undefined) {
      await this.#scheduleAttempt(event, endpoint, attempt + 1, nextAttemptAt);
    }
    const exhausted = !result.ok && !gone && !overdue && options.retry && delay === undefined;
    this.#metrics.add(result.ok ? 'DeliverySucceeded' : 'DeliveryFailed');
    if (nextAttemptAt !== undefined) this.#metrics.add('DeliveryRetryScheduled');
    if (exhausted) this.#metrics.add('DeliveryExhausted');

    const record: AttemptRecord = {
      tenantId: event.tenantId,
      id: newId('dlv', wallStart.epochMilliseconds),
      eventId: event.id,
      endpointId: endpoint.id,
      attempt: attemptInRound(attempt),
      attemptedAt: wallStart.toString(),
      runtimeAttemptedAt: runtimeStart.toString(),
      outcome: result.ok ? 'succeeded' : 'failed',
      ...(result.statusCode === undefined ? {} : { statusCode: result.statusCode }),
      latencyMs: result.latencyMs,
      ...(result.error === undefined ? {} : { error: result.error }),
      ...(result.responseBody ? { responseBody: result.responseBody } : {}),
      ...(nextAttemptAt === undefined ? {} : { nextAttemptAt }),
      ...(event.interviewId === undefined ? {} : { interviewId: event.interviewId }),
      expiresAt: this.#expiresAt(),
    };
    const state: DeliveryState = {
      tenantId: event.tenantId,
      eventId: event.id,
      endpointId: endpoint.id,
      status: result.ok ? 'succeeded' : nextAttemptAt === undefined ? 'failed' : 'pending',
      attempts: attempt,
      lastAttemptAt: nowText,
      ...(nextAttemptAt === undefined ? {} : { nextAttemptAt }),
      createdAt: previous?.createdAt ?? nowText,
      updatedAt: nowText,
      expiresAt: this.#expiresAt(),
    };

    // A failed attempt is an info line, a delivered one debug (DeliverySucceeded counts those;
    // the local terminal still prints every attempt). The URL without query or
    // credentials: those can carry tokens.
    this.#logger[result.ok ? 'debug' : 'info']?.('webhook attempt', {
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
    return {
      event,
      endpoint,
      record,
      state,
      ok: result.ok,
      gone,
      overdue,
      exhausted,
      retried: options.retry,
      at: now,
    };
  }

  /** What follows a recorded attempt: fresh success bookkeeping, or disabling the endpoint. */
  async #afterAttempt(outcome: AttemptOutcome): Promise<void> {
    const { endpoint } = outcome;
    if (outcome.ok) await this.#noteSuccess(endpoint, outcome.at);
    else if (outcome.gone) await this.#disable(endpoint, 'The endpoint answered 410 Gone');
    else if (!outcome.overdue) await this.#noteFailure(endpoint, outcome.at);
    else {
      // Decided on the endpoint as read before the attempt; a delivery running alongside may
      // have succeeded since, so the silence is checked again on the current record.
      await this.#disable(endpoint, 'No successful delivery for 5 days', (current) =>
        this.#silentTooLong(current, this.#clock.now()),
      );
    }
  }

  /** Secrets that still sign at this moment: the current one, plus the old one mid-rotation. */
  #signingSecrets(endpoint: StoredEndpoint): string[] {
    const nowNs = this.#clock.now().epochNanoseconds;
    return endpoint.secrets
      .filter(
        (secret) =>
          secret.expiresAt === undefined ||
          Temporal.Instant.from(secret.expiresAt).epochNanoseconds > nowNs,
      )
      .map((secret) => secret.secret);
  }

  /**
   * True once the endpoint has failed without a break for 5 days: counted from the first
   * failure after its last success, so an endpoint that merely had nothing to receive for a
   * while is not disabled by its first failure after the quiet spell.
   */
  #silentTooLong(endpoint: StoredEndpoint, now: Temporal.Instant): boolean {
    const failingSince = failureStreakStart(endpoint);
    return (
      failingSince !== undefined &&
      now.epochMilliseconds - failingSince.epochMilliseconds >= DISABLE_AFTER_MS
    );
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
    const now = this.#clock.now();
    const notice: StoredEvent = {
      tenantId: endpoint.tenantId,
      id: stableId('evt', endpoint.tenantId, endpoint.id, 'disabled', disabledAt),
      type: 'webhook_endpoint.disabled',
      timestamp: disabledAt,
      data: { endpointId: endpoint.id, url: endpoint.url, reason, disabledAt },
      createdAt: disabledAt,
      expiresAt: Math.floor(now.epochMilliseconds / 1000) + DELIVERY_RETENTION_SECONDS,
    };
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
   * The operational notices a failed attempt raises for the tenant's other endpoints. None for
   * the `test` probe, and none about the delivery of a notice itself.
   */
  async #raiseNotices(outcome: AttemptOutcome): Promise<void> {
    if (outcome.ok || outcome.gone || outcome.overdue || !outcome.retried) return;
    if (operationalEventTypes.has(outcome.event.type)) return;
    if (outcome.record.attempt === FAILING_NOTICE_AFTER_ATTEMPTS)
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
        disableAt: since.add({ milliseconds: DISABLE_AFTER_MS }).toString(),
      },
    );
    if (await this.#publish(notice, endpoint.id)) {
      this.#metrics.add('EndpointsFailing');
      this.#logger.info('Webhook endpoint failing', {
        tenantId: endpoint.tenantId,
        endpointId: endpoint.id,
        eventId: notice.id,
      });
    }
  }

  /** `webhook.delivery_exhausted`: the last retry of a round failed; one per event, endpoint, round. */
  async #noticeExhausted(outcome: AttemptOutcome): Promise<void> {
    const { event, endpoint, record, state, at } = outcome;
    const round = Math.ceil(state.attempts / MAX_ATTEMPTS);
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
    await this.#publish(notice, endpoint.id);
  }

  #notice(
    endpoint: StoredEndpoint,
    id: string,
    type: string,
    data: Record<string, unknown>,
  ): StoredEvent {
    const now = this.#clock.now();
    return {
      tenantId: endpoint.tenantId,
      id,
      type,
      timestamp: now.toString(),
      data,
      createdAt: now.toString(),
      expiresAt: this.#expiresAt(),
    };
  }

  /**
   * Applies `change` with the endpoint's optimistic version, re-reading on conflicts. `change`
   * returns undefined when nothing needs writing. Resolves to whether a write happened.
   */
  async #updateEndpoint(
    tenantId: string,
    id: string,
    change: (current: StoredEndpoint) => StoredEndpoint | undefined,
  ): Promise<boolean> {
    for (let round = 0; round < ENDPOINT_WRITE_ATTEMPTS; round++) {
      const current = await this.#store.getEndpoint(tenantId, id);
      if (!current) return false;
      const next = change(current);
      if (!next) return false;
      try {
        await this.#store.updateEndpoint(
          { ...next, version: current.version + 1, updatedAt: this.#clock.now().toString() },
          current.version,
        );
        return true;
      } catch (error) {
        if (!(error instanceof VersionConflictError)) throw error;
      }
    }
    throw new VersionConflictError(`Endpoint ${id} kept changing; update abandoned`);
  }

  #expiresAt(): number {
    return Math.floor(this.#clock.now().epochMilliseconds / 1000) + DELIVERY_RETENTION_SECONDS;
  }
}
