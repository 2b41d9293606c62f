/**
 * What makes a schedule's weekly hours and date overrides valid, as pure functions (no I/O).
 * schemas.ts runs them from zod refinements; routes.ts runs `overrideClash` against stored rows.
 *
 * Times are wall-clock "HH:MM" in the schedule's zone. Ranges are half-open [start, end), so
 * 09:00-12:00 and 12:00-17:00 touch without overlapping, and "24:00" may only end a range.
 */

export const MAX_AVAILABILITY_RANGES = 50;
export const MAX_DATE_OVERRIDES = 500;
export const MIN_OVERRIDE_YEAR = 2000;
export const MAX_OVERRIDE_YEAR = 2100;

export const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

/** A problem found in a list, with a path relative to the list ([2, 'end_time'] reads availability.2.end_time). */
export interface RuleIssue {
  path: (string | number)[];
  message: string;
}

export interface WeeklyRangeInput {
  day_of_week: number;
  start_time: string;
  end_time: string;
}

/** No times: the whole date is blocked. Both times: a range that replaces that date's weekly hours. */
export interface OverrideInput {
  date: string;
  start_time?: string | null;
  end_time?: string | null;
}

const CLOCK = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Minutes since midnight of an "HH:MM" start time (00:00-23:59), else null. */
export function startMinutes(time: string): number | null {
  const m = CLOCK.exec(time);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

/** Like startMinutes, but "24:00" (the end of the day) is also an end. */
export function endMinutes(time: string): number | null {
  return time === '24:00' ? 24 * 60 : startMinutes(time);
}

export const isStartTime = (time: string) => startMinutes(time) !== null;
export const isEndTime = (time: string) => endMinutes(time) !== null;

/** A real calendar date "YYYY-MM-DD" within the years we accept (2025-02-30 is not one). */
export function isCalendarDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < MIN_OVERRIDE_YEAR || year > MAX_OVERRIDE_YEAR || month < 1 || month > 12 || day < 1) return false;
  return day <= daysInMonth(year, month);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

interface Span {
  start: number;
  end: number;
}

const overlaps = (a: Span, b: Span) => a.start < b.end && b.start < a.end;

/** The range in minutes when both times parse and start is before end; otherwise null. */
function spanOf(start: string, end: string): Span | null {
  const s = startMinutes(start);
  const e = endMinutes(end);
  return s !== null && e !== null && s < e ? { start: s, end: e } : null;
}

/** Weekly ranges: each starts before it ends, and no two on the same day overlap. */
export function availabilityIssues(ranges: readonly WeeklyRangeInput[]): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const valid: { index: number; day: number; span: Span }[] = [];
  ranges.forEach((range, index) => {
    const s = startMinutes(range.start_time);
    const e = endMinutes(range.end_time);
    // Malformed times are the field validators' to report; only well-formed ones are compared here.
    if (s === null || e === null) return;
    if (s >= e) {
      issues.push({ path: [index, 'end_time'], message: `end_time must be after start_time (${range.start_time})` });
      return;
    }
    const span = { start: s, end: e };
    const earlier = valid.find((v) => v.day === range.day_of_week && overlaps(v.span, span));
    if (earlier) {
      const other = ranges[earlier.index]!;
      const day = DAY_NAMES[range.day_of_week] ?? `day ${range.day_of_week}`;
      issues.push({
        path: [index],
        message: `${day} ${range.start_time}-${range.end_time} overlaps ${day} ${other.start_time}-${other.end_time} (availability.${earlier.index})`,
      });
      return;
    }
    valid.push({ index, day: range.day_of_week, span });
  });
  return issues;
}

const hasTime = (t: string | null | undefined): t is string => t !== undefined && t !== null;

/** One override on its own: times both present or both absent, and a range starts before it ends. */
export function overrideIssues(override: OverrideInput): RuleIssue[] {
  const hasStart = hasTime(override.start_time);
  const hasEnd = hasTime(override.end_time);
  if (hasStart !== hasEnd) {
    return [
      {
        path: [hasStart ? 'end_time' : 'start_time'],
        message: 'Give both start_time and end_time for a time range, or neither to block the whole day',
      },
    ];
  }
  if (hasStart && hasEnd) {
    const s = startMinutes(override.start_time!);
    const e = endMinutes(override.end_time!);
    if (s !== null && e !== null && s >= e) {
      return [{ path: ['end_time'], message: `end_time must be after start_time (${override.start_time})` }];
    }
  }
  return [];
}

/** "2025-12-24 (whole day)" or "2025-12-24 09:00-12:00", for messages. */
export function describeOverride(o: OverrideInput): string {
  return hasTime(o.start_time) && hasTime(o.end_time) ? `${o.date} ${o.start_time}-${o.end_time}` : `${o.date} (whole day)`;
}

/**
 * Whether two valid overrides cannot both exist: on one date there is either a single whole-day
 * block or non-overlapping time ranges, never both.
 */
export function overridesClash(a: OverrideInput, b: OverrideInput): boolean {
  if (a.date !== b.date) return false;
  const spanA = hasTime(a.start_time) && hasTime(a.end_time) ? spanOf(a.start_time, a.end_time) : null;
  const spanB = hasTime(b.start_time) && hasTime(b.end_time) ? spanOf(b.start_time, b.end_time) : null;
  if (!spanA || !spanB) return true;
  return overlaps(spanA, spanB);
}

const CLASH_RULE = 'a date has either one whole-day block or non-overlapping time ranges';

/** A list of overrides: each valid on its own, and no two clashing on the same date. */
export function overrideListIssues(overrides: readonly OverrideInput[]): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const validByDate = new Map<string, number[]>();
  overrides.forEach((override, index) => {
    const own = overrideIssues(override);
    if (own.length > 0) {
      issues.push(...own.map((issue) => ({ path: [index, ...issue.path], message: issue.message })));
      return;
    }
    const sameDate = validByDate.get(override.date) ?? [];
    const clash = sameDate.find((j) => overridesClash(overrides[j]!, override));
    if (clash !== undefined) {
      issues.push({
        path: [index],
        message: `${describeOverride(override)} clashes with ${describeOverride(overrides[clash]!)} (date_overrides.${clash}): ${CLASH_RULE}`,
      });
      return;
    }
    sameDate.push(index);
    validByDate.set(override.date, sameDate);
  });
  return issues;
}

/** Why a new override cannot join the stored ones (any dates; only its own date matters), or null. */
export function overrideClash(stored: readonly (OverrideInput & { id: number })[], candidate: OverrideInput): string | null {
  const other = stored.find((o) => overridesClash(o, candidate));
  if (!other) return null;
  return `${describeOverride(candidate)} clashes with override ${other.id} (${describeOverride(other)}): ${CLASH_RULE}`;
}
