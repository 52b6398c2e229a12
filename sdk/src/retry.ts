/** What `retryingFetch` needs to know. */
export interface RetryOptions {
  /** Retries after the first attempt (default 2, like Stripe's SDK). */
  maxRetries: number;
  /** The wait before the first retry; it doubles each time, with full jitter. */
  baseDelayMs: number;
  /** The longest wait between attempts, `Retry-After` included. */
  maxDelayMs: number;
  fetch: (request: Request) => Promise<Response>;
  /** Waits `ms`; replaceable so tests need not wait. */
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  /**
   * Whether a request may be sent again after an attempt whose outcome is unknown (see
   * `retryingFetch`). Default: every request except a conditional one (`If-Match`).
   */
  repeatAfterUnknownOutcome?: (request: Request) => boolean;
}

/**
 * Answers that refused the request before doing any work, so sending it again is always safe:
 * rate limiting (429) and a 409 that carries `Retry-After` (`idempotency_key_in_use`: the first
 * request with the key is still running; `resource_busy`: concurrent writers kept winning).
 */
function isRefusedBeforeWork(response: Response): boolean {
  return (
    response.status === 429 || (response.status === 409 && response.headers.has('retry-after'))
  );
}

/** Answers worth retrying: the refusals above and server or gateway errors. */
function isRetryable(response: Response): boolean {
  return isRefusedBeforeWork(response) || response.status >= 500;
}

/** `Retry-After` as milliseconds: delay seconds or an HTTP date. */
function retryAfterMs(header: string | null, nowMs: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/**
 * A conditional request is not repeated after an unknown outcome: if the first attempt applied,
 * the version moved, and the repeat would answer 412 for a change that in fact happened.
 */
const unconditional = (request: Request) => !request.headers.has('if-match');

/**
 * A fetch that retries 429, 5xx and `Retry-After` 409 answers and network failures with
 * exponential backoff and
 * full jitter; a `Retry-After` lengthens the wait, up to `maxDelayMs`.
 *
 * A network failure or a 5xx leaves the outcome unknown: the server may have done the work
 * before the answer was lost. Such an attempt is repeated only when a repeat cannot do the work
 * twice or misreport it (`repeatAfterUnknownOutcome`): GETs, PUTs and merge PATCHes are
 * idempotent, and POSTs carry an `Idempotency-Key` (the SDK adds one) that the API honours.
 * Otherwise the failure is returned (or thrown) as it came, so the caller knows the outcome is
 * unknown. A 429, or a 409 with `Retry-After`, means the request was refused before any work,
 * so it is always retried.
 *
 * A DELETE whose repeat, after an unknown outcome, answers 404 was done by the earlier attempt:
 * it resolves as the 204 that attempt would have answered.
 */
export function retryingFetch(options: RetryOptions): (request: Request) => Promise<Response> {
  const repeatable = options.repeatAfterUnknownOutcome ?? unconditional;
  return async (request) => {
    const mayRepeatUnknown = repeatable(request);
    let outcomeUnknown = false;
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= options.maxRetries;
      let response: Response;
      try {
        response = await options.fetch(last ? request : request.clone());
      } catch (error) {
        if (last || !mayRepeatUnknown) throw error;
        outcomeUnknown = true;
        await options.sleep(backoff(options, attempt));
        continue;
      }
      if (outcomeUnknown && request.method === 'DELETE' && response.status === 404) {
        await response.body?.cancel();
        const requestId = response.headers.get('x-request-id');
        return new Response(null, {
          status: 204,
          headers: requestId === null ? {} : { 'x-request-id': requestId },
        });
      }
      if (last || !isRetryable(response)) return response;
      const refused = isRefusedBeforeWork(response);
      if (!refused && !mayRepeatUnknown) return response;
      outcomeUnknown ||= !refused;
      const asked = retryAfterMs(response.headers.get('retry-after'), Date.now());
      // Drain the body so the connection can be reused.
      await response.body?.cancel();
      await options.sleep(
        Math.min(options.maxDelayMs, Math.max(asked ?? 0, backoff(options, attempt))),
      );
    }
  };
}

function backoff(options: RetryOptions, attempt: number): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
  return Math.floor(options.random() * ceiling);
}
