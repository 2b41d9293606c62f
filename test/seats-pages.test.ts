// The public booking page of a seat (/booking/{seat_uid}): it shows that seat only, and cancels that seat only. A
// seated slot's own uid (the host's) has no public page.
import { describe, expect, it } from 'vitest';
import { ATTENDEE, book, dbRow, page, publicHost, upcomingDate, api } from './helpers';

describe('booking pages of seats', () => {
  it('a seat\'s page shows its holder, not the others; cancelling there frees that seat only', async () => {
    const host = await publicHost({ eventType: { seats_per_time_slot: 3 } });
    const start = `${upcomingDate(2, 8)}T15:00:00Z`;
    const a = { ...ATTENDEE, name: 'Ann Seat', email: `ann-${crypto.randomUUID().slice(0, 6)}@example.com` };
    const b = { ...ATTENDEE, name: 'Bo Seat', email: `bo-${crypto.randomUUID().slice(0, 6)}@example.com` };
    const seatA = (await book(host.eventType.id, start, { attendee: a })).json;
    const seatB = (await book(host.eventType.id, start, { attendee: b })).json;
    const res = await page(`/booking/${seatA.seat_uid}`);
    expect(res.status).toBe(200);
    expect(res.html).toContain(`Ann Seat (${a.email})`);
    expect(res.html).not.toContain(b.email);
    expect(res.html).toContain(`href="/booking/${seatA.seat_uid}.ics"`);

    const bookingUid = (await dbRow<{ uid: string }>('SELECT uid FROM bookings WHERE event_type_id = ?', host.eventType.id))!.uid;
    expect((await page(`/booking/${bookingUid}`)).status).toBe(404);

    expect((await page(`/booking/${seatA.seat_uid}/cancel`, { form: { reason: '' } })).status).toBe(303);
    expect((await api('GET', `/v2/bookings/${seatA.seat_uid}`)).json.status).toBe('cancelled');
    expect((await api('GET', `/v2/bookings/${seatB.seat_uid}`)).json.status).toBe('accepted');
    expect((await page(`/booking/${seatA.seat_uid}`)).html).toContain('Cancelled');
  });
});
