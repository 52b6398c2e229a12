import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Clock } from '../clock';
import { IdempotencyMismatchError, ValidationError } from '../errors';
import type { IdempotencyStore } from '../store/ports';
import type { ApiEnv } from './env';

/** Idempotency records are kept (and honoured) for 24 hours. */
export const idempotencyTtlSeconds = 24 * 60 * 60;
export const maxIdempotencyKeyLength = 255;

/** Response headers worth replaying; the rest are per-request (request id) or derived. */
const replayedHeaders = ['content-type', 'etag', 'location'];

function requestHash(method: string, path: string, body: string): string {
  return createHash('sha256').update(`${method}\n${path}\n${body}`).digest('hex');
}

/**
 * `Idempotency-Key` for authenticated POSTs. The first successful response is stored with a
 * hash of the request; the same key and request replays it with `Idempotent-Replayed: true`,
 * the same key with another request is refused with 422. Failed requests (4xx, 5xx) are not
 * stored, so the caller can fix the request or retry with the same key.
 *
 * Known limit: two requests with the same new key that arrive at the same moment can both run
 * (the record is written after the first finishes); the store keeps only the first record.
 */
export function idempotency(deps: {
  store: IdempotencyStore;
  clock: Clock;
}): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const key = c.req.header('idempotency-key');
    const tenantId = c.get('tenantId');
    if (c.req.method !== 'POST' || key === undefined || !tenantId) return next();
    if (key.length === 0 || key.length > maxIdempotencyKeyLength) {
      throw new ValidationError('The Idempotency-Key header is not valid', [
        {
          path: 'Idempotency-Key',
          message: `Expected 1 to ${maxIdempotencyKeyLength} characters`,
          code: 'invalid_length',
        },
      ]);
    }
    const hash = requestHash(c.req.method, c.req.path, await c.req.text());
    const existing = await deps.store.getIdempotency(tenantId, key);
    if (existing) {
      if (existing.requestHash !== hash) {
        throw new IdempotencyMismatchError(
          'This Idempotency-Key was first used with a different request',
        );
      }
      return c.body(existing.body, existing.status as ContentfulStatusCode, {
        ...existing.headers,
        'Idempotent-Replayed': 'true',
      });
    }

    await next();

    if (c.res.status >= 400) return;
    const headers: Record<string, string> = {};
    for (const name of replayedHeaders) {
      const value = c.res.headers.get(name);
      if (value !== null) headers[name] = value;
    }
    const now = deps.clock.now();
    await deps.store.putIdempotency({
      tenantId,
      key,
      requestHash: hash,
      status: c.res.status,
      body: await c.res.clone().text(),
      headers,
      createdAt: now.toString(),
      expiresAt: Math.floor(now.epochMilliseconds / 1000) + idempotencyTtlSeconds,
    });
  };
}
