// SQL for team invitations (issue #25): pending invitations live in their own table, so every member and host query
// (team_members) leaves the invitee out until they accept. Accepting is one batch: the member row from the
// invitation row (only while it is live and addressed to the accepting user's email), then the invitation goes.
import { and, asc, eq, gt, lte, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { teamInvitations, teams, type TeamInvitation, type TeamRole } from '../db/schema';

export interface InvitationForInvitee {
  invitation: TeamInvitation;
  team: { id: number; name: string; slug: string };
}

const live = (now: number) => gt(teamInvitations.expiresAt, now);

/** Writes the invitation, replacing an expired one to the same address; undefined when a live one exists. */
export async function insertInvitation(db: Db, row: Omit<TeamInvitation, 'id'>): Promise<TeamInvitation | undefined> {
  const now = row.createdAt;
  await db.delete(teamInvitations).where(and(eq(teamInvitations.teamId, row.teamId), eq(teamInvitations.email, row.email), lte(teamInvitations.expiresAt, now)));
  return db.insert(teamInvitations).values(row).onConflictDoNothing({ target: [teamInvitations.teamId, teamInvitations.email] }).returning().get();
}

export async function listTeamInvitations(db: Db, teamId: number, afterId: number, limit: number, now: number): Promise<TeamInvitation[]> {
  return db
    .select()
    .from(teamInvitations)
    .where(and(eq(teamInvitations.teamId, teamId), live(now), gt(teamInvitations.id, afterId)))
    .orderBy(asc(teamInvitations.id))
    .limit(limit)
    .all();
}

export async function deleteTeamInvitation(db: Db, teamId: number, id: number): Promise<boolean> {
  const row = await db.delete(teamInvitations).where(and(eq(teamInvitations.teamId, teamId), eq(teamInvitations.id, id))).returning({ id: teamInvitations.id }).get();
  return row !== undefined;
}

/** Live invitations addressed to an email, with their teams. */
export async function listInvitationsTo(db: Db, email: string, afterId: number, limit: number, now: number): Promise<InvitationForInvitee[]> {
  return db
    .select({ invitation: teamInvitations, team: { id: teams.id, name: teams.name, slug: teams.slug } })
    .from(teamInvitations)
    .innerJoin(teams, eq(teams.id, teamInvitations.teamId))
    .where(and(eq(teamInvitations.email, email), live(now), gt(teamInvitations.id, afterId)))
    .orderBy(asc(teamInvitations.id))
    .limit(limit)
    .all();
}

/** A live invitation addressed to `email`, by id or by the SHA-256 of its link's token. */
export async function findInvitationTo(db: Db, email: string, by: { id: number } | { tokenHash: string }, now: number): Promise<TeamInvitation | undefined> {
  const key = 'id' in by ? eq(teamInvitations.id, by.id) : eq(teamInvitations.tokenHash, by.tokenHash);
  return db.select().from(teamInvitations).where(and(key, eq(teamInvitations.email, email), live(now))).get();
}

/**
 * Accepts: the member row (if not a member already) and the invitation's deletion in one batch, both guarded by the
 * invitation still being live and addressed to this user's email. False when it was not (declined, revoked, expired).
 */
export async function acceptInvitation(db: Db, invitationId: number, user: { id: number; email: string }, now: number): Promise<{ accepted: boolean; role: TeamRole | null }> {
  const d1 = db.$client;
  const [, gone] = await d1.batch([
    d1
      .prepare(
        `INSERT INTO team_members (team_id, user_id, role, created_at)
         SELECT team_id, ?, role, ? FROM team_invitations WHERE id = ? AND email = ? AND expires_at > ?
         ON CONFLICT (team_id, user_id) DO NOTHING`,
      )
      .bind(user.id, now, invitationId, user.email, now),
    d1.prepare('DELETE FROM team_invitations WHERE id = ? AND email = ? AND expires_at > ? RETURNING role').bind(invitationId, user.email, now),
  ]);
  const row = gone!.results[0] as { role: TeamRole } | undefined;
  return { accepted: row !== undefined, role: row?.role ?? null };
}

/** Declines (deletes) a live invitation addressed to this email; false when there was none. */
export async function declineInvitation(db: Db, invitationId: number, email: string, now: number): Promise<boolean> {
  const row = await db
    .delete(teamInvitations)
    .where(and(eq(teamInvitations.id, invitationId), eq(teamInvitations.email, email), live(now)))
    .returning({ id: teamInvitations.id })
    .get();
  return row !== undefined;
}

/** Live invitations of these teams (the admin Teams tab). */
export async function liveInvitationsOf(db: Db, teamIds: number[], now: number): Promise<TeamInvitation[]> {
  if (teamIds.length === 0) return [];
  return db
    .select()
    .from(teamInvitations)
    .where(and(sql`${teamInvitations.teamId} IN (${sql.join(teamIds.map((id) => sql`${id}`), sql`, `)})`, live(now)))
    .orderBy(asc(teamInvitations.id))
    .all();
}
