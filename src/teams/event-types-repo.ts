// SQL for team event types: rows of booking_event_types with a team_id, and their hosts.
import { and, asc, eq, gt, inArray } from 'drizzle-orm';
import type { Db } from '../db/client';
import { eventTypeHosts, eventTypes, teamMembers, users, type EventType } from '../db/schema';
import { columnsOf, eventTypeJson } from '../event-types/repo';
import { hostRowsOf, type HostRow } from './hosts';
import { type CreateTeamEventTypeBody, type HostInput, type UpdateTeamEventTypeBody } from './event-type-schemas';

export async function listTeamEventTypes(db: Db, teamId: number, afterId: number, limit: number): Promise<EventType[]> {
  return db
    .select()
    .from(eventTypes)
    .where(and(eq(eventTypes.teamId, teamId), gt(eventTypes.id, afterId)))
    .orderBy(asc(eventTypes.id))
    .limit(limit)
    .all();
}

export async function findTeamEventType(db: Db, teamId: number, id: number): Promise<EventType | undefined> {
  return db.select().from(eventTypes).where(and(eq(eventTypes.teamId, teamId), eq(eventTypes.id, id))).get();
}

/** Which of these users are members of the team. */
export async function membersAmong(db: Db, teamId: number, userIds: number[]): Promise<Set<number>> {
  if (userIds.length === 0) return new Set();
  const rows = await db
    .select({ userId: teamMembers.userId })
    .from(teamMembers)
    .where(and(eq(teamMembers.teamId, teamId), inArray(teamMembers.userId, userIds)))
    .all();
  return new Set(rows.map((r) => r.userId));
}

/**
 * The hosts of each event type as of now: the listed ones who are still members, or with assign_all_team_members
 * every current member (rotating, default priority and weight). Ascending user id.
 */
export async function hostsOf(db: Db, teamId: number, ets: EventType[]): Promise<Map<number, HostRow[]>> {
  const out = new Map<number, HostRow[]>(ets.map((et) => [et.id, []]));
  if (ets.length === 0) return out;
  const [listed, members] = await Promise.all([
    db
      .select({ eventTypeId: eventTypeHosts.eventTypeId, userId: eventTypeHosts.userId, isFixed: eventTypeHosts.isFixed, priority: eventTypeHosts.priority, weight: eventTypeHosts.weight })
      .from(eventTypeHosts)
      .where(inArray(eventTypeHosts.eventTypeId, ets.map((et) => et.id)))
      .all(),
    db
      .select({ userId: teamMembers.userId, name: users.name })
      .from(teamMembers)
      .innerJoin(users, eq(users.id, teamMembers.userId))
      .where(eq(teamMembers.teamId, teamId))
      .orderBy(asc(teamMembers.userId))
      .all(),
  ]);
  const names = new Map(members.map((m) => [m.userId, m.name]));
  for (const et of ets) out.set(et.id, hostRowsOf(et, members, listed, names));
  return out;
}

type TeamColumns = Pick<UpdateTeamEventTypeBody, 'scheduling_type' | 'assign_all_team_members' | 'distribution' | 'weights_enabled' | 'counting_period'>;

function teamColumnsOf(body: TeamColumns) {
  return {
    schedulingType: body.scheduling_type,
    assignAllTeamMembers: body.assign_all_team_members,
    distribution: body.distribution,
    weightsEnabled: body.weights_enabled,
    countingPeriod: body.counting_period,
  };
}

function hostInserts(db: Db, eventTypeId: number, hosts: HostInput[]) {
  return hosts.map((h) => db.insert(eventTypeHosts).values({ eventTypeId, userId: h.userId, isFixed: h.isFixed, priority: h.priority, weight: h.weight }));
}

/** The event type and its hosts. Throws a unique violation when the team already has the slug. */
export async function insertTeamEventType(db: Db, teamId: number, ownerId: number, body: CreateTeamEventTypeBody): Promise<EventType> {
  const now = Date.now();
  const { hosts, ...fields } = body;
  const created = await db
    .insert(eventTypes)
    .values({
      ...columnsOf(fields),
      ...teamColumnsOf(fields),
      schedulingType: fields.scheduling_type,
      teamId,
      ownerId,
      scheduleId: null,
      title: fields.title,
      slug: fields.slug,
      durationMinutes: fields.duration_minutes,
      createdAt: now,
      updatedAt: now,
    })
    .returning()
    .get();
  const inserts = hostInserts(db, created.id, hosts ?? []);
  if (inserts.length) await db.batch(inserts as [(typeof inserts)[number], ...typeof inserts]);
  return created;
}

/** Applies the change; a new `hosts` list replaces the old one in the same batch. */
export async function updateTeamEventType(db: Db, id: number, body: UpdateTeamEventTypeBody): Promise<EventType | undefined> {
  const { hosts, ...fields } = body;
  const update = db
    .update(eventTypes)
    .set({ ...columnsOf(fields), ...teamColumnsOf(fields), updatedAt: Date.now() })
    .where(eq(eventTypes.id, id))
    .returning();
  if (hosts === undefined) return update.get();
  const [rows] = await db.batch([update, db.delete(eventTypeHosts).where(eq(eventTypeHosts.eventTypeId, id)), ...hostInserts(db, id, hosts)]);
  return rows[0];
}

export async function deleteTeamEventType(db: Db, id: number): Promise<void> {
  await db.delete(eventTypes).where(eq(eventTypes.id, id));
}

export function teamEventTypeJson(et: EventType, hosts: HostRow[]) {
  const { schedule_id: _schedule, ...base } = eventTypeJson(et);
  return {
    ...base,
    team_id: et.teamId!,
    scheduling_type: et.schedulingType ?? 'round_robin',
    assign_all_team_members: et.assignAllTeamMembers,
    distribution: et.distribution,
    weights_enabled: et.weightsEnabled,
    counting_period: et.countingPeriod,
    hosts: hosts.map((h) => ({ user_id: h.userId, name: h.name, is_fixed: h.isFixed, priority: h.priority, weight: h.weight })),
  };
}
