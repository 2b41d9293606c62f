// The transactional outbox: a booking change and its webhook delivery rows are written in one D1 batch, so a
// committed booking always has its deliveries and a rolled-back one never does. Queue messages are sent only after
// the commit; a send that is lost (crash, Queues outage) leaves `enqueued_at` NULL for the cron sweep to redo.
import type { D1Queryable } from '../db/client';
import { markEnqueued, sendInChunks } from '../db/outbox';
import type { Bindings } from '../env';
import { toHex } from '../lib/encoding';
import { bookingEnvelope, type BookingEventSnapshot, type Envelope } from './payload';

export type { BookingEventSnapshot } from './payload';

/** A random prefix per event; the webhook id is appended in SQL, so every delivery row gets its own event_id. */
function eventIdPrefix(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return 'msg_' + toHex(bytes);
}

/** The event id of a delivery made outside `outboxInsert` (pings), in the same `msg_<random>_<webhook id>` form. */
export function newEventId(webhookId: number): string {
  return `${eventIdPrefix()}_${webhookId}`;
}

/**
 * The booking row (alias `b`) exactly in the state a snapshot describes, with `snapshotStateParams`: an outbox insert
 * after a guarded write that changed nothing finds no booking, so it writes nothing.
 */
export const BOOKING_IN_SNAPSHOT_STATE = `b.uid = ? AND b.status = ? AND b.start_at = ? AND b.end_at = ?
  AND (? IS NULL OR EXISTS (SELECT 1 FROM booking_attendees s WHERE s.booking_id = b.id AND s.seat_uid = ? AND s.sequence = ?
    AND (s.cancelled_at IS NULL) = ?))`;
/** With a seat (seated bookings), the seat too must be in the snapshot's state: a seat write that changed nothing sends nothing. */
export const snapshotStateParams = (event: BookingEventSnapshot) => [
  event.booking.uid,
  event.booking.status,
  event.booking.startAt,
  event.booking.endAt,
  event.seat?.uid ?? null,
  event.seat?.uid ?? null,
  event.seat?.sequence ?? 0,
  event.seat?.live ? 1 : 0,
];

/**
 * SQL for Cal.com's `team` of the booking `b` as a JSON patch of the envelope (`{}` when its event type is no team
 * one): the team's id and name, and every host attending it (booking_hosts), ascending id. Built in SQL from the
 * rows the batch has written so far, so every trigger of a team booking (created, rescheduled, cancelled, ...)
 * carries it, whichever write path built the snapshot.
 */
export const TEAM_PATCH_SQL = `(SELECT CASE WHEN t.id IS NULL THEN '{}' ELSE json_object('payload', json_object('team', json_object(
    'id', t.id, 'name', t.name,
    'members', json((SELECT json_group_array(json_object('id', m.id, 'name', m.name, 'email', m.email, 'timeZone', m.timezone))
      FROM (SELECT u.id, u.name, u.email, u.timezone FROM booking_hosts bh JOIN users u ON u.id = bh.user_id
        WHERE bh.booking_id = b.id ORDER BY u.id) m))))) END
  FROM (SELECT 1) LEFT JOIN booking_event_types e ON e.id = b.event_type_id LEFT JOIN teams t ON t.id = e.team_id)`;

/**
 * The users who hear about the booking `b`: every host attending it (booking_hosts: the organizer, and a team
 * booking's other hosts). Their webhooks fire, each once.
 */
export const ATTENDING_HOSTS_SQL = 'SELECT bh.user_id FROM booking_hosts bh WHERE bh.booking_id = b.id';

/**
 * The owners whose webhooks hear about the booking `b`: its host, every host attending it, and the super admins. The
 * subscriptions are then found by owner (an index), not by reading every subscription of every host: with one per
 * host, that read grew with the number of hosts (bench/scale.ts, 10,000 hosts: 3 ms became 10 ms per booking).
 */
const WEBHOOK_OWNERS_SQL = `SELECT b.host_id UNION ${ATTENDING_HOSTS_SQL} UNION SELECT a.id FROM users a WHERE a.role = 'super_admin'`;

/**
 * ONE prepared statement to put in the same D1 batch as the booking write (after it, and after the booking_hosts
 * rows of a team booking). It inserts one pending delivery per active webhook that subscribes to `event.trigger` and
 * belongs to a host attending the booking or to an active super admin (each webhook once, however many of its
 * owner's roles apply), and answers the new ids (see `deliveryIdsOf`).
 *
 * The booking is found by uid inside SQL, and only in the state the snapshot describes (status, start and end):
 * a guarded insert or update earlier in the batch that changed nothing therefore produces no delivery.
 */
export function outboxInsert(d1: D1Queryable, event: BookingEventSnapshot, now: number): D1PreparedStatement {
  const body = JSON.stringify(bookingEnvelope(event, now));
  return d1
    .prepare(
      `INSERT INTO booking_webhook_deliveries
         (event_id, webhook_id, booking_id, trigger_event, payload, status, attempts, attempt_log, created_at, updated_at)
       SELECT ? || '_' || w.id, w.id, b.id, ?, json_patch(json_set(?, '$.payload.bookingId', b.id), ${TEAM_PATCH_SQL}), 'pending', 0, '[]', ?, ?
       FROM bookings b
       JOIN booking_webhooks w ON w.owner_id IN (${WEBHOOK_OWNERS_SQL})
       JOIN users o ON o.id = w.owner_id
       WHERE ${BOOKING_IN_SNAPSHOT_STATE}
         AND w.active = 1
         AND o.is_active = 1
         AND EXISTS (SELECT 1 FROM json_each(w.event_triggers) t WHERE t.value = ?)
       ORDER BY w.id
       RETURNING id`,
    )
    .bind(eventIdPrefix(), event.trigger, body, now, now, ...snapshotStateParams(event), event.trigger);
}

/**
 * A workflow's `webhook` step (src/workflows/delivery.ts), right after the statement that claimed the step in the
 * same batch: one MEETING_REMINDER delivery per active webhook subscribed to it of a host attending the booking or
 * of a super admin (as `outboxInsert`), written only when that claim won. Event ids are `<step key>_<webhook id>`:
 * derived from the step and its due time, so the `webhook-id` a receiver deduplicates on is stable.
 */
export function reminderWebhookInsert(d1: D1Queryable, m: { reminderId: number; claim: string; key: string; envelope: Envelope }, now: number): D1PreparedStatement {
  return d1
    .prepare(
      `INSERT INTO booking_webhook_deliveries
         (event_id, webhook_id, booking_id, trigger_event, payload, status, attempts, attempt_log, created_at, updated_at)
       SELECT ? || '_' || w.id, w.id, b.id, 'MEETING_REMINDER', json_set(?, '$.payload.bookingId', b.id), 'pending', 0, '[]', ?, ?
       FROM booking_reminders r
       JOIN bookings b ON b.id = r.booking_id
       JOIN booking_webhooks w ON w.active = 1
       JOIN users o ON o.id = w.owner_id
       WHERE r.id = ? AND r.claim = ? AND r.status = 'sent'
         AND o.is_active = 1
         AND (w.owner_id = b.host_id OR w.owner_id IN (${ATTENDING_HOSTS_SQL}) OR o.role = 'super_admin')
         AND EXISTS (SELECT 1 FROM json_each(w.event_triggers) t WHERE t.value = 'MEETING_REMINDER')
       ORDER BY w.id
       ON CONFLICT (event_id) DO NOTHING
       RETURNING id`,
    )
    .bind(m.key, JSON.stringify(m.envelope), now, now, m.reminderId, m.claim);
}

/** The delivery ids from the D1 batch result of an `outboxInsert` statement. */
export function deliveryIdsOf(result: D1Result): number[] {
  return (result.results as { id: number }[]).map((row) => row.id);
}

/**
 * After the batch committed: one queue message per delivery, then `enqueued_at` on those rows. Never throws: a booking
 * that was written must not fail because of its webhooks; rows whose send failed stay NULL and the sweep re-sends them.
 */
export async function enqueueDeliveries(env: Bindings, deliveryIds: number[], d1: D1Queryable = env.DB): Promise<void> {
  await sendInChunks(
    env.WEBHOOKS,
    deliveryIds,
    (id) => ({ delivery_id: id }),
    (chunk) => markEnqueued(d1, 'booking_webhook_deliveries', chunk, Date.now()),
    { message: 'webhook enqueue failed; the outbox sweep will retry', idsKey: 'deliveryIds' },
  );
}
