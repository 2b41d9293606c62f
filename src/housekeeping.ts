// The cron's housekeeping: deletes rows that can no longer matter, so tables that grow with traffic stay small.
import { purgeExpiredSessions } from './auth/sessions';
import { purgeSignInAttempts } from './auth/throttle';
import { purgeIdempotencyKeys } from './bookings/repo';
import type { Db } from './db/client';

export async function purgeExpiredRows(db: Db, now: number): Promise<void> {
  await purgeExpiredSessions(db, now);
  await purgeSignInAttempts(db, now);
  await purgeIdempotencyKeys(db, now);
}
