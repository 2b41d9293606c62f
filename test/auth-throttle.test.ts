import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { PER_CLIENT_LIMIT, PER_EMAIL_LIMIT, retryAfterSeconds } from '../src/auth/throttle';
import { clientNetwork } from '../src/lib/ip';
import { api, expectError, freshIp, makeUser, TEST_PASSWORD } from './helpers';

// A fresh client address per test: the per-IP rate limit (LOGIN_RATE_LIMIT, shared by every test) must not be what
// answers here; these tests are about the per-(email, network) throttle behind it.
let testIp = '';
beforeEach(() => {
  testIp = freshIp();
});
const login = (email: string, password: string, ip = testIp) =>
  api('POST', '/v2/auth/login', { body: { email, password }, headers: { 'cf-connecting-ip': ip } });

describe('sign-in throttling per (email, client)', () => {
  it('answers 429 with Retry-After after 10 failed sign-ins from one client, even with the right password', async () => {
    const { user } = await makeUser();
    for (let i = 0; i < PER_CLIENT_LIMIT; i++) expectError(await login(user.email, 'wrong password'), 401, 'unauthorized');
    const blocked = await login(user.email, TEST_PASSWORD);
    expectError(blocked, 429, 'rate_limited');
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
  });

  it('checks at most 10 passwords of 60 concurrent attempts, so a right one late in the burst never gets in', async () => {
    const { user } = await makeUser();
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) => login(user.email, i === 45 ? TEST_PASSWORD : `wrong password ${i}`)),
    );
    const statuses = answers.map((a) => a.status);
    const checked = statuses.filter((s) => s === 200 || s === 401).length;
    expect(checked).toBeLessThanOrEqual(PER_CLIENT_LIMIT);
    expect(statuses.filter((s) => s === 429).length).toBe(60 - checked);
    // Exactly the limit is evaluated: a wrong count in either direction is a bug.
    expect(checked).toBe(PER_CLIENT_LIMIT);
  });

  it('does not lock the owner out: the right password from another IP still works under a spray from other IPs', async () => {
    const { user } = await makeUser();
    for (let ip = 1; ip <= 5; ip++) {
      for (let i = 0; i < PER_CLIENT_LIMIT; i++) await login(user.email, 'wrong password', `198.51.100.${ip}`);
      expectError(await login(user.email, TEST_PASSWORD, `198.51.100.${ip}`), 429, 'rate_limited');
    }
    expect((await login(user.email, TEST_PASSWORD, '192.0.2.200')).status).toBe(200);
  });

  it('counts IPv6 clients per /64, so rotating addresses inside one network does not reset the count', async () => {
    const { user } = await makeUser();
    for (let i = 0; i < PER_CLIENT_LIMIT; i++) await login(user.email, 'wrong password', `2001:db8:1:2::${(i + 1).toString(16)}`);
    expectError(await login(user.email, TEST_PASSWORD, '2001:db8:1:2:ffff::1'), 429, 'rate_limited');
    expect((await login(user.email, TEST_PASSWORD, '2001:db8:1:3::1')).status).toBe(200);
  });

  it('has a looser per-email limit: once 100 attempts from many clients are counted, every client waits', async () => {
    const { user } = await makeUser();
    await env.DB.prepare('INSERT INTO sign_in_attempts (key, attempts, window_start) VALUES (?, ?, ?)')
      .bind(`email:${user.email}`, PER_EMAIL_LIMIT, Date.now())
      .run();
    const blocked = await login(user.email, TEST_PASSWORD, '192.0.2.99');
    expectError(blocked, 429, 'rate_limited');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('throttles unknown emails the same way, so a 429 reveals nothing', async () => {
    const email = `ghost-${Date.now()}@example.com`;
    for (let i = 0; i < PER_CLIENT_LIMIT; i++) await login(email, 'whatever-123');
    expectError(await login(email, 'whatever-123'), 429, 'rate_limited');
  });

  it('lets the client in again once the window has passed, and a success clears its count', async () => {
    const { user } = await makeUser();
    for (let i = 0; i < PER_CLIENT_LIMIT; i++) await login(user.email, 'wrong password');
    await env.DB.prepare('UPDATE sign_in_attempts SET window_start = ? WHERE key LIKE ?').bind(Date.now() - 16 * 60_000, `%${user.email}%`).run();
    expect((await login(user.email, TEST_PASSWORD)).status).toBe(200);
    expect(await env.DB.prepare("SELECT 1 FROM sign_in_attempts WHERE key LIKE 'client:%' AND key LIKE ?").bind(`%${user.email}%`).first()).toBeNull();
  });

  it('nine failures then a success do not lock anyone out', async () => {
    const { user } = await makeUser();
    for (let i = 0; i < PER_CLIENT_LIMIT - 1; i++) await login(user.email, 'wrong password');
    expect((await login(user.email, TEST_PASSWORD)).status).toBe(200);
    for (let i = 0; i < PER_CLIENT_LIMIT - 1; i++) await login(user.email, 'wrong password');
    expect((await login(user.email, TEST_PASSWORD)).status).toBe(200);
  });
});

describe('clientNetwork', () => {
  it('keeps an IPv4 address, cuts IPv6 to its /64, and names a missing address', () => {
    expect(clientNetwork('203.0.113.7')).toBe('203.0.113.7');
    expect(clientNetwork('2001:db8:1:2::5')).toBe('2001:db8:1:2::/64');
    expect(clientNetwork('2001:0DB8:0001:0002:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(clientNetwork('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientNetwork(undefined)).toBe('unknown');
    expect(clientNetwork('not an ip')).toBe('unknown');
  });
});

describe('retryAfterSeconds', () => {
  it('is 0 within the limit or after the window, and the remaining seconds otherwise', () => {
    const now = 1_000_000_000;
    expect(retryAfterSeconds({ attempts: 10, windowStart: now }, 10, now)).toBe(0);
    expect(retryAfterSeconds({ attempts: 11, windowStart: now }, 10, now)).toBe(900);
    expect(retryAfterSeconds({ attempts: 11, windowStart: now - 899_500 }, 10, now)).toBe(1);
    expect(retryAfterSeconds({ attempts: 12, windowStart: now - 900_000 }, 10, now)).toBe(0);
  });
});
