// Everything the slot rules need about one team event type and all of its hosts, read in ONE D1 statement: each
// host's default schedule (hours, overrides), busy spans (bookings through booking_hosts, live holds, connected
// calendars) and round-robin counts come back as one JSON array from correlated subqueries.
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { eventTypes, teams } from '../db/schema';
import { BUSY_READ_MARGIN_MS, holdsTimeSql } from '../bookings/occupancy';
import type { TeamSlotContext } from './context';

export type { TeamHost, TeamSlotContext } from './context';

/** A team event type by id, or by the team's slug and its own slug (the public pages). */
export type TeamEventTypeKey = number | { teamSlug: string; slug: string };

const DATE_MARGIN_MS = 2 * 86_400_000;
const isoDate = (t: number) => new Date(t).toISOString().slice(0, 10);

/** Start (epoch ms, UTC) of the counting period that contains `now`. */
export function periodStart(period: 'month' | 'day', now: number): number {
  const d = new Date(now);
  return period === 'month' ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) : Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

interface RawHost {
  id: number;
  name: string;
  email: string;
  timezone: string;
  username: string | null;
  fixed: number;
  priority: number;
  weight: number;
  tz: string | null;
  weekly: [number, string, string][] | null;
  overrides: [string, string | null, string | null][] | null;
  busy: [number, number][];
  held: [number, number][];
  external: [number, number][];
  period_bookings: number;
  last_booked_at: number | null;
}

export async function loadTeamSlotContext(
  db: Db,
  key: TeamEventTypeKey,
  window: { from: number; to: number },
  now = Date.now(),
  ignoreBookingId = 0,
): Promise<TeamSlotContext | null> {
  const lo = window.from - BUSY_READ_MARGIN_MS;
  const hi = window.to + BUSY_READ_MARGIN_MS;
  const et = 'booking_event_types';
  const period = sql`(CASE ${sql.raw(et)}.counting_period WHEN 'day' THEN ${periodStart('day', now)} ELSE ${periodStart('month', now)} END)`;
  const hosts = sql<string>`(SELECT json_group_array(json_object(
      'id', u.id, 'name', u.name, 'email', u.email, 'timezone', u.timezone, 'username', u.username,
      'fixed', COALESCE(h.is_fixed, 0), 'priority', COALESCE(h.priority, 2), 'weight', COALESCE(h.weight, 100),
      'tz', s.timezone,
      'weekly', json((SELECT json_group_array(json_array(a.day_of_week, a.start_time, a.end_time))
        FROM booking_availability a WHERE a.schedule_id = s.id)),
      'overrides', json((SELECT json_group_array(json_array(o.date, o.start_time, o.end_time))
        FROM booking_date_overrides o WHERE o.schedule_id = s.id AND o.date <= ${isoDate(window.to + DATE_MARGIN_MS)})),
      'busy', json((SELECT json_group_array(json_array(bh.occupied_start, bh.occupied_end))
        FROM booking_hosts bh JOIN bookings b ON b.id = bh.booking_id
        WHERE bh.user_id = u.id AND ${sql.raw(holdsTimeSql(now, 'b'))}
          AND bh.occupied_start < ${hi} AND bh.occupied_end > ${lo} AND b.id != ${ignoreBookingId})),
      'held', json((SELECT json_group_array(json_array(r.occupied_start, r.occupied_end))
        FROM slot_reservations r WHERE r.host_id = u.id AND r.expires_at > ${now}
          AND r.occupied_start < ${hi} AND r.occupied_end > ${lo})),
      'external', json((SELECT json_group_array(json_array(x.start_at, x.end_at))
        FROM calendar_busy x WHERE x.host_id = u.id AND x.start_at < ${hi} AND x.end_at > ${lo})),
      'period_bookings', (SELECT COUNT(*) FROM bookings b WHERE b.event_type_id = ${sql.raw(et)}.id AND b.host_id = u.id
        AND b.status IN ('accepted', 'pending') AND b.created_at >= ${period}),
      'last_booked_at', (SELECT MAX(b.created_at) FROM bookings b WHERE b.event_type_id = ${sql.raw(et)}.id AND b.host_id = u.id)
    ))
    FROM team_members m
    JOIN users u ON u.id = m.user_id AND u.is_active = 1
    LEFT JOIN booking_event_type_hosts h ON h.event_type_id = ${sql.raw(et)}.id AND h.user_id = m.user_id
    LEFT JOIN booking_schedules s ON s.user_id = u.id AND s.is_default = 1
    WHERE m.team_id = ${sql.raw(et)}.team_id AND (${sql.raw(et)}.assign_all_team_members = 1 OR h.id IS NOT NULL))`;
  const row = await db
    .select({ eventType: eventTypes, team: { id: teams.id, slug: teams.slug, name: teams.name }, hosts })
    .from(eventTypes)
    .innerJoin(teams, eq(teams.id, eventTypes.teamId))
    .where(
      and(
        isNotNull(eventTypes.teamId),
        eq(eventTypes.isActive, true),
        typeof key === 'number' ? eq(eventTypes.id, key) : and(eq(teams.slug, key.teamSlug), eq(eventTypes.slug, key.slug)),
      ),
    )
    .get();
  if (!row) return null;
  const raw = JSON.parse(row.hosts) as RawHost[];
  const span = ([start, end]: [number, number]) => ({ start, end });
  return {
    eventType: row.eventType,
    team: row.team,
    hosts: raw
      .map((h) => ({
        id: h.id,
        userId: h.id,
        name: h.name,
        email: h.email,
        timezone: h.timezone,
        username: h.username,
        // Everyone attends a collective meeting.
        isFixed: row.eventType.schedulingType === 'collective' || h.fixed === 1,
        priority: h.priority,
        weight: h.weight,
        bookings: h.period_bookings,
        lastBookedAt: h.last_booked_at,
        scheduleTimeZone: h.tz,
        availability: (h.weekly ?? []).map(([dayOfWeek, startTime, endTime]) => ({ dayOfWeek, startTime, endTime })),
        overrides: (h.overrides ?? []).map(([date, startTime, endTime]) => ({ date, startTime, endTime })),
        busy: [...h.busy, ...h.held].map(span),
        externalBusy: h.external.map(span),
      }))
      .sort((a, b) => a.id - b.id),
  };
}
