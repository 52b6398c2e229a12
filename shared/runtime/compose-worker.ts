/**
 * The composition of the scheduled side: webhook delivery, the dispatcher (what a wake-up runs)
 * and the reconciler. Kept apart from the HTTP app so the `dispatch` and `reconcile` Lambdas
 * bundle neither Hono, the OpenAPI registry, the route schemas nor the planner's inputs: a cold
 * start loads only what a wake-up or a sweep can run.
 */
import { withLogContext } from '../observability/log-context';
import { noMetrics } from '../observability/metrics';
import { createDispatcher, createWorkerOutbox } from '../scheduling/dispatcher';
import type { WakeupHandler, WakeupPayload } from '../scheduling/ports';
import { createReconciler, type ReconcileReport } from '../scheduling/reconciler';
import { consoleLogger, describeError } from '../service/deps';
import type { WebhookUrlOptions } from '../webhooks/address-policy';
import { DeliveryService, type DeliveryServiceDeps } from '../webhooks/delivery';

/**
 * The adapters every runtime passes in; the Lambdas, the local runtime, the test harnesses and
 * the benchmarks differ only here (local/adapters.ts builds the local ones).
 */
export interface WorkerAdapters extends DeliveryServiceDeps {
  /** Which webhook URLs endpoints may have: production allows neither http nor loopback. */
  urlPolicy: WebhookUrlOptions;
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
  return new DeliveryService(adapters);
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
    horizonMs: adapters.schedulingHorizonMs,
    lookaheadMs: adapters.reconcileLookaheadMs,
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
function wakeupLogContext(payload: WakeupPayload): Record<string, string | number> {
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
