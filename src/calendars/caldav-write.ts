// CalDAV write-back (RFC 4791 §5.3.2, RFC 7232): our event as ONE resource named by our own UID in the destination
// collection, so every write of a booking lands on the same resource whatever retried or raced:
//  - create: PUT with `If-None-Match: *`. A 412 means the resource is already there (an earlier create reached the
//    server and its answer was lost): the same resource is then overwritten, never a second one made;
//  - update (reschedule, confirm): PUT of the same resource with the higher SEQUENCE;
//  - delete (cancel, decline): DELETE; 404/410 count as done (never written, or deleted by hand).
// Request building and answer classification are pure; the fetch is guardedFetch's (SSRF guard, timeout, redirects).
import { bookingEvent, type BookingCalendarData } from '../invites/booking-event';
import { renderCalendar } from '../invites/ics';
import { hostCalendarSite, type Site } from '../invites/site';
import { errorText, FeedError, guardedFetch, type FetchOptions } from './fetch-feed';
import type { CaldavTarget } from './caldav';

/** What a write row holds: the host's copy of the event as of the change (an occurrence of a series stands alone). */
export type CalendarWritePayload = Omit<BookingCalendarData, 'series'> & {
  /** A seated slot's event: every live seat, in the order taken (`attendee` is the first). */
  seats?: { name: string; email: string }[];
};

/** Who attends the written event: every seat of a seated slot, else the booking's attendee. */
export const attendeesOf = (p: CalendarWritePayload): { name: string; email: string }[] => (p.seats?.length ? p.seats : [p.attendee]);

export type WriteOutcome =
  /** `link`: the meeting link the provider made or keeps for the event, when the write asked for one. */
  | { ok: true; ref: string; link?: string | null }
  | { ok: false; permanent: boolean; message: string; retryAfterSeconds?: number; detail?: string };

/** The resource of an event in a collection: `<collection>/<event uid>.ics` (the UID is URL-safe: `host-<hex>`). */
export function eventResourceUrl(collection: string, eventUid: string): string {
  const base = collection.endsWith('/') ? collection : `${collection}/`;
  return new URL(`${encodeURIComponent(eventUid)}.ics`, base).toString();
}

/**
 * The event as written into the host's calendar: the host's copy (the UID and link of the host feed, never the
 * attendee's capability), with SCHEDULE-AGENT=CLIENT so a server that schedules (RFC 6638) sends the attendee nothing:
 * they already have our invitation.
 */
export async function writtenEvent(payload: CalendarWritePayload, site: Site): Promise<{ eventUid: string; ics: string }> {
  const calendarSite = await hostCalendarSite(site, payload.uid, payload.startAt);
  const event = {
    ...bookingEvent(payload, calendarSite, payload.updatedAt),
    scheduleAgentClient: true,
    otherAttendees: attendeesOf(payload).slice(1).map((a) => ({ ...a, partstat: 'ACCEPTED' as const, rsvp: false })),
  };
  return { eventUid: calendarSite.eventUid!, ics: renderCalendar({ events: [event] }) };
}

/** Seconds from a Retry-After header (delta-seconds or an HTTP date), if it says anything usable. */
export function retryAfterSeconds(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isFinite(at) ? Math.max(0, Math.ceil((at - now) / 1000)) : undefined;
}

/** A provider answer that is no success, in the host's words; transient ones are retried with backoff. */
export function failureOf(status: number, retryAfter: string | null, now: number): Extract<WriteOutcome, { ok: false }> {
  if (status === 401 || status === 403) return { ok: false, permanent: true, message: `The calendar server refused the credentials (HTTP ${status})` };
  if (status === 404 || status === 409) return { ok: false, permanent: true, message: `The calendar server does not know the destination calendar (HTTP ${status})` };
  if (status === 408 || status === 429 || status >= 500) {
    return { ok: false, permanent: false, message: `The calendar server answered HTTP ${status}`, retryAfterSeconds: retryAfterSeconds(retryAfter, now) };
  }
  return { ok: false, permanent: true, message: `The calendar server refused the event (HTTP ${status})` };
}

const transport = (error: unknown): WriteOutcome => ({
  ok: false,
  permanent: false,
  message: error instanceof FeedError ? error.message : 'The calendar server could not be reached',
  detail: error instanceof FeedError ? error.detail : errorText(error),
});

/** Writes the event as it should now be: PUT (create or update) while the booking holds time, else DELETE. */
export async function caldavWrite(
  target: CaldavTarget,
  write: { payload: CalendarWritePayload; created: boolean; site: Site },
  fetchOpts: Omit<FetchOptions, 'basicAuth'>,
  now: number,
): Promise<WriteOutcome> {
  const request = { ...fetchOpts, basicAuth: { username: target.username, password: target.password } };
  const { eventUid, ics } = await writtenEvent(write.payload, write.site);
  const url = eventResourceUrl(target.url, eventUid);
  const live = write.payload.status === 'accepted' || write.payload.status === 'pending';
  try {
    if (!live) {
      const res = await guardedFetch(url, { method: 'DELETE', headers: {} }, request);
      return res.status < 300 || res.status === 404 || res.status === 410 ? { ok: true, ref: url } : failureOf(res.status, res.headers.get('retry-after'), now);
    }
    const put = (condition: Record<string, string>) =>
      guardedFetch(url, { method: 'PUT', headers: { 'content-type': 'text/calendar; charset=utf-8', ...condition }, body: ics }, request);
    let res = await put(write.created ? {} : { 'if-none-match': '*' });
    // Already there: our own earlier create, whose answer never reached us. Overwrite that one resource.
    if (res.status === 412 && !write.created) res = await put({});
    return res.status >= 200 && res.status < 300 ? { ok: true, ref: url } : failureOf(res.status, res.headers.get('retry-after'), now);
  } catch (error) {
    return transport(error);
  }
}
