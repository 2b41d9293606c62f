// The status a booking shows, which can depend on the clock. Pure.
import type { BookingStatus } from '../db/schema';

/**
 * As stored, plus `expired`: a pending request whose start has passed. It can no longer be confirmed, holds none of
 * the host's time, and can still be declined (to close it). The row keeps `pending`; the clock decides, so there is
 * no moment at which a job must flip it.
 */
export const BOOKING_VIEW_STATUSES = ['accepted', 'pending', 'expired', 'cancelled', 'rejected', 'awaiting_payment'] as const;
export type BookingViewStatus = (typeof BOOKING_VIEW_STATUSES)[number];

/**
 * A paid booking not paid by its deadline (`payment_expires_at`) is `expired` too, the moment the deadline passes: the
 * overlap guard stops counting it then, and the cron's sweep (or Stripe's checkout.session.expired) stores it later.
 */
export function viewStatus(b: { status: BookingStatus; startAt: number; paymentExpiresAt?: number | null }, now: number): BookingViewStatus {
  if (b.status === 'pending' && b.startAt <= now) return 'expired';
  if (b.status === 'awaiting_payment' && (b.paymentExpiresAt ?? 0) <= now) return 'expired';
  return b.status;
}

/** True once the booking's start has passed: the attendee may no longer cancel or reschedule it. */
export const hasStarted = (b: { startAt: number }, now: number) => b.startAt <= now;
