import type { LookupAddress } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import { createRequire } from 'node:module';
import type { LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import type * as Undici from 'undici';
import { checkWebhookUrl, isAddressAllowed } from './address-policy';
import type { WebhookAttemptResult, WebhookRequest, WebhookTransport } from './ports';
import { ATTEMPT_TIMEOUT_MS } from './retry-policy';

/** Resolves a host name to every address it has; injectable so tests can fake DNS answers. */
export type WebhookResolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export interface HttpWebhookTransportOptions {
  /** Local runtime only: lets deliveries reach loopback receivers. */
  allowLoopback: boolean;
  /** Local runtime only: allows `http` URLs, and only to loopback hosts. */
  allowHttp: boolean;
  /** How much of the response body is kept in the attempt log. Default 1 KiB. */
  maxResponseBytes?: number;
  /**
   * How much of the body is read before the connection is dropped. Reading a little past what
   * is kept lets a small response finish, so its keep-alive connection can be reused.
   */
  maxReadBytes?: number;
  /** Used when a request carries no positive `timeoutMs`. Default 15 s. */
  defaultTimeoutMs?: number;
  lookup?: WebhookResolver;
  /** Wall clock in epoch milliseconds, for `Retry-After` dates. */
  nowMs?: () => number;
}

/**
 * undici is required, not imported: it is the largest package the functions use (over half a
 * megabyte minified), and compiling it was a large share of every cold start although most
 * invocations send nothing. A bundle keeps a `createRequire` call as it is, so the Lambda
 * construct ships undici bundled on its own beside the handler (infra/bundle-settings.ts), and
 * this module (itself loaded on the first send) pays for it only then.
 */
const { Agent } = createRequire(import.meta.url)('undici') as typeof Undici;

const DEFAULT_CAPTURE_BYTES = 1024;
const DEFAULT_READ_BYTES = 64 * 1024;

const systemResolver: WebhookResolver = async (hostname) => {
  const answers = await dnsLookup(hostname, { all: true, verbatim: true });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/** Raised inside the connect-time lookup so the socket is never opened. */
class RefusedAddressError extends Error {
  override readonly name = 'RefusedAddressError';
  readonly code = 'ERR_WEBHOOK_ADDRESS_REFUSED';
}

class AttemptTimeoutError extends Error {
  override readonly name = 'AttemptTimeoutError';
}

/**
 * Delivers webhook attempts over HTTP(S) with undici, guarded against SSRF.
 *
 * The address check sits inside the socket's `lookup`: every address DNS returns is checked,
 * and the socket connects only to addresses from that same checked answer, so a second, different
 * DNS answer (rebinding) can never be used. Literal IP hosts skip `lookup` in Node, so they are
 * checked before the request. Redirects are never followed, bodies are read only up to a cap,
 * and failures come back as results, never as exceptions.
 */
export class HttpWebhookTransport implements WebhookTransport {
  readonly #agent: Undici.Agent;
  readonly #options: HttpWebhookTransportOptions;
  readonly #captureBytes: number;
  readonly #readBytes: number;
  readonly #defaultTimeoutMs: number;
  readonly #nowMs: () => number;

  constructor(options: HttpWebhookTransportOptions) {
    this.#options = options;
    this.#captureBytes = options.maxResponseBytes ?? DEFAULT_CAPTURE_BYTES;
    this.#readBytes = Math.max(options.maxReadBytes ?? DEFAULT_READ_BYTES, this.#captureBytes);
    this.#defaultTimeoutMs = options.defaultTimeoutMs ?? ATTEMPT_TIMEOUT_MS;
    this.#nowMs = options.nowMs ?? Date.now;
    this.#agent = new Agent({
      connect: {
        lookup: this.#checkedLookup(options.lookup ?? systemResolver),
        timeout: this.#defaultTimeoutMs,
      },
      // Reuse connections between attempts to the same endpoint: fan-out sends many in a row.
      keepAliveTimeout: 10_000,
      keepAliveMaxTimeout: 60_000,
    });
  }

  async send(request: WebhookRequest): Promise<WebhookAttemptResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);

    const check = checkWebhookUrl(request.url, {
      allowHttp: this.#options.allowHttp,
      allowLoopback: this.#options.allowLoopback,
    });
    if (!check.ok) return { ok: false, latencyMs: elapsed(), error: `refused: ${check.reason}` };

    const timeoutMs = request.timeoutMs > 0 ? request.timeoutMs : this.#defaultTimeoutMs;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new AttemptTimeoutError('timeout')), timeoutMs);
    try {
      const response = await this.#agent.request({
        origin: check.url.origin,
        path: check.url.pathname + check.url.search,
        method: 'POST',
        headers: request.headers,
        body: request.body,
        signal: controller.signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const responseBody = await this.#readCapped(response.body);
      const statusCode = response.statusCode;
      const result: WebhookAttemptResult = {
        ok: statusCode >= 200 && statusCode < 300,
        statusCode,
        latencyMs: elapsed(),
        responseBody,
      };
      if (statusCode >= 300 && statusCode < 400) result.error = 'redirect not followed';
      const retryAfterMs = parseRetryAfterMs(response.headers['retry-after'], this.#nowMs());
      if (retryAfterMs !== undefined) result.retryAfterMs = retryAfterMs;
      return result;
    } catch (error) {
      const timedOut = controller.signal.aborted;
      return {
        ok: false,
        latencyMs: elapsed(),
        error: timedOut ? 'timeout' : describeFailure(error),
      };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes pooled connections; call when the process or test is done with the transport. */
  async close(): Promise<void> {
    await this.#agent.close();
  }

  /**
   * Reads at most `#readBytes`, keeps the first `#captureBytes`. A body that is too long, or still
   * trickling in when the attempt's time is up, is dropped with its connection: the status line
   * has already decided the outcome, so the rest is not worth waiting for.
   */
  async #readCapped(body: AsyncIterable<Buffer> & { destroy(): unknown }): Promise<string> {
    const kept: Buffer[] = [];
    let keptBytes = 0;
    let readBytes = 0;
    try {
      for await (const chunk of body) {
        if (keptBytes < this.#captureBytes) {
          const slice = chunk.subarray(0, this.#captureBytes - keptBytes);
          kept.push(slice);
          keptBytes += slice.length;
        }
        readBytes += chunk.length;
        if (readBytes > this.#readBytes) break;
      }
    } catch {
      // Timed out or reset mid-body: keep what arrived.
    } finally {
      body.destroy();
    }
    // A multi-byte character cut at the cap decodes as U+FFFD rather than failing.
    return Buffer.concat(kept).toString('utf8');
  }

  #checkedLookup(resolve: WebhookResolver): LookupFunction {
    const allowLoopback = this.#options.allowLoopback;
    const lookup = (
      hostname: string,
      options: { family?: number | string; all?: boolean },
      callback: (error: Error | null, address?: string | LookupAddress[], family?: number) => void,
    ): void => {
      resolveAndCheck(resolve, hostname, allowLoopback).then((addresses) => {
        const family =
          options.family === 4 || options.family === 'IPv4'
            ? 4
            : options.family === 6 || options.family === 'IPv6'
              ? 6
              : 0;
        const usable = family === 0 ? addresses : addresses.filter((a) => a.family === family);
        const first = usable[0];
        if (first === undefined) {
          callback(
            Object.assign(new Error(`no usable address for ${hostname}`), { code: 'ENOTFOUND' }),
          );
        } else if (options.all) {
          callback(
            null,
            usable.map((a) => ({ address: a.address, family: a.family })),
          );
        } else {
          callback(null, first.address, first.family);
        }
      }, callback);
    };
    return lookup as unknown as LookupFunction;
  }
}

/**
 * Resolves and checks every address. One refused address refuses the whole host: a name that
 * answers with both a public and a private address is exactly what a rebinding attack looks like.
 */
async function resolveAndCheck(
  resolve: WebhookResolver,
  hostname: string,
  allowLoopback: boolean,
): Promise<readonly ResolvedAddress[]> {
  const addresses = await resolve(hostname);
  if (addresses.length === 0) {
    throw Object.assign(new Error(`no address found for ${hostname}`), { code: 'ENOTFOUND' });
  }
  for (const { address } of addresses) {
    const verdict = isAddressAllowed(address, { allowLoopback });
    if (!verdict.allowed)
      throw new RefusedAddressError(`${hostname} resolves to a refused address: ${verdict.reason}`);
  }
  return addresses;
}

const NETWORK_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_SOCKET: 'connection closed by the endpoint',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
};

/** A short, secret-free description of why an attempt failed. */
function describeFailure(error: unknown): string {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    if (current instanceof RefusedAddressError) return `refused: ${current.message}`;
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      const known = NETWORK_ERRORS[code];
      if (known) return known;
      if (code.includes('CERT') || code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL'))
        return `TLS error (${code})`;
    }
    current = current.cause;
  }
  if (error instanceof Error)
    return `network error (${(error as { code?: string }).code ?? error.name})`;
  return 'network error';
}

/**
 * Parses `Retry-After`: delay seconds or an HTTP date, into milliseconds from `nowMs`.
 * Returns undefined for absent or unreadable values; a date in the past is 0.
 */
export function parseRetryAfterMs(
  value: string | readonly string[] | undefined,
  nowMs: number,
): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP date always names a day or month; this keeps bare numbers like "-1" from parsing as years.
  if (!/[A-Za-z]/.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}
