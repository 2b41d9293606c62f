// SQL of paid bookings (issue #30): the unpaid booking an attendee already has for a slot, their open unpaid count,
// whether a paid booking's time is free, and the one guarded UPDATE that applies a payment transition.
import type { D1Queryable, Db } from '../db/client';
import { and, eq, gt, isNotNull } from 'drizzle-orm';
import { attendees, bookings, eventTypes } from '../db/schema';
import { bookedOverlap, heldOverlap } from './guard-sql';
import type { PaidBookingStatus, PaymentState } from '../payments/machine';

/**
 * The open unpaid bookings of one attendee email with one host, or (a team event type, whose bookings go to several
 * hosts) of one event type: a handful at most, the cap keeps them few. In one read: how many there are, and whether
 * one is this event type at this start (an abandoned checkout to resume).
 */
export async function openUnpaidOf(db: Db, scope: { hostId: number } | { eventTypeId: number }, email: string, now: number) {
  const whose = 'hostId' in scope ? eq(bookings.hostId, scope.hostId) : eq(bookings.eventTypeId, scope.eventTypeId);
  return db
    .select({ uid: bookings.uid, eventTypeId: bookings.eventTypeId, startAt: bookings.startAt, recurringBookingUid: bookings.recurringBookingUid })
    .from(bookings)
    .innerJoin(attendees, eq(attendees.bookingId, bookings.id))
    // A seated slot's booking (no payment of its own) is not the attendee's: their seat is (openUnpaidSeatsOf).
    .where(and(whose, eq(bookings.status, 'awaiting_payment'), gt(bookings.paymentExpiresAt, now), isNotNull(bookings.payment), eq(attendees.email, email.toLowerCase())))
    .all();
}


/**
 * The hosts a paid booking takes time from: its booking_hosts (the organizer's row, and every other attending host of
 * a team booking). Binds: booking id.
 */
const HOSTS_OF = '(SELECT m.user_id FROM booking_hosts m WHERE m.booking_id = ?)';

/** Overlap with another booking or a hold of any host of the booking. Binds: `overlapBinds(b, now)`. */
const OVERLAP = (now: number) => `(EXISTS (${bookedOverlap(now, HOSTS_OF)} AND o.id != ?) OR EXISTS (${heldOverlap(HOSTS_OF)}))`;
const overlapBinds = (b: { id: number; occupiedStart: number; occupiedEnd: number }, now: number) => [b.id, b.occupiedEnd, b.occupiedStart, b.id, b.id, now, b.occupiedEnd, b.occupiedStart, null];

/** Whether no other booking or hold of the booking's hosts overlaps its span now (its own row left out). */
export async function spanFreeFor(db: Db, b: { id: number; occupiedStart: number; occupiedEnd: number }, now: number): Promise<boolean> {
  const row = await db.$client
    .prepare(`SELECT ${OVERLAP(now)} AS taken`)
    .bind(...overlapBinds(b, now))
    .first<{ taken: number }>();
  return row?.taken === 0;
}

export interface PaymentChange {
  from: PaidBookingStatus;
  to: PaymentState;
  /** Raise the calendar SEQUENCE (a change the attendee already heard of the booking: cancel, decline, confirm). */
  bumpSequence: boolean;
  /** When the booking becomes accepted: the host's location withheld while unpaid (COALESCE keeps the attendee's). */
  location: string | null;
  reason: string | null;
  paymentIntentId: string | null;
  lateRefund: boolean;
  /** The refunded totals with this change's refund appended (null: it refunds nothing). */
  refundTotals: number[] | null;
  /** Taking the time back (a revived booking): written only while nothing else overlaps, like any booking. */
  guardSpan: boolean;
}

/**
 * The one UPDATE of a payment transition: the booking's status and its payment's status and refunded total, only
 * from the status it was read in, and for a revival only while its time is still free. Only the fields the machine
 * moves are set (json_set), so a checkout link recorded meanwhile is kept. RETURNING the row.
 */
export function paymentUpdate(d1: D1Queryable, b: { id: number; occupiedStart: number; occupiedEnd: number }, c: PaymentChange, now: number): D1PreparedStatement {
  return d1
    .prepare(
      `UPDATE bookings SET status = ?, updated_at = ?, sequence = sequence + ?,
         location_value = CASE WHEN ? = 'accepted' THEN COALESCE(location_value, ?) ELSE location_value END,
         cancellation_reason = CASE WHEN ? = 'cancelled' THEN ? ELSE cancellation_reason END,
         rejection_reason = CASE WHEN ? = 'rejected' THEN ? ELSE rejection_reason END,
         payment = json_set(payment, '$.status', ?, '$.refunded_amount', ?,
           '$.payment_intent_id', COALESCE(?, json_extract(payment, '$.payment_intent_id')),
           '$.late_refund', json(CASE WHEN ? THEN 'true' ELSE json_extract(payment, '$.late_refund') END),
           '$.refund_totals', json(COALESCE(?, json_extract(payment, '$.refund_totals'), '[]')))
       WHERE id = ? AND status = ?
         AND (? = 0 OR NOT ${OVERLAP(now)})
       RETURNING *`,
    )
    .bind(
      c.to.booking, now, c.bumpSequence ? 1 : 0,
      c.to.booking, c.location,
      c.to.booking, c.reason,
      c.to.booking, c.reason,
      c.to.payment, c.to.refunded,
      c.paymentIntentId,
      c.lateRefund ? 1 : 0,
      c.refundTotals ? JSON.stringify(c.refundTotals) : null,
      b.id, c.from,
      c.guardSpan ? 1 : 0, ...overlapBinds(b, now),
    );
}

/**
 * Records the Checkout Session a paid booking opened (once: a second one is never recorded over the first), with the
 * fingerprint of the keys it was opened with; a paid series' other occurrences (paid by the same checkout) get the
 * fingerprint too, so each occurrence's refund knows which account holds its money.
 */
export async function recordCheckout(db: Db, uid: string, sessionId: string, url: string, keyFingerprint: string): Promise<void> {
  // A booking's, or a paid seat's (named by its seat_uid; its live row holds the payment).
  await db.$client.batch([
    ...(['bookings WHERE uid = ?', 'booking_attendees WHERE seat_uid = ?'] as const).map((target) =>
      db.$client
        .prepare(
          `UPDATE ${target.split(' ')[0]} SET payment = json_set(payment, '$.checkout_session_id', ?, '$.checkout_url', ?, '$.key_fingerprint', ?)
           WHERE ${target.split(' WHERE ')[1]} AND payment IS NOT NULL AND json_extract(payment, '$.checkout_session_id') IS NULL`,
        )
        .bind(sessionId, url, keyFingerprint, uid),
    ),
    db.$client
      .prepare(
        `UPDATE bookings SET payment = json_set(payment, '$.key_fingerprint', ?)
         WHERE recurring_booking_uid = (SELECT recurring_booking_uid FROM bookings WHERE uid = ?) AND recurring_booking_uid IS NOT NULL
           AND payment IS NOT NULL AND json_extract(payment, '$.key_fingerprint') IS NULL`,
      )
      .bind(keyFingerprint, uid),
  ]);
}

/** The seat_uid of this email's open unpaid seat in this event type's slot at `start`, if any. */
export async function openSeatAt(db: Db, eventTypeId: number, start: number, email: string, now: number): Promise<string | null> {
  const row = await db.$client
    .prepare(
      `SELECT a.seat_uid AS uid FROM booking_attendees a JOIN bookings b ON b.id = a.booking_id
       WHERE b.event_type_id = ? AND b.start_at = ? AND a.cancelled_at IS NULL AND a.payment_expires_at > ? AND lower(a.email) = ?`,
    )
    .bind(eventTypeId, start, now, email.toLowerCase())
    .first<{ uid: string }>();
  return row?.uid ?? null;
}

/**
 * The open unpaid seats of one attendee email with one host (the unpaid cap counts them with the open unpaid
 * bookings).
 */
export async function openUnpaidSeatsOf(db: Db, hostId: number, email: string, now: number): Promise<number> {
  const row = await db.$client
    .prepare(
      // Read from the partial index of open unpaid seats (`+b.host_id` keeps SQLite off the host's whole history).
      `SELECT COUNT(*) AS n FROM booking_attendees a JOIN bookings b ON b.id = a.booking_id
       WHERE +b.host_id = ? AND a.cancelled_at IS NULL AND a.payment_expires_at IS NOT NULL AND a.payment_expires_at > ? AND lower(a.email) = ?`,
    )
    .bind(hostId, now, email.toLowerCase())
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/**
 * Open unpaid checkouts one client (its network's hash) has with a host, or on a team event type: bookings (a series
 * counts once: one checkout) and seats. Each part walks a partial index of open unpaid rows (`+` keeps SQLite off the
 * host's or event type's whole history).
 */
export async function openUnpaidOfClient(db: Db, scope: { hostId: number } | { eventTypeId: number }, client: string, now: number): Promise<number> {
  const [column, id] = 'hostId' in scope ? ['host_id', scope.hostId] : ['event_type_id', scope.eventTypeId];
  const row = await db.$client
    .prepare(
      `SELECT
         (SELECT COUNT(DISTINCT coalesce(recurring_booking_uid, uid)) FROM bookings
          WHERE status = 'awaiting_payment' AND payment_expires_at > ?2 AND +${column} = ?1 AND json_extract(payment, '$.client') = ?3)
       + (SELECT COUNT(*) FROM booking_attendees a JOIN bookings b ON b.id = a.booking_id
          WHERE a.cancelled_at IS NULL AND a.payment_expires_at IS NOT NULL AND a.payment_expires_at > ?2 AND +b.${column} = ?1
            AND json_extract(a.payment, '$.client') = ?3) AS n`,
    )
    .bind(id, now, client)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** What a payment event needs of the booking's event type beyond BookingForWrite (null: the event type was deleted). */
export async function paidTerms(db: Db, eventTypeId: number | null) {
  if (eventTypeId === null) return null;
  return (
    (await db
      .select({ requiresConfirmation: eventTypes.requiresConfirmation, refundPolicy: eventTypes.refundPolicy })
      .from(eventTypes)
      .where(eq(eventTypes.id, eventTypeId))
      .get()) ?? null
  );
}
