// The cron half of the email outbox: notifications whose queue message never went out (or was lost) are sent to the
// queue again. A duplicate message is harmless: the consumer's claim lets only one send, and settled rows are skipped.
import type { Bindings } from '../env';
import { LEASE_MS } from './consumer';
import { enqueueNotifications } from './outbox';

/** Younger rows are probably being enqueued right now by the request that wrote them. */
export const EMAIL_SWEEP_GRACE_MS = 60_000;
/** A retry or claim this much overdue lost its message. */
export const EMAIL_STALE_MS = 15 * 60_000;
export const EMAIL_SWEEP_MAX_ROWS = 1_000;

/** Returns how many notifications it re-enqueued. */
export async function sweepEmailOutbox(env: Bindings, now: number): Promise<number> {
  const d1 = env.DB.withSession('first-primary');
  const { results } = await d1.prepare(
    `SELECT id FROM booking_email_notifications
     WHERE status = 'pending'
       AND ((enqueued_at IS NULL AND created_at < ?)
         OR (next_attempt_at IS NOT NULL AND next_attempt_at < ? AND (lease_until IS NULL OR lease_until < ?))
         OR (lease_until IS NOT NULL AND lease_until < ?))
     ORDER BY id LIMIT ?`,
  )
    .bind(now - EMAIL_SWEEP_GRACE_MS, now - EMAIL_STALE_MS, now, now - EMAIL_STALE_MS + LEASE_MS, EMAIL_SWEEP_MAX_ROWS)
    .all<{ id: number }>();
  const ids = results.map((r) => r.id);
  if (ids.length > 0) {
    console.warn('email outbox sweep re-enqueues notifications', { count: ids.length });
    await enqueueNotifications(env, ids, d1);
  }
  return ids.length;
}
