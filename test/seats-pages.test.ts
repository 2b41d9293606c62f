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

  it('the booker says how many seats are left at each time, when the event type asks for it', async () => {
    const day = upcomingDate(2, 8);
    const start = `${day}T15:00:00Z`;
    const shown = await publicHost({ eventType: { seats_per_time_slot: 10, seats_show_availability_count: true } });
    await book(shown.eventType.id, start, { attendee: { ...ATTENDEE, email: `s-${crypto.randomUUID().slice(0, 6)}@example.com` } });
    const res = await page(`${shown.booker}?date=${day}&tz=UTC&fmt=24h`);
    const link = (at: string) => new RegExp(`<a [^>]*aria-label="([^"]+)"[^>]*data-start="${at}"[^>]*>([\\s\\S]*?)</a>`).exec(res.html);
    const taken = link(start);
    expect(taken?.[1]).toMatch(/, 15:00, available, 9 of 10 seats left$/);
    expect(taken?.[2]).toContain('9 of 10 seats left');
    expect(link(`${day}T14:00:00Z`)?.[2]).toContain('10 of 10 seats left');

    const hidden = await publicHost({ eventType: { seats_per_time_slot: 10, seats_show_availability_count: false } });
    await book(hidden.eventType.id, start, { attendee: { ...ATTENDEE, email: `h-${crypto.randomUUID().slice(0, 6)}@example.com` } });
    expect((await page(`${hidden.booker}?date=${day}&tz=UTC&fmt=24h`)).html).not.toContain('seats left');
  });
});
