// Seat operations of a seated event type (issue #16), run by HostCalendar under the host's lock, like holds
// (src/reservations/holds.ts): read, decide with the same pure rules that offer slots (src/slots/seats.ts), then write
// ONE guarded D1 batch. A seated slot is one booking; each attendee holds a seat with its own `seat_uid`, which is
// their capability: it reads, moves and cancels that seat only. The booking's own uid is the host's.
import type { Db } from '../db/client';
import { isForeignKeyViolation } from '../db/errors';
import type { Attendee, Booking } from '../db/schema';
import type { ErrorCode } from '../lib/errors';
import { checkBookable, type SlotContext } from '../slots/context';
import { loadSlotContext } from '../slots/repo';
import { notificationIdsOf, notificationInserts } from '../notifications/outbox';
import { deliveryIdsOf, outboxInsert } from '../webhooks/outbox';
import { seatedWriteStatements, writeIdsOf } from '../calendars/writeback-outbox';
import { draftBooking, type BookRequest } from './draft';
import { seatPaidStatus, spanAt } from './occupancy';
import {
  bookingFromRow,
  guardedInsert,
  isSeriesIncomplete,
  transition,
  type BookingForWrite,
  type NewBooking,
} from './repo';
import {
  bumpSeatsOfCancelled,
  cancelWhenEmpty,
  findBookingForWriteById,
  findSeat,
  guardedSeatInsert,
  liveSeats,
  releaseSeat,
  seatFromRow,
  seatWritten,
  type SeatForWrite,
} from './seat-repo';
import { hasStarted } from './status';
import { pendingStepsOf, stepStatements, voidStepsOfCancelled } from '../workflows/schedule';
import { newBookingUid } from './uid';
import { seatCalendar, seatJson, seatSnapshot, seatedBookingJson, type SeatEnv, type SeatWritten } from './seat-views';
import { applySeatPaymentEvent, holdUnpaidSlotUntil, newSeatPayment, seatCancelRefund, withSeatPayment } from './paid-seats';
import { isPaidEventType } from './paid';
import { policyAfterMove } from '../payments/money';

export { seatJson, seatedBookingJson, type SeatEnv, type SeatWritten } from './seat-views';

const fail = (code: ErrorCode, message: string): SeatWritten => ({ ok: false, code, message });

/**
 * POST /v2/bookings on a seated event type: joins the slot's seated booking while it has a free seat (checked here
 * from the slot read, and in the seat INSERT), or opens the slot's booking with the first seat; all in one batch.
 */
export async function bookSeat(e: SeatEnv, req: BookRequest, ctx: SlotContext): Promise<SeatWritten> {
  const capacity = ctx.eventType.seatsPerTimeSlot!;
  const draft = draftBooking(ctx, req, newBookingUid(), e.now);
  if (!draft.ok) return draft;
  const seatUid = newBookingUid();
  const person = { ...req.attendee, seatUid };
  // A paid seat (price per seat) waits for its payment: it holds its place until its deadline, and only
  // BOOKING_PAYMENT_INITIATED goes out (no email, no calendar write) until it is paid (src/bookings/paid-seats.ts).
  const paid = isPaidEventType(ctx.eventType) ? newSeatPayment(ctx, req.start, e.now, req.clientHash ?? null) : null;
  const newSeat = { ...req.attendee, seatUid, responses: draft.responses, sequence: 0, ...(paid ?? {}) };
  const trigger = paid ? 'BOOKING_PAYMENT_INITIATED' : 'BOOKING_CREATED';
  const cap = e.attendeeCap(req.attendee.email);
  const d1 = e.db.$client;

  if (draft.join) {
    // Joining: the booking as it is now, and its seats, to refuse a second seat for one email before writing.
    const [current, seats] = await Promise.all([findBookingForWriteById(e.db, draft.join.bookingId), liveSeats(e.db, draft.join.bookingId)]);
    if (!current) return fail('slot_unavailable', 'This slot changed meanwhile; try again');
    const mine = seats.find((s) => s.email.toLowerCase() === req.attendee.email.toLowerCase());
    // The same email's unpaid seat, its checkout open: answered again (never a second seat, never a dead end).
    if (mine && paid && mine.paymentExpiresAt !== null && mine.paymentExpiresAt > e.now) return { ok: true, booking: seatJson(current.booking, mine, null, e.now) };
    if (mine) return fail('conflict', 'This email already has a seat in this slot');
    const snapshot = withSeatPayment(seatSnapshot(trigger, current, { uid: seatUid, person, responses: draft.responses, sequence: 0, live: true }), paid?.payment);
    const emails = paid ? [] : notificationInserts(d1, e.env, snapshot, seatCalendar(0, current.booking, e.now), e.now);
    const results = await d1.batch([
      guardedSeatInsert(d1, { id: current.booking.id }, newSeat, capacity, e.now, { hostId: ctx.host.id, ...cap }),
      outboxInsert(d1, snapshot, e.now),
      ...emails,
      // The slot's one event in the host's calendar: its attendees now include this seat (a paid one once paid).
      ...(paid ? [holdUnpaidSlotUntil(d1, current.booking.id, seatUid, paid.paymentExpiresAt)] : seatedWriteStatements(d1, { id: current.booking.id }, snapshot, e.now)),
    ]);
    const row = results[0]?.results[0] as Record<string, unknown> | undefined;
    if (!row) return (await whySeatRefused(e, current.booking.id, req.attendee.email, capacity)) ?? (await e.capFailure(cap)) ?? fail('slot_unavailable', 'No seat could be taken in this slot');
    const seat = seatFromRow(row);
    return {
      ok: true,
      booking: seatJson(current.booking, seat, await othersIfShown(e, ctx, current.booking.id), e.now),
      deliveryIds: deliveryIdsOf(results[1]!),
      notificationIds: notificationIdsOf(results.slice(2, 2 + emails.length)),
      writeIds: writeIdsOf(results.slice(2 + emails.length)),
    };
  }

  // Opening the slot: the booking row (guarded like any booking) and its first seat, or nothing. Opened by an unpaid
  // seat, the booking holds the host's time only until the latest deadline of its unpaid seats, until one is paid.
  const booking = paid ? { ...draft.booking, status: 'awaiting_payment' as const, paymentExpiresAt: paid.paymentExpiresAt } : draft.booking;
  const state = { booking: draftRow(booking, e.now), host: ctx.host, eventType: ctx.eventType };
  const snapshot = withSeatPayment(seatSnapshot(trigger, state, { uid: seatUid, person, responses: draft.responses, sequence: 0, live: true }), paid?.payment);
  const writes = [
    guardedInsert(d1, booking, { attendeeCap: cap }),
    guardedSeatInsert(d1, { uid: booking.uid }, newSeat, capacity, e.now),
    seatWritten(d1, seatUid),
  ];
  const emails = paid ? [] : notificationInserts(d1, e.env, snapshot, seatCalendar(0, state.booking, e.now), e.now);
  // Reminder steps for the slot's booking; a seat that joins later is reached when a step is due (src/workflows/).
  const steps = booking.status === 'accepted' ? stepStatements(d1, 'entered', { uid: booking.uid, status: 'accepted', startAt: booking.startAt, endAt: booking.endAt, sequence: 0 }, e.now) : [];
  let results: D1Result[];
  try {
    results = await d1.batch([...writes, outboxInsert(d1, snapshot, e.now), ...emails, ...steps, ...(paid ? [] : seatedWriteStatements(d1, { uid: booking.uid }, snapshot, e.now))]);
  } catch (error) {
    // The event type was deleted between the check and the write.
    if (isForeignKeyViolation(error)) return fail('not_found', 'Event type not found');
    if (!isSeriesIncomplete(error)) throw error;
    return (await e.capFailure(cap)) ?? fail('slot_unavailable', 'This time overlaps another booking or a reservation of the host');
  }
  const row = bookingFromRow(results[0]!.results[0] as Record<string, unknown>);
  const seat = seatFromRow(results[1]!.results[0] as Record<string, unknown>);
  return {
    ok: true,
    booking: seatJson(row, seat, ctx.eventType.seatsShowAttendees ? [seat] : null, e.now),
    deliveryIds: deliveryIdsOf(results[writes.length]!),
    notificationIds: notificationIdsOf(results.slice(writes.length + 1, writes.length + 1 + emails.length)),
    steps: pendingStepsOf(results.slice(writes.length + 1 + emails.length, writes.length + 1 + emails.length + steps.length)),
    writeIds: writeIdsOf(results.slice(writes.length + 1 + emails.length + steps.length)),
  };
}

/** A drafted booking as the row it will be (ids are filled in SQL from the uid). */
function draftRow(b: NewBooking, now: number): Booking {
  return {
    ...b,
    recurringBookingUid: b.recurringBookingUid ?? null,
    recurrenceStart: null,
    id: 0,
    cancellationReason: null,
    rejectionReason: null,
    rescheduleReason: null,
    previousStartAt: null,
    assignmentReason: null,
    sequence: 0,
    createdAt: now,
    updatedAt: now,
    paymentExpiresAt: b.paymentExpiresAt ?? null,
    payment: null,
  };
}

async function othersIfShown(e: SeatEnv, ctx: { eventType: { seatsShowAttendees: boolean } }, bookingId: number): Promise<Attendee[] | null> {
  return ctx.eventType.seatsShowAttendees ? liveSeats(e.db, bookingId) : null;
}

/** Why a guarded seat insert wrote nothing: asked again only on this failure path. */
async function whySeatRefused(e: SeatEnv, bookingId: number, email: string, capacity: number): Promise<SeatWritten | null> {
  const seats = await liveSeats(e.db, bookingId);
  if (seats.some((s) => s.email.toLowerCase() === email.toLowerCase())) return fail('conflict', 'This email already has a seat in this slot');
  if (seats.length >= capacity) return fail('slot_unavailable', `All ${capacity} seats of this slot are taken`);
  return null;
}

/** GET /v2/bookings/{seat_uid}. */
export async function seatView(db: Db, found: SeatForWrite) {
  const others = found.seatsShowAttendees && found.attendee.cancelledAt === null ? await liveSeats(db, found.booking.id) : null;
  return seatJson(found.booking, found.attendee, others);
}

/**
 * DELETE /v2/bookings/{seat_uid}: that seat leaves; the others keep theirs. The last seat leaving cancels the
 * booking in the same batch. Cancelling a seat twice answers it as it is.
 */
export async function cancelSeat(e: SeatEnv, seatUid: string, reason: string | null, byHost: boolean): Promise<SeatWritten> {
  const found = await findSeat(e.db, seatUid);
  if (!found) return fail('not_found', 'Booking not found');
  const { booking, attendee: seat } = found;
  if (seat.cancelledAt !== null || booking.status === 'cancelled' || booking.status === 'rejected') {
    return { ok: true, booking: seatJson(booking, seat, null) };
  }
  if (!byHost && hasStarted(booking, Date.now())) return fail('conflict', 'A booking that has already started cannot be cancelled by the attendee; ask the host');
  // A paid seat: refunded by the policy it was booked under (the host's cancel refunds everything); unpaid, its
  // checkout is closed. The slot's other seats are untouched.
  if (seat.payment) {
    const refund = seatCancelRefund(seat, booking.startAt, byHost, e.now);
    return applySeatPaymentEvent(e, found, { type: 'cancel', refund }, { reason, capacity: found.seatsPerTimeSlot ?? Number.MAX_SAFE_INTEGER });
  }
  const seats = await liveSeats(e.db, booking.id);
  const last = seats.length <= 1;
  const after: Booking = last ? { ...booking, status: 'cancelled', cancellationReason: reason, sequence: booking.sequence + 1, updatedAt: e.now } : booking;
  const person = { ...seat, seatUid };
  const snapshot = seatSnapshot('BOOKING_CANCELLED', { ...found, booking: { ...after, cancellationReason: reason } }, {
    uid: seatUid,
    person,
    responses: seat.bookingFieldsResponses,
    sequence: seat.sequence + 1,
    live: false,
  });
  const d1 = e.db.$client;
  const emailInserts = notificationInserts(d1, e.env, snapshot, seatCalendar(seat.sequence + 1, booking, e.now), e.now);
  const [released, emptied, outbox, ...rest] = await d1.batch([
    releaseSeat(d1, seat.id, e.now),
    cancelWhenEmpty(d1, booking.id, reason, e.now),
    outboxInsert(d1, snapshot, e.now),
    ...emailInserts,
    // The last seat leaving cancels the booking: its reminder steps go with it.
    voidStepsOfCancelled(d1, booking.id, e.now),
    // The slot's event loses this attendee, or goes with the last seat.
    ...seatedWriteStatements(d1, { id: booking.id }, snapshot, e.now),
  ]);
  const emails = rest.slice(0, emailInserts.length);
  const row = released?.results[0] as Record<string, unknown> | undefined;
  if (!row) return fail('conflict', 'The seat changed meanwhile; reload it and try again');
  const emptiedRow = emptied?.results[0] as Record<string, unknown> | undefined;
  return {
    ok: true,
    booking: seatJson(emptiedRow ? bookingFromRow(emptiedRow) : booking, seatFromRow(row), null),
    deliveryIds: deliveryIdsOf(outbox!),
    notificationIds: notificationIdsOf(emails),
    writeIds: writeIdsOf(rest.slice(emailInserts.length + 1)),
  };
}

/**
 * The host cancels a seated booking by its uid: the booking and so every seat, in one batch, with one
 * BOOKING_CANCELLED (webhook and emails) per seat.
 */
export async function cancelSeatedBooking(e: SeatEnv, current: BookingForWrite, reason: string | null): Promise<SeatWritten> {
  const { booking } = current;
  const seats = await liveSeats(e.db, booking.id);
  // Paid seats leave one by one through the payment machine (each refunded in full, or its checkout closed), the last
  // one cancelling the booking; all under the host's lock.
  if (seats.some((s) => s.payment)) return cancelPaidSeats(e, current, seats, reason);
  const after: Booking = { ...booking, status: 'cancelled', cancellationReason: reason, sequence: booking.sequence + 1, updatedAt: e.now };
  const d1 = e.db.$client;
  const perSeat = seats.map((seat) => {
    const snapshot = seatSnapshot('BOOKING_CANCELLED', { ...current, booking: after }, {
      uid: seat.seatUid!,
      person: seat,
      responses: seat.bookingFieldsResponses,
      sequence: seat.sequence + 1,
      live: true,
    });
    return [outboxInsert(d1, snapshot, e.now), ...notificationInserts(d1, e.env, snapshot, seatCalendar(seat.sequence + 1, booking, e.now), e.now)];
  });
  // The slot's one event goes (seat snapshots share everything it shows but the attendee, which SQL fills in).
  const first = seats[0];
  const calendarWrites = first
    ? seatedWriteStatements(d1, { id: booking.id }, seatSnapshot('BOOKING_CANCELLED', { ...current, booking: after }, { uid: first.seatUid!, person: first, responses: null, sequence: first.sequence + 1, live: true }), e.now)
    : [];
  const results = await d1.batch([
    transition(d1, booking.id, { to: 'cancelled', reason }, e.now),
    bumpSeatsOfCancelled(d1, booking.id, after.sequence),
    ...perSeat.flat(),
    voidStepsOfCancelled(d1, booking.id, e.now),
    ...calendarWrites,
  ]);
  const row = results[0]?.results[0] as Record<string, unknown> | undefined;
  if (!row) return fail('conflict', 'The booking changed meanwhile; reload it and try again');
  const deliveryIds: number[] = [];
  const notificationIds: number[] = [];
  let at = 2;
  for (const group of perSeat) {
    deliveryIds.push(...deliveryIdsOf(results[at]!));
    notificationIds.push(...notificationIdsOf(results.slice(at + 1, at + group.length)));
    at += group.length;
  }
  const writeIds = writeIdsOf(results.slice(results.length - calendarWrites.length));
  return { ok: true, booking: seatedBookingJson({ booking: bookingFromRow(row), attendee: current.attendee }, seats), deliveryIds, notificationIds, writeIds };
}

async function cancelPaidSeats(e: SeatEnv, current: BookingForWrite, seats: Attendee[], reason: string | null): Promise<SeatWritten> {
  const out = { deliveryIds: [] as number[], notificationIds: [] as number[], writeIds: [] as number[], steps: [] as NonNullable<Extract<SeatWritten, { ok: true }>['steps']>, paymentWork: [] as NonNullable<Extract<SeatWritten, { ok: true }>['paymentWork']> };
  for (const seat of seats) {
    const r = await cancelSeat(e, seat.seatUid!, reason, true);
    if (!r.ok) return r;
    out.deliveryIds.push(...(r.deliveryIds ?? []));
    out.notificationIds.push(...(r.notificationIds ?? []));
    out.writeIds.push(...(r.writeIds ?? []));
    out.steps.push(...(r.steps ?? []));
    out.paymentWork.push(...(r.paymentWork ?? []));
  }
  const after = await findBookingForWriteById(e.db, current.booking.id);
  return { ok: true, booking: seatedBookingJson(after ?? current, []), ...out };
}

/**
 * PATCH /v2/bookings/{seat_uid}: the seat moves to another slot, joining that slot's booking or opening it, in ONE
 * batch: the old seat row leaves (the old booking is cancelled if it was the last seat), the seat is written at the
 * new slot behind the same guards as a new seat, and the batch fails unless it was: all or nothing. The seat keeps
 * its uid.
 */
export async function rescheduleSeat(e: SeatEnv, seatUid: string, start: number, reason: string | null): Promise<SeatWritten> {
  const found = await findSeat(e.db, seatUid);
  if (!found) return fail('not_found', 'Booking not found');
  const { booking, attendee: seat } = found;
  if (seat.cancelledAt !== null || booking.status === 'cancelled' || booking.status === 'rejected') return fail('conflict', 'A cancelled booking cannot be rescheduled');
  if (booking.startAt <= e.now) return fail('conflict', 'A booking that has already started cannot be rescheduled');
  if (!found.eventType) return fail('conflict', 'The event type of this booking no longer exists');
  // Moving a paid seat never charges again (its payment moves with it); an unpaid one is paid for first.
  if (seat.payment && seatPaidStatus(seat) !== 'accepted') return fail('conflict', 'Pay for this seat before moving it');
  if (start === booking.startAt) return { ok: true, booking: await seatView(e.db, found) };
  const seats = await liveSeats(e.db, booking.id);
  const last = seats.length <= 1;
  // The seat's own booking stops holding time when this seat was its last: it does not stand in its own way.
  const ctx = await loadSlotContext(e.db, found.eventType.id, { from: start, to: start + 1 }, last ? booking.id : undefined, e.now);
  if (!ctx || ctx.eventType.seatsPerTimeSlot === null) return fail('conflict', 'The event type of this booking is no longer bookable as seats');
  const capacity = ctx.eventType.seatsPerTimeSlot;
  const check = checkBookable(ctx, e.now, start);
  if (!check.ok) return fail('slot_unavailable', check.message);

  const person = { ...seat, seatUid };
  // A refund window that has closed stays closed in the new slot (src/payments/money.ts policyAfterMove).
  const payment = seat.payment && { ...seat.payment, refund_policy: policyAfterMove(seat.payment.refund_policy, booking.startAt, e.now) ?? seat.payment.refund_policy };
  const moved = { ...seat, seatUid, responses: seat.bookingFieldsResponses, sequence: seat.sequence + 1, payment, paymentExpiresAt: null };
  const d1 = e.db.$client;
  const leave = [releaseSeat(d1, seat.id, e.now), cancelWhenEmpty(d1, booking.id, reason ?? 'Rescheduled to another slot', e.now)];
  // The payment goes with the seat: the row left behind keeps none (one row per payment, for refunds and the cron).
  const clear = seat.payment ? [d1.prepare('UPDATE booking_attendees SET payment = NULL WHERE id = ?').bind(seat.id)] : [];
  let target: Pick<BookingForWrite, 'booking' | 'host' | 'eventType'>;
  let take: D1PreparedStatement[];
  if (check.join) {
    const joined = await findBookingForWriteById(e.db, check.join.bookingId);
    if (!joined) return fail('slot_unavailable', 'This slot changed meanwhile; try again');
    target = joined;
    take = [guardedSeatInsert(d1, { id: joined.booking.id }, moved, capacity, e.now)];
  } else {
    const uid = newBookingUid();
    const fresh = {
      uid,
      eventTypeId: ctx.eventType.id,
      hostId: ctx.host.id,
      title: booking.title,
      ...spanAt(ctx.eventType, start),
      status: booking.status,
      locationType: booking.locationType,
      locationValue: booking.locationValue,
      metadata: booking.metadata,
      bookingFieldsResponses: null,
      idempotencyKey: null,
      idempotencyHash: null,
      now: e.now,
    };
    target = { booking: draftRow(fresh, e.now), host: found.host, eventType: found.eventType };
    take = [guardedInsert(d1, fresh), guardedSeatInsert(d1, { uid }, moved, capacity, e.now)];
  }
  const snapshot = seatSnapshot(
    'BOOKING_RESCHEDULED',
    target,
    { uid: seatUid, person, responses: seat.bookingFieldsResponses, sequence: seat.sequence + 1, live: true },
    { previousStartAt: booking.startAt, previousEndAt: booking.endAt, reason },
  );
  const writes = [...leave, ...take, seatWritten(d1, seatUid)];
  const emails = notificationInserts(d1, e.env, snapshot, seatCalendar(seat.sequence + 1, target.booking, e.now), e.now);
  // The left booking's steps go if the seat was its last; a slot opened by the move gets its own.
  const opened = check.join || target.booking.status !== 'accepted' ? [] : stepStatements(d1, 'entered', { uid: target.booking.uid, status: 'accepted', startAt: target.booking.startAt, endAt: target.booking.endAt, sequence: 0 }, e.now);
  const steps = [voidStepsOfCancelled(d1, booking.id, e.now), ...opened];
  // Both slots' events: the left one loses the attendee (or goes, with its last seat), the target one gains them.
  const calendarWrites = [
    ...seatedWriteStatements(d1, { id: booking.id }, snapshot, e.now),
    ...seatedWriteStatements(d1, check.join ? { id: target.booking.id } : { uid: target.booking.uid }, snapshot, e.now),
  ];
  let results: D1Result[];
  try {
    results = (await d1.batch([...writes, outboxInsert(d1, snapshot, e.now), ...emails, ...steps, ...calendarWrites, ...clear])).slice(0, writes.length + 1 + emails.length + steps.length + calendarWrites.length);
  } catch (error) {
    if (!isSeriesIncomplete(error)) throw error;
    if (check.join) return (await whySeatRefused(e, check.join.bookingId, seat.email, capacity)) ?? fail('slot_unavailable', 'No seat could be taken in that slot');
    return fail('slot_unavailable', 'This time overlaps another booking or a reservation of the host');
  }
  const seatRow = seatFromRow(results[writes.length - 2]!.results[0] as Record<string, unknown>);
  const targetRow = check.join ? target.booking : bookingFromRow(results[2]!.results[0] as Record<string, unknown>);
  return {
    ok: true,
    booking: seatJson(targetRow, seatRow, await othersIfShown(e, ctx, targetRow.id)),
    deliveryIds: deliveryIdsOf(results[writes.length]!),
    notificationIds: notificationIdsOf(results.slice(writes.length + 1, writes.length + 1 + emails.length)),
    steps: pendingStepsOf(results.slice(writes.length + 1 + emails.length, results.length - calendarWrites.length)),
    writeIds: writeIdsOf(results.slice(results.length - calendarWrites.length)),
  };
}
