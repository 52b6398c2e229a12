/**
 * The official TypeScript SDK for the Afterview API: a thin layer over a client generated from
 * openapi.yaml (openapi-typescript types, openapi-fetch calls). Shipped as TypeScript source, for
 * Node 20+ through a bundler or tsx, and for browsers on the API's own origin (the API sends no
 * CORS headers); the only runtime dependencies are openapi-fetch and standardwebhooks.
 */
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import { AfterviewApiError } from './errors.js';
import type { components, operations, paths } from './generated/openapi.js';
import { type RetryOptions, retryingFetch } from './retry.js';

export type { Problem, ProblemCode } from './errors.js';
export { AfterviewApiError } from './errors.js';
export type { components, operations, paths } from './generated/openapi.js';
export {
  type VerifyWebhookOptions,
  verifyWebhook,
  type WebhookEvent,
  type WebhookEventType,
  WebhookVerificationError,
} from './webhooks.js';

type Schemas = components['schemas'];
export type Interview = Schemas['Interview'];
export type InterviewInput = Schemas['InterviewInput'];
export type InterviewPatch = Schemas['InterviewPatch'];
export type Step = Schemas['Step'];
export type Signal = Schemas['Signal'];
export type Policy = Schemas['Policy'];
export type PolicyOverrides = Schemas['PolicyOverrides'];
export type TenantPolicy = Schemas['TenantPolicy'];
export type WebhookEndpoint = Schemas['WebhookEndpoint'];
export type WebhookEndpointWithSecret = Schemas['WebhookEndpointWithSecret'];
export type DeliveryAttempt = Schemas['DeliveryAttempt'];
export type Event = Schemas['Event'];

export interface AfterviewOptions {
  /** An API key, `afv_…`. */
  apiKey: string;
  /** Where the API lives, e.g. `http://localhost:3000` or `https://…/prod`. */
  baseUrl: string;
  /**
   * Retries of a 429, 5xx or network failure after the first attempt (default 2). A request a
   * repeat could apply twice or misreport (a conditional update, a sandbox clock move or tenant)
   * is retried only after a 429; see `retryingFetch`.
   */
  maxRetries?: number;
  /** Your own fetch (a proxy agent, a test double); defaults to the global one. */
  fetch?: (request: Request) => Promise<Response>;
  /** For tests: how the SDK waits between retries. */
  sleep?: (ms: number) => Promise<void>;
}

/** Per-call options of the operations that create or change something. */
export interface RequestOptions {
  /**
   * Sent as `Idempotency-Key` on POSTs. The SDK makes one per call when you leave it out, and
   * reuses it on its own retries; pass yours to make a retry across restarts safe too.
   */
  idempotencyKey?: string;
}

/** Per-call options of a conditional update. */
export interface UpdateOptions {
  /**
   * The version (or ETag) you read: the API answers 412 (`precondition_failed`) instead of
   * overwriting a change made meanwhile. A conditional update is not retried after a network
   * failure or a 5xx (it may have applied; a repeat would answer 412): that error is thrown, and
   * a GET tells you the outcome.
   */
  ifMatch?: number | string;
}

/** Options of a list: how many items per page (the API's default when left out). */
export interface ListOptions {
  limit?: number;
}

type Query<Op extends keyof operations> = NonNullable<operations[Op]['parameters']['query']>;

/** One page of a list, as the API returns it. */
export interface Page<T> {
  data: T[];
  nextCursor?: string;
}

/**
 * A list that pages itself: `for await (const item of list)` walks every page; `page()` reads
 * one page when you want the cursor yourself.
 */
export class Paginated<T> implements AsyncIterable<T> {
  constructor(readonly page: (cursor?: string) => Promise<Page<T>>) {}

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    let cursor: string | undefined;
    do {
      const page = await this.page(cursor);
      yield* page.data;
      cursor = page.nextCursor;
    } while (cursor !== undefined);
  }

  /** Every item of every page, in order. */
  async toArray(): Promise<T[]> {
    const items: T[] = [];
    for await (const item of this) items.push(item);
    return items;
  }
}

/** openapi-fetch's result: data on success, the parsed error body otherwise. */
interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

async function unwrap<T>(call: Promise<FetchResult<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok || error !== undefined) throw new AfterviewApiError(response, error);
  return data as T;
}

const idempotency = (key: string | undefined) =>
  key === undefined ? {} : { header: { 'idempotency-key': key } };

/** `"3"` from a version number or an ETag you kept. */
const etag = (version: number | string) => (typeof version === 'number' ? `"${version}"` : version);

const ifMatchHeader = (ifMatch: number | string | undefined) =>
  ifMatch === undefined ? {} : { header: { 'if-match': etag(ifMatch) } };

/** A list's query for one page: the caller's filters, and the cursor when there is one. */
const pageQuery = <Q extends object>(query: Q, cursor: string | undefined) =>
  cursor === undefined ? query : { ...query, cursor };

/** Adds an `Idempotency-Key` to every POST that has none, before any retry happens. */
const autoIdempotencyKey: Middleware = {
  onRequest({ request }) {
    if (request.method === 'POST' && !request.headers.has('idempotency-key')) {
      request.headers.set('idempotency-key', crypto.randomUUID());
    }
    return request;
  },
};

export class Afterview {
  /** The generated client, for anything the resources below do not cover. */
  readonly raw: Client<paths>;
  readonly interviews: ReturnType<typeof interviewResource>;
  readonly plans: ReturnType<typeof planResource>;
  readonly policy: ReturnType<typeof policyResource>;
  readonly drafts: ReturnType<typeof draftResource>;
  readonly webhookEndpoints: ReturnType<typeof webhookEndpointResource>;
  readonly events: ReturnType<typeof eventResource>;
  /** The local runtime's sandbox (`npm start`); answers 404 elsewhere. */
  readonly sandbox: ReturnType<typeof sandboxResource>;

  constructor(options: AfterviewOptions) {
    if (!options.apiKey) throw new Error('Afterview: apiKey is required');
    if (!options.baseUrl) throw new Error('Afterview: baseUrl is required');
    const retry: RetryOptions = {
      maxRetries: options.maxRetries ?? 2,
      baseDelayMs: 500,
      maxDelayMs: 30_000,
      fetch: options.fetch ?? ((request) => globalThis.fetch(request)),
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      random: Math.random,
    };
    this.raw = createClient<paths>({
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
      headers: { Authorization: `Bearer ${options.apiKey}` },
      fetch: retryingFetch(retry),
    });
    this.raw.use(autoIdempotencyKey);
    // For routes that ignore Idempotency-Key: a repeat after an unknown outcome could do it twice.
    const once = retryingFetch({ ...retry, repeatAfterUnknownOutcome: () => false });
    this.interviews = interviewResource(this.raw);
    this.plans = planResource(this.raw);
    this.policy = policyResource(this.raw);
    this.drafts = draftResource(this.raw);
    this.webhookEndpoints = webhookEndpointResource(this.raw);
    this.events = eventResource(this.raw);
    this.sandbox = sandboxResource(this.raw, once);
  }

  /** `GET /health`. */
  health(): Promise<Schemas['Health']> {
    return unwrap(this.raw.GET('/health'));
  }
}

function interviewResource(client: Client<paths>) {
  const path = (id: string) => ({ path: { id } });
  const step = (id: string, stepId: string) => ({ path: { id, stepId } });
  return {
    create: (input: InterviewInput, options: RequestOptions = {}) =>
      unwrap(
        client.POST('/v1/interviews', { body: input, params: idempotency(options.idempotencyKey) }),
      ),
    list: (query: Omit<Query<'listInterviews'>, 'cursor'> = {}) =>
      new Paginated<Interview>((cursor) =>
        unwrap(
          client.GET('/v1/interviews', {
            params: { query: pageQuery(query, cursor) },
          }),
        ),
      ),
    get: (id: string) => unwrap(client.GET('/v1/interviews/{id}', { params: path(id) })),
    /**
     * A JSON merge patch; `null` removes. Pass `ifMatch` (the version or ETag you read) to get
     * a 412 instead of overwriting a change made in the meantime.
     */
    update: (id: string, patch: InterviewPatch, options: UpdateOptions = {}) =>
      unwrap(
        client.PATCH('/v1/interviews/{id}', {
          params: { ...path(id), ...ifMatchHeader(options.ifMatch) },
          body: patch,
          headers: { 'Content-Type': 'application/merge-patch+json' },
        }),
      ),
    /** Erases personal data and cancels open steps; the interview stays readable as erased. */
    delete: async (id: string): Promise<void> => {
      await unwrap(client.DELETE('/v1/interviews/{id}', { params: path(id) }));
    },
    signal: (id: string, signal: Signal, options: RequestOptions = {}) =>
      unwrap(
        client.POST('/v1/interviews/{id}/signals', {
          params: { ...path(id), ...idempotency(options.idempotencyKey) },
          body: signal,
        }),
      ),
    completeStep: (id: string, stepId: string, options: RequestOptions = {}) =>
      unwrap(
        client.POST('/v1/interviews/{id}/steps/{stepId}/complete', {
          params: { ...step(id, stepId), ...idempotency(options.idempotencyKey) },
        }),
      ),
    skipStep: (id: string, stepId: string, options: RequestOptions = {}) =>
      unwrap(
        client.POST('/v1/interviews/{id}/steps/{stepId}/skip', {
          params: { ...step(id, stepId), ...idempotency(options.idempotencyKey) },
        }),
      ),
    snoozeStep: (
      id: string,
      stepId: string,
      body: Schemas['SnoozeRequest'],
      options: RequestOptions = {},
    ) =>
      unwrap(
        client.POST('/v1/interviews/{id}/steps/{stepId}/snooze', {
          params: { ...step(id, stepId), ...idempotency(options.idempotencyKey) },
          body,
        }),
      ),
  };
}

function planResource(client: Client<paths>) {
  return {
    /** The steps an interview would get now; nothing is stored. */
    preview: (input: InterviewInput, options: RequestOptions = {}) =>
      unwrap(
        client.POST('/v1/plans/preview', {
          body: input,
          params: idempotency(options.idempotencyKey),
        }),
      ),
  };
}

function policyResource(client: Client<paths>) {
  return {
    get: () => unwrap(client.GET('/v1/policy')),
    /** Replaces the tenant's overrides; fields left out fall back to the defaults. */
    update: (overrides: PolicyOverrides) => unwrap(client.PUT('/v1/policy', { body: overrides })),
  };
}

function draftResource(client: Client<paths>) {
  return {
    check: (body: Schemas['DraftCheckRequest'], options: RequestOptions = {}) =>
      unwrap(
        client.POST('/v1/drafts/check', { body, params: idempotency(options.idempotencyKey) }),
      ),
  };
}

function webhookEndpointResource(client: Client<paths>) {
  const path = (id: string) => ({ path: { id } });
  return {
    /** The answer holds the signing `secret`, once. */
    create: (body: Schemas['WebhookEndpointCreate'], options: RequestOptions = {}) =>
      unwrap(
        client.POST('/v1/webhook-endpoints', { body, params: idempotency(options.idempotencyKey) }),
      ),
    list: (options: ListOptions = {}) =>
      new Paginated<WebhookEndpoint>((cursor) =>
        unwrap(
          client.GET('/v1/webhook-endpoints', { params: { query: pageQuery(options, cursor) } }),
        ),
      ),
    get: (id: string) => unwrap(client.GET('/v1/webhook-endpoints/{id}', { params: path(id) })),
    /** A JSON merge patch; `ifMatch` as in `interviews.update`. */
    update: (id: string, patch: Schemas['WebhookEndpointPatch'], options: UpdateOptions = {}) =>
      unwrap(
        client.PATCH('/v1/webhook-endpoints/{id}', {
          params: { ...path(id), ...ifMatchHeader(options.ifMatch) },
          body: patch,
          headers: { 'Content-Type': 'application/merge-patch+json' },
        }),
      ),
    /** Resolves also when a retry finds the endpoint gone because an earlier attempt deleted it. */
    delete: async (id: string): Promise<void> => {
      await unwrap(client.DELETE('/v1/webhook-endpoints/{id}', { params: path(id) }));
    },
    /** A new secret, once; the old one keeps signing for 24 hours. */
    rotateSecret: (id: string, options: RequestOptions = {}) =>
      unwrap(
        client.POST('/v1/webhook-endpoints/{id}/rotate-secret', {
          params: { ...path(id), ...idempotency(options.idempotencyKey) },
        }),
      ),
    /** Sends a `webhook.test` event now and returns the attempt. */
    test: (id: string, options: RequestOptions = {}) =>
      unwrap(
        client.POST('/v1/webhook-endpoints/{id}/test', {
          params: { ...path(id), ...idempotency(options.idempotencyKey) },
        }),
      ),
    deliveries: (id: string, options: ListOptions = {}) =>
      new Paginated<DeliveryAttempt>((cursor) =>
        unwrap(
          client.GET('/v1/webhook-endpoints/{id}/deliveries', {
            params: { ...path(id), query: pageQuery(options, cursor) },
          }),
        ),
      ),
    /** Redelivers what failed since `since` (an instant). */
    recover: (id: string, since: string, options: RequestOptions = {}) =>
      unwrap(
        client.POST('/v1/webhook-endpoints/{id}/recover', {
          params: { ...path(id), ...idempotency(options.idempotencyKey) },
          body: { since },
        }),
      ),
  };
}

function eventResource(client: Client<paths>) {
  return {
    list: (query: Omit<Query<'listEvents'>, 'cursor'> = {}) =>
      new Paginated<Event>((cursor) =>
        unwrap(
          client.GET('/v1/events', {
            params: { query: pageQuery(query, cursor) },
          }),
        ),
      ),
    get: (id: string) => unwrap(client.GET('/v1/events/{id}', { params: { path: { id } } })),
    redeliver: (id: string, body: Schemas['RedeliverRequest'] = {}, options: RequestOptions = {}) =>
      unwrap(
        client.POST('/v1/events/{id}/redeliver', {
          params: { path: { id }, ...idempotency(options.idempotencyKey) },
          body,
        }),
      ),
  };
}

/**
 * The sandbox routes ignore `Idempotency-Key`, so `once` (a fetch that does not repeat a request
 * after a network failure or a 5xx) carries what a repeat would do twice.
 */
function sandboxResource(client: Client<paths>, once: (request: Request) => Promise<Response>) {
  return {
    clock: () => unwrap(client.GET('/v1/sandbox/clock')),
    /**
     * Moves the clock forward (`advanceBy` a duration or `to` an instant); due steps fire. Not
     * retried after a network failure or a 5xx: a repeated `advanceBy` would move the clock
     * twice, and a repeated `to` answers 409 (the clock only moves forward, and it keeps
     * flowing) when the first attempt applied. That error is thrown; `clock()` tells where the
     * clock is.
     */
    advanceClock: (body: Schemas['SandboxClockAdvance']) =>
      unwrap(client.POST('/v1/sandbox/clock', { body, fetch: once })),
    /** Not retried after a network failure or a 5xx: a repeat could make a second tenant. */
    createTenant: (name: string) =>
      unwrap(client.POST('/v1/sandbox/tenants', { body: { name }, fetch: once })),
  };
}
