// Refreshing a connection on request (API and admin): coalesced, so asking often never fetches often.
import type { CalendarConnection } from '../db/schema';
import type { Bindings } from '../env';
import { ApiError, notFound } from '../lib/errors';
import { claimRefresh } from './repo';

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
