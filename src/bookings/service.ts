// The booking operations shared by the API routes and the admin pages: find the host, run the change in the
// host's HostCalendar object, turn its outcome into a result or an ApiError.
import type { Db } from '../db/client';
import type { User } from '../db/schema';
import type { Bindings } from '../env';
import { ApiError, notFound } from '../lib/errors';
import type { BookRequest, Outcome } from './host-calendar';
import { findBooking, byUid, findBookingForWrite, hostOfBooking, type BookingJson } from './repo';
import { bookingIcsFile } from './calendar';
import { siteOf } from '../calendar/site';
import { eventTypeOwner } from '../event-types/repo';

export function hostCalendar(env: Bindings, hostId: number) {
  return env.HOST_CALENDAR.get(env.HOST_CALENDAR.idFromName(`host:${hostId}`));
}

function unwrap(outcome: Outcome): { booking: BookingJson; replayed: boolean } {
  if (!outcome.ok) throw new ApiError(outcome.code, outcome.message, outcome.issues);
  return { booking: outcome.booking, replayed: outcome.replayed ?? false };
}

export async function createBooking(db: Db, env: Bindings, req: BookRequest) {
  const hostId = await eventTypeOwner(db, req.eventTypeId);
  if (hostId === undefined) throw notFound('Event type');
  return unwrap(await hostCalendar(env, hostId).book(req));
}

async function hostOrNotFound(db: Db, uid: string): Promise<number> {
  const hostId = await hostOfBooking(db, uid);
  if (hostId === undefined) throw notFound('Booking');
  return hostId;
}

export async function getBooking(db: Db, uid: string) {
  const found = await findBooking(db, byUid(uid));
  if (!found) throw notFound('Booking');
  return found;
}

/** GET /v2/bookings/{uid}/ics: the booking as an iCalendar file (cancelled ones too, with STATUS:CANCELLED). */
export async function getBookingIcs(db: Db, env: Bindings, uid: string): Promise<string> {
  const found = await findBookingForWrite(db, uid);
  if (!found) throw notFound('Booking');
  return bookingIcsFile(found, siteOf(env));
}

export async function rescheduleBooking(db: Db, env: Bindings, uid: string, start: number, reason: string | null) {
  const hostId = await hostOrNotFound(db, uid);
  return unwrap(await hostCalendar(env, hostId).reschedule(uid, start, reason)).booking;
}

export async function cancelBooking(db: Db, env: Bindings, uid: string, reason: string | null) {
  const hostId = await hostOrNotFound(db, uid);
  return unwrap(await hostCalendar(env, hostId).cancel(uid, reason)).booking;
}

/** Confirm or decline a pending booking: only its host or a super admin; anyone else sees a 404. */
export async function settleBooking(db: Db, env: Bindings, actor: User, uid: string, decision: 'confirm' | 'decline', reason: string | null) {
  const hostId = await hostOrNotFound(db, uid);
  if (actor.role !== 'super_admin' && actor.id !== hostId) throw notFound('Booking');
  const calendar = hostCalendar(env, hostId);
  return unwrap(decision === 'confirm' ? await calendar.confirm(uid) : await calendar.decline(uid, reason)).booking;
}
