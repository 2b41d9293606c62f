import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppEnv } from '../env';
import { foundOr404 } from '../lib/errors';
import { rateLimit } from '../lib/rate-limit';
import { validate } from '../lib/validation';
import { updateUser, userJson } from '../users/repo';
import { brandingChanges } from '../branding/schemas';
import { updateMeBody } from '../users/schemas';
import { currentUser, requireUser, SESSION_COOKIE, sessionToken } from './middleware';
import { loginBody } from './schemas';
import { logIn, logOut, setSessionCookie } from './service';

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
    await logOut(c, c.var.db, sessionToken(c.req.header('authorization'), getCookie(c, SESSION_COOKIE)));
    return c.body(null, 204);
  });

export const meRoutes = new Hono<AppEnv>()
  .get('/', requireUser, (c) => c.json(userJson(currentUser(c))))
  .patch('/', requireUser, validate('json', updateMeBody), async (c) => {
    const body = c.req.valid('json');
    const user = await foundOr404('User', updateUser(c.var.db, currentUser(c).id, { name: body.name, username: body.username, timezone: body.timezone, timeFormat: body.time_format, ...brandingChanges(body) }));
    return c.json(userJson(user));
  });
