import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com/). Time is always an argument, so
 * a signature is a pure function of its inputs and tests can pin golden vectors.
 */

const SECRET_PREFIX = 'whsec_';
const SIGNATURE_VERSION = 'v1';
/** How far a receiver's clock may differ from the `webhook-timestamp`; the spec's suggested 5 min. */
const DEFAULT_TOLERANCE_SECONDS = 5 * 60;
export const WEBHOOK_USER_AGENT = 'Afterview-Webhooks/1';

/** 32 bytes: the HMAC-SHA256 block-size sweet spot, inside the spec's 24–64 byte range. */
const SECRET_BYTES = 32;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** A new endpoint signing secret: `whsec_` followed by base64 of 32 random bytes. */
export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(SECRET_BYTES).toString('base64');
}

/**
 * The HMAC key inside a secret. Throws on a malformed secret: secrets are generated here, so a
 * bad one is a bug, not endpoint input.
 */
function secretKey(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  if (!BASE64.test(encoded))
    throw new Error('Webhook secret is not base64 after the whsec_ prefix');
  return Buffer.from(encoded, 'base64');
}

function assertTimestamp(timestampSeconds: number): void {
  if (!Number.isSafeInteger(timestampSeconds) || timestampSeconds < 0) {
    throw new Error('Webhook timestamp must be whole Unix seconds');
  }
}

function hmac(key: Buffer, msgId: string, timestampSeconds: number, body: string): Buffer {
  return createHmac('sha256', key).update(`${msgId}.${timestampSeconds}.${body}`, 'utf8').digest();
}

/** One signature, `v1,<base64 HMAC-SHA256 of "msgId.timestamp.body">`. */
export function sign(
  secret: string,
  msgId: string,
  timestampSeconds: number,
  body: string,
): string {
  assertTimestamp(timestampSeconds);
  return `${SIGNATURE_VERSION},${hmac(secretKey(secret), msgId, timestampSeconds, body).toString('base64')}`;
}

/**
 * The `webhook-signature` value: one signature per active secret, space-separated. During a
 * rotation both the new and the old secret sign, so receivers holding either one accept.
 */
export function signatureHeader(
  secrets: readonly string[],
  msgId: string,
  timestampSeconds: number,
  body: string,
): string {
  if (secrets.length === 0) throw new Error('At least one webhook secret is needed to sign');
  return secrets.map((secret) => sign(secret, msgId, timestampSeconds, body)).join(' ');
}

export interface WebhookHeaderInput {
  /** The event id; the same on every retry so receivers can de-duplicate. */
  msgId: string;
  /** Wall-clock Unix seconds of this attempt (never the sandbox clock). */
  timestampSeconds: number;
  /** The exact bytes that will be sent; signing a re-serialised body would break verification. */
  body: string;
  secrets: readonly string[];
}

/** All headers of one delivery attempt. */
export function webhookHeaders(input: WebhookHeaderInput): Record<string, string> {
  return {
    'webhook-id': input.msgId,
    'webhook-timestamp': String(input.timestampSeconds),
    'webhook-signature': signatureHeader(
      input.secrets,
      input.msgId,
      input.timestampSeconds,
      input.body,
    ),
    'content-type': 'application/json',
    'user-agent': WEBHOOK_USER_AGENT,
  };
}

export interface VerifyInput {
  /** One secret, or several while a receiver is mid-rotation. */
  secrets: string | readonly string[];
  /** Header names in any case. */
  headers: Record<string, string | readonly string[] | undefined>;
  body: string;
  /** The receiver's current Unix time in seconds. */
  nowSeconds: number;
  toleranceSeconds?: number;
}

export type VerifyResult = { ok: true } | { ok: false; reason: string };

/**
 * Verifies a delivery the way a receiver should: timestamp within tolerance, then any `v1`
 * signature matching any secret, compared in constant time. Used by tests and shown in docs.
 */
export function verify(input: VerifyInput): VerifyResult {
  const headers = lowerCaseHeaders(input.headers);
  const msgId = headers['webhook-id'];
  const timestampText = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (!msgId || !timestampText || !signatures)
    return { ok: false, reason: 'missing webhook headers' };

  if (!/^\d+$/.test(timestampText)) return { ok: false, reason: 'invalid webhook-timestamp' };
  const timestamp = Number(timestampText);
  const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (Math.abs(input.nowSeconds - timestamp) > tolerance) {
    return { ok: false, reason: 'webhook-timestamp outside the tolerance window' };
  }

  const secrets = typeof input.secrets === 'string' ? [input.secrets] : input.secrets;
  const expected = secrets.map((secret) => hmac(secretKey(secret), msgId, timestamp, input.body));
  for (const candidate of signatures.split(' ')) {
    const [version, encoded] = candidate.split(',', 2);
    if (version !== SIGNATURE_VERSION || !encoded) continue;
    const given = Buffer.from(encoded, 'base64');
    // Lengths are public (always 32 bytes for SHA-256); only the content needs constant time.
    if (
      expected.some((digest) => digest.length === given.length && timingSafeEqual(digest, given))
    ) {
      return { ok: true };
    }
  }
  return { ok: false, reason: 'no matching signature' };
}

function lowerCaseHeaders(headers: VerifyInput['headers']): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name.toLowerCase()] = Array.isArray(value)
      ? value.join(' ')
      : (value as string | undefined);
  }
  return out;
}
