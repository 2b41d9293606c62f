// The first answer for an Idempotency-Key, shared by every booking write path (a host's HostCalendar and team
// bookings, src/teams/booking.ts): the booking it made, or "reused" when the key comes back with another request.
import type { Db } from '../db/client';
import { idempotencyExpired } from './idempotency';
import { bookingJson, byIdempotencyKey, findBooking, forgetIdempotencyKey, type BookingJson } from './repo';

export const KEY_REUSED_MESSAGE = 'This Idempotency-Key was already used with a different request';

/** Null when the key is unknown or has expired (then it is forgotten here, so the new booking may take it). */
export async function priorAnswer(db: Db, key: string, hash: string | null, now = Date.now()): Promise<BookingJson | 'reused' | null> {
  const prior = await findBooking(db, byIdempotencyKey(key));
  if (!prior) return null;
  // Older than 24 hours: forgotten (the cron clears such keys too; this covers the time until it runs).
  if (idempotencyExpired(prior.booking.createdAt, now)) {
    await forgetIdempotencyKey(db, prior.booking.id, key);
    return null;
  }
  return prior.booking.idempotencyHash === hash ? bookingJson(prior) : 'reused';
}
