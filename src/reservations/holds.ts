// The hold operations HostCalendar runs under its lock: check the slot the way a booking would, then write behind the
// same SQL guard, so a hold and a booking (or two holds) of one host never overlap. Kept out of host-calendar.ts so
// the booking code there stays as it was.
import type { D1Queryable, Db } from '../db/client';
import type { D1Report } from '../db/session';
import type { SlotReservation } from '../db/schema';
import type { ErrorCode } from '../lib/errors';
import { checkSlot } from '../slots/engine';
import { spanAt } from '../bookings/occupancy';
import { slotRules, type SlotContext } from '../slots/context';
import { loadSlotContext } from '../slots/repo';
import { newBookingUid } from '../bookings/uid';
import { findLiveHold, guardedHoldInsert, guardedHoldUpdate, holdFromRow, holdJson, liveHoldCounts, type HoldJson } from './repo';
import { holdCapMessage, holdCapReached } from './rules';

export interface HoldRequest {
  /** The event type's owner, resolved by the caller to find this object. */
  hostId: number;
  eventTypeId: number;
  slotStart: number;
  minutes: number;
  clientHash: string;
  holderId: number | null;
}

export interface HoldChangeRequest {
  slotStart?: number;
  /** Set only when the caller may choose the duration (checked by the service): expires `minutes` from now. */
  minutes?: number;
}

export type HoldOutcome = { ok: true; hold: HoldJson } | { ok: false; code: ErrorCode; message: string };

/** What the object's hold methods answer: the outcome plus its D1 cost and bookmark (see src/db/session.ts). */
export type HoldReply = HoldOutcome & { d1: D1Report };

export interface HoldEnv {
  d1: D1Queryable;
  db: Db;
  now: number;
  maxHoldsPerClient: number;
}

const fail = (code: ErrorCode, message: string): HoldOutcome => ({ ok: false, code, message });

/** The hold's spans for a start: the slot itself and, with the buffers, what it takes from the calendar. */
function spansAt(ctx: SlotContext, start: number) {
  const { startAt, endAt, occupiedStart, occupiedEnd } = spanAt(ctx.eventType, start);
  return { slotStart: startAt, slotEnd: endAt, occupiedStart, occupiedEnd };
}

export async function takeHold(e: HoldEnv, req: HoldRequest): Promise<HoldOutcome> {
  const counts = await liveHoldCounts(e.db, req.hostId, req.clientHash, req.holderId, e.now);
  if (holdCapReached(counts, req.holderId !== null, e.maxHoldsPerClient)) {
    return fail('too_many_holds', holdCapMessage(e.maxHoldsPerClient));
  }
  const ctx = await loadSlotContext(e.db, req.eventTypeId, { from: req.slotStart, to: req.slotStart + 1 }, undefined, e.now, null);
  if (!ctx) return fail('not_found', 'Event type not found');
  // A seat is taken directly: a hold would block the slot's other seats (docs/DESIGN.md, Seats).
  if (ctx.eventType.seatsPerTimeSlot !== null) return fail('conflict', 'Seated event types take no slot reservations: book a seat directly');
  const check = checkSlot(slotRules(ctx, e.now), req.slotStart);
  if (!check.ok) return fail('slot_unavailable', check.message);
  const [written] = await e.d1.batch([
    guardedHoldInsert(
      e.d1,
      {
        uid: newBookingUid(),
        hostId: ctx.host.id,
        eventTypeId: ctx.eventType.id,
        ...spansAt(ctx, req.slotStart),
        expiresAt: e.now + req.minutes * 60_000,
        clientHash: req.clientHash,
        holderId: req.holderId,
      },
      e.now,
    ),
  ]);
  const row = written?.results[0] as Record<string, unknown> | undefined;
  if (!row) return fail('slot_unavailable', 'This time overlaps a booking or another reservation of the host');
  return { ok: true, hold: holdJson(holdFromRow(row)) };
}

/** Moves and/or extends a live hold; its own span does not stand in its way. */
export async function changeHold(e: HoldEnv, uid: string, change: HoldChangeRequest): Promise<HoldOutcome> {
  const hold = await findLiveHold(e.db, uid, e.now);
  if (!hold) return fail('not_found', 'Reservation not found (it may have expired)');
  const start = change.slotStart ?? hold.slotStart;
  const ctx = await loadSlotContext(e.db, hold.eventTypeId, { from: start, to: start + 1 }, undefined, e.now, uid);
  if (!ctx) return fail('slot_unavailable', 'The event type is no longer bookable');
  const check = checkSlot(slotRules(ctx, e.now), start);
  if (!check.ok) return fail('slot_unavailable', check.message);
  const expiresAt = change.minutes === undefined ? hold.expiresAt : e.now + change.minutes * 60_000;
  const [written] = await e.d1.batch([guardedHoldUpdate(e.d1, hold, { ...spansAt(ctx, start), expiresAt }, e.now)]);
  const row = written?.results[0] as Record<string, unknown> | undefined;
  if (!row) return fail('slot_unavailable', 'This time overlaps a booking or another reservation of the host');
  return { ok: true, hold: holdJson(holdFromRow(row)) };
}

/**
 * The hold a booking may consume: live, and for exactly this event type and start. Anything else (unknown, expired,
 * another event type or start) is a 404: the uid names no reservation for this booking.
 */
export async function holdForBooking(db: Db, uid: string, eventTypeId: number, start: number, now: number): Promise<SlotReservation | null> {
  const hold = await findLiveHold(db, uid, now);
  return hold && hold.eventTypeId === eventTypeId && hold.slotStart === start ? hold : null;
}
