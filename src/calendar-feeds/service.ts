// Calendar feeds: a secret URL per feed that lists one host's bookings as iCalendar, for subscribing in Google,
// Apple or Outlook calendars beside everything else.
import { randomToken, sha256Hex } from '../lib/crypto';
import { calendarDataOf } from '../bookings/calendar';
import { bookingEvent } from '../invites/booking-event';
import { renderCalendar } from '../invites/ics';
import { hostCalendarSite, type Site } from '../invites/site';
import type { Db } from '../db/client';
import type { CalendarFeed } from '../db/schema';
import { bookingWindowDays, feedBookings, findFeedByTokenHash, insertFeed, touchFeed } from './repo';

/** How far back a feed reaches: recent meetings stay visible for a month. */
export const FEED_PAST_DAYS = 30;
/** A feed never grows past this many events (a calendar client would choke long before). */
export const FEED_MAX_EVENTS = 2_000;
const DAY_MS = 86_400_000;

export const feedUrl = (site: Site, token: string) => `${site.baseUrl}/feeds/${token}.ics`;

export async function createFeed(db: Db, userId: number, name: string | null): Promise<{ feed: CalendarFeed; token: string }> {
  const token = `cf_${randomToken(32)}`;
  const feed = await insertFeed(db, userId, name, await sha256Hex(token), Date.now());
  return { feed, token };
}

export interface FeedDocument {
  body: string;
  etag: string;
}

/** The feed behind a token, or null when there is none (never created, revoked, or its owner deactivated). */
export async function renderFeed(db: Db, site: Site, token: string, now: number): Promise<FeedDocument | null> {
  const found = await findFeedByTokenHash(db, await sha256Hex(token));
  if (!found || !found.owner.isActive) return null;
  const hostId = found.owner.id;
  const windowDays = await bookingWindowDays(db, hostId);
  const rows = await feedBookings(db, hostId, now - FEED_PAST_DAYS * DAY_MS, now + windowDays * DAY_MS, FEED_MAX_EVENTS);
  const events = await Promise.all(
    rows.map(async (row) => {
      // Every occurrence of a series is its own event here: the feed has no series master for it to be an instance of.
      const { series: _occurrence, ...data } = calendarDataOf(row);
      // The host's copy: never an attendee's capability (uid, page, cancel or reschedule link), as in the host's emails.
      // DTSTAMP at the booking's last change: the bytes (and the ETag) change only when a booking does.
      return bookingEvent(data, await hostCalendarSite(site, data.uid, data.startAt), data.updatedAt);
    }),
  );
  const body = renderCalendar({ name: `calflare: ${found.owner.name}`, events });
  // Recorded at most once a minute: calendar clients poll, and a write per poll buys nothing.
  if (found.feed.lastUsedAt === null || now - found.feed.lastUsedAt > 60_000) await touchFeed(db, found.feed.id, now);
  return { body, etag: `"${(await sha256Hex(body)).slice(0, 32)}"` };
}
