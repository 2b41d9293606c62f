/**
 * Checking a recurring series against the slot rules. Pure (no I/O): used by the booking of a series inside the
 * host's HostCalendar and by `GET /v2/slots/available?recurrence_count=N`, so a start is offered for N occurrences
 * exactly when booking that series would pass this check.
 *
 * Every occurrence is checked with `checkBookable` (hours, notice, window, booking limits, overlaps), each against the
 * host's busy time plus the series' own earlier occurrences: they take time and count against the limits like
 * bookings already made.
 */
import type { OccurrenceConflict } from '../lib/errors';
import type { BusySpan } from '../slots/engine';
import type { CountedBooking } from '../slots/limits';
import { checkBookable, type SlotContext } from '../slots/context';
import { occurrenceStarts, type RecurringEvent } from './recurrence';

/** The starts of the first `count` occurrences of the event type's series from `start`, in its schedule's zone. */
export function seriesStarts(ctx: SlotContext, rule: RecurringEvent, start: number, count: number): number[] {
  return occurrenceStarts(start, rule, count, ctx.scheduleTimeZone);
}

/** Every occurrence that cannot be booked, with the reason; empty when the whole series can. */
export function seriesConflicts(ctx: SlotContext, now: number, starts: number[], stopAtFirst = false): OccurrenceConflict[] {
  const et = ctx.eventType;
  const durationMs = et.durationMinutes * 60_000;
  const ownBusy: BusySpan[] = [];
  const ownCounted: CountedBooking[] = [];
  const conflicts: OccurrenceConflict[] = [];
  for (const [index, start] of starts.entries()) {
    if (stopAtFirst && conflicts.length) break;
    const withOwn: SlotContext = ownBusy.length ? { ...ctx, busy: [...ctx.busy, ...ownBusy], counted: [...ctx.counted, ...ownCounted] } : ctx;
    const check = checkBookable(withOwn, now, start);
    if (!check.ok) conflicts.push({ index, start: new Date(start).toISOString(), reason: check.message });
    ownBusy.push({ start: start - et.bufferBeforeMinutes * 60_000, end: start + durationMs + et.bufferAfterMinutes * 60_000 });
    ownCounted.push({ start, minutes: et.durationMinutes });
  }
  return conflicts;
}

/**
 * `GET /v2/slots/available?recurrence_count=N`: the slots whose series of N occurrences could be booked now. Throws
 * a RangeError naming the problem when the event type is not recurring or N exceeds its count.
 */
export function seriesSlots<T extends { start: number }>(ctx: SlotContext, now: number, slots: T[], count: number): T[] {
  const rule = ctx.eventType.recurringEvent;
  if (!rule) throw new RangeError('This event type is not recurring');
  if (count > rule.count) throw new RangeError(`This event type's series has at most ${rule.count} occurrences`);
  return slots.filter((slot) => seriesConflicts(ctx, now, seriesStarts(ctx, rule, slot.start, count), true).length === 0);
}

/** The message of a refused series: how many occurrences, and the first one's reason. */
export function seriesRefusal(conflicts: OccurrenceConflict[], total: number): string {
  const first = conflicts[0]!;
  const which = conflicts.length === 1 ? `Occurrence ${first.index + 1} of ${total}` : `${conflicts.length} of ${total} occurrences (first: ${first.index + 1})`;
  return `${which} cannot be booked, so the series was not booked: ${first.reason}`;
}
