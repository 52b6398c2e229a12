import type { Clock } from '../clock';
import type { WakeupScheduler } from '../scheduling/ports';
import type { Logger } from '../service/deps';
import type { Store } from '../store/ports';
import type { WebhookUrlOptions } from './address-policy';
import { DeliveryService } from './delivery';
import { WebhookEndpointService } from './endpoint-service';
import { WebhookEventService } from './event-service';
import type { WebhookTransport } from './ports';

export { envelopeBody } from './attempt';
export * from './delivery';
export { type AttemptRecord, DELIVERY_RETENTION_SECONDS } from './delivery-records';
export * from './endpoint-service';
export * from './event-catalog';
export * from './event-service';
export { FAILING_NOTICE_AFTER_ATTEMPTS, operationalEventTypes } from './operational-events';
export { attemptInRound, type DeliveryWakeup, nextRoundStart } from './retry-scheduling';

export interface WebhookDeps {
  store: Store;
  scheduler: WakeupScheduler;
  transport: WebhookTransport;
  /** Runtime clock (the sandbox clock locally). */
  clock: Clock;
  /** Real time for `webhook-timestamp`; the system clock when absent. */
  wallClock?: Clock;
  /** Local runtime: `{ allowHttp: true, allowLoopback: true }`; production: both false. */
  urlPolicy: WebhookUrlOptions;
  attemptTimeoutMs?: number;
  fanOutConcurrency?: number;
  random?: () => number;
  logger?: Logger;
}

/** The webhook side of the system, built from one set of adapters. */
export interface WebhookServices {
  /** Hand to createDispatcher as `webhooks`, and to createServices as `events`. */
  delivery: DeliveryService;
  endpoints: WebhookEndpointService;
  events: WebhookEventService;
}

export function createWebhookServices(deps: WebhookDeps): WebhookServices {
  const delivery = new DeliveryService(deps);
  return {
    delivery,
    endpoints: new WebhookEndpointService({ ...deps, delivery }),
    events: new WebhookEventService({ store: deps.store, delivery }),
  };
}
