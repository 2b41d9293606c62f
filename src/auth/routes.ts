import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Db } from '../db/client';
import type { AppEnv } from '../env';
import { ApiError } from '../lib/errors';
import { rateLimit } from '../lib/rate-limit';
import { validate } from '../lib/validation';
import { findUserByEmail, updateUser, userJson } from '../users/repo';
import { updateMeBody } from '../users/schemas';
import { verifyPassword } from './crypto';
import { currentUser, requireUser, SESSION_COOKIE, sessionToken } from './middleware';
import { loginBody } from './schemas';
import { deleteSession, prepareSession } from './sessions';
import { signInSucceeded, takeSignInAttempt } from './throttle';

// Verified when the email is unknown, so a wrong email costs as much time as a wrong password.
const DUMMY_HASH = 'pbkdf2-sha256$100000$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

export function sessionTtlMs(env: AppEnv['Bindings']): number {
  return Number(env.SESSION_TTL_HOURS || 720) * 3_600_000;
}

/**
 * Checks credentials and opens a session; shared by the API login and the admin login form. `clientIp` is the
 * `CF-Connecting-IP` of the request: the attempt is counted (throttle.ts) before the password is checked.
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

export function setSessionCookie(c: Parameters<typeof setCookie>[0], token: string, expiresAt: number) {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    secure: true,
    sameSite: 'Lax',
    path: '/',
    expires: new Date(expiresAt),
  });
}

export const authRoutes = new Hono<AppEnv>()
  .post('/login', rateLimit('LOGIN_RATE_LIMIT', 'login'), validate('json', loginBody), async (c) => {
    const { email, password } = c.req.valid('json');
    const { user, token, expiresAt } = await logIn(c.var.db, c.env, email, password, c.req.header('cf-connecting-ip'));
    setSessionCookie(c, token, expiresAt);
    // The body carries the session token: no cache along the way may keep it.
    c.header('Cache-Control', 'no-store');
    return c.json({ token, expires_at: new Date(expiresAt).toISOString(), user: userJson(user) });
  })
  .post('/logout', requireUser, async (c) => {
    const token = sessionToken(c.req.header('authorization'), getCookie(c, SESSION_COOKIE));
    if (token) await deleteSession(c.var.db, token);
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: true });
    return c.body(null, 204);
  });

export const meRoutes = new Hono<AppEnv>()
  .get('/', requireUser, (c) => c.json(userJson(currentUser(c))))
  .patch('/', requireUser, validate('json', updateMeBody), async (c) => {
    const body = c.req.valid('json');
    const user = await updateUser(c.var.db, currentUser(c).id, { name: body.name, username: body.username, timezone: body.timezone });
    if (!user) throw new ApiError('not_found', 'User not found');
    return c.json(userJson(user));
  });
