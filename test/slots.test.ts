import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { api, book, expectError, hostWithEventType, makeUser, createEventType, upcomingDate } from './helpers';

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
    expect(res.json.error.issues.map((i: { path: string }) => i.path)).toContain(path);
  });

  it('accepts a range of exactly 93 days', async () => {
    const { eventType } = await hostWithEventType();
    const start = Date.parse(`${MONDAY}T00:00:00Z`);
    const res = await query({ event_type_id: eventType.id, start_time: new Date(start).toISOString(), end_time: new Date(start + 93 * 86_400_000).toISOString() });
    expect(res.status).toBe(200);
  });
});
