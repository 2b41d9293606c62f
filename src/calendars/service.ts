// What the API (/v2/calendars), the admin and the host's /settings page do to a connection, in one place: add an ICS or
// CalDAV calendar (behind the SSRF guard), disconnect one (revoking an OAuth grant), choose an account's busy
// calendars, and refresh on request (coalesced, so asking often never fetches often).
import type { D1Queryable, Db } from '../db/client';
import type { CalendarConnection, CalendarSource } from '../db/schema';
import type { Bindings } from '../env';
import { ApiError, notFound } from '../lib/errors';
import { checkSubscriberUrl, privateUrlsAllowed } from '../webhooks/url-guard';
import { normalizeFeedUrl } from './fetch-feed';
import { accessTokenOf, revokeAtProvider } from './oauth';
import { stopChannels } from './push';
import { enqueueSync } from './queue';
import { claimRefresh, deleteConnection, insertConnection, MAX_CONNECTIONS_PER_HOST } from './repo';
import type { CreateCalendarBody } from './schemas';
import { displayUrl, encryptSecret, type ConnectionSecret } from './secrets';
import { chooseSources } from './sources';

/** The webhook SSRF rules (url-guard.ts), reported like any other validation issue. */
export function allowedUrl(env: Bindings, raw: string, path = 'url'): string {
  const url = normalizeFeedUrl(raw);
  const verdict = checkSubscriberUrl(url, { allowPrivate: privateUrlsAllowed(env) });
  if (!verdict.ok) throw new ApiError('validation_failed', 'Request validation failed', [{ path, message: verdict.reason }]);
  return verdict.url.toString();
}

/** A CalDAV collection: the URL itself, or `calendar_path` on that server. */
export function collectionUrl(env: Bindings, url: string, calendarPath: string | undefined): string {
  const base = allowedUrl(env, url);
  if (calendarPath === undefined) return base;
  let resolved: string;
  try {
    resolved = new URL(calendarPath, base).toString();
  } catch {
    throw new ApiError('validation_failed', 'Request validation failed', [{ path: 'calendar_path', message: 'Must be a path on the server' }]);
  }
  return allowedUrl(env, resolved, 'calendar_path');
}

/**
 * Adds an ICS subscription or a CalDAV calendar for `ownerId` and queues its first sync. The caller has resolved the
 * owner (the body's `owner_id` is not read here).
 */
export async function addConnection(d1: D1Queryable, env: Bindings, ownerId: number, body: CreateCalendarBody, now: number): Promise<CalendarConnection> {
  const secret: ConnectionSecret =
    body.kind === 'ics' ? { url: allowedUrl(env, body.url) } : { url: collectionUrl(env, body.url, body.calendar_path), username: body.username, password: body.password };
  const created = await insertConnection(
    d1,
    {
      ownerId,
      kind: body.kind,
      // A CalDAV calendar without a name is listed by its server's host rather than as null.
      name: body.name ?? (body.kind === 'caldav' ? new URL(secret.url).host : null),
      urlDisplay: displayUrl(secret.url),
      secret: await encryptSecret(env, secret),
      calendarPath: null,
      includeTransparent: body.include_transparent,
      enabled: body.enabled,
    },
    now,
  );
  if (!created) throw new ApiError('conflict', `A host can connect at most ${MAX_CONNECTIONS_PER_HOST} calendars`);
  if (created.enabled) await enqueueSync(env, created.id, now);
  return created;
}

/**
 * Disconnects a connection the caller owns: an OAuth grant's push channels are stopped (best effort) and the grant is
 * revoked at the provider, not only forgotten here; then the row goes, with its busy time and stored tokens.
 */
export async function disconnect(env: Bindings, db: Db, found: CalendarConnection): Promise<void> {
  if (found.kind === 'google' || found.kind === 'microsoft') {
    await stopPush(env, found);
    await revokeAtProvider(env, found);
  }
  await deleteConnection(db, found.id);
}

/** Disconnect: the push channels are stopped first (best effort; they expire within days anyway). */
async function stopPush(env: Bindings, connection: CalendarConnection): Promise<void> {
  if (!connection.pushChannels || Object.keys(connection.pushChannels).length === 0) return;
  try {
    await stopChannels(connection, await accessTokenOf(env.DB, env, connection, Date.now()));
  } catch {
    // No usable token (reauth_required): nothing to stop with.
  }
}

/** Google / Microsoft: stores which of the account's calendars count as busy, and reads them again at once. */
export async function chooseBusyCalendars(d1: D1Queryable, env: Bindings, found: CalendarConnection, selected: string[], now: number): Promise<CalendarSource[]> {
  const sources = await chooseSources(d1, env, found, selected, now);
  if (found.enabled) await enqueueSync(env, found.id, now);
  return sources;
}

/** At most one refresh a minute per connection (CALENDAR_REFRESH_INTERVAL_SECONDS): each is an outbound fetch or two. */
export const REFRESH_INTERVAL_MS = 60_000;

function refreshIntervalMs(env: Pick<Bindings, 'CALENDAR_REFRESH_INTERVAL_SECONDS'>): number {
  const seconds = Number(env.CALENDAR_REFRESH_INTERVAL_SECONDS);
  return env.CALENDAR_REFRESH_INTERVAL_SECONDS !== undefined && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : REFRESH_INTERVAL_MS;
}
/** A sync queued this long ago and never attempted was lost (the cron re-queues it too): a refresh may queue again. */
export const REFRESH_PENDING_MS = 15 * 60_000;

export type RefreshOutcome = 'queued' | 'pending';

/**
 * Queues a sync of an enabled connection, at most one in flight and one a minute: while a sync is pending the answer is
 * that one ('pending', nothing new is queued); within a minute of the last, 429 `rate_limited` with Retry-After.
 */
export async function refreshConnection(env: Bindings, found: CalendarConnection, now: number): Promise<{ outcome: RefreshOutcome; connection: CalendarConnection }> {
  if (!found.enabled) throw new ApiError('conflict', 'This calendar is disabled; enable it to sync');
  const intervalMs = refreshIntervalMs(env);
  const claim = await claimRefresh(env.DB, found.id, now, intervalMs, REFRESH_PENDING_MS);
  if (!claim) throw notFound('Calendar');
  const { connection } = claim;
  if (claim.claimed) {
    await env.CALENDAR_SYNC.send({ connection_id: connection.id });
    return { outcome: 'queued', connection };
  }
  if (!connection.enabled) throw new ApiError('conflict', 'This calendar is disabled; enable it to sync');
  const queuedAt = connection.enqueuedAt ?? 0;
  if (queuedAt > now - REFRESH_PENDING_MS && (connection.lastAttemptAt ?? 0) < queuedAt) return { outcome: 'pending', connection };
  const seconds = Math.max(1, Math.ceil((queuedAt + intervalMs - now) / 1000));
  throw new ApiError('rate_limited', `This calendar was synced moments ago; try again in ${seconds} seconds`, undefined, {
    'Retry-After': String(seconds),
  });
}
