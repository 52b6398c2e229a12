/**
 * Storage ports. DynamoDB (one table) is the source of truth; these interfaces are what the
 * services see. One contract suite (test/store) runs against every implementation.
 *
 * Conventions: all instants are ISO 8601 UTC strings; `tenantId` scopes every call, and an id
 * that belongs to another tenant is simply not found.
 */
import type { FollowUpState, PolicyOverrides } from '../domain/model';

export interface Page<T> {
  items: T[];
  /** Opaque; pass back to get the next page. Absent on the last page. */
  nextCursor?: string;
}

export interface PageRequest {
  limit: number;
  cursor?: string;
}

// ---------------------------------------------------------------------------------------------
// Tenants and API keys

export interface Tenant {
  id: string;
  name: string;
  createdAt: string;
}

export interface TenantStore {
  createTenant(tenant: Tenant): Promise<void>;
  getTenant(tenantId: string): Promise<Tenant | undefined>;
  /** Stores only the SHA-256 hash of the key. */
  putApiKeyHash(keyHash: string, tenantId: string, createdAt: string): Promise<void>;
  findTenantByKeyHash(keyHash: string): Promise<string | undefined>;
  getPolicy(tenantId: string): Promise<PolicyOverrides | undefined>;
  putPolicy(tenantId: string, policy: PolicyOverrides): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Interviews: the interview and all its steps are one item, updated atomically with `version`.

export interface StoredInterview {
  tenantId: string;
  id: string;
  externalId?: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  state: FollowUpState;
  /** Counter for event `sequence` numbers, bumped with every event recorded for this interview. */
  eventSequence: number;
  /**
   * Earliest `dueAt` among steps still `scheduled`, or undefined. Indexed so the reconciler
   * finds overdue steps without a Scan.
   */
  nextDueAt?: string;
}

export interface InterviewListQuery extends PageRequest {
  status?: 'active' | 'closed';
  externalId?: string;
}

export interface DueInterviewRef {
  tenantId: string;
  interviewId: string;
  nextDueAt: string;
}

export interface InterviewStore {
  /** Fails with AlreadyExistsError if the id exists. */
  createInterview(interview: StoredInterview): Promise<void>;
  getInterview(tenantId: string, id: string): Promise<StoredInterview | undefined>;
  /**
   * Writes `next` only if the stored version is still `expectedVersion`; `next.version` must be
   * `expectedVersion + 1`. Fails with VersionConflictError otherwise (or if the item is gone).
   */
  updateInterview(next: StoredInterview, expectedVersion: number): Promise<void>;
  /** Newest first. */
  listInterviews(tenantId: string, query: InterviewListQuery): Promise<Page<StoredInterview>>;
  /** Interviews with a scheduled step due at or before `before`, oldest due first (all tenants). */
  listDueInterviews(before: string, page: PageRequest): Promise<Page<DueInterviewRef>>;
}

// ---------------------------------------------------------------------------------------------
// Idempotency

export interface IdempotencyRecord {
  tenantId: string;
  key: string;
  /** SHA-256 of method, path and body: the same key with another request is refused. */
  requestHash: string;
  status: number;
  body: string;
  headers: Record<string, string>;
  createdAt: string;
  /** Epoch seconds after which the record may expire (DynamoDB TTL). */
  expiresAt: number;
}

export interface IdempotencyStore {
  getIdempotency(tenantId: string, key: string): Promise<IdempotencyRecord | undefined>;
  /** Returns false when a record for the key already exists (a concurrent first request). */
  putIdempotency(record: IdempotencyRecord): Promise<boolean>;
}

// ---------------------------------------------------------------------------------------------
// Webhook endpoints, events, delivery attempts

export interface WebhookSecret {
  /** `whsec_<base64>` */
  secret: string;
  createdAt: string;
  /** After this instant the secret no longer signs (old secret during a rotation). */
  expiresAt?: string;
}

export interface StoredEndpoint {
  tenantId: string;
  id: string;
  url: string;
  description?: string;
  metadata?: Record<string, string>;
  /** Empty or absent: every event type. */
  eventTypes?: string[];
  enabled: boolean;
  disabledReason?: string;
  disabledAt?: string;
  secrets: WebhookSecret[];
  /** Last 2xx, or when the endpoint was created/enabled; drives the 5-day disable rule. */
  lastSuccessAt?: string;
  firstFailureAt?: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface StoredEvent {
  tenantId: string;
  id: string;
  type: string;
  /** Event time on the runtime clock. */
  timestamp: string;
  interviewId?: string;
  /** The webhook envelope's `data`. */
  data: Record<string, unknown>;
  createdAt: string;
  expiresAt: number;
}

export interface EventListQuery extends PageRequest {
  type?: string;
  interviewId?: string;
}

export interface DeliveryAttempt {
  tenantId: string;
  id: string;
  eventId: string;
  endpointId: string;
  /** 1-based attempt number within this delivery. */
  attempt: number;
  /** Real wall-clock time of the attempt (the `webhook-timestamp` it carried). */
  attemptedAt: string;
  /**
   * Runtime-clock time of the attempt: the clock `nextAttemptAt` is on. Equal to `attemptedAt`
   * in a deployment; on the local runtime it is the sandbox clock. Absent on older records.
   */
  runtimeAttemptedAt?: string;
  outcome: 'succeeded' | 'failed';
  statusCode?: number;
  latencyMs: number;
  error?: string;
  /** First 1 KiB of the response body. */
  responseBody?: string;
  /** When the next retry is scheduled, if any, on the runtime clock. */
  nextAttemptAt?: string;
  expiresAt: number;
}

/** Per (event, endpoint): where delivery stands. Lets redelivery and recovery find failures. */
export interface DeliveryState {
  tenantId: string;
  eventId: string;
  endpointId: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  lastAttemptAt?: string;
  nextAttemptAt?: string;
  createdAt: string;
  updatedAt: string;
  expiresAt: number;
}

export interface WebhookStore {
  createEndpoint(endpoint: StoredEndpoint): Promise<void>;
  getEndpoint(tenantId: string, id: string): Promise<StoredEndpoint | undefined>;
  /** Conditional on `expectedVersion`, like updateInterview. */
  updateEndpoint(next: StoredEndpoint, expectedVersion: number): Promise<void>;
  deleteEndpoint(tenantId: string, id: string): Promise<void>;
  listEndpoints(tenantId: string, page: PageRequest): Promise<Page<StoredEndpoint>>;

  /** Idempotent: recording an event id that exists returns false and changes nothing. */
  putEvent(event: StoredEvent): Promise<boolean>;
  getEvent(tenantId: string, id: string): Promise<StoredEvent | undefined>;
  /** Newest first. */
  listEvents(tenantId: string, query: EventListQuery): Promise<Page<StoredEvent>>;

  putAttempt(attempt: DeliveryAttempt): Promise<void>;
  /** Newest first. */
  listAttempts(
    tenantId: string,
    endpointId: string,
    page: PageRequest,
  ): Promise<Page<DeliveryAttempt>>;

  putDeliveryState(state: DeliveryState): Promise<void>;
  getDeliveryState(
    tenantId: string,
    eventId: string,
    endpointId: string,
  ): Promise<DeliveryState | undefined>;
  /**
   * The delivery states of one event at several endpoints, by endpoint id; endpoints without a
   * state are absent. One round trip where the store allows it (the fan-out's hot path).
   */
  getDeliveryStates(
    tenantId: string,
    eventId: string,
    endpointIds: readonly string[],
  ): Promise<Map<string, DeliveryState>>;
  /**
   * Writes attempts and delivery states together, in as few round trips as the store allows.
   * At most one state per (event, endpoint). Not atomic: when it throws, any subset may have
   * been written (each item whole).
   */
  putDeliveryRecords(records: {
    attempts: readonly DeliveryAttempt[];
    states: readonly DeliveryState[];
  }): Promise<void>;
  /** Failed or still-pending deliveries for an endpoint whose event was created at/after `since`. */
  listUnsuccessfulDeliveries(
    tenantId: string,
    endpointId: string,
    since: string,
    page: PageRequest,
  ): Promise<Page<DeliveryState>>;
}

export type Store = TenantStore & InterviewStore & IdempotencyStore & WebhookStore;
