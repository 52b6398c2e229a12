/**
 * The pieces every documented route is built from, so each `createRoute` says only what is its
 * own: an authenticated operation, JSON bodies and responses, versioned resources, list pages
 * and the requests of actions on one resource. Key order is kept as the routes always wrote it,
 * so the generated `openapi.yaml` does not change with them.
 */
import { createRoute, type RouteConfig, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ApiEnv } from './env';
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
type ItemRouteConfig = Omit<BearerRouteConfig, 'method' | 'path' | 'request'> & {
  request?: RouteConfig['request'];
};

/**
 * The operations on one resource at `path` (`/v1/things/{id}`): each says only its operation
 * id, texts and responses; the method, the path and the `{id}` parameter come from here (a
 * merge patch passes its own request, which carries the parameter too).
 */
export function itemRoutes(route: BearerRoute, path: string) {
  const on =
    <M extends 'get' | 'patch' | 'delete'>(method: M) =>
    <R extends ItemRouteConfig>(config: R) =>
      route({ method, path, request: { params: idParamsSchema }, ...config });
  return { get: on('get'), patch: on('patch'), delete: on('delete') };
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
export function versionedResponse<T extends z.ZodType>(description: string, schema: T) {
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
export function mergePatchRequest<T extends z.ZodType>(
  schema: T,
  mediaTypes: readonly ['application/json' | 'application/merge-patch+json', ...string[]],
) {
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
