import type { IncomingMessage, ServerResponse } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HttpWebhookTransport,
  parseRetryAfterMs,
  type ResolvedAddress,
  type WebhookResolver,
} from '../../shared/webhooks/http-transport';
import type { WebhookRequest } from '../../shared/webhooks/ports';
import { generateSecret, webhookHeaders } from '../../shared/webhooks/signing';
import { type HttpReceiver, startHttpReceiver } from '../support/http-receiver';

interface ReceivedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  remotePort: number | undefined;
}

interface Receiver extends HttpReceiver {
  requests: ReceivedRequest[];
}

async function startReceiver(
  respond: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) =>
    res.writeHead(204).end(),
): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const server = await startHttpReceiver(({ path, body }, res, req) => {
    requests.push({ path, headers: req.headers, body, remotePort: req.socket.remotePort });
    respond(req, res);
  });
  return Object.assign(server, { requests });
}

const RETRY_DATE = 'Wed, 21 Oct 2015 07:28:00 GMT';
const BIG_BODY = `${'é'.repeat(100)}${'x'.repeat(200 * 1024)}`;

let main: Receiver;
let redirectTarget: Receiver;
let closedPort: number;
let local: HttpWebhookTransport;

beforeAll(async () => {
  redirectTarget = await startReceiver();
  main = await startReceiver((req, res) => {
    switch (req.url) {
      case '/ok':
        return res.writeHead(200, { 'content-type': 'text/plain' }).end('thanks');
      case '/fail':
        return res.writeHead(500).end('boom');
      case '/redirect':
        return res.writeHead(302, { location: `${redirectTarget.origin}/landing` }).end();
      case '/slow':
        return setTimeout(() => res.writeHead(200).end('too late'), 5_000).unref();
      case '/big':
        return res.writeHead(200).end(BIG_BODY);
      case '/busy':
        return res.writeHead(503, { 'retry-after': '120' }).end();
      case '/throttled':
        return res.writeHead(429, { 'retry-after': RETRY_DATE }).end();
      case '/gone':
        return res.writeHead(410).end();
      default:
        return res.writeHead(404).end();
    }
  });
  const probe = await startReceiver();
  closedPort = probe.port;
  await probe.close();
  local = new HttpWebhookTransport({
    allowLoopback: true,
    allowHttp: true,
    nowMs: () => Date.parse(RETRY_DATE) - 90_000,
  });
});

afterAll(async () => {
  await local?.close();
  await main?.close();
  await redirectTarget?.close();
});

const post = (url: string, overrides: Partial<WebhookRequest> = {}): WebhookRequest => ({
  url,
  headers: { 'content-type': 'application/json' },
  body: '{"type":"webhook.test"}',
  timeoutMs: 5_000,
  ...overrides,
});

/** A fake DNS that answers from a table; unknown names have no addresses. */
function fakeDns(table: Record<string, string[]>): WebhookResolver & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (hostname: string): Promise<ResolvedAddress[]> => {
    calls.push(hostname);
    return (table[hostname] ?? []).map((address) => ({
      address,
      family: address.includes(':') ? 6 : 4,
    }));
  };
  return Object.assign(resolve, { calls });
}

describe('HttpWebhookTransport against real local receivers', () => {
  it('delivers a signed event that a third-party Standard Webhooks verifier accepts', async () => {
    const secret = generateSecret();
    const body = JSON.stringify({ id: 'evt_signed', type: 'webhook.test', data: {} });
    const headers = webhookHeaders({
      msgId: 'evt_signed',
      timestampSeconds: Math.floor(Date.now() / 1000),
      body,
      secrets: [secret],
    });
    const result = await local.send(post(`${main.origin}/ok`, { headers, body }));

    expect(result).toMatchObject({ ok: true, statusCode: 200, responseBody: 'thanks' });
    expect(result.error).toBeUndefined();
    const received = main.requests.find((r) => r.path === '/ok' && r.body === body);
    expect(received?.headers['user-agent']).toBe('Afterview-Webhooks/1');
    expect(
      new Webhook(secret).verify(received?.body ?? '', received?.headers as Record<string, string>),
    ).toEqual(JSON.parse(body));
  });

  it('reports a 500 as a failure with the status and the start of the body', async () => {
    const result = await local.send(post(`${main.origin}/fail`));
    expect(result).toMatchObject({ ok: false, statusCode: 500, responseBody: 'boom' });
  });

  it('never follows a redirect: a 302 is a failure and the target sees nothing', async () => {
    const result = await local.send(post(`${main.origin}/redirect`));
    expect(result).toMatchObject({ ok: false, statusCode: 302, error: 'redirect not followed' });
    expect(redirectTarget.requests).toHaveLength(0);
    expect(redirectTarget.connections).toBe(0);
  });

  it('times out a slow receiver within the attempt budget', async () => {
    const result = await local.send(post(`${main.origin}/slow`, { timeoutMs: 300 }));
    expect(result).toMatchObject({ ok: false, error: 'timeout' });
    expect(result.statusCode).toBeUndefined();
  });

  it('keeps only the first 1 KiB of a large response body', async () => {
    const result = await local.send(post(`${main.origin}/big`));
    expect(result.ok).toBe(true);
    expect(Buffer.byteLength(result.responseBody ?? '', 'utf8')).toBe(1024);
    expect(result.responseBody).toBe(Buffer.from(BIG_BODY).subarray(0, 1024).toString('utf8'));
  });

  it.each([
    ['/busy', 503, 120_000],
    ['/throttled', 429, 90_000],
  ])('parses Retry-After from %s', async (path, statusCode, retryAfterMs) => {
    const result = await local.send(post(`${main.origin}${path}`));
    expect(result).toMatchObject({ ok: false, statusCode, retryAfterMs });
  });

  it('reports 410 Gone with its status', async () => {
    expect(await local.send(post(`${main.origin}/gone`))).toMatchObject({
      ok: false,
      statusCode: 410,
    });
  });

  it('reports a refused connection without throwing', async () => {
    const result = await local.send(post(`http://127.0.0.1:${closedPort}/ok`));
    expect(result).toMatchObject({ ok: false, error: 'connection refused' });
  });

  it('reuses the keep-alive connection for consecutive attempts to one endpoint', async () => {
    const receiver = await startReceiver();
    const transport = new HttpWebhookTransport({ allowLoopback: true, allowHttp: true });
    try {
      for (let i = 0; i < 10; i++) {
        expect((await transport.send(post(`${receiver.origin}/hook`))).ok).toBe(true);
      }
      expect(receiver.requests).toHaveLength(10);
      // undici may open a second socket while the first is finishing its response; never ten.
      expect(receiver.connections).toBeLessThanOrEqual(2);
    } finally {
      await transport.close();
      await receiver.close();
    }
  });
});

describe('HttpWebhookTransport address checks at connect time', () => {
  it('refuses a loopback receiver when loopback is not allowed, without connecting', async () => {
    const receiver = await startReceiver();
    const strict = new HttpWebhookTransport({ allowLoopback: false, allowHttp: true });
    try {
      for (const url of [`${receiver.origin}/hook`, `http://localhost:${receiver.port}/hook`]) {
        const result = await strict.send(post(url));
        expect(result.ok).toBe(false);
        expect(result.error).toMatch(/^refused: .*loopback/);
      }
      expect(receiver.connections).toBe(0);
    } finally {
      await strict.close();
      await receiver.close();
    }
  });

  it('connects to the address its checked lookup returned, not to a fresh DNS answer', async () => {
    const receiver = await startReceiver();
    const dns = fakeDns({ 'pinned.localhost': ['127.0.0.1'] });
    const transport = new HttpWebhookTransport({
      allowLoopback: true,
      allowHttp: true,
      lookup: dns,
    });
    try {
      const result = await transport.send(post(`http://pinned.localhost:${receiver.port}/hook`));
      expect(result).toMatchObject({ ok: true, statusCode: 204 });
      expect(dns.calls).toEqual(['pinned.localhost']);
      expect(receiver.requests[0]?.headers.host).toBe(`pinned.localhost:${receiver.port}`);
    } finally {
      await transport.close();
      await receiver.close();
    }
  });

  it.each([
    ['a private answer', ['10.0.0.7']],
    ['a public and a private answer (rebinding)', ['93.184.216.34', '127.0.0.1', '192.168.0.4']],
    ['the metadata address', ['169.254.169.254']],
  ])(
    'refuses a name with %s before any socket opens, even with a live receiver',
    async (_name, answers) => {
      const receiver = await startReceiver();
      const dns = fakeDns({ 'twisted.localhost': answers });
      // Loopback is allowed here, so only the non-loopback answers can cause the refusal.
      const transport = new HttpWebhookTransport({
        allowLoopback: true,
        allowHttp: true,
        lookup: dns,
      });
      try {
        const result = await transport.send(post(`http://twisted.localhost:${receiver.port}/hook`));
        expect(result.ok).toBe(false);
        expect(result.error).toMatch(/^refused: twisted\.localhost resolves to a refused address/);
        expect(receiver.connections).toBe(0);
      } finally {
        await transport.close();
        await receiver.close();
      }
    },
  );

  it('refuses a public name that resolves to loopback when loopback is not allowed', async () => {
    const receiver = await startReceiver();
    const dns = fakeDns({ 'sneaky.example': ['127.0.0.1'] });
    const strict = new HttpWebhookTransport({
      allowLoopback: false,
      allowHttp: false,
      lookup: dns,
    });
    try {
      const result = await strict.send(post(`https://sneaky.example:${receiver.port}/hook`));
      expect(result).toMatchObject({ ok: false });
      expect(result.error).toContain('127.0.0.1 is a loopback address');
      expect(dns.calls).toEqual(['sneaky.example']);
      expect(receiver.connections).toBe(0);
    } finally {
      await strict.close();
      await receiver.close();
    }
  });
});

describe('HttpWebhookTransport SSRF table (production settings, fake DNS)', () => {
  const dns = fakeDns({
    'evil.example': ['169.254.169.254'],
    'rebind.example': ['93.184.216.34', '10.0.0.1'],
    'private.example': ['192.168.1.20'],
    'corp.example': ['172.20.0.5'],
    'cgnat.example': ['100.64.3.4'],
    'alibaba.example': ['100.100.100.200'],
    'loop.example': ['127.0.0.1'],
    'loop6.example': ['::1'],
    'zero.example': ['0.0.0.0'],
    'any6.example': ['::'],
    'linklocal.example': ['169.254.10.10'],
    'linklocal6.example': ['fe80::1'],
    'ula.example': ['fd12:3456::1'],
    'imds6.example': ['fd00:ec2::254'],
    'multicast.example': ['224.0.0.251'],
    'multicast6.example': ['ff02::fb'],
    'broadcast.example': ['255.255.255.255'],
    'reserved.example': ['240.1.2.3'],
    'mapped.example': ['::ffff:127.0.0.1'],
    'mappedhex.example': ['::ffff:a9fe:a9fe'],
    'nat64.example': ['64:ff9b::a00:1'],
    'sixtofour.example': ['2002:c0a8:101::1'],
    'both6.example': ['2606:4700:4700::1111', 'fc00::1'],
  });
  let strict: HttpWebhookTransport;
  beforeAll(() => {
    strict = new HttpWebhookTransport({ allowLoopback: false, allowHttp: false, lookup: dns });
  });
  afterAll(async () => {
    await strict.close();
  });

  it.each([
    ['evil.example', 'cloud metadata'],
    ['rebind.example', '10.0.0.1 is a private address'],
    ['private.example', 'private'],
    ['corp.example', 'private'],
    ['cgnat.example', 'carrier-grade NAT'],
    ['alibaba.example', 'cloud metadata'],
    ['loop.example', 'loopback'],
    ['loop6.example', 'loopback'],
    ['zero.example', 'unspecified'],
    ['any6.example', 'unspecified'],
    ['linklocal.example', 'link-local'],
    ['linklocal6.example', 'link-local'],
    ['ula.example', 'unique-local'],
    ['imds6.example', 'cloud metadata'],
    ['multicast.example', 'multicast'],
    ['multicast6.example', 'multicast'],
    ['broadcast.example', 'broadcast'],
    ['reserved.example', 'reserved'],
    ['mapped.example', 'embeds 127.0.0.1'],
    ['mappedhex.example', 'embeds 169.254.169.254'],
    ['nat64.example', 'embeds 10.0.0.1'],
    ['sixtofour.example', 'embeds 192.168.1.1'],
    ['both6.example', 'unique-local'],
  ])('refuses https://%s after resolving it (%s)', async (host, reason) => {
    const result = await strict.send(post(`https://${host}/hook`));
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/^refused: /);
    expect(result.error).toContain(reason);
  });

  it.each([
    ['http://169.254.169.254/latest/meta-data/', 'https'],
    ['https://169.254.169.254/latest/meta-data/', 'cloud metadata'],
    ['https://[fd00:ec2::254]/', 'cloud metadata'],
    ['https://[::ffff:7f00:1]/', 'loopback'],
    ['https://[::ffff:10.0.0.1]/', 'private'],
    ['https://127.0.0.1/', 'loopback'],
    ['https://0x7f000001/', 'loopback'],
    ['https://localhost/', 'loopback'],
    ['https://user:pw@hooks.example.com/', 'credentials'],
  ])('refuses the URL %s before any lookup (%s)', async (url, reason) => {
    const before = dns.calls.length;
    const result = await strict.send(post(url));
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/^refused: /);
    expect(result.error).toContain(reason);
    expect(dns.calls.length).toBe(before);
  });

  it('reports a name with no addresses as not found', async () => {
    expect(await strict.send(post('https://nowhere.example/hook'))).toMatchObject({
      ok: false,
      error: 'host not found',
    });
  });
});

describe('parseRetryAfterMs', () => {
  const now = Date.parse(RETRY_DATE);
  it.each([
    ['120', 120_000],
    [' 0 ', 0],
    [RETRY_DATE, 0],
    ['Wed, 21 Oct 2015 07:30:00 GMT', 120_000],
    ['Wed, 21 Oct 2015 07:00:00 GMT', 0],
    [['30', '60'], 30_000],
    ['-1', undefined],
    ['1.5', undefined],
    ['soon', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('reads %j as %s ms', (value, expected) => {
    expect(parseRetryAfterMs(value, now)).toBe(expected);
  });
});
