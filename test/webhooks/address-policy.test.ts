import { describe, expect, it } from 'vitest';
import { checkWebhookUrl, isAddressAllowed } from '../../shared/webhooks/address-policy';

const strict = { allowLoopback: false };
const local = { allowLoopback: true };

describe('isAddressAllowed', () => {
  it.each([
    // [address, class the reason must name]
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.254', 'private'],
    ['192.168.1.10', 'private'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.254', 'carrier-grade NAT'],
    ['169.254.0.1', 'link-local'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['127.0.0.1', 'loopback'],
    ['127.1.2.3', 'loopback'],
    // cloud metadata
    ['169.254.169.254', 'cloud metadata'],
    ['169.254.170.2', 'cloud metadata'],
    ['100.100.100.200', 'cloud metadata'],
    ['192.0.0.192', 'cloud metadata'],
    ['fd00:ec2::254', 'cloud metadata'],
    ['fd00:ec2:0:0:0:0:0:254', 'cloud metadata'],
    // IPv6 classes
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['::7f00:1', 'not a global unicast'],
    ['100::1', 'special-purpose'],
    ['64:ff9b:1::a00:1', 'special-purpose'],
    // IPv4 inside IPv6
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:a9fe:a9fe', 'cloud metadata'],
    ['::ffff:169.254.169.254', 'cloud metadata'],
    ['::ffff:0:192.168.0.1', 'private'],
    ['64:ff9b::169.254.169.254', 'cloud metadata'],
    ['64:ff9b::a00:1', 'private'],
    ['2002:c0a8:101::1', 'private'],
    ['2002:7f00:1::', 'loopback'],
    // Teredo: server 65.54.227.120, client 10.0.0.1 stored inverted (f5ff:fffe)
    ['2001:0:4136:e378:8000:63bf:f5ff:fffe', 'private'],
    // not addresses at all, including spellings some resolvers would accept
    ['localhost', 'not an IP address'],
    ['0x7f.1', 'not an IP address'],
    ['2130706433', 'not an IP address'],
    ['', 'not an IP address'],
  ])('refuses %s (%s)', (ip, reason) => {
    const verdict = isAddressAllowed(ip, strict);
    expect(verdict.allowed).toBe(false);
    expect(verdict.reason).toContain(reason);
  });

  it.each([
    '93.184.216.34',
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700:4700::1111',
    '2a00:1450:4001:830::200e',
    '[2606:4700:4700::1111]',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '2002:808:808::1',
  ])('allows the public address %s', (ip) => {
    expect(isAddressAllowed(ip, strict)).toEqual({ allowed: true });
  });

  it.each(['127.0.0.1', '127.0.0.53', '::1', '::ffff:127.0.0.1'])(
    'allows the loopback address %s only when loopback is allowed',
    (ip) => {
      expect(isAddressAllowed(ip, local)).toEqual({ allowed: true });
      expect(isAddressAllowed(ip, strict).allowed).toBe(false);
    },
  );

  it.each(['169.254.169.254', 'fd00:ec2::254', '10.0.0.1', '0.0.0.0', '::'])(
    'refuses %s even when loopback is allowed',
    (ip) => {
      expect(isAddressAllowed(ip, local).allowed).toBe(false);
    },
  );
});

describe('checkWebhookUrl', () => {
  const production = { allowHttp: false, allowLoopback: false };
  const localRuntime = { allowHttp: true, allowLoopback: true };
  const httpTestStage = { allowHttp: true, allowLoopback: false };

  it.each([
    ['https://hooks.example.com/afterview', production],
    ['https://hooks.example.com:8443/a?b=c', production],
    ['https://93.184.216.34/hook', production],
    ['https://[2606:4700:4700::1111]/hook', production],
    ['http://127.0.0.1:4000/hook', localRuntime],
    ['http://localhost:4000/hook', localRuntime],
    ['http://receiver.localhost/hook', localRuntime],
    ['http://[::1]:4000/hook', localRuntime],
    ['https://localhost/hook', localRuntime],
    // A deployed test stage that opted into plain http (-c webhookSchemes=https,http).
    ['http://hooks.example.com/a', httpTestStage],
    ['http://93.184.216.34/hook', httpTestStage],
  ])('accepts %s', (url, opts) => {
    const result = checkWebhookUrl(url, opts);
    expect(result).toMatchObject({ ok: true });
    expect(result.ok && result.url.href).toBe(new URL(url).href);
  });

  it.each([
    ['http://hooks.example.com/a', production, 'https'],
    ['http://hooks.example.com/a', localRuntime, 'only to loopback'],
    ['http://10.0.0.1/a', localRuntime, 'only to loopback'],
    ['ftp://hooks.example.com/a', production, 'https'],
    ['javascript:alert(1)', production, 'https'],
    ['https://user:pass@hooks.example.com/a', production, 'credentials'],
    ['https://token@hooks.example.com/a', production, 'credentials'],
    ['not a url', production, 'valid absolute URL'],
    ['/relative/path', production, 'valid absolute URL'],
    [`https://hooks.example.com/${'a'.repeat(2048)}`, production, 'longer than 2048'],
    ['https://169.254.169.254/latest/meta-data', production, 'cloud metadata'],
    ['https://[fd00:ec2::254]/', production, 'cloud metadata'],
    ['https://10.1.2.3/hook', production, 'private'],
    ['https://[::ffff:192.168.0.1]/hook', production, 'private'],
    ['https://[::ffff:7f00:1]/hook', production, 'loopback'],
    ['https://0x7f.1/hook', production, 'loopback'],
    ['https://2130706433/hook', production, 'loopback'],
    ['https://0/hook', production, 'unspecified'],
    ['https://127.0.0.1/hook', production, 'loopback'],
    ['https://localhost/hook', production, 'loopback'],
    ['https://LOCALHOST./hook', production, 'loopback'],
    ['https://app.localhost/hook', production, 'loopback'],
    ['https://metadata.google.internal/computeMetadata/v1', production, 'internal host name'],
    ['https://printer.local/hook', production, 'internal host name'],
    ['https://intranet/hook', production, 'not a public host name'],
    ['http://localhost/hook', httpTestStage, 'loopback'],
    ['http://127.0.0.1/hook', httpTestStage, 'loopback'],
    ['http://10.0.0.1/hook', httpTestStage, 'private'],
  ])('refuses %s', (url, opts, reason) => {
    const result = checkWebhookUrl(url, opts);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toContain(reason);
  });
});
