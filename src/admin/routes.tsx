// The admin pages at /admin: server-rendered, plain forms, no JavaScript. Mounted by src/app.ts.
//
// Every response carries a strict CSP (nothing but the nonce'd stylesheet and same-origin form posts) and no-store.
// Every POST passes two CSRF checks: hono/csrf's Origin / Sec-Fetch-Site check, and a token bound to the session
// (csrf.ts) in a hidden field. Failures render pages, never JSON or stack traces.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { csrf } from 'hono/csrf';
import { createMiddleware } from 'hono/factory';
import { loadUser } from '../auth/middleware';
import { bookingPages } from './bookings';
import { calendarPages } from './calendars';
import { CSRF_FIELD, csrfToken, csrfTokenValid } from '../web/csrf';
import { emailPages } from './emails';
import { adminError, errorPage, FORGED_FORM } from './errors';
import { eventTypePages } from './event-types';
import { reminderPages } from './reminders';
import { currentSessionToken, formOf, type AdminEnv } from './http';
import { HOME, sessionPages } from './session';
import { webhookPages } from './webhooks';
import { teamPages } from './teams';
import { brandingPages } from './branding';
import { noStore, pageSecurityHeaders } from '../web/security';
import { MAX_LOGO_BYTES } from '../branding/logo';

const MAX_FORM_BYTES = 64 * 1024;
const tooLarge = (c: Parameters<typeof errorPage>[0]) => errorPage(c, 413, 'The submitted form is too large.');
const formLimit = bodyLimit({ maxSize: MAX_FORM_BYTES, onError: tooLarge });
const logoFormLimit = bodyLimit({ maxSize: MAX_LOGO_BYTES + 16 * 1024, onError: tooLarge });

/** Sign-in first; a signed-in user who is not a super admin gets a 403 page (with a way to switch accounts). */
const requireSuperAdmin = createMiddleware<AdminEnv>(async (c, next) => {
  const user = c.get('user');
  if (!user) {
    if (c.req.method !== 'GET') return c.redirect('/admin/login', 303);
    const url = new URL(c.req.url);
    return c.redirect(`/admin/login?next=${encodeURIComponent(url.pathname + url.search)}`, 302);
  }
  if (user.role !== 'super_admin') {
    return errorPage(c, 403, `You are signed in as ${user.email}, which is not a super admin account. The admin is for super admins only; your calendars are at /settings/calendars.`, { signOut: true });
  }
  await next();
});

const requireCsrfToken = createMiddleware<AdminEnv>(async (c, next) => {
  if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
    const form = await formOf(c);
    if (!form || !(await csrfTokenValid(currentSessionToken(c), 'session', form.get(CSRF_FIELD)))) return errorPage(c, 403, FORGED_FORM);
  }
  await next();
});

export const adminRoutes = new Hono<AdminEnv>()
  .use(pageSecurityHeaders())
  // Pages show attendees' personal data and carry CSRF tokens: never keep them in any cache.
  .use(noStore)
  // A logo upload may be up to 256 KiB (src/branding/logo.ts), plus the multipart framing; every other form 64 KiB.
  .use((c, next) => (/^\/admin\/branding\/(users|teams)\/\d+\/logo$/.test(c.req.path) ? logoFormLimit : formLimit)(c, next))
  .use(csrf())
  .use(loadUser)
  .use(async (c, next) => {
    const token = currentSessionToken(c);
    if (token && c.get('user')) c.set('csrf', await csrfToken(token, 'session'));
    await next();
  })
  .route('/', sessionPages)
  // Everything registered below is for super admins only, and every POST needs the session's CSRF token.
  .use(requireSuperAdmin)
  .use(requireCsrfToken)
  .get('/', (c) => c.redirect(HOME, 302))
  .route('/event-types', reminderPages)
  .route('/event-types', eventTypePages)
  .route('/bookings', bookingPages)
  .route('/webhooks', webhookPages)
  .route('/emails', emailPages)
  .route('/calendars', calendarPages)
  .route('/teams', teamPages)
  .route('/branding', brandingPages)
  .all('*', (c) => errorPage(c, 404, 'There is no admin page at this address.'))
  .onError(adminError);
