// booking_hosts: every booking's hosts and their occupied spans. The busy reads and the SQL guards of bookings and
// holds run on it, so a booking a host attends (even one they do not organize) blocks every event type of theirs.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { api, book, createEventType, expectError, hostWithEventType, reserve, upcomingDate } from './helpers';

const MONDAY = upcomingDate(1, 7);
const at = (hhmm: string) => `${MONDAY}T${hhmm}:00Z`;
const ms = (hhmm: string) => Date.parse(at(hhmm));

async function hostRows(uid: string) {
  const rows = await env.DB.prepare(
    'SELECT bh.user_id, bh.occupied_start, bh.occupied_end FROM booking_hosts bh JOIN bookings b ON b.id = bh.booking_id WHERE b.uid = ? ORDER BY bh.user_id',
  )
    .bind(uid)
    .all<{ user_id: number; occupied_start: number; occupied_end: number }>();
  return rows.results;
}

/** A second host attending an existing booking, as a team booking records it. */
async function attend(uid: string, userId: number) {
  await env.DB.prepare('INSERT INTO booking_hosts (booking_id, user_id, occupied_start, occupied_end) SELECT id, ?, occupied_start, occupied_end FROM bookings WHERE uid = ?')
    .bind(userId, uid)
    .run();
}

describe('booking_hosts', () => {
  it('a booking gets its host\'s row with the occupied span (buffers applied), and it follows a reschedule', async () => {
    const { user, eventType } = await hostWithEventType({ buffer_before_minutes: 10, buffer_after_minutes: 5 });
    const booked = await book(eventType.id, at('10:00'));
    expect(booked.status).toBe(201);
    expect(await hostRows(booked.json.uid)).toEqual([{ user_id: user.id, occupied_start: ms('09:50'), occupied_end: ms('10:35') }]);
    expect((await api('PATCH', `/v2/bookings/${booked.json.uid}`, { body: { start: at('13:00') } })).status).toBe(200);
    expect(await hostRows(booked.json.uid)).toEqual([{ user_id: user.id, occupied_start: ms('12:50'), occupied_end: ms('13:35') }]);
  });

  it('a booking a host attends without organizing it blocks their slots, bookings and holds; cancelling frees them', async () => {
    const organizer = await hostWithEventType();
    const guest = await hostWithEventType();
    const booked = await book(organizer.eventType.id, at('10:00'));
    await attend(booked.json.uid, guest.user.id);

    const slots = await api('GET', `/v2/slots/available?event_type_id=${guest.eventType.id}&start_time=${at('09:00')}&end_time=${at('11:00')}`);
    expect(Object.values(slots.json.slots).flat().map((s: any) => new Date(s.start).toISOString().slice(11, 16))).toEqual(['09:00', '09:30', '10:30']);
    expectError(await book(guest.eventType.id, at('10:00')), 409, 'slot_unavailable');
    expectError(await reserve(guest.eventType.id, at('10:00')), 409, 'slot_unavailable');
    // Another event type of the same guest host, overlapping by half.
    const long = await createEventType(guest.token, { duration_minutes: 60 });
    expectError(await book(long.id, at('09:30')), 409, 'slot_unavailable');

    expect((await api('DELETE', `/v2/bookings/${booked.json.uid}`, { body: {} })).status).toBe(200);
    expect((await book(guest.eventType.id, at('10:00'))).status).toBe(201);
  });

  it('the guard refuses a booking that overlaps one the host attends, even written around the object', async () => {
    const organizer = await hostWithEventType();
    const guest = await hostWithEventType();
    const booked = await book(organizer.eventType.id, at('11:00'));
    await attend(booked.json.uid, guest.user.id);
    const now = Date.now();
    const inserted = await env.DB.prepare(
      `INSERT INTO bookings (uid, event_type_id, host_id, title, start_at, end_at, occupied_start, occupied_end, status, created_at, updated_at)
       SELECT 'bypass-' || ?, ?, ?, 't', ?, ?, ?, ?, 'accepted', ?, ?
       WHERE NOT EXISTS (SELECT 1 FROM booking_hosts oh JOIN bookings o ON o.id = oh.booking_id
         WHERE oh.user_id = ? AND o.status IN ('accepted', 'pending') AND oh.occupied_start < ? AND oh.occupied_end > ?)`,
    )
      .bind(now, guest.eventType.id, guest.user.id, ms('11:15'), ms('11:45'), ms('11:15'), ms('11:45'), now, now, guest.user.id, ms('11:45'), ms('11:15'))
      .run();
    expect(inserted.meta.changes).toBe(0);
  });

  it('rescheduling a booking with two hosts is refused when the new time overlaps either host', async () => {
    const organizer = await hostWithEventType();
    const guest = await hostWithEventType();
    const shared = await book(organizer.eventType.id, at('09:00'));
    await attend(shared.json.uid, guest.user.id);
    expect((await book(guest.eventType.id, at('14:00'))).status).toBe(201);
    expectError(await api('PATCH', `/v2/bookings/${shared.json.uid}`, { body: { start: at('14:00') } }), 409, 'slot_unavailable');
    expect((await api('PATCH', `/v2/bookings/${shared.json.uid}`, { body: { start: at('15:00') } })).status).toBe(200);
    expect((await hostRows(shared.json.uid)).map((r) => r.occupied_start)).toEqual([ms('15:00'), ms('15:00')]);
  });
});
