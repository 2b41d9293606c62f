// Signing in and out, shared by POST /v2/auth/login and /logout and the admin's sign-in form: one throttle, one
// session lifetime, one cookie.
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import type { Db } from '../db/client';
import type { AppEnv } from '../env';
import { ApiError } from '../lib/errors';
import { findUserByEmail } from '../users/repo';
import { verifyPassword } from './crypto';
import { SESSION_COOKIE } from './middleware';
import { deleteSession, prepareSession } from './sessions';
import { signInSucceeded, takeSignInAttempt } from './throttle';

// Verified when the email is unknown, so a wrong email costs as much time as a wrong password.
const DUMMY_HASH = 'pbkdf2-sha256$100000$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

export function sessionTtlMs(env: AppEnv['Bindings']): number {
  return Number(env.SESSION_TTL_HOURS || 720) * 3_600_000;
}

/**
 * Checks credentials and opens a session. `clientIp` is the `CF-Connecting-IP` of the request: the attempt is counted
 * (throttle.ts) before the password is checked.
 */
export async function logIn(db: Db, env: AppEnv['Bindings'], emailAddress: string, password: string, clientIp: string | undefined) {
  const waitSeconds = await takeSignInAttempt(db, emailAddress, clientIp, Date.now());
  if (waitSeconds > 0) {
    throw new ApiError('rate_limited', `Too many sign-in attempts for this email; try again in ${waitSeconds} seconds`, undefined, {
      'Retry-After': String(waitSeconds),
    });
  }
  const user = await findUserByEmail(db, emailAddress);
  const valid = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !valid || !user.isActive) throw new ApiError('unauthorized', 'Invalid email or password');
  const { token, expiresAt, insert } = await prepareSession(db, user.id, sessionTtlMs(env));
  // One round trip: the throttle's bookkeeping and the new session.
  await db.batch([insert, ...signInSucceeded(db, emailAddress, clientIp)]);
  return { user, token, expiresAt };
}

export function setSessionCookie(c: Context, token: string, expiresAt: number) {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    secure: true,
    sameSite: 'Lax',
    path: '/',
    expires: new Date(expiresAt),
  });
}

/** Ends the session behind `token` and clears the session cookie. */
export async function logOut(c: Context, db: Db, token: string | null) {
  if (token) await deleteSession(db, token);
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: true });
}
