// Everything the slot rules need about one team event type and all of its hosts, read in ONE D1 statement: each
// host's default schedule (hours, overrides), busy spans (bookings through booking_hosts, live holds, connected
// calendars) and round-robin counts come back as one JSON array from correlated subqueries, the same ones as a
// personal event type's read (src/slots/context-sql.ts); the event type's counted bookings (booking limits) beside it.
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { eventTypes, teams } from '../db/schema';
import { bookedSql, countedSql, externalBusySql, heldSql, overridesSql, parseCounted, parseOverrides, parseSpans, parseWeekly, weeklySql } from '../slots/context-sql';
import type { TeamSlotContext } from './context';

export type { TeamHost, TeamSlotContext } from './context';

/** A team event type by id, or by the team's slug and its own slug (the public pages). */
export type TeamEventTypeKey = number | { teamSlug: string; slug: string };

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
  ownHoldUid: string | null = null,
): Promise<TeamSlotContext | null> {
  const et = 'booking_event_types';
  const [u, s] = [sql.raw('u.id'), sql.raw('s.id')];
  const period = sql`(CASE ${sql.raw(et)}.counting_period WHEN 'day' THEN ${periodStart('day', now)} ELSE ${periodStart('month', now)} END)`;
  const hosts = sql<string>`(SELECT json_group_array(json_object(
      'id', u.id, 'name', u.name, 'email', u.email, 'timezone', u.timezone, 'username', u.username,
      'fixed', COALESCE(h.is_fixed, 0), 'priority', COALESCE(h.priority, 2), 'weight', COALESCE(h.weight, 100),
      'tz', s.timezone,
      'weekly', json(${weeklySql(s)}),
      'overrides', json(${overridesSql(s, window)}),
      'busy', json(${bookedSql(u, window, now, ignoreBookingId)}),
      'held', json(${heldSql(u, window, now, ownHoldUid)}),
      'external', json(${externalBusySql(u, window)}),
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
    .select({
      eventType: eventTypes,
      // The look columns ride along for the public pages (src/booker/ui.tsx): same row, no extra read.
      team: {
        id: teams.id,
        slug: teams.slug,
        name: teams.name,
        brandColor: teams.brandColor,
        brandColorDark: teams.brandColorDark,
        hideBranding: teams.hideBranding,
        theme: teams.theme,
        locale: teams.locale,
        embedOrigins: teams.embedOrigins,
        logo: teams.logo,
      },
      hosts,
      counted: countedSql(eventTypes.id, window, now, ignoreBookingId),
    })
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
  return {
    eventType: row.eventType,
    team: row.team,
    counted: parseCounted(row.counted),
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
        availability: parseWeekly(h.weekly),
        overrides: parseOverrides(h.overrides),
        busy: parseSpans(h.busy, h.held),
        externalBusy: parseSpans(h.external),
      }))
      .sort((a, b) => a.id - b.id),
  };
}
