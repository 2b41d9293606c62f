// Personal or team event type: the one place that chooses, for the API routes and the booking pages. It sits above
// both src/bookings (one host's object) and src/teams (several hosts under their leases), so neither imports the other's
// way up.
import type { RequestDb } from '../db/session';
import type { Bindings } from '../env';
import { foundOr404 } from '../lib/errors';
import type { BookRequest } from '../bookings/draft';
import { bookingRouting } from '../bookings/repo';
import { createHostBooking, rescheduleHostBooking, type BookingOutcome } from '../bookings/service';
import { eventTypeRouting } from '../event-types/repo';
import { bookTeamEventType, rescheduleTeamBooking } from '../teams/booking';
import { withCheckout } from '../payments/service';

export async function createBooking(d1: RequestDb, env: Bindings, req: BookRequest): Promise<BookingOutcome> {
  const routing = await foundOr404('Event type', eventTypeRouting(d1.db, req.eventTypeId));
  const team = routing.teamId !== null;
  const created: BookingOutcome = team ? await bookTeamEventType(d1, env, req) : await createHostBooking(d1, env, routing.ownerId, req);
  // A paid event type's booking waits for payment: it answers with its Stripe Checkout link (src/payments/), opened
  // with the host's keys, or for a team event type the team owner's (recorded on the booking).
  if (created.booking.status !== 'awaiting_payment') return created;
  const booking = await withCheckout(d1, env, created.booking, team ? undefined : routing.ownerId);
  // A paid series: its one checkout is its first occurrence's.
  return { ...created, booking, ...(created.occurrences ? { occurrences: [booking, ...created.occurrences.slice(1)] } : {}) };
}

export async function rescheduleBooking(d1: RequestDb, env: Bindings, uid: string, start: number, reason: string | null) {
  const routing = await bookingRouting(d1.db, uid);
  // A team booking may change hosts: it moves under the leases of every host involved (src/teams/booking.ts).
  if (routing && routing.teamId !== null) return rescheduleTeamBooking(d1, env, uid, start, reason);
  return rescheduleHostBooking(d1, env, uid, start, reason, routing);
}
