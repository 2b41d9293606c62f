import { describe, expect, it } from 'vitest';
import { api, expectError, freshIp, freshIpv6Network, hostWithEventType, upcomingDate } from './helpers';

// Limits from wrangler.toml [[ratelimits]] (period 60 s). The emulated limiter counts in wall-clock-aligned windows,
// so a burst may straddle two windows: the first `limit` requests always pass, and within 2 * limit + 1 requests
// (well under a minute) some window must see more than `limit`.
const LOGIN_LIMIT = 20;
const WRITE_LIMIT = 30;
const SLOTS_LIMIT = 120;

async function burst(n: number, send: (i: number) => Promise<{ status: number; headers: Headers; json: any }>) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(await send(i));
  return out;
}

function expectLimited(results: { status: number; headers: Headers; json: any }[], limit: number) {
  expect(results.slice(0, limit).every((r) => r.status !== 429)).toBe(true);
  const limited = results.find((r) => r.status === 429);
  expect(limited, 'no 429 after the limit').toBeDefined();
  expectError(limited!, 429, 'rate_limited');
  expect(limited!.headers.get('retry-after')).toBe('60');
}

describe('per-IP rate limits (Workers Rate Limiting binding)', () => {
  it('sign-in: beyond the limit one IP gets 429 with Retry-After; another IP is unaffected', async () => {
    const ip = freshIp();
    const login = (from: string) =>
      api('POST', '/v2/auth/login', { headers: { 'cf-connecting-ip': from }, body: { email: `nobody-${crypto.randomUUID()}@example.com`, password: 'wrong password' } });
    const results = await burst(2 * LOGIN_LIMIT + 1, () => login(ip));
    expectLimited(results, LOGIN_LIMIT);
    for (const r of results.filter((r) => r.status !== 429)) expectError(r, 401, 'unauthorized');
    expectError(await login(freshIp()), 401, 'unauthorized');
  });

  it('booking writes: beyond the limit one IP gets 429 (counted before validation); another IP still books', async () => {
    const { eventType } = await hostWithEventType();
    const ip = freshIp();
    // Invalid bodies are the cheapest way to spend the budget: they count too.
    const results = await burst(2 * WRITE_LIMIT + 1, () => api('POST', '/v2/bookings', { headers: { 'cf-connecting-ip': ip }, body: {} }));
    expectLimited(results, WRITE_LIMIT);
    // Reschedule and cancel share the booking budget of this IP.
    expectError(await api('DELETE', '/v2/bookings/nosuchbooking000001', { headers: { 'cf-connecting-ip': ip } }), 429, 'rate_limited');
    const start = `${upcomingDate(1, 7)}T10:00:00Z`;
    const other = await api('POST', '/v2/bookings', {
      headers: { 'cf-connecting-ip': freshIp() },
      body: { event_type_id: eventType.id, start, attendee: { name: 'A', email: 'a@example.com', timezone: 'UTC' } },
    });
    expect(other.status).toBe(201);
  });

  it('an IPv6 client is its /64: rotating addresses inside it shares one budget; another /64 is unaffected', async () => {
    const inNetwork = freshIpv6Network();
    const results = await burst(2 * WRITE_LIMIT + 1, (i) => api('POST', '/v2/bookings', { headers: { 'cf-connecting-ip': inNetwork(i) }, body: {} }));
    expectLimited(results, WRITE_LIMIT);
    expectError(await api('POST', '/v2/bookings', { headers: { 'cf-connecting-ip': freshIpv6Network()(1) }, body: {} }), 400, 'validation_failed');
  });

  it('reservations have their own budget per IP', async () => {
    const ip = freshIp();
    const results = await burst(2 * WRITE_LIMIT + 1, () => api('POST', '/v2/slots/reservations', { headers: { 'cf-connecting-ip': ip }, body: {} }));
    expectLimited(results, WRITE_LIMIT);
  });

  it('slot queries: a generous budget per (IP, event type); another event type is unaffected', async () => {
    const { eventType } = await hostWithEventType();
    const ip = freshIp();
    const day = upcomingDate(1, 7);
    const slots = (id: number) =>
      api('GET', `/v2/slots/available?event_type_id=${id}&start_time=${day}T00:00:00Z&end_time=${day}T01:00:00Z`, { headers: { 'cf-connecting-ip': ip } });
    // Counted before the event type is looked up, so a missing one (a cheap 404) spends the budget as well. In
    // parallel batches: whatever the windows, at least `limit` pass and 2 * limit + 1 cannot all pass.
    const missing = 900_000_000 + Math.floor(Math.random() * 1e8);
    const results = [];
    for (let sent = 0; sent < 2 * SLOTS_LIMIT + 1; sent += 30) {
      results.push(...(await Promise.all(Array.from({ length: Math.min(30, 2 * SLOTS_LIMIT + 1 - sent) }, () => slots(missing)))));
    }
    expect(results.filter((r) => r.status === 404).length).toBeGreaterThanOrEqual(SLOTS_LIMIT);
    const limited = results.find((r) => r.status === 429);
    expectError(limited!, 429, 'rate_limited');
    expect(limited!.headers.get('retry-after')).toBe('60');
    expect((await slots(eventType.id)).status).toBe(200);
  }, 60_000);
});
