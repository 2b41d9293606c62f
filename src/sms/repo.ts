// Reading the SMS outbox (the admin's Messages tab, SMS channel) and its retention.
import { and, desc, eq, lt } from 'drizzle-orm';
import type { Db } from '../db/client';
import { runBatch } from '../db/purge';
import { smsMessages, type SmsMessage, type SmsStatus } from '../db/schema';

/** Newest first, optionally one status, before an id (the cursor). */
export function listSms(db: Db, f: { status?: SmsStatus; beforeId: number | null; limit: number }): Promise<SmsMessage[]> {
  return db
    .select()
    .from(smsMessages)
    .where(and(f.status ? eq(smsMessages.status, f.status) : undefined, f.beforeId === null ? undefined : lt(smsMessages.id, f.beforeId)))
    .orderBy(desc(smsMessages.id))
    .limit(f.limit)
    .all();
}

/**
 * Retention (the cron, src/housekeeping.ts), one batch: deletes settled texts (sent, failed, suppressed) created before
 * `cutoff`, as for emails. The limits only count the last 24 hours; opt-outs (sms_opt_outs) are kept for good.
 */
export function purgeSms(db: Db, cutoff: number, limit: number): Promise<number> {
  return runBatch(
    db.$client,
    `DELETE FROM sms_messages WHERE id IN (SELECT id FROM sms_messages WHERE created_at <= ? AND status IN ('sent', 'failed', 'suppressed') LIMIT ?)`,
    [cutoff],
    limit,
  );
}
