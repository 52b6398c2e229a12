import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Clock } from '../clock';
import {
  IdempotencyKeyInUseError,
  IdempotencyMismatchError,
  InterviewErasedError,
  ValidationError,
  VersionConflictError,
} from '../errors';
import { describeError, type Logger } from '../service/deps';
import { optimisticWrite } from '../store/optimistic-write';
import type {
  IdempotencyCompleted,
  IdempotencyInProgress,
  IdempotencyRecord,
  IdempotencyStore,
} from '../store/ports';
import type { ApiEnv } from './env';

/** Idempotency records are kept (and honoured) for 24 hours. */
export const idempotencyTtlSeconds = 24 * 60 * 60;
/**
 * How long a request holds its key before another request may take it over. Longer than any
 * request may run (the API Lambda stops at 29 s), so a live request never loses its key; short
 * enough that a key whose request died is usable again within a minute.
 */
export const idempotencyLeaseSeconds = 60;
/** What a concurrent duplicate is told to wait: most requests finish well within a second. */
const idempotencyRetryAfterSeconds = 1;
const maxIdempotencyKeyLength = 255;
/** Tries at storing or releasing a claim once the work is done. */
const settleAttempts = 4;

/** Response headers worth replaying; the rest are per-request (request id) or derived. */
const replayedHeaders = ['content-type', 'etag', 'location'];

const interviewPath = /^\/v1\/interviews\/([^/]+)(?:\/|$)/;

/** What makes two requests "the same request" for a key: method, path and exact body bytes. */
export function requestHash(method: string, path: string, body: string): string {
  return createHash('sha256').update(`${method}\n${path}\n${body}`).digest('hex');
}

/** The interview a request concerns: from its path, or for a create from the `Location` it got. */
function interviewOf(path: string, location?: string | null): string | undefined {
  return (
    interviewPath.exec(path)?.[1] ?? (location ? interviewPath.exec(location)?.[1] : undefined)
  );
}

/**
 * `Idempotency-Key` for authenticated POSTs, the way Stripe and Powertools' idempotency work:
 *
 * 1. Before the route runs, the key is claimed with a conditional put of an "in progress"
 *    record (request hash, owner token, 60 s lease). Only one request can win the claim.
 * 2. A request that finds the key claimed gets 409 `idempotency_key_in_use` with
 *    `Retry-After` (same request) or 422 `idempotency_key_reused` (another request); one that
 *    finds a stored response gets it replayed with `Idempotent-Replayed: true`.
 * 3. A success (2xx/3xx) is stored over the claim. A 4xx or 5xx releases the claim instead:
 *    a 4xx changed nothing, and a 5xx is worth retrying, so the caller may send the key again
 *    (fixed, or as is) at once.
 * 4. A request that dies while holding the claim leaves an in-progress record; once its lease
 *    has run out, the next request with the key takes it over and runs.
 *
 * Records that concern an interview remember its id (from the path, the `Location` of a create,
 * or what the route set, such as the interview of a redelivered event), so erasing the
 * interview finds them and replaces them with an erased form: its key then answers 410
 * `interview_erased`.
 */
export function idempotency(deps: {
  store: IdempotencyStore;
  clock: Clock;
  logger?: Logger;
}): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const key = c.req.header('idempotency-key');
    const tenantId = c.get('tenantId');
    if (c.req.method !== 'POST' || key === undefined || !tenantId) return next();
    if (key.length === 0 || key.length > maxIdempotencyKeyLength) {
      throw new ValidationError('The Idempotency-Key header is not valid', [
        {
          path: 'header.idempotency-key',
          message: `Expected 1 to ${maxIdempotencyKeyLength} characters`,
          code: 'invalid_length',
        },
      ]);
    }
    const hash = requestHash(c.req.method, c.req.path, await c.req.text());
    const owner = randomUUID();
    const now = deps.clock.now();
    const expiresAt = Math.floor(now.epochMilliseconds / 1000) + idempotencyTtlSeconds;
    const pathInterview = interviewOf(c.req.path);
    const claim: IdempotencyInProgress = {
      phase: 'in_progress',
      tenantId,
      key,
      requestHash: hash,
      owner,
      leaseExpiresAt: now.add({ seconds: idempotencyLeaseSeconds }).toString(),
      ...(pathInterview === undefined ? {} : { interviewId: pathInterview }),
      createdAt: now.toString(),
      expiresAt,
    };

    /**
     * Finishing the claim (storing the response, or releasing it) happens after the work is
     * done, so a failing store must not turn the answer into a 500 that invites a retry: the
     * call is retried a few times, then logged. A claim left behind frees itself with its lease.
     */
    const settle = async (what: string, call: () => Promise<boolean>) => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await call();
        } catch (error) {
          if (attempt >= settleAttempts) {
            deps.logger?.error(
              `Could not ${what} the Idempotency-Key claim; its lease will free it`,
              {
                tenantId,
                requestId: c.get('requestId'),
                ...describeError(error),
              },
            );
            return undefined;
          }
          await sleep(Math.random() * 25 * 2 ** attempt);
        }
      }
    };

    // Resolves to the record that holds the key, or undefined once this request holds it.
    const existing = await optimisticWrite(
      async () => {
        if (await deps.store.claimIdempotency(claim)) return undefined;
        const found = await deps.store.getIdempotency(tenantId, key);
        if (found) return found;
        // Gone between the failed claim and the read (released or expired): claim again.
        throw new VersionConflictError('The Idempotency-Key record vanished after a failed claim');
      },
      {
        exhausted: () =>
          new IdempotencyKeyInUseError(
            'This Idempotency-Key is changing hands; retry shortly',
            idempotencyRetryAfterSeconds,
          ),
      },
    );
    if (existing) return answerFromRecord(existing, hash, c);

    const release = () =>
      settle('release', () => deps.store.releaseIdempotency(tenantId, key, owner).then(() => true));
    try {
      await next();
    } catch (error) {
      // Hono turns route errors into responses before they get here; this is for the rest.
      await release();
      throw error;
    }

    if (c.res.status >= 400) {
      await release();
      return;
    }
    const headers: Record<string, string> = {};
    for (const name of replayedHeaders) {
      const value = c.res.headers.get(name);
      if (value !== null) headers[name] = value;
    }
    const interviewId =
      pathInterview ?? c.get('interviewId') ?? interviewOf('', c.res.headers.get('location'));
    const completed: IdempotencyCompleted = {
      phase: 'completed',
      tenantId,
      key,
      requestHash: hash,
      status: c.res.status,
      body: await c.res.clone().text(),
      headers,
      ...(interviewId === undefined ? {} : { interviewId }),
      createdAt: now.toString(),
      expiresAt,
    };
    const stored = await settle('complete', () => deps.store.completeIdempotency(completed, owner));
    if (stored === false) {
      // The claim was taken over (this request outlived its lease) or erased meanwhile; the
      // caller still gets this response, later requests get whatever the record now says.
      deps.logger?.info('Idempotency record not stored: the claim was no longer ours', {
        tenantId,
        requestId: c.get('requestId'),
      });
    }
  };
}

/** The answer for a request whose key is already taken by `record`. */
function answerFromRecord(
  record: IdempotencyRecord,
  hash: string,
  c: Parameters<MiddlewareHandler<ApiEnv>>[0],
): Response {
  if (record.phase === 'erased') {
    throw new InterviewErasedError(
      `Interview ${record.interviewId ?? ''} was erased; this Idempotency-Key's response is gone`,
    );
  }
  if (record.requestHash !== hash) {
    throw new IdempotencyMismatchError(
      'This Idempotency-Key was first used with a different request',
    );
  }
  if (record.phase === 'in_progress') {
    throw new IdempotencyKeyInUseError(
      'A request with this Idempotency-Key is still running; retry to get its response',
      idempotencyRetryAfterSeconds,
    );
  }
  return c.body(record.body, record.status as ContentfulStatusCode, {
    ...record.headers,
    'Idempotent-Replayed': 'true',
  });
}
