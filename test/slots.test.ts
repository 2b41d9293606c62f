import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { api, book, createEventType, expectError, hostWithEventType, issuePaths, makeUser, upcomingDate } from './helpers';

const MONDAY = upcomingDate(1, 7);
const query = (params: Record<string, string | number>) =>
  api('GET', `/v2/slots/available?${new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]))}`);

describe('GET /v2/slots/available', () => {
  it("answers the spec's shape, in the schedule's timezone by default", async () => {
    const host = await makeUser({ timezone: 'America/New_York' });
    const et = await createEventType(host.token);
    const res = await query({ event_type_id: et.id, start_time: `${MONDAY}T00:00:00Z`, end_time: `${MONDAY}T23:59:59Z` });
    expect(res.status).toBe(200);
    expect(res.json.event_type_id).toBe(et.id);
    expect(res.json.timezone).toBe('America/New_York');
    expect(res.json.duration_minutes).toBe(30);
    // 09:00-17:00 New York: the first slot carries the zone's offset; UTC midnight-to-midnight ends at 19:00 local.
    const day = res.json.slots[MONDAY] as { start: string; end: string }[];
    expect(day[0]!.start).toMatch(new RegExp(`^${MONDAY}T09:00:00-0[45]:00$`));
    expect(day[0]!.end).toMatch(new RegExp(`^${MONDAY}T09:30:00-0[45]:00$`));
    expect(day).toHaveLength(16);
  });

  it('groups by local dates of the requested timezone, with its offset', async () => {
    const { eventType } = await hostWithEventType();
    const res = await query({ event_type_id: eventType.id, start_time: `${MONDAY}T00:00:00Z`, end_time: `${MONDAY}T23:59:59Z`, timezone: 'Asia/Kathmandu' });
    expect(res.json.timezone).toBe('Asia/Kathmandu');
    // 09:00Z is 14:45 in Kathmandu (+05:45); 16:30Z is 22:15.
    const day = res.json.slots[MONDAY] as { start: string }[];
    expect(day[0]!.start).toBe(`${MONDAY}T14:45:00+05:45`);
    expect(day.at(-1)!.start).toBe(`${MONDAY}T22:15:00+05:45`);
  });

  it('leaves out slots taken by bookings and honours date overrides', async () => {
    const { eventType, user } = await hostWithEventType();
    await book(eventType.id, `${MONDAY}T10:00:00Z`);
    const tuesday = new Date(Date.parse(MONDAY) + 86_400_000).toISOString().slice(0, 10);
    const wednesday = new Date(Date.parse(MONDAY) + 2 * 86_400_000).toISOString().slice(0, 10);
    const schedule = await env.DB.prepare('SELECT id FROM booking_schedules WHERE user_id = ?').bind(user.id).first<{ id: number }>();
    await env.DB.batch([
      env.DB.prepare('INSERT INTO booking_date_overrides (schedule_id, date) VALUES (?, ?)').bind(schedule!.id, tuesday),
      env.DB.prepare("INSERT INTO booking_date_overrides (schedule_id, date, start_time, end_time) VALUES (?, ?, '12:00', '13:00')").bind(schedule!.id, wednesday),
    ]);
    const res = await query({ event_type_id: eventType.id, start_time: `${MONDAY}T00:00:00Z`, end_time: `${wednesday}T23:59:59Z`, timezone: 'UTC' });
    const times = (d: string) => ((res.json.slots[d] ?? []) as { start: string }[]).map((s) => s.start.slice(11, 16));
    expect(times(MONDAY)).not.toContain('10:00');
    expect(times(MONDAY)).toHaveLength(15);
    expect(times(tuesday)).toEqual([]);
    expect(times(wednesday)).toEqual(['12:00', '12:30']);
  });

  it('answers unknown and inactive event types with 404', async () => {
    expectError(await query({ event_type_id: 99_999_999, start_time: `${MONDAY}T00:00:00Z`, end_time: `${MONDAY}T23:59:59Z` }), 404, 'not_found');
    const { eventType } = await hostWithEventType({ is_active: false });
    expectError(await query({ event_type_id: eventType.id, start_time: `${MONDAY}T00:00:00Z`, end_time: `${MONDAY}T23:59:59Z` }), 404, 'not_found');
  });

  it.each([
    ['event_type_id', { start_time: '2027-03-01T00:00:00Z', end_time: '2027-03-02T00:00:00Z' }],
    ['event_type_id', { event_type_id: 'abc', start_time: '2027-03-01T00:00:00Z', end_time: '2027-03-02T00:00:00Z' }],
    ['start_time', { event_type_id: 1, start_time: 'tomorrow', end_time: '2027-03-02T00:00:00Z' }],
    ['end_time', { event_type_id: 1, start_time: '2027-03-01T00:00:00Z' }],
    ['end_time', { event_type_id: 1, start_time: '2027-03-02T00:00:00Z', end_time: '2027-03-01T00:00:00Z' }],
    ['end_time', { event_type_id: 1, start_time: '2027-03-01T00:00:00Z', end_time: '2027-06-03T00:00:01Z' }],
    ['timezone', { event_type_id: 1, start_time: '2027-03-01T00:00:00Z', end_time: '2027-03-02T00:00:00Z', timezone: 'Mars/Olympus' }],
    ['page', { event_type_id: 1, start_time: '2027-03-01T00:00:00Z', end_time: '2027-03-02T00:00:00Z', page: 2 }],
  ])('rejects an invalid %s with 400', async (path, params) => {
    const res = await query(params as Record<string, string | number>);
    expectError(res, 400, 'validation_failed');
    expect(issuePaths(res)).toContain(path);
  });

  it('accepts a range of exactly 93 days', async () => {
    const { eventType } = await hostWithEventType();
    const start = Date.parse(`${MONDAY}T00:00:00Z`);
    const res = await query({ event_type_id: eventType.id, start_time: new Date(start).toISOString(), end_time: new Date(start + 93 * 86_400_000).toISOString() });
    expect(res.status).toBe(200);
  });
});

describe('slots of hours that run through midnight day after day', () => {
  const dayAfter = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

  it('keeps one slot grid whatever range is asked, so a slot offered for a wide range is bookable', async () => {
    const host = await makeUser();
    const schedule = (await api('GET', '/v2/schedules', { token: host.token })).json.data[0];
    // A blocked day ends the run of 24-hour days: the grid of 50-minute slots counts from the next midnight. Pick a
    // blocked day after which whole days are no multiple of 50 minutes away from 2000-01-01.
    let blocked = dayAfter(new Date().toISOString().slice(0, 10), 10);
    while (((Date.parse(`${dayAfter(blocked, 1)}T00:00:00Z`) - Date.parse('2000-01-01T00:00:00Z')) / 60_000) % 50 === 0) blocked = dayAfter(blocked, 1);
    const allDay = [0, 1, 2, 3, 4, 5, 6].map((day_of_week) => ({ day_of_week, start_time: '00:00', end_time: '24:00' }));
    const patched = await api('PATCH', `/v2/schedules/${schedule.id}`, { token: host.token, body: { availability: allDay, date_overrides: [{ date: blocked }] } });
    expect(patched.status).toBe(200);
    const et = await createEventType(host.token, { duration_minutes: 50 });
    const target = dayAfter(blocked, 5);
    const slotsOf = async (from: string) => {
      const res = await query({ event_type_id: et.id, start_time: `${from}T00:00:00Z`, end_time: `${dayAfter(target, 1)}T00:00:00Z`, timezone: 'UTC' });
      expect(res.status).toBe(200);
      return res.json.slots[target] as { start: string }[];
    };
    const wide = await slotsOf(dayAfter(blocked, 1));
    expect(wide[0]!.start).toBe(`${target}T00:40:00+00:00`); // 5 days of 1440 minutes after the grid's start, on the 50-minute grid
    expect(await slotsOf(target)).toEqual(wide);
    const booked = await book(et.id, wide[0]!.start);
    expect(booked.status).toBe(201);
  });
});
