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
}

/** Statuses worth retrying: rate limiting and server or gateway errors. */
function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
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
 * A fetch that retries 429 and 5xx answers and network failures with exponential backoff and
 * full jitter, waiting at least what `Retry-After` asks. Every request is safe to repeat:
 * POSTs carry an `Idempotency-Key` (the SDK adds one), the other methods are idempotent.
 */
export function retryingFetch(options: RetryOptions): (request: Request) => Promise<Response> {
  return async (request) => {
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= options.maxRetries;
      let response: Response;
      try {
        response = await options.fetch(last ? request : request.clone());
      } catch (error) {
        if (last) throw error;
        await options.sleep(backoff(options, attempt));
        continue;
      }
      if (last || !isRetryableStatus(response.status)) return response;
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
