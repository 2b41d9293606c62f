// GET /v2/bookings/{uid}/ics through the real Worker, parsed with ical.js.
import { SELF } from 'cloudflare:test';
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { api, BASE, book, expectError, hostWithEventType, upcomingDate } from './helpers';

const MONDAY = upcomingDate(1, 7);
const at = (hhmm: string) => `${MONDAY}T${hhmm}:00Z`;

async function download(uid: string) {
  const res = await SELF.fetch(`${BASE}/v2/bookings/${uid}/ics`);
  const text = await res.text();
  return { res, text, cal: res.status === 200 ? new ICAL.Component(ICAL.parse(text)) : null };
}

function eventOf(cal: ICAL.Component) {
  const vevent = cal.getFirstSubcomponent('vevent')!;
  return { vevent, event: new ICAL.Event(vevent) };
}

describe('GET /v2/bookings/{uid}/ics', () => {
  it('answers the booking as a text/calendar attachment with its UID, times, people and SEQUENCE 0', async () => {
    const { user, eventType } = await hostWithEventType({ description: 'Let us talk', location_type: 'zoom', location_value: 'https://zoom.us/j/1' });
    const created = await book(eventType.id, at('10:00'));
    const { res, text, cal } = await download(created.json.uid);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="booking-${created.json.uid}.ics"`);
    expect(text).toMatch(/^BEGIN:VCALENDAR\r\n/);
    // A file to import is no iTIP message.
    expect(cal!.hasProperty('method')).toBe(false);
    const { vevent, event } = eventOf(cal!);
    expect(event.uid).toBe(`${created.json.uid}@calflare.example.com`);
    expect(event.sequence).toBe(0);
    expect(event.startDate.toJSDate().toISOString()).toBe(created.json.start);
    expect(event.endDate.toJSDate().toISOString()).toBe(created.json.end);
    expect(event.summary).toBe(created.json.title);
    expect(event.location).toBe('https://zoom.us/j/1');
    expect(event.description).toContain('Let us talk');
    expect(event.description).toContain('Looking forward to the meeting');
    expect(vevent.getFirstPropertyValue('status')).toBe('CONFIRMED');
    expect(vevent.getFirstProperty('organizer')!.getFirstValue()).toBe(`mailto:${user.email}`);
    expect(vevent.getFirstProperty('attendee')!.getFirstValue()).toBe('mailto:jane@example.com');
  });

  it('keeps the UID while SEQUENCE rises with reschedule (1) and cancel (2, STATUS:CANCELLED)', async () => {
    const { eventType } = await hostWithEventType();
    const { json: b } = await book(eventType.id, at('10:00'));
    const first = eventOf((await download(b.uid)).cal!);

    expect((await api('PATCH', `/v2/bookings/${b.uid}`, { body: { start: at('11:00') } })).status).toBe(200);
    const moved = eventOf((await download(b.uid)).cal!);
    expect(moved.event.uid).toBe(first.event.uid);
    expect(moved.event.sequence).toBe(1);
    expect(moved.event.startDate.toJSDate().toISOString()).toBe(`${MONDAY}T11:00:00.000Z`);

    expect((await api('DELETE', `/v2/bookings/${b.uid}`)).status).toBe(200);
    const cancelled = eventOf((await download(b.uid)).cal!);
    expect(cancelled.event.uid).toBe(first.event.uid);
    expect(cancelled.event.sequence).toBe(2);
    expect(cancelled.vevent.getFirstPropertyValue('status')).toBe('CANCELLED');

    // Cancelling again changes nothing the attendee sees, so SEQUENCE stays.
    expect((await api('DELETE', `/v2/bookings/${b.uid}`)).status).toBe(200);
    expect(eventOf((await download(b.uid)).cal!).event.sequence).toBe(2);
  });

  it('raises SEQUENCE when a pending request is confirmed (TENTATIVE, then CONFIRMED)', async () => {
    const { token, eventType } = await hostWithEventType({ requires_confirmation: true });
    const { json: b } = await book(eventType.id, at('10:00'));
    const pending = eventOf((await download(b.uid)).cal!);
    expect(pending.vevent.getFirstPropertyValue('status')).toBe('TENTATIVE');
    expect(pending.event.sequence).toBe(0);
    expect((await api('POST', `/v2/bookings/${b.uid}/confirm`, { token })).status).toBe(200);
    const confirmed = eventOf((await download(b.uid)).cal!);
    expect(confirmed.vevent.getFirstPropertyValue('status')).toBe('CONFIRMED');
    expect(confirmed.event.sequence).toBe(1);
  });

  it('a refused reschedule leaves SEQUENCE where it was', async () => {
    const { eventType } = await hostWithEventType();
    const { json: b } = await book(eventType.id, at('10:00'));
    await book(eventType.id, at('12:00'));
    expectError(await api('PATCH', `/v2/bookings/${b.uid}`, { body: { start: at('12:00') } }), 409, 'slot_unavailable');
    expect(eventOf((await download(b.uid)).cal!).event.sequence).toBe(0);
  });

  it('an unknown or malformed uid is a JSON 404', async () => {
    expectError(await api('GET', '/v2/bookings/AAAAAAAAAAAAAAAAAAAAAA/ics'), 404, 'not_found');
    expectError(await api('GET', '/v2/bookings/x/ics'), 404, 'not_found');
  });
});
