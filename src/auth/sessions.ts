import { and, eq, gt } from 'drizzle-orm';
import type { Db } from '../db/client';
import { runBatch } from '../db/purge';
import { sessions, users, type User } from '../db/schema';
import { randomToken, sha256Hex } from '../lib/crypto';

/** A new session's token and the INSERT that stores it, for a caller that batches it with other writes. */
export async function prepareSession(db: Db, userId: number, ttlMs: number) {
  const token = randomToken(32);
  const now = Date.now();
  const expiresAt = now + ttlMs;
  const insert = db.insert(sessions).values({ tokenHash: await sha256Hex(token), userId, expiresAt, createdAt: now });
  return { token, expiresAt, insert };
}

export async function createSession(db: Db, userId: number, ttlMs: number) {
  const { token, expiresAt, insert } = await prepareSession(db, userId, ttlMs);
  await insert;
  return { token, expiresAt };
}

/** The active user behind a token, or null for an unknown, expired or deactivated one. */
export async function userForToken(db: Db, token: string): Promise<User | null> {
  const row = await db
    .select({ user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, await sha256Hex(token)), gt(sessions.expiresAt, Date.now()), eq(users.isActive, true)))
    .get();
  return row?.user ?? null;
}

export async function deleteSession(db: Db, token: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.tokenHash, await sha256Hex(token)));
}

export async function deleteUserSessions(db: Db, userId: number): Promise<void> {
  await db.delete(sessions).where(eq(sessions.userId, userId));
}

/** The cron purge: an expired session can never be used again (userForToken checks the expiry as well). */
export function purgeExpiredSessions(db: Db, now: number, limit: number): Promise<number> {
  return runBatch(db.$client, 'DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE expires_at <= ? LIMIT ?)', [now], limit);
}
