// SQL of a team hold (src/teams/holds.ts): one slot_reservations row per blocked host, all or none.
import type { D1Queryable } from '../db/client';
import { bookedOverlap, heldOverlap, hostMarks } from '../bookings/guard-sql';
import type { NewHold } from '../reservations/repo';

/**
 * One row per host in `hostIds` (`h.hostId`'s row with `h.uid`, the others `<uid>~<host id>`), written only when NONE
 * of those hosts has a live booking or a live hold overlapping the span: every row or none, in one statement.
 * RETURNING the rows.
 */
export function guardedTeamHoldInsert(d1: D1Queryable, h: NewHold, hostIds: number[], now: number): D1PreparedStatement {
  const hosts = hostMarks(hostIds.length);
  return d1
    .prepare(
      `INSERT INTO slot_reservations (uid, host_id, event_type_id, slot_start, slot_end, occupied_start, occupied_end,
         expires_at, client_hash, holder_id, created_at, updated_at)
       SELECT CASE WHEN j.value = ? THEN ? ELSE ? || '~' || j.value END, j.value, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
       FROM json_each(?) j
       WHERE NOT EXISTS (${bookedOverlap(now, hosts)}) AND NOT EXISTS (${heldOverlap(hosts)})
       RETURNING *`,
    )
    .bind(
      h.hostId, h.uid, h.uid,
      h.eventTypeId, h.slotStart, h.slotEnd, h.occupiedStart, h.occupiedEnd, h.expiresAt, h.clientHash, h.holderId, now, now,
      JSON.stringify(hostIds),
      ...hostIds, h.occupiedEnd, h.occupiedStart,
      ...hostIds, now, h.occupiedEnd, h.occupiedStart, null,
    );
}
