// SQL for seats (seated event types, issue #16). A seated slot is one `bookings` row; each attendee holds a seat, a
// `booking_attendees` row with its own `seat_uid`. Every seat write is guarded in SQL like every booking write: a
// seat insert that would exceed the capacity, or give one email two seats of a slot, inserts nothing.
import { and, desc, eq, inArray, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import type { D1Queryable, Db } from '../db/client';
import { attendees, bookings, eventTypes, users, type Attendee } from '../db/schema';
import { holdsTimeSql, liveSql, seatHoldsSql, seatPaidStatus } from './occupancy';
import { ATTENDEE_FUTURE, eventTypeSummaryColumns, publicHostColumns, selectBookingsForWrite, type AttendeeInput, type BookingForWrite } from './repo';
import type { BookingFieldResponses, PaymentRecord } from '../db/json-types';

/** Seats of booking `b` (the caller's alias) holding their place at `now` (an unpaid one until its deadline). */
const LIVE_SEATS_OF_B = (now: number) => `SELECT count(*) FROM booking_attendees ls WHERE ls.booking_id = b.id AND ${seatHoldsSql(now, 'ls')}`;

export interface NewSeat extends AttendeeInput {
  seatUid: string;
  responses: BookingFieldResponses | null;
  /** 0 for a new seat; a moved seat continues its old SEQUENCE. */
  sequence: number;
  /** A paid seat (src/bookings/paid-seats.ts): its payment, and while unpaid its deadline; a moved seat keeps its payment. */
  payment?: PaymentRecord | null;
  paymentExpiresAt?: number | null;
}

/**
 * A seat in the booking found by id or uid: written only while that booking holds its time and has not started, has
 * fewer than `capacity` live seats, has no live seat with this email (any case), and the attendee cap (if any) is not
 * reached. RETURNING the seat row.
 */
export function guardedSeatInsert(
  d1: D1Queryable,
  booking: { id: number } | { uid: string },
  seat: NewSeat,
  capacity: number,
  now: number,
  cap?: { hostId: number; email: string; max: number; eventTypeId?: number },
): D1PreparedStatement {
  const byId = 'id' in booking;
  return d1
    .prepare(
      `INSERT INTO booking_attendees (booking_id, name, email, timezone, notes, locale, seat_uid, booking_fields_responses, sequence, payment, payment_expires_at)
       SELECT b.id, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM bookings b
       WHERE ${byId ? 'b.id = ?' : 'b.uid = ?'} AND ${holdsTimeSql(now, 'b')} AND b.start_at > ?
         AND (${LIVE_SEATS_OF_B(now)}) < ?
         AND NOT EXISTS (SELECT 1 FROM booking_attendees d WHERE d.booking_id = b.id AND d.seat_uid IS NOT NULL
           AND d.cancelled_at IS NULL AND lower(d.email) = lower(?))
         AND (? IS NULL OR (${ATTENDEE_FUTURE}) < ?)
       RETURNING *`,
    )
    .bind(
      seat.name, seat.email, seat.timezone, seat.notes, seat.locale ?? null, seat.seatUid, seat.responses === null ? null : JSON.stringify(seat.responses), seat.sequence,
      seat.payment ? JSON.stringify(seat.payment) : null, seat.paymentExpiresAt ?? null,
      byId ? booking.id : booking.uid, now,
      capacity,
      seat.email,
      cap ? 1 : null, cap?.hostId ?? 0, now, cap?.email.toLowerCase() ?? '', cap?.eventTypeId ?? null, cap?.eventTypeId ?? null, cap?.max ?? 0,
    );
}

const SEAT_NOT_WRITTEN = 'seat not written';

/**
 * The last guard of a seat batch: fails (so D1 rolls the whole batch back) unless the seat is live, so a new booking
 * is never left without its first seat and a moved seat is never lost. Detected with `isSeriesIncomplete`.
 */
export function seatWritten(d1: D1Queryable, seatUid: string): D1PreparedStatement {
  return d1
    .prepare(`SELECT json(CASE WHEN EXISTS (SELECT 1 FROM booking_attendees WHERE seat_uid = ? AND cancelled_at IS NULL) THEN '1' ELSE '${SEAT_NOT_WRITTEN}' END) AS ok`)
    .bind(seatUid);
}

/** A live seat leaves (cancelled or moved away): it stops counting; its SEQUENCE rises. RETURNING the row. */
export function releaseSeat(d1: D1Queryable, seatId: number, now: number): D1PreparedStatement {
  return d1.prepare(`UPDATE booking_attendees SET cancelled_at = ?, sequence = sequence + 1 WHERE id = ? AND cancelled_at IS NULL RETURNING *`).bind(now, seatId);
}

/** The booking is cancelled once no live seat is left (after `releaseSeat` in the same batch). RETURNING the row. */
export function cancelWhenEmpty(d1: D1Queryable, bookingId: number, reason: string | null, now: number): D1PreparedStatement {
  return d1
    .prepare(
      `UPDATE bookings SET status = 'cancelled', cancellation_reason = ?, updated_at = ?, sequence = sequence + 1
       WHERE id = ? AND ${liveSql()} AND NOT EXISTS (SELECT 1 FROM booking_attendees s WHERE s.booking_id = bookings.id AND s.seat_uid IS NOT NULL AND s.cancelled_at IS NULL)
       RETURNING *`,
    )
    .bind(reason, now, bookingId);
}

/** When the host cancelled the whole booking (it is now cancelled at `sequence`): every live seat's SEQUENCE rises. */
export function bumpSeatsOfCancelled(d1: D1Queryable, bookingId: number, sequence: number): D1PreparedStatement {
  return d1
    .prepare(
      `UPDATE booking_attendees SET sequence = sequence + 1 WHERE booking_id = ? AND seat_uid IS NOT NULL AND cancelled_at IS NULL
         AND EXISTS (SELECT 1 FROM bookings WHERE id = ? AND status = 'cancelled' AND sequence = ?)`,
    )
    .bind(bookingId, bookingId, sequence);
}

function selectSeatsForWrite(db: Db) {
  return db
    .select({
      booking: bookings,
      attendee: attendees,
      host: { ...publicHostColumns, email: users.email },
      eventType: { ...eventTypeSummaryColumns, bookingFields: eventTypes.bookingFields, isActive: eventTypes.isActive },
      seatsPerTimeSlot: eventTypes.seatsPerTimeSlot,
      seatsShowAttendees: sql<boolean>`coalesce(${eventTypes.seatsShowAttendees}, 0) = 1`,
    })
    .from(attendees)
    .innerJoin(bookings, eq(bookings.id, attendees.bookingId))
    .innerJoin(users, eq(users.id, bookings.hostId))
    .leftJoin(eventTypes, eq(eventTypes.id, bookings.eventTypeId));
}

/** A seat by its uid: the live row, else (cancelled) the latest; with its booking and what webhooks need. */
export async function findSeat(db: Db, seatUid: string) {
  return selectSeatsForWrite(db)
    .where(eq(attendees.seatUid, seatUid))
    .orderBy(sql`${attendees.cancelledAt} IS NULL DESC`, desc(attendees.id))
    .limit(1)
    .get();
}

/** The live seats of a booking, in the order they were taken. */
export async function liveSeats(db: Db, bookingId: number): Promise<Attendee[]> {
  return db
    .select()
    .from(attendees)
    .where(and(eq(attendees.bookingId, bookingId), isNotNull(attendees.seatUid), isNull(attendees.cancelledAt)))
    .orderBy(attendees.id)
    .all();
}

/** A seat with its booking, host (public columns and email), event type and the event type's seat settings. */
export type SeatForWrite = NonNullable<Awaited<ReturnType<typeof findSeat>>>;

/** A raw RETURNING row of booking_attendees as the drizzle shape. */
export function seatFromRow(row: Record<string, unknown>): Attendee {
  return {
    id: row.id as number,
    bookingId: row.booking_id as number,
    name: row.name as string,
    email: row.email as string,
    timezone: row.timezone as string,
    notes: row.notes as string | null,
    locale: (row.locale as string | null | undefined) ?? null,
    seatUid: row.seat_uid as string | null,
    cancelledAt: row.cancelled_at as number | null,
    bookingFieldsResponses: typeof row.booking_fields_responses === 'string' ? (JSON.parse(row.booking_fields_responses) as BookingFieldResponses) : null,
    sequence: row.sequence as number,
    paymentExpiresAt: (row.payment_expires_at as number | null | undefined) ?? null,
    payment: typeof row.payment === 'string' ? (JSON.parse(row.payment) as PaymentRecord) : null,
  };
}

/** A booking by id with everything its webhook payload needs (its shown attendee: the first live seat). */
export async function findBookingForWriteById(db: Db, id: number): Promise<BookingForWrite | undefined> {
  return selectBookingsForWrite(db).where(eq(bookings.id, id)).get();
}

/** Seats of several bookings matching `which`, by booking id, in seat order; one query. */
async function seatsByBooking(db: Db, bookingIds: number[], which: SQL): Promise<Map<number, Attendee[]>> {
  const seats = new Map<number, Attendee[]>();
  if (bookingIds.length === 0) return seats;
  const rows = await db
    .select()
    .from(attendees)
    .where(and(inArray(attendees.bookingId, bookingIds), isNotNull(attendees.seatUid), which))
    .orderBy(attendees.id)
    .all();
  for (const row of rows) seats.set(row.bookingId, [...(seats.get(row.bookingId) ?? []), row]);
  return seats;
}

/** The live seats of several bookings (a page of the admin list), by booking id; one query. */
export function liveSeatsOf(db: Db, bookingIds: number[]): Promise<Map<number, Attendee[]>> {
  return seatsByBooking(db, bookingIds, isNull(attendees.cancelledAt));
}

/**
 * Cancelled seats of several bookings whose payment still needs the host (the admin's refund by hand): money kept
 * (the policy refunded part or nothing), or a refund left to the host's hand (the keys that took it are gone). One query.
 */
export function cancelledPaidSeatsOf(db: Db, bookingIds: number[]): Promise<Map<number, Attendee[]>> {
  return seatsByBooking(
    db,
    bookingIds,
    and(
      isNotNull(attendees.cancelledAt),
      sql`(json_extract(${attendees.payment}, '$.status') IN ('paid', 'partially_refunded')
        OR (json_extract(${attendees.payment}, '$.refund_manual') IS NOT NULL
          AND json_extract(${attendees.payment}, '$.refunded_amount') > json_extract(${attendees.payment}, '$.refund_settled_amount')))`,
    )!,
  );
}

/**
 * A seat seen as its holder's own booking: the slot's booking with the seat's uid, answers, SEQUENCE and (once the
 * seat left) a cancelled status. What the public booking page and the seat's .ics show; undefined for an unknown uid.
 */
export async function seatAsBooking(db: Db, seatUid: string): Promise<SeatForWrite | undefined> {
  const found = await findSeat(db, seatUid);
  if (!found) return undefined;
  const { booking, attendee: seat } = found;
  // A paid seat is its own paid booking: its status, deadline and payment (src/bookings/paid-seats.ts).
  const paid = seat.payment ? seatPaidStatus(seat) : null;
  return {
    ...found,
    booking: {
      ...booking,
      uid: seatUid,
      status: paid && paid !== 'accepted' ? paid : seat.cancelledAt !== null ? 'cancelled' : booking.status,
      sequence: seat.sequence,
      bookingFieldsResponses: seat.bookingFieldsResponses,
      ...(seat.payment ? { payment: seat.payment, paymentExpiresAt: seat.paymentExpiresAt } : {}),
    },
  };
}
