/** One HTTP attempt to a webhook endpoint. */
export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

export interface WebhookAttemptResult {
  /** True only for a 2xx. */
  ok: boolean;
  statusCode?: number;
  latencyMs: number;
  /** Network error, timeout, refused address, … (no secrets, no stack). */
  error?: string;
  /** First 1 KiB of the response body. */
  responseBody?: string;
  /** Parsed `Retry-After` in milliseconds, when the response carried one. */
  retryAfterMs?: number;
}

/** Sends one attempt. Never throws for endpoint failures; they come back as results. */
export interface WebhookTransport {
  send(request: WebhookRequest): Promise<WebhookAttemptResult>;
}
