// The D1 round-trip budget of the main routes. A change that adds a query fails here and must raise the budget
// knowingly (and update the table in docs/DESIGN.md). Counted by wrapping the binding in the test isolate
// (test/d1-probe.ts); the Server-Timing header the Worker computes itself must agree.
import { describe, expect, it } from 'vitest';
import { measureD1 } from './d1-probe';
import { SELF } from 'cloudflare:test';
import { api, BASE, book, hostWithEventType, makeAdmin, TEST_PASSWORD, upcomingDate } from './helpers';
import { reminderWorkflow } from './workflows-helpers';

/** `d1;dur=1.2;desc="2"` → { d1: 2, ... } : the count of each Server-Timing metric that has one. */
function timingCounts(header: string | null): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().split(';');
    const desc = params.find((p) => p.startsWith('desc='))?.slice(6, -1);
    if (name && desc !== undefined) counts[name] = Number(desc);
  }
  return counts;
}

async function cost(method: string, path: string, opts: Parameters<typeof api>[2] = {}) {
  const { result, calls } = await measureD1(() => api(method, path, opts));
  return { res: result, calls, timing: timingCounts(result.headers.get('server-timing')) };
}

describe('D1 round trips per request', () => {
  it('GET /v2/slots/available: 1', async () => {
    const host = await hostWithEventType({ email_notifications: false });
    const day = upcomingDate(1);
    const { res, calls, timing } = await cost('GET', `/v2/slots/available?event_type_id=${host.eventType.id}&start_time=${day}T00:00:00Z&end_time=${day}T23:59:59Z`);
    expect(res.status).toBe(200);
    expect(calls).toBe(1);
    expect(timing).toEqual({ d1: 1 });
  });

  it('GET /v2/bookings/{uid}: 1', async () => {
    const host = await hostWithEventType({ email_notifications: false });
    const created = await book(host.eventType.id, `${upcomingDate(1)}T10:00:00Z`);
    const { res, calls, timing } = await cost('GET', `/v2/bookings/${created.json.uid}`);
    expect(res.status).toBe(200);
    expect(calls).toBe(1);
    expect(timing).toEqual({ d1: 1 });
  });

  it('GET /v2/event-types: 1, and 1 more with a session token', async () => {
    const host = await hostWithEventType({ email_notifications: false });
    const anonymous = await cost('GET', '/v2/event-types');
    expect(anonymous.res.status).toBe(200);
    expect(anonymous.calls).toBe(1);
    const signedIn = await cost('GET', '/v2/event-types', { token: host.token });
    expect(signedIn.res.status).toBe(200);
    expect(signedIn.calls).toBe(2);
    expect(signedIn.timing).toEqual({ d1: 2 });
  });

  it('POST /v2/bookings: 1 in the Worker (find the host), 2 inside the HostCalendar object, one object call', async () => {
    // Emails off: their queue consumer would run beside the request and be counted too (the case with emails is last).
    const host = await hostWithEventType({ email_notifications: false });
    const { res, calls, timing } = await cost('POST', '/v2/bookings', {
      body: { event_type_id: host.eventType.id, start: `${upcomingDate(2)}T10:00:00Z`, attendee: { name: 'A', email: 'a@example.com', timezone: 'UTC' } },
    });
    expect(res.status).toBe(201);
    expect(timing).toEqual({ d1: 1, do: 1, 'do-d1': 2 });
    expect(calls).toBe(3);
  });

  it('a booking with two reminders costs no extra round trip: its steps are scheduled, moved and voided in its own batch', async () => {
    const host = await hostWithEventType({ email_notifications: false, booking_fields: [{ name: 'mobile', type: 'phone', label: 'Mobile', sms_consent: true }] });
    // An email the day before, and an email and an SMS 1 hour before.
    expect((await reminderWorkflow(host.token, host.eventType.id, 24 * 60)).status).toBe(201);
    expect((await reminderWorkflow(host.token, host.eventType.id, 60, { steps: [{ action: 'email_attendee' }, { action: 'sms_attendee' }] })).status).toBe(201);
    const day = upcomingDate(2);
    const booked = await cost('POST', '/v2/bookings', {
      body: {
        event_type_id: host.eventType.id,
        start: `${day}T10:00:00Z`,
        attendee: { name: 'A', email: 'a@example.com', timezone: 'UTC' },
        booking_fields_responses: { mobile: '+14155552671', sms_consent: true },
      },
    });
    expect(booked.res.status).toBe(201);
    // The same as a booking without reminders (above); the alarm is set in the object's own storage.
    expect(booked.timing).toEqual({ d1: 1, do: 1, 'do-d1': 2 });
    expect(booked.calls).toBe(3);
    const uid = booked.res.json.uid;
    const moved = await cost('PATCH', `/v2/bookings/${uid}`, { body: { start: `${day}T11:00:00Z` } });
    expect(moved.timing).toEqual({ d1: 1, do: 1, 'do-d1': 3 });
    const cancelled = await cost('DELETE', `/v2/bookings/${uid}`, { body: {} });
    expect(cancelled.timing).toEqual({ d1: 1, do: 1, 'do-d1': 2 });
    // The host's view lists them: its session, the booking, its steps.
    const read = await cost('GET', `/v2/bookings/${uid}`, { token: host.token });
    expect(read.res.json.reminders.map((r: { action: string; status: string }) => `${r.action}:${r.status}`)).toEqual(['email_attendee:voided', 'email_attendee:voided', 'sms_attendee:voided']);
    expect(read.timing).toEqual({ d1: 3 });
  });

  it('the other main routes, each with its session lookup where it has one', async () => {
    const host = await hostWithEventType({ email_notifications: false });
    const day = upcomingDate(4);
    const moved = await book(host.eventType.id, `${day}T10:00:00Z`);
    const cancelled = await book(host.eventType.id, `${day}T12:00:00Z`);
    // [method, path, options, D1 calls in the Worker, D1 calls inside the object (undefined: no object call)]
    const budgets: [string, string, Parameters<typeof api>[2], number, number?][] = [
      ['GET', '/health', {}, 0],
      ['GET', '/v2/me', { token: host.token }, 1],
      ['GET', '/v2/bookings', { token: host.token }, 2],
      ['GET', '/v2/schedules', { token: host.token }, 3],
      ['GET', '/v2/webhooks', { token: host.token }, 2],
      ['GET', `/v2/event-types/${host.eventType.id}`, { token: host.token }, 2],
      ['PATCH', `/v2/bookings/${moved.json.uid}`, { body: { start: `${day}T11:00:00Z` } }, 1, 3],
      ['DELETE', `/v2/bookings/${cancelled.json.uid}`, { body: {} }, 1, 2],
      ['POST', '/v2/event-types', { token: host.token, body: { title: 'Budget', slug: `budget-${Date.now()}`, duration_minutes: 15 } }, 4],
      ['POST', '/v2/auth/login', { body: { email: host.user.email, password: TEST_PASSWORD } }, 4],
    ];
    for (const [method, path, opts, worker, object] of budgets) {
      const { res, calls, timing } = await cost(method, path, opts);
      expect(res.status, `${method} ${path}`).toBeLessThan(300);
      expect(timing, `${method} ${path}`).toEqual(object === undefined ? { d1: worker } : { d1: worker, do: 1, 'do-d1': object });
      expect(calls, `${method} ${path}`).toBe(worker + (object ?? 0));
    }
  });

  // The fifth: the live slot reservations shown above the bookings (with their event type and host, one query).
  it('the admin bookings page: 5', async () => {
    const admin = await makeAdmin();
    const { result, calls } = await measureD1(async () => {
      const res = await SELF.fetch(`${BASE}/admin/bookings`, { headers: { cookie: `session=${admin.token}` } });
      await res.text();
      return res;
    });
    expect(result.status).toBe(200);
    expect(calls).toBe(5);
    expect(timingCounts(result.headers.get('server-timing'))).toEqual({ d1: 5 });
  });
});

// Last in the file: its emails are sent in the background, where the probe would count them in a later test.
describe('D1 round trips with email notifications on', () => {
  it('POST /v2/bookings with email notifications: one more inside the object, marking the outbox rows enqueued', async () => {
    const host = await hostWithEventType();
    const { res, timing } = await cost('POST', '/v2/bookings', {
      body: { event_type_id: host.eventType.id, start: `${upcomingDate(2)}T11:00:00Z`, attendee: { name: 'A', email: 'a@example.com', timezone: 'UTC' } },
    });
    expect(res.status).toBe(201);
    // The Worker's own count (the probe would also see the email consumer working in the background).
    expect(timing).toEqual({ d1: 1, do: 1, 'do-d1': 3 });
  });
});
