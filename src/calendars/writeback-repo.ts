// D1 access for calendar write-back: destinations (one per host) and the calendar_writes rows' claim and settlement.
import { asc, eq } from 'drizzle-orm';
import type { D1Queryable, Db } from '../db/client';
import { calendarWrites, type CalendarConnection, type CalendarWriteStatus } from '../db/schema';
import { connectionFromRow } from './repo';

export interface Destination {
  hostId: number;
  connectionId: number;
  calendarId: string | null;
  kind: CalendarConnection['kind'];
  createdAt: number;
  updatedAt: number;
}

const destinationFromRow = (r: Record<string, unknown>): Destination => ({
  hostId: Number(r.host_id),
  connectionId: Number(r.connection_id),
  calendarId: (r.calendar_id as string | null) ?? null,
  kind: r.kind as CalendarConnection['kind'],
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

export async function findDestination(d1: D1Queryable, hostId: number): Promise<Destination | null> {
  const row = await d1
    .prepare('SELECT d.*, c.kind FROM calendar_destinations d JOIN calendar_connections c ON c.id = d.connection_id WHERE d.host_id = ?')
    .bind(hostId)
    .first<Record<string, unknown>>();
  return row ? destinationFromRow(row) : null;
}

/** One destination per host: choosing another replaces it (bookings written before stay where they were written). */
export async function upsertDestination(d1: D1Queryable, connection: Pick<CalendarConnection, 'id' | 'ownerId' | 'kind'>, calendarId: string | null, now: number): Promise<Destination> {
  const row = await d1
    .prepare(
      `INSERT INTO calendar_destinations (host_id, connection_id, calendar_id, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)
       ON CONFLICT (host_id) DO UPDATE SET connection_id = excluded.connection_id, calendar_id = excluded.calendar_id, updated_at = excluded.updated_at
       RETURNING *`,
    )
    .bind(connection.ownerId, connection.id, calendarId, now)
    .first<Record<string, unknown>>();
  return destinationFromRow({ ...row!, kind: connection.kind });
}

export async function deleteDestination(d1: D1Queryable, hostId: number): Promise<boolean> {
  const row = await d1.prepare('DELETE FROM calendar_destinations WHERE host_id = ? RETURNING host_id').bind(hostId).first();
  return row !== null;
}

/** A write row claimed for one attempt, with its connection. */
export interface ClaimedWrite {
  id: number;
  bookingId: number;
  payload: string;
  targetSequence: number;
  writtenSequence: number | null;
  /** The provider's id of our event, once learnt (Graph); the destination calendar (Google/Microsoft; null: default). */
  remoteRef: string | null;
  calendarId: string | null;
  attempts: number;
  connection: CalendarConnection;
}

/**
 * Takes a pending row for one attempt: a lease (another copy of its message, or the sweep's, leaves it alone while the
 * lease lives) and one more attempt counted. Null when the row is settled, gone, or being written right now.
 */
export async function claimWrite(d1: D1Queryable, id: number, now: number, leaseMs: number): Promise<ClaimedWrite | null> {
  const row = await d1
    .prepare(
      `UPDATE calendar_writes SET lease_until = ?2 + ?3, attempts = attempts + 1, updated_at = ?2
       WHERE id = ?1 AND status = 'pending' AND coalesce(lease_until, 0) < ?2
       RETURNING id, booking_id, payload, target_sequence, written_sequence, remote_ref, calendar_id, attempts, connection_id`,
    )
    .bind(id, now, leaseMs)
    .first<Record<string, unknown>>();
  if (!row) return null;
  const connection = await d1.prepare('SELECT * FROM calendar_connections WHERE id = ?').bind(row.connection_id).first<Record<string, unknown>>();
  if (!connection) return null;
  return {
    id: Number(row.id),
    bookingId: Number(row.booking_id),
    payload: String(row.payload),
    targetSequence: Number(row.target_sequence),
    writtenSequence: row.written_sequence === null ? null : Number(row.written_sequence),
    remoteRef: (row.remote_ref as string | null) ?? null,
    calendarId: (row.calendar_id as string | null) ?? null,
    attempts: Number(row.attempts),
    connection: connectionFromRow(connection),
  };
}

/**
 * The provider now holds SEQUENCE `sequence`. Synced when no change came in meanwhile; otherwise the row stays
 * pending (with the newer payload) and the caller writes again. Answers the status, or null if the row is gone.
 */
export async function settleWritten(d1: D1Queryable, id: number, sequence: number, ref: string, now: number): Promise<CalendarWriteStatus | null> {
  const row = await d1
    .prepare(
      `UPDATE calendar_writes SET written_sequence = ?2, remote_ref = ?3, lease_until = NULL, last_error = NULL, updated_at = ?4,
         status = CASE WHEN target_sequence = ?2 THEN 'synced' ELSE 'pending' END
       WHERE id = ?1 RETURNING status`,
    )
    .bind(id, sequence, ref, now)
    .first<{ status: CalendarWriteStatus }>();
  return row?.status ?? null;
}

/**
 * A failed attempt at SEQUENCE `sequence`: `retryAt` set, a retry later; null, failed for good. Only while no change
 * came in meanwhile (a change starts the attempts afresh): false then, and the caller writes the newer event now.
 */
export async function settleFailed(d1: D1Queryable, id: number, sequence: number, message: string, retryAt: number | null, now: number): Promise<boolean> {
  const row = await d1
    .prepare(
      `UPDATE calendar_writes SET lease_until = NULL, last_error = ?3, updated_at = ?5,
         status = CASE WHEN ?4 IS NULL THEN 'failed' ELSE 'pending' END, next_attempt_at = coalesce(?4, next_attempt_at)
       WHERE id = ?1 AND target_sequence = ?2 RETURNING id`,
    )
    .bind(id, sequence, message.slice(0, 500), retryAt, now)
    .first();
  return row !== null;
}

/**
 * The account of `connectionId` was connected again: its writes that failed for good (the provider refused our
 * access, so every one of them did) or wait for a later retry start afresh now, so no booking stays unwritten. For the
 * reconnect's batch; RETURNING the ids to send. A row being written right now (a live lease) is left to its run.
 */
export function requeueWritesOf(d1: D1Queryable, connectionId: number, now: number): D1PreparedStatement {
  return d1
    .prepare(
      `UPDATE calendar_writes SET status = 'pending', attempts = 0, next_attempt_at = ?2, enqueued_at = NULL, last_error = NULL, updated_at = ?2
       WHERE connection_id = ?1 AND (status = 'failed' OR (status = 'pending' AND coalesce(lease_until, 0) < ?2))
       RETURNING id`,
    )
    .bind(connectionId, now);
}

/**
 * Pending rows whose message never left (enqueued_at NULL after `graceMs`) or was lost (due + `leaseGraceMs` passed with
 * no live claim): their next attempt is renewed to now, and the caller sends them again.
 */
export async function claimLostWrites(d1: D1Queryable, now: number, graceMs: number, leaseGraceMs: number, limit: number): Promise<number[]> {
  const { results } = await d1
    .prepare(
      `UPDATE calendar_writes SET next_attempt_at = ?1, enqueued_at = coalesce(enqueued_at, ?1)
       WHERE id IN (SELECT id FROM calendar_writes
         WHERE status = 'pending' AND coalesce(lease_until, 0) < ?1
           AND ((enqueued_at IS NULL AND updated_at < ?1 - ?2) OR (enqueued_at IS NOT NULL AND coalesce(next_attempt_at, enqueued_at) < ?1 - ?3))
         ORDER BY next_attempt_at LIMIT ?4)
       RETURNING id`,
    )
    .bind(now, graceMs, leaseGraceMs, limit)
    .all<{ id: number }>();
  return results.map((r) => r.id);
}

export interface CalendarSync {
  status: CalendarWriteStatus;
  error: string | null;
  updated_at: string;
}

/** The booking's write-back rows (a query, so the booking read may batch it with its others). */
export function calendarWritesQuery(db: Db, bookingId: number) {
  return db
    .select({ status: calendarWrites.status, lastError: calendarWrites.lastError, updatedAt: calendarWrites.updatedAt })
    .from(calendarWrites)
    .where(eq(calendarWrites.bookingId, bookingId))
    .orderBy(asc(calendarWrites.id));
}

/**
 * What a booking shows of its write-back (`calendar_sync`), null when it has none: failed if any destination failed
 * for good (with its error), else pending while any write is still to happen (with the last transient error), else
 * synced.
 */
export function calendarSyncOf(rows: { status: CalendarWriteStatus; lastError: string | null; updatedAt: number }[]): CalendarSync | null {
  if (!rows.length) return null;
  const worst = rows.find((r) => r.status === 'failed') ?? rows.find((r) => r.status === 'pending') ?? rows[0]!;
  return { status: worst.status, error: worst.lastError, updated_at: new Date(Math.max(...rows.map((r) => r.updatedAt))).toISOString() };
}

export interface WriteBackSummary {
  destination: boolean;
  counts: Partial<Record<CalendarWriteStatus, number>>;
  /** The latest writes (at most 5): the booking's title and start, never its uid (the attendee's capability). */
  recent: { title: string; startAt: number; status: CalendarWriteStatus; error: string | null; attempts: number; updatedAt: number }[];
}

/** The admin Calendars tab: for each connection, whether it is a destination, its writes by status and the latest ones. */
export async function writeBackSummaries(d1: D1Queryable, connectionIds: number[]): Promise<Map<number, WriteBackSummary>> {
  const out = new Map<number, WriteBackSummary>();
  if (!connectionIds.length) return out;
  const ids = JSON.stringify(connectionIds);
  const [destinations, counts, recent] = await d1.batch([
    d1.prepare('SELECT connection_id FROM calendar_destinations WHERE connection_id IN (SELECT value FROM json_each(?))').bind(ids),
    d1.prepare('SELECT connection_id, status, count(*) AS n FROM calendar_writes WHERE connection_id IN (SELECT value FROM json_each(?)) GROUP BY connection_id, status').bind(ids),
    d1
      .prepare(
        `SELECT * FROM (SELECT w.connection_id, w.status, w.last_error, w.attempts, w.updated_at, b.title, b.start_at,
           row_number() OVER (PARTITION BY w.connection_id ORDER BY w.updated_at DESC, w.id DESC) AS n
         FROM calendar_writes w JOIN bookings b ON b.id = w.booking_id WHERE w.connection_id IN (SELECT value FROM json_each(?))) WHERE n <= 5`,
      )
      .bind(ids),
  ]);
  const of = (id: number) => {
    let s = out.get(id);
    if (!s) out.set(id, (s = { destination: false, counts: {}, recent: [] }));
    return s;
  };
  for (const r of destinations!.results as { connection_id: number }[]) of(r.connection_id).destination = true;
  for (const r of counts!.results as { connection_id: number; status: CalendarWriteStatus; n: number }[]) of(r.connection_id).counts[r.status] = r.n;
  for (const r of recent!.results as Record<string, unknown>[]) {
    of(Number(r.connection_id)).recent.push({
      title: String(r.title),
      startAt: Number(r.start_at),
      status: r.status as CalendarWriteStatus,
      error: (r.last_error as string | null) ?? null,
      attempts: Number(r.attempts),
      updatedAt: Number(r.updated_at),
    });
  }
  return out;
}
