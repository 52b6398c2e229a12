/**
 * Helpers shared by the reliability suites: the local runtime started once per file, a raw HTTP
 * client that can send what `fetch` refuses to (duplicate headers, invalid UTF-8, odd paths),
 * webhook receivers with switchable faults, and a validator for `openapi.yaml`.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { Webhook } from 'standardwebhooks';
import { Agent, request as undiciRequest } from 'undici';
import { parse as parseYaml } from 'yaml';
import {
  type LocalRuntime,
  type LocalRuntimeOptions,
  quietRuntimeOptions,
  startLocalRuntime,
} from '../../local/runtime';
import {
  type HttpReceiver,
  type ReceivedHttpRequest,
  startHttpReceiver,
} from '../support/http-receiver';
import { ErrorRecordingLogger } from '../support/loggers';

/** Response JSON as the suites read it: loosely, field by field, asserting as they go. */
// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by assertions, not types
export type Json = any;

export interface ReliabilityRuntimeOptions {
  attemptTimeoutMs?: number;
  wrapTransport?: LocalRuntimeOptions['wrapTransport'];
}

/** The whole system in this process, on free ports, in memory, with no timers of its own. */
export async function startRuntime(
  options: ReliabilityRuntimeOptions = {},
): Promise<{ runtime: LocalRuntime; logger: ErrorRecordingLogger }> {
  // Injected faults make the runtime log a lot: the errors are kept, not printed.
  const logger = new ErrorRecordingLogger();
  const runtime = await startLocalRuntime(
    quietRuntimeOptions({
      logger,
      ...(options.attemptTimeoutMs === undefined
        ? {}
        : { attemptTimeoutMs: options.attemptTimeoutMs }),
      ...(options.wrapTransport ? { wrapTransport: options.wrapTransport } : {}),
    }),
  );
  return { runtime, logger };
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON when the response says JSON, else the text. */
  // biome-ignore lint/suspicious/noExplicitAny: suites read response JSON loosely by design
  body: any;
  text: string;
}

export interface RawRequest {
  method: string;
  path: string;
  /** JSON-encoded and sent as application/json unless `raw` is given. */
  json?: unknown;
  raw?: string | Buffer;
  /** A flat [name, value, name, value…] list so a header can repeat. */
  headers?: Record<string, string> | string[];
  /** Bearer key; `null` sends none. */
  apiKey?: string | null;
}

const agent = new Agent({ keepAliveTimeout: 1000, connections: 64 });

/** A client for one runtime: `call` sends anything, including what `fetch` would refuse. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly apiKey: string,
  ) {}

  withKey(apiKey: string): ApiClient {
    return new ApiClient(this.baseUrl, apiKey);
  }

  async call(request: RawRequest): Promise<ApiResponse> {
    const headers: string[] = Array.isArray(request.headers)
      ? [...request.headers]
      : Object.entries(request.headers ?? {}).flat();
    const names = new Set(headers.filter((_, i) => i % 2 === 0).map((h) => h.toLowerCase()));
    const key = request.apiKey === undefined ? this.apiKey : request.apiKey;
    if (key !== null && !names.has('authorization')) headers.push('authorization', `Bearer ${key}`);
    let body: string | Buffer | undefined = request.raw;
    if (body === undefined && request.json !== undefined) {
      body = JSON.stringify(request.json);
      if (!names.has('content-type')) headers.push('content-type', 'application/json');
    }
    const response = await undiciRequest(`${this.baseUrl}${request.path}`, {
      method: request.method,
      headers,
      dispatcher: agent,
      ...(body === undefined ? {} : { body }),
    });
    const text = await response.body.text();
    const flat: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      flat[name] = Array.isArray(value) ? value.join(', ') : String(value ?? '');
    }
    let parsed: unknown = text;
    if (/json/.test(flat['content-type'] ?? '') && text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: response.statusCode, headers: flat, body: parsed, text };
  }

  get(path: string): Promise<ApiResponse> {
    return this.call({ method: 'GET', path });
  }
  post(path: string, json?: unknown, headers?: Record<string, string>): Promise<ApiResponse> {
    return this.call({
      method: 'POST',
      path,
      ...(json === undefined ? {} : { json }),
      ...(headers ? { headers } : {}),
    });
  }
  patch(path: string, json: unknown, headers?: Record<string, string>): Promise<ApiResponse> {
    return this.call({ method: 'PATCH', path, json, ...(headers ? { headers } : {}) });
  }
  put(path: string, json: unknown): Promise<ApiResponse> {
    return this.call({ method: 'PUT', path, json });
  }
  delete(path: string): Promise<ApiResponse> {
    return this.call({ method: 'DELETE', path });
  }

  /** Every item of a cursor-paginated list. */
  // biome-ignore lint/suspicious/noExplicitAny: list items are read loosely
  async listAll(path: string): Promise<any[]> {
    const items: unknown[] = [];
    let cursor: string | undefined;
    do {
      const separator = path.includes('?') ? '&' : '?';
      const page = await this.get(
        `${path}${separator}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      if (page.status !== 200) throw new Error(`GET ${path} answered ${page.status}: ${page.text}`);
      items.push(...page.body.data);
      cursor = page.body.nextCursor;
    } while (cursor);
    // biome-ignore lint/suspicious/noExplicitAny: see above
    return items as any[];
  }
}

/** A new tenant made the way an integrator would: `POST /v1/sandbox/tenants`. */
export async function createSandboxTenant(
  client: ApiClient,
  name: string,
): Promise<{ tenantId: string; client: ApiClient }> {
  const created = await client.call({
    method: 'POST',
    path: '/v1/sandbox/tenants',
    json: { name },
    apiKey: null,
  });
  if (created.status !== 201) throw new Error(`tenant not created: ${created.text}`);
  return { tenantId: created.body.tenantId, client: client.withKey(created.body.apiKey) };
}

// ---- webhook receivers ----------------------------------------------------------------------

export type ReceiverFault = 'ok' | 'error' | 'slow' | 'reset';

export interface ReceivedWebhook {
  webhookId: string;
  type: string;
  eventTimestamp: string;
  verified: boolean;
  /** Why verification failed, when it did. */
  verifyError?: string;
  body: string;
}

/**
 * A real HTTP receiver on 127.0.0.1. Every request is recorded and checked with the third-party
 * Standard Webhooks verifier before the fault (if any) is applied, so a delivery the receiver
 * then refuses still counts as seen by the wire, but only a 2xx counts as delivered.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  /** Deliveries answered 2xx, by webhook-id. */
  readonly delivered = new Map<string, number>();
  secret: string | undefined;
  /** Decides each request's fate; `ok` unless replaced. */
  fault: () => ReceiverFault = () => 'ok';
  readonly #slowMs: number;
  #server: HttpReceiver | undefined;

  private constructor(slowMs: number) {
    this.#slowMs = slowMs;
  }

  static async start(slowMs = 400): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver(slowMs);
    receiver.#server = await startHttpReceiver(
      (request, res, req) => receiver.#handle(request, res, req),
      '/hook',
    );
    return receiver;
  }

  get url(): string {
    return this.#server?.url ?? '';
  }

  #handle(request: ReceivedHttpRequest, res: ServerResponse, req: IncomingMessage): void {
    const { body } = request;
    const headers = {
      'webhook-id': request.headers['webhook-id'] ?? '',
      'webhook-timestamp': request.headers['webhook-timestamp'] ?? '',
      'webhook-signature': request.headers['webhook-signature'] ?? '',
    };
    let verified = false;
    let verifyError: string | undefined;
    let parsed: { type?: string; timestamp?: string } = {};
    try {
      if (!this.secret) throw new Error('no secret yet');
      parsed = new Webhook(this.secret).verify(body, headers) as typeof parsed;
      verified = true;
    } catch (error) {
      verifyError = error instanceof Error ? error.message : String(error);
      try {
        parsed = JSON.parse(body);
      } catch {}
    }
    const fault = this.fault();
    this.received.push({
      webhookId: headers['webhook-id'],
      type: String(parsed.type ?? ''),
      eventTimestamp: String(parsed.timestamp ?? ''),
      verified,
      ...(verifyError ? { verifyError } : {}),
      body,
    });
    if (fault === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault === 'error') {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('injected failure');
      return;
    }
    const answer = () => {
      if (res.destroyed) return;
      res.writeHead(204).end();
      // Counted only when the answer went out in time to be seen as a success.
      if (fault === 'ok') {
        this.delivered.set(
          headers['webhook-id'],
          (this.delivered.get(headers['webhook-id']) ?? 0) + 1,
        );
      }
    };
    if (fault === 'slow') setTimeout(answer, this.#slowMs);
    else answer();
  }

  async close(): Promise<void> {
    await this.#server?.close();
  }
}

// ---- openapi.yaml ---------------------------------------------------------------------------

export interface SpecOperation {
  path: string;
  method: string;
  operation: Record<string, unknown>;
  /** Declared response statuses, as strings. */
  statuses: string[];
  hasBody: boolean;
  secured: boolean;
}

// biome-ignore lint/suspicious/noExplicitAny: a parsed YAML document
export type OpenApiDocument = any;

let cachedSpec: OpenApiDocument | undefined;

/** The committed contract, parsed once. */
function loadSpec(): OpenApiDocument {
  cachedSpec ??= parseYaml(readFileSync(new URL('../../openapi.yaml', import.meta.url), 'utf8'));
  return cachedSpec;
}

const httpMethods = ['get', 'put', 'post', 'patch', 'delete'];

/** Every (path, method) the spec documents. */
export function specOperations(spec: OpenApiDocument = loadSpec()): SpecOperation[] {
  const operations: SpecOperation[] = [];
  for (const [path, item] of Object.entries<Record<string, Record<string, unknown>>>(spec.paths)) {
    for (const method of httpMethods) {
      const operation = item[method];
      if (!operation) continue;
      operations.push({
        path,
        method: method.toUpperCase(),
        operation,
        statuses: Object.keys((operation.responses as object) ?? {}),
        hasBody: operation.requestBody !== undefined,
        secured: Array.isArray(operation.security) && operation.security.length > 0,
      });
    }
  }
  return operations;
}

/**
 * Validates responses (and request bodies) against the spec's schemas. Components are registered once as
 * one 2020-12 schema document, so `#/components/schemas/X` references resolve inside it.
 */
export class ResponseValidator {
  readonly #ajv: Ajv2020;
  readonly #spec: OpenApiDocument;
  readonly #cache = new Map<string, ValidateFunction>();

  constructor(spec: OpenApiDocument = loadSpec()) {
    this.#spec = spec;
    this.#ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(this.#ajv);
    // OpenAPI's own keywords inside schemas; harmless annotations for validation.
    this.#ajv.addKeyword('example');
    this.#ajv.addSchema({ components: spec.components }, 'openapi.yaml');
  }

  /** Problems with `response` for `operation` (empty when it conforms). */
  check(operation: SpecOperation, response: ApiResponse): string[] {
    const declared = this.#spec.paths[operation.path][operation.method.toLowerCase()].responses;
    const entry = declared[String(response.status)];
    const where = `${operation.method} ${operation.path} → ${response.status}`;
    if (!entry) return [`${where}: status not documented (${response.text.slice(0, 200)})`];
    const content = entry.content as Record<string, { schema: unknown }> | undefined;
    if (!content) {
      return response.text === '' ? [] : [`${where}: documented without a body but got one`];
    }
    const mediaType = (response.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
    const media = content[mediaType];
    if (!media) {
      return [`${where}: content type ${mediaType || 'none'} not documented`];
    }
    const key = `${operation.method} ${operation.path} ${response.status} ${mediaType}`;
    let validate = this.#cache.get(key);
    if (!validate) {
      validate = this.#ajv.compile(rewriteRefs(media.schema) as object);
      this.#cache.set(key, validate);
    }
    if (validate(response.body)) return [];
    return [`${where}: ${this.#ajv.errorsText(validate.errors)}`];
  }

  /** Problems with `body` as the JSON request body of `operation` (empty when it conforms). */
  checkRequestBody(operation: SpecOperation, body: unknown): string[] {
    const requestBody = this.#spec.paths[operation.path][operation.method.toLowerCase()]
      .requestBody as { content?: Record<string, { schema: unknown }> } | undefined;
    const schema = requestBody?.content?.['application/json']?.schema;
    const where = `${operation.method} ${operation.path} request`;
    if (!schema) return [`${where}: no JSON body documented`];
    const key = `${operation.method} ${operation.path} request`;
    let validate = this.#cache.get(key);
    if (!validate) {
      validate = this.#ajv.compile(rewriteRefs(schema) as object);
      this.#cache.set(key, validate);
    }
    if (validate(body)) return [];
    return [`${where}: ${this.#ajv.errorsText(validate.errors)}`];
  }
}

/** `#/components/…` → `openapi.yaml#/components/…`, so a standalone schema can point into it. */
function rewriteRefs(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rewriteRefs);
  if (schema === null || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string' && value.startsWith('#/')
        ? `openapi.yaml${value}`
        : rewriteRefs(value),
    ]),
  );
}

// ---- shared interview input -----------------------------------------------------------------

/**
 * A valid one-hour interview ending `endsInHours` (default 2) after `now`, with `interviewers`
 * people (1 to 3, default 2).
 */
export function interviewInput(
  now: string,
  options: { externalId?: string; interviewers?: number; endsInHours?: number } = {},
): Record<string, unknown> {
  const ends = new Date(Date.parse(now) + (options.endsInHours ?? 2) * 3600_000);
  const starts = new Date(ends.getTime() - 3600_000);
  const people = [
    { name: 'Priya Raman', email: 'priya@northwind.example', topics: ['event sourcing'] },
    {
      name: 'Marco Ortiz',
      linkedinUrl: 'https://www.linkedin.com/in/marco-ortiz',
      topics: ['on-call rotations'],
    },
    { name: 'Ana Lima', email: 'ana@northwind.example', topics: ['hiring plans'] },
  ];
  return {
    ...(options.externalId ? { externalId: options.externalId } : {}),
    candidate: { name: 'Dana Whitfield', email: 'dana@example.com', phone: '+1 555 0100' },
    role: { title: 'Backend Engineer', company: 'Northwind' },
    format: 'video',
    startsAt: starts.toISOString(),
    endsAt: ends.toISOString(),
    timeZone: 'America/New_York',
    interviewers: people.slice(0, Math.max(1, Math.min(3, options.interviewers ?? 2))),
  };
}

// ---- a populated tenant ---------------------------------------------------------------------

/** Ids of one tenant's data, with at least one fired step, its event and its deliveries. */
export interface TenantWorld {
  interviewId: string;
  /** A step still scheduled (actions on it succeed). */
  stepId: string;
  endpointId: string;
  /** A step event that was delivered to `endpointId`. */
  eventId: string;
  receiver: WebhookReceiver;
}

/**
 * Registers a receiver, creates an interview and moves the clock until its first thank-you has
 * fired, so the tenant owns every kind of resource: interview, steps, endpoint, events,
 * delivery attempts.
 */
export async function buildTenantWorld(
  client: ApiClient,
  label: string,
  interviewers = 2,
): Promise<TenantWorld> {
  const receiver = await WebhookReceiver.start();
  const endpoint = await client.post('/v1/webhook-endpoints', {
    url: receiver.url,
    description: `${label} receiver`,
  });
  if (endpoint.status !== 201) throw new Error(`endpoint not created: ${endpoint.text}`);
  receiver.secret = endpoint.body.secret;
  const clock = await client.get('/v1/sandbox/clock');
  const created = await client.post(
    '/v1/interviews',
    interviewInput(clock.body.now, { externalId: `${label}-1`, interviewers }),
  );
  if (created.status !== 201) throw new Error(`interview not created: ${created.text}`);
  const interviewId = created.body.id as string;
  // Four days always include a send window inside the thank-you deadline or just after it.
  const firstDue = created.body.steps
    .map((step: { dueAt: string }) => step.dueAt)
    .sort()[0] as string;
  const advanced = await client.post('/v1/sandbox/clock', { to: firstDue });
  if (advanced.status !== 200) throw new Error(`clock not advanced: ${advanced.text}`);
  const after = await client.get(`/v1/interviews/${interviewId}`);
  const scheduled = after.body.steps.find(
    (step: { status: string }) => step.status === 'scheduled',
  );
  const events = await client.listAll(`/v1/events?interviewId=${interviewId}`);
  const stepEvent = events.find((event) => String(event.type).startsWith('followup.'));
  if (!scheduled || !stepEvent) throw new Error('the world has no scheduled step or no step event');
  return {
    interviewId,
    stepId: scheduled.id,
    endpointId: endpoint.body.id,
    eventId: stepEvent.id,
    receiver,
  };
}
