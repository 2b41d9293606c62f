/**
 * Booking limits of an event type (Cal.com's `bookingLimits` / `durationLimits`), as a pure tally. No I/O.
 *
 * - A period is a calendar day, an ISO week (Monday to Sunday), a calendar month or a calendar year, read in the
 *   schedule's time zone. A booking belongs to the period of its start's local date.
 * - `counts`: at most that many bookings of this event type start in one period; `durations`: their minutes add up to
 *   at most that many. Accepted bookings and pending requests that still hold time count; cancelled, declined and
 *   expired ones do not. The booking being rescheduled is left out by the caller, so it never counts against its own
 *   move.
 * - A start is refused when its period has no room left for one more booking of this duration; the slot engine
 *   filters offered slots and checks a start with the same tally (src/slots/engine.ts), so "offered" and "bookable"
 *   stay one rule.
 */
import { LIMIT_PERIODS, type LimitPeriod, type PeriodLimits } from '../db/json-types';
import { DAY_MS, ZoneCalendar } from '../lib/time';


export interface BookingLimits {
  /** Bookings per period. */
  counts: PeriodLimits | null;
  /** Booked minutes per period. */
  durations: PeriodLimits | null;
}

/** A booking of this event type that counts against its limits: its start and its length in minutes. */
export interface CountedBooking {
  start: number;
  minutes: number;
}

export type LimitRefusal = { period: LimitPeriod; kind: 'count' | 'duration'; limit: number; message: string };

export function hasLimits(limits: BookingLimits | null | undefined): limits is BookingLimits {
  return !!limits && (hasAny(limits.counts) || hasAny(limits.durations));
}

const hasAny = (p: PeriodLimits | null) => !!p && LIMIT_PERIODS.some((k) => p[k] !== undefined);

/**
 * Where a set of period limits breaks "day <= week <= month <= year" (only the periods that are set are compared), as
 * the name of the offending period, or null when they are in order.
 */
export function misorderedPeriod(p: PeriodLimits): LimitPeriod | null {
  let previous: number | undefined;
  for (const period of LIMIT_PERIODS) {
    const value = p[period];
    if (value === undefined) continue;
    if (previous !== undefined && value < previous) return period;
    previous = value;
  }
  return null;
}

/** The largest period that has a limit, which decides how far around a range the counted bookings must be read. */
export function widestPeriod(limits: BookingLimits): LimitPeriod | null {
  for (const period of [...LIMIT_PERIODS].reverse()) {
    if (limits.counts?.[period] !== undefined || limits.durations?.[period] !== undefined) return period;
  }
  return null;
}

// Day 0 (1970-01-01) was a Thursday, so Monday-based week numbers are floor((day + 3) / 7).
const weekOfDay = (day: number) => Math.floor((day + 3) / 7);

/** The key of the period holding local date `day` (days since 1970-01-01). Keys of one period kind are ordered. */
export function periodKey(period: LimitPeriod, day: number): number {
  switch (period) {
    case 'day':
      return day;
    case 'week':
      return weekOfDay(day);
    case 'month': {
      const d = new Date(day * DAY_MS);
      return d.getUTCFullYear() * 12 + d.getUTCMonth();
    }
    case 'year':
      return new Date(day * DAY_MS).getUTCFullYear();
  }
}

/** The local dates [first, end) of the period holding local date `day`. */
export function periodDays(period: LimitPeriod, day: number): { first: number; end: number } {
  switch (period) {
    case 'day':
      return { first: day, end: day + 1 };
    case 'week': {
      const first = weekOfDay(day) * 7 - 3;
      return { first, end: first + 7 };
    }
    case 'month': {
      const d = new Date(day * DAY_MS);
      return { first: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / DAY_MS, end: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) / DAY_MS };
    }
    case 'year': {
      const y = new Date(day * DAY_MS).getUTCFullYear();
      return { first: Date.UTC(y, 0, 1) / DAY_MS, end: Date.UTC(y + 1, 0, 1) / DAY_MS };
    }
  }
}

const PERIOD_WORDS: Record<LimitPeriod, string> = { day: 'day', week: 'week (Monday to Sunday)', month: 'calendar month', year: 'calendar year' };

/** More than any zone's offset from UTC. */
const EDGE_MS = 15 * 3_600_000;

/** Index of the first booking starting at or after t (bookings sorted by start). */
function firstAtOrAfter(sorted: CountedBooking[], t: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid]!.start < t) low = mid + 1;
    else high = mid;
  }
  return low;
}

interface Totals {
  count: number;
  minutes: number;
}

/** The counted bookings summed per period, asked "is there room for one more booking starting at t?". */
export class LimitTally {
  /** Totals per period kind and key, computed on first use. */
  private readonly totals: Record<LimitPeriod, Map<number, Totals>> = { day: new Map(), week: new Map(), month: new Map(), year: new Map() };
  private readonly periods: LimitPeriod[];
  /** Every start on one local date shares its periods, so the answer is kept per (date, minutes). */
  private readonly byDay = new Map<string, LimitRefusal | null>();
  private readonly counted: CountedBooking[];

  constructor(
    private readonly limits: BookingLimits,
    private readonly calendar: ZoneCalendar,
    counted: CountedBooking[],
  ) {
    this.periods = LIMIT_PERIODS.filter((p) => limits.counts?.[p] !== undefined || limits.durations?.[p] !== undefined);
    this.counted = [...counted].sort((a, b) => a.start - b.start);
  }

  /**
   * The counted bookings of the period holding local date `day`. Lazily, and reading the zone only near the period's
   * edges: every offset lies within ±15 hours, so a booking more than that inside (or outside) the period's dates
   * belongs (or does not) whatever the zone says; only the others need their exact local date.
   */
  private totalsOf(period: LimitPeriod, day: number): Totals {
    const key = periodKey(period, day);
    let totals = this.totals[period].get(key);
    if (totals) return totals;
    totals = { count: 0, minutes: 0 };
    const { first, end } = periodDays(period, day);
    const from = first * DAY_MS - EDGE_MS;
    const to = end * DAY_MS + EDGE_MS;
    for (let i = firstAtOrAfter(this.counted, from); i < this.counted.length && this.counted[i]!.start < to; i++) {
      const b = this.counted[i]!;
      const surely = b.start >= first * DAY_MS + EDGE_MS && b.start < end * DAY_MS - EDGE_MS;
      if (surely || periodKey(period, this.calendar.localDayOf(b.start)) === key) {
        totals.count += 1;
        totals.minutes += b.minutes;
      }
    }
    this.totals[period].set(key, totals);
    return totals;
  }

  /**
   * Null when one more booking of `minutes` starting at `start` fits every limit; else the first limit it breaks.
   * `extra`: bookings about to be made with it (a series' earlier occurrences), counted as well.
   */
  refusal(start: number, minutes: number, extra: CountedBooking[] = []): LimitRefusal | null {
    const day = this.calendar.localDayOf(start);
    if (extra.length) return this.refusalOn(day, minutes, extra.map((b) => ({ day: this.calendar.localDayOf(b.start), minutes: b.minutes })));
    const key = `${day}|${minutes}`;
    let answer = this.byDay.get(key);
    if (answer === undefined) {
      answer = this.refusalOn(day, minutes, []);
      this.byDay.set(key, answer);
    }
    return answer;
  }

  private refusalOn(day: number, minutes: number, extra: { day: number; minutes: number }[]): LimitRefusal | null {
    for (const period of this.periods) {
      const key = periodKey(period, day);
      const totals = { ...this.totalsOf(period, day) };
      for (const b of extra) {
        if (periodKey(period, b.day) !== key) continue;
        totals.count += 1;
        totals.minutes += b.minutes;
      }
      const maxCount = this.limits.counts?.[period];
      if (maxCount !== undefined && totals.count + 1 > maxCount) {
        return {
          period,
          kind: 'count',
          limit: maxCount,
          message: `This event type takes at most ${maxCount} booking${maxCount === 1 ? '' : 's'} per ${PERIOD_WORDS[period]} in ${this.calendar.timeZone}, and that ${period} is full.`,
        };
      }
      const maxMinutes = this.limits.durations?.[period];
      if (maxMinutes !== undefined && totals.minutes + minutes > maxMinutes) {
        return {
          period,
          kind: 'duration',
          limit: maxMinutes,
          message: `This event type takes at most ${maxMinutes} minutes of bookings per ${PERIOD_WORDS[period]} in ${this.calendar.timeZone}; that ${period} has ${maxMinutes - totals.minutes} left.`,
        };
      }
    }
    return null;
  }
}
