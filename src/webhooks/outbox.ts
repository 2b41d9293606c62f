// The transactional outbox: a booking change and its webhook delivery rows are written in one D1 batch, so a
// committed booking always has its deliveries and a rolled-back one never does. Queue messages are sent only after
// the commit; a send that is lost (crash, Queues outage) leaves `enqueued_at` NULL for the cron sweep to redo.
import type { D1Queryable } from '../db/client';
import type { Bindings } from '../env';
import { toHex } from '../lib/encoding';
import { bookingEnvelope, type BookingEventSnapshot } from './payload';

export type { BookingEventSnapshot } from './payload';

/** Queues' sendBatch takes at most 100 messages per call. */
export const SEND_BATCH_MAX = 100;

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
 * ONE prepared statement to put in the same D1 batch as the booking write (after it). It inserts one pending delivery
 * per active webhook that subscribes to `event.trigger` and belongs to the host or to an active super admin, and
 * answers the new ids (see `deliveryIdsOf`).
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
       SELECT ? || '_' || w.id, w.id, b.id, ?, json_set(?, '$.payload.bookingId', b.id), 'pending', 0, '[]', ?, ?
       FROM bookings b
       JOIN booking_webhooks w ON w.active = 1
       JOIN users o ON o.id = w.owner_id
       WHERE b.uid = ? AND b.status = ? AND b.start_at = ? AND b.end_at = ?
         AND o.is_active = 1
         AND (w.owner_id = ? OR o.role = 'super_admin')
         AND EXISTS (SELECT 1 FROM json_each(w.event_triggers) t WHERE t.value = ?)
       ORDER BY w.id
       RETURNING id`,
    )
    .bind(
      eventIdPrefix(),
      event.trigger,
      body,
      now,
      now,
      event.booking.uid,
      event.booking.status,
      event.booking.startAt,
      event.booking.endAt,
      event.hostId,
      event.trigger,
    );
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
  for (let i = 0; i < deliveryIds.length; i += SEND_BATCH_MAX) {
    const chunk = deliveryIds.slice(i, i + SEND_BATCH_MAX);
    try {
      await env.WEBHOOKS.sendBatch(chunk.map((id) => ({ body: { delivery_id: id } })));
      // One JSON parameter: D1 allows at most 100 bound parameters per statement.
      await d1.prepare(
        `UPDATE booking_webhook_deliveries SET enqueued_at = ?
         WHERE enqueued_at IS NULL AND id IN (SELECT value FROM json_each(?))`,
      )
        .bind(Date.now(), JSON.stringify(chunk))
        .run();
    } catch (error) {
      console.error('webhook enqueue failed; the outbox sweep will retry', { deliveryIds: chunk, error: String(error) });
    }
  }
}
