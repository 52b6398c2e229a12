/**
 * The event log as the API sees it: list, get and redeliver. Every lookup is scoped by tenant,
 * so another tenant's id is simply not found.
 */
import { ConflictError, InterviewErasedError, NotFoundError } from '../errors';
import type { EventListQuery, Page, Store, StoredEndpoint, StoredEvent } from '../store/ports';
import type { DeliveryService } from './delivery';
import { testEventType } from './event-types';

export interface WebhookEventServiceDeps {
  store: Store;
  delivery: DeliveryService;
}

/** The event log: list, get and redeliver. */
export class WebhookEventService {
  readonly #store: Store;
  readonly #delivery: DeliveryService;

  constructor(deps: WebhookEventServiceDeps) {
    this.#store = deps.store;
    this.#delivery = deps.delivery;
  }

  list(tenantId: string, query: EventListQuery): Promise<Page<StoredEvent>> {
    return this.#store.listEvents(tenantId, query);
  }

  async get(tenantId: string, id: string): Promise<StoredEvent> {
    const event = await this.#store.getEvent(tenantId, id);
    if (!event) throw new NotFoundError(`No event ${id}`);
    return event;
  }

  /**
   * A new delivery of the same event (same id, so receivers can de-duplicate) to one endpoint,
   * or to every enabled endpoint subscribed to its type. Returns the endpoints it was queued for,
   * and the event's interview (its erasure must reach what the request left behind).
   * An erased interview's event answers InterviewErasedError and is sent nowhere; a
   * `webhook.test` probe answers ConflictError (it names one endpoint and is one attempt by
   * design: the endpoint's `test` sends a new one).
   */
  async redeliver(
    tenantId: string,
    id: string,
    endpointId?: string,
  ): Promise<{ endpointIds: string[]; interviewId?: string }> {
    const event = await this.get(tenantId, id);
    if (event.erasedAt !== undefined) {
      throw new InterviewErasedError(
        `Event ${id} belongs to interview ${event.interviewId ?? ''}, which was erased; it is never sent again`,
      );
    }
    if (event.type === testEventType) {
      throw new ConflictError(
        `Event ${id} is a test probe, which is never redelivered; send a new probe with POST /v1/webhook-endpoints/{id}/test`,
      );
    }
    let endpoints: StoredEndpoint[];
    if (endpointId !== undefined) {
      const endpoint = await this.#store.getEndpoint(tenantId, endpointId);
      if (!endpoint) throw new NotFoundError(`No webhook endpoint ${endpointId}`);
      if (!endpoint.enabled) {
        throw new ConflictError('The endpoint is disabled; enable it (PATCH enabled: true) first');
      }
      endpoints = [endpoint];
    } else {
      endpoints = await this.#delivery.subscribedEndpoints(event);
    }
    for (const endpoint of endpoints) await this.#delivery.redeliver(event, endpoint);
    return {
      endpointIds: endpoints.map((endpoint) => endpoint.id),
      ...(event.interviewId === undefined ? {} : { interviewId: event.interviewId }),
    };
  }
}
