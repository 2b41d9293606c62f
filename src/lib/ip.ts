// IP addresses as text (pure): parsing, and the client as every per-client limit and cap sees it.
//
// The client rule: an IPv4 address, or an IPv6 /64. One subscriber usually holds a whole /64 (2^64 addresses), so
// single IPv6 addresses would be free to rotate past every limit. Used by the rate limits and the hold cap
// (src/lib/rate-limit.ts) and the sign-in throttle (src/auth/throttle.ts): one rule, here.

export type IPv4 = [number, number, number, number];

export function parseIPv4(host: string): IPv4 | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? (parts as IPv4) : null;
}

/** Eight 16-bit groups, or null. Accepts `::` compression and a trailing dotted IPv4 (::ffff:10.0.0.1). */
export function parseIPv6(text: string): number[] | null {
  if (text.includes('%')) return null; // zone ids are meaningless for a remote host
  let tail: number[] = [];
  let body = text;
  const dotted = /^(.*:)(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/.exec(text);
  if (dotted) {
    const v4 = parseIPv4(dotted[2]!);
    if (!v4) return null;
    tail = [(v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]];
    body = dotted[1]!.endsWith('::') ? dotted[1]! : dotted[1]!.slice(0, -1);
  }
  const halves = body.split('::');
  if (halves.length > 2) return null;
  const parse = (s: string) => (s === '' ? [] : s.split(':').map((g) => (/^[0-9a-f]{1,4}$/i.test(g) ? parseInt(g, 16) : NaN)));
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  if ([...head, ...rest].some(Number.isNaN)) return null;
  const known = head.length + rest.length + tail.length;
  if (halves.length === 1) return known === 8 ? [...head, ...tail] : null;
  if (known > 7) return null;
  return [...head, ...new Array<number>(8 - known).fill(0), ...rest, ...tail];
}

/**
 * The client network of a `CF-Connecting-IP` value (set by Cloudflare's edge, never by the client): the IPv4 address,
 * or the IPv6 /64 as `2001:db8:1:2::/64`; an IPv4-mapped IPv6 address is its IPv4 client. Anything else: `unknown`.
 */
export function clientNetwork(ip: string | null | undefined): string {
  const text = ip?.trim() ?? '';
  if (parseIPv4(text)) return text;
  const groups = text.includes(':') ? parseIPv6(text) : null;
  if (!groups) return 'unknown';
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join('.');
  }
  return `${groups.slice(0, 4).map((g) => g.toString(16)).join(':')}::/64`;
}
