// What each notification says and how it is packed: MIME parsed with postal-mime, the calendar part with ical.js.
import ICAL from 'ical.js';
import PostalMime from 'postal-mime';
import { describe, expect, it } from 'vitest';
import type { BookingCalendarData } from '../src/invites/booking-event';
import type { WebhookTrigger } from '../src/db/schema';
import { renderNotification } from '../src/notifications/content';
import { buildMime, encodeHeaderText, formatAddress } from '../src/notifications/mime';
import type { NotificationPayload } from '../src/notifications/payload';
import { formatWhen } from '../src/notifications/when';
import { hostEventUid } from '../src/invites/site';
import { calendarBooking } from './invites-helpers';

const site = { baseUrl: 'https://cal.example.com', domain: 'cal.example.com' };

function payload(trigger: WebhookTrigger, over: Partial<BookingCalendarData> = {}, extra: Partial<NotificationPayload> = {}): NotificationPayload {
  return {
    trigger,
    booking: calendarBooking({
      description: null,
      locationType: 'zoom',
      locationValue: 'https://zoom.us/j/1',
      attendee: { name: 'Jane Doe', email: 'jane@example.com', notes: 'Agenda: pricing' },
      ...over,
    }),
    hostTimezone: 'Europe/Berlin',
    attendeeTimezone: 'America/New_York',
    previous: null,
    reason: null,
    ...extra,
  };
}

async function message(p: NotificationPayload, role: 'attendee' | 'host', messageId = 'ntf_1@cal.example.com') {
  const content = await renderNotification(p, role, site, Date.UTC(2025, 10, 2));
  const to = role === 'attendee' ? p.booking.attendee : p.booking.organizer;
  const raw = await buildMime({
    from: { name: 'calflare', email: 'bookings@cal.example.com' },
    to: { name: to.name, email: to.email },
    replyTo: null,
    subject: content.subject,
    messageId,
    date: Date.UTC(2025, 10, 2),
    text: content.text,
    html: content.html,
    calendar: content.calendar,
  });
  return { raw, content, parsed: await PostalMime.parse(raw) };
}

function calendarOf(parsed: Awaited<ReturnType<typeof PostalMime.parse>>) {
  const part = parsed.attachments.find((a) => a.mimeType === 'text/calendar');
  expect(part, 'a text/calendar part').toBeDefined();
  const text = typeof part!.content === 'string' ? part!.content : new TextDecoder().decode(part!.content);
  const cal = new ICAL.Component(ICAL.parse(text));
  const vevent = cal.getFirstSubcomponent('vevent')!;
  return { part: part!, cal, vevent, event: new ICAL.Event(vevent) };
}

describe('invitation MIME', () => {
  it('carries headers, plain text, HTML, the iMIP REQUEST part and an .ics attachment', async () => {
    const { raw, parsed } = await message(payload('BOOKING_CREATED'), 'attendee');
    expect(raw.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of raw.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
    expect(parsed.messageId).toBe('<ntf_1@cal.example.com>');
    expect(parsed.from).toMatchObject({ name: 'calflare', address: 'bookings@cal.example.com' });
    expect(parsed.to?.[0]).toMatchObject({ name: 'Jane Doe', address: 'jane@example.com' });
    expect(parsed.subject).toMatch(/^Confirmed: meeting with Hannah Host \(Mon, Nov 17, 9:00\s?AM EST\)$/);
    expect(parsed.text).toContain('Your meeting is booked');
    expect(parsed.html).toContain('<h1');
    expect(parsed.html).not.toMatch(/<img|src="http/);
    const { part, cal, event } = calendarOf(parsed);
    expect(part.method).toBe('REQUEST');
    expect(cal.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(event.uid).toBe('bk_0123456789abcdef@cal.example.com');
    expect(event.sequence).toBe(0);
    const file = parsed.attachments.find((a) => a.filename === 'invite.ics');
    expect(file?.disposition).toBe('attachment');
    expect(file?.mimeType).toBe('application/ics');
  });

  it('a cancel carries METHOD:CANCEL with STATUS:CANCELLED and the raised SEQUENCE', async () => {
    const { parsed } = await message(payload('BOOKING_CANCELLED', { status: 'cancelled', sequence: 2 }, { reason: 'Something came up' }), 'attendee');
    const { part, cal, vevent, event } = calendarOf(parsed);
    expect(part.method).toBe('CANCEL');
    expect(cal.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(vevent.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(event.sequence).toBe(2);
    expect(parsed.subject).toMatch(/^Cancelled: /);
    expect(parsed.text).toContain('Reason: Something came up');
    expect(parsed.attachments.some((a) => a.filename === 'cancel.ics')).toBe(true);
  });

  it('is the same bytes every time it is built (a retry is the same message)', async () => {
    const a = await message(payload('BOOKING_CREATED'), 'host');
    const b = await message(payload('BOOKING_CREATED'), 'host');
    expect(a.raw).toBe(b.raw);
  });

  it('encodes non-ASCII subjects and names and decodes back to them', async () => {
    const p = payload('BOOKING_CREATED', { title: 'Réunion — 会議 with Zoë 🎉 '.repeat(4).trim(), attendee: { name: 'Zoë Ökonom', email: 'zoe@example.com', notes: null } });
    const { parsed } = await message(p, 'attendee');
    expect(parsed.to?.[0]).toMatchObject({ name: 'Zoë Ökonom', address: 'zoe@example.com' });
    expect((await message(p, 'host')).parsed.subject).toMatch(/^New booking: Zoë Ökonom \(/);
    for (const line of encodeHeaderText(p.booking.title).split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
  });

  it('keeps what an anonymous booker typed out of the attendee\'s subject, and cuts it short in the host\'s', async () => {
    const bait = 'URGENT your account is locked call +1 555 0100 now '.repeat(4);
    const p = payload('BOOKING_CREATED', { title: `Intro Call between Hannah Host and ${bait}`, attendee: { name: bait, email: 'victim@example.com', notes: null } });
    const toVictim = (await message(p, 'attendee')).parsed.subject!;
    expect(toVictim).not.toContain('URGENT');
    expect(toVictim).toMatch(/^Confirmed: meeting with Hannah Host \(/);
    const toHost = (await message(p, 'host')).parsed.subject!;
    expect(toHost).toMatch(/^New booking: URGENT your account is locked call…  ?\(|^New booking: .{1,40}… \(/);
    expect(toHost.length).toBeLessThan(80);
  });

  it('keeps header injection out: line breaks in names and subjects become spaces', () => {
    expect(encodeHeaderText('Hi\r\nBcc: evil@example.com')).toBe('Hi Bcc: evil@example.com');
    expect(formatAddress({ name: 'A\r\nB "q"', email: 'a@example.com' })).toBe('"A B \\"q\\"" <a@example.com>');
  });
});

describe('the host\'s copy', () => {
  it('carries no attendee capability: its invite has the host\'s UID and link, and no link to the attendee\'s page', async () => {
    const p = payload('BOOKING_CREATED');
    const host = await message(p, 'host');
    const everything = [host.content.text, host.content.html, host.content.calendar.ics.replace(/\r\n[ \t]/g, '')].join('\n');
    expect(everything).not.toContain(p.booking.uid);
    for (const capability of ['/booking/', '/reschedule/', '/v2/bookings/']) expect(everything).not.toContain(capability);
    const { event } = calendarOf(host.parsed);
    expect(event.uid).toBe(`${await hostEventUid(p.booking.uid)}@cal.example.com`);
    expect(host.content.text).toContain('https://cal.example.com/admin/bookings?from=');
    // The attendee's copy keeps the booking's own UID and page: the uid is their capability.
    const attendee = await message(p, 'attendee');
    expect(calendarOf(attendee.parsed).event.uid).toBe(`${p.booking.uid}@cal.example.com`);
    expect(attendee.content.text).toContain(`https://cal.example.com/booking/${p.booking.uid}`);
  });
});

describe('notification wording', () => {
  it('shows times in the recipient\'s zone with the zone named', async () => {
    const attendee = await message(payload('BOOKING_CREATED'), 'attendee');
    expect(attendee.parsed.text).toMatch(/When: Monday, November 17, 2025, 9:00\sAM – 9:30\sAM EST \(America\/New_York\)/);
    const host = await message(payload('BOOKING_CREATED'), 'host');
    expect(host.parsed.text).toMatch(/When: Monday, November 17, 2025, 3:00\sPM – 3:30\sPM GMT\+1 \(Europe\/Berlin\)/);
    expect(host.parsed.text).toContain('Attendee: Jane Doe <jane@example.com>');
    expect(attendee.parsed.text).toContain('Host: Hannah Host <host@example.com>');
  });

  it('names the zone in force on each side of a DST change', () => {
    // 2025-11-02 05:30Z-07:30Z in New York: 1:30 AM EDT to 2:30 AM EST.
    expect(formatWhen(Date.UTC(2025, 10, 2, 5, 30), Date.UTC(2025, 10, 2, 7, 30), 'America/New_York')).toMatch(
      /^Sunday, November 2, 2025, 1:30\sAM – 2:30\sAM EDT\/EST \(America\/New_York\)$/,
    );
  });

  it('a reschedule shows the old time beside the new one', async () => {
    const p = payload('BOOKING_RESCHEDULED', { sequence: 1, startAt: Date.UTC(2025, 10, 18, 14), endAt: Date.UTC(2025, 10, 18, 14, 30) }, { previous: { startAt: Date.UTC(2025, 10, 17, 14), endAt: Date.UTC(2025, 10, 17, 14, 30) } });
    const { parsed } = await message(p, 'attendee');
    expect(parsed.subject).toMatch(/^Rescheduled: /);
    expect(parsed.text).toMatch(/When: Tuesday, November 18/);
    expect(parsed.text).toMatch(/^Was: Monday, November 17/m);
    expect(parsed.text).not.toContain('(was)');
    expect(calendarOf(parsed).event.sequence).toBe(1);
  });

  it('a reschedule carries its reason to host and attendee, in text and HTML', async () => {
    const p = payload('BOOKING_RESCHEDULED', { sequence: 1 }, { previous: { startAt: Date.UTC(2025, 10, 17, 14), endAt: Date.UTC(2025, 10, 17, 14, 30) }, reason: 'Clash with a flight' });
    for (const role of ['attendee', 'host'] as const) {
      const { parsed } = await message(p, role);
      expect(parsed.text, role).toContain('Reason: Clash with a flight');
      expect(parsed.html, role).toMatch(/>Reason<\/th>\s*<td[^>]*>Clash with a flight<\/td>/);
    }
  });

  it('a pending request tells the attendee it awaits the host, with a TENTATIVE invite', async () => {
    const { parsed } = await message(payload('BOOKING_REQUESTED', { status: 'pending' }), 'attendee');
    expect(parsed.subject).toMatch(/^Request received: /);
    expect(parsed.text).toContain('Hannah Host will confirm or decline it');
    expect(calendarOf(parsed).vevent.getFirstPropertyValue('status')).toBe('TENTATIVE');
    const host = await message(payload('BOOKING_REQUESTED', { status: 'pending' }), 'host');
    expect(host.parsed.subject).toMatch(/^Booking request: /);
  });

  it('HTML escapes what the attendee wrote', async () => {
    const { parsed } = await message(payload('BOOKING_CREATED', { attendee: { name: 'Jane <b>Doe</b>', email: 'jane@example.com', notes: '<script>alert(1)</script>' } }), 'host');
    expect(parsed.html).not.toContain('<script>');
    expect(parsed.html).toContain('&lt;script&gt;');
  });
});
