// A VTIMEZONE component (RFC 5545 3.6.5) for one IANA zone over a span of time, from the runtime's own zone data.
// Pure. A recurring invite writes its DTSTART in the host's local time (TZID), so clients expand the RRULE on the
// host's wall clock across DST; RFC 5545 requires the VTIMEZONE of every TZID used, since clients may not know the
// IANA name. Each offset change in the span becomes one observance with its own DTSTART (no RRULE in the zone: the
// rules of a zone change over the years, the actual transitions do not).
import { DAY_MS, MINUTE_MS, zoneOffsetAt } from '../lib/time';

export interface Observance {
  /** STANDARD, or DAYLIGHT when the offset is ahead of the zone's lowest offset in the span. */
  kind: 'STANDARD' | 'DAYLIGHT';
  /** The instant the offset takes effect (epoch ms). */
  at: number;
  from: number;
  to: number;
}

const STEP_MS = 7 * DAY_MS;

/** The instant in (lo, hi] at which the offset changes, to the minute (zone offsets change on whole minutes). */
function changeBetween(zone: string, lo: number, hi: number): number {
  const before = zoneOffsetAt(zone, lo);
  while (hi - lo > MINUTE_MS) {
    const mid = lo + Math.floor((hi - lo) / 2 / MINUTE_MS) * MINUTE_MS;
    if (zoneOffsetAt(zone, mid) === before) lo = mid;
    else hi = mid;
  }
  return hi;
}

/**
 * The zone's observances from a year before `from` to `to`: the first is the offset in force at that start (so the
 * zone is defined at every instant of the span), then one per change. Weeks are scanned and each change bisected:
 * no zone changes its offset twice within a week (a yearly series may span centuries, so days would cost too much).
 */
export function observances(zone: string, from: number, to: number): Observance[] {
  const start = Math.floor((from - 366 * DAY_MS) / DAY_MS) * DAY_MS;
  const changes: { at: number; from: number; to: number }[] = [];
  let offset = zoneOffsetAt(zone, start);
  const first = offset;
  for (let t = start; t < to + DAY_MS; t += STEP_MS) {
    const next = zoneOffsetAt(zone, t + STEP_MS);
    if (next !== offset) {
      changes.push({ at: changeBetween(zone, t, t + STEP_MS), from: offset, to: next });
      offset = next;
    }
  }
  const lowest = Math.min(first, ...changes.map((c) => c.to));
  return [{ at: start, from: first, to: first }, ...changes].map((c) => ({ kind: c.to > lowest ? 'DAYLIGHT' : 'STANDARD', ...c }));
}

/** "+0100", "-0330" */
export function icsOffset(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / MINUTE_MS);
  return `${ms < 0 ? '-' : '+'}${String(Math.floor(minutes / 60)).padStart(2, '0')}${String(minutes % 60).padStart(2, '0')}`;
}

/** The local date-time form 19980119T070000 (no Z) of an instant at a given offset. */
export function icsLocalDateTime(ms: number, offset: number): string {
  return new Date(ms + offset).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, '');
}

/** The component's content lines (unfolded). An observance's DTSTART is in the local time before it (its TZOFFSETFROM). */
export function vtimezoneLines(zone: string, from: number, to: number): string[] {
  const lines = ['BEGIN:VTIMEZONE', `TZID:${zone}`];
  for (const o of observances(zone, from, to)) {
    lines.push(
      `BEGIN:${o.kind}`,
      `DTSTART:${icsLocalDateTime(o.at, o.from)}`,
      `TZOFFSETFROM:${icsOffset(o.from)}`,
      `TZOFFSETTO:${icsOffset(o.to)}`,
      `END:${o.kind}`,
    );
  }
  lines.push('END:VTIMEZONE');
  return lines;
}
