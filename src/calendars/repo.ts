// D1 access for calendar connections and their busy spans.
import { and, asc, eq, gt, max, sql } from 'drizzle-orm';
import { ownedBy } from '../auth/ownership';
import type { D1Queryable, Db } from '../db/client';
import { calendarConnections, eventTypes, users, type CalendarConnection, type User } from '../db/schema';
import { busyRowChunks } from './busy-rows';
import type { Span } from './ics-busy';

export const MAX_CONNECTIONS_PER_HOST = 10;
export const STALE_AFTER_MS = 24 * 3_600_000;

export async function listConnections(db: Db, viewer: User, opts: { afterId: number; limit: number; ownerId?: number }) {
  return db
    .select()
    .from(calendarConnections)
    .where(
      and(
        ownedBy(calendarConnections.ownerId, viewer),
        opts.ownerId ? eq(calendarConnections.ownerId, opts.ownerId) : undefined,
        gt(calendarConnections.id, opts.afterId),
      ),
    )
    .orderBy(asc(calendarConnections.id))
    .limit(opts.limit);
}

export async function findOwnedConnection(db: Db, viewer: User, id: number): Promise<CalendarConnection | null> {
  const row = await db
    .select()
    .from(calendarConnections)
    .where(and(eq(calendarConnections.id, id), ownedBy(calendarConnections.ownerId, viewer)))
    .get();
  return row ?? null;
}

export interface NewConnection {
  ownerId: number;
  kind: CalendarConnection['kind'];
  name: string | null;
  urlDisplay: string;
  secret: string;
  calendarPath: string | null;
  includeTransparent: boolean;
  enabled: boolean;
  /** OAuth connections: the account's address. */
  account?: string | null;
}

/** Inserts unless the owner already has MAX_CONNECTIONS_PER_HOST: the limit holds in SQL, races included. */
export async function insertConnection(d1: D1Queryable, c: NewConnection, now: number): Promise<CalendarConnection | null> {
  const row = await d1
    .prepare(
      `INSERT INTO calendar_connections
         (owner_id, kind, name, url_display, secret, calendar_path, include_transparent, enabled, enqueued_at, created_at, updated_at, account)
       SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?9, ?11
       WHERE (SELECT count(*) FROM calendar_connections WHERE owner_id = ?1) < ?10
       RETURNING *`,
    )
    .bind(c.ownerId, c.kind, c.name, c.urlDisplay, c.secret, c.calendarPath, c.includeTransparent ? 1 : 0, c.enabled ? 1 : 0, now, MAX_CONNECTIONS_PER_HOST, c.account ?? null)
    .first<Record<string, unknown>>();
  return row ? connectionFromRow(row) : null;
}

export interface ConnectionChange {
  name?: string | null;
  urlDisplay?: string;
  secret?: string;
  calendarPath?: string | null;
  includeTransparent?: boolean;
  enabled?: boolean;
  /** A new address or new rules: forget the validators so the next sync fetches and expands afresh. */
  resetValidators: boolean;
}

export async function updateConnection(db: Db, id: number, change: ConnectionChange, now: number): Promise<CalendarConnection | null> {
  const { resetValidators, ...fields } = change;
  const d1 = db.$client;
  const update = d1
    .prepare(
      `UPDATE calendar_connections SET
         name = CASE WHEN ?2 THEN ?3 ELSE name END,
         url_display = coalesce(?4, url_display),
         secret = coalesce(?5, secret),
         calendar_path = CASE WHEN ?6 THEN ?7 ELSE calendar_path END,
         include_transparent = coalesce(?8, include_transparent),
         enabled = coalesce(?9, enabled),
         etag = CASE WHEN ?10 THEN NULL ELSE etag END,
         last_modified = CASE WHEN ?10 THEN NULL ELSE last_modified END,
         expanded_until = CASE WHEN ?10 THEN NULL ELSE expanded_until END,
         consecutive_failures = CASE WHEN ?10 THEN 0 ELSE consecutive_failures END,
         last_error = CASE WHEN ?10 THEN NULL ELSE last_error END,
         updated_at = ?11
       WHERE id = ?1 RETURNING *`,
    )
    .bind(
      id,
      fields.name !== undefined ? 1 : 0,
      fields.name ?? null,
      fields.urlDisplay ?? null,
      fields.secret ?? null,
      fields.calendarPath !== undefined ? 1 : 0,
      fields.calendarPath ?? null,
      fields.includeTransparent === undefined ? null : fields.includeTransparent ? 1 : 0,
      fields.enabled === undefined ? null : fields.enabled ? 1 : 0,
      resetValidators ? 1 : 0,
      now,
    );
  // A disabled connection blocks nothing: its busy spans go in the same batch (a later sync refills them).
  const statements = fields.enabled === false ? [update, d1.prepare('DELETE FROM calendar_busy WHERE connection_id = ?').bind(id)] : [update];
  const [result] = await d1.batch(statements);
  const row = result?.results[0] as Record<string, unknown> | undefined;
  return row ? connectionFromRow(row) : null;
}

export async function deleteConnection(db: Db, id: number): Promise<void> {
  await db.delete(calendarConnections).where(eq(calendarConnections.id, id));
}

/** What a sync needs: the connection, its owner's zone, and the longest booking window of their active event types. */
export async function loadForSync(db: Db, id: number) {
  const row = await db
    .select({
      connection: calendarConnections,
      hostTimeZone: users.timezone,
      longestWindowDays: sql<number | null>`(SELECT ${max(eventTypes.bookingWindowDays)} FROM ${eventTypes}
        WHERE ${eventTypes.ownerId} = ${calendarConnections.ownerId} AND ${eventTypes.isActive} = 1)`,
      // Write-back writes (or wrote) bookings into it: its events must be read so that ours are skipped.
      holdsOwnEvents: sql<number>`(EXISTS (SELECT 1 FROM calendar_destinations d WHERE d.connection_id = ${calendarConnections.id})
        OR EXISTS (SELECT 1 FROM calendar_writes w WHERE w.connection_id = ${calendarConnections.id}))`,
    })
    .from(calendarConnections)
    .innerJoin(users, eq(users.id, calendarConnections.ownerId))
    .where(eq(calendarConnections.id, id))
    .get();
  return row ?? null;
}

export interface SyncSuccess {
  spans: Span[];
  etag: string | null;
  lastModified: string | null;
  expandedUntil: number;
  capped: boolean;
  note: string | null;
  /** Google / Microsoft: each chosen calendar's sync token or delta link after this read. */
  syncState?: Record<string, string>;
}

/**
 * Replaces the connection's busy spans in one atomic batch: delete, insert (only while the connection still exists and
 * is enabled, so a sync racing a disable or delete writes nothing), and the sync bookkeeping.
 */
export async function writeSyncSuccess(d1: D1Queryable, connection: CalendarConnection, s: SyncSuccess, now: number): Promise<void> {
  const inserts = busyRowChunks(s.spans).map((chunk) =>
    d1
      .prepare(
        `INSERT INTO calendar_busy (connection_id, host_id, start_at, end_at)
         SELECT ?1, ?2, json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]') FROM json_each(?3) j
         WHERE EXISTS (SELECT 1 FROM calendar_connections WHERE id = ?1 AND enabled = 1)`,
      )
      .bind(connection.id, connection.ownerId, chunk),
  );
  await d1.batch([
    d1.prepare('DELETE FROM calendar_busy WHERE connection_id = ?').bind(connection.id),
    ...inserts,
    d1
      .prepare(
        `UPDATE calendar_connections SET etag = ?2, last_modified = ?3, expanded_until = ?4, capped = ?5, busy_count = ?6,
           last_synced_at = ?7, last_attempt_at = ?7, last_error = ?8, consecutive_failures = 0, sync_state = coalesce(?9, sync_state)
         WHERE id = ?1`,
      )
      .bind(connection.id, s.etag, s.lastModified, s.expandedUntil, s.capped ? 1 : 0, s.spans.length, now, s.note, s.syncState ? JSON.stringify(s.syncState) : null),
  ]);
}

/** 304: the busy set stands; only the bookkeeping moves. */
export async function writeNotModified(d1: D1Queryable, id: number, now: number): Promise<void> {
  await d1
    .prepare('UPDATE calendar_connections SET last_synced_at = ?2, last_attempt_at = ?2, last_error = NULL, consecutive_failures = 0 WHERE id = ?1')
    .bind(id, now)
    .run();
}

/** A failed sync keeps the last good busy set; it only counts and explains. */
export async function writeSyncFailure(d1: D1Queryable, id: number, message: string, now: number): Promise<void> {
  await d1
    .prepare('UPDATE calendar_connections SET last_attempt_at = ?2, last_error = ?3, consecutive_failures = consecutive_failures + 1 WHERE id = ?1')
    .bind(id, now, message.slice(0, 500))
    .run();
}

/** Enabled connections not queued within `intervalMs`, marked queued now (the sweep sends their messages). */
export async function claimDueConnections(d1: D1Queryable, now: number, intervalMs: number, limit: number): Promise<number[]> {
  const { results } = await d1
    .prepare(
      `UPDATE calendar_connections SET enqueued_at = ?1
       WHERE id IN (SELECT id FROM calendar_connections WHERE enabled = 1 AND coalesce(enqueued_at, 0) <= ?2 ORDER BY coalesce(enqueued_at, 0) LIMIT ?3)
       RETURNING id`,
    )
    .bind(now, now - intervalMs, limit)
    .all<{ id: number }>();
  return results.map((r) => r.id);
}

/**
 * Queues a refresh unless one is in flight (queued less than `pendingMs` ago and not attempted since) or the last was
 * queued less than `intervalMs` ago: one conditional UPDATE, so parallel refreshes claim at most one sync. Answers the
 * row either way, and whether this call claimed it.
 */
export async function claimRefresh(
  d1: D1Queryable,
  id: number,
  now: number,
  intervalMs: number,
  pendingMs: number,
): Promise<{ claimed: boolean; connection: CalendarConnection } | null> {
  const claimed = await d1
    .prepare(
      `UPDATE calendar_connections SET enqueued_at = ?2
       WHERE id = ?1 AND enabled = 1 AND coalesce(enqueued_at, 0) <= ?2 - ?3
         AND NOT (enqueued_at > ?2 - ?4 AND coalesce(last_attempt_at, 0) < enqueued_at)
       RETURNING *`,
    )
    .bind(id, now, intervalMs, pendingMs)
    .first<Record<string, unknown>>();
  if (claimed) return { claimed: true, connection: connectionFromRow(claimed) };
  const row = await d1.prepare('SELECT * FROM calendar_connections WHERE id = ?').bind(id).first<Record<string, unknown>>();
  return row ? { claimed: false, connection: connectionFromRow(row) } : null;
}

export async function savePushChannels(d1: D1Queryable, id: number, channels: NonNullable<CalendarConnection['pushChannels']>): Promise<void> {
  await d1.prepare('UPDATE calendar_connections SET push_channels = ?2 WHERE id = ?1').bind(id, JSON.stringify(channels)).run();
}

/** PATCH /v2/calendars/{id}/sources: the chosen calendars; their tokens are dropped, so the next sync reads them afresh. */
export async function saveSources(d1: D1Queryable, id: number, sources: NonNullable<CalendarConnection['sources']>, now: number): Promise<CalendarConnection | null> {
  const row = await d1
    .prepare('UPDATE calendar_connections SET sources = ?2, sync_state = NULL, expanded_until = NULL, updated_at = ?3 WHERE id = ?1 RETURNING *')
    .bind(id, JSON.stringify(sources), now)
    .first<Record<string, unknown>>();
  return row ? connectionFromRow(row) : null;
}

export async function markEnqueued(d1: D1Queryable, id: number, now: number): Promise<void> {
  await d1.prepare('UPDATE calendar_connections SET enqueued_at = ?2 WHERE id = ?1').bind(id, now).run();
}

/** Raw row (snake_case, SQLite integers) -> the drizzle shape. */
export function connectionFromRow(r: Record<string, unknown>): CalendarConnection {
  const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    id: Number(r.id),
    ownerId: Number(r.owner_id),
    kind: r.kind as CalendarConnection['kind'],
    name: (r.name as string | null) ?? null,
    urlDisplay: String(r.url_display),
    secret: String(r.secret),
    calendarPath: (r.calendar_path as string | null) ?? null,
    includeTransparent: Boolean(r.include_transparent),
    enabled: Boolean(r.enabled),
    etag: (r.etag as string | null) ?? null,
    lastModified: (r.last_modified as string | null) ?? null,
    expandedUntil: n(r.expanded_until),
    lastSyncedAt: n(r.last_synced_at),
    lastAttemptAt: n(r.last_attempt_at),
    lastError: (r.last_error as string | null) ?? null,
    consecutiveFailures: Number(r.consecutive_failures ?? 0),
    busyCount: Number(r.busy_count ?? 0),
    capped: Boolean(r.capped),
    enqueuedAt: n(r.enqueued_at),
    account: (r.account as string | null) ?? null,
    reauthRequired: Boolean(r.reauth_required),
    reauthNotifiedAt: n(r.reauth_notified_at),
    sources: r.sources ? (JSON.parse(String(r.sources)) as CalendarConnection['sources']) : null,
    syncState: r.sync_state ? (JSON.parse(String(r.sync_state)) as CalendarConnection['syncState']) : null,
    pushChannels: r.push_channels ? (JSON.parse(String(r.push_channels)) as CalendarConnection['pushChannels']) : null,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

export type ConnectionStatus = 'pending' | 'ok' | 'failing' | 'stale' | 'disabled' | 'reauth_required';

/**
 * pending: never synced yet; failing: the last attempt failed; stale: failing and the last good sync is over 24 h old;
 * reauth_required: the provider refused our refresh token, the host must connect the account again.
 */
export function connectionStatus(c: CalendarConnection, now: number): ConnectionStatus {
  if (c.reauthRequired) return 'reauth_required';
  if (!c.enabled) return 'disabled';
  if (c.consecutiveFailures > 0) return now - (c.lastSyncedAt ?? c.createdAt) > STALE_AFTER_MS ? 'stale' : 'failing';
  return c.lastSyncedAt === null ? 'pending' : 'ok';
}

const isoOrNull = (t: number | null) => (t === null ? null : new Date(t).toISOString());

/** The API shape: never the address's secret part, never credentials. */
export function connectionJson(c: CalendarConnection, now: number) {
  const status = connectionStatus(c, now);
  return {
    id: c.id,
    owner_id: c.ownerId,
    kind: c.kind,
    name: c.name,
    url: c.urlDisplay,
    account: c.account,
    include_transparent: c.includeTransparent,
    enabled: c.enabled,
    status,
    stale: status === 'stale',
    last_synced_at: isoOrNull(c.lastSyncedAt),
    last_attempt_at: isoOrNull(c.lastAttemptAt),
    last_error: c.lastError,
    consecutive_failures: c.consecutiveFailures,
    busy_count: c.busyCount,
    capped: c.capped,
    created_at: new Date(c.createdAt).toISOString(),
    updated_at: new Date(c.updatedAt).toISOString(),
  };
}
