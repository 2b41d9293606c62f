// Sign-in throttling: at most MAX_FAILURES wrong passwords per email in a window, then 429 until the window ends.
// Keyed by email whether or not the account exists, so the 429 tells an attacker nothing about which emails are real.
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { loginThrottle } from '../db/schema';

export const MAX_FAILURES = 10;
export const WINDOW_MS = 15 * 60_000;

export interface ThrottleState {
  failures: number;
  windowStart: number;
}

/** Seconds until sign-in is allowed again, or 0 when it is allowed now. Pure. */
export function lockedForSeconds(state: ThrottleState | undefined, now: number): number {
  if (!state || state.failures < MAX_FAILURES) return 0;
  const remaining = state.windowStart + WINDOW_MS - now;
  return remaining > 0 ? Math.ceil(remaining / 1000) : 0;
}

export async function throttleState(db: Db, email: string): Promise<ThrottleState | undefined> {
  return db.select({ failures: loginThrottle.failures, windowStart: loginThrottle.windowStart }).from(loginThrottle).where(eq(loginThrottle.email, email)).get();
}

/** Counts one failure atomically; a window that has ended starts over at 1. */
export async function recordFailure(db: Db, email: string, now: number): Promise<void> {
  const expired = sql`${loginThrottle.windowStart} <= ${now - WINDOW_MS}`;
  await db
    .insert(loginThrottle)
    .values({ email, failures: 1, windowStart: now })
    .onConflictDoUpdate({
      target: loginThrottle.email,
      set: {
        failures: sql`CASE WHEN ${expired} THEN 1 ELSE ${loginThrottle.failures} + 1 END`,
        windowStart: sql`CASE WHEN ${expired} THEN ${now} ELSE ${loginThrottle.windowStart} END`,
      },
    });
}

export async function clearFailures(db: Db, email: string): Promise<void> {
  await db.delete(loginThrottle).where(eq(loginThrottle.email, email));
}
