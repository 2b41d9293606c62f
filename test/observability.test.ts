// Every response says who it was (x-request-id) and what it cost (Server-Timing); every request leaves one JSON
// log line; an unexpected error is logged with its request id and stack while the client gets the 500 shape with
// the same id; and nothing secret a request carries ever reaches a log line.
import { SELF } from 'cloudflare:test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loggableError, requestIdFrom } from '../src/lib/request-log';
import { serverTiming } from '../src/lib/server-timing';
import { clearD1Failure, failNextD1 } from './d1-probe';
import { api, BASE, hostWithEventType, makeAdmin, TEST_PASSWORD } from './helpers';

/** Every line the Worker logs while `run` runs, on any console method. */
async function captureLogs<T>(run: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const lines: string[] = [];
  const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) =>
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push(args.map((a) => (typeof a === 'string' ? a : a instanceof Error ? `${a.message}\n${a.stack}` : JSON.stringify(a))).join(' '));
    }),
  );
  try {
    return { result: await run(), lines };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

const requestLines = (lines: string[]) => lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).filter((l) => l.msg === 'request');

afterEach(() => clearD1Failure());

describe('x-request-id', () => {
  it('keeps a sane incoming id and replaces anything else', () => {
    expect(requestIdFrom('abc-123_X.y:z')).toBe('abc-123_X.y:z');
    expect(requestIdFrom('9f1c2d3e-0000-4000-8000-000000000000')).toBe('9f1c2d3e-0000-4000-8000-000000000000');
    for (const bad of [undefined, '', ' ', 'has space', 'a'.repeat(129), '<script>', 'line\nbreak', '-leading-dash', 'é']) {
      expect(requestIdFrom(bad)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });

  it('is on every response: API, 404, health, admin pages and docs', async () => {
    for (const path of ['/v2/event-types', '/v2/nothing-here', '/health', '/admin/login', '/docs']) {
      const res = await SELF.fetch(`${BASE}${path}`, { redirect: 'manual' });
      await res.text();
      expect(res.headers.get('x-request-id'), path).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.headers.get('server-timing'), path).toMatch(/^d1;dur=[\d.]+;desc="\d+", .*total;dur=[\d.]+$/);
    }
    const echoed = await api('GET', '/v2/event-types', { headers: { 'x-request-id': 'edge-req-42' } });
    expect(echoed.headers.get('x-request-id')).toBe('edge-req-42');
  });
});

describe('Server-Timing', () => {
  it('formats D1 round trips, the object hop and the total', () => {
    expect(serverTiming({ d1Calls: 0, d1Ms: 0, objectCalls: [], totalMs: 0.04 })).toBe('d1;dur=0;desc="0", total;dur=0');
    expect(
      serverTiming({
        d1Calls: 1,
        d1Ms: 2.345,
        objectCalls: [{ ms: 10.01, d1: { calls: 2, ms: 6.55, bookmark: null } }],
        totalMs: 14.26,
      }),
    ).toBe('d1;dur=2.3;desc="1", do;dur=10;desc="1", do-d1;dur=6.6;desc="2", total;dur=14.3');
  });
});

describe('the request log line', () => {
  it('is one JSON line per request with id, method, route pattern, status, duration and D1 calls', async () => {
    const host = await hostWithEventType();
    const { result, lines } = await captureLogs(() => api('GET', `/v2/event-types/${host.eventType.id}`, { token: host.token, headers: { 'x-request-id': 'trace-me-1' } }));
    expect(result.status).toBe(200);
    const logged = requestLines(lines);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toEqual({
      level: 'info',
      msg: 'request',
      request_id: 'trace-me-1',
      method: 'GET',
      route: '/v2/event-types/:id',
      status: 200,
      duration_ms: expect.any(Number),
      d1_calls: 2,
      d1_worker_calls: 2,
      do_calls: 0,
    });
  });

  it('counts the object D1 calls of a booking and names unmatched routes without their path', async () => {
    const host = await hostWithEventType();
    const { lines } = await captureLogs(async () => {
      await api('POST', '/v2/bookings', { body: { event_type_id: host.eventType.id, start: '2020-01-06T10:00:00Z', attendee: { name: 'A', email: 'a@example.com', timezone: 'UTC' } } });
      await api('GET', '/v2/secret-path-nobody-should-log');
    });
    const [booking, unmatched] = requestLines(lines);
    expect(booking).toMatchObject({ method: 'POST', route: '/v2/bookings', status: 409, d1_calls: 2, d1_worker_calls: 1, do_calls: 1 });
    expect(unmatched).toMatchObject({ method: 'GET', route: 'unmatched', status: 404 });
    expect(lines.join('\n')).not.toContain('secret-path-nobody-should-log');
  });
});

describe('the logged route', () => {
  it('is the pattern of the route that answered, not a later one the path also matches (the booker’s /:username)', async () => {
    const paths: [path: string, route: string][] = [
      ['/health', '/health'],
      ['/docs', '/docs'],
      ['/admin/login', '/admin/login'],
      ['/v2/me', '/v2/me'], // refused by the auth middleware: still named by the route it was for
    ];
    const { lines } = await captureLogs(async () => {
      for (const [path] of paths) await api('GET', path);
    });
    expect(requestLines(lines).map((l) => [l.route, l.status])).toEqual([
      ['/health', 200],
      ['/docs', 200],
      ['/admin/login', 200],
      ['/v2/me', 401],
    ]);
  });
});

describe('unexpected errors', () => {
  it('answer the 500 shape with the request id, and log that id with the stack', async () => {
    const host = await hostWithEventType();
    failNextD1(/from "booking_event_types"/);
    const { result, lines } = await captureLogs(() => api('GET', '/v2/event-types', { token: host.token, headers: { 'x-request-id': 'boom-1' } }));
    expect(result.status).toBe(500);
    expect(result.json).toEqual({ error: { code: 'internal', message: 'Internal server error', request_id: 'boom-1' } });
    expect(result.headers.get('x-request-id')).toBe('boom-1');
    const errors = lines.filter((l) => l.includes('"level":"error"')).map((l) => JSON.parse(l));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ msg: 'unhandled error', request_id: 'boom-1', cause: 'D1_ERROR: injected failure for a test' });
    expect(errors[0].error).toMatch(/^Failed query: select .* from "booking_event_types"/);
    expect(errors[0].stack.length).toBeGreaterThan(0);
    expect(errors[0].stack.every((frame: string) => frame.trim().startsWith('at '))).toBe(true);
    expect(requestLines(lines)[0]).toMatchObject({ request_id: 'boom-1', status: 500 });
  });

  it('on an admin page: a readable 500 page naming the request id', async () => {
    const admin = await makeAdmin();
    failNextD1(/from "bookings"/);
    const { result } = await captureLogs(async () => {
      const res = await SELF.fetch(`${BASE}/admin/bookings`, { headers: { cookie: `session=${admin.token}`, 'x-request-id': 'page-boom-2' } });
      return { status: res.status, html: await res.text() };
    });
    expect(result.status).toBe(500);
    expect(result.html).toContain('page-boom-2');
  });

  it('keeps SQL parameters out of the logged message', () => {
    const cause = new Error('D1_ERROR: UNIQUE constraint failed');
    const err = Object.assign(new Error('Failed query: insert into "x" values (?)\nparams: hunter2-secret'), { query: 'insert into "x" values (?)', params: ['hunter2-secret'], cause });
    const logged = loggableError(err);
    expect(JSON.stringify(logged)).not.toContain('hunter2');
    expect(logged).toMatchObject({ error: 'Failed query: insert into "x" values (?)', cause: 'D1_ERROR: UNIQUE constraint failed' });
  });
});

describe('no secret reaches a log line', () => {
  it('passwords, session tokens, webhook secrets and bookmarks in bodies, headers, cookies and queries stay out of the logs', async () => {
    const host = await hostWithEventType();
    const webhookSecret = 'whsec_dG9wLXNlY3JldC13ZWJob29rLWtleS0xMjM0NTY3ODkw';
    const { result, lines } = await captureLogs(async () => {
      const login = await api('POST', '/v2/auth/login', { body: { email: host.user.email, password: TEST_PASSWORD } });
      expect(login.status).toBe(200);
      await api('POST', '/v2/auth/login', { body: { email: host.user.email, password: 'wrong-password-xyz' } });
      await api('GET', `/v2/event-types?token=${login.json.token}`, { token: login.json.token });
      await api('GET', '/v2/me', { cookie: `session=${host.token}` });
      // A failure while the secret is a SQL parameter: drizzle would put it into the error message.
      failNextD1(/insert into "?booking_webhooks"?/i);
      const failed = await api('POST', '/v2/webhooks', { token: host.token, body: { subscriber_url: 'https://hooks.example.com/a', event_triggers: ['BOOKING_CREATED'], secret: webhookSecret } });
      expect(failed.status).toBe(500);
      const created = await api('POST', '/v2/webhooks', { token: host.token, body: { subscriber_url: 'https://hooks.example.com/b', event_triggers: ['BOOKING_CREATED'] } });
      expect(created.status).toBe(201);
      await api('PATCH', `/v2/webhooks/${created.json.id}`, { token: host.token, body: { secret: `${webhookSecret}-2` } });
      return { loginToken: login.json.token as string, generated: created.json.secret as string };
    });
    const all = lines.join('\n');
    expect(lines.length).toBeGreaterThan(7);
    for (const secret of [TEST_PASSWORD, 'wrong-password-xyz', host.token, result.loginToken, result.generated, webhookSecret, 'dG9wLXNlY3JldC13ZWJob29rLWtleS0x']) {
      expect(all).not.toContain(secret);
    }
  });
});
