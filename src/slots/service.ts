// The one way to answer "which start times does this event type offer": load (one D1 read) -> rules at `now` ->
// compute -> group by local date. Used by GET /v2/slots/available and by the public booker pages, so the pages and
// the API can never disagree.
import type { Db } from '../db/client';
import { computeSlotStarts, groupSlotsByLocalDate, type Slot } from './engine';
import { loadSlotContext, slotRules, type EventTypeKey, type SlotContext } from './repo';

export interface AvailableSlots {
  ctx: SlotContext;
  /** The zone the days and offsets are in: the requested one, else the schedule's. */
  timezone: string;
  slots: Slot[];
  /** Local dates (YYYY-MM-DD in `timezone`) to their slots, with ISO times carrying that zone's offset. */
  byDate: Record<string, { start: string; end: string }[]>;
}

/** Null when the event type does not exist, is inactive, or its host is deactivated. */
export async function availableSlots(
  db: Db,
  eventType: EventTypeKey,
  range: { from: number; to: number },
  timezone?: string,
  now = Date.now(),
): Promise<AvailableSlots | null> {
  const ctx = await loadSlotContext(db, eventType, range);
  if (!ctx) return null;
  const zone = timezone ?? ctx.scheduleTimeZone;
  const slots = computeSlotStarts({ ...slotRules(ctx, now), rangeStart: range.from, rangeEnd: range.to });
  return { ctx, timezone: zone, slots, byDate: groupSlotsByLocalDate(slots, zone) };
}
