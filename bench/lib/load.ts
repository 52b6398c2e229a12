/**
 * A closed-loop load generator: `concurrency` workers each send one request, wait for the
 * answer and send the next, for a fixed time. Closed-loop means the figure is the throughput
 * the server sustains at that many requests in flight, and latency includes no client queue.
 */
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { percentile } from './stats';

export interface LoadOptions {
  concurrency: number;
  durationMs: number;
  /** Run (and discard) this long first, so JIT and connection set-up are not measured. */
  warmupMs?: number;
  /** Called between warm-up and measurement (e.g. to reset call counters). */
  beforeMeasuring?: () => Promise<void>;
  /** One request; resolves true on the expected answer, false or throws on a wrong one. */
  call: (worker: number) => Promise<boolean>;
}

export interface LoadResult {
  concurrency: number;
  completed: number;
  failed: number;
  elapsedMs: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** What the first failed request said, to tell a timeout from a 500. */
  firstFailure?: string;
}

interface Sample {
  latencies: number[];
  failed: number;
  elapsedMs: number;
  firstFailure?: string;
}

async function drive(options: LoadOptions, durationMs: number): Promise<Sample> {
  const latencies: number[] = [];
  let failed = 0;
  let firstFailure: string | undefined;
  const started = performance.now();
  const deadline = started + durationMs;
  const worker = async (index: number) => {
    while (performance.now() < deadline) {
      const sent = performance.now();
      let ok = false;
      try {
        ok = await options.call(index);
      } catch (error) {
        firstFailure ??= error instanceof Error ? error.message : String(error);
      }
      if (ok) latencies.push(performance.now() - sent);
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, (_, index) => worker(index)));
  return {
    latencies,
    failed,
    elapsedMs: performance.now() - started,
    ...(firstFailure ? { firstFailure } : {}),
  };
}

function toResult(concurrency: number, sample: Sample): LoadResult {
  const latencies = [...sample.latencies].sort((a, b) => a - b);
  return {
    concurrency,
    completed: latencies.length,
    failed: sample.failed,
    elapsedMs: sample.elapsedMs,
    requestsPerSecond: (latencies.length / sample.elapsedMs) * 1000,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies.at(-1) ?? Number.NaN,
    ...(sample.firstFailure ? { firstFailure: sample.firstFailure } : {}),
  };
}

function merge(into: Sample, more: Sample): Sample {
  return {
    latencies: into.latencies.concat(more.latencies),
    failed: into.failed + more.failed,
    elapsedMs: into.elapsedMs + more.elapsedMs,
    ...((into.firstFailure ?? more.firstFailure)
      ? { firstFailure: into.firstFailure ?? more.firstFailure }
      : {}),
  };
}

/** Runs the load and returns throughput and latency percentiles of the successful requests. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  if (options.warmupMs) await drive(options, options.warmupMs);
  await options.beforeMeasuring?.();
  return toResult(options.concurrency, await drive(options, options.durationMs));
}

/**
 * Measures two loads for a ratio: warmed up, then in alternating slices, so a change in the
 * machine's load (a shared box) weighs on both sides alike instead of on whichever ran later.
 * Each gets its own `durationMs` in total; `first.beforeMeasuring` runs once before the slices.
 */
export async function runPairedLoad(
  first: LoadOptions,
  second: LoadOptions,
  slices = 4,
): Promise<[LoadResult, LoadResult]> {
  if (first.warmupMs) await drive(first, first.warmupMs);
  if (second.warmupMs) await drive(second, second.warmupMs);
  await first.beforeMeasuring?.();
  let a: Sample = { latencies: [], failed: 0, elapsedMs: 0 };
  let b: Sample = { latencies: [], failed: 0, elapsedMs: 0 };
  for (let slice = 0; slice < slices; slice++) {
    a = merge(a, await drive(first, first.durationMs / slices));
    b = merge(b, await drive(second, second.durationMs / slices));
  }
  return [toResult(first.concurrency, a), toResult(second.concurrency, b)];
}

export interface HttpCall {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  expectStatus: number;
}

/** A keep-alive connection pool sized to the concurrency, so no request waits for a socket. */
export function httpPool(origin: string, connections: number): Pool {
  return new Pool(origin, { connections, pipelining: 1 });
}

/** A `call` for runLoad that sends `request()` through the pool with the API key. */
export function httpCaller(
  pool: Pool,
  apiKey: string,
  request: () => HttpCall,
): LoadOptions['call'] {
  return async () => {
    const { method, path, body, expectStatus } = request();
    const response = await pool.request({
      method,
      path,
      headers: {
        authorization: `Bearer ${apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    // Reading the whole body is part of the request's cost, as for a real client.
    const answer = await response.body.text();
    if (response.statusCode !== expectStatus) {
      throw new Error(`${method} ${path} answered ${response.statusCode}: ${answer.slice(0, 300)}`);
    }
    return true;
  };
}
