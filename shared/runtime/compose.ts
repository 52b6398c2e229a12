/**
 * The composition roots shared by every runtime: given the adapters (store, scheduler,
 * transport, clocks), they build the services, the webhook side, the dispatcher, the reconciler
 * and the HTTP app. The local runtime and the Lambda entry points differ only in the adapters
 * they pass, so the code the tests exercise is the code that is deployed.
 *
 * `composeApi` is what the `api` Lambda needs, `composeWorker` (in compose-worker.ts, which
 * imports nothing of the HTTP side) what `dispatch` and `reconcile` need, and
 * `composeAfterview` is both over one delivery service, for the single-process local runtime.
 */
import { createApp } from '../http/app';
import type { ApiApp } from '../http/env';
import type { LocalSandbox, RouteModule } from '../http/route-module';
import { eventRoutes } from '../http/routes/events';
import { webhookEndpointRoutes } from '../http/routes/webhook-endpoints';
import type { WakeupHandler } from '../scheduling/ports';
import type { ReconcileReport } from '../scheduling/reconciler';
import { createServices, type Services } from '../service/index';
import type { DeliveryService } from '../webhooks/delivery';
import { WebhookEndpointService } from '../webhooks/endpoint-service';
import { WebhookEventService } from '../webhooks/event-service';
import type { WebhookServices } from '../webhooks/index';
import { composeWorker, createDelivery, type WorkerAdapters } from './compose-worker';

export interface AfterviewAdapters extends WorkerAdapters {
  /** Local runtime only: the sandbox routes (local/sandbox-routes.ts), built over the services. */
  sandbox?: (services: Services) => LocalSandbox;
  /** Route modules mounted after the API's own (a test's probe). */
  extraRoutes?: readonly RouteModule[];
  docsAssetsDir?: string;
}

export interface AfterviewApi {
  services: Services;
  webhooks: WebhookServices;
  app: ApiApp;
}

export interface Afterview extends AfterviewApi {
  /** What a wake-up runs: the `dispatch` Lambda's body. */
  dispatch: WakeupHandler;
  /** One reconciler sweep: the `reconcile` Lambda's body. */
  reconcile: () => Promise<ReconcileReport>;
}

/** The webhook side of the API over `delivery` (a new one when absent): endpoints and events. */
export function composeWebhooks(
  adapters: WorkerAdapters,
  delivery: DeliveryService = createDelivery(adapters),
): WebhookServices {
  const { store, clock, urlPolicy } = adapters;
  return {
    delivery,
    endpoints: new WebhookEndpointService({ store, clock, delivery, urlPolicy }),
    events: new WebhookEventService({ store, delivery }),
  };
}

/**
 * The services and the HTTP app over `delivery` (a new one when absent). The API only queues
 * deliveries (and sends the `test` probe); wake-ups do the rest.
 */
export function composeApi(
  adapters: AfterviewAdapters,
  delivery: DeliveryService = createDelivery(adapters),
): AfterviewApi {
  // Unset options stay unset: each service applies its own default.
  const { store, scheduler, clock, logger, metrics, schedulingHorizonMs } = adapters;
  const webhooks = composeWebhooks(adapters, delivery);
  const services = createServices({
    store,
    scheduler,
    clock,
    events: delivery,
    logger,
    metrics,
    schedulingHorizonMs,
  });
  const app = createApp({
    services,
    idempotency: store,
    clock,
    sandbox: adapters.sandbox?.(services),
    extraRoutes: [
      webhookEndpointRoutes(webhooks),
      eventRoutes(webhooks),
      ...(adapters.extraRoutes ?? []),
    ],
    docsAssetsDir: adapters.docsAssetsDir,
    logger,
    metrics,
  });
  return { services, webhooks, app };
}

/** The whole system in one process (the local runtime): API and worker share one delivery. */
export function composeAfterview(adapters: AfterviewAdapters): Afterview {
  const delivery = createDelivery(adapters);
  const { dispatch, reconcile } = composeWorker(adapters, delivery);
  return { ...composeApi(adapters, delivery), dispatch, reconcile };
}
