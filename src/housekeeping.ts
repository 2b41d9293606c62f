// The cron's housekeeping: deletes rows that can no longer matter, so tables that grow with traffic stay small.
import { purgeExpiredSessions } from './auth/sessions';
import { purgeSignInAttempts } from './auth/throttle';
import { purgeIdempotencyKeys } from './bookings/repo';
import type { Db } from './db/client';
import { deleteExpiredHolds } from './reservations/repo';

export async function purgeExpiredRows(db: Db, now: number): Promise<void> {
  await purgeExpiredSessions(db, now);
  await purgeSignInAttempts(db, now);
  await purgeIdempotencyKeys(db, now);
  // Expired holds already count for nothing (every guard compares with now); this only keeps the table small.
  await deleteExpiredHolds(db, now);
}
