// What every admin handler shares: its Hono env, the per-page context the layout needs, the admin's flash cookie and
// safe redirects. Form reading and the flash mechanism itself live in src/web/http.ts, shared with the public pages.
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import type { SecureHeadersVariables } from 'hono/secure-headers';
import { SESSION_COOKIE, sessionToken } from '../auth/middleware';
import type { User } from '../db/schema';
import type { Bindings, Variables } from '../env';
import { ApiError, notFound } from '../lib/errors';
import { pageQuery, toIssues } from '../lib/validation';
import { setFlash as setSharedFlash, takeFlash as takeSharedFlash, type Flash } from '../web/http';

export { field, formOf, type Flash } from '../web/http';

export interface AdminEnv {
  Bindings: Bindings;
  Variables: Variables & SecureHeadersVariables & { csrf: string };
}

export type AdminContext = Context<AdminEnv>;

/** What the layout needs on every page. */
export interface Page {
  user: User | null;
  csrf: string;
  nonce: string;
  flash: Flash | null;
}

export function pageOf(c: AdminContext): Page {
  return { user: c.get('user'), csrf: c.get('csrf') ?? '', nonce: c.get('secureHeadersNonce') ?? '', flash: takeFlash(c) };
}

const FLASH_COOKIE = { name: 'admin_flash', path: '/admin' };

export function setFlash(c: AdminContext, flash: Flash): void {
  setSharedFlash(c, flash, FLASH_COOKIE);
}

function takeFlash(c: AdminContext): Flash | null {
  return takeSharedFlash(c, FLASH_COOKIE);
}

/** Redirect-after-post: 303 makes the browser follow with a GET, so a reload never repeats the action. */
export function redirectWith(c: AdminContext, location: string, flash?: Flash) {
  if (flash) setFlash(c, flash);
  return c.redirect(location, 303);
}

/** A path inside the admin to come back to; anything else (another host, `//evil`, a script URL) falls back. */
export function safeReturn(value: unknown, fallback: string): string {
  if (typeof value !== 'string') return fallback;
  return /^\/admin\/[A-Za-z0-9/_-]*(?:\?[^#\\\s]*)?$/.test(value) ? value : fallback;
}

/** The session token the request was authenticated with, read the same way loadUser reads it. */
export function currentSessionToken(c: AdminContext): string | null {
  return sessionToken(c.req.header('authorization'), getCookie(c, SESSION_COOKIE));
}

/** A numeric path id; anything else cannot name a row, so it is the admin's 404 page. */
export function idOf(c: AdminContext, what: string, param = 'id'): number {
  const raw = c.req.param(param) ?? '';
  const id = /^[1-9]\d{0,14}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id)) throw notFound(what);
  return id;
}

/** `cursor` and `limit` (1-200, as in the API) of a list page, and links to its pages that keep the limit. */
export function listParams(c: AdminContext, base: string, defaultLimit: number) {
  const cursor = c.req.query('cursor') || undefined;
  const rawLimit = c.req.query('limit');
  let limit = defaultLimit;
  if (rawLimit) {
    const parsed = pageQuery.limit.safeParse(rawLimit);
    if (!parsed.success) throw new ApiError('validation_failed', `Invalid limit: ${toIssues(parsed.error)[0]?.message}`);
    limit = parsed.data;
  }
  const link = (at?: string) => {
    const params = new URLSearchParams();
    if (rawLimit) params.set('limit', String(limit));
    if (at) params.set('cursor', at);
    const query = params.toString();
    return query ? `${base}?${query}` : base;
  };
  return { cursor, limit, link };
}
