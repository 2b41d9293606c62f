// SQL for teams and their members. Who may see a team is a query condition (membership, or a super admin), so a
// team someone does not belong to is indistinguishable from a missing one.
import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import { brandingChanges, brandingJson } from '../branding/schemas';
import type { Db } from '../db/client';
import { eventTypeHosts, eventTypes, teamMembers, teams, users, type EventType, type Team, type TeamRole, type User } from '../db/schema';
import { hostRowsOf, type HostRow } from './hosts';
import { liveInvitationsOf } from './invitations-repo';
import type { UpdateTeamBody } from './schemas';

/** A team as one viewer sees it: their role (null for a super admin who is no member). */
export interface TeamAccess {
  team: Team;
  role: TeamRole | null;
  superAdmin: boolean;
}

export async function findTeamAccess(db: Db, viewer: User, teamId: number): Promise<TeamAccess | undefined> {
  const row = await db
    .select({ team: teams, role: teamMembers.role })
    .from(teams)
    .leftJoin(teamMembers, and(eq(teamMembers.teamId, teams.id), eq(teamMembers.userId, viewer.id)))
    .where(eq(teams.id, teamId))
    .get();
  if (!row) return undefined;
  const superAdmin = viewer.role === 'super_admin';
  if (row.role === null && !superAdmin) return undefined;
  return { team: row.team, role: row.role, superAdmin };
}

/** The viewer's teams (a super admin: every team), by id. */
export async function listTeams(db: Db, viewer: User, afterId: number, limit: number): Promise<TeamAccess[]> {
  const superAdmin = viewer.role === 'super_admin';
  const membership = and(eq(teamMembers.teamId, teams.id), eq(teamMembers.userId, viewer.id));
  const base = db.select({ team: teams, role: teamMembers.role }).from(teams);
  const joined = superAdmin ? base.leftJoin(teamMembers, membership) : base.innerJoin(teamMembers, membership);
  const rows = await joined.where(gt(teams.id, afterId)).orderBy(asc(teams.id)).limit(limit).all();
  return rows.map((r) => ({ team: r.team, role: r.role, superAdmin }));
}

/** The team and its owner's membership in one atomic batch. Throws a unique violation when the slug is taken. */
export async function insertTeamWithOwner(db: Db, body: { name: string; slug: string }, ownerId: number): Promise<Team> {
  const now = Date.now();
  const d1 = db.$client;
  const [inserted] = await d1.batch([
    d1.prepare('INSERT INTO teams (slug, name, created_at, updated_at) VALUES (?, ?, ?, ?) RETURNING *').bind(body.slug, body.name, now, now),
    d1
      .prepare(`INSERT INTO team_members (team_id, user_id, role, created_at) SELECT id, ?, 'owner', ? FROM teams WHERE slug = ?`)
      .bind(ownerId, now, body.slug),
  ]);
  const row = inserted!.results[0] as Record<string, unknown>;
  return {
    id: row.id as number,
    slug: row.slug as string,
    name: row.name as string,
    brandColor: null,
    brandColorDark: null,
    hideBranding: false,
    theme: 'system',
    locale: 'en',
    embedOrigins: [],
    logo: null,
    createdAt: row.created_at as number,
    updatedAt: row.updated_at as number,
  };
}

export async function updateTeam(db: Db, id: number, body: UpdateTeamBody): Promise<Team | undefined> {
  return db
    .update(teams)
    .set({ name: body.name, slug: body.slug, ...brandingChanges(body), updatedAt: Date.now() })
    .where(eq(teams.id, id))
    .returning()
    .get();
}

export async function deleteTeam(db: Db, id: number): Promise<void> {
  await db.delete(teams).where(eq(teams.id, id));
}

export interface MemberRow {
  teamId: number;
  userId: number;
  role: TeamRole;
  createdAt: number;
  name: string;
  email: string;
  username: string | null;
}

const memberColumns = {
  teamId: teamMembers.teamId,
  userId: teamMembers.userId,
  role: teamMembers.role,
  createdAt: teamMembers.createdAt,
  name: users.name,
  email: users.email,
  username: users.username,
};

export async function listMembers(db: Db, teamId: number, afterUserId: number, limit: number): Promise<MemberRow[]> {
  return db
    .select(memberColumns)
    .from(teamMembers)
    .innerJoin(users, eq(users.id, teamMembers.userId))
    .where(and(eq(teamMembers.teamId, teamId), gt(teamMembers.userId, afterUserId)))
    .orderBy(asc(teamMembers.userId))
    .limit(limit)
    .all();
}

export async function findMember(db: Db, teamId: number, userId: number): Promise<MemberRow | undefined> {
  return db
    .select(memberColumns)
    .from(teamMembers)
    .innerJoin(users, eq(users.id, teamMembers.userId))
    .where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, userId)))
    .get();
}

/** Throws a unique violation when the user is already a member. */
export async function insertMember(db: Db, teamId: number, userId: number, role: TeamRole): Promise<void> {
  await db.insert(teamMembers).values({ teamId, userId, role, createdAt: Date.now() });
}

/** The team keeps at least one owner: a change that would leave none is not applied (one statement, so races cannot). */
const KEEPS_AN_OWNER = sql`(${teamMembers.role} != 'owner' OR (SELECT COUNT(*) FROM team_members o WHERE o.team_id = ${teamMembers.teamId} AND o.role = 'owner') > 1)`;

/** Changes a role; false when nothing changed because the team would lose its last owner. */
export async function changeMemberRole(db: Db, teamId: number, userId: number, role: TeamRole): Promise<boolean> {
  const row = await db
    .update(teamMembers)
    .set({ role })
    .where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, userId), role === 'owner' ? undefined : KEEPS_AN_OWNER))
    .returning({ id: teamMembers.id })
    .get();
  return row !== undefined;
}

/** Removes a member; false when the team would lose its last owner. */
export async function deleteMember(db: Db, teamId: number, userId: number): Promise<boolean> {
  const row = await db
    .delete(teamMembers)
    .where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, userId), KEEPS_AN_OWNER))
    .returning({ id: teamMembers.id })
    .get();
  return row !== undefined;
}

const iso = (t: number) => new Date(t).toISOString();

export function teamJson({ team, role }: TeamAccess) {
  return { id: team.id, slug: team.slug, name: team.name, role, ...brandingJson(team), created_at: iso(team.createdAt), updated_at: iso(team.updatedAt) };
}

export function memberJson(m: MemberRow) {
  return { team_id: m.teamId, user_id: m.userId, name: m.name, email: m.email, username: m.username, role: m.role, created_at: iso(m.createdAt) };
}

export interface TeamOverview {
  team: Team;
  members: { userId: number; name: string; role: TeamRole }[];
  /** Pending invitations: not members yet (issue #25). */
  invitations: { email: string; role: TeamRole; expiresAt: number }[];
  eventTypes: { eventType: EventType; hosts: HostRow[] }[];
}

/** Teams by id with their members and event types (and each one's hosts), in three queries for the page. */
export async function teamOverviews(db: Db, afterId: number, limit: number): Promise<TeamOverview[]> {
  const page = await db.select().from(teams).where(gt(teams.id, afterId)).orderBy(asc(teams.id)).limit(limit).all();
  if (page.length === 0) return [];
  const ids = page.map((t) => t.id);
  const [members, ets, invitations] = await Promise.all([
    db
      .select({ teamId: teamMembers.teamId, userId: teamMembers.userId, name: users.name, role: teamMembers.role })
      .from(teamMembers)
      .innerJoin(users, eq(users.id, teamMembers.userId))
      .where(inArray(teamMembers.teamId, ids))
      .orderBy(asc(teamMembers.userId))
      .all(),
    db.select().from(eventTypes).where(inArray(eventTypes.teamId, ids)).orderBy(asc(eventTypes.id)).all(),
    liveInvitationsOf(db, ids, Date.now()),
  ]);
  const listed = ets.length
    ? await db.select().from(eventTypeHosts).where(inArray(eventTypeHosts.eventTypeId, ets.map((et) => et.id))).all()
    : [];
  return page.map((team) => {
    const teamMembersOf = members.filter((m) => m.teamId === team.id);
    const names = new Map(teamMembersOf.map((m) => [m.userId, m.name]));
    return {
      team,
      members: teamMembersOf.map(({ userId, name, role }) => ({ userId, name, role })),
      invitations: invitations.filter((i) => i.teamId === team.id).map(({ email, role, expiresAt }) => ({ email, role, expiresAt })),
      eventTypes: ets
        .filter((et) => et.teamId === team.id)
        .map((eventType) => ({
          eventType,
          hosts: hostRowsOf(eventType, teamMembersOf, listed, names),
        })),
    };
  });
}

/** A team's logo key (src/logos/service.ts), or null to remove it. */
export async function updateTeamLogo(db: Db, id: number, logo: string | null): Promise<void> {
  await db.update(teams).set({ logo, updatedAt: Date.now() }).where(eq(teams.id, id));
}

/**
 * Whose Stripe account a paid team booking pays into: the team's owner, the first (by joining) among the owners who
 * connected Stripe, else the first owner (whose bookings the deployment's keys then serve). Recorded on each booking
 * when it is made, so a later change of owners never redirects a refund. Undefined: the team has no owner left.
 */
export async function teamPayee(db: Db, teamId: number): Promise<number | undefined> {
  const row = await db.$client
    .prepare(
      `SELECT m.user_id AS userId FROM team_members m
       WHERE m.team_id = ? AND m.role = 'owner'
       ORDER BY NOT EXISTS (SELECT 1 FROM payment_accounts p WHERE p.user_id = m.user_id), m.created_at, m.user_id
       LIMIT 1`,
    )
    .bind(teamId)
    .first<{ userId: number }>();
  return row?.userId;
}
