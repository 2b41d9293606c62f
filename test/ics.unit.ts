// The iCalendar module, checked by parsing every output with ical.js (a parser nobody here wrote).
import fc from 'fast-check';
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { bookingEvent, type BookingCalendarData } from '../src/invites/booking-event';
import { escapeText, foldLine, icsUid, renderCalendar, type IcsMethod } from '../src/invites/ics';
import { calendarBooking } from './invites-helpers';
import { runs } from './runs';

const site = { domain: 'cal.example.com', bookingUrl: 'https://cal.example.com/booking/abc' };

const booking = calendarBooking;

const octets = (s: string) => new TextEncoder().encode(s).length;

/** The raw text obeys RFC 5545's line rules, then ical.js reads it. */
function parse(text: string) {
  expect(text.endsWith('\r\n')).toBe(true);
  expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  for (const line of text.split('\r\n')) expect(octets(line)).toBeLessThanOrEqual(75);
  const cal = new ICAL.Component(ICAL.parse(text));
  const vevents = cal.getAllSubcomponents('vevent');
  expect(vevents).toHaveLength(1);
  const vevent = vevents[0]!;
  const event = new ICAL.Event(vevent);
  return { cal, vevent, event };
}

function render(b: BookingCalendarData, method?: IcsMethod, stamp = Date.UTC(2025, 10, 2)) {
  return renderCalendar({ method, events: [bookingEvent(b, site, stamp)] });
}

describe('ICS for a booking', () => {
  it('has every field of the invitation, read back by ical.js', () => {
    const { cal, vevent, event } = parse(render(booking(), 'REQUEST'));
    expect(cal.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(cal.getFirstPropertyValue('version')).toBe('2.0');
    expect(cal.getFirstPropertyValue('prodid')).toContain('calflare');
    expect(event.uid).toBe('bk_0123456789abcdef@cal.example.com');
    expect(event.sequence).toBe(0);
    expect(event.summary).toBe('Intro Call between Hannah Host and Jane Doe');
    expect(event.startDate.toJSDate().getTime()).toBe(Date.UTC(2025, 10, 17, 14, 0));
    expect(event.endDate.toJSDate().getTime()).toBe(Date.UTC(2025, 10, 17, 14, 30));
    expect(event.startDate.zone.tzid).toBe('UTC');
    expect((vevent.getFirstPropertyValue('dtstamp') as ICAL.Time).toJSDate().getTime()).toBe(Date.UTC(2025, 10, 2));
    expect(event.location).toBe('https://meet.google.com/abc-defg-hij');
    expect(event.description).toContain('A quick call.');
    expect(event.description).toContain('Looking forward to it');
    expect(event.description).toContain('https://cal.example.com/booking/abc');
    expect(vevent.getFirstPropertyValue('status')).toBe('CONFIRMED');
    const organizer = vevent.getFirstProperty('organizer')!;
    expect(organizer.getFirstValue()).toBe('mailto:host@example.com');
    expect(organizer.getParameter('cn')).toBe('Hannah Host');
    const attendee = vevent.getFirstProperty('attendee')!;
    expect(attendee.getFirstValue()).toBe('mailto:jane@example.com');
    expect(attendee.getParameter('cn')).toBe('Jane Doe');
    expect(attendee.getParameter('partstat')).toBe('ACCEPTED');
    expect(attendee.getParameter('rsvp')).toBe('FALSE');
  });

  it('keeps the UID across reschedule and cancel while SEQUENCE rises, with METHOD and STATUS of each step', () => {
    const steps = [
      { b: booking(), method: 'REQUEST' as const, status: 'CONFIRMED' },
      { b: booking({ sequence: 1, startAt: Date.UTC(2025, 10, 18, 9), endAt: Date.UTC(2025, 10, 18, 9, 30) }), method: 'REQUEST' as const, status: 'CONFIRMED' },
      { b: booking({ sequence: 2, status: 'cancelled' }), method: 'CANCEL' as const, status: 'CANCELLED' },
    ];
    const parsed = steps.map((s) => ({ ...parse(render(s.b, s.method)), step: s }));
    expect(new Set(parsed.map((p) => p.event.uid)).size).toBe(1);
    expect(parsed.map((p) => p.event.sequence)).toEqual([0, 1, 2]);
    for (const p of parsed) {
      expect(p.cal.getFirstPropertyValue('method')).toBe(p.step.method);
      expect(p.vevent.getFirstPropertyValue('status')).toBe(p.step.status);
    }
    expect(parsed[1]!.event.startDate.toJSDate().getTime()).toBe(Date.UTC(2025, 10, 18, 9));
  });

  it('marks a pending request TENTATIVE and a declined one CANCELLED', () => {
    expect(parse(render(booking({ status: 'pending' }), 'REQUEST')).vevent.getFirstPropertyValue('status')).toBe('TENTATIVE');
    expect(parse(render(booking({ status: 'rejected', sequence: 1 }), 'CANCEL')).vevent.getFirstPropertyValue('status')).toBe('CANCELLED');
  });

  it('puts a booking across the autumn DST change at the right UTC instants', () => {
    // New York leaves DST at 2025-11-02 06:00Z: 01:30 EDT to 01:30 EST is two hours of real time.
    const startAt = Date.UTC(2025, 10, 2, 5, 30);
    const endAt = Date.UTC(2025, 10, 2, 7, 30);
    const { event } = parse(render(booking({ startAt, endAt })));
    expect(event.startDate.toJSDate().getTime()).toBe(startAt);
    expect(event.endDate.toJSDate().getTime()).toBe(endAt);
    expect(event.duration.toSeconds()).toBe(7200);
  });

  it('folds long non-ASCII titles and notes at 75 octets without breaking characters', () => {
    const title = 'Réunion très importante — 会議について話しましょう 🎉 '.repeat(6).trim();
    const notes = 'Ünïcödé notes with emoji 🙂🙂🙂 and a long tail '.repeat(10).trim();
    const text = render(booking({ title, attendee: { name: 'Zoë Ökonom', email: 'zoe@example.com', notes } }));
    expect(text).toContain('\r\n ');
    const { event, vevent } = parse(text);
    expect(event.summary).toBe(title);
    expect(event.description).toContain(notes);
    expect(vevent.getFirstProperty('attendee')!.getParameter('cn')).toBe('Zoë Ökonom');
  });

  it('round-trips a description with ; , \\ and newlines', () => {
    const description = 'Agenda; part one, part two\\three\nline two\r\nline three\n\nend';
    const { event } = parse(render(booking({ description, attendee: { ...booking().attendee, notes: null } })));
    expect(event.description).toBe('Agenda; part one, part two\\three\nline two\nline three\n\nend\n\nManage this booking: https://cal.example.com/booking/abc');
  });

  it('keeps names with quotes, colons and semicolons inside their CN parameter', () => {
    const { vevent } = parse(render(booking({ organizer: { name: 'Dr. "Who"; Time: Lord', email: 'who@example.com' } })));
    const organizer = vevent.getFirstProperty('organizer')!;
    expect(organizer.getParameter('cn')).toBe('Dr. Who; Time: Lord');
    expect(organizer.getFirstValue()).toBe('mailto:who@example.com');
  });

  it('names the kind of location when there is no link or address', () => {
    expect(parse(render(booking({ locationType: 'zoom', locationValue: null }))).event.location).toBe('Zoom');
    expect(parse(render(booking({ locationType: null, locationValue: null }))).vevent.hasProperty('location')).toBe(false);
  });

  it('any summary and description survive rendering and parsing (property)', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 300 });
    fc.assert(
      fc.property(text, text, (summary, description) => {
        const clean = (s: string) => s.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
        fc.pre(clean(summary).length > 0);
        const { event } = parse(render(booking({ title: summary, description, attendee: { ...booking().attendee, notes: null } })));
        expect(event.summary).toBe(clean(summary.replace(/\r\n|\r/g, '\n')));
        const expected = clean(description.replace(/\r\n|\r/g, '\n'));
        expect(event.description).toBe(expected ? `${expected}\n\nManage this booking: ${site.bookingUrl}` : `Manage this booking: ${site.bookingUrl}`);
      }),
      { numRuns: runs(300) },
    );
  });
});

describe('ICS building blocks', () => {
  it('derives the UID from the booking uid and the domain', () => {
    expect(icsUid('abc', 'cal.example.com')).toBe('abc@cal.example.com');
  });

  it('escapes TEXT per RFC 5545 3.3.11', () => {
    expect(escapeText('a\\b;c,d\ne')).toBe('a\\\\b\\;c\\,d\\ne');
  });

  it('leaves short lines alone and folds every piece of a long one to at most 75 octets', () => {
    expect(foldLine('SUMMARY:short')).toBe('SUMMARY:short');
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 0, maxLength: 400 }), (s) => {
        const line = `DESCRIPTION:${s.replace(/[\r\n]/g, '')}`;
        const folded = foldLine(line);
        const pieces = folded.split('\r\n');
        pieces.forEach((p, i) => {
          expect(octets(p)).toBeLessThanOrEqual(75);
          if (i > 0) expect(p.startsWith(' ')).toBe(true);
        });
        expect(pieces.map((p, i) => (i === 0 ? p : p.slice(1))).join('')).toBe(line);
      }),
    );
  });
});
