// Everything the slot rules need about one event type, read in a single D1 round trip.
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { eventTypes, schedules, users, type EventType, type User } from '../db/schema';
import { holdsTimeSql } from '../bookings/status';
import { checkSlot, type BusySpan, type DateOverride, type RulesInput, type SlotCheck, type WeeklyRange } from './engine';

export interface SlotContext {
  eventType: EventType;
  host: Pick<User, 'id' | 'name' | 'email' | 'timezone' | 'username'>;
  scheduleTimeZone: string;
  availability: WeeklyRange[];
  overrides: DateOverride[];
  busy: BusySpan[];
  /** The host's busy time from connected calendars (src/calendars/): blocks slots like bookings do. */
  externalBusy: BusySpan[];
}

/** An event type by id (the API) or by its host's username and its slug (the public pages). */
export type EventTypeKey = number | { username: string; slug: string };

/**
 * Local dates may differ from UTC dates by up to 14 hours either way; two days of margin covers every zone. Overrides
 * have no lower bound: hours that run through midnight day after day form one interval whose slot grid starts where
 * the chain starts, which an override long before the range can decide (a schedule holds at most 500 overrides).
 */
const DATE_MARGIN_MS = 2 * 86_400_000;
const isoDate = (t: number) => new Date(t).toISOString().slice(0, 10);

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
  // Busy spans are compared with a slot's occupied span, which reaches out by at most the buffers (max 240 min each)
  // and the duration (max 720 min).
  const reach = (240 + 720) * 60_000;
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
      // Through booking_hosts: a team booking the host attends is busy time too.
      busy: sql<string>`(SELECT json_group_array(json_array(bh.occupied_start, bh.occupied_end))
        FROM booking_hosts bh JOIN bookings b ON b.id = bh.booking_id
        WHERE bh.user_id = ${users.id} AND ${sql.raw(holdsTimeSql(now, 'b'))}
          AND bh.occupied_start < ${window.to + reach} AND bh.occupied_end > ${window.from - reach}
          AND b.id != ${ignoreBookingId ?? 0})`,
      held: sql<string>`(SELECT json_group_array(json_array(h.occupied_start, h.occupied_end))
        FROM slot_reservations h WHERE h.host_id = ${users.id} AND h.expires_at > ${now}
          AND h.occupied_start < ${window.to + reach} AND h.occupied_end > ${window.from - reach}
          AND h.uid IS NOT ${ownHoldUid})`,
      externalBusy: sql<string>`(SELECT json_group_array(json_array(x.start_at, x.end_at))
        FROM calendar_busy x WHERE x.host_id = ${users.id}
          AND x.start_at < ${window.to + reach} AND x.end_at > ${window.from - reach})`,
    })
    .from(eventTypes)
    .innerJoin(users, and(eq(users.id, eventTypes.ownerId), eq(users.isActive, true)))
    .innerJoin(schedules, eq(schedules.id, eventTypes.scheduleId))
    .where(and(typeof eventType === 'number' ? eq(eventTypes.id, eventType) : and(eq(users.username, eventType.username), eq(eventTypes.slug, eventType.slug)), eq(eventTypes.isActive, true)))
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
  };
}

/** The engine's rules for this event type at `now`. */
export function slotRules(ctx: SlotContext, now: number): RulesInput {
  const et = ctx.eventType;
  return {
    durationMinutes: et.durationMinutes,
    slotIntervalMinutes: et.slotIntervalMinutes ?? et.durationMinutes,
    bufferBeforeMinutes: et.bufferBeforeMinutes,
    bufferAfterMinutes: et.bufferAfterMinutes,
    minimumNoticeMinutes: et.minimumNoticeHours * 60,
    bookingWindowDays: et.bookingWindowDays,
    scheduleTimeZone: ctx.scheduleTimeZone,
    availability: ctx.availability,
    overrides: ctx.overrides,
    busy: ctx.externalBusy.length ? [...ctx.busy, ...ctx.externalBusy] : ctx.busy,
    now,
  };
}

/**
 * checkSlot, saying so when what refuses the start is the host's connected calendar rather than a booking (only
 * start and end are known of such busy time, so the reason names nothing else).
 */
export function checkBookable(ctx: SlotContext, now: number, start: number): SlotCheck {
  const check = checkSlot(slotRules(ctx, now), start);
  if (check.ok || check.reason !== 'overlap' || ctx.externalBusy.length === 0) return check;
  const bookingsOnly = checkSlot({ ...slotRules(ctx, now), busy: ctx.busy }, start);
  return bookingsOnly.ok ? { ok: false, reason: 'overlap', message: 'The host is busy at that time (an event in their connected calendar).' } : check;
}
