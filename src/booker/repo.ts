// Reads only the public pages need, each one D1 round trip.
import { and, asc, eq, isNull } from 'drizzle-orm';
import { eventTypeSummaryColumns, publicHostColumns, selectBookingsForWrite } from '../bookings/repo';
import { seatAsBooking } from '../bookings/seat-repo';
import type { Db } from '../db/client';
import { bookings, eventTypes, teams, users, type Attendee, type Booking, type EventType, type User } from '../db/schema';

export type PublicHost = Pick<User, 'id' | 'name' | 'username' | 'timezone'>;

/** A host's branding and default language (src/booker/ui.tsx), read with the host where a page reads the host. */
export const hostLookColumns = { brandColor: users.brandColor, brandColorDark: users.brandColorDark, hideBranding: users.hideBranding, theme: users.theme, locale: users.locale, embedOrigins: users.embedOrigins, logo: users.logo };
export type HostLookRow = Pick<User, 'brandColor' | 'brandColorDark' | 'hideBranding' | 'theme' | 'locale' | 'embedOrigins' | 'logo'>;

const teamLookColumns = { brandColor: teams.brandColor, brandColorDark: teams.brandColorDark, hideBranding: teams.hideBranding, theme: teams.theme, locale: teams.locale, embedOrigins: teams.embedOrigins, logo: teams.logo };

/** The look of a booking's pages (booking, cancel, reschedule): its team's for a team event type, else its host's. */
export async function findBookingLook(db: Db, owner: { hostId: number; teamId: number | null }): Promise<HostLookRow | undefined> {
  if (owner.teamId !== null) return db.select(teamLookColumns).from(teams).where(eq(teams.id, owner.teamId)).get();
  return db.select(hostLookColumns).from(users).where(eq(users.id, owner.hostId)).get();
}
export type PublicEventType = Pick<EventType, 'id' | 'title' | 'slug' | 'description' | 'durationMinutes' | 'locationType'>;

/** An active host by username with their active event types (by id), or null. */
export async function findHostPage(db: Db, username: string): Promise<{ host: PublicHost & HostLookRow; eventTypes: PublicEventType[] } | null> {
  const rows = await db
    .select({
      host: { ...publicHostColumns, ...hostLookColumns },
      eventType: { ...eventTypeSummaryColumns, locationType: eventTypes.locationType },
    })
    .from(users)
    // Personal event types only: a team's are not the host's to list.
    .leftJoin(eventTypes, and(eq(eventTypes.ownerId, users.id), eq(eventTypes.isActive, true), isNull(eventTypes.teamId)))
    .where(and(eq(users.username, username), eq(users.isActive, true)))
    .orderBy(asc(eventTypes.id))
    .limit(500)
    .all();
  if (rows.length === 0) return null;
  return { host: rows[0]!.host, eventTypes: rows.flatMap((r) => (r.eventType ? [r.eventType] : [])) };
}

/**
 * A team by slug with its active event types (by id), as the team page shows it: the team in the shape of a host
 * (its name, its slug as the username; the zone is UTC, for the page has no times), or null.
 */
export async function findTeamPage(db: Db, slug: string): Promise<{ team: PublicHost & HostLookRow; eventTypes: PublicEventType[] } | null> {
  const rows = await db
    .select({
      team: { id: teams.id, name: teams.name, username: teams.slug, ...teamLookColumns },
      eventType: { ...eventTypeSummaryColumns, locationType: eventTypes.locationType },
    })
    .from(teams)
    .leftJoin(eventTypes, and(eq(eventTypes.teamId, teams.id), eq(eventTypes.isActive, true)))
    .where(eq(teams.slug, slug))
    .orderBy(asc(eventTypes.id))
    .limit(500)
    .all();
  if (rows.length === 0) return null;
  return { team: { ...rows[0]!.team, timezone: 'UTC' }, eventTypes: rows.flatMap((r) => (r.eventType ? [r.eventType] : [])) };
}

export interface BookingPageData {
  booking: Booking;
  attendee: Attendee;
  host: PublicHost;
  eventType: Pick<EventType, 'id' | 'title' | 'slug' | 'description' | 'durationMinutes' | 'bookingFields' | 'isActive'> | null;
}

/** A booking with its attendee, host and (if it still exists) event type: the same read as the booking's invites. */
export async function findBookingPage(db: Db, uid: string): Promise<BookingPageData | undefined> {
  const found = await selectBookingsForWrite(db).where(eq(bookings.uid, uid)).get();
  // A seated slot's own uid is its host's: the public page shows a seat by its seat uid, never the whole slot.
  if (found) return found.attendee.seatUid === null ? found : undefined;
  return seatAsBooking(db, uid);
}
