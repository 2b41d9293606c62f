// Everything the slot rules need about one event type, read in a single D1 round trip.
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/client';
import { eventTypes, schedules, users } from '../db/schema';
import type { EventTypeKey, SlotContext } from './context';
import { bookedSql, countedSql, externalBusySql, heldSql, overridesSql, parseCounted, parseOverrides, parseSpans, parseWeekly, weeklySql } from './context-sql';

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
      host: { id: users.id, name: users.name, email: users.email, timezone: users.timezone, username: users.username },
      scheduleTimeZone: schedules.timezone,
      weekly: weeklySql(schedules.id),
      overrides: overridesSql(schedules.id, window),
      busy: bookedSql(users.id, window, now, ignoreBookingId),
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
    counted: parseCounted(row.counted),
  };
}
