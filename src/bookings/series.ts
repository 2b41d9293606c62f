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
import { computeSlotStarts, type BusySpan } from '../slots/engine';
import { hasLimits, LimitTally, type CountedBooking } from '../slots/limits';
import { checkBookable, slotRules, type SlotContext } from '../slots/context';
import { DAY_MS, ZoneCalendar } from '../lib/time';
import { occurrenceStarts } from '../slots/recurrence';
import type { RecurringEvent } from '../db/json-types';

/**
 * How many occurrences an anonymous booker's series may take at once (issue #25): a longer one is booked as a request
 * the host confirms (each occurrence pending, holding its time like any request), so nobody takes months of a host's
 * time unseen. A signed-in booker's series, and any series of an event type that requires confirmation anyway, are
 * unaffected.
 */
export const ANONYMOUS_SERIES_AT_ONCE = 4;

export const seriesNeedsConfirmation = (count: number, signedIn: boolean): boolean => !signedIn && count > ANONYMOUS_SERIES_AT_ONCE;

/** The starts of the first `count` occurrences of the event type's series from `start`, in its schedule's zone. */
export function seriesStarts(ctx: SlotContext, rule: RecurringEvent, start: number, count: number, calendar?: ZoneCalendar): number[] {
  return occurrenceStarts(start, rule, count, calendar ?? ctx.scheduleTimeZone);
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
 *
 * Gives the answer of `seriesConflicts` for every slot without running the rules per occurrence: occurrences are at
 * least a week apart while an occupied span is at most 20 hours (720 minutes plus two 240-minute buffers), so an
 * earlier occurrence never overlaps a later one, and it never shares a local date with it either, so it cannot change
 * which start is the first of that date. Its only effect is on booking limits. Hence an occurrence passes exactly when
 * the slots offered now (one computation up to the last occurrence) contain it and the limits still have room with the
 * series' earlier occurrences counted. `test/recurring-slots.property.unit.ts` checks the two agree.
 */
export function seriesSlots<T extends { start: number }>(ctx: SlotContext, now: number, slots: T[], count: number): T[] {
  const rule = ctx.eventType.recurringEvent;
  if (!rule) throw new RangeError('This event type is not recurring');
  if (count > rule.count) throw new RangeError(`This event type's series has at most ${rule.count} occurrences`);
  if (!slots.length || count === 1) return slots;
  const et = ctx.eventType;
  const calendar = new ZoneCalendar(ctx.scheduleTimeZone);
  const series = slots.map((slot) => seriesStarts(ctx, rule, slot.start, count, calendar));
  const last = Math.max(...series.map((starts) => starts.at(-1)!));
  const until = Math.min(last, now + et.bookingWindowDays * DAY_MS) + 1;
  const offered = new Set(computeSlotStarts({ ...slotRules(ctx, now), rangeStart: slots[0]!.start, rangeEnd: Math.max(until, slots[0]!.start + 1) }).map((s) => s.start));
  const limits = { counts: et.bookingLimitsCount, durations: et.bookingLimitsDuration };
  const tally = hasLimits(limits) ? new LimitTally(limits, calendar, ctx.counted) : null;
  const minutes = et.durationMinutes;
  return slots.filter((_, i) =>
    series[i]!.every(
      (start, k) => offered.has(start) && (k === 0 || !tally || tally.refusal(start, minutes, series[i]!.slice(0, k).map((s) => ({ start: s, minutes }))) === null),
    ),
  );
}

/** The message of a refused series: how many occurrences, and the first one's reason. */
export function seriesRefusal(conflicts: OccurrenceConflict[], total: number): string {
  const first = conflicts[0]!;
  const which = conflicts.length === 1 ? `Occurrence ${first.index + 1} of ${total}` : `${conflicts.length} of ${total} occurrences (first: ${first.index + 1})`;
  return `${which} cannot be booked, so the series was not booked: ${first.reason}`;
}
