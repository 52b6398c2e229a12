import type { ApiApp } from './env';
import { problemSchema } from './problem';
import { exactlyOneFieldMark } from './schemas';

/** Shown in the document's `info`; bump `version` with the API, not with every deploy. */
const apiInfo = {
  title: 'Afterview API',
  version: '1.0.0',
  description:
    'Interview follow-up as a service: send an interview, get a follow-up plan (thank-you ' +
    'notes, check-ins, feedback requests), and receive each step as a signed webhook when it ' +
    'is due.\n\n' +
    'Authenticate with `Authorization: Bearer <api key>`. Errors are RFC 9457 problem ' +
    'documents (`application/problem+json`). Lists are cursor-paginated (`{ data, ' +
    'nextCursor }`). POSTs accept `Idempotency-Key`; PATCH accepts `If-Match`. Text fields ' +
    'are trimmed of leading and trailing spaces; a blank one is refused. A POST whose body is ' +
    'optional may come with no body at all, with or without `Content-Type: application/json`.' +
    '\n\n' +
    'Timestamps are RFC 3339 instants in UTC (`Z`), written to the whole second with no ' +
    'fraction (`2026-03-06T17:40:00Z`); `localDueAt` carries the local UTC offset instead. ' +
    'Every response and webhook uses this one precision: planned times (`dueAt`, `deadline`) ' +
    'and recorded ones (`createdAt`, `updatedAt`, event and attempt times, the latter cut to ' +
    'the second, never rounded up). Times you send may carry a fraction; they are echoed to ' +
    'the second. Several ' +
    'records can share a second: order events by `sequence`, not by time.\n\n' +
    'Every response carries `X-Request-Id`; quote it when asking for help. A rate-limited ' +
    'request gets `429` with `Retry-After`; retry `429`, `502`, `503` and `504` with backoff ' +
    '(the official SDK does), and a `409` that carries `Retry-After` (`idempotency_key_in_use`, ' +
    '`resource_busy`): nothing was done. A method a path does not support gets `405` ' +
    '(`method_not_allowed`) with an `Allow` header; such answers are not listed per operation.',
};

/**
 * Relative on purpose: resolved against wherever the document is served (`/openapi.json` of
 * the local runtime, a stage prefix behind API Gateway, a custom domain), so clients and
 * /docs call the API that served them, on any port, without a pinned host.
 */
const apiServers = [
  {
    url: '.',
    description:
      'The API that serves this document (`http://localhost:3000` for `npm start`, ' +
      '`https://<api-id>.execute-api.<region>.amazonaws.com/<stage>` when deployed).',
  },
];

const apiTags = [
  { name: 'Interviews', description: 'Interviews and their follow-up plans' },
  { name: 'Plans', description: 'Plans computed without storing anything' },
  { name: 'Policy', description: 'Tenant-wide follow-up policy' },
  { name: 'Drafts', description: 'Checks for follow-up notes' },
  { name: 'Webhook endpoints', description: 'Where events are delivered, and delivery logs' },
  { name: 'Events', description: 'Events as recorded, and redelivery' },
  {
    name: 'Webhooks',
    description: 'What Afterview sends to your endpoints, signed per Standard Webhooks',
  },
  { name: 'Operations', description: 'Health' },
  {
    name: 'Sandbox (local runtime only)',
    description: 'Present only in the local runtime: sandbox tenants and the sandbox clock.',
  },
];

/**
 * Registers the components every route relies on. Called once by createApp. Route modules
 * add their own schemas through `.openapi('Name')`, and webhook payloads through
 * `app.openAPIRegistry.registerWebhook(...)` (they land in the document's `webhooks`).
 */
export function registerSharedComponents(app: ApiApp): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key, `afv_…`.',
  });
  app.openAPIRegistry.register('Problem', problemSchema);
}

/** A hook that edits the generated document (e.g. to add `webhooks` entries by hand). */
export type DocumentHook = (document: OpenApiDocument) => void;

export type OpenApiDocument = ReturnType<ApiApp['getOpenAPI31Document']>;

/** The OpenAPI 3.1 document of everything registered on `app`. */
export function buildOpenApiDocument(
  app: ApiApp,
  hooks: readonly DocumentHook[] = [],
): OpenApiDocument {
  const document = app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: apiInfo,
    servers: apiServers,
    tags: apiTags,
  });
  document.security = [{ bearerAuth: [] }];
  addCommonResponses(document);
  describeServerDefaults(document);
  expressExactlyOneField(document);
  for (const hook of hooks) hook(document);
  return document;
}

const httpMethods = ['get', 'put', 'post', 'patch', 'delete'] as const;

type SchemaNode = Record<string, unknown> & {
  properties?: Record<string, Record<string, unknown>>;
  required?: string[];
};

/**
 * An optional property with a server default (`round`, `nextSteps`) keeps its default in the
 * description instead of the `default` keyword: generators such as openapi-typescript read
 * `default` as "always present" and would make the field required in request types.
 */
function describeServerDefaults(document: OpenApiDocument): void {
  eachComponentSchema(document, (schema) => {
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      if (!('default' in property) || schema.required?.includes(name)) continue;
      const note = `Defaults to \`${JSON.stringify(property.default)}\` when left out.`;
      property.description =
        typeof property.description === 'string' ? `${property.description} ${note}` : note;
      delete property.default;
    }
    return true;
  });
}

/**
 * Calls `each` on every schema object under the document's components, parents first; `each`
 * returns false when the walk should not go into that schema's children.
 */
function eachComponentSchema(
  document: OpenApiDocument,
  each: (schema: SchemaNode) => boolean,
): void {
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const schema = node as SchemaNode;
    if (!each(schema)) return;
    for (const value of Object.values(schema)) visit(value);
  };
  visit(document.components?.schemas);
}

/**
 * A schema marked by `exactlyOneFieldSchema` becomes a `oneOf` of one closed object per field,
 * each requiring its field: `{}` and a body with two of them match no branch, as the server
 * refuses them. Generators type it as a union (openapi-typescript: `{ by: string } |
 * { until: string }`), which `minProperties`/`maxProperties` would not give.
 */
function expressExactlyOneField(document: OpenApiDocument): void {
  eachComponentSchema(document, (schema) => {
    if (schema[exactlyOneFieldMark] !== true) return true;
    const { properties = {} } = schema;
    for (const key of [exactlyOneFieldMark, 'type', 'properties', 'additionalProperties']) {
      delete schema[key];
    }
    schema.oneOf = Object.entries(properties).map(([name, property]) => ({
      type: 'object',
      properties: { [name]: property },
      required: [name],
      additionalProperties: false,
    }));
    return false;
  });
}

const requestIdHeader = {
  description: 'The request id (yours from `X-Request-Id` when it is sane, else a new one).',
  schema: { type: 'string' },
} as const;

const retryAfterHeader = {
  description: 'Seconds to wait before retrying.',
  schema: { type: 'integer', minimum: 0 },
} as const;

const problemContent = {
  'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
} as const;

/**
 * What every operation shares, added in one place so a new route gets it too: `X-Request-Id`
 * on every response, `Idempotent-Replayed` on replayable successes, `Retry-After` where a
 * retry is invited, and the 429 and 5XX answers any request can get (API Gateway throttling
 * and server errors, both problem documents).
 */
function addCommonResponses(document: OpenApiDocument): void {
  for (const item of Object.values(document.paths ?? {})) {
    for (const method of httpMethods) {
      const operation = item?.[method];
      if (!operation) continue;
      operation.responses ??= {};
      const idempotent = (operation.parameters ?? []).some(
        (parameter) => 'name' in parameter && parameter.name === 'idempotency-key',
      );
      const responses = operation.responses;
      responses['429'] ??= {
        description: 'Too many requests: wait `Retry-After` seconds, then retry',
        headers: { 'Retry-After': retryAfterHeader },
        content: problemContent,
      };
      responses['5XX'] ??= {
        description:
          'A server error (`internal_error`); 502, 503 and 504 are safe to retry with backoff, ' +
          'POSTs with the same `Idempotency-Key`',
        headers: { 'Retry-After': { ...retryAfterHeader, description: 'On 503, when known.' } },
        content: problemContent,
      };
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        if (!response || '$ref' in response) continue;
        response.headers = { ...response.headers };
        if (status !== '429' && status !== '5XX') {
          response.headers['X-Request-Id'] = { ...requestIdHeader, required: true };
        }
        if (idempotent && status.startsWith('2')) {
          response.headers['Idempotent-Replayed'] = {
            description: '`true` when this is the stored answer to an earlier request.',
            schema: { type: 'string', enum: ['true'] },
          };
        }
        if (status === '409') {
          response.headers['Retry-After'] = {
            ...retryAfterHeader,
            description: idempotent
              ? 'With `idempotency_key_in_use` (the first request with this key is still ' +
                'running) or `resource_busy` (concurrent writers kept changing the resource): ' +
                'nothing was done; send the same request again after this many seconds. ' +
                'Absent on a `conflict`, which a retry does not change.'
              : 'With `resource_busy` (concurrent writers kept changing the resource): nothing ' +
                'was done; send the same request again after this many seconds. Absent on a ' +
                '`conflict`, which a retry does not change.',
          };
        }
      }
    }
  }
}
