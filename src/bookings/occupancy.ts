// What occupies a host's time, in one place. Pure: the guards in bookings/repo.ts and reservations/repo.ts, the slot
// query's busy read (slots/repo.ts), the Durable Object and the pages all take their rule from here.
import type { Attendee, BookingStatus } from '../db/schema';
import type { PaidBookingStatus } from '../payments/machine';
import { BUFFER_MINUTES, DURATION_MINUTES } from '../event-types/limits';

/** Not cancelled or declined: a live booking can still be changed (an expired request can still be declined). */
export const LIVE_STATUSES = ['accepted', 'pending'] as const satisfies readonly BookingStatus[];

export const isLive = (status: BookingStatus): boolean => (LIVE_STATUSES as readonly BookingStatus[]).includes(status);

/** SQL condition for a live booking, on an optional table alias. */
export function liveSql(alias = ''): string {
  return `${alias ? `${alias}.` : ''}status IN (${LIVE_STATUSES.map((s) => `'${s}'`).join(', ')})`;
}

/**
 * True when the booking takes the host's time at `now`: accepted, pending and not yet started, or awaiting payment
 * before its payment deadline (src/payments/: an unpaid booking holds the slot exactly like a booking, then lets go
 * by itself, whether or not the expiry sweep has run).
 */
export const holdsTime = (b: { status: BookingStatus; startAt: number; paymentExpiresAt?: number | null }, now: number): boolean =>
  b.status === 'accepted' || (b.status === 'pending' && b.startAt > now) || (b.status === 'awaiting_payment' && (b.paymentExpiresAt ?? 0) > now);

/**
 * `holdsTime` as an SQL condition (on an optional table alias). `now` is inlined as an integer literal, so it needs
 * no bind slot in the statements it joins.
 */
export function holdsTimeSql(now: number, alias = ''): string {
  if (!Number.isSafeInteger(now)) throw new RangeError('now must be an integer');
  const col = (name: string) => (alias ? `${alias}.${name}` : name);
  return `(${col('status')} = 'accepted' OR (${col('status')} = 'pending' AND ${col('start_at')} > ${now})
    OR (${col('status')} = 'awaiting_payment' AND ${col('payment_expires_at')} > ${now}))`;
}

/**
 * A seat of a seated booking holding its place at `now` (SQL, on a booking_attendees alias; `now` inlined): live, and
 * if it is a paid seat not yet paid, before its payment deadline (src/bookings/paid-seats.ts). The seat guards and
 * the slot read count places by it, so an unpaid seat lets go of its place the instant its deadline passes.
 */
export function seatHoldsSql(now: number, alias: string): string {
  if (!Number.isSafeInteger(now)) throw new RangeError('now must be an integer');
  return `(${alias}.seat_uid IS NOT NULL AND ${alias}.cancelled_at IS NULL AND (${alias}.payment_expires_at IS NULL OR ${alias}.payment_expires_at > ${now}))`;
}

/**
 * The payment state machine's status of a paid seat, read from its row: live and unpaid (`payment_expires_at` set)
 * awaiting_payment; live and paid (cleared) accepted; left with the deadline still set expired (never paid in time);
 * left after paying, or cancelled while unpaid, cancelled.
 */
export function seatPaidStatus(seat: Pick<Attendee, 'cancelledAt' | 'paymentExpiresAt'>): PaidBookingStatus {
  if (seat.cancelledAt === null) return seat.paymentExpiresAt !== null ? 'awaiting_payment' : 'accepted';
  return seat.paymentExpiresAt !== null ? 'expired' : 'cancelled';
}

export interface TimeShape {
  durationMinutes: number;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
}

export interface Span {
  startAt: number;
  endAt: number;
  /** What the meeting takes from the calendar: the slot widened by the buffers. Overlap checks compare these. */
  occupiedStart: number;
  occupiedEnd: number;
}

/** The meeting and its occupied span for a start: [start - buffer before, end + buffer after). */
export function spanAt(et: TimeShape, start: number): Span {
  const endAt = start + et.durationMinutes * 60_000;
  return {
    startAt: start,
    endAt,
    occupiedStart: start - et.bufferBeforeMinutes * 60_000,
    occupiedEnd: endAt + et.bufferAfterMinutes * 60_000,
  };
}

/**
 * How far outside a window of slot starts a busy span can still matter: a slot's occupied span reaches out by at
 * most a buffer and the duration. The slot query reads busy spans this much beyond its window on both sides.
 */
export const BUSY_READ_MARGIN_MS = (BUFFER_MINUTES.max + DURATION_MINUTES.max) * 60_000;
