// What every admin handler shares: its Hono env, the per-page context the layout needs, the one-time flash message
// that survives a redirect-after-post, and safe redirects.
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { SecureHeadersVariables } from 'hono/secure-headers';
import { SESSION_COOKIE, sessionToken } from '../auth/middleware';
import type { User } from '../db/schema';
import type { Bindings, Variables } from '../env';
import { ApiError, notFound } from '../lib/errors';
import { pageQuery, toIssues } from '../lib/validation';

export interface AdminEnv {
  Bindings: Bindings;
  Variables: Variables & SecureHeadersVariables & { csrf: string };
}

export type AdminContext = Context<AdminEnv>;

export interface Flash {
  kind: 'ok' | 'error';
  text: string;
  /** A generated webhook secret: shown on the page after the redirect, then gone for good. */
  secret?: string;
}

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

const FLASH_COOKIE = 'admin_flash';

// A short-lived cookie rather than a query parameter: a message (or a secret) in the URL would stay in the history.
export function setFlash(c: AdminContext, flash: Flash): void {
  setCookie(c, FLASH_COOKIE, JSON.stringify(flash), { path: '/admin', httpOnly: true, secure: true, sameSite: 'Strict', maxAge: 120 });
}

function takeFlash(c: AdminContext): Flash | null {
  const raw = getCookie(c, FLASH_COOKIE);
  if (!raw) return null;
  deleteCookie(c, FLASH_COOKIE, { path: '/admin', secure: true });
  try {
    const value = JSON.parse(raw) as Partial<Flash>;
    if ((value.kind === 'ok' || value.kind === 'error') && typeof value.text === 'string') {
      return { kind: value.kind, text: value.text, secret: typeof value.secret === 'string' ? value.secret : undefined };
    }
  } catch {
    // a mangled cookie is simply no message
  }
  return null;
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

/** The submitted form, or null when the body is not one (then no CSRF token can be found in it either). */
export async function formOf(c: AdminContext): Promise<FormData | null> {
  try {
    return await c.req.formData();
  } catch {
    return null;
  }
}

export function field(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
}

/** The session token the request was authenticated with, read the same way loadUser reads it. */
export function currentSessionToken(c: AdminContext): string | null {
  return sessionToken(c.req.header('authorization'), getCookie(c, SESSION_COOKIE));
}

/** A numeric path id; anything else cannot name a row, so it is the admin's 404 page. */
export function idOf(c: AdminContext, what: string): number {
  const raw = c.req.param('id') ?? '';
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
