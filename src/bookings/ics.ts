// The .ics file of a booking (GET /booking/{uid}.ics): one VEVENT, times in UTC. Pure. The only place that writes
// iCalendar today; the invites work (#13) is to make it share UID and SEQUENCE with the emails it sends.
export interface IcsEvent {
  uid: string;
  title: string;
  description: string | null;
  location: string | null;
  start: number;
  end: number;
  status: 'accepted' | 'pending' | 'cancelled' | 'rejected';
  organizer: { name: string; email: string };
  attendee: { name: string; email: string };
  /** Last change, for DTSTAMP. */
  updatedAt: number;
}

const stamp = (t: number) => new Date(t).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

/** RFC 5545 TEXT escaping: backslash, semicolon, comma and newlines. */
export function icsText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** Lines longer than 75 octets are folded (CRLF + space), never inside a UTF-8 sequence. */
function fold(line: string): string {
  const bytes = new TextEncoder().encode(line);
  if (bytes.length <= 75) return line;
  const parts: string[] = [];
  let current = '';
  let size = 0;
  for (const char of line) {
    const n = new TextEncoder().encode(char).length;
    if (size + n > (parts.length ? 74 : 75)) {
      parts.push(current);
      current = '';
      size = 0;
    }
    current += char;
    size += n;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

const STATUS: Record<IcsEvent['status'], string> = { accepted: 'CONFIRMED', pending: 'TENTATIVE', cancelled: 'CANCELLED', rejected: 'CANCELLED' };

export function bookingIcs(e: IcsEvent): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//calflare//booking pages//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'BEGIN:VEVENT',
    `UID:${e.uid}@calflare`,
    'SEQUENCE:0',
    `DTSTAMP:${stamp(e.updatedAt)}`,
    `DTSTART:${stamp(e.start)}`,
    `DTEND:${stamp(e.end)}`,
    `SUMMARY:${icsText(e.title)}`,
    ...(e.description ? [`DESCRIPTION:${icsText(e.description)}`] : []),
    ...(e.location ? [`LOCATION:${icsText(e.location)}`] : []),
    `ORGANIZER;CN=${icsText(e.organizer.name).replace(/"/g, '')}:mailto:${e.organizer.email}`,
    `ATTENDEE;CN=${icsText(e.attendee.name).replace(/"/g, '')};ROLE=REQ-PARTICIPANT:mailto:${e.attendee.email}`,
    `STATUS:${STATUS[e.status]}`,
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map(fold).join('\r\n') + '\r\n';
}
