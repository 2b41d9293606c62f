// D1 read replication through the Sessions API: where each request's session starts, the bookmark round trip
// (read-your-writes across requests), and the primary retry for a session token a replica has not seen yet.
// Local D1 has no replicas, so test/d1-probe.ts records each statement's session and can make replicas lag.
import { SELF } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newerBookmark, sessionStartFor, validBookmark } from '../src/db/session';
import { measureD1, withLaggingReplica } from './d1-probe';
import { api, BASE, book, hostWithEventType, makeAdmin, TEST_PASSWORD, upcomingDate } from './helpers';
import { runs } from './runs';

const BOOKMARK = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/;
const WRITE = /^\s*(insert|update|delete|replace)\b/i;

describe('bookmarks', () => {
  it('accepts only the D1 bookmark format', () => {
    expect(validBookmark('00000085-0000024c-00004c6d-8e61117bf38d7adb71b934ebbf891683')).toBe('00000085-0000024c-00004c6d-8e61117bf38d7adb71b934ebbf891683');
    expect(validBookmark(' 00000085-0000024C-00004c6d-8E61117BF38D7ADB71B934EBBF891683 ')).toBe('00000085-0000024c-00004c6d-8e61117bf38d7adb71b934ebbf891683');
    for (const bad of [undefined, null, '', 'first-primary', 'first-unconstrained', 'garbage', '00000085-0000024c-00004c6d', '00000085-0000024c-00004c6d-8e61117bf38d7adb71b934ebbf89168z', 'x'.repeat(5000)]) {
      expect(validBookmark(bad)).toBeNull();
    }
  });

  it('keeps the newer of two bookmarks', () => {
    const older = '00000001-0000000f-00000000-00000000000000000000000000000000';
    const newer = '00000001-00000010-00000000-00000000000000000000000000000000';
    expect(newerBookmark(older, newer)).toBe(newer);
    expect(newerBookmark(newer, older)).toBe(newer);
    expect(newerBookmark(null, older)).toBe(older);
    expect(newerBookmark(older, null)).toBe(older);
  });

  it('starts reads on a replica (or at the bookmark) and everything else on the primary', () => {
    expect(sessionStartFor('GET', null)).toBe('first-unconstrained');
    expect(sessionStartFor('HEAD', null)).toBe('first-unconstrained');
    expect(sessionStartFor('GET', 'b')).toEqual({ bookmark: 'b' });
    for (const method of ['POST', 'PATCH', 'PUT', 'DELETE']) {
      expect(sessionStartFor(method, null)).toBe('first-primary');
      expect(sessionStartFor(method, 'b')).toBe('first-primary');
    }
  });
});

describe('the x-d1-bookmark round trip', () => {
  it('answers a bookmark that grows after a write, and a read sent with it starts at that bookmark', async () => {
    const host = await hostWithEventType({ email_notifications: false });
    const day = upcomingDate(1);
    const before = await api('GET', `/v2/slots/available?event_type_id=${host.eventType.id}&start_time=${day}T00:00:00Z&end_time=${day}T23:59:59Z`);
    const first = before.headers.get('x-d1-bookmark');
    expect(first).toMatch(BOOKMARK);

    const written = await book(host.eventType.id, `${day}T10:00:00Z`, {}, { 'x-d1-bookmark': first! });
    expect(written.status).toBe(201);
    const afterWrite = written.headers.get('x-d1-bookmark');
    expect(afterWrite).toMatch(BOOKMARK);
    expect(afterWrite! > first!).toBe(true);

    const { result: read, statements } = await measureD1(() => api('GET', `/v2/bookings/${written.json.uid}`, { headers: { 'x-d1-bookmark': afterWrite! } }));
    expect(read.status).toBe(200);
    expect(statements.map((s) => s.session)).toEqual(['bookmark']);
    // Never older than what the client already had.
    expect(read.headers.get('x-d1-bookmark')! >= afterWrite!).toBe(true);
  });

  it('ignores a malformed bookmark instead of failing: the read starts unconstrained', async () => {
    const host = await hostWithEventType({ email_notifications: false });
    for (const garbage of ['garbage', '../../etc', 'first-primary', '0000-0000', 'x'.repeat(300)]) {
      const { result, statements } = await measureD1(() => api('GET', `/v2/event-types?owner_id=${host.user.id}`, { headers: { 'x-d1-bookmark': garbage } }));
      expect(result.status).toBe(200);
      expect(statements.map((s) => s.session)).toEqual(['first-unconstrained']);
      expect(result.headers.get('x-d1-bookmark')).toMatch(BOOKMARK);
    }
  });

  it('never fails on any x-d1-bookmark or d1_bookmark cookie a client sends', async () => {
    const host = await hostWithEventType();
    const headerSafe = fc.string({ maxLength: 120 }).filter((s) => /^[\x21-\x7e]*$/.test(s) && !/[;,]/.test(s));
    await fc.assert(
      fc.asyncProperty(headerSafe, headerSafe, async (header, cookie) => {
        const res = await api('GET', '/v2/event-types', { token: host.token, headers: { 'x-d1-bookmark': header }, cookie: `d1_bookmark=${cookie}` });
        expect(res.status).toBe(200);
        expect(res.headers.get('x-d1-bookmark')).toMatch(BOOKMARK);
      }),
      { numRuns: runs(60) },
    );
  });

  it('gives pages the bookmark as a cookie, and a page request carrying it starts there', async () => {
    const admin = await makeAdmin();
    const page = await SELF.fetch(`${BASE}/admin/bookings`, { headers: { cookie: `session=${admin.token}` }, redirect: 'manual' });
    expect(page.status).toBe(200);
    const cookie = page.headers.getAll('set-cookie').find((c) => c.startsWith('d1_bookmark='));
    expect(cookie).toMatch(/^d1_bookmark=[0-9a-f-]+; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    const bookmark = cookie!.split(';')[0]!.slice('d1_bookmark='.length);

    const { result, statements } = await measureD1(() =>
      SELF.fetch(`${BASE}/admin/bookings`, { headers: { cookie: `session=${admin.token}; d1_bookmark=${bookmark}` }, redirect: 'manual' }),
    );
    expect(result.status).toBe(200);
    await result.text();
    expect(new Set(statements.map((s) => s.session))).toEqual(new Set(['bookmark']));
    // JSON answers carry the header only.
    const json = await api('GET', '/v2/event-types');
    expect(json.headers.get('set-cookie') ?? '').not.toContain('d1_bookmark');
  });
});

describe('writes run on the primary', () => {
  it('every statement that writes, through the API and the object, runs on a first-primary session', async () => {
    const admin = await makeAdmin();
    const host = await hostWithEventType();
    const day = upcomingDate(3);
    const { statements } = await measureD1(async () => {
      const created = await book(host.eventType.id, `${day}T10:00:00Z`);
      expect(created.status).toBe(201);
      expect((await api('PATCH', `/v2/bookings/${created.json.uid}`, { body: { start: `${day}T11:00:00Z` } })).status).toBe(200);
      expect((await api('DELETE', `/v2/bookings/${created.json.uid}`, { body: {} })).status).toBe(200);
      expect((await api('POST', '/v2/event-types', { token: host.token, body: { title: 'X', slug: `x-${Date.now()}`, duration_minutes: 15 } })).status).toBe(201);
      expect((await api('POST', '/v2/webhooks', { token: host.token, body: { subscriber_url: 'https://hooks.example.com/x', event_triggers: ['BOOKING_CREATED'] } })).status).toBe(201);
      expect((await api('POST', '/v2/users', { token: admin.token, body: { email: `new-${Date.now()}@example.com`, name: 'New', password: TEST_PASSWORD } })).status).toBe(201);
      expect((await api('POST', '/v2/auth/login', { body: { email: host.user.email, password: TEST_PASSWORD } })).status).toBe(200);
      expect((await api('POST', '/v2/auth/login', { body: { email: host.user.email, password: 'wrong password!' } })).status).toBe(401);
    });
    const writes = statements.filter((s) => WRITE.test(s.sql));
    expect(writes.length).toBeGreaterThan(8);
    expect(writes.filter((s) => s.session !== 'first-primary')).toEqual([]);
    // The booking's emails are sent in the background; let them finish so the next test measures only itself.
    for (const deadline = Date.now() + 8000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
      const pending = await env.DB.prepare("SELECT COUNT(*) AS n FROM booking_email_notifications WHERE status = 'pending'").first<{ n: number }>();
      if (pending!.n === 0) break;
    }
  });

  it('a read-only request writes nothing', async () => {
    const host = await hostWithEventType();
    const { statements } = await measureD1(async () => {
      await api('GET', '/v2/event-types', { token: host.token });
      await api('GET', '/v2/bookings', { token: host.token });
      await api('GET', '/v2/me', { token: host.token });
    });
    expect(statements.filter((s) => WRITE.test(s.sql))).toEqual([]);
  });
});

describe('a session token minted a moment ago', () => {
  it('works on the very next request even when the replica has not seen it: the lookup retries once on the primary', async () => {
    const host = await hostWithEventType({ email_notifications: false });
    const login = await api('POST', '/v2/auth/login', { body: { email: host.user.email, password: TEST_PASSWORD } });
    expect(login.status).toBe(200);
    const { result, statements } = await withLaggingReplica(/from "sessions"/, () =>
      measureD1(() => api('GET', '/v2/me', { token: login.json.token })),
    );
    expect(result.status).toBe(200);
    expect(result.json.id).toBe(host.user.id);
    const lookups = statements.filter((s) => /from "sessions"/.test(s.sql)).map((s) => s.session);
    expect(lookups).toEqual(['first-unconstrained', 'first-primary']);
  });

  it('an unknown token is still refused after the primary retry', async () => {
    const res = await withLaggingReplica(/from "sessions"/, () => api('GET', '/v2/me', { token: 'not-a-real-token' }));
    expect(res.status).toBe(401);
  });

  it('a known token found on the replica costs no retry', async () => {
    const host = await hostWithEventType({ email_notifications: false });
    const { statements } = await measureD1(() => api('GET', '/v2/me', { token: host.token }));
    expect(statements.map((s) => s.session)).toEqual(['first-unconstrained']);
  });
});
