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

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Why a write authenticated by the session cookie looks cross-origin, or null. Pure. The cookie is ambient (a page on
 * another origin can make the browser send it), so what the browser says about the request's origin decides: a
 * foreign or opaque `Origin`, or a `Sec-Fetch-Site` other than same-origin (same-site subdomains included) is refused.
 * A request with neither header comes from a client that is not a browser (the spec's httpx example), which no other
 * page can drive: every current browser sends `Origin` on a cross-origin POST, PUT, PATCH or DELETE.
 */
export function crossOriginCookieWrite(headers: { origin?: string; secFetchSite?: string }, ownOrigin: string): string | null {
  const site = headers.secFetchSite?.toLowerCase();
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return `Sec-Fetch-Site is ${site}`;
  if (headers.origin !== undefined && headers.origin !== ownOrigin) return `Origin ${headers.origin} is not this site`;
  return null;
}

/** DESIGN "Auth": a write that the session cookie authenticated must come from this origin (403 otherwise). */
export const sameOriginCookieWrites = createMiddleware<AppEnv>(async (c, next) => {
  const byCookie = c.get('user') && !c.req.header('authorization')?.match(/^Bearer\s/i) && getCookie(c, SESSION_COOKIE);
  if (byCookie && !SAFE_METHODS.has(c.req.method)) {
    const reason = crossOriginCookieWrite({ origin: c.req.header('origin'), secFetchSite: c.req.header('sec-fetch-site') }, new URL(c.req.url).origin);
    if (reason) throw new ApiError('forbidden', `Cross-origin request refused (${reason}); send the session as a Bearer token instead`);
  }
  await next();
});
