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
import type { LocalSandbox } from '../http/route-module';
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

/**
 * The services and the HTTP app over `delivery` (a new one when absent). The API only queues
 * deliveries (and sends the `test` probe); wake-ups do the rest.
 */
export function composeApi(
  adapters: AfterviewAdapters,
  delivery: DeliveryService = createDelivery(adapters),
): AfterviewApi {
  const { store, clock, logger, metrics } = adapters;
  const webhooks: WebhookServices = {
    delivery,
    endpoints: new WebhookEndpointService({
      store,
      clock,
      delivery,
      urlPolicy: adapters.urlPolicy,
    }),
    events: new WebhookEventService({ store, delivery }),
  };
  const services = createServices({
    store,
    scheduler: adapters.scheduler,
    clock,
    events: delivery,
    ...(logger ? { logger } : {}),
    ...(adapters.schedulingHorizonMs === undefined
      ? {}
      : { schedulingHorizonMs: adapters.schedulingHorizonMs }),
    ...(metrics ? { metrics } : {}),
  });
  const sandbox = adapters.sandbox?.(services);
  const app = createApp({
    services,
    idempotency: store,
    clock,
    extraRoutes: [webhookEndpointRoutes(webhooks), eventRoutes(webhooks)],
    ...(sandbox ? { sandbox } : {}),
    ...(adapters.docsAssetsDir ? { docsAssetsDir: adapters.docsAssetsDir } : {}),
    ...(logger ? { logger } : {}),
    ...(metrics ? { metrics } : {}),
  });
  return { services, webhooks, app };
}

/** The whole system in one process (the local runtime): API and worker share one delivery. */
export function composeAfterview(adapters: AfterviewAdapters): Afterview {
  const delivery = createDelivery(adapters);
  const { dispatch, reconcile } = composeWorker(adapters, delivery);
  return { ...composeApi(adapters, delivery), dispatch, reconcile };
}
