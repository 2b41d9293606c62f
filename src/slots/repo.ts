// Everything the slot rules need about one event type, read in a single D1 round trip.
import { and, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client';
import { eventTypes, schedules, users } from '../db/schema';
import { BUSY_READ_MARGIN_MS, holdsTimeSql } from '../bookings/occupancy';
import type { EventTypeKey, SlotContext } from './context';
import { LIMIT_PERIODS, type LimitPeriod } from './limits';

/**
 * Local dates may differ from UTC dates by up to 14 hours either way; two days of margin covers every zone. Overrides
 * have no lower bound: hours that run through midnight day after day form one interval whose slot grid starts where
 * the chain starts, which an override long before the range can decide (a schedule holds at most 500 overrides).
 */
const DATE_MARGIN_MS = 2 * 86_400_000;
const isoDate = (t: number) => new Date(t).toISOString().slice(0, 10);

/** How far around a start its period can reach, in days (the period's longest length plus a day for zone offsets). */
const PERIOD_REACH_DAYS: Record<LimitPeriod, number> = { day: 2, week: 9, month: 33, year: 368 };

/**
 * SQL for "how many ms around the window counted bookings must be read": the reach of the widest period any of the
 * event type's limits uses, or NULL without limits (every comparison with it is false: nothing is read). Decided in the same statement that loads the event
 * type, so limits cost no extra round trip.
 */
const limitReachMsSql = () => {
  const uses = (period: LimitPeriod) =>
    `json_extract(booking_event_types.booking_limits_count, '$.${period}') IS NOT NULL OR json_extract(booking_event_types.booking_limits_duration, '$.${period}') IS NOT NULL`;
  // Constants only (no bind parameters: D1 allows 100 per statement).
  const cases = [...LIMIT_PERIODS].reverse().map((period) => `WHEN ${uses(period)} THEN ${PERIOD_REACH_DAYS[period] * 86_400_000}`);
  return sql.raw(`(CASE ${cases.join(' ')} ELSE NULL END)`);
};

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
 * lists come back as JSON arrays from correlated subqueries. `ignoreBookingId` leaves out the booking being
 * rescheduled. Busy means holding time at `now` (an expired request or an expired hold does not); `ownHoldUid` is
 * the caller's own slot reservation, which does not count against it.
 */
export async function loadSlotContext(
  db: Db,
  eventType: EventTypeKey,
  window: { from: number; to: number },
  ignoreBookingId?: number,
  now = Date.now(),
  ownHoldUid: string | null = null,
): Promise<SlotContext | null> {
  const reach = BUSY_READ_MARGIN_MS;
  const row = await db
    .select({
      eventType: eventTypes,
      host: { id: users.id, name: users.name, email: users.email, timezone: users.timezone, username: users.username },
      scheduleTimeZone: schedules.timezone,
      weekly: sql<string>`(SELECT json_group_array(json_array(a.day_of_week, a.start_time, a.end_time))
        FROM booking_availability a WHERE a.schedule_id = ${schedules.id})`,
      overrides: sql<string>`(SELECT json_group_array(json_array(o.date, o.start_time, o.end_time))
        FROM booking_date_overrides o WHERE o.schedule_id = ${schedules.id}
          AND o.date <= ${isoDate(window.to + DATE_MARGIN_MS)})`,
      // Through booking_hosts: a team booking the host attends is busy time too. This event type's own seated
      // bookings come separately (`seated`), with their seat counts (src/slots/seats.ts).
      busy: sql<string>`(SELECT json_group_array(json_array(bh.occupied_start, bh.occupied_end))
        FROM booking_hosts bh JOIN bookings b ON b.id = bh.booking_id
        WHERE bh.user_id = ${users.id} AND ${sql.raw(holdsTimeSql(now, 'b'))}
          AND bh.occupied_start < ${window.to + reach} AND bh.occupied_end > ${window.from - reach}
          AND b.id != ${ignoreBookingId ?? 0}
          AND NOT (${seatedBookingSql(sql`b`)}))`,
      // The start_at bounds are implied by the span bounds (a start lies within one margin of its span); they put
      // the read on the (event type, start) index.
      seated: sql<string>`(SELECT json_group_array(json_array(b.id, b.start_at, b.end_at, b.occupied_start, b.occupied_end,
          (SELECT count(*) FROM booking_attendees sa WHERE sa.booking_id = b.id AND sa.seat_uid IS NOT NULL AND sa.cancelled_at IS NULL)))
        FROM bookings b
        WHERE ${eventTypes.seatsPerTimeSlot} IS NOT NULL AND b.event_type_id = ${eventTypes.id} AND ${sql.raw(holdsTimeSql(now, 'b'))}
          AND b.start_at > ${window.from - 2 * reach} AND b.start_at < ${window.to + 2 * reach}
          AND b.occupied_start < ${window.to + reach} AND b.occupied_end > ${window.from - reach}
          AND b.id != ${ignoreBookingId ?? 0} AND ${seatedBookingSql(sql`b`)})`,
      held: sql<string>`(SELECT json_group_array(json_array(h.occupied_start, h.occupied_end))
        FROM slot_reservations h WHERE h.host_id = ${users.id} AND h.expires_at > ${now}
          AND h.occupied_start < ${window.to + reach} AND h.occupied_end > ${window.from - reach}
          AND h.uid IS NOT ${ownHoldUid})`,
      externalBusy: sql<string>`(SELECT json_group_array(json_array(x.start_at, x.end_at))
        FROM calendar_busy x WHERE x.host_id = ${users.id}
          AND x.start_at < ${window.to + reach} AND x.end_at > ${window.from - reach})`,
      counted: sql<string>`(SELECT json_group_array(json_array(c.start_at, c.end_at))
        FROM bookings c WHERE c.event_type_id = ${eventTypes.id} AND ${sql.raw(holdsTimeSql(now, 'c'))}
          AND c.start_at >= ${window.from} - ${limitReachMsSql()} AND c.start_at < ${window.to} + ${limitReachMsSql()}
          AND c.id != ${ignoreBookingId ?? 0})`,
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
    availability: (JSON.parse(row.weekly) as [number, string, string][]).map(([dayOfWeek, startTime, endTime]) => ({ dayOfWeek, startTime, endTime })),
    overrides: (JSON.parse(row.overrides) as [string, string | null, string | null][]).map(([date, startTime, endTime]) => ({ date, startTime, endTime })),
    busy: [...(JSON.parse(row.busy) as [number, number][]), ...(JSON.parse(row.held) as [number, number][])].map(([start, end]) => ({ start, end })),
    externalBusy: (JSON.parse(row.externalBusy) as [number, number][]).map(([start, end]) => ({ start, end })),
    seated: (JSON.parse(row.seated) as [number, number, number, number, number, number][]).map(([bookingId, start, end, occupiedStart, occupiedEnd, seatsBooked]) => ({
      bookingId,
      start,
      end,
      occupiedStart,
      occupiedEnd,
      seatsBooked,
    })),
    counted: (JSON.parse(row.counted) as [number, number][]).map(([start, end]) => ({ start, minutes: (end - start) / 60_000 })),
  };
}
