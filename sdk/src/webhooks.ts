import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import type { components } from './generated/openapi.js';

/** Any event Afterview sends; narrow it on `type` to get the exact `data`. */
export type WebhookEvent = components['schemas']['WebhookEvent'];
export type WebhookEventType = WebhookEvent['type'];

export { WebhookVerificationError };

export interface VerifyWebhookOptions {
  /** How far `webhook-timestamp` may be from now, in seconds (default 300). */
  toleranceSeconds?: number;
  /** "Now" in epoch milliseconds; for tests. */
  now?: () => number;
}

type HeaderBag = Headers | Record<string, string | string[] | undefined>;

function headerRecord(headers: HeaderBag): Record<string, string> {
  const record: Record<string, string> = {};
  if (headers instanceof Headers) {
    // forEach, not entries(): it is in lib DOM, so a project without DOM.Iterable compiles this.
    headers.forEach((value, name) => {
      record[name] = value;
    });
    return record;
  }
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    record[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return record;
}

/**
 * Verifies a webhook delivery and returns its event, typed by `type`. `body` must be the raw
 * request body (verify before parsing). `secret` may be a list: during a rotation pass the new
 * and the old secret, and a delivery signed with either is accepted. Throws
 * `WebhookVerificationError` when no secret matches or the timestamp is outside the tolerance.
 *
 * Signatures are checked by the `standardwebhooks` library (constant-time, every `v1,`
 * signature in the header); only its fixed 5-minute timestamp window is replaced by
 * `toleranceSeconds`.
 */
export function verifyWebhook(
  body: string | Uint8Array,
  headers: HeaderBag,
  secret: string | readonly string[],
  options: VerifyWebhookOptions = {},
): WebhookEvent {
  const payload = typeof body === 'string' ? body : new TextDecoder().decode(body);
  const normalized = headerRecord(headers);
  const tolerance = options.toleranceSeconds ?? 300;
  const nowSeconds = Math.floor((options.now ?? Date.now)() / 1000);
  const checkTimestamp = (header: string): Date => {
    const seconds = Number.parseInt(header, 10);
    if (Number.isNaN(seconds)) throw new WebhookVerificationError('Invalid webhook-timestamp');
    if (Math.abs(nowSeconds - seconds) > tolerance) {
      throw new WebhookVerificationError('Message timestamp outside the tolerance');
    }
    return new Date(seconds * 1000);
  };
  const secrets = typeof secret === 'string' ? [secret] : secret;
  if (secrets.length === 0) throw new Error('verifyWebhook needs at least one secret');
  let failure: unknown;
  for (const candidate of secrets) {
    const webhook = new Webhook(candidate);
    // The library's timestamp check is private and fixed at 5 minutes; ours takes its place.
    (webhook as unknown as { verifyTimestamp: (header: string) => Date }).verifyTimestamp =
      checkTimestamp;
    try {
      return webhook.verify(payload, normalized) as WebhookEvent;
    } catch (error) {
      failure = error;
      // A bad timestamp fails the same way for every secret.
      if (!(error instanceof WebhookVerificationError) || /timestamp/i.test(error.message)) break;
    }
  }
  throw failure;
}
