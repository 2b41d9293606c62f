import { eq, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { User } from '../db/schema';

/**
 * DESIGN "Auth": a user sees and changes only rows they own, a super admin all. As a query condition, so that someone
 * else's row is indistinguishable from a missing one (a 404, never a 403 that confirms it exists).
 */
export function ownedBy(ownerColumn: SQLiteColumn, viewer: User): SQL | undefined {
  return viewer.role === 'super_admin' ? undefined : eq(ownerColumn, viewer.id);
}
