import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ZodError } from 'zod';
import {
  AfterviewError,
  type FieldError,
  IdempotencyKeyInUseError,
  InternalServerError,
  MalformedRequestError,
  MethodNotAllowedError,
  PayloadTooLargeError,
  type ProblemCode,
  problemCodes,
  ResourceBusyError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../errors';
import type { Metrics } from '../observability/metrics';
import { originalStack } from '../observability/stack-traces';
import type { Logger } from '../service/deps';
import { describeError } from '../service/deps';
import { zodIssuesToFieldErrors } from '../service/zod-errors';
import type { ApiEnv } from './env';

/** Problem `type` URIs are stable identifiers; clients should compare `code` instead. */
const problemTypeBase = 'https://afterview.dev/problems/';

const fieldErrorSchema = z
  .object({
    path: z.string().openapi({
      description:
        'The field refused: a dotted path into the JSON body (`interviewers.0.email`), ' +
        '`query.<name>` for a query parameter, `param.<name>` for a path parameter and ' +
        '`header.<name>` (lower case) for a header, e.g. `header.if-match`.',
      example: 'interviewers.0.email',
    }),
    message: z.string(),
    code: z.string().optional(),
  })
  .openapi('FieldError');

export const problemSchema = z
  .object({
    type: z.string().openapi({ example: `${problemTypeBase}validation_error` }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional().openapi({ description: 'The request path.' }),
    code: z.enum(problemCodes).openapi({
      description:
        'Machine-readable problem code, the last segment of `type`. Match on this; new codes ' +
        'may be added, so keep a default branch.',
      example: 'validation_error',
    }),
    requestId: z.string().optional(),
    errors: z.array(fieldErrorSchema).optional().openapi({
      description: 'For validation problems: every offending field.',
    }),
  })
  .openapi('Problem', {
    description: 'An RFC 9457 problem document (`application/problem+json`).',
  });
type Problem = z.infer<typeof problemSchema>;

interface ProblemParts {
  status: number;
  code: ProblemCode;
  title: string;
  detail?: string;
  errors?: FieldError[];
  headers?: Record<string, string>;
}

/** Maps what a handler threw to problem parts. Only AfterviewError messages are shown. */
function toProblemParts(error: unknown): ProblemParts | undefined {
  if (error instanceof ZodError) {
    return toProblemParts(
      new ValidationError('The request is not valid', zodIssuesToFieldErrors(error.issues)),
    );
  }
  if (error instanceof HTTPException) {
    // Hono's own guards (validator, body limit) throw these for client mistakes.
    if (error.status === 413) return toProblemParts(new PayloadTooLargeError('Body too large'));
    if (error.status === 415) {
      return toProblemParts(new UnsupportedMediaTypeError('Send the body as application/json'));
    }
    if (error.status >= 400 && error.status < 500) {
      return toProblemParts(new MalformedRequestError('The request could not be read'));
    }
    return undefined;
  }
  if (error instanceof AfterviewError) {
    return {
      status: error.status,
      code: error.type,
      title: error.title,
      detail: error.message,
      ...(error instanceof ValidationError && error.errors.length > 0
        ? { errors: error.errors }
        : {}),
      ...(error instanceof MethodNotAllowedError
        ? { headers: { Allow: error.allow.join(', ') } }
        : {}),
      ...(error instanceof IdempotencyKeyInUseError || error instanceof ResourceBusyError
        ? { headers: { 'Retry-After': String(error.retryAfterSeconds) } }
        : {}),
      // The rest of an oversized body is never read, so the connection cannot carry another
      // request: saying so lets a keep-alive client open a new one instead of failing on a
      // socket the server is about to reset.
      ...(error instanceof PayloadTooLargeError ? { headers: { Connection: 'close' } } : {}),
    };
  }
  return undefined;
}

/** A problem+json response for `error` (anything unknown becomes a detail-free 500). */
export function problemResponse(c: Context<ApiEnv>, error: unknown): Response {
  const parts = toProblemParts(error) ?? toProblemParts(new InternalServerError('Internal error'));
  if (!parts) throw new Error('unreachable: InternalServerError always maps');
  const body: Problem = {
    type: `${problemTypeBase}${parts.code}`,
    title: parts.title,
    status: parts.status,
    ...(parts.detail === undefined || parts.status >= 500 ? {} : { detail: parts.detail }),
    instance: c.req.path,
    code: parts.code,
    ...(c.get('requestId') ? { requestId: c.get('requestId') } : {}),
    ...(parts.errors ? { errors: parts.errors } : {}),
  };
  for (const [name, value] of Object.entries(parts.headers ?? {})) c.header(name, value);
  return c.body(JSON.stringify(body), parts.status as ContentfulStatusCode, {
    'Content-Type': 'application/problem+json',
  });
}

/**
 * The app's single `onError`: known errors become their problem, the rest a logged 500. Refused
 * Idempotency-Key reuses (every problem type starting `idempotency`) are counted here, in the
 * one place all of them pass.
 */
export function createErrorHandler(logger: Logger, metrics?: Metrics) {
  return (error: Error, c: Context<ApiEnv>): Response => {
    const parts = toProblemParts(error);
    if (parts?.code.startsWith('idempotency')) metrics?.add('IdempotencyConflicts');
    if (parts?.code === 'resource_busy') {
      // Not an error of ours, but a hot interview or endpoint an operator may want to find.
      logger.info('Gave up a write under contention', {
        requestId: c.get('requestId'),
        method: c.req.method,
        path: c.req.path,
      });
    }
    if (parts === undefined) {
      logger.error('Unhandled error in request', {
        requestId: c.get('requestId'),
        method: c.req.method,
        path: c.req.path,
        ...describeError(error),
        stack: originalStack(error.stack),
      });
    }
    return problemResponse(c, error);
  };
}

/**
 * The OpenAPIHono `defaultHook`: a failed request validation becomes a ValidationError, so
 * every 400 comes out of the same `onError` with the same shape.
 */
export function validationHook(
  result: { success: true } | { success: false; error: ZodError; target?: string },
): void {
  if (result.success) return;
  const prefix = result.target === 'json' || result.target === undefined ? '' : result.target;
  const errors = zodIssuesToFieldErrors(result.error.issues).map((error) => ({
    ...error,
    path: prefix === '' ? error.path : error.path === '' ? prefix : `${prefix}.${error.path}`,
  }));
  throw new ValidationError('The request is not valid', errors);
}

/** Documented error responses for a route, all as problem documents. */
export function problemResponses(...statuses: number[]) {
  const descriptions: Record<number, string> = {
    400: 'The request is malformed or not valid',
    401: 'Missing or invalid API key',
    404: 'Not found (also for another tenant’s ids)',
    409:
      'The request conflicts with the current state (`conflict`); or, with `Retry-After`, ' +
      'nothing was done and the same request may be sent again: concurrent requests kept ' +
      'changing the resource (`resource_busy`), or, on a POST, a request with the same ' +
      'Idempotency-Key is still running (`idempotency_key_in_use`)',
    410: 'The interview was erased (`interview_erased`)',
    412: 'If-Match did not match the current version',
    413: 'The body is larger than 256 KiB',
    415: 'The body is not JSON',
    422:
      'The Idempotency-Key was used with a different request (`idempotency_key_reused`), or the ' +
      'request cannot apply',
  };
  // Every problem status; the 429 and 5XX answers are added to every operation in openapi.ts.
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: descriptions[status] ?? 'Problem',
        content: { 'application/problem+json': { schema: problemSchema } },
      },
    ]),
  );
}
