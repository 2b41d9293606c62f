// Reading and resending email notifications (the admin's Emails tab).
import { and, desc, eq, lt } from 'drizzle-orm';
import type { Db } from '../db/client';
import { runBatch } from '../db/purge';
import { emailNotifications, type EmailNotification, type NotificationStatus } from '../db/schema';
import type { Bindings } from '../env';
import { enqueueNotifications, newNotificationId } from './outbox';

/** Newest first, optionally one status, before an id (the cursor). */
export async function listNotifications(db: Db, f: { status?: NotificationStatus; beforeId: number | null; limit: number }): Promise<EmailNotification[]> {
  return db
    .select()
    .from(emailNotifications)
    .where(and(f.status ? eq(emailNotifications.status, f.status) : undefined, f.beforeId === null ? undefined : lt(emailNotifications.id, f.beforeId)))
    .orderBy(desc(emailNotifications.id))
    .limit(f.limit)
    .all();
}

export type ResendOutcome = { ok: true; id: number } | { ok: false; reason: 'not_found' | 'still_pending' };

/**
 * Sends a settled notification again as a new one: same content, new notification id (so a new Message-ID: a mail
 * system would drop a second copy of the old one as a duplicate), its own attempt log. A pending one is still on its
 * way and is left alone.
 */
export async function resendNotification(env: Pick<Bindings, 'DB' | 'EMAILS'>, id: number, now: number): Promise<ResendOutcome> {
  const d1 = env.DB.withSession('first-primary');
  const copied = await d1.prepare(
    `INSERT INTO booking_email_notifications
       (notification_id, booking_id, booking_uid, trigger_event, recipient_role, recipient_email, recipient_name, payload,
        status, attempts, attempt_log, created_at, updated_at)
     SELECT ?, booking_id, booking_uid, trigger_event, recipient_role, recipient_email, recipient_name, payload, 'pending', 0, '[]', ?, ?
     FROM booking_email_notifications WHERE id = ? AND status != 'pending'
     RETURNING id`,
  )
    .bind(newNotificationId(), now, now, id)
    .first<{ id: number }>();
  if (!copied) {
    const exists = await d1.prepare('SELECT 1 FROM booking_email_notifications WHERE id = ?').bind(id).first();
    return { ok: false, reason: exists ? 'still_pending' : 'not_found' };
  }
  await enqueueNotifications(env, [copied.id], d1);
  return { ok: true, id: copied.id };
}

/**
 * Retention (the cron, src/housekeeping.ts), one batch: deletes settled emails (sent, failed, suppressed) created
 * before `cutoff`, with their attempt logs. A pending one is still owed and stays.
 */
export function purgeNotifications(db: Db, cutoff: number, limit: number): Promise<number> {
  return runBatch(
    db.$client,
    `DELETE FROM booking_email_notifications
     WHERE id IN (SELECT id FROM booking_email_notifications WHERE created_at <= ? AND status != 'pending' LIMIT ?)`,
    [cutoff],
    limit,
  );
}
