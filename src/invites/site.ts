// Where this deployment lives, from the APP_URL var: the base of links in emails and feeds, and the domain of
// calendar UIDs and Message-IDs. Pure.
import { sha256Hex } from '../lib/crypto';
import type { CalendarSite } from './booking-event';

export interface Site {
  /** Absolute origin without a trailing slash, e.g. https://cal.example.com */
  baseUrl: string;
  /** Its host name: the right-hand side of every UID and Message-ID. */
  domain: string;
}

export const DEFAULT_APP_URL = 'http://127.0.0.1:8787';

export function siteOf(env: { APP_URL?: string }): Site {
  let url: URL;
  try {
    url = new URL(env.APP_URL || DEFAULT_APP_URL);
  } catch {
    url = new URL(DEFAULT_APP_URL);
  }
  return { baseUrl: url.origin, domain: url.hostname };
}

/** The attendee's page for a booking (src/booker/): emails and calendar entries link to it. */
export function bookingPageUrl(site: Site, uid: string): string | null {
  return `${site.baseUrl}/booking/${uid}`;
}

export function calendarSite(site: Site, bookingUid: string): CalendarSite {
  return { domain: site.domain, bookingUrl: bookingPageUrl(site, bookingUid) };
}

/** The host's view of their bookings around a start (the admin's Bookings tab, filtered to that UTC date). */
export function hostViewUrl(site: Site, startAt: number): string {
  const day = new Date(startAt).toISOString().slice(0, 10);
  return `${site.baseUrl}/admin/bookings?from=${day}&to=${day}`;
}

/** The host's copy of a booking's calendar event: a UID that is not the attendee's capability, a link to the host's view. */
export async function hostCalendarSite(site: Site, eventUid: string, startAt: number): Promise<CalendarSite> {
  return { domain: site.domain, bookingUrl: hostViewUrl(site, startAt), eventUid: await hostEventUid(eventUid) };
}

/**
 * The UID (left of the @) of the host's copy of a booking's calendar event (feed and host emails). A booking uid is
 * the attendee's capability (it reads, moves and cancels the booking), and a host's calendar is often seen by others
 * (delegates, shared calendars, the feed's own URL): so the host's copy carries a one-way digest of it instead.
 */
export async function hostEventUid(eventUid: string): Promise<string> {
  return `host-${(await sha256Hex(`calflare host copy:${eventUid}`)).slice(0, 32)}`;
}
