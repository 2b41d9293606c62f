// The pieces of the one-statement slot read shared by a personal event type (slots/repo.ts) and a team one
// (teams/slots-repo.ts): each host's hours, overrides and busy spans, and the event type's counted bookings, as
// correlated subqueries answering JSON arrays; and the parsing of those arrays. One home, so the two reads can never
// disagree on what is busy or what counts.
import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { BUSY_READ_MARGIN_MS, holdsTimeSql } from '../bookings/occupancy';
import type { BusySpan, DateOverride, WeeklyRange } from './engine';
import type { CountedBooking } from './limits';
import { LIMIT_PERIODS, type LimitPeriod } from '../db/json-types';

/**
 * Local dates may differ from UTC dates by up to 14 hours either way; two days of margin covers every zone. Overrides
 * have no lower bound: hours that run through midnight day after day form one interval whose slot grid starts where
 * the chain starts, which an override long before the range can decide (a schedule holds at most 500 overrides).
 */
const DATE_MARGIN_MS = 2 * 86_400_000;
const isoDate = (t: number) => new Date(t).toISOString().slice(0, 10);

/** How far around a start its period can reach, in days (the period's longest length plus a day for zone offsets). */
const PERIOD_REACH_DAYS: Record<LimitPeriod, number> = { day: 2, week: 9, month: 33, year: 368 };

/**
 * SQL for "how many ms around the window counted bookings must be read": the reach of the widest period any of the
 * event type's limits uses, or NULL without limits (every comparison with it is false: nothing is read). Decided in
 * the same statement that loads the event type, so limits cost no extra round trip.
 */
const limitReachMsSql = () => {
  const uses = (period: LimitPeriod) =>
    `json_extract(booking_event_types.booking_limits_count, '$.${period}') IS NOT NULL OR json_extract(booking_event_types.booking_limits_duration, '$.${period}') IS NOT NULL`;
  // Constants only (no bind parameters: D1 allows 100 per statement).
  const cases = [...LIMIT_PERIODS].reverse().map((period) => `WHEN ${uses(period)} THEN ${PERIOD_REACH_DAYS[period] * 86_400_000}`);
  return sql.raw(`(CASE ${cases.join(' ')} ELSE NULL END)`);
};

export interface ReadWindow {
  from: number;
  to: number;
}

/** The schedule's weekly hours: `[[day_of_week, start, end], ...]`. */
export const weeklySql = (scheduleId: SQLWrapper): SQL<string> => sql<string>`(SELECT json_group_array(json_array(a.day_of_week, a.start_time, a.end_time))
  FROM booking_availability a WHERE a.schedule_id = ${scheduleId})`;

/** The schedule's date overrides up to the window's end: `[[date, start|null, end|null], ...]`. */
export const overridesSql = (scheduleId: SQLWrapper, window: ReadWindow): SQL<string> => sql<string>`(SELECT json_group_array(json_array(o.date, o.start_time, o.end_time))
  FROM booking_date_overrides o WHERE o.schedule_id = ${scheduleId} AND o.date <= ${isoDate(window.to + DATE_MARGIN_MS)})`;

/**
 * The occupied spans of the live bookings the user attends as a host (through booking_hosts, so a team booking the
 * host attends is busy time too) that can touch slots starting in the window; `ignoreBookingId` is the booking being
 * rescheduled; `also`: a further condition on the booking `b` (a seated event type leaves out its own seated bookings).
 */
export const bookedSql = (userId: SQLWrapper, window: ReadWindow, now: number, ignoreBookingId = 0, also: SQL = sql``): SQL<string> => sql<string>`(SELECT json_group_array(json_array(bh.occupied_start, bh.occupied_end))
  FROM booking_hosts bh JOIN bookings b ON b.id = bh.booking_id
  WHERE bh.user_id = ${userId} AND ${sql.raw(holdsTimeSql(now, 'b'))}
    AND bh.occupied_start < ${window.to + BUSY_READ_MARGIN_MS} AND bh.occupied_end > ${window.from - BUSY_READ_MARGIN_MS}
    AND b.id != ${ignoreBookingId} ${also})`;

/** The user's live slot reservations near the window, but `ownHoldUid` (the caller's own hold, every row of a team hold). */
export const heldSql = (userId: SQLWrapper, window: ReadWindow, now: number, ownHoldUid: string | null = null): SQL<string> => {
  const notOwn = ownHoldUid === null ? sql`` : sql`AND NOT (r.uid = ${ownHoldUid} OR substr(r.uid, 1, ${ownHoldUid.length + 1}) = ${`${ownHoldUid}~`})`;
  return sql<string>`(SELECT json_group_array(json_array(r.occupied_start, r.occupied_end))
  FROM slot_reservations r WHERE r.host_id = ${userId} AND r.expires_at > ${now}
    AND r.occupied_start < ${window.to + BUSY_READ_MARGIN_MS} AND r.occupied_end > ${window.from - BUSY_READ_MARGIN_MS}
    ${notOwn})`;
};

/** The user's busy time from connected calendars near the window. */
export const externalBusySql = (userId: SQLWrapper, window: ReadWindow): SQL<string> => sql<string>`(SELECT json_group_array(json_array(x.start_at, x.end_at))
  FROM calendar_busy x WHERE x.host_id = ${userId}
    AND x.start_at < ${window.to + BUSY_READ_MARGIN_MS} AND x.end_at > ${window.from - BUSY_READ_MARGIN_MS})`;

/**
 * The bookings of the event type (whatever host) that count against its booking limits, around the window as far as
 * its widest limited period reaches (nothing without limits). The outer row is `booking_event_types`.
 */
export const countedSql = (eventTypeId: SQLWrapper, window: ReadWindow, now: number, ignoreBookingId = 0): SQL<string> => sql<string>`(SELECT json_group_array(json_array(c.start_at, c.end_at))
  FROM bookings c WHERE c.event_type_id = ${eventTypeId} AND ${sql.raw(holdsTimeSql(now, 'c'))}
    AND c.start_at >= ${window.from} - ${limitReachMsSql()} AND c.start_at < ${window.to} + ${limitReachMsSql()}
    AND c.id != ${ignoreBookingId})`;

/** JSON text (or an already parsed array, as json() inside json_object gives) of one of the subqueries above. */
type Json<T> = string | T[] | null;
const list = <T>(json: Json<T>): T[] => (json === null ? [] : typeof json === 'string' ? (JSON.parse(json) as T[]) : json);

export const parseWeekly = (json: Json<[number, string, string]>): WeeklyRange[] =>
  list(json).map(([dayOfWeek, startTime, endTime]) => ({ dayOfWeek, startTime, endTime }));
export const parseOverrides = (json: Json<[string, string | null, string | null]>): DateOverride[] =>
  list(json).map(([date, startTime, endTime]) => ({ date, startTime, endTime }));
export const parseSpans = (...lists: Json<[number, number]>[]): BusySpan[] => lists.flatMap((l) => list(l)).map(([start, end]) => ({ start, end }));
export const parseCounted = (json: Json<[number, number]>): CountedBooking[] => list(json).map(([start, end]) => ({ start, minutes: (end - start) / 60_000 }));
