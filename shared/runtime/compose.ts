/**
 * The composition root shared by every runtime: given the adapters (store, scheduler,
 * transport, clocks), it builds the services, the webhook side, the dispatcher, the reconciler
 * and the HTTP app. The local runtime and the Lambda entry points differ only in the adapters
 * they pass, so the code the tests exercise is the code that is deployed.
 */
import type { Clock } from '../clock';
import { createApp } from '../http/app';
import type { ApiApp } from '../http/env';
import type { SandboxControls } from '../http/route-module';
import { eventRoutes } from '../http/routes/events';
import { webhookEndpointRoutes } from '../http/routes/webhook-endpoints';
import { createDispatcher } from '../scheduling/dispatcher';
import type { WakeupHandler, WakeupScheduler } from '../scheduling/ports';
import { createReconciler, type ReconcileReport } from '../scheduling/reconciler';
import { createServices, type Logger, type Services } from '../service/index';
import type { Store } from '../store/ports';
import type { WebhookUrlOptions } from '../webhooks/address-policy';
import { createWebhookServices, type WebhookServices } from '../webhooks/index';
import type { WebhookTransport } from '../webhooks/ports';

export interface AfterviewAdapters {
  store: Store;
  scheduler: WakeupScheduler;
  transport: WebhookTransport;
  /** The runtime clock ("now" for plans, due checks and events). */
  clock: Clock;
  /** Real time, for `webhook-timestamp`; the system clock when absent. */
  wallClock?: Clock;
  urlPolicy: WebhookUrlOptions;
  logger?: Logger;
  /** Local runtime only: the sandbox controls, built once the services exist. */
  sandbox?: (services: Services) => SandboxControls;
  docsAssetsDir?: string;
  attemptTimeoutMs?: number;
}

export interface Afterview {
  services: Services;
  webhooks: WebhookServices;
  /** What a wake-up runs: the `dispatch` Lambda's body. */
  dispatch: WakeupHandler;
  /** One reconciler sweep: the `reconcile` Lambda's body. */
  reconcile: () => Promise<ReconcileReport>;
  app: ApiApp;
}

export function composeAfterview(adapters: AfterviewAdapters): Afterview {
  const { store, scheduler, clock, logger } = adapters;
  const webhooks = createWebhookServices({
    store,
    scheduler,
    transport: adapters.transport,
    clock,
    urlPolicy: adapters.urlPolicy,
    ...(adapters.wallClock ? { wallClock: adapters.wallClock } : {}),
    ...(adapters.attemptTimeoutMs === undefined
      ? {}
      : { attemptTimeoutMs: adapters.attemptTimeoutMs }),
    ...(logger ? { logger } : {}),
  });
  const services = createServices({
    store,
    scheduler,
    clock,
    events: webhooks.delivery,
    ...(logger ? { logger } : {}),
  });
  const dispatch = createDispatcher({
    store,
    clock,
    webhooks: webhooks.delivery,
    events: webhooks.delivery,
  });
  const reconcile = createReconciler({ store, scheduler, clock, dispatch });
  const sandbox = adapters.sandbox?.(services);
  const app = createApp({
    services,
    idempotency: store,
    clock,
    extraRoutes: [webhookEndpointRoutes(webhooks), eventRoutes(webhooks)],
    ...(sandbox ? { sandbox } : {}),
    ...(adapters.docsAssetsDir ? { docsAssetsDir: adapters.docsAssetsDir } : {}),
    ...(logger ? { logger } : {}),
  });
  return { services, webhooks, dispatch, reconcile, app };
}
