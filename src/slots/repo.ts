// Everything the slot rules need about one event type, read in a single D1 round trip.
import { and, asc, eq, gt, inArray, lt, ne, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { availability, bookings, dateOverrides, eventTypes, schedules, users, type EventType, type User } from '../db/schema';
import type { BusySpan, DateOverride, RulesInput, WeeklyRange } from './engine';

export interface SlotContext {
  eventType: EventType;
  host: Pick<User, 'id' | 'name' | 'email' | 'timezone'>;
  scheduleTimeZone: string;
  availability: WeeklyRange[];
  overrides: DateOverride[];
  busy: BusySpan[];
}

/** Local dates may differ from UTC dates by up to 14 hours either way; two days of margin covers every zone. */
const DATE_MARGIN_MS = 2 * 86_400_000;
const isoDate = (t: number) => new Date(t).toISOString().slice(0, 10);

/**
 * Loads the event type (only when active and its host active), its schedule, and the host's busy spans that can
 * touch slots starting in [from, to). Every statement keys off the event type id through subqueries, so all five
 * run as one batch. `ignoreBookingId` leaves out the booking being rescheduled.
 */
export async function loadSlotContext(
  db: Db,
  eventTypeId: number,
  window: { from: number; to: number },
  ignoreBookingId?: number,
): Promise<SlotContext | null> {
  const scheduleId = sql<number>`(SELECT schedule_id FROM booking_event_types WHERE id = ${eventTypeId})`;
  const hostId = sql<number>`(SELECT owner_id FROM booking_event_types WHERE id = ${eventTypeId})`;
  // Busy spans are compared with a slot's occupied span, which reaches out by at most the buffers (max 240 min each)
  // and the duration (max 720 min).
  const reach = (240 + 720) * 60_000;
  // No joins here: drizzle maps batched rows by column name, and joined tables share names such as `id`.
  const [eventTypeRows, hostRows, scheduleRows, weekly, overrides, busy] = await db.batch([
    db.select().from(eventTypes).where(and(eq(eventTypes.id, eventTypeId), eq(eventTypes.isActive, true))),
    db
      .select({ id: users.id, name: users.name, email: users.email, timezone: users.timezone })
      .from(users)
      .where(and(eq(users.id, hostId), eq(users.isActive, true))),
    db.select({ timezone: schedules.timezone }).from(schedules).where(eq(schedules.id, scheduleId)),
    db
      .select({ dayOfWeek: availability.dayOfWeek, startTime: availability.startTime, endTime: availability.endTime })
      .from(availability)
      .where(eq(availability.scheduleId, scheduleId)),
    db
      .select({ date: dateOverrides.date, startTime: dateOverrides.startTime, endTime: dateOverrides.endTime })
      .from(dateOverrides)
      .where(
        and(
          eq(dateOverrides.scheduleId, scheduleId),
          sql`${dateOverrides.date} BETWEEN ${isoDate(window.from - DATE_MARGIN_MS)} AND ${isoDate(window.to + DATE_MARGIN_MS)}`,
        ),
      ),
    db
      .select({ start: bookings.occupiedStart, end: bookings.occupiedEnd })
      .from(bookings)
      .where(
        and(
          eq(bookings.hostId, hostId),
          inArray(bookings.status, ['accepted', 'pending']),
          lt(bookings.occupiedStart, window.to + reach),
          gt(bookings.occupiedEnd, window.from - reach),
          ignoreBookingId === undefined ? undefined : ne(bookings.id, ignoreBookingId),
        ),
      )
      .orderBy(asc(bookings.occupiedStart)),
  ]);
  const [eventType, host, schedule] = [eventTypeRows[0], hostRows[0], scheduleRows[0]];
  if (!eventType || !host || !schedule) return null;
  return { eventType, host, scheduleTimeZone: schedule.timezone, availability: weekly, overrides, busy };
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
    busy: ctx.busy,
    now,
  };
}
