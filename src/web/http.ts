// What every server-rendered page shares on the HTTP side: reading a submitted form, the one-time flash message that
// survives a redirect-after-post, and the redirect itself.
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';

export interface Flash {
  kind: 'ok' | 'error';
  text: string;
  /** A generated webhook secret: shown on the page after the redirect, then gone for good. */
  secret?: string;
}

// A short-lived cookie rather than a query parameter: a message (or a secret) in the URL would stay in the history.
// Each area keeps its own cookie path, so a message is shown only in the area that set it.
export function setFlash(c: Context, flash: Flash, cookie: { name: string; path: string }): void {
  setCookie(c, cookie.name, JSON.stringify(flash), { path: cookie.path, httpOnly: true, secure: true, sameSite: 'Strict', maxAge: 120 });
}

export function takeFlash(c: Context, cookie: { name: string; path: string }): Flash | null {
  const raw = getCookie(c, cookie.name);
  if (!raw) return null;
  deleteCookie(c, cookie.name, { path: cookie.path, secure: true });
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

/** The submitted form, or null when the body is not one (then no CSRF token can be found in it either). */
export async function formOf(c: Context): Promise<FormData | null> {
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
