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
  /**
   * Events written atomically with the change that caused them and not yet known to be
   * published (the transactional outbox, kept inside the item because the design uses no
   * transactions). Whoever made the change publishes and then removes them; the reconciler
   * publishes any left behind by a crash. While it is not empty the interview stays in the due
   * index, so the reconciler finds it without a Scan.
   */
  outbox?: OutboxEntry[];
  /**
   * Internal write counter: bumped by every write, including outbox housekeeping, which leaves
   * `version` (the public ETag) alone. Conditional writes check both, so a writer never puts
   * back an entry that was cleared after it read the item. Absent on items written before it
   * existed (read as 0).
   */
  revision?: number;
}

/**
 * One pending event in an interview's outbox, and how it reaches the webhook endpoints:
 * `inline` (a step event: the dispatcher attempts every endpoint at once), `queued` (an
 * `interview.*` notice: a delivery wake-up per endpoint, so the API never waits on a receiver)
 * or `record` (recorded only, never sent: an event written before an erasure, redacted by it).
 */
export interface OutboxEntry {
  event: StoredEvent;
  delivery: 'inline' | 'queued' | 'record';
  /**
   * On the entries of a step claim: the step whose wake-up made the claim. Steps due at the same
   * instant are claimed together by whichever wake-up comes first; that run (and its retries)
   * relays the entries, and the others' wake-ups leave them to it and to the reconciler, so two
   * runs never send one event at once. Entries written before grouped claims have none.
   */
  claimedBy?: string;
}

export interface InterviewListQuery extends PageRequest {
  status?: 'active' | 'closed';
  externalId?: string;
}

export interface DueInterviewRef {
  tenantId: string;
  interviewId: string;
  /**
   * When the reconciler next has work here: the earliest scheduled step or outbox entry, as an
   * instant in UTC with milliseconds (`2026-03-02T10:00:00.000Z`) whatever format it was set in.
   */
  nextDueAt: string;
}

export interface InterviewStore {
  /** Fails with AlreadyExistsError if the id exists. */
  createInterview(interview: StoredInterview): Promise<void>;
  getInterview(tenantId: string, id: string): Promise<StoredInterview | undefined>;
  /**
   * Writes `next` only if the stored version is still `expectedVersion`; `next.version` must be
   * `expectedVersion + 1`. When `next.revision` is set, the stored revision must also be
   * `next.revision - 1`. Fails with VersionConflictError otherwise (or if the item is gone).
   */
  updateInterview(next: StoredInterview, expectedVersion: number): Promise<void>;
  /**
   * Outbox housekeeping: writes `next` (the same `version`, `revision` one higher) only if the
   * stored item is at `next.version` and revision `next.revision - 1`. Fails with
   * VersionConflictError otherwise. The public version and ETag do not move.
   */
  rewriteInterviewOutbox(next: StoredInterview): Promise<void>;
  /** Newest first. */
  listInterviews(tenantId: string, query: InterviewListQuery): Promise<Page<StoredInterview>>;
  /**
   * Interviews with a scheduled step or an outbox entry due at or before `before` (and after
   * `dueAfter`, when given), oldest due first (all tenants). An outbox entry is due from its
   * event's `createdAt`.
   */
  listDueInterviews(
    before: string,
    page: PageRequest,
    dueAfter?: string,
  ): Promise<Page<DueInterviewRef>>;
}

// ---------------------------------------------------------------------------------------------
// Idempotency: a record is claimed (in progress) before the work runs, then completed with the
// response or released. Keyed by (tenant, key).

interface IdempotencyRecordBase {
  tenantId: string;
  key: string;
  /** The interview the request concerns, when known: erasure finds the record through it. */
  interviewId?: string;
  createdAt: string;
  /** Epoch seconds after which the record may expire (DynamoDB TTL). */
  expiresAt: number;
}

/** The first request with the key is running; the others wait (409) until the lease ends. */
export interface IdempotencyInProgress extends IdempotencyRecordBase {
  phase: 'in_progress';
  /** SHA-256 of method, path and body: the same key with another request is refused. */
  requestHash: string;
  /** Random token of the request holding the claim; only it may complete or release it. */
  owner: string;
  /** Runtime-clock instant after which another request may take the key over. */
  leaseExpiresAt: string;
}

/** The stored response, replayed to every later request with the key and the same body. */
export interface IdempotencyCompleted extends IdempotencyRecordBase {
  phase: 'completed';
  requestHash: string;
  status: number;
  body: string;
  headers: Record<string, string>;
}

/** The interview was erased: the response and the request hash are gone, the key stays used. */
export interface IdempotencyErased extends IdempotencyRecordBase {
  phase: 'erased';
  erasedAt: string;
}

export type IdempotencyRecord = IdempotencyInProgress | IdempotencyCompleted | IdempotencyErased;

export interface IdempotencyStore {
  /** The live record for the key; an expired one (TTL not yet applied) reads as absent. */
  getIdempotency(tenantId: string, key: string): Promise<IdempotencyRecord | undefined>;
  /**
   * Claims the key for a new request: succeeds when no live record exists, or when the record
   * is still in progress but its lease has run out (its request died). Returns false otherwise.
   */
  claimIdempotency(record: IdempotencyInProgress): Promise<boolean>;
  /** Stores the response, only while `owner` still holds the claim. Returns whether it did. */
  completeIdempotency(record: IdempotencyCompleted, owner: string): Promise<boolean>;
  /** Deletes the claim, only while `owner` still holds it, so the key can be retried at once. */
  releaseIdempotency(tenantId: string, key: string, owner: string): Promise<void>;
  /** Records that concern one interview (any phase), oldest key first. */
  listInterviewIdempotency(
    tenantId: string,
    interviewId: string,
    page: PageRequest,
  ): Promise<Page<IdempotencyRecord>>;
  /** Replaces the record with its erased form, whatever phase it was in. */
  putErasedIdempotency(record: IdempotencyErased): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Webhook endpoints, events, delivery attempts

interface WebhookSecret {
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
  /**
   * A recent 2xx: refreshed at most hourly (see endpoint-health), absent until the first one.
   * Ends a failure streak that began before it.
   */
  lastSuccessAt?: string;
  /** When the current run of failures began; the 5-day disable rule counts from it. */
  firstFailureAt?: string;
  /**
   * The public version and ETag: moves only with a change an integrator sees as the endpoint's
   * state (see webhooks/endpoint-writes), never with health bookkeeping.
   */
  version: number;
  /**
   * Moves with every write, bookkeeping included; the store's condition guards it. Absent on
   * endpoints stored before it existed (read as 0).
   */
  revision?: number;
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
  /**
   * Set when the event's interview was erased and `data` lost its personal data. Such an
   * event is never sent again.
   */
  erasedAt?: string;
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
  /** The interview of the event, if any. */
  interviewId?: string;
  /**
   * Set when its delivery state's list of attempts was full (see DeliveryState.attemptLog):
   * erasure finds this one through the by-interview index instead.
   */
  indexedForErasure?: true;
  /** Set when the interview was erased and the response excerpt removed. */
  erasedAt?: string;
  /** When the next retry is scheduled, if any, on the runtime clock. */
  nextAttemptAt?: string;
  expiresAt: number;
}

/** What reads an attempt's log entry back by key: its id and `attemptedAt`. */
export interface AttemptRef {
  id: string;
  attemptedAt: string;
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
  /**
   * The log entries of this delivery's attempts, oldest first. Erasure finds an interview's
   * attempts through its events' delivery states; the state naming an attempt is written before
   * the attempt itself, so no log entry exists that no state names. Absent on states written
   * before attempts were found this way (their attempts are indexed by interview instead).
   */
  attemptLog?: AttemptRef[];
}

export interface WebhookStore {
  createEndpoint(endpoint: StoredEndpoint): Promise<void>;
  getEndpoint(tenantId: string, id: string): Promise<StoredEndpoint | undefined>;
  /**
   * Writes `next` only if the stored endpoint is at `expectedVersion` and, when `next.revision`
   * is set, at revision `next.revision - 1` (or has none yet: stored before revisions existed).
   * `next.version` is `expectedVersion + 1`, or `expectedVersion` for a write that only moves
   * the revision (which then must be set). Fails with VersionConflictError otherwise (or if the
   * item is gone).
   */
  updateEndpoint(next: StoredEndpoint, expectedVersion: number): Promise<void>;
  /**
   * Deletes the endpoint and leaves a marker of its id until `keepUntil` (epoch seconds), when
   * the last of its delivery records has expired: erasure still reaches them.
   */
  deleteEndpoint(tenantId: string, id: string, keepUntil: number): Promise<void>;
  /** Ids of the tenant's deleted endpoints whose delivery records may still exist. */
  listDeletedEndpointIds(tenantId: string): Promise<string[]>;
  listEndpoints(tenantId: string, page: PageRequest): Promise<Page<StoredEndpoint>>;

  /** Idempotent: recording an event id that exists returns false and changes nothing. */
  putEvent(event: StoredEvent): Promise<boolean>;
  getEvent(tenantId: string, id: string): Promise<StoredEvent | undefined>;
  /** Newest first. */
  listEvents(tenantId: string, query: EventListQuery): Promise<Page<StoredEvent>>;
  /** Overwrites an existing event with its redacted form (same id, type, times, interview). */
  putRedactedEvent(event: StoredEvent): Promise<void>;

  /** Writes an attempt (a new one, or a redacted version of an existing one). */
  putAttempt(attempt: DeliveryAttempt): Promise<void>;
  /** The attempts at `refs` of one endpoint that exist, in no particular order. */
  getAttempts(
    tenantId: string,
    endpointId: string,
    refs: readonly AttemptRef[],
  ): Promise<DeliveryAttempt[]>;
  /**
   * The attempts of one interview's events indexed by interview (oldest first): those written
   * before delivery states named their attempts (see DeliveryState.attemptLog).
   */
  listInterviewAttempts(
    tenantId: string,
    interviewId: string,
    page: PageRequest,
  ): Promise<Page<DeliveryAttempt>>;
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
