import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env';
import { BOOKMARK_COOKIE, BOOKMARK_HEADER, RequestDb, sessionStartFor, validBookmark } from './session';

/**
 * Opens the request's D1 session once (src/db/session.ts says where it starts); handlers and services read it as
 * `c.var.db`. The response hands back the newest bookmark the request saw: in `x-d1-bookmark` for API clients, and
 * in a cookie on pages, whose next request (a link, a redirect after a form post) cannot carry a header.
 */
export const useDb = createMiddleware<AppEnv>(async (c, next) => {
  const incoming = validBookmark(c.req.header(BOOKMARK_HEADER)) ?? validBookmark(getCookie(c, BOOKMARK_COOKIE));
  const d1 = new RequestDb(c.env.DB, sessionStartFor(c.req.method, incoming), incoming);
  c.set('d1', d1);
  c.set('db', d1.db);
  await next();
  const bookmark = d1.bookmark();
  if (!bookmark) return;
  c.res.headers.set(BOOKMARK_HEADER, bookmark);
  const page = c.res.headers.get('content-type')?.startsWith('text/html') || c.res.status === 302 || c.res.status === 303;
  // A session cookie: a bookmark only matters for the next few requests.
  if (page) c.res.headers.append('Set-Cookie', `${BOOKMARK_COOKIE}=${bookmark}; Path=/; HttpOnly; Secure; SameSite=Lax`);
});
