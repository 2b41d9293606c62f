import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env';
import { ApiError } from '../lib/errors';
import { userForToken } from './sessions';

export const SESSION_COOKIE = 'session';

/** The session token from `Authorization: Bearer` or, failing that, the `session` cookie. */
export function sessionToken(header: string | undefined, cookie: string | undefined): string | null {
  const bearer = header?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
  return bearer ?? (cookie || null);
}

/** Resolves the user once per request; routes decide whether they need one. */
export const loadUser = createMiddleware<AppEnv>(async (c, next) => {
  const token = sessionToken(c.req.header('authorization'), getCookie(c, SESSION_COOKIE));
  let user = token ? await userForToken(c.var.db, token) : null;
  // A token minted a moment ago (sign-in just now, maybe through another location) may not have reached this
  // replica yet: before calling it unknown, ask the primary once.
  if (token && !user && !c.var.d1.startsOnPrimary) user = await userForToken(c.var.d1.onPrimary(), token);
  c.set('user', user);
  await next();
});

export const requireUser = createMiddleware<AppEnv>(async (c, next) => {
  if (!c.get('user')) throw new ApiError('unauthorized', 'A valid session token is required');
  await next();
});

export const requireSuperAdmin = createMiddleware<AppEnv>(async (c, next) => {
  const user = c.get('user');
  if (!user) throw new ApiError('unauthorized', 'A valid session token is required');
  if (user.role !== 'super_admin') throw new ApiError('forbidden', 'Super admin role required');
  await next();
});

/** The signed-in user inside a route guarded by requireUser. */
export function currentUser(c: { get(key: 'user'): AppEnv['Variables']['user'] }) {
  const user = c.get('user');
  if (!user) throw new ApiError('unauthorized', 'A valid session token is required');
  return user;
}
