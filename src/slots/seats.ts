/**
 * Seat-aware slot rules (seated event types, issue #16). Pure: no I/O.
 *
 * A seated slot is ONE booking whose attendees hold its seats. That booking takes the host's time like any other, so
 * for every other start and for every other event type it is busy time (with its buffers). Only its own start stays
 * open to this event type while it has a free seat: joining it adds an attendee, not a booking, so neither its own
 * span nor its own place in the booking limits stands in the way (a seated slot counts once against the limits, as
 * in Cal.com). A full seated booking is plain busy time: its start is never offered.
 *
 * One rule for offering and booking: `offeredSeatedSlots` (the slots endpoint) and `checkSeatedStart` (the booking
 * check, under the host's lock) are built from the same two questions, so a start is offered exactly when a booking
 * at it would be accepted.
 */
import { checkSlot, computeSlotStarts, type BusySpan, type RulesInput, type Slot, type SlotCheck } from './engine';

/** A live booking of the seated event type, with its span and how many live seats it has. */
export interface SeatedBooking {
  bookingId: number;
  start: number;
  end: number;
  occupiedStart: number;
  occupiedEnd: number;
  seatsBooked: number;
}

export interface SeatCount {
  total: number;
  booked: number;
  remaining: number;
}

export type SeatedSlot = Slot & { seats?: SeatCount };

export type SeatedCheck = (SlotCheck & { ok: false }) | { ok: true; join: SeatedBooking | null };

const spanOf = (s: SeatedBooking): BusySpan => ({ start: s.occupiedStart, end: s.occupiedEnd });

/** The rules with every seated booking as busy time: what holds, series and other starts see. */
export function withSeatedBusy(rules: RulesInput, seated: readonly SeatedBooking[]): RulesInput {
  return seated.length ? { ...rules, busy: [...rules.busy, ...seated.map(spanOf)] } : rules;
}

/** The rules for joining `join`: every other seated booking busy, `join` itself neither busy nor counted once more. */
function rulesForJoining(rules: RulesInput, seated: readonly SeatedBooking[], join: SeatedBooking): RulesInput {
  const others = seated.filter((s) => s !== join);
  const limits = rules.limits;
  let counted = limits?.counted;
  if (counted) {
    // It is already counted once; joining it adds no booking (one seated slot = one booking for the limits).
    const at = counted.findIndex((c) => c.start === join.start);
    if (at >= 0) counted = [...counted.slice(0, at), ...counted.slice(at + 1)];
  }
  return {
    ...rules,
    busy: [...rules.busy, ...others.map(spanOf)],
    ...(limits && counted ? { limits: { ...limits, counted } } : {}),
  };
}

const hasRoom = (s: SeatedBooking, capacity: number) => s.seatsBooked < capacity;

/** The seated booking whose slot starts at `start` (one at most: the overlap guard allows no second). */
const seatedAt = (seated: readonly SeatedBooking[], start: number) => seated.find((s) => s.start === start);

/**
 * Whether `start` can be booked now: as the joining of the seated booking there (while it has a free seat), or
 * else as a new booking with every seated booking busy. `join` names the booking to join.
 */
export function checkSeatedStart(rules: RulesInput, seated: readonly SeatedBooking[], capacity: number, start: number): SeatedCheck {
  const there = seatedAt(seated, start);
  if (there && hasRoom(there, capacity)) {
    const check = checkSlot(rulesForJoining(rules, seated, there), start);
    return check.ok ? { ok: true, join: there } : check;
  }
  const check = checkSlot(withSeatedBusy(rules, seated), start);
  if (check.ok) return { ok: true, join: null };
  if (there) return { ok: false, reason: 'overlap', message: `All ${capacity} seats of this slot are taken.` };
  return check;
}

/**
 * The offered slots of [rangeStart, rangeEnd): the free starts with every seated booking busy, plus the start of
 * each seated booking with a free seat that its joining rules offer, with its seat count.
 */
export function offeredSeatedSlots(rules: RulesInput, seated: readonly SeatedBooking[], capacity: number, rangeStart: number, rangeEnd: number): SeatedSlot[] {
  const free: SeatedSlot[] = computeSlotStarts({ ...withSeatedBusy(rules, seated), rangeStart, rangeEnd });
  const joinable: SeatedSlot[] = [];
  for (const s of seated) {
    if (s.start < rangeStart || s.start >= rangeEnd || !hasRoom(s, capacity)) continue;
    if (!checkSlot(rulesForJoining(rules, seated, s), s.start).ok) continue;
    joinable.push({ start: s.start, end: s.end, seats: { total: capacity, booked: s.seatsBooked, remaining: capacity - s.seatsBooked } });
  }
  if (!joinable.length) return free;
  return [...free, ...joinable].sort((a, b) => a.start - b.start);
}
