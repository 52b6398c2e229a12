import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Which network addresses a webhook may be delivered to (SSRF defence).
 *
 * The policy is an allowlist: an address passes only when it is ordinary public unicast. Every
 * special-purpose range ipaddr.js knows about is refused, so a range it learns about later is
 * refused too rather than silently allowed. IPv6 forms that carry an IPv4 address inside
 * (IPv4-mapped, SIIT, NAT64, 6to4, Teredo) are judged by the IPv4 address they lead to, because
 * that is where the packets end up.
 */

export interface AddressVerdict {
  allowed: boolean;
  /** Why the address was refused; absent when allowed. */
  reason?: string;
}

export interface AddressPolicyOptions {
  /** True only in the local runtime, where development receivers listen on loopback. */
  allowLoopback: boolean;
}

/**
 * Well-known cloud metadata and credential endpoints. Each already sits in a refused range;
 * naming them gives the integrator (and whoever reads the logs) a clearer reason.
 */
const CLOUD_METADATA_ADDRESSES = new Set([
  '169.254.169.254', // AWS, GCP, Azure, OCI, DigitalOcean instance metadata
  '169.254.170.2', // ECS task metadata and credentials
  '169.254.170.23', // EKS Pod Identity agent
  '100.100.100.200', // Alibaba Cloud metadata
  '192.0.0.192', // Oracle Cloud metadata (legacy address)
  'fd00:ec2::254', // AWS instance metadata over IPv6
  'fd00:ec2::23', // EKS Pod Identity agent over IPv6
]);

const IPV4_RANGE_NAMES: Record<string, string> = {
  unspecified: 'an unspecified address',
  broadcast: 'a broadcast address',
  multicast: 'a multicast address',
  linkLocal: 'a link-local address',
  loopback: 'a loopback address',
  carrierGradeNat: 'a carrier-grade NAT address',
  private: 'a private address',
  reserved: 'a reserved address',
};

const IPV6_RANGE_NAMES: Record<string, string> = {
  unspecified: 'an unspecified address',
  multicast: 'a multicast address',
  linkLocal: 'a link-local address',
  loopback: 'a loopback address',
  uniqueLocal: 'a unique-local address',
  reserved: 'a reserved address',
};

/** 2000::/3 is the only IPv6 block currently handed out as global unicast. */
const IPV6_GLOBAL_UNICAST = ipaddr.IPv6.parseCIDR('2000::/3');

/**
 * Decides whether a resolved or literal IP address may receive a webhook.
 * Anything that is not a well-formed IP address (including odd IPv4 spellings like `0x7f.1`)
 * is refused.
 */
export function isAddressAllowed(ip: string, opts: AddressPolicyOptions): AddressVerdict {
  const text = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  if (isIP(text) === 0) return refuse(`${ip} is not an IP address`);
  const address = ipaddr.parse(text);
  if (CLOUD_METADATA_ADDRESSES.has(normalise(address))) {
    return refuse(`${text} is a cloud metadata address`);
  }
  return address.kind() === 'ipv4'
    ? judgeIPv4(address as ipaddr.IPv4, text, opts)
    : judgeIPv6(address as ipaddr.IPv6, text, opts);
}

function judgeIPv4(
  address: ipaddr.IPv4,
  shown: string,
  opts: AddressPolicyOptions,
): AddressVerdict {
  if (CLOUD_METADATA_ADDRESSES.has(address.toString())) {
    return refuse(`${shown} is a cloud metadata address`);
  }
  const range = address.range();
  if (range === 'unicast') return { allowed: true };
  if (range === 'loopback' && opts.allowLoopback) return { allowed: true };
  const what = IPV4_RANGE_NAMES[range] ?? `a special-purpose address (${range})`;
  return refuse(`${shown} is ${what}`);
}

function judgeIPv6(
  address: ipaddr.IPv6,
  shown: string,
  opts: AddressPolicyOptions,
): AddressVerdict {
  const range = address.range();
  const embedded = embeddedIPv4(address, range);
  if (embedded !== undefined) {
    for (const inner of embedded) {
      const verdict = judgeIPv4(inner, inner.toString(), opts);
      if (!verdict.allowed) return refuse(`${shown} embeds ${inner.toString()}: ${verdict.reason}`);
    }
    return { allowed: true };
  }
  if (range === 'loopback' && opts.allowLoopback) return { allowed: true };
  if (range === 'unicast' && address.match(IPV6_GLOBAL_UNICAST)) return { allowed: true };
  const what =
    IPV6_RANGE_NAMES[range] ??
    (range === 'unicast' ? 'not a global unicast address' : `a special-purpose address (${range})`);
  return refuse(`${shown} is ${what}`);
}

/**
 * The IPv4 addresses an IPv6 address forwards to, or undefined when it is plain IPv6.
 * Local-use NAT64 (64:ff9b:1::/48) is left out on purpose: its mapping is site-specific, so it
 * falls through to the refusal for special-purpose ranges.
 */
function embeddedIPv4(address: ipaddr.IPv6, range: string): ipaddr.IPv4[] | undefined {
  const bytes = address.toByteArray();
  const at = (offset: number) => new ipaddr.IPv4(bytes.slice(offset, offset + 4));
  switch (range) {
    case 'ipv4Mapped': // ::ffff:a.b.c.d
    case 'rfc6145': // ::ffff:0:a.b.c.d
      return [at(12)];
    case 'rfc6052':
      return address.match(ipaddr.IPv6.parseCIDR('64:ff9b::/96')) ? [at(12)] : undefined;
    case '6to4': // 2002:AABB:CCDD::/48
      return [at(2)];
    case 'teredo': {
      // 2001:0:SSSS:SSSS:flags:port:CCCC:CCCC, the client address stored bit-inverted.
      const client = bytes.slice(12, 16).map((b) => b ^ 0xff);
      return [at(4), new ipaddr.IPv4(client)];
    }
    default:
      return undefined;
  }
}

function normalise(address: ipaddr.IPv4 | ipaddr.IPv6): string {
  return address.kind() === 'ipv6'
    ? (address as ipaddr.IPv6).toRFC5952String()
    : address.toString();
}

function refuse(reason: string): AddressVerdict {
  return { allowed: false, reason };
}

export type WebhookUrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

export interface WebhookUrlOptions {
  /**
   * Allows plain `http` URLs: in a deployment (`allowLoopback` false) to any host the address
   * rules allow, for a test stage that opted in (`-c webhookSchemes=https,http`); in the local
   * runtime (`allowLoopback` true) only to loopback receivers, so nothing personal leaves the
   * laptop unencrypted.
   */
  allowHttp: boolean;
  allowLoopback: boolean;
}

const MAX_WEBHOOK_URL_LENGTH = 2048;

/**
 * Names that never lead to a public receiver. They would fail at delivery after DNS resolution
 * anyway; refusing them at registration gives the integrator the error while they are looking.
 */
const INTERNAL_NAME_SUFFIXES = ['.internal', '.local', '.home.arpa', '.localdomain'];

/**
 * Checks a webhook URL at registration (and again before each delivery). Hostnames are not
 * resolved here: DNS answers change, so the transport checks the resolved addresses at connect
 * time. Literal IP hosts and names that are loopback by definition (`localhost`) are judged now.
 */
export function checkWebhookUrl(raw: string, opts: WebhookUrlOptions): WebhookUrlCheck {
  if (raw.length > MAX_WEBHOOK_URL_LENGTH) {
    return { ok: false, reason: `the URL is longer than ${MAX_WEBHOOK_URL_LENGTH} characters` };
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'the URL is not a valid absolute URL' };
  }
  if (url.username !== '' || url.password !== '') {
    return { ok: false, reason: 'the URL must not contain credentials' };
  }

  // WHATWG URL parsing already turned `0x7f.1` or `2130706433` into dotted decimal.
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const hostname = host.toLowerCase().replace(/\.$/, '');
  const literal = isIP(host) !== 0;
  const loopbackName = hostname === 'localhost' || hostname.endsWith('.localhost');
  const loopback = loopbackName || (literal && isLoopbackIp(host));

  if (url.protocol === 'http:') {
    if (!opts.allowHttp) return { ok: false, reason: 'the URL must use https' };
    if (opts.allowLoopback && !loopback) {
      return { ok: false, reason: 'http is allowed only to loopback hosts; use https' };
    }
  } else if (url.protocol !== 'https:') {
    return { ok: false, reason: 'the URL must use https' };
  }

  if (literal) {
    const verdict = isAddressAllowed(host, { allowLoopback: opts.allowLoopback });
    return verdict.allowed
      ? { ok: true, url }
      : { ok: false, reason: verdict.reason ?? 'address refused' };
  }
  if (loopbackName) {
    return opts.allowLoopback
      ? { ok: true, url }
      : { ok: false, reason: `${hostname} is a loopback host` };
  }
  if (!hostname.includes('.')) {
    return { ok: false, reason: `${hostname} is not a public host name` };
  }
  if (INTERNAL_NAME_SUFFIXES.some((suffix) => hostname.endsWith(suffix))) {
    return { ok: false, reason: `${hostname} is an internal host name` };
  }
  return { ok: true, url };
}

/** True for 127/8, ::1 and their IPv4-mapped forms. */
function isLoopbackIp(ip: string): boolean {
  const address = ipaddr.parse(ip);
  if (address.kind() === 'ipv6') {
    const v6 = address as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().range() === 'loopback';
    return v6.range() === 'loopback';
  }
  return address.range() === 'loopback';
}
