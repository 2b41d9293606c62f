// Which location an attendee may give when booking (DESIGN "Bookings"). Pure.
//
// The event type's location kind decides whether the attendee is asked at all:
//   google_meet, zoom     the host gives the link: never the attendee
//   phone + host number   the attendee calls the host: never the attendee
//   phone, no number      the host calls the attendee: the attendee's phone number, validated
//   in_person + address   the host fixed the place: never the attendee
//   in_person, no address the attendee names the place: free text, and a URL only when it is https
//   no location           nothing to choose: never the attendee

export interface EventTypeLocation {
  locationType: string | null;
  locationValue: string | null;
}

export type LocationVerdict = { ok: true; value: string | null } | { ok: false; message: string };

/** What the attendee is asked for, or null when the event type does not ask. */
export function askedOfAttendee(et: EventTypeLocation): 'phone' | 'place' | null {
  if (et.locationValue !== null) return null;
  if (et.locationType === 'phone') return 'phone';
  if (et.locationType === 'in_person') return 'place';
  return null;
}

/** Phone numbers as people type them: separators dropped, an optional +, then 7 to 15 digits (E.164's length). */
function normalizePhone(raw: string): string | null {
  const compact = raw.replace(/[\s().\-/]/g, '');
  if (!/^\+?\d{7,15}$/.test(compact)) return null;
  if (compact.startsWith('+0')) return null; // no country code starts with 0
  return compact;
}

/** A leading `scheme:` (no space after the colon, so "Room: 5" is a place, not a URL). */
const SCHEME = /^[a-z][a-z0-9+.-]*:(?!\s)/i;

function placeProblem(raw: string): string | null {
  if (!SCHEME.test(raw)) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'A link must be a valid https URL';
  }
  if (url.protocol !== 'https:' || !url.hostname || !raw.toLowerCase().startsWith('https://')) return 'A link must be an https URL';
  return null;
}

/**
 * What a new booking row stores (issue #25): a request that waits for the host's confirmation keeps no location the
 * host gave (their meeting link, number or address), so no answer, page, .ics, email, feed or webhook can show it
 * before the host accepts; accepting fills it in from the event type (`transition` to accepted, src/bookings/repo.ts).
 * A location the attendee gave is theirs and is kept.
 */
export function storedLocation(requiresConfirmation: boolean, attendeeGave: boolean, value: string | null): string | null {
  return requiresConfirmation && !attendeeGave ? null : value;
}

/** The location the booking stores: the attendee's where the event type asks for one (validated), else the host's. */
export function attendeeLocation(et: EventTypeLocation, raw: string | null): LocationVerdict {
  if (raw === null) return { ok: true, value: et.locationValue };
  const asked = askedOfAttendee(et);
  if (asked === 'phone') {
    const phone = normalizePhone(raw);
    return phone ? { ok: true, value: phone } : { ok: false, message: 'Must be a phone number: digits with an optional leading +' };
  }
  if (asked === 'place') {
    const problem = placeProblem(raw);
    return problem ? { ok: false, message: problem } : { ok: true, value: raw };
  }
  return { ok: false, message: 'This event type does not take a location from the attendee' };
}
