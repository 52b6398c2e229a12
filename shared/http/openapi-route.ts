/**
 * The pieces every documented route is built from, so each route says only what is its own:
 * its `operationId` (its texts come from the catalogue `operations.json`), and the shape of an
 * authenticated operation, JSON bodies and responses, versioned resources, list pages and the
 * requests of actions on one resource. Key order is kept as the routes always wrote it,
 * so the generated `openapi.yaml` does not change with them.
 */
import { createRoute, type RouteConfig, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { ValidationError } from '../errors';
import type { ApiEnv } from './env';
import operations from './operations.json';
import { problemResponses } from './problem';
import { bearerSecurity } from './route-module';
import { idempotencyHeaderSchema, idParamsSchema, ifMatchHeaderSchema } from './schemas';

/**
 * A documented operation, by its `operationId`: a key of `operations.json`, the one reviewed
 * catalogue of every operation's prose (so the code declares only shapes). An `operationId`
 * that is not in it does not compile.
 */
type OperationId = keyof typeof operations;

/** The catalogue's `summary` and `description` of `operationId`, in the document's order. */
export function operationTexts(operationId: OperationId): { summary: string; description: string } {
  const texts: (typeof operations)[OperationId] | undefined = operations[operationId];
  if (!texts) throw new Error(`No operation ${operationId} in operations.json`);
  return { summary: texts.summary, description: texts.description };
}

/** What a route declares beside its method, path and `operationId`: its requests and responses. */
type RouteShape = Omit<
  RouteConfig,
  'method' | 'path' | 'operationId' | 'tags' | 'summary' | 'description' | 'security'
>;

/**
 * Routes whose keys after the method and path are `head(operationId)`, in its order (the
 * document lists the keys as they are written): `get(operationId, path, shape)` and likewise
 * for each method, as Hono's `app.get(path, …)`.
 */
export function operationRoutes<Head extends object>(head: (operationId: OperationId) => Head) {
  const declare =
    <M extends RouteConfig['method']>(method: M) =>
    <P extends string, R extends RouteShape>(operationId: OperationId, path: P, shape: R) =>
      createRoute(Object.assign({ method, path, ...head(operationId) }, shape));
  return {
    get: declare('get'),
    post: declare('post'),
    put: declare('put'),
    patch: declare('patch'),
    delete: declare('delete'),
  };
}

/** The routes of the operations under `tags`, with `security` after their texts. */
function documentedRoutes(tags: string[], security: RouteConfig['security']) {
  return operationRoutes((operationId) => ({
    operationId,
    tags,
    ...operationTexts(operationId),
    security,
  }));
}

/** The routes of the operations under `tags` that need an API key. */
export function bearerRoutes(tags: string[]) {
  return documentedRoutes(tags, bearerSecurity);
}

/** The routes of the operations under `tags` that answer without an API key. */
export function publicRoutes(tags: string[]) {
  return documentedRoutes(tags, []);
}

type BearerRoutes = ReturnType<typeof bearerRoutes>;
type Response = RouteConfig['responses'][string];
type RequestBody = NonNullable<NonNullable<RouteConfig['request']>['body']>;
type MergePatchMediaTypes = readonly [
  'application/json' | 'application/merge-patch+json',
  ...string[],
];

/**
 * The operations on one resource at `path` (`/v1/things/{id}`): each says only its
 * `operationId` and what it answers with; the method, the path, the `{id}` parameter and the
 * problems every such operation can meet come from here, so no resource documents a different
 * set by accident. Every one of them lists 400: the `{id}` parameter is refused (as
 * `param.id`) when it is over 100 characters.
 */
function itemRoutes(route: BearerRoutes, path: string) {
  const params = { params: idParamsSchema };
  return {
    /** GET: `ok` with 200; 400 (an `id` over 100 characters), 401, 404. */
    get: <Ok extends Response>(operationId: OperationId, ok: Ok) =>
      route.get(operationId, path, {
        request: params,
        responses: { 200: ok, ...problemResponses(400, 401, 404) },
      }),
    /** A JSON merge patch of `schema` with optional `If-Match`: `ok` with 200. */
    patch: <T extends z.ZodType, Ok extends Response>(
      operationId: OperationId,
      schema: T,
      { mediaTypes, ok }: { mediaTypes: MergePatchMediaTypes; ok: Ok },
    ) =>
      route.patch(operationId, path, {
        request: mergePatchRequest(schema, mediaTypes),
        responses: { 200: ok, ...problemResponses(400, 401, 404, 409, 412, 413, 415) },
      }),
    /**
     * A POST `action` on the resource (`path/{action}`), honouring `Idempotency-Key`, with
     * `body` and answering `responses`.
     */
    action: <B extends RequestBody, Rs extends RouteConfig['responses']>(
      operationId: OperationId,
      action: string,
      { body, responses }: { body: B; responses: Rs },
    ) => route.post(operationId, `${path}/${action}`, { request: actionRequest(body), responses }),
    /**
     * DELETE: 204 described as `done`; 400 (an `id` over 100 characters), 401, 404, and the
     * `extra` statuses the operation can answer besides.
     */
    delete: (operationId: OperationId, done: string, ...extra: number[]) =>
      route.delete(operationId, path, {
        request: params,
        responses: { 204: { description: done }, ...problemResponses(400, 401, 404, ...extra) },
      }),
  };
}

/**
 * The documented operations of one kind of resource at `path` (`/v1/things`), listed under
 * `tag` in the document: `route` declares any of them, `list` a GET of one page at `path`,
 * `item` those on one resource at `path/{id}`, and `resourceResponse(description)` is a
 * response carrying the resource (`schema`) with its version as the `ETag`.
 */
export function resourceRoutes<S extends z.ZodType>(tag: string, path: string, schema: S) {
  const route = bearerRoutes([tag]);
  return {
    route,
    list: listRoute(route, path),
    item: itemRoutes(route, `${path}/{id}`),
    resourceResponse: (description: string) => versionedResponse(description, schema),
  };
}

/**
 * A GET list operation at `path` taking `query`: `page` with 200 (one page of items), 400 for a
 * query that is not valid, 401.
 */
function listRoute(route: BearerRoutes, path: string) {
  return <Q extends z.ZodObject, Page extends Response>(
    operationId: OperationId,
    query: Q,
    page: Page,
  ) =>
    route.get(operationId, path, {
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
function actionRequest<B>(body: B) {
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
    const page = await queryPage(() => source().list(c.get('tenantId'), c.req.valid('query')));
    return c.json(pageBody(page, toResource), 200);
  };
}

/**
 * A list's page, where every field a listing refuses (a cursor the store cannot read as one of
 * its own) came in the query string: it is named `query.<field>`, as the request validation
 * names the query fields it refuses, so a client sees one path per parameter.
 */
export async function queryPage<P>(list: () => Promise<P>): Promise<P> {
  try {
    return await list();
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw new ValidationError(
      error.message,
      error.errors.map((field) =>
        field.path.startsWith('query.') ? field : { ...field, path: `query.${field.path}` },
      ),
    );
  }
}
