// SQL for slot reservations (holds). Like bookings, every write that takes time from a host's calendar is guarded in
// SQL: a hold is only written when its occupied span overlaps no live booking and no live hold of the host.
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import { bookedOverlap, heldOverlap, holdGroupParams, holdGroupSql } from '../bookings/guard-sql';
import type { D1Queryable, Db } from '../db/client';
import { runBatch } from '../db/purge';
import { eventTypes, slotReservations, users, type SlotReservation } from '../db/schema';

export interface NewHold {
  uid: string;
  hostId: number;
  eventTypeId: number;
  slotStart: number;
  slotEnd: number;
  occupiedStart: number;
  occupiedEnd: number;
  expiresAt: number;
  clientHash: string;
  holderId: number | null;
}

/** INSERT that writes nothing when the span overlaps a live booking or live hold of the host; RETURNING the row. */
export function guardedHoldInsert(d1: D1Queryable, h: NewHold, now: number): D1PreparedStatement {
  return d1
    .prepare(
      `INSERT INTO slot_reservations (uid, host_id, event_type_id, slot_start, slot_end, occupied_start, occupied_end,
         expires_at, client_hash, holder_id, created_at, updated_at)
       SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
       WHERE NOT EXISTS (${bookedOverlap(now)}) AND NOT EXISTS (${heldOverlap()})
       RETURNING *`,
    )
    .bind(
      h.uid, h.hostId, h.eventTypeId, h.slotStart, h.slotEnd, h.occupiedStart, h.occupiedEnd, h.expiresAt, h.clientHash,
      h.holderId, now, now,
      h.hostId, h.occupiedEnd, h.occupiedStart,
      h.hostId, now, h.occupiedEnd, h.occupiedStart, null,
    );
}

export interface HoldChange {
  slotStart: number;
  slotEnd: number;
  occupiedStart: number;
  occupiedEnd: number;
  expiresAt: number;
}

/** Moves and/or extends a live hold in one guarded statement (its own old span does not count against it). */
export function guardedHoldUpdate(d1: D1Queryable, hold: SlotReservation, change: HoldChange, now: number): D1PreparedStatement {
  return d1
    .prepare(
      `UPDATE slot_reservations SET slot_start = ?, slot_end = ?, occupied_start = ?, occupied_end = ?, expires_at = ?,
         updated_at = ?
       WHERE id = ? AND expires_at > ?
         AND NOT EXISTS (${bookedOverlap(now)}) AND NOT EXISTS (${heldOverlap()})
       RETURNING *`,
    )
    .bind(
      change.slotStart, change.slotEnd, change.occupiedStart, change.occupiedEnd, change.expiresAt, now,
      hold.id, now,
      hold.hostId, change.occupiedEnd, change.occupiedStart,
      hold.hostId, now, change.occupiedEnd, change.occupiedStart, hold.uid,
    );
}

/** A live hold by uid (expired ones are as good as gone). */
export async function findLiveHold(db: Db, uid: string, now: number): Promise<SlotReservation | undefined> {
  return db.select().from(slotReservations).where(and(eq(slotReservations.uid, uid), gt(slotReservations.expiresAt, now))).get();
}

export async function hostOfHold(db: Db, uid: string): Promise<number | undefined> {
  return (await db.select({ hostId: slotReservations.hostId }).from(slotReservations).where(eq(slotReservations.uid, uid)).get())?.hostId;
}

/** Releases a hold, every row of a team hold included. */
export async function deleteHold(db: Db, uid: string): Promise<boolean> {
  const result = await db.$client.prepare(`DELETE FROM slot_reservations WHERE ${holdGroupSql()}`).bind(...holdGroupParams(uid)).run();
  return result.meta.changes > 0;
}

/** The booking batch's last statement: the consumed hold goes (all its rows), but only if the booking row was written. */
export function deleteHoldIfBooked(d1: D1Queryable, holdUid: string, bookingUid: string): D1PreparedStatement {
  return d1
    .prepare(`DELETE FROM slot_reservations WHERE ${holdGroupSql()} AND EXISTS (SELECT 1 FROM bookings WHERE uid = ?)`)
    .bind(...holdGroupParams(holdUid), bookingUid);
}

/** Live holds of one host taken by this client (IP hash) and, when signed in, by this holder. */
export async function liveHoldCounts(
  db: Db,
  hostId: number,
  clientHash: string,
  holderId: number | null,
  now: number,
): Promise<{ byClient: number; byHolder: number }> {
  const row = await db
    .select({
      byClient: sql<number>`COALESCE(SUM(${slotReservations.clientHash} = ${clientHash}), 0)`,
      byHolder: sql<number>`COALESCE(SUM(${slotReservations.holderId} = ${holderId ?? -1}), 0)`,
    })
    .from(slotReservations)
    .where(and(eq(slotReservations.hostId, hostId), gt(slotReservations.expiresAt, now)))
    .get();
  return { byClient: row?.byClient ?? 0, byHolder: row?.byHolder ?? 0 };
}

export interface ActiveHold {
  hold: SlotReservation;
  eventTypeTitle: string;
  hostName: string;
}

/** Live holds for the admin page (a host: their own; undefined: every host), soonest slot first. */
export async function listLiveHolds(db: Db, now: number, hostId: number | undefined, limit: number): Promise<ActiveHold[]> {
  return db
    .select({ hold: slotReservations, eventTypeTitle: eventTypes.title, hostName: users.name })
    .from(slotReservations)
    .innerJoin(eventTypes, eq(eventTypes.id, slotReservations.eventTypeId))
    .innerJoin(users, eq(users.id, slotReservations.hostId))
    .where(and(gt(slotReservations.expiresAt, now), hostId === undefined ? undefined : eq(slotReservations.hostId, hostId)))
    .orderBy(asc(slotReservations.slotStart), asc(slotReservations.id))
    .limit(limit)
    .all();
}

/** The cron's half: expired holds already count for nothing; this only keeps the table small. */
export function deleteExpiredHolds(db: Db, now: number, limit: number): Promise<number> {
  return runBatch(db.$client, 'DELETE FROM slot_reservations WHERE id IN (SELECT id FROM slot_reservations WHERE expires_at <= ? LIMIT ?)', [now], limit);
}

const iso = (t: number) => new Date(t).toISOString();

export function holdJson(h: SlotReservation) {
  return {
    uid: h.uid,
    event_type_id: h.eventTypeId,
    slot_start: iso(h.slotStart),
    slot_end: iso(h.slotEnd),
    expires_at: iso(h.expiresAt),
  };
}

export type HoldJson = ReturnType<typeof holdJson>;

/** A raw RETURNING row (snake_case columns) as the drizzle shape. */
export function holdFromRow(row: Record<string, unknown>): SlotReservation {
  return {
    id: row.id as number,
    uid: row.uid as string,
    hostId: row.host_id as number,
    eventTypeId: row.event_type_id as number,
    slotStart: row.slot_start as number,
    slotEnd: row.slot_end as number,
    occupiedStart: row.occupied_start as number,
    occupiedEnd: row.occupied_end as number,
    expiresAt: row.expires_at as number,
    clientHash: row.client_hash as string,
    holderId: row.holder_id as number | null,
    createdAt: row.created_at as number,
    updatedAt: row.updated_at as number,
  };
}
