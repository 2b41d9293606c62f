/**
 * Recurring bookings: the occurrences of a series, as a pure function (no I/O).
 *
 * - Occurrences repeat the first one's wall-clock time and local date in the **host schedule's time zone**, so the
 *   host's clock reads the same time every week across DST changes (the UTC instant moves by the offset change).
 * - `weekly`: every `interval` weeks; `monthly`: the same day of the month every `interval` months; `yearly`: the same
 *   month and day every `interval` years. As RRULE (RFC 5545, 3.3.10) does, a date that does not exist in a month or
 *   year (the 31st in April, February 29th outside leap years) is skipped rather than moved, and does not count: a
 *   monthly series on the 31st from January has its 2nd occurrence on March 31st.
 * - A wall time the zone skips (inside a spring-forward gap) resolves to the instant of the jump, and a repeated one
 *   (fall-back) to its first occurrence: the same definition as the slot engine's hours (src/slots/engine.ts). The
 *   slot rules then decide whether that instant is bookable like any other start.
 */
import type { RecurrenceFreq, RecurringEvent } from '../db/json-types';
import { DAY_MS, MINUTE_MS, ZoneCalendar } from '../lib/time';


/** Cal.com's numeric `freq` (RRule's Frequency enum): YEARLY = 0, MONTHLY = 1, WEEKLY = 2. */
export const CALCOM_FREQ: Record<number, RecurrenceFreq> = { 0: 'yearly', 1: 'monthly', 2: 'weekly' };

/** Candidate dates are walked at most this many times the count (skips of the 29th-31st; Feb 29 needs up to 8 years). */
const MAX_WALK_FACTOR = 9;

/**
 * The starts (epoch ms) of the first `count` occurrences of a series whose first occurrence starts at `first`. Pass a
 * ZoneCalendar to reuse its offsets across many series (the slots of a month).
 */
export function occurrenceStarts(first: number, rule: Pick<RecurringEvent, 'freq' | 'interval'>, count: number, zone: string | ZoneCalendar): number[] {
  if (!Number.isInteger(rule.interval) || rule.interval < 1) throw new RangeError('interval must be a positive integer');
  if (!Number.isInteger(count) || count < 1) throw new RangeError('count must be a positive integer');
  const calendar = typeof zone === 'string' ? new ZoneCalendar(zone) : zone;
  const day = calendar.localDayOf(first);
  // Whole minutes of the wall clock; the seconds of `first` (normally 0) are kept as they are.
  const wallMs = first + calendar.offsetAt(first) - day * DAY_MS;
  const minute = Math.floor(wallMs / MINUTE_MS);
  const extraMs = wallMs - minute * MINUTE_MS;
  const date = new Date(day * DAY_MS);
  const [y, m, d] = [date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()];

  const starts = [first];
  for (let k = 1; starts.length < count; k++) {
    if (k > count * MAX_WALK_FACTOR) throw new Error('recurrence: the walk over dates exceeded its bound');
    let candidate: number | null;
    switch (rule.freq) {
      case 'weekly':
        candidate = day + 7 * rule.interval * k;
        break;
      case 'monthly':
        candidate = existingDate(y, m + rule.interval * k, d);
        break;
      case 'yearly':
        candidate = existingDate(y + rule.interval * k, m, d);
        break;
    }
    if (candidate === null) continue;
    starts.push(wallInstant(calendar, candidate, minute) + extraMs);
  }
  return starts;
}

/** The day number of year/month(0-based, may overflow into later years)/date, or null when that date does not exist. */
function existingDate(year: number, month: number, date: number): number | null {
  const ms = Date.UTC(year, month, date);
  return new Date(ms).getUTCDate() === date ? ms / DAY_MS : null;
}

/** The first instant whose wall clock on local date `day` reads `minute` or later (a gap resolves to the jump). */
function wallInstant(calendar: ZoneCalendar, day: number, minute: number): number {
  const first = calendar.wallRangeIntervals(day, minute, 1440)[0];
  // The rest of the date does not exist (a zone that skips a whole date): the next date's start.
  return first ? first.start : calendar.wallRangeIntervals(day + 1, 0, 1440)[0]!.start;
}

// ---- Wording (booking pages and emails) ----

const UNIT: Record<RecurringEvent['freq'], [string, string]> = { weekly: ['week', 'weeks'], monthly: ['month', 'months'], yearly: ['year', 'years'] };

/** "Every week", "Every 2 months". */
export function repeatPhrase(rule: Pick<RecurringEvent, 'freq' | 'interval'>): string {
  const [one, many] = UNIT[rule.freq];
  return rule.interval === 1 ? `Every ${one}` : `Every ${rule.interval} ${many}`;
}

/** "Every week, 4 meetings" / "1 meeting". */
export function seriesSummary(rule: Pick<RecurringEvent, 'freq' | 'interval'>, occurrences: number): string {
  return `${repeatPhrase(rule)}, ${occurrences === 1 ? '1 meeting' : `${occurrences} meetings`}`;
}
