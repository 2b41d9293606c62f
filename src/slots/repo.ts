// Everything the slot rules need about one event type, read in a single D1 round trip.
import { and, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client';
import { eventTypes, schedules, users } from '../db/schema';
import { BUSY_READ_MARGIN_MS, holdsTimeSql, seatHoldsSql } from '../bookings/occupancy';
import type { EventTypeKey, SlotContext } from './context';
import { bookedSql, countedSql, externalBusySql, heldSql, overridesSql, parseCounted, parseOverrides, parseSpans, parseWeekly, weeklySql } from './context-sql';

/**
 * A booking (alias) that is a seated slot of this seated event type: it has seat rows. Cheap for every other event
 * type: the first test is false and SQLite looks no further.
 */
const seatedBookingSql = (b: SQL) =>
  sql`${eventTypes.seatsPerTimeSlot} IS NOT NULL AND ${b}.event_type_id = ${eventTypes.id}
    AND EXISTS (SELECT 1 FROM booking_attendees sx WHERE sx.booking_id = ${b}.id AND sx.seat_uid IS NOT NULL)`;

/**
 * Loads the event type (only when active and its host active), its schedule's hours and overrides, and the host's
 * busy spans (bookings and slot reservations) that can touch slots starting in [from, to), in ONE statement: the
 * lists come back as JSON arrays from correlated subqueries (src/slots/context-sql.ts). `ignoreBookingId` leaves out
 * the booking being rescheduled. Busy means holding time at `now` (an expired request or an expired hold does not);
 * `ownHoldUid` is the caller's own slot reservation, which does not count against it.
 */
export async function loadSlotContext(
  db: Db,
  eventType: EventTypeKey,
  window: { from: number; to: number },
  ignoreBookingId?: number,
  now = Date.now(),
  ownHoldUid: string | null = null,
): Promise<SlotContext | null> {
  const row = await db
    .select({
      eventType: eventTypes,
      // The look columns ride along for the public pages (src/booker/ui.tsx): same row, no extra read.
      host: {
        id: users.id,
        name: users.name,
        email: users.email,
        timezone: users.timezone,
        username: users.username,
        brandColor: users.brandColor,
        brandColorDark: users.brandColorDark,
        hideBranding: users.hideBranding,
        theme: users.theme,
        locale: users.locale,
        embedOrigins: users.embedOrigins,
        logo: users.logo,
      },
      scheduleTimeZone: schedules.timezone,
      weekly: weeklySql(schedules.id),
      overrides: overridesSql(schedules.id, window),
      // This event type's own seated bookings come separately (`seated`), with their seat counts (src/slots/seats.ts).
      busy: bookedSql(users.id, window, now, ignoreBookingId, sql`AND NOT (${seatedBookingSql(sql`b`)})`),
      // The start_at bounds are implied by the span bounds (a start lies within one margin of its span); they put
      // the read on the (event type, start) index.
      seated: sql<string>`(SELECT json_group_array(json_array(b.id, b.start_at, b.end_at, b.occupied_start, b.occupied_end,
          (SELECT count(*) FROM booking_attendees sa WHERE sa.booking_id = b.id AND ${sql.raw(seatHoldsSql(now, 'sa'))})))
        FROM bookings b
        WHERE ${eventTypes.seatsPerTimeSlot} IS NOT NULL AND b.event_type_id = ${eventTypes.id} AND ${sql.raw(holdsTimeSql(now, 'b'))}
          AND b.start_at > ${window.from - 2 * BUSY_READ_MARGIN_MS} AND b.start_at < ${window.to + 2 * BUSY_READ_MARGIN_MS}
          AND b.occupied_start < ${window.to + BUSY_READ_MARGIN_MS} AND b.occupied_end > ${window.from - BUSY_READ_MARGIN_MS}
          AND b.id != ${ignoreBookingId ?? 0} AND ${seatedBookingSql(sql`b`)})`,
      held: heldSql(users.id, window, now, ownHoldUid),
      externalBusy: externalBusySql(users.id, window),
      counted: countedSql(eventTypes.id, window, now, ignoreBookingId),
    })
    .from(eventTypes)
    .innerJoin(users, and(eq(users.id, eventTypes.ownerId), eq(users.isActive, true)))
    .innerJoin(schedules, eq(schedules.id, eventTypes.scheduleId))
    .where(
      and(
        typeof eventType === 'number' ? eq(eventTypes.id, eventType) : and(eq(users.username, eventType.username), eq(eventTypes.slug, eventType.slug)),
        eq(eventTypes.isActive, true),
        // Team event types: src/teams/slots-repo.ts.
        isNull(eventTypes.teamId),
      ),
    )
    .get();
  if (!row) return null;
  return {
    eventType: row.eventType,
    host: row.host,
    scheduleTimeZone: row.scheduleTimeZone,
    availability: parseWeekly(row.weekly),
    overrides: parseOverrides(row.overrides),
    busy: parseSpans(row.busy, row.held),
    externalBusy: parseSpans(row.externalBusy),
    seated: (JSON.parse(row.seated) as [number, number, number, number, number, number][]).map(([bookingId, start, end, occupiedStart, occupiedEnd, seatsBooked]) => ({
      bookingId,
      start,
      end,
      occupiedStart,
      occupiedEnd,
      seatsBooked,
    })),
    counted: parseCounted(row.counted),
  };
}
