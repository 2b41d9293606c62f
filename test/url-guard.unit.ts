// Literal forms of private addresses that the subscriber URL guard must catch, and coarse transport errors (a ping
// must not tell a closed port from an open one).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { postDelivery } from '../src/webhooks/consumer';
import { checkSubscriberUrl } from '../src/webhooks/url-guard';

const reasonOf = (url: string) => {
  const verdict = checkSubscriberUrl(url, { allowPrivate: false });
  return verdict.ok ? null : verdict.reason;
};

describe('subscriber URL guard: literal forms from the review', () => {
  it.each([
    'https://localhost../',
    'https://localhost.../hook',
    'https://127.0.0.1../',
    'https://10.0.0.1../',
    'https://printer.local../',
    'https://[::ffff:0:7f00:1]/', // IPv4-translated 127.0.0.1
    'https://[::ffff:0:a00:1]/', // IPv4-translated 10.0.0.1
    'https://[64:ff9b::7f00:1]/', // NAT64 well-known prefix, 127.0.0.1
    'https://[64:ff9b:1::1]/', // local-use NAT64 prefix (RFC 8215)
    'https://[64:ff9b:1:abcd::8.8.8.8]/',
    'https://[2002:7f00:1::]/', // 6to4 of 127.0.0.1
    'https://[2002:c0a8:101::1]/', // 6to4 of 192.168.1.1
    'https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/', // Teredo: hides an IPv4 of its own
    'https://[2001:db8::1]/', // documentation
    'https://[100::1]/', // discard-only
    'https://198.18.0.1/', // benchmarking, 198.18.0.0/15
    'https://198.19.255.254/',
    'https://192.0.0.8/', // IETF protocol assignments, 192.0.0.0/24
    'https://192.0.2.10/', // TEST-NET-1
    'https://198.51.100.7/', // TEST-NET-2
    'https://203.0.113.9/', // TEST-NET-3
    'https://a..example.com/', // empty label: no such public name
  ])('rejects %s', (url) => {
    expect(reasonOf(url)).not.toBeNull();
  });

  it.each([
    'https://[2002:808:808::1]/', // 6to4 of 8.8.8.8
    'https://[64:ff9b::808:808]/', // NAT64 of 8.8.8.8
    'https://198.20.0.1/',
    'https://192.0.1.1/',
    'https://example.com./hook',
  ])('still accepts the public %s', (url) => {
    expect(reasonOf(url)).toBeNull();
  });
});

describe('coarse transport errors', () => {
  afterEach(() => vi.restoreAllMocks());

  it('records the same text for a refused connection and any other network failure', async () => {
    const errors: (string | null)[] = [];
    for (const message of ['connect ECONNREFUSED 127.0.0.1:6379', 'Network connection lost.', 'getaddrinfo ENOTFOUND internal']) {
      vi.spyOn(globalThis, 'fetch').mockRejectedValueOnce(new Error(message));
      const attempt = await postDelivery({ url: 'https://hooks.example.com/x', secret: 's'.repeat(16) }, { eventId: 'msg_1', payload: '{}' }, Date.now());
      errors.push(attempt.error);
    }
    expect(new Set(errors).size).toBe(1);
    expect(errors[0]).not.toMatch(/ECONNREFUSED|6379|ENOTFOUND|lost/);
  });
});
