// A new booking decided from what the host's object read under its lock: the answers checked, the start checked by
// the same rules that offer slots, the location chosen, the row and its webhook snapshot built. Pure: the object
// only reads before it and writes after it.
import type { Attendee, BookingStatus } from '../db/schema';
import type { ErrorCode, ErrorIssue } from '../lib/errors';
import { checkAnswers, completeFields } from '../event-types/booking-fields';
import { checkBookable, type SlotContext } from '../slots/context';
import { snapshotOf } from '../webhooks/snapshot';
import type { BookingEventSnapshot } from '../webhooks/payload';
import { attendeeLocation } from './location';
import { spanAt } from './occupancy';
import type { NewBooking } from './repo';

export interface BookRequest {
  eventTypeId: number;
  start: number;
  attendee: Omit<Attendee, 'id' | 'bookingId'>;
  location: string | null;
  metadata: Record<string, unknown> | null;
  /** booking_fields_responses as sent: checked here against the event type's questions, read under the lock. */
  responses?: Record<string, unknown>;
  idempotencyKey: string | null;
  idempotencyHash: string | null;
  /** The holder's slot reservation that this booking replaces (POST /v2/bookings `reservation_uid`). */
  reservationUid?: string | null;
  /** A recurring event type: book only the first this many occurrences of its series (POST /v2/bookings `recurrence_count`). */
  recurrenceCount?: number;
  /** Set by the object for each occurrence of a series it books (src/bookings/series.ts). */
  recurringBookingUid?: string | null;
}

export type Refusal = { ok: false; code: ErrorCode; message: string; issues?: ErrorIssue[] };
export type Draft = { ok: true; booking: NewBooking; snapshot: BookingEventSnapshot } | Refusal;

const refuse = (code: ErrorCode, message: string, issues?: ErrorIssue[]): Refusal => ({ ok: false, code, message, ...(issues ? { issues } : {}) });

export function draftBooking(ctx: SlotContext, req: BookRequest, uid: string, now: number): Draft {
  const et = ctx.eventType;
  const answers = checkAnswers(completeFields(et.bookingFields), req.attendee.notes, req.responses);
  if (!answers.ok) return refuse('validation_failed', 'Request validation failed', answers.issues);
  const check = checkBookable(ctx, now, req.start);
  if (!check.ok) return refuse('slot_unavailable', check.message);
  const location = attendeeLocation(et, req.location);
  if (!location.ok) return refuse('validation_failed', 'Request validation failed', [{ path: 'location', message: location.message }]);

  const status: BookingStatus = et.requiresConfirmation ? 'pending' : 'accepted';
  const booking: NewBooking = {
    uid,
    eventTypeId: et.id,
    hostId: ctx.host.id,
    title: `${et.title} between ${ctx.host.name} and ${req.attendee.name}`,
    ...spanAt(et, req.start),
    status,
    locationType: et.locationType,
    locationValue: location.value,
    metadata: req.metadata,
    bookingFieldsResponses: Object.keys(answers.responses).length ? answers.responses : null,
    idempotencyKey: req.idempotencyKey,
    idempotencyHash: req.idempotencyHash,
    recurringBookingUid: req.recurringBookingUid ?? null,
    now,
  };
  // The row does not exist yet: its ids are placeholders the outbox statements fill in SQL from the uid.
  const snapshot = snapshotOf(status === 'pending' ? 'BOOKING_REQUESTED' : 'BOOKING_CREATED', {
    booking: { ...booking, recurringBookingUid: booking.recurringBookingUid ?? null, recurrenceStart: booking.recurringBookingUid ? booking.startAt : null, id: 0, cancellationReason: null, rejectionReason: null, rescheduleReason: null, previousStartAt: null, assignmentReason: null, sequence: 0, createdAt: now, updatedAt: now },
    attendee: { id: 0, bookingId: 0, ...req.attendee },
    host: ctx.host,
    eventType: et,
  });
  return { ok: true, booking, snapshot };
}
