// iCalendar text (RFC 5545) for bookings, with the iTIP methods of RFC 5546. Pure: no bindings, no clock.
//
// What calendar clients rely on, and this module guarantees:
// - lines end in CRLF and are folded so that no line exceeds 75 octets (continuations start with one space, and a
//   fold never splits a UTF-8 sequence);
// - TEXT values escape backslash, semicolon, comma and newlines; parameter values are quoted and stripped of what
//   a quoted parameter cannot hold;
// - one VEVENT per booking whose UID never changes (the booking uid at our domain) and whose SEQUENCE the caller
//   raises on every change the attendee sees, so REQUEST/CANCEL messages update the same event in place;
// - a recurring series is one VEVENT with an RRULE, its DTSTART/DTEND in the host's local time (TZID) with that
//   zone's VTIMEZONE, so the wall time holds across DST; a message about one occurrence names it by RECURRENCE-ID.
import { icsLocalDateTime, vtimezoneLines } from './vtimezone';
import { zoneOffsetAt } from '../lib/time';

export type IcsMethod = 'REQUEST' | 'CANCEL' | 'PUBLISH';
export type IcsStatus = 'CONFIRMED' | 'TENTATIVE' | 'CANCELLED';
export type PartStat = 'NEEDS-ACTION' | 'ACCEPTED' | 'DECLINED' | 'TENTATIVE';

export interface IcsPerson {
  name: string;
  email: string;
}

export interface IcsEvent {
  uid: string;
  sequence: number;
  /** When this version of the event was produced (epoch ms). */
  stamp: number;
  start: number;
  end: number;
  summary: string;
  description: string | null;
  location: string | null;
  url: string | null;
  status: IcsStatus;
  organizer: IcsPerson;
  attendee: IcsPerson & { partstat: PartStat; rsvp: boolean };
  /** More attendees after `attendee` (a seated slot's other seats, in the host's copy). */
  otherAttendees?: (IcsPerson & { partstat: PartStat; rsvp: boolean })[];
  created?: number;
  lastModified?: number;
  /** A recurring series' master: the RRULE value, the zone its times are written in, and its last occurrence's start. */
  recurrence?: { rule: string; zone: string; lastStart: number };
  /** One occurrence of a recurring series: its start as the series defined it (RECURRENCE-ID, written in UTC). */
  recurrenceId?: number;
  /** A series' master listing its other starts outright (RDATE, in UTC) rather than by a rule. */
  rdates?: number[];
  /**
   * SCHEDULE-AGENT=CLIENT on ORGANIZER and ATTENDEE (RFC 6638 §7.1): a copy we PUT into a CalDAV calendar must not make
   * the server send invitations of its own (the attendee has ours).
   */
  scheduleAgentClient?: boolean;
}

export interface IcsCalendar {
  /** Omitted for a plain file or a subscription feed, which are no iTIP messages. */
  method?: IcsMethod;
  /** X-WR-CALNAME: the name a client shows for a subscribed feed. */
  name?: string;
  events: IcsEvent[];
}

export const PRODID = '-//calflare//calflare bookings//EN';

const CRLF = '\r\n';
const MAX_OCTETS = 75;
const encoder = new TextEncoder();

/** `<booking uid>@<domain>`: the same for every message and download of one booking, unique across deployments. */
export function icsUid(bookingUid: string, domain: string): string {
  return `${bookingUid}@${domain}`;
}

/** UTC date-time form 19980119T070000Z. */
export function icsDateTime(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** TEXT value escaping (RFC 5545 3.3.11). Any line break becomes the two characters `\n`. */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
}

/** A quoted parameter value (RFC 5545 3.2): DQUOTE and control characters cannot appear in one, so they go. */
export function paramValue(value: string): string {
  return `"${value.replace(/["\u0000-\u001f\u007f]/g, '')}"`;
}

/** Folds one content line into chunks of at most 75 octets, never splitting a code point. */
export function foldLine(line: string): string {
  if (encoder.encode(line).length <= MAX_OCTETS) return line;
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const size = encoder.encode(ch).length;
    // Continuation lines begin with a space, which counts towards their 75 octets.
    const limit = out.length === 0 ? MAX_OCTETS : MAX_OCTETS - 1;
    if (octets + size > limit) {
      out.push(current);
      current = '';
      octets = 0;
    }
    current += ch;
    octets += size;
  }
  out.push(current);
  return out.join(CRLF + ' ');
}

const mailto = (email: string) => `mailto:${email}`;

/** `DTSTART:…Z`, or `DTSTART;TZID=zone:<local>` when the event's times are written in a zone. */
function timeLine(name: 'DTSTART' | 'DTEND', ms: number, zone: string | undefined): string {
  return zone ? `${name};TZID=${zone}:${icsLocalDateTime(ms, zoneOffsetAt(zone, ms))}` : `${name}:${icsDateTime(ms)}`;
}

function eventLines(e: IcsEvent): string[] {
  const zone = e.recurrence?.zone;
  const lines = [
    'BEGIN:VEVENT',
    `UID:${e.uid}`,
    `SEQUENCE:${e.sequence}`,
    `DTSTAMP:${icsDateTime(e.stamp)}`,
    timeLine('DTSTART', e.start, zone),
    timeLine('DTEND', e.end, zone),
  ];
  if (e.recurrence) lines.push(`RRULE:${e.recurrence.rule}`);
  if (e.rdates?.length) lines.push(`RDATE:${e.rdates.map(icsDateTime).join(',')}`);
  // UTC is allowed whatever form the master's DTSTART has (RFC 5545 3.8.4.4 only forbids mixing with floating time).
  if (e.recurrenceId !== undefined) lines.push(`RECURRENCE-ID:${icsDateTime(e.recurrenceId)}`);
  lines.push(`SUMMARY:${escapeText(e.summary)}`);
  if (e.description) lines.push(`DESCRIPTION:${escapeText(e.description)}`);
  if (e.location) lines.push(`LOCATION:${escapeText(e.location)}`);
  if (e.url) lines.push(`URL:${e.url}`);
  const agent = e.scheduleAgentClient ? ';SCHEDULE-AGENT=CLIENT' : '';
  lines.push(
    `ORGANIZER;CN=${paramValue(e.organizer.name)}${agent}:${mailto(e.organizer.email)}`,
    ...[e.attendee, ...(e.otherAttendees ?? [])].map(
      (a) => `ATTENDEE;CN=${paramValue(a.name)}${agent};CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=${a.partstat};RSVP=${a.rsvp ? 'TRUE' : 'FALSE'}:${mailto(a.email)}`,
    ),
    `STATUS:${e.status}`,
    // A cancelled event no longer blocks time in the attendee's calendar.
    `TRANSP:${e.status === 'CANCELLED' ? 'TRANSPARENT' : 'OPAQUE'}`,
  );
  if (e.created !== undefined) lines.push(`CREATED:${icsDateTime(e.created)}`);
  if (e.lastModified !== undefined) lines.push(`LAST-MODIFIED:${icsDateTime(e.lastModified)}`);
  lines.push('END:VEVENT');
  return lines;
}

/** The whole VCALENDAR object, CRLF line ends, folded. */
export function renderCalendar(cal: IcsCalendar): string {
  const lines = ['BEGIN:VCALENDAR', `PRODID:${PRODID}`, 'VERSION:2.0', 'CALSCALE:GREGORIAN'];
  if (cal.method) lines.push(`METHOD:${cal.method}`);
  if (cal.name) lines.push(`X-WR-CALNAME:${escapeText(cal.name)}`);
  // Every TZID used needs its VTIMEZONE, before the events (one per zone, covering all its events).
  const spans = new Map<string, { from: number; to: number }>();
  for (const e of cal.events) {
    if (!e.recurrence) continue;
    const span = spans.get(e.recurrence.zone);
    spans.set(e.recurrence.zone, { from: Math.min(span?.from ?? e.start, e.start), to: Math.max(span?.to ?? 0, e.recurrence.lastStart + (e.end - e.start)) });
  }
  for (const [zone, span] of spans) lines.push(...vtimezoneLines(zone, span.from, span.to));
  for (const e of cal.events) lines.push(...eventLines(e));
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join(CRLF) + CRLF;
}
