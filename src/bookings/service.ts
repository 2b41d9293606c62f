// The booking operations shared by the API routes and the admin pages: find the host, run the change in the
// host's HostCalendar object, turn its outcome into a result or an ApiError.
import type { Db } from '../db/client';
import type { RequestDb } from '../db/session';
import type { User } from '../db/schema';
import type { Bindings } from '../env';
import { ApiError, foundOr404, notFound } from '../lib/errors';
import type { BookRequest } from './draft';
import type { CalendarReply, CancelScope, HostCalendar } from './host-calendar';
import { hostCalendar } from './stub';
import { findBooking, byUid, findBookingForWrite, findSeries, hostOfBooking, bookingJson, seriesForWrite, type BookingJson, type BookingRouting } from './repo';
import { bookingIcsFile, seriesIcsFile } from './calendar';
import { findSeat, liveSeats, seatAsBooking } from './seat-repo';
import { seatedBookingJson, seatView } from './seats';
import { siteOf } from '../invites/site';
import { reminderJson, remindersQuery } from '../workflows/repo';
import { calendarSyncOf, calendarWritesQuery } from '../calendars/writeback-repo';
import { afterEffects, performPaymentWork } from '../payments/effects';
import type { PaymentWork } from '../payments/machine';

/** Runs `call` on the host's object, timed and with its D1 cost and bookmark kept for this request's response. */
async function onCalendar(d1: RequestDb, env: Bindings, hostId: number, call: (calendar: DurableObjectStub<HostCalendar>) => Promise<CalendarReply>) {
  return unwrap(await d1.callObject(() => call(hostCalendar(env, hostId))));
}

/** A booking written: the booking, whether it was an idempotent replay, and every occurrence when it is a series. */
export interface BookingOutcome {
  booking: BookingJson;
  replayed: boolean;
  occurrences?: BookingJson[];
  /** A paid booking's change: the Stripe work to do now that it committed, per booking (src/payments/effects.ts). */
  paymentWork?: PaymentWork[];
}

function unwrap(reply: CalendarReply): BookingOutcome {
  if (!reply.ok) throw new ApiError(reply.code, reply.message, reply.issues, undefined, reply.conflicts);
  return {
    booking: reply.booking,
    replayed: reply.replayed ?? false,
    ...(reply.occurrences ? { occurrences: reply.occurrences } : {}),
    ...(reply.paymentWork?.length ? { paymentWork: reply.paymentWork } : {}),
  };
}

/** Books a personal event type in its owner's object (team event types go through src/dispatch/bookings.ts). */
export async function createHostBooking(d1: RequestDb, env: Bindings, hostId: number, req: BookRequest): Promise<BookingOutcome> {
  return onCalendar(d1, env, hostId, (calendar) => calendar.book(req));
}

async function hostOrNotFound(db: Db, uid: string): Promise<number> {
  return foundOr404('Booking', hostOfBooking(db, uid));
}

export async function getBooking(db: Db, uid: string) {
  return foundOr404('Booking', findBooking(db, byUid(uid)));
}

const actsAsHost = (viewer: User | null, hostId: number) => viewer !== null && (viewer.role === 'super_admin' || viewer.id === hostId);

/**
 * GET /v2/bookings/{uid}: a booking by its uid, a recurring series by its `recurring_booking_uid`, or a seat by its
 * `seat_uid`. A seated booking's own uid is the host's: it answers every seat to its host (or a super admin) only.
 */
export async function getBookingOrSeries(db: Db, uid: string, viewer: User | null = null) {
  const found = await findBooking(db, byUid(uid));
  if (found) {
    if (found.attendee.seatUid === null) {
      // The scheduled workflow steps and the write-back state are the host's business (one more round trip, for the host's view only).
      if (!actsAsHost(viewer, found.booking.hostId)) return bookingJson(found);
      const [reminders, writes] = await db.batch([remindersQuery(db, found.booking.id), calendarWritesQuery(db, found.booking.id)]);
      return { ...bookingJson(found), reminders: reminders.map(reminderJson), calendar_sync: calendarSyncOf(writes) };
    }
    if (!actsAsHost(viewer, found.booking.hostId)) throw notFound('Booking');
    return seatedBookingJson(found, await liveSeats(db, found.booking.id));
  }
  // Only a miss pays the next reads.
  const seat = await findSeat(db, uid);
  if (seat) return seatView(db, seat);
  const series = await findSeries(db, uid);
  if (!series.length) throw notFound('Booking');
  return { recurring_booking_uid: uid, occurrences: series.map((row) => bookingJson(row)) };
}

/** GET /v2/bookings/{uid}/ics: the booking as an iCalendar file (cancelled ones too, with STATUS:CANCELLED). */
export async function getBookingIcs(db: Db, env: Bindings, uid: string): Promise<string> {
  const found = await findBookingForWrite(db, uid);
  // An occurrence of a series downloads the whole series: alone it would be an override without its master.
  if (found?.booking.recurringBookingUid) return seriesIcsFile(await seriesForWrite(db, found.booking.recurringBookingUid), siteOf(env));
  // A seated booking's uid is the host's; each seat has its own calendar event (UID and SEQUENCE of the seat).
  if (found && found.attendee.seatUid === null) return bookingIcsFile(found, siteOf(env));
  const seat = found ? undefined : await seatAsBooking(db, uid);
  if (seat) return bookingIcsFile(seat, siteOf(env));
  // The series' own uid (recurring_booking_uid), as GET /v2/bookings/{uid} accepts it.
  const series = found ? [] : await seriesForWrite(db, uid);
  if (!series.length) throw notFound('Booking');
  return seriesIcsFile(series, siteOf(env));
}

/**
 * Moves a personal booking, or a seat (`routing` undefined: the uid is no booking's), in its host's object. Team
 * bookings move under several hosts' leases instead (src/dispatch/bookings.ts chooses).
 */
export async function rescheduleHostBooking(d1: RequestDb, env: Bindings, uid: string, start: number, reason: string | null, routing: BookingRouting | undefined) {
  if (!routing) {
    const seat = await findSeat(d1.db, uid);
    if (!seat) throw notFound('Booking');
    return (await onCalendar(d1, env, seat.booking.hostId, (calendar) => calendar.rescheduleSeat(uid, start, reason))).booking;
  }
  return (await onCalendar(d1, env, routing.hostId, (calendar) => calendar.reschedule(uid, start, reason))).booking;
}

/**
 * Cancels by uid (the attendee's capability). `actor` is the signed-in user, if any: the host or a super admin may
 * still cancel a booking that has started (to record that it did not happen); the attendee may not.
 */
export async function cancelBooking(d1: RequestDb, env: Bindings, uid: string, reason: string | null, actor: User | null, scope: CancelScope = 'this') {
  const hostId = await hostOfBooking(d1.db, uid);
  if (hostId === undefined) {
    const seat = await findSeat(d1.db, uid);
    if (!seat) throw notFound('Booking');
    const seatHost = seat.booking.hostId;
    // A paid seat's refund (or closing its checkout) goes to Stripe once the change committed.
    return withPaymentEffects(env, uid, await onCalendar(d1, env, seatHost, (calendar) => calendar.cancelSeat(uid, reason, actsAsHost(actor, seatHost))));
  }
  return withPaymentEffects(env, uid, await onCalendar(d1, env, hostId, (calendar) => calendar.cancel(uid, reason, actsAsHost(actor, hostId), scope)));
}

/** A paid booking cancelled or declined: its refund (and closing its checkout) goes to Stripe once the change committed. */
async function withPaymentEffects(env: Bindings, uid: string, out: BookingOutcome): Promise<BookingJson> {
  if (!out.paymentWork) return out.booking;
  return afterEffects(out.booking, await performPaymentWork(env, uid, out.paymentWork));
}

/** Confirm or decline a pending booking: only its host or a super admin; anyone else sees a 404. */
export async function settleBooking(d1: RequestDb, env: Bindings, actor: User, uid: string, decision: 'confirm' | 'decline', reason: string | null) {
  const hostId = await hostOrNotFound(d1.db, uid);
  if (actor.role !== 'super_admin' && actor.id !== hostId) throw notFound('Booking');
  return withPaymentEffects(env, uid, await onCalendar(d1, env, hostId, (calendar) => (decision === 'confirm' ? calendar.confirm(uid) : calendar.decline(uid, reason))));
}
