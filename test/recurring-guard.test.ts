// The SQL side of a series' all-or-nothing write (src/bookings/repo.ts seriesComplete): even a batch that bypassed the
// host's object and its checks leaves no occurrence behind when one of them overlaps.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { guardedInsert, insertAttendee, isSeriesIncomplete, seriesComplete, type NewBooking } from '../src/bookings/repo';
import { ATTENDEE, book, bookingRow, hostWithEventType, upcomingDate } from './helpers';

const MONDAY = upcomingDate(1, 7);

function occurrence(hostId: number, eventTypeId: number, seriesUid: string, startIso: string): NewBooking {
  return bookingRow(hostId, eventTypeId, Date.parse(startIso), { title: 'series', recurringBookingUid: seriesUid });
}

async function rowsOf(seriesUid: string) {
  return (await env.DB.prepare('SELECT COUNT(*) AS n FROM bookings WHERE recurring_booking_uid = ?').bind(seriesUid).first<{ n: number }>())!.n;
}

describe('the series guard in SQL', () => {
  it('one overlapping occurrence rolls back the whole batch', async () => {
    const { user, eventType } = await hostWithEventType();
    expect((await book(eventType.id, `${MONDAY}T11:00:00Z`)).status).toBe(201);
    const seriesUid = `ser${crypto.randomUUID().replace(/-/g, '').slice(0, 20)}`;
    const free = occurrence(user.id, eventType.id, seriesUid, `${MONDAY}T09:00:00Z`);
    const taken = occurrence(user.id, eventType.id, seriesUid, `${MONDAY}T11:00:00Z`);
    const batch = env.DB.batch([
      guardedInsert(env.DB, free),
      insertAttendee(env.DB, free.uid, ATTENDEE),
      guardedInsert(env.DB, taken),
      insertAttendee(env.DB, taken.uid, ATTENDEE),
      seriesComplete(env.DB, seriesUid, 2),
    ]);
    const error = await batch.then(() => null, (e: unknown) => e);
    expect(error).not.toBeNull();
    expect(isSeriesIncomplete(error)).toBe(true);
    expect(await rowsOf(seriesUid)).toBe(0);
  });

  it('a complete series commits', async () => {
    const { user, eventType } = await hostWithEventType();
    const seriesUid = `ser${crypto.randomUUID().replace(/-/g, '').slice(0, 20)}`;
    const a = occurrence(user.id, eventType.id, seriesUid, `${MONDAY}T09:00:00Z`);
    const b = occurrence(user.id, eventType.id, seriesUid, `${MONDAY}T10:00:00Z`);
    await env.DB.batch([guardedInsert(env.DB, a), guardedInsert(env.DB, b), seriesComplete(env.DB, seriesUid, 2)]);
    expect(await rowsOf(seriesUid)).toBe(2);
  });
});
