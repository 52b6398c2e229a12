import type { DeliveryService } from './delivery';
import type { WebhookEndpointService } from './endpoint-service';
import type { WebhookEventService } from './event-service';

export * from './delivery';
export * from './endpoint-service';
export * from './event-catalog';
export * from './event-service';

/** The webhook side of the system, built by composeWebhooks (runtime/compose.ts). */
export interface WebhookServices {
  /** Hand to createDispatcher as `webhooks`, and to createServices as `events`. */
  delivery: DeliveryService;
  endpoints: WebhookEndpointService;
  events: WebhookEventService;
}
