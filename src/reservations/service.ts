// Slot reservations as the API routes and the admin pages use them: find the host, decide who may choose a duration,
// run the change in the host's HostCalendar object, turn its outcome into a result or an ApiError.
import type { Db } from '../db/client';
import type { RequestDb } from '../db/session';
import type { User } from '../db/schema';
import type { Bindings } from '../env';
import { hostCalendar } from '../bookings/stub';
import { eventTypeRouting } from '../event-types/repo';
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

/** A hold on a personal event type, in its owner's object (team holds: src/dispatch/holds.ts chooses). */
export async function reserveHostSlot(d1: RequestDb, env: Bindings, actor: User | null, clientHash: string, hostId: number, input: ReserveInput): Promise<HoldJson> {
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
