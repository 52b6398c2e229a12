import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import {
  MalformedRequestError,
  PayloadTooLargeError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
} from '../errors';
import { appendLogContext, withLogContext } from '../observability/log-context';
import type { Metrics } from '../observability/metrics';
import type { Logger } from '../service/deps';
import type { TenantService } from '../service/tenant-service';
import { withWholeSecondTimestamps } from '../timestamps';
import type { ApiEnv } from './env';

/** Request bodies above this are refused with 413 before they are parsed. */
const maxBodyBytes = 256 * 1024;

const requestIdPattern = /^[\w.:-]{1,128}$/;
const jsonMediaType = /^application\/([\w.-]+\+)?json$/i;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
/** Deepest object/array nesting a request body may have. */
const maxJsonDepth = 32;

/** Nesting depth of a parsed JSON value, walked without recursion; stops counting past `limit`. */
function nestingDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const pending: Array<[unknown, number]> = [[value, 0]];
  while (pending.length > 0) {
    const [node, depth] = pending.pop() as [unknown, number];
    if (node === null || typeof node !== 'object') continue;
    const level = depth + 1;
    if (level > deepest) deepest = level;
    if (deepest > limit) return deepest;
    for (const child of Object.values(node)) pending.push([child, level]);
  }
  return deepest;
}

/** What hono/aws-lambda puts in `c.env`: the API Gateway event (only the part read here). */
interface LambdaBindings {
  event?: { requestContext?: { requestId?: unknown } };
}

/** API Gateway's id of the request, when the app runs behind it. */
function apiGatewayRequestId(env: unknown): string | undefined {
  const id = (env as LambdaBindings | undefined)?.event?.requestContext?.requestId;
  return typeof id === 'string' && requestIdPattern.test(id) ? id : undefined;
}

/**
 * Gives every request an id and every response the headers an API should always send. Behind
 * API Gateway the id is API Gateway's own, so `X-Request-Id`, the log lines and API Gateway's
 * access log all name the same request; elsewhere it is the caller's `X-Request-Id` when it
 * looks sane, or a new UUID. Everything the request logs carries the id (and, once known, the
 * tenant) through the log context.
 */
export function requestContext(
  options: { metrics?: Metrics; logger?: Logger } = {},
): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const started = performance.now();
    const incoming = c.req.header('x-request-id');
    const sane = incoming && requestIdPattern.test(incoming) ? incoming : undefined;
    const gatewayId = apiGatewayRequestId(c.env);
    const requestId = gatewayId ?? sane ?? randomUUID();
    c.set('requestId', requestId);
    await withLogContext(
      {
        requestId,
        ...(gatewayId && sane ? { clientRequestId: sane } : {}),
        method: c.req.method,
        path: c.req.path,
      },
      async () => {
        await next();
        // API Gateway's access log has one line per request already; this one, at debug, ties
        // a request's own log lines to its outcome when a stage turns debug on.
        options.logger?.debug?.('Request completed', {
          status: c.res.status,
          durationMs: Math.round(performance.now() - started),
        });
      },
    );
    if (c.res.headers.get('Idempotent-Replayed') === 'true') {
      options.metrics?.add('IdempotentReplays');
    }
    const headers = c.res.headers;
    const add: Array<[string, string]> = [['X-Request-Id', requestId], ...securityHeaders];
    if (!headers.has('Content-Security-Policy')) add.push(cspHeader);
    if (!headers.has('Cache-Control')) add.push(noStore);
    // Set on the response's own headers: `c.header` after the handler has answered builds a new
    // Response (and turns its body into a stream) for every header it sets. Responses whose
    // headers are immutable (Response.redirect, a fetched response) take the slow way.
    try {
      for (const [name, value] of add) headers.set(name, value);
    } catch {
      for (const [name, value] of add) c.header(name, value);
    }
  };
}

const securityHeaders: ReadonlyArray<[string, string]> = [
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Frame-Options', 'DENY'],
  ['Referrer-Policy', 'no-referrer'],
  ['Strict-Transport-Security', 'max-age=63072000; includeSubDomains'],
];
const cspHeader: [string, string] = [
  'Content-Security-Policy',
  "default-src 'none'; frame-ancestors 'none'",
];
const noStore: [string, string] = ['Cache-Control', 'no-store'];

/**
 * Bearer-token authentication for everything except the paths `isPublic` names. The tenant a
 * key belongs to is put on the context as `tenantId`; every store call is scoped by it, which
 * is what makes another tenant's ids answer 404.
 */
export function authentication(
  tenants: Pick<TenantService, 'authenticate'>,
  isPublic: (path: string) => boolean,
): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    if (isPublic(c.req.path)) return next();
    const header = c.req.header('authorization');
    const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
    if (!match?.[1]) {
      c.header('WWW-Authenticate', 'Bearer realm="afterview"');
      throw new UnauthorizedError('Send the API key as `Authorization: Bearer <key>`');
    }
    const tenantId = await tenants.authenticate(match[1]);
    if (!tenantId) {
      c.header('WWW-Authenticate', 'Bearer realm="afterview", error="invalid_token"');
      throw new UnauthorizedError('The API key is not valid');
    }
    c.set('tenantId', tenantId);
    appendLogContext({ tenantId });
    return next();
  };
}

function hasBody(headers: Headers): boolean {
  const length = headers.get('content-length');
  if (length !== null) return Number(length) > 0;
  return headers.has('transfer-encoding');
}

/**
 * For requests that carry a body: refuses anything over 256 KiB (413), anything that is not
 * JSON (415) and JSON that does not parse (400), before any route sees it. The decoded text is
 * cached on the request, so the route's validator parses it without decoding it again.
 */
export function jsonBodyGuard(): MiddlewareHandler<ApiEnv> {
  const limit = bodyLimit({
    maxSize: maxBodyBytes,
    onError: () => {
      throw new PayloadTooLargeError(`The body must be at most ${maxBodyBytes} bytes`);
    },
  });
  return async (c, next) => {
    if (!['POST', 'PUT', 'PATCH'].includes(c.req.method)) return next();
    const mediaType = c.req.header('content-type')?.split(';')[0]?.trim() ?? '';
    if (!hasBody(c.req.raw.headers)) {
      // A POST with no body that still says it is JSON (some generated clients always send the
      // header) reads as `{}`: an action whose body is optional runs, and a route that needs a
      // body answers with the fields it misses. A PUT or PATCH is left alone: reading nothing
      // as `{}` there would replace or change nothing.
      if (c.req.method === 'POST' && jsonMediaType.test(mediaType)) {
        (c.req.bodyCache as Record<string, unknown>).text = Promise.resolve('{}');
      }
      return next();
    }
    if (!jsonMediaType.test(mediaType)) {
      throw new UnsupportedMediaTypeError(
        `Expected Content-Type application/json, got ${mediaType === '' ? 'none' : mediaType.slice(0, 100)}`,
      );
    }
    const guarded = async () => {
      // JSON is UTF-8 (RFC 8259). A lenient decode would turn invalid bytes into U+FFFD and
      // store them as if the client had sent them, so the bytes are checked strictly first.
      let text: string;
      try {
        text = strictUtf8.decode(await c.req.arrayBuffer());
      } catch {
        throw new MalformedRequestError('The body is not valid UTF-8');
      }
      // Cached as text: Hono's c.req.json() (the validator's) and c.req.text() (idempotency's
      // hash) read it from here. Without it each of them built a Response from the cached bytes
      // to decode them again. (Hono keeps promises there; its type says otherwise.)
      (c.req.bodyCache as Record<string, unknown>).text = Promise.resolve(text);
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new MalformedRequestError('The body is not valid JSON');
      }
      // Recursive code downstream (validation, merge patch) must never meet a structure deep
      // enough to exhaust the stack; no request of ours comes close to this depth.
      if (nestingDepth(body, maxJsonDepth) > maxJsonDepth) {
        throw new MalformedRequestError(`The body nests deeper than ${maxJsonDepth} levels`);
      }
      await next();
    };
    // With a Content-Length (and no chunking) the size is known up front: refused here the way
    // bodyLimit would refuse it. bodyLimit first reads `c.req.raw.body`, and on the Node server
    // that getter builds a full fetch Request (an AbortController, a body stream around the
    // socket) that the body is then read through: 6-8 % of a preview's profile. Read here, the
    // body comes from the socket directly. Chunked bodies still go through bodyLimit, which
    // counts them as they arrive.
    const headers = c.req.raw.headers;
    const length = headers.get('content-length');
    if (length !== null && !headers.has('transfer-encoding')) {
      if (Number.parseInt(length, 10) > maxBodyBytes) {
        throw new PayloadTooLargeError(`The body must be at most ${maxBodyBytes} bytes`);
      }
      return guarded();
    }
    return limit(c, guarded);
  };
}

/** Responses whose JSON was written by `c.json` with its instants already cut to the second. */
const writtenWholeSecond = new WeakSet<Response>();

/**
 * Writes every instant in a JSON response to the whole second (see shared/timestamps.ts), so
 * planned and recorded times share one documented precision.
 *
 * The cut happens where the JSON is written: for this request `c.json` cuts the value before it
 * serialises it, which costs a walk over the object the route built anyway. Only JSON that did
 * not come from `c.json` (problem details, idempotent replays of records stored before this
 * change, anything a route wrote by hand) is parsed, cut and written again here. Registered
 * outside the idempotency middleware, so replayed responses get the same treatment.
 */
export function wholeSecondTimestamps(): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const json = c.json;
    c.json = ((object: unknown, ...rest: unknown[]) => {
      const response = (json as (...args: unknown[]) => Response)(
        withWholeSecondTimestamps(object),
        ...rest,
      );
      writtenWholeSecond.add(response);
      return response;
    }) as typeof c.json;
    await next();
    if (writtenWholeSecond.has(c.res)) return;
    const type = c.res.headers.get('content-type') ?? '';
    if (!/^application\/(?:problem\+)?json\b/.test(type)) return;
    const text = await c.res.clone().text();
    if (text === '') return;
    const body: unknown = JSON.parse(text);
    const rewritten = withWholeSecondTimestamps(body);
    if (rewritten === body) return;
    const { status, statusText } = c.res;
    const headers = new Headers(c.res.headers);
    headers.delete('content-length');
    // Hono copies the old response's headers onto a new one; clear it first so a stale
    // Content-Length does not survive.
    c.res = undefined;
    c.res = new Response(JSON.stringify(rewritten), { status, statusText, headers });
  };
}
