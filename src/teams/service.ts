// Teams and members: the authorization rules in one place, shared by the API and the admin pages.
// - Any member sees the team and its members; anyone else gets a 404 (the team's existence is not revealed).
// - Owners and admins change the team and manage members; a member trying to gets a 403 (they can see it exists).
// - New members join by accepting an invitation (src/teams/invitations.ts); only super admins add members directly.
// - Only owners (and super admins) delete the team, make owners, or change or remove an owner.
// - A member may always leave; the team always keeps at least one owner (guarded in SQL).
// - Super admins may do everything.
import type { Db } from '../db/client';
import { isUniqueViolation } from '../db/errors';
import type { TeamRole, User } from '../db/schema';
import { ApiError, foundOr404, notFound } from '../lib/errors';
import { findUserByEmail, findUserById } from '../users/repo';
import {
  changeMemberRole,
  deleteMember,
  deleteTeam,
  findMember,
  findTeamAccess,
  insertMember,
  insertTeamWithOwner,
  updateTeam,
  type TeamAccess,
} from './repo';
import type { AddMemberBody, CreateTeamBody, UpdateTeamBody } from './schemas';

const slugTaken = () => new ApiError('conflict', 'A team with this slug already exists');
const invalid = (path: string, message: string) => new ApiError('validation_failed', 'Request validation failed', [{ path, message }]);
const lastOwner = () => new ApiError('conflict', 'A team needs at least one owner: make someone else owner first');

export const canManage = (a: TeamAccess) => a.superAdmin || a.role === 'owner' || a.role === 'admin';
export const isOwner = (a: TeamAccess) => a.superAdmin || a.role === 'owner';

/** The team as the viewer may see it, or a 404. */
export async function teamFor(db: Db, viewer: User, teamId: number): Promise<TeamAccess> {
  return foundOr404('Team', findTeamAccess(db, viewer, teamId));
}

/** The team, when the viewer may manage it: 404 for outsiders, 403 for plain members. */
export async function managedTeam(db: Db, viewer: User, teamId: number): Promise<TeamAccess> {
  const access = await teamFor(db, viewer, teamId);
  if (!canManage(access)) throw new ApiError('forbidden', 'Only team owners and admins may do this');
  return access;
}

export async function createTeam(db: Db, actor: User, body: CreateTeamBody): Promise<TeamAccess> {
  try {
    const team = await insertTeamWithOwner(db, body, actor.id);
    return { team, role: 'owner', superAdmin: actor.role === 'super_admin' };
  } catch (error) {
    if (isUniqueViolation(error)) throw slugTaken();
    throw error;
  }
}

export async function changeTeam(db: Db, actor: User, teamId: number, body: UpdateTeamBody): Promise<TeamAccess> {
  const access = await managedTeam(db, actor, teamId);
  try {
    const team = await updateTeam(db, teamId, body);
    if (!team) throw notFound('Team');
    return { ...access, team };
  } catch (error) {
    if (isUniqueViolation(error)) throw slugTaken();
    throw error;
  }
}

export async function removeTeam(db: Db, actor: User, teamId: number): Promise<void> {
  const access = await teamFor(db, actor, teamId);
  if (!isOwner(access)) throw new ApiError('forbidden', 'Only team owners may delete the team');
  await deleteTeam(db, teamId);
}

/**
 * Adds a member directly: super admins only. Anyone else invites (src/teams/invitations.ts), since membership makes
 * the user bookable as a host and shows their busy time, and an email lookup here would tell who has an account.
 */
export async function addMember(db: Db, actor: User, teamId: number, body: AddMemberBody) {
  const access = await teamFor(db, actor, teamId);
  if (!access.superAdmin) throw new ApiError('forbidden', 'Only super admins add members directly: invite them (POST /v2/teams/{id}/invitations)');
  const user = body.user_id !== undefined ? await findUserById(db, body.user_id) : await findUserByEmail(db, body.email!);
  const path = body.user_id !== undefined ? 'user_id' : 'email';
  if (!user) throw invalid(path, 'User not found');
  if (!user.isActive) throw invalid(path, 'User is deactivated');
  try {
    await insertMember(db, teamId, user.id, body.role);
  } catch (error) {
    if (isUniqueViolation(error)) throw new ApiError('conflict', 'This user is already a member of the team');
    throw error;
  }
  return (await findMember(db, teamId, user.id))!;
}

export async function changeRole(db: Db, actor: User, teamId: number, userId: number, role: TeamRole) {
  const access = await managedTeam(db, actor, teamId);
  const member = await foundOr404('Member', findMember(db, teamId, userId));
  if ((member.role === 'owner' || role === 'owner') && !isOwner(access)) {
    throw new ApiError('forbidden', 'Only team owners may make owners or change an owner');
  }
  if (!(await changeMemberRole(db, teamId, userId, role))) throw lastOwner();
  return (await findMember(db, teamId, userId))!;
}

/** Removes a member (owners and admins), or the caller leaves (anyone). */
export async function removeMember(db: Db, actor: User, teamId: number, userId: number): Promise<void> {
  const access = await teamFor(db, actor, teamId);
  const leaving = userId === actor.id;
  if (!leaving && !canManage(access)) throw new ApiError('forbidden', 'Only team owners and admins may remove members');
  const member = await foundOr404('Member', findMember(db, teamId, userId));
  if (!leaving && member.role === 'owner' && !isOwner(access)) throw new ApiError('forbidden', 'Only team owners may remove an owner');
  if (!(await deleteMember(db, teamId, userId))) throw lastOwner();
}
