import { and, asc, eq, gt } from 'drizzle-orm';
import type { Db } from '../db/client';
import { users, type User } from '../db/schema';
import { brandingJson, type BrandingColumns } from '../branding/schemas';
import { isUniqueViolation } from '../db/errors';
import { ApiError } from '../lib/errors';
import { provisionUserStatements, type NewUser } from './provision';

export async function findUserByEmail(db: Db, email: string): Promise<User | undefined> {
  return db.select().from(users).where(eq(users.email, email)).get();
}

export async function findUserById(db: Db, id: number): Promise<User | undefined> {
  return db.select().from(users).where(eq(users.id, id)).get();
}

export async function findUserByUsername(db: Db, username: string): Promise<User | undefined> {
  return db.select().from(users).where(eq(users.username, username)).get();
}

export const USERNAME_TAKEN = 'This username is taken';

/**
 * Inserts the user with its default schedule in one atomic batch; returns undefined when the email is taken, and
 * throws a 409 when the given username is.
 */
export async function createUser(db: Db, user: NewUser): Promise<User | undefined> {
  const d1 = db.$client;
  const statements = provisionUserStatements(user, Date.now(), true);
  let insertUser: D1Result | undefined;
  try {
    [insertUser] = await d1.batch(statements.map((s) => d1.prepare(s.sql).bind(...s.params)));
  } catch (error) {
    if (isUniqueViolation(error)) throw new ApiError('conflict', USERNAME_TAKEN);
    throw error;
  }
  if (!insertUser?.meta.changes) return undefined;
  return findUserByEmail(db, user.email);
}

export async function listUsers(db: Db, afterId: number, limit: number): Promise<User[]> {
  return db.select().from(users).where(gt(users.id, afterId)).orderBy(asc(users.id)).limit(limit).all();
}

export async function updateUser(
  db: Db,
  id: number,
  changes: Partial<Pick<User, 'name' | 'role' | 'timezone' | 'isActive' | 'passwordHash' | 'username' | 'timeFormat'> & BrandingColumns>,
): Promise<User | undefined> {
  try {
    return await db
      .update(users)
      .set({ ...changes, updatedAt: Date.now() })
      .where(and(eq(users.id, id)))
      .returning()
      .get();
  } catch (error) {
    if (isUniqueViolation(error)) throw new ApiError('conflict', USERNAME_TAKEN);
    throw error;
  }
}

/** What the API shows of a user: never the password hash. */
export function userJson(user: User) {
  return {
    id: user.id,
    email: user.email,
    username: user.username,
    name: user.name,
    role: user.role,
    timezone: user.timezone,
    is_active: user.isActive,
    time_format: user.timeFormat ?? null,
    ...brandingJson(user),
    created_at: new Date(user.createdAt).toISOString(),
  };
}
