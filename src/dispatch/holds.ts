// Holds, personal or team event type: the one place that chooses (the API's reserve route and the booking form).
import type { RequestDb } from '../db/session';
import type { User } from '../db/schema';
import type { Bindings } from '../env';
import { ApiError, foundOr404 } from '../lib/errors';
import { hostCalendar } from '../bookings/stub';
import { eventTypeRouting } from '../event-types/repo';
import { findLiveHold, holdJson, type HoldJson } from '../reservations/repo';
import { reserveHostSlot, type ReserveInput } from '../reservations/service';
import { reserveTeamSlot } from '../teams/holds';

export async function reserveSlot(d1: RequestDb, env: Bindings, actor: User | null, clientHash: string, input: ReserveInput): Promise<HoldJson> {
  const routing = await foundOr404('Event type', eventTypeRouting(d1.db, input.eventTypeId));
  // A team event type's hold blocks several hosts (src/teams/holds.ts).
  if (routing.teamId !== null) return reserveTeamSlot(d1, env, actor, clientHash, input);
  return reserveHostSlot(d1, env, actor, clientHash, routing.ownerId, input);
}

/**
 * The booking form's hold: while someone fills the form, its time is theirs. One hold per browser and form, named by
 * the uid the form's cookie carries (`previousUid`): reused when it already holds this start, released when it holds
 * another. Null when no hold can be taken because of this client's cap or rate limit: the form still works and the
 * booking is decided at submit, as without holds. A start someone else holds or booked meanwhile is a 409
 * slot_unavailable, as from the API.
 */
export async function holdForForm(
  d1: RequestDb,
  env: Bindings,
  clientHash: string,
  eventTypeId: number,
  start: number,
  previousUid: string | null,
): Promise<HoldJson | null> {
  const previous = previousUid ? await findLiveHold(d1.db, previousUid, Date.now()) : undefined;
  if (previous && previous.eventTypeId === eventTypeId && previous.slotStart === start) return holdJson(previous);
  if (previous) await d1.callObject(() => hostCalendar(env, previous.hostId).releaseReservation(previous.uid));
  try {
    return await reserveSlot(d1, env, null, clientHash, { eventTypeId, slotStart: start });
  } catch (error) {
    // `conflict`: a seated event type takes no holds; its form books the seat directly.
    if (error instanceof ApiError && (error.code === 'too_many_holds' || error.code === 'rate_limited' || error.code === 'conflict')) return null;
    throw error;
  }
}
