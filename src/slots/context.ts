// What the slot rules know about one event type and its host (read by slots/repo.ts in one round trip), and the
// engine's rules derived from it. Pure: the slots endpoint, the booking check and holds all decide from here.
import type { EventType, User } from '../db/schema';
import { checkSlot, type BusySpan, type DateOverride, type RulesInput, type SlotCheck, type WeeklyRange } from './engine';
import type { CountedBooking } from './limits';

export interface SlotContext {
  eventType: EventType;
  host: Pick<User, 'id' | 'name' | 'email' | 'timezone' | 'username'>;
  scheduleTimeZone: string;
  availability: WeeklyRange[];
  overrides: DateOverride[];
  busy: BusySpan[];
  /** The host's busy time from connected calendars (src/calendars/): blocks slots like bookings do. */
  externalBusy: BusySpan[];
  /** Bookings of this event type that count against its booking limits, in and around the window (empty without limits). */
  counted: CountedBooking[];
}

/** An event type by id (the API) or by its host's username and its slug (the public pages). */
export type EventTypeKey = number | { username: string; slug: string };

/** One host's hours and busy time, as the engine reads them: a personal event type's host, or one host of a team. */
export type HostTime = Pick<SlotContext, 'scheduleTimeZone' | 'availability' | 'overrides' | 'busy' | 'externalBusy'>;

/**
 * The engine's rules for an event type with one host's schedule and busy time at `now`, booking limits counted over
 * `counted`. "First slot of the day" is left to the caller: for a team it applies to the team's answer, not a host's.
 */
export function hostSlotRules(et: EventType, host: HostTime, counted: CountedBooking[], now: number): RulesInput {
  return {
    durationMinutes: et.durationMinutes,
    slotIntervalMinutes: et.slotIntervalMinutes ?? et.durationMinutes,
    bufferBeforeMinutes: et.bufferBeforeMinutes,
    bufferAfterMinutes: et.bufferAfterMinutes,
    minimumNoticeMinutes: et.minimumNoticeHours * 60,
    bookingWindowDays: et.bookingWindowDays,
    scheduleTimeZone: host.scheduleTimeZone,
    availability: host.availability,
    overrides: host.overrides,
    busy: host.externalBusy.length ? [...host.busy, ...host.externalBusy] : host.busy,
    now,
    limits: { limits: { counts: et.bookingLimitsCount, durations: et.bookingLimitsDuration }, counted },
  };
}

/** The engine's rules for this (personal) event type at `now`. */
export function slotRules(ctx: SlotContext, now: number): RulesInput {
  return { ...hostSlotRules(ctx.eventType, ctx, ctx.counted, now), firstSlotOfDayOnly: ctx.eventType.onlyShowFirstAvailableSlot };
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
