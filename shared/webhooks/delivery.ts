/**
 * At-least-once webhook delivery: fan-out of step events, durable delivery of API events,
 * scheduled retries, redelivery and recovery. This service decides who gets an event and in what
 * order each attempt's bookkeeping is written; the parts it sequences each do one job:
 *
 * - `attempt.ts`: one attempt, prepare → send → handle the result;
 * - `retry-scheduling.ts`: delivery rounds, attempt numbers and their wake-ups;
 * - `delivery-records.ts`: the attempt log entry and delivery state written;
 * - `endpoint-health.ts`: failure streaks, the 5-day rule and disabling;
 * - `operational-events.ts`: the notices the tenant's other endpoints hear.
 */
import { type Clock, systemClock } from '../clock';
import { forEachBounded } from '../concurrency';
import { InterviewErasedError } from '../errors';
import { type Metrics, noMetrics } from '../observability/metrics';
import type { EventFanOut, FanOutOptions } from '../scheduling/dispatcher';
import type { WakeupScheduler } from '../scheduling/ports';
import { consoleLogger, type Logger } from '../service/deps';
import { redactAttempt } from '../service/erasure';
import type { EventPublisher } from '../service/events';
import type { DeliveryState, Store, StoredEndpoint, StoredEvent } from '../store/ports';
import { type AttemptOutcome, AttemptSender } from './attempt';
import { type AttemptRecord, erasedWhilePending, skippedState } from './delivery-records';
import { EndpointHealth, type EndpointWakeup } from './endpoint-health';
import { OperationalNotices } from './operational-events';
import type { WebhookTransport } from './ports';
import { ATTEMPT_TIMEOUT_MS } from './retry-policy';
import { type DeliveryWakeup, nextRoundStart, RetryScheduling } from './retry-scheduling';

/** How many endpoints one fan-out attempts at once. */
const DEFAULT_FAN_OUT_CONCURRENCY = 16;

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

/** True when the endpoint wants events of `type` (no list means every type). */
function isSubscribed(endpoint: StoredEndpoint, type: string): boolean {
  return !endpoint.eventTypes?.length || endpoint.eventTypes.includes(type);
}

/**
 * Delivers events to webhook endpoints. It is the dispatcher's EventFanOut (step events,
 * attempted inline) and the services' EventPublisher (API events, delivered through wake-ups so
 * a request never waits on a receiver).
 */
export class DeliveryService implements EventFanOut, EventPublisher {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #concurrency: number;
  readonly #retries: RetryScheduling;
  readonly #sender: AttemptSender;
  readonly #health: EndpointHealth;
  readonly #notices: OperationalNotices;

  constructor(deps: DeliveryServiceDeps) {
    const { store, clock } = deps;
    const logger = deps.logger ?? consoleLogger;
    const metrics = deps.metrics ?? noMetrics;
    const publish = (event: StoredEvent, about: string) => this.#publish(event, about);
    this.#store = store;
    this.#clock = clock;
    this.#concurrency = deps.fanOutConcurrency ?? DEFAULT_FAN_OUT_CONCURRENCY;
    this.#retries = new RetryScheduling({
      store,
      scheduler: deps.scheduler,
      clock,
      random: deps.random ?? Math.random,
    });
    this.#health = new EndpointHealth({
      store,
      scheduler: deps.scheduler,
      clock,
      logger,
      metrics,
      publish,
    });
    this.#sender = new AttemptSender({
      transport: deps.transport,
      clock,
      wallClock: deps.wallClock ?? systemClock,
      timeoutMs: deps.attemptTimeoutMs ?? ATTEMPT_TIMEOUT_MS,
      retries: this.#retries,
      health: this.#health,
      logger,
      metrics,
    });
    this.#notices = new OperationalNotices({ clock, logger, metrics, publish });
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
          await this.#retries.scheduleAttempt(
            event,
            endpoint,
            state.attempts + 1,
            state.nextAttemptAt,
          );
        }
        return;
      }
      if (!endpoint.enabled) {
        await this.#store.putDeliveryState(skippedState(event, endpoint, this.#clock.now()));
        return;
      }
      await this.#retries.queueRound(event, endpoint, undefined);
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
   * every attempt has returned (and each failure's retry is scheduled), the states of all
   * endpoints are written in one batch, then the attempt logs they list in another; around
   * those writes the event is read again in case an erasure marked it while the attempts were
   * out (#redactedIfAlreadyErased, #redactIfErased). An endpoint whose retry could not be
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
            outcomes.push(await this.#sender.send(event, endpoint, 1, undefined, { retry: true }));
          } else {
            skipped.push(skippedState(event, endpoint, this.#clock.now()));
          }
        },
      );
    } catch (error) {
      // Record what did go out before reporting the failure, so the retry resends less.
      failure = { error };
    }
    const records = await this.#redactedIfAlreadyErased(
      event,
      outcomes.map((outcome) => outcome.record),
    );
    await this.#store.putDeliveryRecords({
      attempts: records,
      states: [...outcomes.map((outcome) => outcome.state), ...skipped],
    });
    await this.#redactIfErased(event, records);
    await forEachBounded(outcomes, this.#concurrency, (outcome) =>
      this.#health.afterAttempt(outcome),
    );
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
      if (state) await this.#store.putDeliveryState(erasedWhilePending(state, this.#clock.now()));
      return;
    }
    await this.#attempt(event, endpoint, attempt, state, { retry: true });
  }

  /** A failure streak's disable wake-up (the 5-day rule; see ./endpoint-health). */
  async runEndpointCheck(payload: EndpointWakeup): Promise<void> {
    await this.#health.runDisableWakeup(payload);
  }

  // --- Used by the endpoint and event services ----------------------------------------------

  /**
   * Sends `event` to `endpoint` now and returns the logged attempt. No retry is scheduled: this
   * is the `test` probe, whose caller sees the result directly. It leaves the endpoint's health
   * alone (no streak, no `lastSuccessAt`, no disabling, no notices).
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
    return this.#retries.queueRound(event, endpoint, state);
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
   * One attempt and its bookkeeping, in crash-safe order: the next wake-up is created before
   * the state that mentions it, so a crash in between leaves a retry that finds the state one
   * attempt behind and simply performs it. The state lists the attempt's log entry and is
   * written before it, so erasure (which finds attempts only through states) reaches every
   * entry that exists; a crash between the two leaves that attempt unlogged. An erasure that
   * marked the event while the attempt was out is caught before the write and after it.
   */
  async #attempt(
    event: StoredEvent,
    endpoint: StoredEndpoint,
    attempt: number,
    previous: DeliveryState | undefined,
    options: { retry: boolean },
  ): Promise<AttemptRecord> {
    const outcome = await this.#sender.send(event, endpoint, attempt, previous, options);
    // Before the state that records this attempt: if the streak's disable wake-up cannot be
    // created or a notice cannot be published, the wake-up fails and is retried, redoes the
    // attempt and tries again (same wake-up name and notice id: nothing twice).
    await this.#health.armDisableWakeup(outcome);
    await this.#notices.raise(outcome);
    const [logged = outcome.record] = await this.#redactedIfAlreadyErased(event, [outcome.record]);
    await this.#store.putDeliveryState(outcome.state);
    await this.#store.putAttempt(logged);
    const [record = logged] = await this.#redactIfErased(event, [logged]);
    await this.#health.afterAttempt(outcome);
    return record;
  }

  /**
   * When the event was erased, read afresh, if these attempt records hold anything an erasure
   * removes: only a receiver's response excerpt is personal (it may echo the payload), and only
   * events of an interview are ever erased. Records with no excerpt (an empty answer, or one
   * already redacted) cost no read.
   */
  async #erasedAtIfPersonal(
    event: StoredEvent,
    records: readonly AttemptRecord[],
  ): Promise<string | undefined> {
    if (event.interviewId === undefined) return undefined;
    if (!records.some((record) => record.responseBody !== undefined)) return undefined;
    return (await this.#store.getEvent(event.tenantId, event.id))?.erasedAt;
  }

  /**
   * The attempt records as they should be written: redacted already when an erasure marked the
   * event while the attempt was out. The check after the write (#redactIfErased) alone would
   * leave the excerpt behind if the process died between the write and that check, after an
   * erasure that had already finished (and so found no attempt to clean); read first, the
   * excerpt of an erased event is never written at all.
   */
  async #redactedIfAlreadyErased(
    event: StoredEvent,
    records: readonly AttemptRecord[],
  ): Promise<AttemptRecord[]> {
    const erasedAt = await this.#erasedAtIfPersonal(event, records);
    if (erasedAt === undefined) return [...records];
    return records.map((record) => redactAttempt(record, erasedAt) ?? record);
  }

  /**
   * Closes the gap between an attempt in flight and an erasure, without locks. An erasure marks
   * the event erased, then follows the event's delivery states to the attempts they list; a
   * writer writes the state, then the attempt, then (here) reads the event again. Either this
   * read sees the mark, and the attempts just written are redacted here exactly as the erasure
   * does it, or the mark came after they were written, and the erasure, reading the state after
   * its mark, finds them and redacts them itself. Reads are strongly consistent, so one of the
   * two always holds. Events without an interview are never erased: no read for them.
   */
  async #redactIfErased(
    event: StoredEvent,
    records: readonly AttemptRecord[],
  ): Promise<AttemptRecord[]> {
    const erasedAt = await this.#erasedAtIfPersonal(event, records);
    if (erasedAt === undefined) return [...records];
    return Promise.all(
      records.map(async (record) => {
        const clean = redactAttempt(record, erasedAt);
        if (!clean) return record;
        await this.#store.putAttempt(clean);
        return clean;
      }),
    );
  }
}
