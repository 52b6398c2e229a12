import { hash, randomBytes } from 'node:crypto';

// Crockford base32: sortable, case-insensitive, no ambiguous letters.
const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';

function encodeBase32(bytes: Uint8Array, length: number): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    if (out.length >= length) break;
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < length) {
      out += alphabet[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  return out;
}

function encodeTime(ms: number): string {
  let out = '';
  let rest = Math.max(0, Math.floor(ms));
  for (let i = 0; i < 10; i++) {
    out = alphabet[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

export type IdPrefix = 'int' | 'stp' | 'whe' | 'evt' | 'ten' | 'dlv' | 'key';

/**
 * A new prefixed id whose body sorts by creation time (ULID-like: 10 time characters, then 16
 * random ones), so listing by id lists by age.
 */
export function newId(prefix: IdPrefix, nowMs: number): string {
  return `${prefix}_${encodeTime(nowMs)}${encodeBase32(randomBytes(10), 16)}`;
}

/** A deterministic id: the same parts always give the same id (event ids, step ids). */
export function stableId(prefix: IdPrefix, ...parts: Array<string | number>): string {
  // One-shot `hash` (Node 20.12+): the same digest as createHash without a Hash object per
  // step id, which a plan makes several of.
  const digest = hash('sha256', parts.join('\u001f'), 'buffer');
  return `${prefix}_${encodeBase32(digest, 20)}`;
}

/** A short deterministic token for names with length limits (schedule names). */
export function stableToken(length: number, ...parts: Array<string | number>): string {
  const digest = hash('sha256', parts.join('\u001f'), 'buffer');
  return encodeBase32(digest, length);
}
