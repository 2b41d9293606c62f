// Which subscriber URLs a webhook may point at. Pure: no DNS, no bindings.
//
// A Worker cannot resolve names before it connects, so a public name that resolves to a private address is not
// caught here (Cloudflare's own egress does not reach private networks anyway); this guard stops the obvious
// server-side request forgery: literal private, loopback and link-local addresses and local-only names.

import { parseIPv4, parseIPv6, type IPv4 } from '../lib/ip';

export type UrlVerdict = { ok: true; url: URL } | { ok: false; reason: string };

/** The `WEBHOOK_ALLOW_PRIVATE_URLS` var: only the exact string "true" opens the guard (dev and tests). */
export function privateUrlsAllowed(env: { WEBHOOK_ALLOW_PRIVATE_URLS?: string }): boolean {
  return env.WEBHOOK_ALLOW_PRIVATE_URLS === 'true';
}

export function checkSubscriberUrl(raw: string, opts: { allowPrivate: boolean }): UrlVerdict {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'Must be an absolute URL' };
  }
  if (url.protocol !== 'https:' && !(opts.allowPrivate && url.protocol === 'http:')) {
    return { ok: false, reason: opts.allowPrivate ? 'Must be an http or https URL' : 'Must be an https URL' };
  }
  // fetch() refuses URLs with credentials, so such a webhook could never be delivered.
  if (url.username || url.password) return { ok: false, reason: 'Must not contain credentials' };
  if (opts.allowPrivate) return { ok: true, url };
  const reason = privateHostReason(url.hostname);
  return reason ? { ok: false, reason } : { ok: true, url };
}

/** Why a URL host (as `URL.hostname` gives it: lowercase, IPv4 canonical dotted, IPv6 in brackets) is private, or null. */
export function privateHostReason(hostname: string): string | null {
  // Every trailing dot goes ("localhost..", "127.0.0.1.." are the same hosts to a resolver); an empty label inside a
  // name ("a..b") is no public name at all.
  const host = hostname.toLowerCase().replace(/\.+$/, '');
  if (host.split('.').some((label) => label === '')) return 'Must be a valid host name';
  if (host.startsWith('[') && host.endsWith(']')) {
    const groups = parseIPv6(host.slice(1, -1));
    if (!groups) return 'Must be a valid IPv6 address';
    return privateIPv6Reason(groups);
  }
  const v4 = parseIPv4(host);
  if (v4) return privateIPv4Reason(v4);
  if (host === 'localhost' || host.endsWith('.localhost')) return 'Must not point at localhost';
  if (host.endsWith('.local') || host.endsWith('.internal')) return 'Must not point at a local-only host name';
  return null;
}


// [first octet, prefix of the address, prefix length, what it is]
const PRIVATE_V4: [number, number, number, number, string][] = [
  [0, 0, 0, 8, 'an unspecified address'],
  [10, 0, 0, 8, 'a private address'],
  [100, 64, 0, 10, 'a shared (carrier-grade NAT) address'],
  [127, 0, 0, 8, 'a loopback address'],
  [169, 254, 0, 16, 'a link-local address'],
  [172, 16, 0, 12, 'a private address'],
  [192, 0, 0, 24, 'an IETF protocol assignment address'],
  [192, 0, 2, 24, 'a documentation address'],
  [192, 168, 0, 16, 'a private address'],
  [198, 18, 0, 15, 'a benchmarking address'],
  [198, 51, 100, 24, 'a documentation address'],
  [203, 0, 113, 24, 'a documentation address'],
  [224, 0, 0, 4, 'a multicast address'],
  [240, 0, 0, 4, 'a reserved address'],
];

function privateIPv4Reason(ip: IPv4): string | null {
  const value = ((ip[0] << 24) | (ip[1] << 16) | (ip[2] << 8) | ip[3]) >>> 0;
  for (const [a, b, c, bits, what] of PRIVATE_V4) {
    const net = ((a << 24) | (b << 16) | (c << 8)) >>> 0;
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    if ((value & mask) >>> 0 === net) return `Must not point at ${what}`;
  }
  return null;
}


function privateIPv6Reason(g: number[]): string | null {
  const zerosUntil = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zerosUntil(7) && g[7] === 1) return 'Must not point at a loopback address';
  if (zerosUntil(8)) return 'Must not point at an unspecified address';
  const embedded = (): IPv4 => [g[6]! >> 8, g[6]! & 0xff, g[7]! >> 8, g[7]! & 0xff];
  // IPv4-mapped (::ffff:a.b.c.d), IPv4-translated (::ffff:0:a.b.c.d), IPv4-compatible (::a.b.c.d) and NAT64
  // (64:ff9b::a.b.c.d) reach the embedded IPv4.
  if (zerosUntil(5) && g[5] === 0xffff) return privateIPv4Reason(embedded());
  if (zerosUntil(4) && g[4] === 0xffff && g[5] === 0) return privateIPv4Reason(embedded());
  if (zerosUntil(6)) return privateIPv4Reason(embedded());
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return privateIPv4Reason(embedded());
  // Local-use NAT64 (64:ff9b:1::/48, RFC 8215) translates into a network of the operator's own choosing.
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) return 'Must not point at a local-use NAT64 address';
  // 6to4 (2002:a.b.c.d::/48) reaches the IPv4 in groups 1 and 2.
  if (g[0] === 0x2002) return privateIPv4Reason([g[1]! >> 8, g[1]! & 0xff, g[2]! >> 8, g[2]! & 0xff]);
  // Teredo (2001:0::/32) carries an obfuscated IPv4 that a literal check cannot trust.
  if (g[0] === 0x2001 && g[1] === 0) return 'Must not point at a Teredo address';
  if (g[0] === 0x2001 && g[1] === 0x0db8) return 'Must not point at a documentation address';
  if (g[0] === 0x0100 && g.slice(1, 4).every((x) => x === 0)) return 'Must not point at a discard-only address';
  const first = g[0]!;
  if ((first & 0xfe00) === 0xfc00) return 'Must not point at a unique local address';
  if ((first & 0xffc0) === 0xfe80) return 'Must not point at a link-local address';
  if ((first & 0xffc0) === 0xfec0) return 'Must not point at a site-local address';
  if ((first & 0xff00) === 0xff00) return 'Must not point at a multicast address';
  return null;
}
