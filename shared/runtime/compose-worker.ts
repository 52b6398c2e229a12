/**
 * The composition of the scheduled side: webhook delivery, the dispatcher (what a wake-up runs)
 * and the reconciler. Kept apart from the HTTP app so the `dispatch` and `reconcile` Lambdas
 * bundle neither Hono, the OpenAPI registry, the route schemas nor the planner's inputs: a cold
 * start loads only what a wake-up or a sweep can run.
 */
import type { WebhookUrlOptions } from '../webhooks/address-policy';
import { DeliveryService, type DeliveryServiceDeps } from '../webhooks/delivery';
import { composeWorkerJobs, type WorkerJobs } from './worker-jobs';

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

/** The dispatcher and the reconciler (worker-jobs.ts) with the delivery service they use. */
export interface AfterviewWorker extends WorkerJobs {
  delivery: DeliveryService;
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
  return { delivery, ...composeWorkerJobs(adapters, delivery) };
}
