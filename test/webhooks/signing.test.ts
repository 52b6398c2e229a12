import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  generateSecret,
  sign,
  signatureHeader,
  verify,
  WEBHOOK_USER_AGENT,
  webhookHeaders,
} from '../../shared/webhooks/signing';

// The published Standard Webhooks test vector.
const SPEC = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  msgId: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

const OLD_SECRET = 'whsec_dGhlIG9sZCBzZWNyZXQgYmVmb3JlIHJvdGF0aW9uIQ==';
const NEW_SECRET = 'whsec_YSBmcmVzaCBzZWNyZXQgYWZ0ZXIgdGhlIHJvdGF0aW9u';

/** Freezes only Date, which the third-party verifier reads for its tolerance check. */
function atUnixSeconds(seconds: number): void {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(seconds * 1000);
}

afterEach(() => {
  vi.useRealTimers();
});

describe('sign', () => {
  it('reproduces the specification test vector', () => {
    expect(sign(SPEC.secret, SPEC.msgId, SPEC.timestamp, SPEC.body)).toBe(SPEC.signature);
  });

  it.each([
    ['ascii body', 'evt_1', 1_700_000_000, '{"type":"webhook.test"}'],
    ['unicode body', 'evt_2', 1_700_000_123, '{"draft":"Merci beaucoup — ありがとう"}'],
    ['empty body', 'evt_3', 0, ''],
  ])('matches an HMAC computed independently with node:crypto (%s)', (_name, msgId, ts, body) => {
    const key = Buffer.from(NEW_SECRET.slice('whsec_'.length), 'base64');
    const expected = createHmac('sha256', key).update(`${msgId}.${ts}.${body}`).digest('base64');
    expect(sign(NEW_SECRET, msgId, ts, body)).toBe(`v1,${expected}`);
  });

  it('agrees with the third-party Standard Webhooks library', () => {
    const theirs = new Webhook(SPEC.secret).sign(
      SPEC.msgId,
      new Date(SPEC.timestamp * 1000),
      SPEC.body,
    );
    expect(sign(SPEC.secret, SPEC.msgId, SPEC.timestamp, SPEC.body)).toBe(theirs);
  });

  it.each([
    ['fractional seconds', 1.5],
    ['negative', -1],
    ['milliseconds mistaken for seconds beyond safe range', Number.MAX_SAFE_INTEGER + 2],
  ])('rejects a timestamp that is not whole Unix seconds (%s)', (_name, ts) => {
    expect(() => sign(SPEC.secret, SPEC.msgId, ts, SPEC.body)).toThrow(/whole Unix seconds/);
  });

  it('rejects a secret that is not base64', () => {
    expect(() => sign('whsec_not*base64!', 'evt', 1, '{}')).toThrow(/base64/);
  });
});

describe('generateSecret', () => {
  it('produces whsec_ and 32 random bytes that the third-party library accepts', () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(() => new Webhook(secret)).not.toThrow();
    expect(generateSecret()).not.toBe(secret);
  });
});

describe('webhookHeaders', () => {
  it('builds the Standard Webhooks headers that the third-party verifier accepts', () => {
    atUnixSeconds(SPEC.timestamp + 30);
    const headers = webhookHeaders({
      msgId: SPEC.msgId,
      timestampSeconds: SPEC.timestamp,
      body: SPEC.body,
      secrets: [SPEC.secret],
    });
    expect(headers).toEqual({
      'webhook-id': SPEC.msgId,
      'webhook-timestamp': String(SPEC.timestamp),
      'webhook-signature': SPEC.signature,
      'content-type': 'application/json',
      'user-agent': WEBHOOK_USER_AGENT,
    });
    expect(new Webhook(SPEC.secret).verify(SPEC.body, headers)).toEqual({ test: 2432232314 });
  });

  it('during a rotation carries two signatures, each accepted by the third-party verifier alone', () => {
    const ts = 1_750_000_000;
    const body = '{"id":"evt_rot","type":"webhook.test"}';
    atUnixSeconds(ts);
    const headers = webhookHeaders({
      msgId: 'evt_rot',
      timestampSeconds: ts,
      body,
      secrets: [NEW_SECRET, OLD_SECRET],
    });
    expect(headers['webhook-signature']?.split(' ')).toEqual([
      sign(NEW_SECRET, 'evt_rot', ts, body),
      sign(OLD_SECRET, 'evt_rot', ts, body),
    ]);
    for (const secret of [NEW_SECRET, OLD_SECRET]) {
      expect(new Webhook(secret).verify(body, headers)).toEqual({
        id: 'evt_rot',
        type: 'webhook.test',
      });
    }
    expect(() => new Webhook(generateSecret()).verify(body, headers)).toThrow(
      /No matching signature/,
    );
  });

  it('refuses to sign with no secret at all', () => {
    expect(() => signatureHeader([], 'evt', 1, '{}')).toThrow(/At least one/);
  });
});

describe('verify', () => {
  const ts = 1_750_000_000;
  const body = '{"id":"evt_v"}';
  const headers = webhookHeaders({
    msgId: 'evt_v',
    timestampSeconds: ts,
    body,
    secrets: [NEW_SECRET, OLD_SECRET],
  });

  it.each([
    ['new secret', NEW_SECRET, body, ts],
    ['old secret', OLD_SECRET, body, ts],
    ['both secrets', [OLD_SECRET, NEW_SECRET], body, ts],
    ['clock 5 min ahead', NEW_SECRET, body, ts + 300],
    ['clock 5 min behind', NEW_SECRET, body, ts - 300],
  ])('accepts a genuine delivery (%s)', (_name, secrets, payload, now) => {
    expect(verify({ secrets, headers, body: payload, nowSeconds: now })).toEqual({ ok: true });
  });

  it.each([
    ['another secret', generateSecret(), body, ts, 'no matching signature'],
    ['tampered body', NEW_SECRET, '{"id":"evt_w"}', ts, 'no matching signature'],
    [
      'stale timestamp',
      NEW_SECRET,
      body,
      ts + 301,
      'webhook-timestamp outside the tolerance window',
    ],
    [
      'future timestamp',
      NEW_SECRET,
      body,
      ts - 301,
      'webhook-timestamp outside the tolerance window',
    ],
  ])('rejects a delivery with %s', (_name, secrets, payload, now, reason) => {
    expect(verify({ secrets, headers, body: payload, nowSeconds: now })).toEqual({
      ok: false,
      reason,
    });
  });

  it('reads header names in any case and ignores unknown signature versions', () => {
    const mixed = {
      'Webhook-Id': headers['webhook-id'],
      'WEBHOOK-TIMESTAMP': headers['webhook-timestamp'],
      'Webhook-Signature': `v2,AAAA ${sign(OLD_SECRET, 'evt_v', ts, body)}`,
    };
    expect(verify({ secrets: OLD_SECRET, headers: mixed, body, nowSeconds: ts })).toEqual({
      ok: true,
    });
  });

  it('rejects missing headers and a non-numeric timestamp', () => {
    expect(verify({ secrets: NEW_SECRET, headers: {}, body, nowSeconds: ts })).toEqual({
      ok: false,
      reason: 'missing webhook headers',
    });
    expect(
      verify({
        secrets: NEW_SECRET,
        headers: { ...headers, 'webhook-timestamp': '1e9' },
        body,
        nowSeconds: ts,
      }),
    ).toEqual({ ok: false, reason: 'invalid webhook-timestamp' });
  });
});
