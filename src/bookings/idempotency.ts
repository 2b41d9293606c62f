// Idempotency-Key scope and lifetime (DESIGN "Bookings"), as Stripe does it: a key belongs to whoever sent it and is
// forgotten after 24 hours.
//
// The scope is the signed-in user when there is one, else the request's event type and attendee email: another client
// sending the same key therefore makes its own booking instead of getting someone else's (uid included) or a 422.
// The stored `bookings.idempotency_key` is a digest of scope and key, so the unique index still settles races.
import { sha256Hex } from '../lib/crypto';

export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;

export type IdempotencyScope = { userId: number } | { eventTypeId: number; attendeeEmail: string };

/** The value stored and looked up for `key` sent in `scope`. */
export async function scopedIdempotencyKey(key: string, scope: IdempotencyScope): Promise<string> {
  const owner = 'userId' in scope ? `user:${scope.userId}` : `event-type:${scope.eventTypeId}:${scope.attendeeEmail}`;
  return `idem_${await sha256Hex(JSON.stringify([owner, key]))}`;
}

/** True when a key stored with a booking created at `createdAt` has expired at `now`. */
export const idempotencyExpired = (createdAt: number, now: number) => createdAt <= now - IDEMPOTENCY_TTL_MS;
