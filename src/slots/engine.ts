/**
 * Slot engine: which start times a host offers, as a pure function (no I/O, no bindings).
 *
 * How availability becomes instants
 * - Weekly ranges and date overrides are wall-clock times in the schedule's zone, read per
 *   local date. Any override on a date replaces that date's weekly ranges; an override
 *   without times blocks the whole date and wins over timed overrides on the same date.
 *   Ranges whose end is not after their start are ignored. A date's ranges are first
 *   united in wall-clock time (09:00-12:00 + 11:00-13:00 = 09:00-13:00).
 * - Each united range becomes the instants whose wall clock, read in the schedule's zone,
 *   shows a time of that date inside the range. One definition, so DST needs no special
 *   cases, and every minute of an offered slot reads inside that date's ranges:
 *   - a boundary inside a spring-forward gap resolves to the instant of the jump. New York
 *     2027-03-14 (02:00 EST -> 03:00 EDT): 02:30-05:00 starts at 03:00 EDT (the clock
 *     already reads past 02:30), and an override 00:00-02:30 ends at 03:00 EDT, so no slot
 *     starts at 03:00 EDT. A range wholly inside a gap is empty. Uniting before converting
 *     matters: 00:00-03:00 + 02:30-04:00 stays one range;
 *   - on a fall-back date the repeated minutes count wherever the clock shows them.
 *     A range running through the whole repeated hour keeps its full real length (New
 *     York 00:00-02:00 on 2027-11-07 lasts three real hours). A range ending at the first
 *     repeated wall time ends at its first occurrence (Berlin 00:00-02:00 on 2027-10-31
 *     ends at 02:00 CEST; New York 00:00-01:00 on 2027-11-07 at 01:00 EDT). A range that
 *     ends inside the repeated hour, or starts after its first minute, splits in two:
 *     New York 01:30-03:00 on 2027-11-07 is 01:30-02:00 EDT plus 01:30-03:00 EST, so the
 *     01:00 EST slot (reading 01:00-01:29) is not offered, and 01:30 is offered twice.
 * - Overlapping or touching intervals merge, across midnight too: 22:00-24:00 followed by
 *   next day's 00:00-02:00 is one interval, and a slot may cross midnight.
 *
 * Which starts are offered
 * - Starts step by the slot interval from the start of each merged interval (for a chain of
 *   whole days that never breaks, e.g. 24/7 hours with no blocking override before it, from
 *   local midnight of 2000-01-01), and [start, start + duration) must fit inside it.
 * - now <= start, now + minimum notice <= start (inclusive: a start exactly at the notice
 *   boundary is offered), start <= now + booking window (inclusive as well).
 * - The occupied span [start - bufferBefore, start + duration + bufferAfter) must not
 *   overlap a busy span; both are half-open, so touching is fine.
 * - The result is the same whatever range is asked for: the grid anchor is found by walking
 *   back to the true start of the interval, not clipped at the range start. checkSlot runs
 *   the same generator on a one-millisecond range, so "offered" and "bookable" agree.
 *
 * Bounds: every walk over days is bounded by its inputs: forward by the requested range cut
 * to [now + notice, now + booking window], backward by the number of overrides.
 * Cost: O(days + slots + busy log busy); zone offsets are read once per day (time.ts).
 */
import {
  DAY_MS,
  IsoFormatter,
  MINUTE_MS,
  ZoneCalendar,
  dayOfDateKey,
  isValidTimeZone,
  minutesOfWallTime,
  weekdayOfDay,
} from '../lib/time';

export { isValidTimeZone };

export interface WeeklyRange {
  /** 0 = Sunday .. 6 = Saturday */
  dayOfWeek: number;
  /** "HH:MM" */
  startTime: string;
  /** "HH:MM", may be "24:00" */
  endTime: string;
}

/**
 * No times: the whole local date is blocked. With times: replaces that date's weekly
 * hours; several overrides on one date give several ranges.
 */
export interface DateOverride {
  /** "YYYY-MM-DD", a local date of the schedule */
  date: string;
  startTime: string | null;
  endTime: string | null;
}

/** Epoch ms, already widened by that booking's own buffers; half-open [start, end). */
export interface BusySpan {
  start: number;
  end: number;
}

export interface SlotInput {
  durationMinutes: number;
  slotIntervalMinutes: number;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
  minimumNoticeMinutes: number;
  bookingWindowDays: number;
  scheduleTimeZone: string;
  availability: WeeklyRange[];
  overrides: DateOverride[];
  busy: BusySpan[];
  now: number;
  /** A slot is in range when rangeStart <= slot.start < rangeEnd (epoch ms). */
  rangeStart: number;
  rangeEnd: number;
}

export interface Slot {
  start: number;
  end: number;
}

export type UnavailableReason =
  | 'in_past'
  | 'minimum_notice'
  | 'booking_window'
  | 'outside_hours'
  | 'off_interval'
  | 'overlap';

export type SlotCheck = { ok: true } | { ok: false; reason: UnavailableReason; message: string };

export type RulesInput = Omit<SlotInput, 'rangeStart' | 'rangeEnd'>;

// ---------------------------------------------------------------------------
// Input -> plan
// ---------------------------------------------------------------------------

/** Minutes after local midnight, [start, end). */
type MinuteRange = readonly [start: number, end: number];

interface Interval {
  start: number;
  end: number;
}

/** A merged interval and the instant its slot grid counts from (its start, or earlier). */
interface GridInterval extends Interval {
  anchor: number;
}

interface Plan {
  calendar: ZoneCalendar;
  durationMs: number;
  stepMs: number;
  beforeMs: number;
  afterMs: number;
  noticeMs: number;
  windowMs: number;
  now: number;
  weekly: MinuteRange[][];
  /** Local day -> that date's ranges; an empty list blocks the date. */
  overrides: Map<number, MinuteRange[]>;
  /** Override days, ascending, for jumping over long runs of all-day hours. */
  overrideDays: number[];
  /** Every weekday is 00:00-24:00, so only an override can end a run of available days. */
  alwaysAvailableWeekly: boolean;
  busy: BusySpan[];
}

const FULL_DAY = 1440;
/** Grid origin for a run of all-day availability with no known start. */
const ENDLESS_CHAIN_ORIGIN_DAY = dayOfDateKey('2000-01-01');

function requireNumber(value: number, name: string, min: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new RangeError(`${name} must be a finite number${min === -Infinity ? '' : ` >= ${min}`}`);
  }
  return value;
}

function minutesToMs(minutes: number): number {
  return Math.round(minutes * MINUTE_MS);
}

function wallMinutes(text: string, field: string): number {
  const minutes = minutesOfWallTime(text);
  if (Number.isNaN(minutes)) throw new RangeError(`${field} must be HH:MM, got ${JSON.stringify(text)}`);
  return minutes;
}

/** A date's ranges united in wall-clock time, sorted; empty or reversed ones dropped. */
function mergeMinuteRanges(ranges: MinuteRange[]): MinuteRange[] {
  const sorted = ranges.filter(([start, end]) => end > start).sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [start, end] of sorted) {
    const last = merged[merged.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

function weeklyRangesByWeekday(availability: WeeklyRange[]): MinuteRange[][] {
  const byDay: MinuteRange[][] = [[], [], [], [], [], [], []];
  for (const range of availability) {
    const { dayOfWeek } = range;
    if (!Number.isInteger(dayOfWeek) || dayOfWeek < 0 || dayOfWeek > 6) {
      throw new RangeError(`dayOfWeek must be 0..6, got ${dayOfWeek}`);
    }
    byDay[dayOfWeek]!.push([wallMinutes(range.startTime, 'startTime'), wallMinutes(range.endTime, 'endTime')]);
  }
  return byDay.map(mergeMinuteRanges);
}

function overrideRangesByDay(overrides: DateOverride[]): Map<number, MinuteRange[]> {
  const timed = new Map<number, MinuteRange[]>();
  const blocked = new Set<number>();
  for (const override of overrides) {
    const day = dayOfDateKey(override.date);
    if (Number.isNaN(day)) throw new RangeError(`override date must be YYYY-MM-DD, got ${JSON.stringify(override.date)}`);
    const { startTime, endTime } = override;
    if (startTime == null && endTime == null) {
      blocked.add(day);
    } else if (startTime == null || endTime == null) {
      throw new RangeError(`override on ${override.date} needs both startTime and endTime, or neither`);
    } else {
      const ranges = timed.get(day) ?? [];
      ranges.push([wallMinutes(startTime, 'startTime'), wallMinutes(endTime, 'endTime')]);
      timed.set(day, ranges);
    }
  }
  const byDay = new Map<number, MinuteRange[]>();
  for (const [day, ranges] of timed) byDay.set(day, mergeMinuteRanges(ranges));
  for (const day of blocked) byDay.set(day, []);
  return byDay;
}

function isWholeDay(ranges: MinuteRange[]): boolean {
  return ranges.length === 1 && ranges[0]![0] === 0 && ranges[0]![1] === FULL_DAY;
}

function preparePlan(input: RulesInput): Plan {
  if (!isValidTimeZone(input.scheduleTimeZone)) {
    throw new RangeError(`Unknown time zone: ${input.scheduleTimeZone}`);
  }
  const weekly = weeklyRangesByWeekday(input.availability);
  const overrides = overrideRangesByDay(input.overrides);
  return {
    calendar: new ZoneCalendar(input.scheduleTimeZone),
    durationMs: minutesToMs(requireNumber(input.durationMinutes, 'durationMinutes', 1)),
    stepMs: minutesToMs(requireNumber(input.slotIntervalMinutes, 'slotIntervalMinutes', 1)),
    beforeMs: minutesToMs(requireNumber(input.bufferBeforeMinutes, 'bufferBeforeMinutes', 0)),
    afterMs: minutesToMs(requireNumber(input.bufferAfterMinutes, 'bufferAfterMinutes', 0)),
    noticeMs: minutesToMs(requireNumber(input.minimumNoticeMinutes, 'minimumNoticeMinutes', 0)),
    windowMs: Math.round(requireNumber(input.bookingWindowDays, 'bookingWindowDays', 0) * DAY_MS),
    now: requireNumber(input.now, 'now', -Infinity),
    weekly,
    overrides,
    overrideDays: [...overrides.keys()].sort((a, b) => a - b),
    alwaysAvailableWeekly: weekly.every(isWholeDay),
    busy: input.busy,
  };
}

// ---------------------------------------------------------------------------
// Availability as merged UTC intervals
// ---------------------------------------------------------------------------

function rangesOfDay(plan: Plan, day: number): MinuteRange[] {
  return plan.overrides.get(day) ?? plan.weekly[weekdayOfDay(day)]!;
}

/** One local date's ranges as instants (the instants whose wall clock reads inside them), sorted and merged. */
function intervalsOfDay(plan: Plan, day: number): Interval[] {
  const intervals: Interval[] = [];
  for (const [startMinute, endMinute] of rangesOfDay(plan, day)) {
    plan.calendar.wallRangeIntervals(day, startMinute, endMinute, intervals);
  }
  return mergeIntervals(intervals);
}

function mergeIntervals(intervals: Interval[]): Interval[] {
  intervals.sort((a, b) => a.start - b.start);
  const merged: Interval[] = [];
  for (const interval of intervals) {
    const last = merged[merged.length - 1];
    if (last && interval.start <= last.end) last.end = Math.max(last.end, interval.end);
    else merged.push({ ...interval });
  }
  return merged;
}

/** The latest override day before `day`, or undefined. */
function overrideDayBefore(plan: Plan, day: number): number | undefined {
  const days = plan.overrideDays;
  let low = 0;
  let high = days.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (days[mid]! < day) low = mid + 1;
    else high = mid;
  }
  return low > 0 ? days[low - 1] : undefined;
}

/**
 * Merged availability intervals that can hold a slot starting in [from, to), each with the
 * anchor of its slot grid. The last one may be cut short, but only after to + duration.
 */
function availabilityIntervals(plan: Plan, from: number, to: number): GridInterval[] {
  const { calendar } = plan;
  // The day before `from` is included because a range ending at a repeated midnight can
  // reach into the next day.
  const firstDay = calendar.localDayOf(from) - 1;
  const lastDay = calendar.localDayOf(to + plan.durationMs) + 1;
  const intervals: Interval[] = [];
  for (let day = firstDay; day <= lastDay; day++) intervals.push(...intervalsOfDay(plan, day));
  const merged = extendBackwards(plan, mergeIntervals(intervals), firstDay);
  return merged.map((interval) => ({
    ...interval,
    anchor: Number.isFinite(interval.start)
      ? interval.start
      : calendar.startOfLocalDay(ENDLESS_CHAIN_ORIGIN_DAY),
  }));
}

/**
 * Hours that run through midnight make the first interval continue from earlier days.
 * Follows them back to where the interval really starts, so its grid does not depend on
 * the range asked for. A start of -Infinity means a run of whole days with no beginning.
 *
 * Only the chain that reaches the interval's start is followed: an earlier day's other
 * ranges end before it. The walk goes on only through whole available days: a weekday
 * is one at most 6 days in a row unless all 7 are (then it jumps from override to
 * override), and each override day is one at most once, so it is bounded by the
 * number of overrides; the bound is enforced rather than trusted.
 */
function extendBackwards(plan: Plan, merged: Interval[], firstDay: number): Interval[] {
  const first = merged[0];
  if (!first) return merged;
  const maxSteps = 7 * (plan.overrideDays.length + 1) + 2;
  let day = firstDay - 1;
  for (let step = 0; ; step++) {
    if (step > maxSteps) throw new Error('slot engine: the walk back through whole days exceeded its bound');
    const earlier = intervalsOfDay(plan, day);
    let reached = false;
    for (let i = earlier.length - 1; i >= 0 && earlier[i]!.end >= first.start; i--) {
      first.start = Math.min(first.start, earlier[i]!.start);
      reached = true;
    }
    if (!reached) return merged;
    if (plan.alwaysAvailableWeekly && !plan.overrides.has(day)) {
      // Every day back to the previous override is 00:00-24:00, hence part of this interval.
      const overrideDay = overrideDayBefore(plan, day);
      if (overrideDay === undefined) {
        first.start = -Infinity;
        return merged;
      }
      first.start = plan.calendar.startOfLocalDay(overrideDay + 1);
      day = overrideDay;
    } else {
      day -= 1;
    }
  }
}

// ---------------------------------------------------------------------------
// Busy time
// ---------------------------------------------------------------------------

interface BusyUnion {
  starts: Float64Array;
  ends: Float64Array;
  count: number;
}

const NO_BUSY: BusyUnion = { starts: new Float64Array(0), ends: new Float64Array(0), count: 0 };

/**
 * Union of the busy spans that reach [from, to), as disjoint sorted intervals. Sorting
 * starts and ends separately is enough for a union: at any instant, (starts <= t) minus
 * (ends <= t) counts the spans covering t. Typed-array sorts are native and much faster
 * than sorting objects with a comparator. The caller's array is not touched.
 */
function unionOfBusy(spans: BusySpan[], from: number, to: number): BusyUnion {
  let relevant = 0;
  for (const span of spans) if (span.end > from && span.start < to && span.end > span.start) relevant++;
  const starts = new Float64Array(relevant);
  const ends = new Float64Array(relevant);
  let i = 0;
  for (const span of spans) {
    if (span.end > from && span.start < to && span.end > span.start) {
      starts[i] = span.start;
      ends[i] = span.end;
      i++;
    }
  }
  starts.sort();
  ends.sort();
  const unionStarts = new Float64Array(relevant);
  const unionEnds = new Float64Array(relevant);
  let count = 0;
  let depth = 0;
  let open = 0;
  let s = 0;
  let e = 0;
  while (s < relevant) {
    const nextStart = starts[s]!;
    const nextEnd = ends[e]!;
    // Starts first on ties, so spans that touch join into one.
    if (nextStart <= nextEnd) {
      if (depth === 0) open = nextStart;
      depth++;
      s++;
    } else {
      depth--;
      e++;
      if (depth === 0) {
        unionStarts[count] = open;
        unionEnds[count] = nextEnd;
        count++;
      }
    }
  }
  if (relevant > 0) {
    unionStarts[count] = open;
    unionEnds[count] = ends[relevant - 1]!;
    count++;
  }
  return { starts: unionStarts, ends: unionEnds, count };
}

// ---------------------------------------------------------------------------
// Generation
// ---------------------------------------------------------------------------

/** The starts allowed by now, notice and window, intersected with [rangeStart, rangeEnd). */
function bookableStarts(plan: Plan, rangeStart: number, rangeEnd: number): Interval {
  const earliest = plan.now + plan.noticeMs;
  const latest = plan.now + plan.windowMs;
  return { start: Math.max(rangeStart, earliest), end: Math.min(rangeEnd, latest + 1) };
}

/** First grid point at or after `t`. */
function gridPointAtOrAfter(anchor: number, step: number, t: number): number {
  return anchor + Math.ceil((t - anchor) / step) * step;
}

/**
 * The one slot generator behind both computeSlotStarts and checkSlot. Walks each merged
 * interval's grid with a single pointer into the sorted busy union: O(slots + busy).
 */
function generateSlots(plan: Plan, rangeStart: number, rangeEnd: number, busy: 'busy' | 'ignore-busy'): Slot[] {
  const { start: from, end: to } = bookableStarts(plan, rangeStart, rangeEnd);
  if (!(from < to)) return [];
  const { durationMs, stepMs, beforeMs, afterMs } = plan;
  const union =
    busy === 'busy' ? unionOfBusy(plan.busy, from - beforeMs, to + durationMs + afterMs) : NO_BUSY;
  const slots: Slot[] = [];
  let b = 0;
  for (const interval of availabilityIntervals(plan, from, to)) {
    const lastStart = Math.min(to - 1, interval.end - durationMs);
    let start = gridPointAtOrAfter(interval.anchor, stepMs, Math.max(from, interval.start));
    while (start <= lastStart) {
      const occupiedStart = start - beforeMs;
      while (b < union.count && union.ends[b]! <= occupiedStart) b++;
      if (b < union.count && union.starts[b]! < start + durationMs + afterMs) {
        // Skip every grid point whose occupied span would still reach this busy block.
        start = gridPointAtOrAfter(interval.anchor, stepMs, union.ends[b]! + beforeMs);
        continue;
      }
      slots.push({ start, end: start + durationMs });
      start += stepMs;
    }
  }
  return slots;
}

// ---------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------

/** Offered slots with rangeStart <= start < rangeEnd: sorted, unique, epoch ms. */
export function computeSlotStarts(input: SlotInput): Slot[] {
  const plan = preparePlan(input);
  const rangeStart = requireNumber(input.rangeStart, 'rangeStart', -Infinity);
  const rangeEnd = requireNumber(input.rangeEnd, 'rangeEnd', -Infinity);
  return generateSlots(plan, rangeStart, rangeEnd, 'busy');
}

function isoUtc(t: number): string {
  return new Date(t).toISOString();
}

function describeMinutes(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440} day${minutes === 1440 ? '' : 's'}`;
  if (minutes % 60 === 0) return `${minutes / 60} hour${minutes === 60 ? '' : 's'}`;
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

function unavailable(reason: UnavailableReason, message: string): SlotCheck {
  return { ok: false, reason, message };
}

/**
 * Whether `start` would be offered right now, and if not, why. "ok" is decided by running
 * the slot generator on [start, start + 1ms); the reason only explains a refusal, checked
 * in this order: in_past, minimum_notice, booking_window, outside_hours, off_interval, overlap.
 */
export function checkSlot(input: RulesInput, start: number): SlotCheck {
  const plan = preparePlan(input);
  requireNumber(start, 'start', -Infinity);
  if (generateSlots(plan, start, start + 1, 'busy').length === 1) return { ok: true };

  const { now, noticeMs, windowMs } = plan;
  if (start < now) return unavailable('in_past', 'That start time is in the past.');
  if (start < now + noticeMs) {
    return unavailable(
      'minimum_notice',
      `This event needs ${describeMinutes(input.minimumNoticeMinutes)} notice; the earliest start is ${isoUtc(now + noticeMs)}.`,
    );
  }
  if (start > now + windowMs) {
    return unavailable(
      'booking_window',
      `This event can be booked at most ${describeMinutes(input.bookingWindowDays * 1440)} ahead; the latest start is ${isoUtc(now + windowMs)}.`,
    );
  }
  if (generateSlots(plan, start, start + 1, 'ignore-busy').length === 0) {
    const fits = availabilityIntervals(plan, start, start + 1).some(
      (interval) => interval.start <= start && start + plan.durationMs <= interval.end,
    );
    if (!fits) return unavailable('outside_hours', "That time is outside the host's available hours.");
    return unavailable(
      'off_interval',
      `Start times are offered every ${describeMinutes(input.slotIntervalMinutes)} from the start of the host's available hours.`,
    );
  }
  return unavailable('overlap', 'That time overlaps another booking of this host (buffers included).');
}

/**
 * Groups slots by their local date in `timeZone`, with ISO times carrying that zone's
 * offset ("2025-11-17T09:00:00-05:00"; "+00:00" for UTC). Expects slots sorted by start,
 * as computeSlotStarts returns them.
 */
export function groupSlotsByLocalDate(
  slots: Slot[],
  timeZone: string,
): Record<string, { start: string; end: string }[]> {
  const calendar = new ZoneCalendar(timeZone);
  // Separate formatters: starts and ends advance through days independently.
  const starts = new IsoFormatter(calendar);
  const ends = new IsoFormatter(calendar);
  const byDate: Record<string, { start: string; end: string }[]> = {};
  let currentKey = '';
  let current: { start: string; end: string }[] = [];
  for (const slot of slots) {
    const start = starts.format(slot.start);
    if (starts.dateKey !== currentKey) {
      currentKey = starts.dateKey;
      current = byDate[currentKey] ??= [];
    }
    current.push({ start, end: ends.format(slot.end) });
  }
  return byDate;
}
