// Booking limits over the API: the event type fields, the slots they leave out, the 409s of the booking check, and
// max_active_bookings_per_booker.
import { describe, expect, it } from 'vitest';
import { api, ATTENDEE, book, expectError, hostWithEventType, makeUser, createEventType, upcomingDate } from './helpers';

const MONDAY = upcomingDate(1, 7);
const dayAfter = (date: string, n: number) => new Date(Date.parse(date) + n * 86_400_000).toISOString().slice(0, 10);
const at = (date: string, time: string) => `${date}T${time}:00.000Z`;

async function slotsOf(eventTypeId: number, from: string, to: string, timezone = 'UTC') {
  const res = await api('GET', `/v2/slots/available?event_type_id=${eventTypeId}&start_time=${from}&end_time=${to}&timezone=${timezone}`);
  expect(res.status).toBe(200);
  return res.json.slots as Record<string, { start: string }[]>;
}

const someone = () => ({ ...ATTENDEE, email: `limits-${crypto.randomUUID()}@example.com` });

describe('event type fields', () => {
  it('are answered, default to none, and can be changed', async () => {
    const { eventType, token } = await hostWithEventType();
    expect(eventType).toMatchObject({ booking_limits_count: null, booking_limits_duration: null, only_show_first_available_slot: false, max_active_bookings_per_booker: null });
    const res = await api('PATCH', `/v2/event-types/${eventType.id}`, {
      token,
      body: { booking_limits_count: { day: 2, week: 5 }, booking_limits_duration: { month: 600 }, only_show_first_available_slot: true, max_active_bookings_per_booker: 3 },
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ booking_limits_count: { day: 2, week: 5 }, booking_limits_duration: { month: 600 }, only_show_first_available_slot: true, max_active_bookings_per_booker: 3 });
    // {} is no limit.
    const cleared = await api('PATCH', `/v2/event-types/${eventType.id}`, { token, body: { booking_limits_count: {}, booking_limits_duration: null } });
    expect(cleared.json).toMatchObject({ booking_limits_count: null, booking_limits_duration: null });
  });

  it('refuse day > week (and the like), unknown periods, zero and fractions with a 400 naming the field', async () => {
    const { token } = await makeUser();
    const cases: [Record<string, unknown>, string][] = [
      [{ booking_limits_count: { day: 3, week: 2 } }, 'booking_limits_count.week'],
      [{ booking_limits_duration: { week: 600, year: 300 } }, 'booking_limits_duration.year'],
      [{ booking_limits_count: { fortnight: 2 } }, 'booking_limits_count.fortnight'],
      [{ booking_limits_count: { day: 0 } }, 'booking_limits_count.day'],
      [{ booking_limits_duration: { day: 1.5 } }, 'booking_limits_duration.day'],
      [{ max_active_bookings_per_booker: 0 }, 'max_active_bookings_per_booker'],
    ];
    for (const [body, path] of cases) {
      const res = await api('POST', '/v2/event-types', { token, body: { title: 'Limited', slug: `l-${crypto.randomUUID().slice(0, 8)}`, duration_minutes: 30, ...body } });
      expectError(res, 400, 'validation_failed');
      expect(res.json.error.issues.map((i: { path: string }) => i.path)).toContain(path);
    }
  });
});

describe('count and duration limits', () => {
  it('a full day is not offered and a booking into it is 409 slot_unavailable naming the limit; cancelling frees it', async () => {
    const { eventType } = await hostWithEventType({ booking_limits_count: { day: 1 } });
    const first = await book(eventType.id, at(MONDAY, '09:00'), { attendee: someone() });
    expect(first.status).toBe(201);
    const slots = await slotsOf(eventType.id, at(MONDAY, '00:00'), at(dayAfter(MONDAY, 2), '00:00'));
    expect(slots[MONDAY]).toBeUndefined();
    expect(slots[dayAfter(MONDAY, 1)]).toHaveLength(16);
    const refused = await book(eventType.id, at(MONDAY, '11:00'), { attendee: someone() });
    expectError(refused, 409, 'slot_unavailable');
    expect(refused.json.error.message).toMatch(/at most 1 booking per day/);
    expect((await api('DELETE', `/v2/bookings/${first.json.uid}`)).status).toBe(200);
    expect((await book(eventType.id, at(MONDAY, '11:00'), { attendee: someone() })).status).toBe(201);
  });

  it('pending requests count', async () => {
    const { eventType } = await hostWithEventType({ booking_limits_count: { day: 1 }, requires_confirmation: true });
    const pending = await book(eventType.id, at(MONDAY, '09:00'), { attendee: someone() });
    expect(pending.json.status).toBe('pending');
    expectError(await book(eventType.id, at(MONDAY, '14:00'), { attendee: someone() }), 409, 'slot_unavailable');
    expect((await slotsOf(eventType.id, at(MONDAY, '00:00'), at(dayAfter(MONDAY, 1), '00:00')))[MONDAY]).toBeUndefined();
  });

  it('other event types of the host do not count', async () => {
    const { eventType, token } = await hostWithEventType({ booking_limits_count: { day: 1 } });
    const other = await createEventType(token);
    expect((await book(other.id, at(MONDAY, '09:00'), { attendee: someone() })).status).toBe(201);
    expect((await book(eventType.id, at(MONDAY, '10:00'), { attendee: someone() })).status).toBe(201);
  });

  it('a duration limit: 60 minutes a week is two 30-minute bookings', async () => {
    const { eventType } = await hostWithEventType({ booking_limits_duration: { week: 60 } });
    expect((await book(eventType.id, at(MONDAY, '09:00'), { attendee: someone() })).status).toBe(201);
    expect((await book(eventType.id, at(dayAfter(MONDAY, 2), '09:00'), { attendee: someone() })).status).toBe(201);
    const refused = await book(eventType.id, at(dayAfter(MONDAY, 4), '09:00'), { attendee: someone() });
    expectError(refused, 409, 'slot_unavailable');
    expect(refused.json.error.message).toMatch(/60 minutes of bookings per week \(Monday to Sunday\)/);
    // The next Monday starts a new week.
    expect((await book(eventType.id, at(dayAfter(MONDAY, 7), '09:00'), { attendee: someone() })).status).toBe(201);
  });

  it('rescheduling within a full week is allowed: the booking does not count against its own move', async () => {
    const { eventType } = await hostWithEventType({ booking_limits_count: { week: 1 } });
    const booked = await book(eventType.id, at(MONDAY, '09:00'), { attendee: someone() });
    expect(booked.status).toBe(201);
    const moved = await api('PATCH', `/v2/bookings/${booked.json.uid}`, { body: { start: at(dayAfter(MONDAY, 3), '15:00') } });
    expect(moved.status).toBe(200);
    expect(moved.json.start).toBe(at(dayAfter(MONDAY, 3), '15:00'));
    expectError(await book(eventType.id, at(MONDAY, '09:00'), { attendee: someone() }), 409, 'slot_unavailable');
  });

  it('periods are the host schedule zone days (Pacific/Honolulu, UTC-10), whatever zone slots are asked in', async () => {
    const host = await makeUser({ timezone: 'Pacific/Honolulu' });
    const eventType = await createEventType(host.token, { booking_limits_count: { day: 1 } });
    // Monday 16:00 in Honolulu is Tuesday 02:00 UTC: it fills the host's Monday, not Tuesday.
    expect((await book(eventType.id, at(dayAfter(MONDAY, 1), '02:00'), { attendee: someone() })).status).toBe(201);
    const honolulu = await slotsOf(eventType.id, at(MONDAY, '00:00'), at(dayAfter(MONDAY, 3), '00:00'), 'Pacific/Honolulu');
    expect(honolulu[MONDAY]).toBeUndefined();
    expect(honolulu[dayAfter(MONDAY, 1)]?.[0]?.start).toBe(`${dayAfter(MONDAY, 1)}T09:00:00-10:00`);
    // Tuesday 19:00 UTC is 09:00 Tuesday in Honolulu: bookable; Monday 19:00 UTC (09:00 Monday there) is not.
    expectError(await book(eventType.id, at(MONDAY, '19:00'), { attendee: someone() }), 409, 'slot_unavailable');
    expect((await book(eventType.id, at(dayAfter(MONDAY, 1), '19:00'), { attendee: someone() })).status).toBe(201);
  });
});

describe('only_show_first_available_slot', () => {
  it('offers only the first free start of each day and refuses the others', async () => {
    const { eventType } = await hostWithEventType({ only_show_first_available_slot: true });
    expect((await book(eventType.id, at(MONDAY, '09:00'), { attendee: someone() })).status).toBe(201);
    const slots = await slotsOf(eventType.id, at(MONDAY, '00:00'), at(dayAfter(MONDAY, 2), '00:00'));
    expect(slots[MONDAY]!.map((s) => s.start)).toEqual([`${MONDAY}T09:30:00+00:00`]);
    expect(slots[dayAfter(MONDAY, 1)]!.map((s) => s.start)).toEqual([`${dayAfter(MONDAY, 1)}T09:00:00+00:00`]);
    const refused = await book(eventType.id, at(MONDAY, '11:00'), { attendee: someone() });
    expectError(refused, 409, 'slot_unavailable');
    expect(refused.json.error.message).toContain('first available start');
  });
});

describe('max_active_bookings_per_booker', () => {
  it('one email may hold that many upcoming bookings of the event type; more is 409 booker_limit_reached', async () => {
    const { eventType, token } = await hostWithEventType({ max_active_bookings_per_booker: 2 });
    const attendee = someone();
    const first = await book(eventType.id, at(MONDAY, '09:00'), { attendee });
    expect(first.status).toBe(201);
    expect((await book(eventType.id, at(MONDAY, '10:00'), { attendee })).status).toBe(201);
    const over = await book(eventType.id, at(MONDAY, '11:00'), { attendee: { ...attendee, email: attendee.email.toUpperCase() } });
    expectError(over, 409, 'booker_limit_reached');
    expect(over.json.error.message).toContain('2 upcoming bookings of this event type');
    // Another email, and another event type of the same host, are unaffected.
    expect((await book(eventType.id, at(MONDAY, '11:00'), { attendee: someone() })).status).toBe(201);
    const other = await createEventType(token);
    expect((await book(other.id, at(MONDAY, '12:00'), { attendee })).status).toBe(201);
    // Cancelling one frees a place.
    expect((await api('DELETE', `/v2/bookings/${first.json.uid}`)).status).toBe(200);
    expect((await book(eventType.id, at(MONDAY, '13:00'), { attendee })).status).toBe(201);
  });

  it('supersedes the host-wide cap of 10 for its event type', async () => {
    const { eventType } = await hostWithEventType({ max_active_bookings_per_booker: 12 });
    const attendee = someone();
    for (let i = 0; i < 12; i++) {
      const res = await book(eventType.id, at(MONDAY, `${String(9 + Math.floor(i / 2)).padStart(2, '0')}:${i % 2 ? '30' : '00'}`), { attendee });
      expect(res.status, JSON.stringify(res.json)).toBe(201);
    }
    expectError(await book(eventType.id, at(MONDAY, '16:00'), { attendee }), 409, 'booker_limit_reached');
  });

  it('parallel bookings by one email cannot pass the limit', async () => {
    const { eventType } = await hostWithEventType({ max_active_bookings_per_booker: 3 });
    const attendee = someone();
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => book(eventType.id, at(dayAfter(MONDAY, 1), `${String(9 + i % 8).padStart(2, '0')}:${i < 8 ? '00' : '30'}`), { attendee })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    for (const r of results.filter((r) => r.status !== 201)) expectError(r, 409, 'booker_limit_reached');
  });
});
