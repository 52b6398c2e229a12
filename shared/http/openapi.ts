import type { ApiApp } from './env';
import { problemSchema } from './problem';

/** Shown in the document's `info`; bump `version` with the API, not with every deploy. */
export const apiInfo = {
  title: 'Afterview API',
  version: '1.0.0',
  description:
    'Interview follow-up as a service: send an interview, get a follow-up plan (thank-you ' +
    'notes, check-ins, feedback requests), and receive each step as a signed webhook when it ' +
    'is due.\n\n' +
    'Authenticate with `Authorization: Bearer <api key>`. Errors are RFC 9457 problem ' +
    'documents (`application/problem+json`). Lists are cursor-paginated (`{ data, ' +
    'nextCursor }`). POSTs accept `Idempotency-Key`; PATCH accepts `If-Match`.',
};

export const apiServers = [
  { url: 'http://localhost:3000', description: 'Local runtime (`npm start`)' },
];

export const apiTags = [
  { name: 'Interviews', description: 'Interviews and their follow-up plans' },
  { name: 'Plans', description: 'Plans computed without storing anything' },
  { name: 'Policy', description: 'Tenant-wide follow-up policy' },
  { name: 'Drafts', description: 'Checks for follow-up notes' },
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
  for (const hook of hooks) hook(document);
  return document;
}
