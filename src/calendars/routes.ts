import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import { currentUser, requireUser, SESSION_COOKIE, sessionToken } from '../auth/middleware';
import { resolveOwner } from '../auth/ownership';
import type { CalendarConnection } from '../db/schema';
import type { AppEnv, Bindings } from '../env';
import { ApiError, foundOr404, notFound } from '../lib/errors';
import { pageById } from '../lib/pagination';
import { idParam, validate } from '../lib/validation';
import { enqueueSync } from './queue';
import { addConnection, allowedUrl, chooseBusyCalendars, collectionUrl, disconnect, refreshConnection } from './service';
import { connectionJson, findOwnedConnection, listConnections, updateConnection } from './repo';
import { createCalendarBody, destinationQuery, listCalendarsQuery, oauthCallbackQuery, oauthProviderParam, patchSourcesBody, putDestinationBody, updateCalendarBody } from './schemas';
import { listSources } from './sources';
import { onGooglePush, onGraphPush } from './push';
import { finishAuthorization, startAuthorization } from './oauth';
import { deleteDestination, findDestination, upsertDestination, type Destination } from './writeback-repo';
import { decryptSecret, displayUrl, encryptSecret, type ConnectionSecret } from './secrets';

const credentialsOnlyForCaldav = () =>
  new ApiError('validation_failed', 'Request validation failed', [{ path: 'username', message: 'Only CalDAV calendars have credentials or a calendar path' }]);

export const calendarRoutes = new Hono<AppEnv>()
  .use(requireUser)
  .get('/', validate('query', listCalendarsQuery), async (c) => {
    const { limit, cursor, owner_id } = c.req.valid('query');
    const result = await pageById({ limit, cursor }, (afterId = 0, take) => listConnections(c.var.db, currentUser(c), { afterId, limit: take, ownerId: owner_id }));
    const now = Date.now();
    return c.json({ data: result.data.map((r) => connectionJson(r, now)), next_cursor: result.next_cursor });
  })
  .post('/', validate('json', createCalendarBody), async (c) => {
    const body = c.req.valid('json');
    const viewer = currentUser(c);
    // Only super admins act for others; to anyone else another user is as absent as a missing one.
    const ownerId = (await resolveOwner(c.var.db, viewer, body.owner_id, { field: 'owner_id', notAllowed: 'absent' })).id;
    const now = Date.now();
    const created = await addConnection(c.var.db.$client, c.env, ownerId, body, now);
    return c.json(connectionJson(created, now), 201);
  })
  // OAuth connections (Google, Microsoft): the consent page, then the provider's redirect back.
  .get('/oauth/:provider/start', validate('param', oauthProviderParam), async (c) => {
    const { provider } = c.req.valid('param');
    const started = await startAuthorization(c.var.db.$client, c.env, currentUser(c), sessionOf(c.req.header('authorization'), getCookie(c, SESSION_COOKIE)), provider, Date.now());
    c.header('Cache-Control', 'no-store');
    return c.json(started);
  })
  .get('/oauth/:provider/callback', validate('param', oauthProviderParam), validate('query', oauthCallbackQuery), async (c) => {
    const { provider } = c.req.valid('param');
    const now = Date.now();
    const { connection, created } = await finishAuthorization(c.var.db.$client, c.env, currentUser(c), sessionOf(c.req.header('authorization'), getCookie(c, SESSION_COOKIE)), provider, c.req.valid('query'), now);
    // The first read of its busy time, at once.
    if (connection.enabled) await enqueueSync(c.env, connection.id, now);
    c.header('Cache-Control', 'no-store');
    return c.json(connectionJson(connection, now), created ? 201 : 200);
  })
  // Write-back: the calendar this host's bookings are written into (before '/:id', which it would otherwise match).
  .get('/destination', validate('query', destinationQuery), async (c) => {
    const owner = await resolveOwner(c.var.db, currentUser(c), c.req.valid('query').owner_id, { field: 'owner_id', notAllowed: 'absent' });
    const found = await findDestination(c.var.db.$client, owner.id);
    if (!found) throw new ApiError('not_found', 'No destination calendar is chosen');
    return c.json(destinationJson(found));
  })
  .put('/destination', validate('json', putDestinationBody), async (c) => {
    const body = c.req.valid('json');
    const connection = await findOwnedConnection(c.var.db, currentUser(c), body.connection_id);
    const invalid = (path: string, message: string) => new ApiError('validation_failed', 'Request validation failed', [{ path, message }]);
    if (!connection) throw invalid('connection_id', 'No such calendar');
    if (connection.kind === 'ics') throw invalid('connection_id', 'An ICS subscription is read-only: choose a CalDAV, Google or Microsoft calendar');
    if (connection.kind === 'caldav' && body.calendar_id) throw invalid('calendar_id', 'A CalDAV calendar is one calendar: omit calendar_id');
    // Google and Microsoft: one of the account's calendars (null: its primary / default calendar).
    return c.json(destinationJson(await upsertDestination(c.var.db.$client, connection, body.calendar_id ?? null, Date.now())));
  })
  .delete('/destination', validate('query', destinationQuery), async (c) => {
    const owner = await resolveOwner(c.var.db, currentUser(c), c.req.valid('query').owner_id, { field: 'owner_id', notAllowed: 'absent' });
    if (!(await deleteDestination(c.var.db.$client, owner.id))) throw new ApiError('not_found', 'No destination calendar is chosen');
    return c.body(null, 204);
  })
  .get('/:id', validate('param', idParam), async (c) => {
    const found = await foundOr404('Calendar', findOwnedConnection(c.var.db, currentUser(c), c.req.valid('param').id));
    return c.json(connectionJson(found, Date.now()));
  })
  .patch('/:id', validate('param', idParam), validate('json', updateCalendarBody), async (c) => {
    const body = c.req.valid('json');
    const db = c.var.db;
    const found = await foundOr404('Calendar', findOwnedConnection(db, currentUser(c), c.req.valid('param').id));
    const secret = await changedSecret(c.env, found, body);
    const now = Date.now();
    const updated = await updateConnection(
      db,
      found.id,
      {
        name: body.name,
        urlDisplay: secret === undefined ? undefined : displayUrl(secret.url),
        secret: secret === undefined ? undefined : await encryptSecret(c.env, secret),
        includeTransparent: body.include_transparent,
        enabled: body.enabled,
        resetValidators: secret !== undefined || (body.include_transparent !== undefined && body.include_transparent !== found.includeTransparent),
      },
      now,
    );
    if (!updated) throw notFound('Calendar');
    const needsSync = updated.enabled && (secret !== undefined || updated.includeTransparent !== found.includeTransparent || !found.enabled);
    if (needsSync) await enqueueSync(c.env, updated.id, now);
    return c.json(connectionJson(updated, now));
  })
  .delete('/:id', validate('param', idParam), async (c) => {
    const db = c.var.db;
    const found = await foundOr404('Calendar', findOwnedConnection(db, currentUser(c), c.req.valid('param').id));
    await disconnect(c.env, db, found);
    return c.body(null, 204);
  })
  // Google / Microsoft: which of the account's calendars count as busy.
  .get('/:id/sources', validate('param', idParam), async (c) => {
    const found = await foundOr404('Calendar', findOwnedConnection(c.var.db, currentUser(c), c.req.valid('param').id));
    return c.json({ data: await listSources(c.var.db.$client, c.env, found, Date.now()) });
  })
  .patch('/:id/sources', validate('param', idParam), validate('json', patchSourcesBody), async (c) => {
    const found = await foundOr404('Calendar', findOwnedConnection(c.var.db, currentUser(c), c.req.valid('param').id));
    const now = Date.now();
    return c.json({ data: await chooseBusyCalendars(c.var.db.$client, c.env, found, c.req.valid('json').selected, now) });
  })
  .post('/:id/refresh', validate('param', idParam), async (c) => {
    const found = await foundOr404('Calendar', findOwnedConnection(c.var.db, currentUser(c), c.req.valid('param').id));
    const now = Date.now();
    const { connection } = await refreshConnection(c.env, found, now);
    // 202: a sync (this one, or the one already pending) runs in the background; poll for last_synced_at / last_error.
    return c.json(connectionJson(connection, now), 202);
  });

const destinationJson = (d: Destination) => ({
  host_id: d.hostId,
  connection_id: d.connectionId,
  calendar_id: d.calendarId,
  kind: d.kind,
  created_at: new Date(d.createdAt).toISOString(),
  updated_at: new Date(d.updatedAt).toISOString(),
});

/** The session's token (Bearer or cookie): an OAuth authorization is bound to its SHA-256. */
function sessionOf(authorization: string | undefined, cookie: string | undefined): string {
  const token = sessionToken(authorization, cookie);
  if (!token) throw new ApiError('unauthorized', 'A valid session token is required');
  return token;
}

/** The connection's new address and credentials, when the update touches any of them (merged with the stored ones). */
async function changedSecret(
  env: Bindings,
  found: CalendarConnection,
  body: { url?: string; username?: string; password?: string; calendar_path?: string },
): Promise<ConnectionSecret | undefined> {
  const touchesCredentials = body.username !== undefined || body.password !== undefined || body.calendar_path !== undefined;
  if (found.kind === 'google' || found.kind === 'microsoft') {
    if (touchesCredentials || body.url !== undefined) {
      throw new ApiError('validation_failed', 'Request validation failed', [{ path: 'url', message: 'An OAuth calendar has no address or credentials: connect the account again instead' }]);
    }
    return undefined;
  }
  if (found.kind === 'ics') {
    if (touchesCredentials) throw credentialsOnlyForCaldav();
    return body.url === undefined ? undefined : { url: allowedUrl(env, body.url) };
  }
  if (body.url === undefined && !touchesCredentials) return undefined;
  const current = await decryptSecret(env, found.secret);
  return {
    url: body.url === undefined && body.calendar_path === undefined ? current.url : collectionUrl(env, body.url ?? current.url, body.calendar_path),
    username: body.username ?? current.username,
    password: body.password ?? current.password,
  };
}

/**
 * The providers' push notifications (no session: each push carries the channel's secret, checked against its stored
 * digest). Mounted ahead of the API's JSON-only rule: Graph validates the URL with a text/plain POST.
 */
export const calendarPushRoutes = new Hono<AppEnv>()
  .post('/google', async (c) => {
    await onGooglePush(
      c.var.db.$client,
      c.env,
      { channelId: c.req.header('x-goog-channel-id'), token: c.req.header('x-goog-channel-token'), state: c.req.header('x-goog-resource-state') },
      Date.now(),
    );
    // Accepted whatever it was: a wrong secret learns nothing, and Google stops retrying.
    return c.body(null, 204);
  })
  .post('/microsoft', async (c) => {
    // Graph checks the URL first: the validationToken comes back as text within 10 seconds.
    const validation = c.req.query('validationToken');
    if (validation !== undefined) return c.text(validation.slice(0, 1024), 200);
    const body = await c.req.json().catch(() => null);
    await onGraphPush(c.var.db.$client, c.env, body, Date.now());
    return c.body(null, 202);
  });
