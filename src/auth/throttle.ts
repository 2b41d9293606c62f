// Sign-in throttling (DESIGN "Auth"). Two limits per 15-minute window, both counted BEFORE the password is checked:
//  - strict, per (email, client network): 10 attempts. A client that guesses is stopped; other clients are not, so
//    nobody can lock an account owner out by failing on purpose from their own address.
//  - loose, per email: 100 attempts that passed the strict limit, so a spray from many addresses still ends.
// Each count is one conditional upsert that returns the new count, so however many requests race, at most the limit
// of them are ever let through to the password check in a window. A success hands its attempt back.
// Keyed by email whether or not the account exists, so a 429 tells an attacker nothing about which emails are real.
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { runBatch } from '../db/purge';
import { signInAttempts } from '../db/schema';
import { clientNetwork } from '../lib/ip';

export const PER_CLIENT_LIMIT = 10;
export const PER_EMAIL_LIMIT = 100;
export const WINDOW_MS = 15 * 60_000;

export interface AttemptCount {
  attempts: number;
  windowStart: number;
}

/** Seconds until the key may try again, or 0 when this attempt is within the limit. Pure. */
export function retryAfterSeconds(count: AttemptCount, limit: number, now: number): number {
  if (count.attempts <= limit) return 0;
  const remaining = count.windowStart + WINDOW_MS - now;
  return remaining > 0 ? Math.ceil(remaining / 1000) : 0;
}


// The client network (src/lib/ip.ts): an IPv4 address or an IPv6 /64.
const clientKey = (email: string, ip: string | undefined) => `client:${clientNetwork(ip)}:${email}`;
const emailKey = (email: string) => `email:${email}`;

/** Counts one attempt for the key atomically (a window that has ended starts over at 1) and answers the new count. */
async function countAttempt(db: Db, key: string, now: number): Promise<AttemptCount> {
  const expired = sql`${signInAttempts.windowStart} <= ${now - WINDOW_MS}`;
  return db
    .insert(signInAttempts)
    .values({ key, attempts: 1, windowStart: now })
    .onConflictDoUpdate({
      target: signInAttempts.key,
      set: {
        attempts: sql`CASE WHEN ${expired} THEN 1 ELSE ${signInAttempts.attempts} + 1 END`,
        windowStart: sql`CASE WHEN ${expired} THEN ${now} ELSE ${signInAttempts.windowStart} END`,
      },
    })
    .returning({ attempts: signInAttempts.attempts, windowStart: signInAttempts.windowStart })
    .get();
}

/**
 * Takes one attempt for (email, client) and then for the email; answers the seconds to wait (then the password must
 * not be checked), or 0. An attempt refused by the per-client limit does not count against the email.
 */
export async function takeSignInAttempt(db: Db, email: string, ip: string | undefined, now: number): Promise<number> {
  const perClient = retryAfterSeconds(await countAttempt(db, clientKey(email, ip), now), PER_CLIENT_LIMIT, now);
  if (perClient > 0) return perClient;
  return retryAfterSeconds(await countAttempt(db, emailKey(email), now), PER_EMAIL_LIMIT, now);
}

/** A right password clears the client's count and hands its attempt back to the email's (two statements to batch). */
export function signInSucceeded(db: Db, email: string, ip: string | undefined) {
  return [
    db.delete(signInAttempts).where(sql`${signInAttempts.key} = ${clientKey(email, ip)}`),
    db
      .update(signInAttempts)
      .set({ attempts: sql`MAX(${signInAttempts.attempts} - 1, 0)` })
      .where(sql`${signInAttempts.key} = ${emailKey(email)}`),
  ] as const;
}

/** The cron purge: rows whose window has ended carry no information. */
export function purgeSignInAttempts(db: Db, now: number, limit: number): Promise<number> {
  return runBatch(db.$client, 'DELETE FROM sign_in_attempts WHERE rowid IN (SELECT rowid FROM sign_in_attempts WHERE window_start <= ? LIMIT ?)', [now - WINDOW_MS], limit);
}
