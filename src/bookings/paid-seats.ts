// Paid seats (issue #30): a seated event type with a price charges per seat. Each seat is its own paid booking for the
// payment state machine (src/payments/machine.ts): its own checkout (named by its seat_uid), deadline, payment record
// and refunds, in its booking_attendees row. Its machine status is read from the row:
//   live, unpaid (payment_expires_at set)      awaiting_payment: holds its place until the deadline (seatHoldsSql)
//   live, paid (payment_expires_at cleared)    accepted
//   left with payment_expires_at still set      expired (never paid in time)
//   left after paying, or cancelled unpaid      cancelled
// A slot's booking opened by an unpaid seat is `awaiting_payment` until the latest deadline of its unpaid seats, so
// the host's time is let go with the last of them, sweep or no sweep; the first seat paid makes it `accepted`. The
// slot's other seats are never touched by one seat's payment, expiry, cancel or refund. Runs in HostCalendar under the
// host's lock, one D1 batch per change, like src/bookings/paid.ts.
import type { D1Queryable } from '../db/client';
import type { PaymentRecord } from '../db/json-types';
import type { Attendee, Booking, WebhookTrigger } from '../db/schema';
import { notificationIdsOf, notificationInserts } from '../notifications/outbox';
import { deliveryIdsOf, outboxInsert } from '../webhooks/outbox';
import { seatedWriteStatements, writeIdsOf } from '../calendars/writeback-outbox';
import { pendingStepsOf, stepStatements, voidStepsOfCancelled } from '../workflows/schedule';
import type { BookingEventSnapshot } from '../webhooks/payload';
import type { SlotContext } from '../slots/context';
import { attendeeCancelRefund, DEFAULT_REFUND_POLICY, refundTotalsOf } from '../payments/money';
import { newPaymentRecord, paymentDeadline } from '../payments/checkout';
import { next, refundable, type PaidBookingStatus, type PaymentEvent, type PaymentState } from '../payments/machine';
import { holdsTimeSql, seatHoldsSql, seatPaidStatus } from './occupancy';
import { bookingFromRow, type BookingForWrite } from './repo';
import { seatFromRow, type SeatForWrite } from './seat-repo';
import { seatJson, seatSnapshot, type SeatEnv, type SeatWritten } from './seat-views';

/** A new paid seat's payment (the event type's price, per seat) and deadline (never after the slot's start). */
export function newSeatPayment(ctx: SlotContext, start: number, now: number, client: string | null): { payment: PaymentRecord; paymentExpiresAt: number } {
  const et = ctx.eventType;
  return {
    payment: newPaymentRecord(et.price!, et.currency!, ctx.host.id, et.refundPolicy ?? DEFAULT_REFUND_POLICY, client),
    paymentExpiresAt: paymentDeadline(now, et.paymentDeadlineMinutes, start),
  };
}

/** A seat's webhook snapshot carries that seat's payment (the slot's booking row has none). */
export function withSeatPayment(snapshot: BookingEventSnapshot, p: PaymentRecord | null | undefined): BookingEventSnapshot {
  return p ? { ...snapshot, payment: { status: p.status, amount: p.amount, currency: p.currency, refundedAmount: p.refunded_amount } } : snapshot;
}

/**
 * An unpaid seat joined a slot whose booking waits for payment: the booking holds the host's time until this seat's
 * deadline too (written only if the seat was).
 */
export function holdUnpaidSlotUntil(d1: D1Queryable, bookingId: number, seatUid: string, expiresAt: number): D1PreparedStatement {
  return d1
    .prepare(
      `UPDATE bookings SET payment_expires_at = MAX(payment_expires_at, ?)
       WHERE id = ? AND status = 'awaiting_payment' AND EXISTS (SELECT 1 FROM booking_attendees WHERE seat_uid = ? AND cancelled_at IS NULL)`,
    )
    .bind(expiresAt, bookingId, seatUid);
}

export function seatStateOf(seat: Attendee): PaymentState {
  const p = seat.payment!;
  return { booking: seatPaidStatus(seat), payment: p.status, amount: p.amount, refunded: p.refunded_amount };
}

/** What a seat's cancel refunds now: by the policy it was booked under (the attendee), or everything (the host). */
export function seatCancelRefund(seat: Attendee, startAt: number, byHost: boolean, now: number): number {
  const left = refundable(seatStateOf(seat));
  return byHost ? left : attendeeCancelRefund(seat.payment!.refund_policy, left, startAt, now);
}

/** Whether a seat that does not hold its place now could take one: its booking holds time, a place is free, its email has none. */
function placeFreeSql(now: number) {
  return `EXISTS (SELECT 1 FROM bookings b WHERE b.id = booking_attendees.booking_id AND b.start_at > ${now}
      AND (${holdsTimeSql(now, 'b')})
      AND (SELECT count(*) FROM booking_attendees ls WHERE ls.booking_id = b.id AND ${seatHoldsSql(now, 'ls')}) < ?
      AND NOT EXISTS (SELECT 1 FROM booking_attendees d WHERE d.booking_id = b.id AND d.id != booking_attendees.id
        AND d.seat_uid IS NOT NULL AND d.cancelled_at IS NULL AND lower(d.email) = lower(booking_attendees.email)))`;
}

const FROM_STATE: Record<PaidBookingStatus, string> = {
  awaiting_payment: 'cancelled_at IS NULL AND payment_expires_at IS NOT NULL',
  accepted: 'cancelled_at IS NULL AND payment_expires_at IS NULL',
  expired: 'cancelled_at IS NOT NULL AND payment_expires_at IS NOT NULL',
  cancelled: 'cancelled_at IS NOT NULL AND payment_expires_at IS NULL',
  pending: '0',
  rejected: '0',
};

/**
 * The one UPDATE of a seat's payment transition: its row moves between the states above, and its payment record's
 * status and refunded total, only from the state it was read in; a seat taking a place it did not hold (paid after
 * its deadline) only while its booking holds time and has a free place. RETURNING the row.
 */
function seatPaymentUpdate(
  d1: D1Queryable,
  seat: Attendee,
  from: PaidBookingStatus,
  to: PaymentState,
  c: { capacity: number; takesPlace: boolean; intent: string | null; lateRefund: boolean; bump: boolean; refundTotals: number[] | null },
  now: number,
) {
  return d1
    .prepare(
      `UPDATE booking_attendees SET
         cancelled_at = CASE WHEN ? IN ('expired', 'cancelled') THEN COALESCE(cancelled_at, ?) WHEN ? = 'accepted' THEN NULL ELSE cancelled_at END,
         payment_expires_at = CASE WHEN ? = 'accepted' OR (? = 'cancelled' AND ? = 'awaiting_payment') THEN NULL ELSE payment_expires_at END,
         sequence = sequence + ?,
         payment = json_set(payment, '$.status', ?, '$.refunded_amount', ?,
           '$.payment_intent_id', COALESCE(?, json_extract(payment, '$.payment_intent_id')),
           '$.late_refund', json(CASE WHEN ? THEN 'true' ELSE json_extract(payment, '$.late_refund') END),
           '$.refund_totals', json(COALESCE(?, json_extract(payment, '$.refund_totals'), '[]')))
       WHERE id = ? AND ${FROM_STATE[from]} AND (? = 0 OR ${placeFreeSql(now)})
       RETURNING *`,
    )
    .bind(
      to.booking, now, to.booking,
      to.booking, to.booking, from,
      c.bump ? 1 : 0,
      to.payment, to.refunded, c.intent, c.lateRefund ? 1 : 0, c.refundTotals ? JSON.stringify(c.refundTotals) : null,
      seat.id, c.takesPlace ? 1 : 0, c.capacity,
    );
}

/**
 * The slot's booking after a seat changed: the first seat paid makes a waiting booking `accepted` (its time held like
 * any booking's from then); when no seat holds a place any more, a waiting booking is `expired` and a booked one
 * `cancelled` (its reminders go with it). RETURNING the row when it changed.
 */
function slotAfterSeat(d1: D1Queryable, bookingId: number, seatNowPaid: boolean, reason: string | null, now: number): D1PreparedStatement {
  if (seatNowPaid) return d1.prepare(`UPDATE bookings SET status = 'accepted', updated_at = ? WHERE id = ? AND status = 'awaiting_payment' RETURNING *`).bind(now, bookingId);
  return d1
    .prepare(
      `UPDATE bookings SET status = CASE WHEN status = 'awaiting_payment' THEN 'expired' ELSE 'cancelled' END,
         cancellation_reason = CASE WHEN status = 'awaiting_payment' THEN cancellation_reason ELSE ? END,
         sequence = sequence + (status != 'awaiting_payment'), updated_at = ?
       WHERE id = ? AND status IN ('awaiting_payment', 'accepted')
         AND NOT EXISTS (SELECT 1 FROM booking_attendees s WHERE s.booking_id = bookings.id AND ${seatHoldsSql(now, 's')})
       RETURNING *`,
    )
    .bind(reason, now, bookingId);
}

/**
 * One payment event on one paid seat: the machine decides from the seat's state, one batch writes the seat, its
 * slot's booking (as above) and what the effects announce, for that seat only (its webhooks and emails name it).
 * `pay`: the seat's place is free when it still holds it, or (paid after its deadline) when its booking still holds
 * time and has a free place; otherwise the payment is refunded in full.
 */
export async function applySeatPaymentEvent(
  e: SeatEnv,
  found: SeatForWrite,
  event: PaymentEvent | { type: 'pay'; requiresConfirmation: boolean },
  details: { reason?: string | null; paymentIntentId?: string | null; capacity: number },
): Promise<SeatWritten> {
  const { booking, attendee: seat } = found;
  if (!seat.payment) return { ok: false, code: 'conflict', message: 'This seat has no payment' };
  const from = seatPaidStatus(seat);
  const holding = from === 'awaiting_payment' && (seat.paymentExpiresAt ?? 0) > e.now;
  let decided = event as PaymentEvent;
  if (event.type === 'pay' && !('slotFree' in event)) decided = { ...event, slotFree: holding || (await placeFree(e, seat, details.capacity)) };
  const t = next(seatStateOf(seat), decided);
  if (!t.ok) return { ok: false, code: 'conflict', message: t.message };
  const seatUid = seat.seatUid!;
  if (!t.changed) return { ok: true, booking: seatJson(booking, seat, null, e.now) };

  const to = t.state;
  const d1 = e.db.$client;
  const nowPaid = to.booking === 'accepted' && from !== 'accepted';
  const leaving = (to.booking === 'expired' || to.booking === 'cancelled') && (from === 'awaiting_payment' || from === 'accepted');
  // An announced seat's change raises its SEQUENCE (its own calendar event); paying one into being announces it first.
  const bump = from === 'accepted' && to.booking === 'cancelled';
  const tellPayer = t.effects.some((x) => x.kind === 'tell_payer_refunded');
  // A refund decided here is kept as its own step (src/payments/money.ts refundSteps): each is sent as its own request.
  const refundTotals = to.refunded > seat.payment.refunded_amount ? [...refundTotalsOf(seat.payment), to.refunded] : null;
  const update = seatPaymentUpdate(
    d1,
    seat,
    from,
    to,
    { capacity: details.capacity, takesPlace: decided.type === 'pay' && decided.slotFree && !holding, intent: details.paymentIntentId ?? null, lateRefund: tellPayer, bump, refundTotals },
    e.now,
  );
  const slot = nowPaid || leaving ? [slotAfterSeat(d1, booking.id, nowPaid, details.reason ?? null, e.now)] : [];
  const afterSeat: Attendee = {
    ...seat,
    cancelledAt: to.booking === 'expired' || to.booking === 'cancelled' ? (seat.cancelledAt ?? e.now) : to.booking === 'accepted' ? null : seat.cancelledAt,
    paymentExpiresAt: to.booking === 'accepted' || (to.booking === 'cancelled' && from === 'awaiting_payment') ? null : seat.paymentExpiresAt,
    sequence: seat.sequence + (bump ? 1 : 0),
    payment: { ...seat.payment, status: to.payment, refunded_amount: to.refunded, ...(refundTotals ? { refund_totals: refundTotals } : {}) },
  };
  const bookingAfter: Booking = nowPaid ? { ...booking, status: 'accepted' } : booking;
  const state: Pick<BookingForWrite, 'booking' | 'host' | 'eventType'> = { ...found, booking: { ...bookingAfter, cancellationReason: details.reason ?? bookingAfter.cancellationReason } };
  const live = to.booking === 'accepted';
  const snap = (trigger: WebhookTrigger) =>
    withSeatPayment(seatSnapshot(trigger, state, { uid: seatUid, person: afterSeat, responses: afterSeat.bookingFieldsResponses, sequence: afterSeat.sequence, live }), afterSeat.payment);
  const calendar = { sequence: afterSeat.sequence, createdAt: booking.createdAt, updatedAt: e.now };
  const statements: D1PreparedStatement[] = [];
  const kinds: ('webhook' | 'email' | 'write' | 'step')[] = [];
  const add = (kind: (typeof kinds)[number], list: D1PreparedStatement[]) => {
    for (const x of list) {
      statements.push(x);
      kinds.push(kind);
    }
  };
  for (const effect of t.effects) {
    if (effect.kind === 'refund') {
      const snapshot = { ...snap('BOOKING_PAYMENT_REFUNDED'), refundAmount: effect.amount };
      add('webhook', [outboxInsert(d1, snapshot, e.now)]);
      if (tellPayer) add('email', notificationInserts(d1, e.env, snapshot, calendar, e.now));
      continue;
    }
    if (effect.kind !== 'announce') continue;
    const snapshot = snap(effect.trigger);
    add('webhook', [outboxInsert(d1, snapshot, e.now)]);
    if (effect.trigger === 'BOOKING_PAID') continue;
    add('email', notificationInserts(d1, e.env, snapshot, calendar, e.now));
    // The slot's one calendar event gains this attendee once paid, and loses them when they leave.
    add('write', seatedWriteStatements(d1, { id: booking.id }, snapshot, e.now));
  }
  // The slot's booking paid into being gets its reminder steps; emptied, it loses them.
  if (nowPaid && booking.status === 'awaiting_payment') add('step', stepStatements(d1, 'entered', { uid: booking.uid, status: 'accepted', startAt: booking.startAt, endAt: booking.endAt, sequence: booking.sequence }, e.now));
  if (leaving) add('step', [voidStepsOfCancelled(d1, booking.id, e.now)]);

  const results = await d1.batch([update, ...slot, ...statements]);
  const row = results[0]?.results[0] as Record<string, unknown> | undefined;
  if (!row) {
    // A place taken meanwhile (the guard is the last word): the late payment is refunded instead.
    if (decided.type === 'pay' && decided.slotFree) return applySeatPaymentEvent(e, found, { ...decided, slotFree: false }, details);
    return { ok: false, code: 'conflict', message: 'The seat changed meanwhile; reload it and try again' };
  }
  const slotRow = slot.length ? (results[1]?.results[0] as Record<string, unknown> | undefined) : undefined;
  const rest = results.slice(1 + slot.length);
  const pick = (kind: (typeof kinds)[number]) => rest.filter((_, i) => kinds[i] === kind);
  return {
    ok: true,
    booking: seatJson(slotRow ? bookingFromRow(slotRow) : bookingAfter, seatFromRow(row), null, e.now),
    deliveryIds: pick('webhook').flatMap(deliveryIdsOf),
    notificationIds: notificationIdsOf(pick('email')),
    steps: pendingStepsOf(pick('step')),
    writeIds: writeIdsOf(pick('write')),
    paymentWork: [{ uid: seatUid, effects: t.effects.filter((x) => x.kind === 'refund' || x.kind === 'close_checkout') }].filter((w) => w.effects.length > 0),
  };
}

/** Whether a seat not holding its place could take one now (read under the lock; the UPDATE checks it again). */
async function placeFree(e: SeatEnv, seat: Attendee, capacity: number): Promise<boolean> {
  const row = await e.db.$client
    .prepare(`SELECT ${placeFreeSql(e.now)} AS free FROM booking_attendees WHERE id = ?`)
    .bind(capacity, seat.id)
    .first<{ free: number }>();
  return row?.free === 1;
}
