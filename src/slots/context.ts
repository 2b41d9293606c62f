// What the slot rules know about one event type and its host (read by slots/repo.ts in one round trip), and the
// engine's rules derived from it. Pure: the slots endpoint, the booking check and holds all decide from here.
import type { EventType, User } from '../db/schema';
import { computeSlotStarts, type BusySpan, type DateOverride, type RulesInput, type WeeklyRange } from './engine';
import { checkSeatedStart, offeredSeatedSlots, withSeatedBusy, type SeatedBooking, type SeatedCheck, type SeatedSlot } from './seats';
import type { CountedBooking } from './limits';

export interface SlotContext {
  eventType: EventType;
  host: Pick<User, 'id' | 'name' | 'email' | 'timezone' | 'username'> & Partial<Pick<User, 'brandColor' | 'brandColorDark' | 'hideBranding' | 'theme' | 'locale' | 'embedOrigins' | 'logo'>>;
  scheduleTimeZone: string;
  availability: WeeklyRange[];
  overrides: DateOverride[];
  busy: BusySpan[];
  /** The host's busy time from connected calendars (src/calendars/): blocks slots like bookings do. */
  externalBusy: BusySpan[];
  /** Bookings of this event type that count against its booking limits, in and around the window (empty without limits). */
  counted: CountedBooking[];
  /** A seated event type's own seated bookings (not in `busy`), with their seat counts (src/slots/seats.ts). */
  seated: SeatedBooking[];
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

/**
 * The engine's rules for this event type at `now`, with its seated bookings as busy time: what holds, series and
 * any check that is not about joining a seat see.
 */
export function slotRules(ctx: SlotContext, now: number): RulesInput {
  return withSeatedBusy(ownRules(ctx, now), ctx.seated);
}

/** The rules without this event type's seated bookings (src/slots/seats.ts adds them as each start needs). */
function ownRules(ctx: SlotContext, now: number): RulesInput {
  return { ...hostSlotRules(ctx.eventType, ctx, ctx.counted, now), firstSlotOfDayOnly: ctx.eventType.onlyShowFirstAvailableSlot };
}

/** How many attendees share one slot's booking; null: not a seated event type. */
export const seatCapacity = (ctx: SlotContext): number | null => ctx.eventType.seatsPerTimeSlot;

/**
 * Whether `start` can be booked now (the same rules that offer slots, seats included: `join` is the seated booking
 * a seat at that start joins, else null), saying so when what refuses the start is the host's connected calendar
 * rather than a booking (only start and end are known of such busy time, so the reason names nothing else).
 */
export function checkBookable(ctx: SlotContext, now: number, start: number): SeatedCheck {
  const capacity = seatCapacity(ctx) ?? 1;
  const check = checkSeatedStart(ownRules(ctx, now), ctx.seated, capacity, start);
  if (check.ok || check.reason !== 'overlap' || ctx.externalBusy.length === 0) return check;
  const bookingsOnly = checkSeatedStart({ ...ownRules(ctx, now), busy: ctx.busy }, ctx.seated, capacity, start);
  return bookingsOnly.ok ? { ok: false, reason: 'overlap', message: 'The host is busy at that time (an event in their connected calendar).' } : check;
}

/** The offered slots of a range (seat counts on partly booked seated slots). The slots endpoint's one rule. */
export function offeredSlots(ctx: SlotContext, now: number, rangeStart: number, rangeEnd: number): SeatedSlot[] {
  const capacity = seatCapacity(ctx);
  if (capacity === null) return computeSlotStarts({ ...slotRules(ctx, now), rangeStart, rangeEnd });
  return offeredSeatedSlots(ownRules(ctx, now), ctx.seated, capacity, rangeStart, rangeEnd);
}
