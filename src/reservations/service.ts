// Slot reservations as the API routes and the admin pages use them: find the host, decide who may choose a duration,
// run the change in the host's HostCalendar object, turn its outcome into a result or an ApiError.
import type { Db } from '../db/client';
import type { RequestDb } from '../db/session';
import type { User } from '../db/schema';
import type { Bindings } from '../env';
import { hostCalendar } from '../bookings/service';
import { eventTypeRouting } from '../event-types/repo';
import { reserveTeamSlot } from '../teams/holds';
import { ApiError, foundOr404, notFound } from '../lib/errors';
import type { HoldReply } from './holds';
import { findLiveHold, holdJson, type HoldJson } from './repo';
import { holdMinutes, type HoldCaller } from './rules';

function callerOf(actor: User | null, hostId: number): HoldCaller {
  if (!actor) return 'anonymous';
  return actor.role === 'super_admin' || actor.id === hostId ? 'privileged' : 'signed_in';
}

function minutesOrThrow(requested: number | undefined, actor: User | null, hostId: number): number {
  const decision = holdMinutes(requested, callerOf(actor, hostId));
  if (!decision.ok) throw new ApiError(decision.code, decision.message);
  return decision.value;
}

function unwrap(outcome: HoldReply): HoldJson {
  if (!outcome.ok) throw new ApiError(outcome.code, outcome.message);
  return outcome.hold;
}

export interface ReserveInput {
  eventTypeId: number;
  slotStart: number;
  durationMinutes?: number;
}

export async function reserveSlot(d1: RequestDb, env: Bindings, actor: User | null, clientHash: string, input: ReserveInput): Promise<HoldJson> {
  const routing = await foundOr404('Event type', eventTypeRouting(d1.db, input.eventTypeId));
  // A team event type's hold blocks several hosts (src/teams/holds.ts).
  if (routing.teamId !== null) return reserveTeamSlot(d1, env, actor, clientHash, input);
  const hostId = routing.ownerId;
  const minutes = minutesOrThrow(input.durationMinutes, actor, hostId);
  const request = { hostId, eventTypeId: input.eventTypeId, slotStart: input.slotStart, minutes, clientHash, holderId: actor?.id ?? null };
  return unwrap(await d1.callObject<HoldReply>(() => hostCalendar(env, hostId).reserve(request)));
}

async function liveHoldOrNotFound(db: Db, uid: string) {
  return foundOr404('Reservation', findLiveHold(db, uid, Date.now()));
}

export async function getReservation(db: Db, uid: string): Promise<HoldJson> {
  return holdJson(await liveHoldOrNotFound(db, uid));
}

export async function changeReservation(
  d1: RequestDb,
  env: Bindings,
  actor: User | null,
  uid: string,
  change: { slotStart?: number; durationMinutes?: number },
): Promise<HoldJson> {
  const hold = await liveHoldOrNotFound(d1.db, uid);
  if ((await eventTypeRouting(d1.db, hold.eventTypeId))?.teamId != null) {
    throw new ApiError('conflict', "A team event type's reservation cannot be moved or extended; release it and take another");
  }
  const minutes = change.durationMinutes === undefined ? undefined : minutesOrThrow(change.durationMinutes, actor, hold.hostId);
  return unwrap(await d1.callObject<HoldReply>(() => hostCalendar(env, hold.hostId).changeReservation(uid, { slotStart: change.slotStart, minutes })));
}

/** Releases a live hold (the holder with its uid, or an admin from the bookings page). */
export async function releaseReservation(d1: RequestDb, env: Bindings, uid: string): Promise<void> {
  const hold = await liveHoldOrNotFound(d1.db, uid);
  const { released } = await d1.callObject(() => hostCalendar(env, hold.hostId).releaseReservation(uid));
  if (!released) throw notFound('Reservation');
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
