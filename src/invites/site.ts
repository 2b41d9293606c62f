// Where this deployment lives, from the APP_URL var: the base of links in emails and feeds, and the domain of
// calendar UIDs and Message-IDs. Pure.
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
