// Team membership by consent (issue #25). Owners and admins invite an email (only owners invite owners); the answer
// is the same whether the email has an account, so inviting reveals nothing about who is registered. Only the
// signed-in user with that email accepts (by id, or through the link whose token only the inviter saw once) or
// declines; an invitation for anyone else is a 404 to them. Invitations last 14 days. Adding a member directly is for
// super admins (src/teams/service.ts addMember).
import type { Db } from '../db/client';
import type { User } from '../db/schema';
import { randomToken, sha256Hex } from '../lib/crypto';
import { ApiError, notFound } from '../lib/errors';
import { findMember, type MemberRow } from './repo';
import {
  acceptInvitation,
  declineInvitation,
  deleteTeamInvitation,
  findInvitationTo,
  insertInvitation,
  listInvitationsTo,
  listTeamInvitations,
  type InvitationForInvitee,
} from './invitations-repo';
import type { TeamInvitation } from '../db/schema';
import type { InviteBody } from './schemas';
import { isOwner, managedTeam } from './service';

export const INVITATION_TTL_MS = 14 * 86_400_000;

const iso = (t: number) => new Date(t).toISOString();

export function invitationJson(i: TeamInvitation) {
  return { id: i.id, team_id: i.teamId, email: i.email, role: i.role, status: 'pending' as const, created_at: iso(i.createdAt), expires_at: iso(i.expiresAt) };
}

export function receivedInvitationJson({ invitation: i, team }: InvitationForInvitee) {
  return { id: i.id, team, role: i.role, created_at: iso(i.createdAt), expires_at: iso(i.expiresAt) };
}

export const invitationLink = (baseUrl: string, token: string) => `${baseUrl}/v2/team-invitations/links/${token}/accept`;

/** Invites an email; answers the invitation and the link's token (shown once). */
export async function invite(db: Db, actor: User, teamId: number, body: InviteBody): Promise<{ invitation: TeamInvitation; token: string }> {
  const access = await managedTeam(db, actor, teamId);
  if (body.role === 'owner' && !isOwner(access)) throw new ApiError('forbidden', 'Only team owners may invite owners');
  const token = randomToken();
  const now = Date.now();
  const invitation = await insertInvitation(db, {
    teamId,
    email: body.email,
    role: body.role,
    tokenHash: await sha256Hex(token),
    invitedBy: actor.id,
    createdAt: now,
    expiresAt: now + INVITATION_TTL_MS,
  });
  if (!invitation) throw new ApiError('conflict', 'This address already has a pending invitation to the team');
  return { invitation, token };
}

export async function teamInvitations(db: Db, actor: User, teamId: number, afterId: number, limit: number) {
  await managedTeam(db, actor, teamId);
  return listTeamInvitations(db, teamId, afterId, limit, Date.now());
}

export async function revokeInvitation(db: Db, actor: User, teamId: number, invitationId: number): Promise<void> {
  await managedTeam(db, actor, teamId);
  if (!(await deleteTeamInvitation(db, teamId, invitationId))) throw notFound('Invitation');
}

export const invitationsTo = (db: Db, user: User, afterId: number, limit: number) => listInvitationsTo(db, user.email.toLowerCase(), afterId, limit, Date.now());

/** The invitee accepts, by the invitation's id or its link's token: they become a member with the invited role. */
export async function accept(db: Db, user: User, by: { id: number } | { token: string }): Promise<MemberRow> {
  const email = user.email.toLowerCase();
  const now = Date.now();
  const key = 'id' in by ? { id: by.id } : { tokenHash: await sha256Hex(by.token) };
  const invitation = await findInvitationTo(db, email, key, now);
  if (!invitation) throw notFound('Invitation');
  const { accepted } = await acceptInvitation(db, invitation.id, { id: user.id, email }, now);
  if (!accepted) throw notFound('Invitation');
  return (await findMember(db, invitation.teamId, user.id))!;
}

export async function decline(db: Db, user: User, invitationId: number): Promise<void> {
  if (!(await declineInvitation(db, invitationId, user.email.toLowerCase(), Date.now()))) throw notFound('Invitation');
}
