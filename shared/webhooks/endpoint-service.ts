/**
 * Webhook endpoints as the API sees them: registration with SSRF checks, secret rotation, the
 * test probe, the attempt log and recovery (the event log is `event-service.ts`). Every lookup
 * is scoped by tenant, so another tenant's id is simply not found.
 */
import { Temporal } from 'temporal-polyfill';
import type { Clock } from '../clock';
import { ConflictError, NotFoundError, ResourceBusyError, ValidationError } from '../errors';
import { newId } from '../ids';
import { checkVersion } from '../service/version-precondition';
import type {
  DeliveryAttempt,
  Page,
  PageRequest,
  Store,
  StoredEndpoint,
  StoredEvent,
} from '../store/ports';
import { checkWebhookUrl, type WebhookUrlOptions } from './address-policy';
import type { DeliveryService } from './delivery';
import {
  type AttemptRecord,
  DELIVERY_RETENTION_SECONDS,
  retentionExpiry,
} from './delivery-records';
import { changeEndpoint, changesVersion } from './endpoint-writes';
import { testEventType } from './event-types';
import { generateSecret } from './signing';

/** How long a replaced secret keeps signing, so receivers can switch without losing events. */
const SECRET_OVERLAP_MS = 24 * 3600_000;

export interface EndpointCreateInput {
  url: string;
  eventTypes?: string[];
  description?: string;
  metadata?: Record<string, string>;
}

/** `null` removes an optional field; an empty or null `eventTypes` means every type. */
export interface EndpointPatch {
  url?: string;
  eventTypes?: string[] | null;
  description?: string | null;
  metadata?: Record<string, string> | null;
  enabled?: boolean;
}

export interface WebhookServiceDeps {
  store: Store;
  clock: Clock;
  delivery: DeliveryService;
  /** Which URLs may be registered: `http` and loopback only in the local runtime. */
  urlPolicy: WebhookUrlOptions;
}

export interface EndpointWithSecret {
  endpoint: StoredEndpoint;
  /** Shown once, in the response of the call that made it. */
  secret: string;
}

export class WebhookEndpointService {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #delivery: DeliveryService;
  readonly #urlPolicy: WebhookUrlOptions;

  constructor(deps: WebhookServiceDeps) {
    this.#store = deps.store;
    this.#clock = deps.clock;
    this.#delivery = deps.delivery;
    this.#urlPolicy = deps.urlPolicy;
  }

  async create(tenantId: string, input: EndpointCreateInput): Promise<EndpointWithSecret> {
    const url = this.#checkedUrl(input.url);
    const now = this.#clock.now();
    const nowText = now.toString();
    const secret = generateSecret();
    const endpoint: StoredEndpoint = {
      tenantId,
      id: newId('whe', now.epochMilliseconds),
      url,
      ...(input.description === undefined ? {} : { description: input.description }),
      ...(input.metadata === undefined ? {} : { metadata: input.metadata }),
      ...(input.eventTypes?.length ? { eventTypes: unique(input.eventTypes) } : {}),
      enabled: true,
      secrets: [{ secret, createdAt: nowText }],
      // No `lastSuccessAt` until a delivery succeeds: the 5-day rule counts from the first
      // failure (firstFailureAt), so it needs no stand-in success here.
      version: 1,
      revision: 1,
      createdAt: nowText,
      updatedAt: nowText,
    };
    await this.#store.createEndpoint(endpoint);
    return { endpoint, secret };
  }

  list(tenantId: string, page: PageRequest): Promise<Page<StoredEndpoint>> {
    return this.#store.listEndpoints(tenantId, page);
  }

  async get(tenantId: string, id: string): Promise<StoredEndpoint> {
    const endpoint = await this.#store.getEndpoint(tenantId, id);
    if (!endpoint) throw new NotFoundError(`No webhook endpoint ${id}`);
    return endpoint;
  }

  /**
   * Applies a patch. Re-enabling clears why the endpoint was disabled and restarts the 5-day
   * clock (the failure streak ends); events it missed meanwhile come back through `recover`. A
   * patch that changes nothing writes nothing, so the version stays.
   */
  async update(
    tenantId: string,
    id: string,
    patch: EndpointPatch,
    options: { ifMatch?: readonly number[] } = {},
  ): Promise<StoredEndpoint> {
    const url = patch.url === undefined ? undefined : this.#checkedUrl(patch.url);
    return this.#change(
      tenantId,
      id,
      (current) => {
        const now = this.#clock.now().toString();
        const next: StoredEndpoint = { ...current };
        if (url !== undefined) next.url = url;
        if (patch.eventTypes !== undefined) {
          if (patch.eventTypes?.length) next.eventTypes = unique(patch.eventTypes);
          else delete next.eventTypes;
        }
        if (patch.description !== undefined) {
          if (patch.description === null) delete next.description;
          else next.description = patch.description;
        }
        if (patch.metadata !== undefined) {
          if (patch.metadata === null) delete next.metadata;
          else next.metadata = patch.metadata;
        }
        if (patch.enabled === true && !current.enabled) {
          next.enabled = true;
          delete next.disabledReason;
          delete next.disabledAt;
          delete next.firstFailureAt;
        } else if (patch.enabled === false && current.enabled) {
          next.enabled = false;
          next.disabledReason = 'Disabled through the API';
          next.disabledAt = now;
        }
        return changesVersion(current, next) ? next : undefined;
      },
      options.ifMatch,
    );
  }

  async delete(tenantId: string, id: string): Promise<void> {
    await this.get(tenantId, id);
    // Pending retry wake-ups find the endpoint gone and do nothing. Its delivery records stay
    // until they expire, and erasure finds them through the marker kept as long (a day more
    // for an attempt in flight now).
    const keepUntil = retentionExpiry(this.#clock.now()) + 24 * 3600;
    await this.#store.deleteEndpoint(tenantId, id, keepUntil);
  }

  /** A new signing secret; older ones keep signing for 24 h alongside it. */
  async rotateSecret(tenantId: string, id: string): Promise<EndpointWithSecret> {
    const secret = generateSecret();
    const endpoint = await this.#change(tenantId, id, (current) => {
      const now = this.#clock.now();
      const overlapEnd = now.add({ milliseconds: SECRET_OVERLAP_MS });
      const kept = current.secrets
        .filter(
          (old) =>
            old.expiresAt === undefined ||
            Temporal.Instant.compare(Temporal.Instant.from(old.expiresAt), now) > 0,
        )
        .map((old) => {
          if (old.expiresAt !== undefined) {
            const expires = Temporal.Instant.from(old.expiresAt);
            if (Temporal.Instant.compare(expires, overlapEnd) <= 0) return old;
          }
          return { ...old, expiresAt: overlapEnd.toString() };
        });
      return { ...current, secrets: [{ secret, createdAt: now.toString() }, ...kept] };
    });
    return { endpoint, secret };
  }

  /**
   * Sends a `webhook.test` event now, whatever the endpoint subscribes to, and returns the
   * attempt. One attempt, no retry, and no effect on the endpoint's health: a failed probe
   * opens no failure streak, a 410 disables nothing, a success does not count as the endpoint's
   * last success, and no operational notice is raised.
   */
  async test(tenantId: string, id: string): Promise<AttemptRecord> {
    const endpoint = await this.get(tenantId, id);
    const now = this.#clock.now();
    const event: StoredEvent = {
      tenantId,
      id: newId('evt', now.epochMilliseconds),
      type: testEventType,
      timestamp: now.toString(),
      data: { endpointId: id, message: 'A test event from Afterview. Answer 2xx to pass.' },
      createdAt: now.toString(),
      expiresAt: Math.floor(now.epochMilliseconds / 1000) + DELIVERY_RETENTION_SECONDS,
    };
    await this.#store.putEvent(event);
    return this.#delivery.deliverNow(event, endpoint);
  }

  async listDeliveries(
    tenantId: string,
    id: string,
    page: PageRequest,
  ): Promise<Page<DeliveryAttempt>> {
    await this.get(tenantId, id);
    return this.#store.listAttempts(tenantId, id, page);
  }

  /**
   * Starts a new delivery round for every event that failed, or is still pending, for this
   * endpoint since `since` (including events it missed while disabled). Returns how many.
   * Events of erased interviews are skipped: they are never sent again; so are `webhook.test`
   * probes, which are one attempt by design (`test` sends a new one).
   */
  async recover(tenantId: string, id: string, since: string): Promise<number> {
    const endpoint = await this.get(tenantId, id);
    if (!endpoint.enabled) {
      throw new ConflictError('The endpoint is disabled; enable it (PATCH enabled: true) first');
    }
    let count = 0;
    let cursor: string | undefined;
    do {
      const page = await this.#store.listUnsuccessfulDeliveries(tenantId, id, since, {
        limit: 100,
        ...(cursor === undefined ? {} : { cursor }),
      });
      for (const state of page.items) {
        const event = await this.#store.getEvent(tenantId, state.eventId);
        if (!event) continue; // expired with its 30-day retention
        if (event.erasedAt !== undefined) continue; // its interview was erased: never resent
        if (event.type === testEventType) continue; // a probe is never resent: send a new one
        await this.#delivery.redeliver(event, endpoint);
        count++;
      }
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return count;
  }

  #checkedUrl(raw: string): string {
    const check = checkWebhookUrl(raw, this.#urlPolicy);
    if (!check.ok) {
      throw new ValidationError('The webhook URL is not allowed', [
        { path: 'url', message: `The URL is refused: ${check.reason}`, code: 'url_refused' },
      ]);
    }
    return check.url.toString();
  }

  /** Applies `change` (undefined: nothing to write) once the version passes `ifMatch`. */
  async #change(
    tenantId: string,
    id: string,
    change: (current: StoredEndpoint) => StoredEndpoint | undefined,
    ifMatch?: readonly number[],
  ): Promise<StoredEndpoint> {
    const result = await changeEndpoint(
      { store: this.#store, clock: this.#clock },
      tenantId,
      id,
      (current) => {
        checkVersion('endpoint', current.version, ifMatch);
        return change(current);
      },
      () => new ResourceBusyError('The endpoint is changing too often; retry the request'),
    );
    if (!result) throw new NotFoundError(`No webhook endpoint ${id}`);
    return result.endpoint;
  }
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
