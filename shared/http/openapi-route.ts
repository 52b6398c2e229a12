/**
 * The pieces every documented route is built from, so each `createRoute` says only what is its
 * own: an authenticated operation, JSON bodies and responses, versioned resources, list pages
 * and the requests of actions on one resource. Key order is kept as the routes always wrote it,
 * so the generated `openapi.yaml` does not change with them.
 */
import { createRoute, type RouteConfig, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ApiEnv } from './env';
import { problemResponses } from './problem';
import { bearerSecurity } from './route-module';
import { idempotencyHeaderSchema, idParamsSchema, ifMatchHeaderSchema } from './schemas';

type BearerRouteConfig = Omit<RouteConfig, 'tags' | 'security' | 'path'> & {
  path: string;
  operationId: string;
  summary: string;
  description: string;
};

/**
 * `createRoute` for the operations under `tags` that need an API key: the tags and
 * `bearerSecurity` are added in their usual places (after `operationId`, after `description`).
 */
export function bearerRoutes(tags: string[]) {
  return <R extends BearerRouteConfig>(config: R) => {
    const { method, path, operationId, summary, description, ...rest } = config;
    const ordered = { method, path, operationId, tags, summary, description };
    return createRoute({ ...ordered, security: bearerSecurity, ...rest } as R & {
      tags: string[];
      security: typeof bearerSecurity;
    });
  };
}

type BearerRoute = ReturnType<typeof bearerRoutes>;

/** What each operation says of itself; the rest comes from the kind of operation. */
interface OperationTexts {
  operationId: string;
  summary: string;
  description: string;
}

type Response = RouteConfig['responses'][string];
type MergePatchMediaTypes = readonly [
  'application/json' | 'application/merge-patch+json',
  ...string[],
];

/**
 * The operations on one resource at `path` (`/v1/things/{id}`): each says only its texts and
 * what it answers with; the method, the path, the `{id}` parameter and the problems every such
 * operation can meet come from here, so no resource documents a different set by accident.
 */
function itemRoutes(route: BearerRoute, path: string) {
  const params = { params: idParamsSchema };
  return {
    /** GET: `ok` with 200; 401, 404. */
    get: <Ok extends Response>({ ok, ...texts }: OperationTexts & { ok: Ok }) =>
      route({
        method: 'get',
        path,
        ...texts,
        request: params,
        responses: { 200: ok, ...problemResponses(401, 404) },
      }),
    /** A JSON merge patch of `schema` with optional `If-Match`: `ok` with 200. */
    patch: <Ok extends Response, T extends z.ZodType>({
      ok,
      schema,
      mediaTypes,
      ...texts
    }: OperationTexts & { ok: Ok; schema: T; mediaTypes: MergePatchMediaTypes }) =>
      route({
        method: 'patch',
        path,
        ...texts,
        request: mergePatchRequest(schema, mediaTypes),
        responses: { 200: ok, ...problemResponses(400, 401, 404, 409, 412, 413, 415) },
      }),
    /** DELETE: 204 described as `done`; 401, 404. */
    delete: ({ done, ...texts }: OperationTexts & { done: string }) =>
      route({
        method: 'delete',
        path,
        ...texts,
        request: params,
        responses: { 204: { description: done }, ...problemResponses(401, 404) },
      }),
  };
}

/**
 * The documented operations of one kind of resource, listed under `tag` in the document:
 * `route` declares any of them, `item` those on one resource at `itemPath` (`/v1/things/{id}`),
 * and `resource(description)` is a response carrying the resource (`schema`) with its version
 * as the `ETag`.
 */
export function resourceRoutes<S extends z.ZodType>(tag: string, itemPath: string, schema: S) {
  const route = bearerRoutes([tag]);
  return {
    route,
    item: itemRoutes(route, itemPath),
    resource: (description: string) => versionedResponse(description, schema),
  };
}

/**
 * A GET list operation at `path` taking `query`: `page` with 200 (one page of items), 400 for a
 * query that is not valid, 401.
 */
export function listRoute<Q extends z.ZodObject, Page extends Response>(
  route: BearerRoute,
  path: string,
  { query, page, ...texts }: OperationTexts & { query: Q; page: Page },
) {
  return route({
    method: 'get',
    path,
    ...texts,
    request: { query },
    responses: { 200: page, ...problemResponses(400, 401) },
  });
}

/** A required JSON body of `schema`. */
export function jsonBody<T extends z.ZodType>(schema: T) {
  return { required: true, content: { 'application/json': { schema } } } as const;
}

/** A JSON body of `schema` that may be left out. */
export function optionalJsonBody<T extends z.ZodType>(schema: T) {
  return { required: false, content: { 'application/json': { schema } } } as const;
}

/** A JSON response of `schema`. */
export function jsonResponse<T extends z.ZodType>(description: string, schema: T) {
  return { description, content: { 'application/json': { schema } } };
}

/** A JSON response of a resource that carries its version as the `ETag`. */
function versionedResponse<T extends z.ZodType>(description: string, schema: T) {
  return {
    description,
    headers: z.object({ ETag: z.string().openapi({ example: '"1"' }) }),
    content: { 'application/json': { schema } },
  };
}

/**
 * The request of a JSON merge patch on `/{id}`, with optional `If-Match`; `mediaTypes` in the
 * order the document lists them.
 */
function mergePatchRequest<T extends z.ZodType>(schema: T, mediaTypes: MergePatchMediaTypes) {
  return {
    params: idParamsSchema,
    headers: ifMatchHeaderSchema,
    body: {
      required: true,
      content: Object.fromEntries(mediaTypes.map((type) => [type, { schema }])),
    },
  };
}

/** The request of a POST action on `/{id}` (honouring `Idempotency-Key`) with `body`. */
export function actionRequest<B>(body: B) {
  return { params: idParamsSchema, headers: idempotencyHeaderSchema, body };
}

/** The `{ data, nextCursor }` body of one page, each item as `toResource` shows it. */
export function pageBody<T, R>(
  page: { items: readonly T[]; nextCursor?: string | undefined },
  toResource: (item: T) => R,
): { data: R[]; nextCursor?: string } {
  return {
    data: page.items.map(toResource),
    ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
  };
}

/** What a list handler reads from its context: the caller's tenant and the validated query. */
interface ListContext<Q> {
  get: Context<ApiEnv>['get'];
  req: { valid(target: 'query'): Q };
  json: Context<ApiEnv>['json'];
}

/**
 * The handler of a list operation: the page the service `source()` lists for the caller's
 * tenant and query, each item as `toResource` shows it. The service is looked up per request,
 * never when the route is registered (the document generator registers routes over stand-ins
 * that throw on use).
 */
export function pageHandler<Q, T, R>(
  source: () => {
    list(tenantId: string, query: Q): Promise<{ items: readonly T[]; nextCursor?: string }>;
  },
  toResource: (item: T) => R,
) {
  return async (c: ListContext<Q>) => {
    const page = await source().list(c.get('tenantId'), c.req.valid('query'));
    return c.json(pageBody(page, toResource), 200);
  };
}
