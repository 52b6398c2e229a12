import type { DeliveryService } from './delivery';
import type { WebhookEndpointService } from './endpoint-service';
import type { WebhookEventService } from './event-service';

export { envelopeBody } from './attempt';
export * from './delivery';
export { type AttemptRecord, DELIVERY_RETENTION_SECONDS } from './delivery-records';
export * from './endpoint-service';
export * from './event-catalog';
export * from './event-service';
export { FAILING_NOTICE_AFTER_ATTEMPTS, operationalEventTypes } from './operational-events';
export { attemptInRound, type DeliveryWakeup, nextRoundStart } from './retry-scheduling';

/** The webhook side of the system, built by composeWebhooks (runtime/compose.ts). */
export interface WebhookServices {
  /** Hand to createDispatcher as `webhooks`, and to createServices as `events`. */
  delivery: DeliveryService;
  endpoints: WebhookEndpointService;
  events: WebhookEventService;
}
