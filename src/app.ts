import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { settingsRoutes, oauthReturnRoutes } from './settings/routes';
import { adminRoutes } from './admin/routes';
import { authRoutes, meRoutes } from './auth/routes';
import { bookerRoutes } from './booker/routes';
import { bookingRoutes } from './bookings/routes';
import { calendarFeedRoutes, feedRoutes } from './calendar-feeds/routes';
import { calendarPushRoutes, calendarRoutes } from './calendars/routes';
import { loadUser, sameOriginCookieWrites } from './auth/middleware';
import { useDb } from './db/middleware';
import type { AppEnv } from './env';
import { eventTypeRoutes } from './event-types/routes';
import { embedRoutes } from './embed/routes';
import { logoRoutes, logoUploadRoutes } from './logos/routes';
import { ApiError, errorResponse } from './lib/errors';
import { requireJsonBody } from './lib/json-body';
import { logUnexpectedError, observe } from './lib/request-log';
import { docsRoutes, openApiRoutes } from './openapi/routes';
import { reservationRoutes } from './reservations/routes';
import { scheduleRoutes } from './schedules/routes';
import { slotRoutes } from './slots/routes';
import { teamRoutes } from './teams/routes';
import { teamEventTypeRoutes } from './teams/event-types-routes';
import { invitationRoutes } from './teams/invitations-routes';
import { userRoutes } from './users/routes';
import { webhookRoutes } from './webhooks/routes';
import { workflowRoutes } from './workflows/routes';
import { hostPhoneRoutes, smsInboundRoutes } from './sms/routes';
import { paymentRoutes } from './payments/routes';

/** Every failure leaves as DESIGN's JSON error shape; unexpected ones without stack or SQL. */
export function handleError(err: Error, c: Context<AppEnv>) {
  if (err instanceof ApiError) {
    for (const [name, value] of Object.entries(err.headers ?? {})) c.header(name, value);
    return errorResponse(c, err.code, err.message, err.issues, err.conflicts);
  }
  if (err instanceof HTTPException) {
    // Hono's validator throws 400 for malformed JSON; keep the status family of the others.
    if (err.status === 400) return errorResponse(c, 'validation_failed', err.message || 'Malformed request');
    if (err.status === 401) return errorResponse(c, 'unauthorized', err.message || 'Unauthorized');
    if (err.status === 413) return errorResponse(c, 'payload_too_large', err.message || 'Payload too large');
  }
  logUnexpectedError(c, err);
  // The request id lets whoever reports the failure point at its log line.
  return c.json({ error: { code: 'internal', message: 'Internal server error', request_id: c.get('requestId') } }, 500);
}

export const MAX_BODY_BYTES = 64 * 1024;

const api = new Hono<AppEnv>()
  .use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => errorResponse(c, 'payload_too_large', `Request body exceeds ${MAX_BODY_BYTES} bytes`),
    }),
  )
  // Twilio's inbound webhook is form-encoded and signed by Twilio: answered before the JSON-only rule below.
  .route('/sms', smsInboundRoutes)
  // Google's and Microsoft's push notifications (Graph's URL check is text/plain): before the JSON-only rule below.
  .route('/calendar-push', calendarPushRoutes)
  .use(requireJsonBody)
  .use(loadUser)
  .use(sameOriginCookieWrites)
  .route('/auth', authRoutes)
  .route('/me/phone', hostPhoneRoutes)
  .route('/me', meRoutes)
  .route('/users', userRoutes)
  .route('/event-types', workflowRoutes)
  .route('/event-types', eventTypeRoutes)
  .route('/schedules', scheduleRoutes)
  .route('/slots/reservations', reservationRoutes)
  .route('/slots', slotRoutes)
  .route('/bookings', bookingRoutes)
  .route('/webhooks', webhookRoutes)
  .route('/calendar-feeds', calendarFeedRoutes)
  .route('/calendars', calendarRoutes)
  .route('/teams', teamRoutes)
  .route('/teams', teamEventTypeRoutes)
  .route('/team-invitations', invitationRoutes)
  .route('/payments', paymentRoutes)
  .route('/openapi.json', openApiRoutes);

export const app = new Hono<AppEnv>()
  .use(async (c, next) => {
    await next();
    // Browsers must read JSON as JSON, never sniff it into something they would render or run.
    c.res.headers.set('X-Content-Type-Options', 'nosniff');
  })
  // No I/O at all: the baseline every benchmark divides by.
  .use(observe)
  .get('/health', (c) => c.json({ ok: true }))
  .use(useDb)
  // Logo uploads: a raw image body, so ahead of the API's JSON-only rule and 64 KiB cap (src/logos/routes.ts).
  .route('/v2', logoUploadRoutes)
  // The OAuth return of a flow the host's connect page started goes back to that page (src/settings/routes.tsx).
  .route('/v2/calendars/oauth', oauthReturnRoutes)
  .route('/v2', api)
  .route('/logos', logoRoutes)
  .route('/admin', adminRoutes)
  // The host's own pages (/settings, a reserved username): sign in, connect a calendar, choose where bookings are written.
  .route('/settings', settingsRoutes)
  // Secret iCalendar subscription feeds (/feeds/{token}.ics), made with /v2/calendar-feeds.
  .route('/feeds', feedRoutes)
  // The API reference, rendered from /v2/openapi.json.
  .route('/docs', docsRoutes)
  // The embed script (/embed.js) for other sites (issue #31).
  .route('/', embedRoutes)
  // The public booking pages: last, so /{username} never shadows an area above (usernames exclude those words too).
  .route('/', bookerRoutes)
  .notFound((c) => errorResponse(c, 'not_found', `No route for ${c.req.method} ${new URL(c.req.url).pathname}`))
  .onError(handleError);

export type App = typeof app;
