// A new booking decided from what the host's object read under its lock: the answers checked, the start checked by
// the same rules that offer slots, the location chosen, the row and its webhook snapshot built. Pure: the object
// only reads before it and writes after it.
import type { BookingStatus } from '../db/schema';
import type { ErrorCode, ErrorIssue } from '../lib/errors';
import { checkAnswers, completeFields } from '../event-types/booking-fields';
import { checkBookable, type SlotContext } from '../slots/context';
import { snapshotOf } from './snapshot';
import type { BookingEventSnapshot } from '../webhooks/payload';
import { attendeeLocation, storedLocation } from './location';
import { spanAt } from './occupancy';
import type { AttendeeInput, NewBooking } from './repo';
import type { SeatedBooking } from '../slots/seats';
import type { BookingFieldResponses } from '../db/json-types';

export interface BookRequest {
  eventTypeId: number;
  start: number;
  attendee: AttendeeInput;
  location: string | null;
  metadata: Record<string, unknown> | null;
  /** booking_fields_responses as sent: checked here against the event type's questions, read under the lock. */
  responses?: Record<string, unknown>;
  idempotencyKey: string | null;
  idempotencyHash: string | null;
  /** The client's network (src/lib/rate-limit.ts clientHash), when the request names one: caps its open unpaid bookings. */
  clientHash?: string | null;
  /** The holder's slot reservation that this booking replaces (POST /v2/bookings `reservation_uid`). */
  reservationUid?: string | null;
  /** A recurring event type: book only the first this many occurrences of its series (POST /v2/bookings `recurrence_count`). */
  recurrenceCount?: number;
  /** Set by the object for each occurrence of a series it books (src/bookings/series.ts). */
  recurringBookingUid?: string | null;
  /** The booker is signed in (an account a super admin made), not anonymous: see `seriesNeedsConfirmation`. */
  signedIn?: boolean;
  /** Set by the object: this booking waits for the host's confirmation even if its event type does not ask for it. */
  needsConfirmation?: boolean;
}

export type Refusal = { ok: false; code: ErrorCode; message: string; issues?: ErrorIssue[] };
export type Draft =
  | {
      ok: true;
      booking: NewBooking;
      snapshot: BookingEventSnapshot;
      /** A seated event type: the seated booking a seat at this start joins (null: the seat opens a new booking). */
      join: SeatedBooking | null;
      /** The checked answers to the booking questions (a seat keeps its own). */
      responses: BookingFieldResponses | null;
    }
  | Refusal;

const refuse = (code: ErrorCode, message: string, issues?: ErrorIssue[]): Refusal => ({ ok: false, code, message, ...(issues ? { issues } : {}) });

export function draftBooking(ctx: SlotContext, req: BookRequest, uid: string, now: number): Draft {
  const et = ctx.eventType;
  const answers = checkAnswers(completeFields(et.bookingFields), req.attendee.notes, req.responses);
  if (!answers.ok) return refuse('validation_failed', 'Request validation failed', answers.issues);
  const check = checkBookable(ctx, now, req.start);
  if (!check.ok) return refuse('slot_unavailable', check.message);
  const location = attendeeLocation(et, req.location);
  if (!location.ok) return refuse('validation_failed', 'Request validation failed', [{ path: 'location', message: location.message }]);

  // A seated slot is shared: its row names no attendee and keeps no one's answers (each seat keeps its own).
  const seated = et.seatsPerTimeSlot !== null;
  if (seated && req.location !== null) {
    return refuse('validation_failed', 'Request validation failed', [{ path: 'location', message: "A seated event type's location is the host's" }]);
  }
  const responses = Object.keys(answers.responses).length ? answers.responses : null;
  const confirmFirst = et.requiresConfirmation || req.needsConfirmation === true;
  const status: BookingStatus = confirmFirst ? 'pending' : 'accepted';
  const booking: NewBooking = {
    uid,
    eventTypeId: et.id,
    hostId: ctx.host.id,
    title: seated ? `${et.title} with ${ctx.host.name}` : `${et.title} between ${ctx.host.name} and ${req.attendee.name}`,
    ...spanAt(et, req.start),
    status,
    locationType: et.locationType,
    locationValue: storedLocation(confirmFirst, req.location !== null, location.value),
    metadata: req.metadata,
    bookingFieldsResponses: seated ? null : responses,
    // A seat's retry is answered by the seat it already holds (409 for its email), not by a replay.
    idempotencyKey: seated ? null : req.idempotencyKey,
    idempotencyHash: seated ? null : req.idempotencyHash,
    recurringBookingUid: req.recurringBookingUid ?? null,
    now,
  };
  // The row does not exist yet: its ids are placeholders the outbox statements fill in SQL from the uid.
  const snapshot = snapshotOf(status === 'pending' ? 'BOOKING_REQUESTED' : 'BOOKING_CREATED', {
    booking: { ...booking, recurringBookingUid: booking.recurringBookingUid ?? null, recurrenceStart: booking.recurringBookingUid ? booking.startAt : null, id: 0, cancellationReason: null, rejectionReason: null, rescheduleReason: null, previousStartAt: null, assignmentReason: null, sequence: 0, createdAt: now, updatedAt: now, paymentExpiresAt: booking.paymentExpiresAt ?? null, payment: booking.payment ?? null },
    attendee: req.attendee,
    host: ctx.host,
    eventType: et,
  });
  return { ok: true, booking, snapshot, join: check.join, responses };
}
