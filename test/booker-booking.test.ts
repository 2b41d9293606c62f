// The booking page, its .ics file, and rescheduling and cancelling through the pages.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { api, book, page, publicHost, upcomingDate } from './helpers';

async function booked(opts: { eventType?: Record<string, unknown>; timezone?: string } = {}) {
  const host = await publicHost({ timezone: opts.timezone ?? 'America/New_York', eventType: { location_type: 'zoom', location_value: 'https://zoom.example/j/1', ...opts.eventType } });
  const start = `${upcomingDate(2, 8)}T15:00:00Z`;
  const res = await book(host.eventType.id, start);
  expect(res.status).toBe(201);
  return { host, uid: res.json.uid as string, start };
}

describe('booking page /booking/{uid}', () => {
  it('shows what, when in the attendee’s zone and the host’s, who, where, status, and is never cached', async () => {
    const { host, uid } = await booked();
    const res = await page(`/booking/${uid}?fmt=24h`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.html).toContain('<h1>Intro Call</h1>');
    expect(res.html).toContain('Confirmed');
    // The helper's attendee is in New York (15:00Z = 10:00 in winter, 11:00 in summer); the host too: one line only.
    expect(res.html).toMatch(/id="when"><time [^>]+>Tuesday \d+ \w+ \d{4}, 1[01]:00<\/time>/);
    expect(res.html).toContain('(America/New_York, UTC-0');
    expect(res.html).not.toContain('id="host-time"');
    expect(res.html).toContain('Jane Doe (jane@example.com)');
    expect(res.html).toContain('https://zoom.example/j/1');
    expect(res.html).toContain(host.user.name);
    expect(res.html).toContain('href="https://calendar.google.com/calendar/render?action=TEMPLATE');
    expect(res.html).toContain('href="https://outlook.live.com/calendar/0/deeplink/compose?');
    expect(res.html).toContain('href="https://outlook.office.com/calendar/0/deeplink/compose?');
    expect(res.html).toContain(`href="/booking/${uid}.ics"`);
    expect(res.html).toContain(`href="/reschedule/${uid}?`);
    // Each calendar entry links back to the booking by its absolute URL (a relative one means nothing in a calendar).
    const hrefs = [...res.html.matchAll(/href="(https:\/\/(?:calendar\.google|outlook\.live|outlook\.office)\.com[^"]+)"/g)].map((m) => new URL(m[1]!.replaceAll('&amp;', '&')));
    expect(hrefs).toHaveLength(3);
    for (const href of hrefs) {
      expect(href.searchParams.get('details') ?? href.searchParams.get('body'), href.host).toBe(`Booked with calflare. Manage the booking: ${env.APP_URL}/booking/${uid}`);
    }
    // Another zone: the host's local time is printed too.
    const berlin = await page(`/booking/${uid}?tz=Europe/Berlin&fmt=24h`);
    expect(berlin.html).toContain('id="host-time"');
    expect(berlin.html).toMatch(/(16|17):00<\/time>/);
  });

  it('says a pending booking waits for the host; an unknown uid is a friendly 404', async () => {
    const { uid } = await booked({ eventType: { requires_confirmation: true } });
    expect((await page(`/booking/${uid}`)).html).toContain('Waiting for the host to confirm');
    const missing = await page('/booking/AAAAAAAAAAAAAAAAAAAAAA');
    expect(missing.status).toBe(404);
    expect(missing.html).toContain('There is no booking at this address.');
    expect((await page('/booking/short')).status).toBe(404);
  });

  it('serves the same .ics file as GET /v2/bookings/{uid}/ics (one UID and SEQUENCE with the emails)', async () => {
    const { uid, start } = await booked();
    const res = await page(`/booking/${uid}.ics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(res.html).toBe((await page(`/v2/bookings/${uid}/ics`)).html);
    expect(res.html).toContain(`UID:${uid}@`);
    expect(res.html).toContain(`/booking/${uid}`);
    expect((await page('/booking/AAAAAAAAAAAAAAAAAAAAAA.ics')).status).toBe(404);
    expect(res.html).toContain(`DTSTART:${start.replace(/[-:]/g, '')}\r\n`);
    expect(res.html).toContain('STATUS:CONFIRMED');
    expect(res.html).toContain('SUMMARY:Intro Call between');
  });

  it('cancels through the form with a reason; cancelling again is harmless; no reschedule afterwards', async () => {
    const { host, uid } = await booked();
    // The Cancel link's fragment lands on the form after the reload.
    expect((await page(`/booking/${uid}`)).html).toMatch(/href="\/booking\/[^"]+&amp;cancel=1#cancel-form"/);
    const form = await page(`/booking/${uid}?cancel=1`);
    expect(form.html).toContain('id="cancel-form"');
    expect(form.html).toContain('<label for="reason">');
    const tooLong = await page(`/booking/${uid}/cancel`, { form: { reason: 'x'.repeat(1001) } });
    expect(tooLong.status).toBe(400);
    expect(tooLong.html).toContain('role="alert"');
    const res = await page(`/booking/${uid}/cancel?tz=UTC&fmt=24h`, { form: { reason: 'Something came up' } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/booking/${uid}?tz=UTC&fmt=24h`);
    expect((await api('GET', `/v2/bookings/${uid}`)).json).toMatchObject({ status: 'cancelled', cancellation_reason: 'Something came up' });
    const after = await page(`/booking/${uid}`, { cookie: res.headers.get('set-cookie')!.split(';')[0]! });
    expect(after.html).toContain('Your booking is cancelled.');
    expect(after.html).toContain('Something came up');
    expect(after.html).not.toContain(`/reschedule/${uid}`);
    // A way back to the host's page to book another time.
    expect(after.html).toContain(`<a class="btn" href="/${host.username}" id="book-again">Book another time with ${host.user.name}</a>`);
    const refused = await page(`/reschedule/${uid}`);
    expect(refused.status).toBe(409);
    expect(refused.html).toContain('It was cancelled.');
    expect((await page(`/booking/${uid}/cancel`, { form: { reason: '' } })).status).toBe(303);
  });

  it('reschedules through the booker in reschedule mode, keeping the attendee, atomically through the API path', async () => {
    const { host, uid, start } = await booked();
    const picker = await page(`/reschedule/${uid}?tz=UTC&fmt=24h&date=${start.slice(0, 10)}`);
    expect(picker.status).toBe(200);
    expect(picker.html).toContain('Rescheduling the booking of Jane Doe (jane@example.com)');
    // Its own time stays on offer: moving it there frees it first.
    expect(picker.html).toContain(`data-start="${start}"`);
    const newStart = `${start.slice(0, 10)}T16:00:00Z`;
    expect(picker.html).toContain(`href="/reschedule/${uid}?start=${encodeURIComponent(newStart)}&amp;tz=UTC&amp;fmt=24h"`);
    const confirm = await page(`/reschedule/${uid}?start=${newStart}&tz=UTC&fmt=24h`);
    expect(confirm.status).toBe(200);
    expect(confirm.html).toContain('id="reschedule-form"');
    const res = await page(`/reschedule/${uid}`, { form: { start: newStart, tz: 'UTC', fmt: '24h', reason: 'Later suits me' } });
    expect(res.status).toBe(303);
    const moved = await api('GET', `/v2/bookings/${uid}`);
    expect(moved.json).toMatchObject({ start: newStart.replace('Z', '.000Z'), previous_start: start.replace('Z', '.000Z'), reschedule_reason: 'Later suits me', attendee: { name: 'Jane Doe' } });
    // A taken time re-renders the day with the message.
    const other = `${start.slice(0, 10)}T17:00:00Z`;
    expect((await book(host.eventType.id, other)).status).toBe(201);
    const taken = await page(`/reschedule/${uid}`, { form: { start: other, tz: 'UTC', fmt: '24h' } });
    expect(taken.status).toBe(409);
    expect(taken.html).toContain('That time was just taken.');
  });

  it('does not offer rescheduling or cancelling for a booking that has started', async () => {
    const { uid } = await booked();
    await env.DB.prepare('UPDATE bookings SET start_at = ?, end_at = ? WHERE uid = ?').bind(Date.now() - 7_200_000, Date.now() - 5_400_000, uid).run();
    const res = await page(`/booking/${uid}`);
    expect(res.html).not.toContain(`/reschedule/${uid}`);
    // Nor cancelling: once started, only the host may change it.
    expect(res.html).not.toContain('cancel=1');
    const cancel = await page(`/booking/${uid}/cancel`, { form: { reason: '' } });
    expect(cancel.status).toBe(409);
    expect(cancel.html).toContain('cannot be cancelled by the attendee');
    const refused = await page(`/reschedule/${uid}`);
    expect(refused.status).toBe(409);
    expect(refused.html).toContain('It has already started or is over.');
  });
});
