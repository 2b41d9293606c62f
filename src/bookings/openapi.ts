// The OpenAPI description of the booking routes (src/bookings/routes.ts).
import { RATE_LIMITED_PER_IP } from '../openapi/errors';
import { listEnvelope } from '../openapi/schemas';
import type { ResourceDocs } from '../openapi/types';
import {
  bookingResponse,
  cancelBody,
  createdBookingResponse,
  seriesResponse,
  createBookingBody,
  idempotencyKeySchema,
  listBookingsQuery,
  reasonBody,
  rescheduleBody,
  uidParam,
} from './schemas';

const bookingList = listEnvelope(bookingResponse);

export const bookingsDocs: ResourceDocs = {
  requestSchemas: { CreateBookingBody: createBookingBody, RescheduleBookingBody: rescheduleBody, ReasonBody: reasonBody, CancelBookingBody: cancelBody },
  responseSchemas: { Booking: bookingResponse, BookingList: bookingList, CreatedBooking: createdBookingResponse },
  operations: [
    {
      operationId: 'createBooking',
      method: 'post',
      path: '/v2/bookings',
      tag: 'Bookings',
      summary: 'Book a slot',
      description:
        'Status is `accepted`, or `pending` when the event type requires confirmation (a pending booking holds its slot). ' +
        'With an `Idempotency-Key`, a retry with the same body answers the first booking again. A key is scoped to the ' +
        'signed-in user, else to the event type and attendee email, and expires after 24 hours. `location` is taken only ' +
        'where the event type asks the attendee: a phone number (`phone` without a host number) or a place (`in_person` ' +
        'without an address; a link must be https). A slot held by someone else is unavailable; with your own ' +
        '`reservation_uid` the booking replaces your hold atomically. On a recurring event type the booking books its ' +
        'series (or the first `recurrence_count` occurrences), all or nothing: a 409 lists every occurrence that cannot ' +
        'be booked in `error.conflicts` and nothing is written. Every occurrence counts against the attendee caps and ' +
        'the write rate limit, and a series of more than 4 occurrences booked without a session is `pending` until ' +
        'the host confirms it. On a seated event type (`seats_per_time_slot`) the ' +
        'booking takes a seat: it joins the booking of that slot while a seat is free, or opens it; the answer carries ' +
        'your `seat_uid` (also its `uid`) and, unless the event type shows attendees, only you in `attendees` (else the others by name only). One email ' +
        'holds one seat of a slot (409 `conflict`); a full slot is 409 `slot_unavailable`. On a paid event type (`price`) the ' +
        'booking is `awaiting_payment` and holds its time until `payment.expires_at`; pay on `payment.checkout_url` (Stripe ' +
        'Checkout). The same email booking the same start again with the same name, time zone, notes and answers gets that ' +
        'booking and its checkout back; any other request meets the taken slot (409).',
      auth: 'public',
      headers: [
        {
          name: 'Idempotency-Key',
          schema: idempotencyKeySchema,
          description: 'Makes retries safe: the same key with the same body returns the first answer (scoped to the caller, kept 24 hours)',
        },
      ],
      body: { schema: createBookingBody },
      success: { status: 201, description: 'Booked (or the replayed first answer for an Idempotency-Key)', schema: createdBookingResponse },
      errors: {
        not_found: 'No active event type with this id, or reservation_uid names no live reservation for this event type and start',
        conflict: "Seated event types: this email already has a seat in this slot. Paid event types: the host's Stripe account is not connected",
        slot_unavailable: 'The start is not a slot GET /v2/slots/available would offer now; the message says why',
        idempotency_key_reused: 'The Idempotency-Key was already used with a different body',
        validation_failed: 'A bad body, or a `location` the event type does not take from the attendee',
        too_many_bookings: 'The attendee email already has the most upcoming bookings allowed with this host (or, on a paid event type, the most open unpaid ones: PAYMENT_MAX_OPEN_PER_ATTENDEE)',
        booker_limit_reached: "The attendee email already has the event type's max_active_bookings_per_booker upcoming bookings of it",
        rate_limited: RATE_LIMITED_PER_IP,
      },
    },
    {
      operationId: 'listBookings',
      method: 'get',
      path: '/v2/bookings',
      tag: 'Bookings',
      summary: 'List bookings you host',
      description: 'By start time; a super admin sees all.',
      auth: 'session',
      query: listBookingsQuery,
      success: { status: 200, description: 'A page of bookings', schema: bookingList },
    },
    {
      operationId: 'getBooking',
      method: 'get',
      path: '/v2/bookings/{uid}',
      tag: 'Bookings',
      summary: 'Get a booking, a seat by its seat_uid, or a recurring series by its recurring_booking_uid',
      description:
        "A seat_uid answers that seat (other attendees, by name only, when the event type shows them). A seated booking's own uid " +
        'is for its host (or a super admin, signed in): it answers every live seat; anyone else gets 404.',
      auth: 'public',
      params: uidParam,
      success: { status: 200, description: 'The booking, or the series with every occurrence', schema: bookingResponse.or(seriesResponse) },
    },
    {
      operationId: 'getBookingIcs',
      method: 'get',
      path: '/v2/bookings/{uid}/ics',
      tag: 'Bookings',
      summary: 'Download a booking, a seat or a recurring series as an iCalendar file',
      description:
        'RFC 5545, one VEVENT with the same UID and SEQUENCE as the invitation emails, so importing it and receiving ' +
        'the emails yield one calendar entry. A cancelled or declined booking has STATUS:CANCELLED. A seat_uid answers that seat\'s own event (its UID and SEQUENCE). ' +
        'An occurrence of a recurring series, or the series by its recurring_booking_uid, answers the whole series: a master under the series UID listing every ' +
        'booked start (RDATE), then each occurrence as its override (RECURRENCE-ID), so the file stands on its own in any calendar.',
      auth: 'public',
      params: uidParam,
      success: {
        status: 200,
        description: 'The .ics file',
        mediaType: 'text/calendar',
        headers: { 'Content-Disposition': 'attachment; filename="booking-<uid>.ics"' },
      },
    },
    {
      operationId: 'rescheduleBooking',
      method: 'patch',
      path: '/v2/bookings/{uid}',
      tag: 'Bookings',
      summary: 'Reschedule a booking or a seat',
      description:
        'Atomic: the new slot is taken and the old one freed in one step. A seat (by its seat_uid) moves alone: it joins ' +
        "the new slot's booking or opens it, in one guarded batch, keeping its seat_uid; the last seat leaving cancels " +
        'the old booking. A seated booking itself (its own uid) is not moved: 409.',
      auth: 'public',
      params: uidParam,
      body: { schema: rescheduleBody },
      success: { status: 200, description: 'The moved booking', schema: bookingResponse },
      errors: {
        conflict: 'The booking is cancelled, rejected, expired, awaiting payment (pay first) or already started; a seated booking by its own uid; the seat holder already has a seat in the new slot',
        slot_unavailable: 'The new start is not an offered slot (a full seated slot included); the message says why',
        rate_limited: RATE_LIMITED_PER_IP,
      },
    },
    {
      operationId: 'cancelBooking',
      method: 'delete',
      path: '/v2/bookings/{uid}',
      tag: 'Bookings',
      summary: 'Cancel a booking',
      description:
        'Cancelling twice is harmless: the booking is answered as it is. A paid booking is refunded by the refund policy it was ' +
        "booked under when its attendee cancels (`payment.cancel_refund_amount` on GET says how much, beforehand), in full when " +
        'its host or a super admin does; an unpaid one closes its checkout. Once the booking has started only its host or a ' +
        "super admin (with their session) may cancel it. A seat_uid cancels that seat only (the last seat leaving " +
        "cancels the booking); a seated booking's own uid cancels every seat and is for its host or a super admin only " +
        '(anyone else: 404).',
      auth: 'public',
      params: uidParam,
      body: { schema: cancelBody, required: false },
      success: { status: 200, description: 'The cancelled booking (with `scope`, the occurrence named in the path)', schema: bookingResponse },
      errors: {
        conflict: 'The booking has started and the caller is not its host, or it changed meanwhile',
        rate_limited: RATE_LIMITED_PER_IP,
      },
    },
    {
      operationId: 'confirmBooking',
      method: 'post',
      path: '/v2/bookings/{uid}/confirm',
      tag: 'Bookings',
      summary: 'Confirm a pending booking',
      description: 'The host or a super admin.',
      auth: 'session',
      params: uidParam,
      success: { status: 200, description: 'The accepted booking', schema: bookingResponse },
      errors: { conflict: 'The booking is not pending, or the request expired (its start has passed)' },
    },
    {
      operationId: 'declineBooking',
      method: 'post',
      path: '/v2/bookings/{uid}/decline',
      tag: 'Bookings',
      summary: 'Decline a pending booking',
      description: 'The host or a super admin.',
      auth: 'session',
      params: uidParam,
      body: { schema: reasonBody, required: false },
      success: { status: 200, description: 'The rejected booking', schema: bookingResponse },
      errors: { conflict: 'The booking is not pending, or the request expired (its start has passed)' },
    },
  ],
};
