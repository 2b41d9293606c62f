// SQL for calendar feeds and the bookings a feed lists.
import { and, asc, desc, eq, gt, gte, inArray, lt, max } from 'drizzle-orm';
import { ownedBy } from '../auth/ownership';
import { LIVE_STATUSES } from '../bookings/occupancy';
import { selectBookingsForWrite, type BookingForWrite } from '../bookings/repo';
import type { Db } from '../db/client';
import { bookings, calendarFeeds, eventTypes, users, type CalendarFeed, type User } from '../db/schema';

export async function insertFeed(db: Db, userId: number, name: string | null, tokenHash: string, now: number): Promise<CalendarFeed> {
  return db.insert(calendarFeeds).values({ userId, name, tokenHash, createdAt: now }).returning().get();
}

export async function listFeeds(db: Db, viewer: User, opts: { afterId: number; limit: number }): Promise<CalendarFeed[]> {
  return db
    .select()
    .from(calendarFeeds)
    .where(and(ownedBy(calendarFeeds.userId, viewer), gt(calendarFeeds.id, opts.afterId)))
    .orderBy(asc(calendarFeeds.id))
    .limit(opts.limit)
    .all();
}

/** Deletes the viewer's feed (a super admin: anyone's); false when there is none to delete. */
export async function deleteFeed(db: Db, viewer: User, id: number): Promise<boolean> {
  const gone = await db
    .delete(calendarFeeds)
    .where(and(eq(calendarFeeds.id, id), ownedBy(calendarFeeds.userId, viewer)))
    .returning({ id: calendarFeeds.id })
    .get();
  return gone !== undefined;
}

/** The feed and its (active) owner for a token hash. */
export async function findFeedByTokenHash(db: Db, tokenHash: string) {
  return db
    .select({ feed: calendarFeeds, owner: { id: users.id, name: users.name, isActive: users.isActive } })
    .from(calendarFeeds)
    .innerJoin(users, eq(users.id, calendarFeeds.userId))
    .where(eq(calendarFeeds.tokenHash, tokenHash))
    .get();
}

export async function touchFeed(db: Db, id: number, now: number): Promise<void> {
  await db.update(calendarFeeds).set({ lastUsedAt: now }).where(eq(calendarFeeds.id, id));
}

/** The widest booking window among the host's event types, in days (60, the default, when they have none). */
export async function bookingWindowDays(db: Db, hostId: number): Promise<number> {
  const row = await db.select({ days: max(eventTypes.bookingWindowDays) }).from(eventTypes).where(eq(eventTypes.ownerId, hostId)).get();
  return row?.days ?? 60;
}

/** The host's accepted and pending bookings starting in [from, to), by start: at most `limit`. */
export async function feedBookings(db: Db, hostId: number, from: number, to: number, limit: number): Promise<BookingForWrite[]> {
  return selectBookingsForWrite(db)
    .where(and(eq(bookings.hostId, hostId), inArray(bookings.status, LIVE_STATUSES), gte(bookings.startAt, from), lt(bookings.startAt, to)))
    .orderBy(asc(bookings.startAt), desc(bookings.id))
    .limit(limit)
    .all();
}
