/**
 * The composition of the scheduled side: webhook delivery, the dispatcher (what a wake-up runs)
 * and the reconciler. Kept apart from the HTTP app so the `dispatch` and `reconcile` Lambdas
 * bundle neither Hono, the OpenAPI registry, the route schemas nor the planner's inputs: a cold
 * start loads only what a wake-up or a sweep can run.
 */
import type { Clock } from '../clock';
import { withLogContext } from '../observability/log-context';
import { type Metrics, noMetrics } from '../observability/metrics';
import { createDispatcher, createWorkerOutbox } from '../scheduling/dispatcher';
import type { WakeupHandler, WakeupPayload, WakeupScheduler } from '../scheduling/ports';
import { createReconciler, type ReconcileReport } from '../scheduling/reconciler';
import { consoleLogger, describeError, type Logger } from '../service/deps';
import type { Store } from '../store/ports';
import type { WebhookUrlOptions } from '../webhooks/address-policy';
import { DeliveryService } from '../webhooks/delivery';
import type { WebhookTransport } from '../webhooks/ports';

/** The adapters every runtime passes in; the local runtime and the Lambdas differ only here. */
export interface WorkerAdapters {
  store: Store;
  scheduler: WakeupScheduler;
  transport: WebhookTransport;
  /** The runtime clock ("now" for plans, due checks and events). */
  clock: Clock;
  /** Real time, for `webhook-timestamp`; the system clock when absent. */
  wallClock?: Clock;
  urlPolicy: WebhookUrlOptions;
  logger?: Logger;
  metrics?: Metrics;
  attemptTimeoutMs?: number;
  /** Scheduling horizon (scheduling/horizon.ts); unset schedules every step when planned. */
  schedulingHorizonMs?: number;
  /** How far ahead each reconciler sweep looks (default 15 min); sweeps must come closer. */
  reconcileLookaheadMs?: number;
}

export interface AfterviewWorker {
  delivery: DeliveryService;
  /** What a wake-up runs: the `dispatch` Lambda's body. */
  dispatch: WakeupHandler;
  /** One reconciler sweep: the `reconcile` Lambda's body. */
  reconcile: () => Promise<ReconcileReport>;
}

/** The delivery service over the given adapters; one per process, shared by API and worker. */
export function createDelivery(adapters: WorkerAdapters): DeliveryService {
  const { store, scheduler, clock, logger, metrics } = adapters;
  return new DeliveryService({
    store,
    scheduler,
    transport: adapters.transport,
    clock,
    ...(adapters.wallClock ? { wallClock: adapters.wallClock } : {}),
    ...(adapters.attemptTimeoutMs === undefined
      ? {}
      : { attemptTimeoutMs: adapters.attemptTimeoutMs }),
    ...(logger ? { logger } : {}),
    ...(metrics ? { metrics } : {}),
  });
}

/**
 * Builds the dispatcher and the reconciler over `delivery` (a new one when absent), so a
 * process that also serves the API can hand both sides the same delivery service.
 */
export function composeWorker(
  adapters: WorkerAdapters,
  delivery: DeliveryService = createDelivery(adapters),
): AfterviewWorker {
  const { store, scheduler, clock } = adapters;
  const logger = adapters.logger ?? consoleLogger;
  const metrics = adapters.metrics ?? noMetrics;
  const dispatcher = createDispatcher({
    store,
    clock,
    webhooks: delivery,
    events: delivery,
    metrics,
  });
  // Every line a wake-up logs names what it is about; the reconciler's own dispatches too.
  const dispatch: WakeupHandler = (payload) =>
    withLogContext(wakeupLogContext(payload), async () => {
      const started = performance.now();
      await dispatcher(payload);
      // At debug, like the API's `Request completed`: one line per wake-up with its ids.
      logger.debug?.('Wake-up handled', { durationMs: Math.round(performance.now() - started) });
    });
  const outbox = createWorkerOutbox({ store, webhooks: delivery, events: delivery });
  const sweep = createReconciler({
    store,
    scheduler,
    clock,
    dispatch,
    outbox,
    logger,
    ...(adapters.schedulingHorizonMs === undefined
      ? {}
      : { horizonMs: adapters.schedulingHorizonMs }),
    ...(adapters.reconcileLookaheadMs === undefined
      ? {}
      : { lookaheadMs: adapters.reconcileLookaheadMs }),
  });
  const reconcile = async (): Promise<ReconcileReport> => {
    try {
      const report = await withLogContext({ job: 'reconcile' }, sweep);
      // Counted once the sweep completes: its heartbeat, which the stalled alarm watches.
      metrics.add('ReconcileSweeps');
      metrics.add('ReconcileRepairs', report.schedulesEnsured + report.overdueDispatched);
      // Zero too, so the alarm sees a value on every sweep rather than missing data.
      metrics.add('ReconcileFailures', report.failures);
      return report;
    } catch (error) {
      metrics.add('ReconcileFailures');
      logger.error('Reconcile sweep failed', { ...describeError(error) });
      throw error;
    }
  };
  return { delivery, dispatch, reconcile };
}

/** The ids a wake-up concerns, as log context fields. */
export function wakeupLogContext(payload: WakeupPayload): Record<string, string | number> {
  return payload.kind === 'step'
    ? {
        wakeup: 'step',
        tenantId: payload.tenantId,
        interviewId: payload.interviewId,
        stepId: payload.stepId,
      }
    : {
        wakeup: 'delivery',
        tenantId: payload.tenantId,
        eventId: payload.eventId,
        endpointId: payload.endpointId,
        attempt: payload.attempt,
      };
}
