// What a seat operation answers and announces (seated event types, issue #16; paid seats, #30): a seat holder's view
// of their seat, the host's view of a seated booking, and the snapshot of one seat's change. Shared by the seat
// operations (src/bookings/seats.ts) and paid seats' payment events (src/bookings/paid-seats.ts).
import type { Db } from '../db/client';
import type { Attendee, Booking, WebhookTrigger } from '../db/schema';
import type { Bindings } from '../env';
import type { ErrorCode, ErrorIssue } from '../lib/errors';
import type { BookingEventSnapshot } from '../webhooks/payload';
import type { ScheduledStep } from '../workflows/schedule';
import type { PaymentWork } from '../payments/machine';
import { paymentJson } from '../payments/checkout';
import { snapshotOf } from './snapshot';
import { seatPaidStatus } from './occupancy';
import { bookingJson, type BookingForWrite, type BookingJson } from './repo';

export type SeatWritten =
  | { ok: true; booking: BookingJson; deliveryIds?: number[]; notificationIds?: number[]; steps?: ScheduledStep[]; writeIds?: number[]; paymentWork?: PaymentWork[] }
  | { ok: false; code: ErrorCode; message: string; issues?: ErrorIssue[] };

export interface SeatEnv {
  db: Db;
  env: Bindings;
  now: number;
  /** The attendee cap for an email (HostCalendar's rule) and the explanation when a write hit it. */
  attendeeCap: (email: string) => { email: string; max: number; eventTypeId?: number };
  capFailure: (cap: { email: string; max: number; eventTypeId?: number }) => Promise<SeatWritten | null>;
}

export type Person = Pick<Attendee, 'name' | 'email' | 'timezone' | 'notes'> & { seatUid: string | null };

/** A seat holder's view: their booking, their seat, and the other attendees only when the event type shows them. */
export function seatJson(booking: Booking, seat: Attendee, others: Person[] | null, now = Date.now()) {
  const base = bookingJson({ booking, attendee: seat });
  const paid = seat.payment ? seatPayment(booking, seat, now) : null;
  return {
    ...base,
    // The holder's uid is their seat's: the booking's own uid is the host's (it reads and cancels every seat).
    uid: seat.seatUid!,
    // A seat that left is cancelled for its holder, whatever the slot's booking does next; a paid seat has its own.
    status: paid?.status ?? (seat.cancelledAt !== null ? ('cancelled' as const) : base.status),
    seat_uid: seat.seatUid!,
    booking_fields_responses: seat.bookingFieldsResponses ?? {},
    // Another seat's uid is the capability to read, move and cancel it, and its email and notes are its holder's:
    // the others are shown by name only (issue #25).
    attendees: (others ?? [seat]).map((p) => (p.seatUid === seat.seatUid ? personJson(p) : { name: p.name })),
    ...(paid ? { payment: paid.payment } : {}),
  };
}

/** A paid seat's own status (an unpaid one past its deadline reads expired, as a booking does) and payment. */
function seatPayment(booking: Booking, seat: Attendee, now: number) {
  const machine = seatPaidStatus(seat);
  const status = machine === 'awaiting_payment' && (seat.paymentExpiresAt ?? 0) <= now ? ('expired' as const) : machine === 'accepted' ? booking.status : machine;
  return { status, payment: paymentJson(seat.payment!, machine, seat.paymentExpiresAt, booking.startAt, now) };
}

const personJson = (p: Person) => ({ name: p.name, email: p.email, timezone: p.timezone, notes: p.notes, seat_uid: p.seatUid });

/** The host's view of a seated booking: every live seat. */
export function seatedBookingJson(found: { booking: Booking; attendee: Attendee }, seats: Attendee[]) {
  return { ...bookingJson(found), attendees: seats.map(personJson) };
}

/** The webhook and email snapshot of one seat's change: that seat's attendee and answers only. */
export function seatSnapshot(
  trigger: WebhookTrigger,
  state: Pick<BookingForWrite, 'booking' | 'host' | 'eventType'>,
  seat: { uid: string; person: Person; responses: Attendee['bookingFieldsResponses']; sequence: number; live: boolean },
  reschedule?: BookingEventSnapshot['reschedule'],
): BookingEventSnapshot {
  const snapshot = snapshotOf(trigger, { ...state, booking: { ...state.booking, bookingFieldsResponses: seat.responses }, attendee: seat.person }, reschedule);
  return { ...snapshot, seat: { uid: seat.uid, sequence: seat.sequence, live: seat.live } };
}

/** The calendar state of a seat's emails: the seat's own SEQUENCE. */
export const seatCalendar = (sequence: number, b: { createdAt: number }, now: number) => ({ sequence, createdAt: b.createdAt, updatedAt: now });
