// Reading the SMS outbox (the admin's Messages tab, SMS channel).
import { and, desc, eq, lt } from 'drizzle-orm';
import type { Db } from '../db/client';
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
