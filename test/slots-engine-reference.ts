// The slot engine's slow, independent reference model (test/slots-engine.property.unit.ts compares the engine with it).
//
// It reads zone offsets through a different Intl path (timeZoneName: 'longOffset'), finds each offset change to the
// minute by scanning, then reads the wall clock minute by minute: an instant is available when the local time it shows
// lies inside that local date's ranges (the engine's definition, which settles gaps and repeated hours). It walks every
// grid point from each run of available minutes and checks busy spans by brute force.
import type { SlotInput } from '../src/slots/engine';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const offsetFormats = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, number>();

export function refOffset(timeZone: string, t: number): number {
  const key = `${timeZone}|${t}`;
  const cached = offsetCache.get(key);
  if (cached !== undefined) return cached;
  let format = offsetFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    offsetFormats.set(timeZone, format);
  }
  const match = /GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(format.format(t));
  if (!match) throw new Error(`cannot read offset of ${timeZone}`);
  const offset = match[1] ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * HOUR + Number(match[3]) * MIN) : 0;
  if (offsetCache.size > 200_000) offsetCache.clear();
  offsetCache.set(key, offset);
  return offset;
}

export function refDay(timeZone: string, t: number): number {
  return Math.floor((t + refOffset(timeZone, t)) / DAY);
}

const minutesOf = (text: string): number => Number(text.slice(0, 2)) * 60 + Number(text.slice(3, 5));

export function refRanges(input: SlotInput, day: number): [number, number][] {
  const date = new Date(day * DAY).toISOString().slice(0, 10);
  const overrides = input.overrides.filter((o) => o.date === date);
  const ranges =
    overrides.length > 0
      ? overrides.some((o) => o.startTime === null)
        ? []
        : overrides.map((o): [number, number] => [minutesOf(o.startTime!), minutesOf(o.endTime!)])
      : input.availability
          .filter((r) => r.dayOfWeek === new Date(day * DAY).getUTCDay())
          .map((r): [number, number] => [minutesOf(r.startTime), minutesOf(r.endTime)]);
  // A date's ranges are united in wall-clock time before conversion (engine rule), so
  // overlapping ranges cannot open a hole when one of them starts in a DST gap.
  const united: [number, number][] = [];
  for (const [start, end] of ranges.filter(([a, b]) => b > a).sort((a, b) => a[0] - b[0])) {
    const last = united.at(-1);
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else united.push([start, end]);
  }
  return united;
}

export interface Interval {
  start: number;
  end: number;
}

/** The zone's offset for every whole minute in [fromMinute, toMinute) (UTC minutes since the epoch). */
export function refMinuteOffsets(timeZone: string, fromMinute: number, toMinute: number): Int32Array {
  const offsets = new Int32Array(toMinute - fromMinute);
  const SAMPLE = 180;
  for (let m = fromMinute; m < toMinute; m += SAMPLE) {
    const end = Math.min(m + SAMPLE, toMinute);
    const first = refOffset(timeZone, m * MIN);
    if (refOffset(timeZone, end * MIN) === first) {
      offsets.fill(first, m - fromMinute, end - fromMinute);
    } else {
      for (let k = m; k < end; k++) offsets[k - fromMinute] = refOffset(timeZone, k * MIN);
    }
  }
  return offsets;
}

export interface WallReader {
  /** UTC minute -> whether the host's wall clock then shows a time inside that local date's ranges. */
  inside(minute: number): boolean;
  /** The first scanned minute whose local date is the first day or later. */
  firstMinute: number;
  fromMinute: number;
  toMinute: number;
}

export function refWallReader(input: SlotInput, firstDay: number, lastDay: number): WallReader {
  // Local dates firstDay..lastDay are read by instants within 14 hours before and 12 after them.
  const fromMinute = firstDay * 1440 - 14 * 60;
  const toMinute = (lastDay + 1) * 1440 + 12 * 60;
  const offsets = refMinuteOffsets(input.scheduleTimeZone, fromMinute, toMinute);
  const rangesByDay = new Map<number, [number, number][]>();
  const wallOf = (minute: number) => minute + offsets[minute - fromMinute]! / MIN;
  let firstMinute = fromMinute;
  while (Math.floor(wallOf(firstMinute) / 1440) < firstDay) firstMinute++;
  return {
    fromMinute,
    toMinute,
    firstMinute,
    inside(minute) {
      if (minute < fromMinute || minute >= toMinute) throw new Error('minute outside the scanned window');
      const wall = wallOf(minute);
      const day = Math.floor(wall / 1440);
      if (day < firstDay || day > lastDay) return false;
      let ranges = rangesByDay.get(day);
      if (!ranges) rangesByDay.set(day, (ranges = refRanges(input, day)));
      const minuteOfDay = wall - day * 1440;
      return ranges.some(([start, end]) => start <= minuteOfDay && minuteOfDay < end);
    },
  };
}

export function refIntervals(reader: WallReader): Interval[] {
  const intervals: Interval[] = [];
  let open = NaN;
  for (let m = reader.fromMinute; m <= reader.toMinute; m++) {
    const inside = m < reader.toMinute && reader.inside(m);
    if (inside && Number.isNaN(open)) open = m;
    if (!inside && !Number.isNaN(open)) {
      intervals.push({ start: open * MIN, end: m * MIN });
      open = NaN;
    }
  }
  return intervals;
}

const LOOKBACK_DAYS = 10;

export function refWindow(input: SlotInput): { firstDay: number; lastDay: number } {
  const tz = input.scheduleTimeZone;
  return {
    firstDay: refDay(tz, input.rangeStart) - LOOKBACK_DAYS,
    lastDay: refDay(tz, input.rangeEnd + input.durationMinutes * MIN) + 2,
  };
}

export function overlapsBusy(input: SlotInput, start: number): boolean {
  const from = start - input.bufferBeforeMinutes * MIN;
  const to = start + (input.durationMinutes + input.bufferAfterMinutes) * MIN;
  return input.busy.some((b) => b.end > b.start && b.start < to && from < b.end);
}

/**
 * Every offered start, or null when an interval reaching into the range may have started
 * before the reference's look-back (its grid origin would be unknown).
 */
export function refSlotStarts(input: SlotInput): number[] | null {
  const { firstDay, lastDay } = refWindow(input);
  const reader = refWallReader(input, firstDay, lastDay);
  const intervals = refIntervals(reader);
  const cut = reader.firstMinute * MIN;
  const first = intervals[0];
  if (first && first.start <= cut && first.end > input.rangeStart - DAY) return null;
  const duration = input.durationMinutes * MIN;
  const step = input.slotIntervalMinutes * MIN;
  const starts: number[] = [];
  for (const interval of intervals) {
    for (let s = interval.start; s + duration <= interval.end; s += step) {
      if (s < input.rangeStart || s >= input.rangeEnd) continue;
      if (s < input.now || s < input.now + input.minimumNoticeMinutes * MIN) continue;
      if (s > input.now + input.bookingWindowDays * DAY) continue;
      if (!overlapsBusy(input, s)) starts.push(s);
    }
  }
  return starts;
}

