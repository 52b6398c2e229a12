/**
 * The composition of the scheduled side: webhook delivery, the dispatcher (what a wake-up runs)
 * and the reconciler. Kept apart from the HTTP app so the `dispatch` and `reconcile` Lambdas
 * bundle neither Hono, the OpenAPI registry, the route schemas nor the planner's inputs: a cold
 * start loads only what a wake-up or a sweep can run.
 */
import type { Clock } from '../clock';
import { createDispatcher, createWorkerOutbox } from '../scheduling/dispatcher';
import type { WakeupHandler, WakeupScheduler } from '../scheduling/ports';
import { createReconciler, type ReconcileReport } from '../scheduling/reconciler';
import type { Logger } from '../service/deps';
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
  const { store, scheduler, clock, logger } = adapters;
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
  const dispatch = createDispatcher({ store, clock, webhooks: delivery, events: delivery });
  const outbox = createWorkerOutbox({ store, webhooks: delivery, events: delivery });
  const reconcile = createReconciler({
    store,
    scheduler,
    clock,
    dispatch,
    outbox,
    ...(adapters.schedulingHorizonMs === undefined
      ? {}
      : { horizonMs: adapters.schedulingHorizonMs }),
    ...(adapters.reconcileLookaheadMs === undefined
      ? {}
      : { lookaheadMs: adapters.reconcileLookaheadMs }),
  });
  return { delivery, dispatch, reconcile };
}
