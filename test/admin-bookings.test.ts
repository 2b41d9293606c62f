// The admin's Bookings tab: list and filter bookings, confirm, decline and cancel them.
import { describe, expect, it } from 'vitest';
import { ATTENDEE, book, dbRow, follow, getPage, hostWithEventType, signedInAdmin, upcomingDate } from './helpers';

describe('admin Bookings tab', () => {
  const MONDAY = upcomingDate(1);

  async function bookedHost(eventType: Record<string, unknown> = {}, start = `${MONDAY}T14:00:00Z`) {
    const host = await hostWithEventType(eventType);
    const res = await book(host.eventType.id, start);
    expect(res.status).toBe(201);
    return { host, booking: res.json as { uid: string; status: string } };
  }

  const bookingRow = (html: string, uid: string) => new RegExp(`<tr id="booking-${uid}"[\\s\\S]*?</tr>`).exec(html)?.[0];
  const statusOf = async (uid: string) => (await dbRow<{ status: string }>('SELECT status FROM bookings WHERE uid = ?', uid))!.status;

  it('lists a booking with attendee, host, event type, status, and times in UTC by default', async () => {
    const { host, booking } = await bookedHost({ title: 'Strategy Session' });
    const admin = await signedInAdmin();
    const res = await getPage(`/admin/bookings?from=${MONDAY}&to=${MONDAY}&limit=200`, admin.cookie);
    const tr = bookingRow(res.html, booking.uid)!;
    expect(tr).toBeTruthy();
    expect(tr).toContain(ATTENDEE.name);
    expect(tr).toContain(ATTENDEE.email);
    expect(tr).toContain(ATTENDEE.timezone);
    expect(tr).toContain(ATTENDEE.notes);
    expect(tr).toContain(host.user.email);
    expect(tr).toContain('Strategy Session');
    expect(tr).toContain('Accepted');
    expect(tr).toMatch(/<time class="start" datetime="[^"]+">[^<]*14:00<\/time>/);
    expect(tr).toMatch(/<time class="end" datetime="[^"]+">14:30<\/time>/);
    expect(res.html).not.toContain('Some filters were ignored');
  });

  it('shows start and end in the chosen timezone, and keeps it in every link', async () => {
    const { booking } = await bookedHost();
    const admin = await signedInAdmin();
    const res = await getPage(`/admin/bookings?tz=Asia%2FKolkata&from=${MONDAY}&to=${MONDAY}&limit=200`, admin.cookie);
    const tr = bookingRow(res.html, booking.uid)!;
    // 14:00Z is 19:30 in India (UTC+05:30 all year).
    expect(tr).toMatch(/<time class="start"[^>]*>[^<]*19:30<\/time>/);
    expect(tr).toMatch(/<time class="end"[^>]*>20:00<\/time>/);
    expect(res.html).toContain('value="Asia/Kolkata"');
    expect(tr).toContain(`name="back" value="/admin/bookings?from=${MONDAY}&amp;to=${MONDAY}&amp;tz=Asia%2FKolkata&amp;limit=200"`);
  });

  it('reports an unknown timezone in the page and falls back to UTC', async () => {
    const admin = await signedInAdmin();
    const res = await getPage('/admin/bookings?tz=Mars%2FOlympus', admin.cookie);
    expect(res.status).toBe(200);
    expect(res.html).toContain('tz: Unknown IANA timezone');
    expect(res.html).toContain('Times in UTC.');
  });

  it('filters by status and by date range (whole days of the chosen zone)', async () => {
    const { booking: first } = await bookedHost({}, `${MONDAY}T09:00:00Z`);
    const { booking: second } = await bookedHost({ requires_confirmation: true }, `${MONDAY}T16:00:00Z`);
    expect(second.status).toBe('pending');
    const admin = await signedInAdmin();
    const html = async (query: string) => (await getPage(`/admin/bookings?${query}&limit=200`, admin.cookie)).html;

    const pending = await html(`status=pending&from=${MONDAY}&to=${MONDAY}`);
    expect(bookingRow(pending, second.uid)).toBeTruthy();
    expect(bookingRow(pending, first.uid)).toBeUndefined();

    // Monday 16:00Z is already Tuesday in Tokyo (UTC+9): a Monday-only range there holds only the 09:00Z booking.
    const tokyoMonday = await html(`tz=Asia%2FTokyo&from=${MONDAY}&to=${MONDAY}`);
    expect(bookingRow(tokyoMonday, first.uid)).toBeTruthy();
    expect(bookingRow(tokyoMonday, second.uid)).toBeUndefined();

    const backwards = await html(`from=${MONDAY}&to=2000-01-01`);
    expect(backwards).toContain('to: to must be after from');
  });

  it('pages with a cursor: “Next page” continues where the last page ended, filters kept', async () => {
    const host = await hostWithEventType();
    const uids: string[] = [];
    for (const hour of ['09', '10', '11']) uids.push((await book(host.eventType.id, `${MONDAY}T${hour}:00:00Z`)).json.uid);
    const admin = await signedInAdmin();
    const seen: string[] = [];
    let url: string | undefined = `/admin/bookings?from=${MONDAY}&to=${MONDAY}&status=accepted&limit=2`;
    for (let pages = 0; url && pages < 100; pages++) {
      const res = await getPage(url, admin.cookie);
      for (const m of res.html.matchAll(/<tr id="booking-([^"]+)"/g)) seen.push(m[1]!);
      url = /<a class="btn small" href="([^"]+)" rel="next">/.exec(res.html)?.[1]?.replace(/&amp;/g, '&');
      if (url) expect(url).toContain('status=accepted');
    }
    expect(seen.filter((uid) => uids.includes(uid))).toEqual(uids);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('cancels a booking with a reason and returns to the same view', async () => {
    const { booking } = await bookedHost();
    const admin = await signedInAdmin();
    const back = `/admin/bookings?tz=Asia%2FKolkata`;
    const res = await admin.post(`/admin/bookings/${booking.uid}/cancel`, { reason: 'Host is ill', back });
    expect(res.status).toBe(303);
    expect(res.location).toBe(back);
    expect(await dbRow('SELECT status, cancellation_reason FROM bookings WHERE uid = ?', booking.uid)).toEqual({ status: 'cancelled', cancellation_reason: 'Host is ill' });
    expect((await follow(res, admin.cookie)).html).toContain('cancelled.');
  });

  it('confirms a pending booking', async () => {
    const { booking } = await bookedHost({ requires_confirmation: true });
    const admin = await signedInAdmin();
    const list = await getPage(`/admin/bookings?status=pending&limit=200`, admin.cookie);
    expect(bookingRow(list.html, booking.uid)).toContain(`action="/admin/bookings/${booking.uid}/confirm"`);
    const res = await admin.post(`/admin/bookings/${booking.uid}/confirm`, { back: '/admin/bookings' });
    expect(res.status).toBe(303);
    expect(await statusOf(booking.uid)).toBe('accepted');
  });

  it('declines a pending booking with a reason', async () => {
    const { booking } = await bookedHost({ requires_confirmation: true });
    const admin = await signedInAdmin();
    const res = await admin.post(`/admin/bookings/${booking.uid}/decline`, { reason: 'Fully booked', back: '/admin/bookings' });
    expect(res.status).toBe(303);
    expect(await dbRow('SELECT status, rejection_reason FROM bookings WHERE uid = ?', booking.uid)).toEqual({ status: 'rejected', rejection_reason: 'Fully booked' });
  });

  it('shows a refused decision as a message and changes nothing', async () => {
    const { booking } = await bookedHost();
    const admin = await signedInAdmin();
    const res = await admin.post(`/admin/bookings/${booking.uid}/confirm`, { back: '/admin/bookings' });
    expect(res.status).toBe(303);
    expect(await statusOf(booking.uid)).toBe('accepted');
    const page = await follow(res, admin.cookie);
    expect(page.html).toContain('class="flash error"');
    expect(page.html).toContain('Nothing changed');
  });

  it('refuses a reason longer than the API allows', async () => {
    const { booking } = await bookedHost();
    const admin = await signedInAdmin();
    const res = await admin.post(`/admin/bookings/${booking.uid}/cancel`, { reason: 'x'.repeat(1001) });
    expect((await follow(res, admin.cookie)).html).toContain('Nothing changed: reason:');
    expect(await statusOf(booking.uid)).toBe('accepted');
  });
});

