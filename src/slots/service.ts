// The one way to answer "which start times does this event type offer": load (one D1 read) -> rules at `now` ->
// compute -> group by local date. Used by GET /v2/slots/available and by the public booker pages, so the pages and
// the API can never disagree.
import type { Db } from '../db/client';
import { ApiError } from '../lib/errors';
import { seriesSlots } from '../bookings/series';
import { groupSlotsByLocalDate } from './engine';
import { offeredSlots, type EventTypeKey, type SlotContext } from './context';
import type { SeatedSlot } from './seats';
import { loadSlotContext } from './repo';
import { DAY_MS, dayOfDateKey, ZoneCalendar } from '../lib/time';

export interface AvailableSlots {
  ctx: SlotContext;
  /** The zone the days and offsets are in: the requested one, else the schedule's. */
  timezone: string;
  slots: SeatedSlot[];
  /** Local dates (YYYY-MM-DD in `timezone`) to their slots, with ISO times carrying that zone's offset. */
  byDate: Record<string, SlotJson[]>;
}

export interface SlotOptions {
  now?: number;
  /** Rescheduling: the booking being moved does not block its own new time. */
  ignoreBookingId?: number;
  /** The caller's own slot reservation (hold), which does not block its own slot. */
  ownHoldUid?: string | null;
  /** A recurring event type: offer only starts whose first N occurrences could all be booked. */
  recurrenceCount?: number;
}

/** The longest booking window an event type can have: a series is never read beyond it. */
const MAX_WINDOW_MS = 731 * DAY_MS;

/** Null when the event type does not exist, is inactive, or its host is deactivated. */
export async function availableSlots(
  db: Db,
  eventType: EventTypeKey,
  range: { from: number; to: number },
  timezone?: string,
  opts: SlotOptions = {},
): Promise<AvailableSlots | null> {
  const now = opts.now ?? Date.now();
  const ctx = await loadSlotContext(db, eventType, readWindow(range, now, opts), opts.ignoreBookingId, now, opts.ownHoldUid ?? null);
  if (!ctx) return null;
  return compute(ctx, timezone ?? ctx.scheduleTimeZone, range, now, opts.recurrenceCount);
}

/**
 * The slots of one local month ("YYYY-MM") in a zone that may depend on the event type (the booker's default is the
 * host's zone, known only once loaded). Still one read: it loads a window a day wider on each side than any zone's
 * month, then computes for the exact local month.
 */
export async function availableMonth(
  db: Db,
  eventType: EventTypeKey,
  month: string,
  zoneOf: (ctx: SlotContext) => string,
  opts: SlotOptions = {},
): Promise<AvailableSlots | null> {
  const month_ = monthWindow(month);
  const now = opts.now ?? Date.now();
  const ctx = await loadSlotContext(db, eventType, readWindow(month_.read, now, opts), opts.ignoreBookingId, now, opts.ownHoldUid ?? null);
  if (!ctx) return null;
  const zone = zoneOf(ctx);
  return compute(ctx, zone, month_.in(zone), now, opts.recurrenceCount);
}

/**
 * A local month ("YYYY-MM") whose zone is known only after the read: `read` covers it in every zone (a day wider each
 * side than its UTC dates), `in(zone)` is its exact range in that zone. Shared with the team booker.
 */
export function monthWindow(month: string) {
  const first = dayOfDateKey(`${month}-01`);
  const next = dayOfDateKey(`${nextMonth(month)}-01`);
  return {
    read: { from: (first - 1) * DAY_MS, to: (next + 1) * DAY_MS },
    in(zone: string) {
      const calendar = new ZoneCalendar(zone);
      return { from: calendar.startOfLocalDay(first), to: calendar.startOfLocalDay(next) };
    },
  };
}

/** A series reaches past the range: read as far as any occurrence could be bookable (still one statement). */
function readWindow(range: { from: number; to: number }, now: number, opts: SlotOptions): { from: number; to: number } {
  return opts.recurrenceCount && opts.recurrenceCount > 1 ? { from: range.from, to: Math.max(range.to, now + MAX_WINDOW_MS) } : range;
}

/** A slot as answered; a partly booked seated slot adds its seat counts unless the event type hides them. */
export type SlotJson = { start: string; end: string; seats_total?: number; seats_booked?: number; seats_remaining?: number };

function compute(ctx: SlotContext, zone: string, range: { from: number; to: number }, now: number, recurrenceCount?: number): AvailableSlots {
  let slots: SeatedSlot[] = offeredSlots(ctx, now, range.from, range.to);
  if (recurrenceCount !== undefined) {
    try {
      slots = seriesSlots(ctx, now, slots, recurrenceCount);
    } catch (error) {
      if (error instanceof RangeError) throw new ApiError('validation_failed', 'Request validation failed', [{ path: 'recurrence_count', message: error.message }]);
      throw error;
    }
  }
  return { ctx, timezone: zone, slots, byDate: withSeatCounts(ctx, slots, groupSlotsByLocalDate(slots, zone)) };
}

/** Adds the seat counts to the grouped slots (same order as `slots`), when the event type shows them. */
function withSeatCounts(ctx: SlotContext, slots: SeatedSlot[], byDate: Record<string, SlotJson[]>): Record<string, SlotJson[]> {
  if (!ctx.eventType.seatsShowAvailabilityCount || !slots.some((s) => s.seats)) return byDate;
  let i = 0;
  for (const day of Object.values(byDate)) {
    for (const json of day) {
      const seats = slots[i++]!.seats;
      if (seats) Object.assign(json, { seats_total: seats.total, seats_booked: seats.booked, seats_remaining: seats.remaining });
    }
  }
  return byDate;
}

function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}
