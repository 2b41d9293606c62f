import { eq, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Db } from '../db/client';
import type { User } from '../db/schema';
import { ApiError } from '../lib/errors';
import { findUserById } from '../users/repo';

/**
 * DESIGN "Auth": a user sees and changes only rows they own, a super admin all. As a query condition, so that someone
 * else's row is indistinguishable from a missing one (a 404, never a 403 that confirms it exists).
 */
export function ownedBy(ownerColumn: SQLiteColumn, viewer: User): SQL | undefined {
  return viewer.role === 'super_admin' ? undefined : eq(ownerColumn, viewer.id);
}

/** How a request names the owner it acts for, and what that owner must be. */
export interface OwnerField {
  /** The body field that names the owner (`owner_id`, `user_id`): the issue path of a refusal. */
  field: string;
  /** Refuse a deactivated owner: nothing made for them would ever be used. */
  mustBeActive?: boolean;
  /**
   * What a user who is not a super admin hears when naming someone else: `forbidden` (403), or `absent`: the same 400
   * as a missing user, so the answer does not confirm that the user exists.
   */
  notAllowed: 'forbidden' | 'absent';
}

/**
 * "Acting for another owner": `requested` (absent: the actor) must be the actor, or the actor must be a super admin
 * and `requested` an existing user. Answers the owner.
 */
export async function resolveOwner(db: Db, actor: User, requested: number | undefined, rules: OwnerField): Promise<User> {
  if (requested === undefined || requested === actor.id) return actor;
  const invalid = (message: string) => new ApiError('validation_failed', 'Request validation failed', [{ path: rules.field, message }]);
  if (actor.role !== 'super_admin') {
    throw rules.notAllowed === 'forbidden' ? new ApiError('forbidden', `Only super admins may set ${rules.field}`) : invalid('No such user');
  }
  const owner = await findUserById(db, requested);
  if (!owner) throw invalid(rules.notAllowed === 'absent' ? 'No such user' : 'User not found');
  if (rules.mustBeActive && !owner.isActive) throw invalid('User is deactivated');
  return owner;
}
