/**
 * The sentences a person reads on the local runtime's terminal for an API request and a webhook
 * attempt. Here rather than in local/ because the pretty format of the one logger
 * (observability/logger.ts) prints them too.
 */

type Fields = Record<string, unknown>;

/** `GET /v1/interviews 200 4 ms`. */
export function formatRequestLine(fields: Fields): string {
  return `${fields.method} ${fields.path} ${fields.status} ${fields.ms} ms`;
}

/**
 * `webhook followup.thank_you → whe_… http://127.0.0.1:4000/hooks 503, next retry
 * 2026-03-02T10:00:05Z (runtime clock)`. Retry times are on the runtime clock, which the sandbox
 * moves; the line says so because they can lie months away from the wall clock.
 */
export function formatAttemptLine(fields: Fields): string {
  const result =
    fields.statusCode !== undefined ? String(fields.statusCode) : `failed (${fields.error})`;
  const next =
    fields.nextAttemptAt !== undefined
      ? `, next retry ${fields.nextAttemptAt} (runtime clock)`
      : fields.outcome === 'failed'
        ? ', no retry'
        : '';
  return `webhook ${fields.eventType} → ${fields.endpointId} ${fields.url} ${result}${next}`;
}
