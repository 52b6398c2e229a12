/**
 * The scheduled side's jobs — the dispatcher (what a wake-up runs) and the reconciler (one
 * sweep) — over any webhook delivery: the eager DeliveryService (compose-worker.ts) or one
 * loaded on first use (lazy-delivery.ts). This module does not import the delivery service, so
 * a Lambda that composes with the lazy one (`reconcile`) keeps the webhook side out of what its
 * cold start loads.
 */
import { withLogContext } from '../observability/log-context';
import { noMetrics } from '../observability/metrics';
import { createDispatcher, createWorkerOutbox, type EventFanOut } from '../scheduling/dispatcher';
import type { WakeupHandler, WakeupPayload } from '../scheduling/ports';
import { createReconciler, type ReconcileReport } from '../scheduling/reconciler';
import { consoleLogger, describeError } from '../service/deps';
import type { EventPublisher } from '../service/events';
import type { WorkerAdapters } from './compose-worker';

/** What a wake-up and a sweep need of webhook delivery: fan-out, retries, the 5-day rule, notices. */
export type WorkerDelivery = EventFanOut & EventPublisher;

/** The jobs the worker Lambdas run. */
export interface WorkerJobs {
  /** What a wake-up runs: the `dispatch` Lambda's body. */
  dispatch: WakeupHandler;
  /** One reconciler sweep: the `reconcile` Lambda's body. */
  reconcile: () => Promise<ReconcileReport>;
}

/** The dispatcher and the reconciler over `delivery`. */
export function composeWorkerJobs(adapters: WorkerAdapters, delivery: WorkerDelivery): WorkerJobs {
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
  return { dispatch, reconcile };
}

/** The ids a wake-up concerns, as log context fields. */
function wakeupLogContext(payload: WakeupPayload): Record<string, string | number> {
  if (payload.kind === 'step') {
    return {
      wakeup: 'step',
      tenantId: payload.tenantId,
      interviewId: payload.interviewId,
      stepId: payload.stepId,
    };
  }
  if (payload.kind === 'endpoint') {
    return {
      wakeup: 'endpoint',
      tenantId: payload.tenantId,
      endpointId: payload.endpointId,
      failingSince: payload.failingSince,
    };
  }
  return {
    wakeup: 'delivery',
    tenantId: payload.tenantId,
    eventId: payload.eventId,
    endpointId: payload.endpointId,
    attempt: payload.attempt,
  };
}
