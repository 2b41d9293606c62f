// Recurring bookings over the API: a series is booked all or nothing, each occurrence checked by the slot rules in the
// host schedule's zone; the series is read and cancelled by scope; slots can ask for N free occurrences.
import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api, ATTENDEE, book, createEventType, expectError, makeUser } from './helpers';

const WEEKLY = { freq: 'weekly', interval: 1, count: 4 };
const someone = () => ({ ...ATTENDEE, email: `series-${crypto.randomUUID()}@example.com` });
const iso = (t: number) => new Date(t).toISOString();
const WEEK = 7 * 86_400_000;

/** A host in `timezone` (Mon-Fri 09:00-17:00 there) with an event type bookable up to two years ahead. */
async function recurringHost(eventType: Record<string, unknown> = {}, timezone = 'UTC') {
  const host = await makeUser({ timezone });
  const et = await createEventType(host.token, { booking_window_days: 730, recurring_event: WEEKLY, ...eventType });
  return { ...host, eventType: et };
}

/** The first Monday at least 28 days ahead, 10:00 UTC. */
function mondayAhead(weeks = 4): number {
  const d = new Date(Date.now() + weeks * WEEK);
  while (d.getUTCDay() !== 1) d.setUTCDate(d.getUTCDate() + 1);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 10);
}

async function seriesRows(eventTypeId: number) {
  const { results } = await env.DB.prepare('SELECT uid, start_at, status, recurring_booking_uid FROM bookings WHERE event_type_id = ? ORDER BY start_at').bind(eventTypeId).all<{ uid: string; start_at: number; status: string; recurring_booking_uid: string | null }>();
  return results;
}

beforeEach(() => {
  vi.spyOn(globalThis, 'fetch').mockImplementation(async () => new Response('ok', { status: 200 }));
});
afterEach(() => vi.restoreAllMocks());

describe('the recurring_event field', () => {
  it('is answered, accepts Cal.com numeric freq (2 = weekly, 1 = monthly, 0 = yearly) and refuses bad values', async () => {
    const { token } = await makeUser();
    const numeric = await createEventType(token, { recurring_event: { freq: 1, interval: 2, count: 6 } });
    expect(numeric.recurring_event).toEqual({ freq: 'monthly', interval: 2, count: 6 });
    for (const [bad, path] of [
      [{ freq: 'daily', interval: 1, count: 4 }, 'recurring_event.freq'],
      [{ freq: 'weekly', interval: 13, count: 4 }, 'recurring_event.interval'],
      [{ freq: 'weekly', interval: 1, count: 1 }, 'recurring_event.count'],
      [{ freq: 'weekly', interval: 1, count: 53 }, 'recurring_event.count'],
      [{ freq: 3, interval: 1, count: 4 }, 'recurring_event.freq'],
    ] as const) {
      const res = await api('POST', '/v2/event-types', { token, body: { title: 'R', slug: `r-${crypto.randomUUID().slice(0, 8)}`, duration_minutes: 30, recurring_event: bad } });
      expectError(res, 400, 'validation_failed');
      expect(res.json.error.issues.map((i: { path: string }) => i.path)).toContain(path);
    }
  });
});

describe('booking a series', () => {
  it('a weekly series across the New York spring change keeps the host’s 09:00; the series uid lists it', async () => {
    const { eventType } = await recurringHost({}, 'America/New_York');
    // Monday 2027-03-01 09:00 EST = 14:00Z; from 2027-03-14 New York is on EDT, so 09:00 is 13:00Z.
    const res = await book(eventType.id, '2027-03-01T14:00:00Z', { attendee: someone() });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    const starts = res.json.occurrences.map((o: { start: string }) => o.start);
    expect(starts).toEqual(['2027-03-01T14:00:00.000Z', '2027-03-08T14:00:00.000Z', '2027-03-15T13:00:00.000Z', '2027-03-22T13:00:00.000Z']);
    const seriesUid = res.json.recurring_booking_uid;
    expect(seriesUid).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
    expect(res.json.uid).toBe(res.json.occurrences[0].uid);
    expect(new Set(res.json.occurrences.map((o: { uid: string }) => o.uid)).size).toBe(4);
    const series = await api('GET', `/v2/bookings/${seriesUid}`);
    expect(series.status).toBe(200);
    expect(series.json.recurring_booking_uid).toBe(seriesUid);
    expect(series.json.occurrences.map((o: { start: string }) => o.start)).toEqual(starts);
    // Each occurrence is a booking of its own.
    const one = await api('GET', `/v2/bookings/${res.json.occurrences[2].uid}`);
    expect(one.json).toMatchObject({ start: '2027-03-15T13:00:00.000Z', recurring_booking_uid: seriesUid });
  });

  it('one busy occurrence refuses the whole series, names it, and writes nothing', async () => {
    const { eventType, token } = await recurringHost();
    const first = mondayAhead();
    const other = await createEventType(token);
    expect((await book(other.id, iso(first + 2 * WEEK), { attendee: someone() })).status).toBe(201);
    const res = await book(eventType.id, iso(first), { attendee: someone() });
    expectError(res, 409, 'slot_unavailable');
    expect(res.json.error.conflicts).toEqual([{ index: 2, start: iso(first + 2 * WEEK), reason: expect.stringContaining('overlaps') }]);
    expect(res.json.error.message).toContain('Occurrence 3 of 4');
    expect(await seriesRows(eventType.id)).toEqual([]);
  });

  it('recurrence_count books fewer occurrences; more than the count, or on a single event type, is a 400', async () => {
    const { eventType, token } = await recurringHost();
    const two = await book(eventType.id, iso(mondayAhead()), { attendee: someone(), recurrence_count: 2 });
    expect(two.status).toBe(201);
    expect(two.json.occurrences).toHaveLength(2);
    const tooMany = await book(eventType.id, iso(mondayAhead(12)), { attendee: someone(), recurrence_count: 5 });
    expectError(tooMany, 400, 'validation_failed');
    expect(tooMany.json.error.issues[0].path).toBe('recurrence_count');
    const single = await createEventType(token);
    expectError(await book(single.id, iso(mondayAhead()), { attendee: someone(), recurrence_count: 2 }), 400, 'validation_failed');
  });

  it('a monthly series on the 31st skips the months without one', async () => {
    const host = await makeUser();
    const everyDay = await api('POST', '/v2/schedules', {
      token: host.token,
      body: { name: 'Every day', timezone: 'UTC', availability: [0, 1, 2, 3, 4, 5, 6].map((d) => ({ day_of_week: d, start_time: '09:00', end_time: '17:00' })) },
    });
    expect(everyDay.status).toBe(201);
    const et = await createEventType(host.token, { booking_window_days: 730, schedule_id: everyDay.json.id, recurring_event: { freq: 'monthly', interval: 1, count: 3 } });
    const res = await book(et.id, '2027-01-31T10:00:00Z', { attendee: someone() });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    expect(res.json.occurrences.map((o: { start: string }) => o.start)).toEqual(['2027-01-31T10:00:00.000Z', '2027-03-31T10:00:00.000Z', '2027-05-31T10:00:00.000Z']);
  });

  it('cannot bypass booking limits: its own earlier occurrences count', async () => {
    const { eventType } = await recurringHost({ booking_limits_count: { month: 2 } });
    // Four Mondays of March 2027: the third and fourth would exceed two a month.
    const res = await book(eventType.id, '2027-03-01T10:00:00Z', { attendee: someone() });
    expectError(res, 409, 'slot_unavailable');
    expect(res.json.error.conflicts.map((c: { index: number }) => c.index)).toEqual([2, 3]);
    expect(res.json.error.conflicts[0].reason).toMatch(/at most 2 bookings per calendar month/);
    expect(await seriesRows(eventType.id)).toEqual([]);
  });

  it('each occurrence fires its own webhook with recurringEventId', async () => {
    const { eventType, token } = await recurringHost({ recurring_event: { freq: 'weekly', interval: 2, count: 3 } });
    expect((await api('POST', '/v2/webhooks', { token, body: { subscriber_url: 'https://hooks.example.com/r', event_triggers: ['BOOKING_CREATED'] } })).status).toBe(201);
    const res = await book(eventType.id, iso(mondayAhead()), { attendee: someone() });
    expect(res.status).toBe(201);
    const { results } = await env.DB.prepare(
      `SELECT d.payload, b.uid FROM booking_webhook_deliveries d JOIN bookings b ON b.id = d.booking_id WHERE b.event_type_id = ? ORDER BY b.start_at`,
    )
      .bind(eventType.id)
      .all<{ payload: string; uid: string }>();
    expect(results).toHaveLength(3);
    for (const [i, row] of results.entries()) {
      const body = JSON.parse(row.payload);
      expect(body.triggerEvent).toBe('BOOKING_CREATED');
      expect(body.payload).toMatchObject({ uid: res.json.occurrences[i].uid, recurringEventId: res.json.recurring_booking_uid });
    }
  });
});

describe('racing a single booking', () => {
  it('a series and a single booking into one of its occurrences: exactly one wins, no overlap', async () => {
    for (let round = 0; round < 3; round++) {
      const { eventType, token } = await recurringHost();
      const other = await createEventType(token);
      const first = mondayAhead(4 + round);
      const [series, single] = await Promise.all([book(eventType.id, iso(first), { attendee: someone() }), book(other.id, iso(first + 3 * WEEK), { attendee: someone() })]);
      expect([series.status, single.status].sort()).toEqual([201, 409]);
      const { results } = await env.DB.prepare(
        `SELECT COUNT(*) AS n FROM bookings a JOIN bookings b ON a.host_id = b.host_id AND a.id < b.id
         WHERE a.status = 'accepted' AND b.status = 'accepted' AND a.occupied_start < b.occupied_end AND b.occupied_start < a.occupied_end AND a.host_id = ?`,
      )
        .bind(other.owner_id)
        .all<{ n: number }>();
      expect(results[0]!.n).toBe(0);
      expect((await seriesRows(eventType.id)).length).toBe(series.status === 201 ? 4 : 0);
    }
  });
});

describe('cancelling by scope', () => {
  it('this, following, all', async () => {
    const { eventType } = await recurringHost();
    const res = await book(eventType.id, iso(mondayAhead()), { attendee: someone() });
    const uids = res.json.occurrences.map((o: { uid: string }) => o.uid) as string[];
    const statuses = async () => (await seriesRows(eventType.id)).map((r) => r.status);

    const one = await api('DELETE', `/v2/bookings/${uids[1]}`, { body: { scope: 'this', reason: 'Away' } });
    expect(one.status).toBe(200);
    expect(one.json).toMatchObject({ uid: uids[1], status: 'cancelled', cancellation_reason: 'Away' });
    expect(await statuses()).toEqual(['accepted', 'cancelled', 'accepted', 'accepted']);

    expect((await api('DELETE', `/v2/bookings/${uids[2]}`, { body: { scope: 'following' } })).status).toBe(200);
    expect(await statuses()).toEqual(['accepted', 'cancelled', 'cancelled', 'cancelled']);

    const again = await book(eventType.id, iso(mondayAhead(12)), { attendee: someone() });
    const later = again.json.occurrences.map((o: { uid: string }) => o.uid) as string[];
    expect((await api('DELETE', `/v2/bookings/${later[2]}`, { body: { scope: 'all' } })).status).toBe(200);
    const rows = (await seriesRows(eventType.id)).filter((r) => r.recurring_booking_uid === again.json.recurring_booking_uid);
    expect(rows.map((r) => r.status)).toEqual(['cancelled', 'cancelled', 'cancelled', 'cancelled']);
    // The first series' remaining occurrence is untouched.
    expect((await api('GET', `/v2/bookings/${uids[0]}`)).json.status).toBe('accepted');
    expectError(await api('DELETE', `/v2/bookings/${uids[0]}`, { body: { scope: 'sometimes' } }), 400, 'validation_failed');
  });
});

describe('slots for a series', () => {
  it('recurrence_count=N offers only starts whose N occurrences are all free', async () => {
    const { eventType, token } = await recurringHost();
    const first = mondayAhead(); // a Monday, 10:00 UTC
    const other = await createEventType(token);
    expect((await book(other.id, iso(first + 3 * WEEK), { attendee: someone() })).status).toBe(201);
    const day = iso(first).slice(0, 10);
    const query = (extra: string) => api('GET', `/v2/slots/available?event_type_id=${eventType.id}&start_time=${day}T00:00:00Z&end_time=${day}T23:59:00Z${extra}`);
    const starts = (res: { json: { slots: Record<string, { start: string }[]> } }) => (res.json.slots[day] ?? []).map((s) => s.start.slice(11, 16));
    const plain = await query('');
    expect(starts(plain)).toContain('10:00');
    const four = await query('&recurrence_count=4');
    expect(four.status).toBe(200);
    expect(starts(four)).not.toContain('10:00');
    expect(starts(four)).toContain('10:30');
    expect(starts(await query('&recurrence_count=3'))).toContain('10:00');
    // What the slots offer books, and what they leave out is refused.
    expectError(await book(eventType.id, iso(first), { attendee: someone() }), 409, 'slot_unavailable');
    expect((await book(eventType.id, iso(first + 30 * 60_000), { attendee: someone() })).status).toBe(201);
    expectError(await query('&recurrence_count=5'), 400, 'validation_failed');
    expectError(await api('GET', `/v2/slots/available?event_type_id=${other.id}&start_time=${day}T00:00:00Z&end_time=${day}T23:59:00Z&recurrence_count=2`), 400, 'validation_failed');
  });
});
