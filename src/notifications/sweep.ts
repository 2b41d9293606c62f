// The cron half of the email outbox, with the webhook outbox's lease rule (src/webhooks/sweep.ts). Two kinds of pending
// notifications have no queue message that will ever arrive:
//  - never sent: the Worker died between the D1 batch and the send, or Queues refused it (enqueued_at NULL);
//  - lost after sending: a restart dropped the message (a first attempt as much as a waiting retry), or the Worker died
//    while sending. Each enqueued row holds a lease: its due time (next_attempt_at for a retry, else enqueued_at) plus
//    OUTBOX_LEASE_GRACE_MS. A pending row whose lease ran out, with no attempt recorded since (an attempt moves
//    next_attempt_at or settles the row) and no live claim (lease_until: being sent right now), is sent again, and its
//    lease renewed (next_attempt_at = now) so the next run leaves it to the new message.
// A duplicate message is harmless: the consumer's claim lets only one send at a time, and settled rows are skipped.
import { OUTBOX_LEASE_GRACE_MS, sendInChunks } from '../db/outbox';
import type { Bindings } from '../env';
import { enqueueNotifications } from './outbox';

/** Younger rows are probably being enqueued right now by the request that wrote them. */
export const EMAIL_SWEEP_GRACE_MS = 60_000;
/** Bounds one run (10 sendBatch calls per kind); a larger backlog drains over the next runs, oldest first. */
export const EMAIL_SWEEP_MAX_ROWS = 1_000;

/** Returns how many notifications it re-enqueued. */
export async function sweepEmailOutbox(env: Bindings, now: number): Promise<number> {
  const d1 = env.DB.withSession('first-primary');
  const unsent = await d1
    .prepare(
      `SELECT id FROM booking_email_notifications
       WHERE status = 'pending' AND enqueued_at IS NULL AND created_at < ?
       ORDER BY id LIMIT ?`,
    )
    .bind(now - EMAIL_SWEEP_GRACE_MS, EMAIL_SWEEP_MAX_ROWS)
    .all<{ id: number }>();
  const unsentIds = unsent.results.map((r) => r.id);
  if (unsentIds.length > 0) {
    console.warn('email outbox sweep re-enqueues notifications', { count: unsentIds.length });
    await enqueueNotifications(env, unsentIds, d1);
  }
  const lost = await d1
    .prepare(
      `SELECT id FROM booking_email_notifications
       WHERE status = 'pending' AND enqueued_at IS NOT NULL
         AND coalesce(next_attempt_at, enqueued_at) < ? AND (lease_until IS NULL OR lease_until < ?)
       ORDER BY id LIMIT ?`,
    )
    .bind(now - OUTBOX_LEASE_GRACE_MS, now, EMAIL_SWEEP_MAX_ROWS)
    .all<{ id: number }>();
  const lostIds = lost.results.map((r) => r.id);
  if (lostIds.length > 0) {
    console.warn('email outbox sweep re-enqueues notifications whose lease ran out', { count: lostIds.length });
    const renew = (chunk: number[]) =>
      d1
        .prepare(
          `UPDATE booking_email_notifications SET next_attempt_at = ?
           WHERE status = 'pending' AND id IN (SELECT value FROM json_each(?))`,
        )
        .bind(now, JSON.stringify(chunk))
        .run();
    await sendInChunks(env.EMAILS, lostIds, (id) => ({ notification_id: id }), renew, {
      message: 'email re-enqueue failed; the next sweep will retry',
      idsKey: 'notificationIds',
    });
  }
  return unsentIds.length + lostIds.length;
}
