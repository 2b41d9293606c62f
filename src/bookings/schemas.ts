import { reminderResponse } from '../workflows/schemas';
import { calendarSyncResponse } from '../calendars/schemas';
import { z } from 'zod';
import { refundPolicySchema } from '../event-types/schemas';
import { email } from '../auth/schemas';
import { bookingFieldsResponsesSchema } from '../event-types/booking-fields';
import { BOOKING_VIEW_STATUSES } from './status';
import { decimalId, isoInstant, multiLine, NO_CONTROL_CHARS, pageQuery, singleLine, timeZoneSchema } from '../lib/validation';
import { reservationUid } from '../reservations/schemas';
import { LOCALES } from '../i18n/locales';

export const attendeeSchema = z.strictObject({
  name: z.string().trim().min(1).max(120).refine(singleLine, NO_CONTROL_CHARS),
  email,
  timezone: timeZoneSchema,
  notes: z.string().max(2000).refine(multiLine, NO_CONTROL_CHARS).nullable().optional(),
  language: z.enum(LOCALES).optional().describe("The attendee's emails are written in it (default: the host's or team's language)"),
});

/** Small, flat, JSON-safe: metadata travels in every webhook payload. */
const metadataSchema = z
  .record(z.string().min(1).max(40).refine(singleLine, NO_CONTROL_CHARS), z.union([z.string().max(500).refine(multiLine, NO_CONTROL_CHARS), z.number(), z.boolean(), z.null()]))
  .refine((m) => Object.keys(m).length <= 50, { message: 'At most 50 metadata keys' });

/** A blank reason is no reason: stored as null, not as ''. */
const optionalReason = z
  .string()
  .trim()
  .max(1000)
  .refine(multiLine, NO_CONTROL_CHARS)
  .transform((s) => s || undefined)
  .optional();

export const createBookingBody = z.strictObject({
  event_type_id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  start: isoInstant,
  attendee: attendeeSchema,
  /** Only where the event type asks the attendee (src/bookings/location.ts): a phone number or a place. */
  location: z.string().trim().min(1).max(500).refine(singleLine, NO_CONTROL_CHARS).optional(),
  metadata: metadataSchema.optional(),
  booking_fields_responses: z
    .record(z.string().max(40), z.unknown())
    .refine((r) => Object.keys(r).length <= 50, { message: 'At most 50 answers' })
    .optional()
    .describe("Answers to the event type's booking questions other than name, email and notes, checked against its booking_fields"),
  reservation_uid: reservationUid
    .optional()
    .describe('Your slot reservation for exactly this event type and start: the booking replaces it atomically'),
  recurrence_count: z
    .number()
    .int()
    .min(1)
    .max(52)
    .optional()
    .describe("A recurring event type: book only this many occurrences of its series (at most its count; default all). Refused for other event types"),
});

export const rescheduleBody = z.strictObject({
  start: isoInstant,
  reason: optionalReason,
});

export const reasonBody = z.strictObject({ reason: optionalReason }).default({});

export const CANCEL_SCOPES = ['this', 'following', 'all'] as const;
export const cancelBody = z
  .strictObject({
    reason: optionalReason,
    scope: z
      .enum(CANCEL_SCOPES)
      .optional()
      .describe('For an occurrence of a recurring series: `this` (default) only it, `following` it and every later live occurrence, `all` every live occurrence that has not started'),
  })
  .default({});

export const uidParam = z.strictObject({ uid: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/) });

export const listBookingsQuery = z
  .strictObject({
    ...pageQuery,
    status: z.enum(BOOKING_VIEW_STATUSES).optional(),
    from: isoInstant.optional(),
    to: isoInstant.optional(),
    event_type_id: decimalId.optional(),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, {
    path: ['to'],
    message: 'to must be after from',
  });

export const idempotencyKeySchema = z.string().min(1).max(200).regex(/^[\x21-\x7e]+$/, 'Printable ASCII only');

export type CreateBookingBody = z.infer<typeof createBookingBody>;

// Response shape (what `bookingJson` answers), for the OpenAPI document and its contract tests. Strict, so a field
// added to the serializer but not here fails those tests instead of going undocumented.
export const bookingResponse = z.strictObject({
  id: z.number().int().positive(),
  uid: z.string().describe("Random and unguessable: the attendee's capability to read, reschedule and cancel"),
  status: z.enum(BOOKING_VIEW_STATUSES).describe('`expired`: a pending request whose start has passed, or a paid booking not paid by its deadline; it holds no time and cannot be confirmed. `awaiting_payment`: a paid booking holding its time until `payment.expires_at`'),
  event_type_id: z.number().int().positive().nullable().describe('Null once the event type was deleted'),
  host_id: z.number().int().positive(),
  title: z.string(),
  start: z.iso.datetime(),
  end: z.iso.datetime(),
  attendee: z.strictObject({ name: z.string(), email: z.string(), timezone: z.string(), notes: z.string().nullable() }),
  location_type: z.string().nullable(),
  location: z
    .string()
    .nullable()
    .describe(
      "The link, address or number. An event type with generate_meeting_link: the Google Meet or Teams link the host's destination calendar made, once the booking was written there (null until then, and while a request waits for the host)",
    ),
  metadata: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  cancellation_reason: z.string().nullable(),
  rejection_reason: z.string().nullable(),
  reschedule_reason: z.string().nullable(),
  previous_start: z.iso.datetime().nullable().describe('Start before the last reschedule'),
  booking_fields_responses: bookingFieldsResponsesSchema,
  recurring_booking_uid: z.string().nullable().describe('The series this booking is an occurrence of (GET /v2/bookings/{recurring_booking_uid} lists it); null for a single booking'),
  assignment_reason: z.string().nullable().describe('Round robin: why this host was assigned; null otherwise'),
  seat_uid: z
    .string()
    .optional()
    .describe("Seated event types: the caller's seat, their capability to read, reschedule and cancel it (for a seat holder `uid` is the same); absent otherwise"),
  attendees: z
    .array(
      z.union([
        z.strictObject({ name: z.string(), email: z.string(), timezone: z.string(), notes: z.string().nullable(), seat_uid: z.string().nullable() }),
        z.strictObject({ name: z.string() }).describe("Another seat, as its holder sees it: the name only (never that seat's uid, email or notes)"),
      ]),
    )
    .optional()
    .describe(
      'Seated event types: the seat holder alone, or, when the event type shows attendees, every live seat with the others by name only; the host sees every live seat in full',
    ),
  payment: z
    .strictObject({
      status: z.enum(['unpaid', 'void', 'paid', 'partially_refunded', 'refunded']).describe('`void`: the checkout closed unpaid (expired, or the booking was cancelled first)'),
      amount: z.number().int().describe('Minor units of `currency`; an occurrence of a paid series: its share of the series price'),
      series_amount: z.number().int().optional().describe('An occurrence of a paid recurring series: the price of the whole series (one checkout, on the first occurrence)'),
      currency: z.string().describe('Lower-case ISO 4217'),
      refunded_amount: z.number().int().describe('Refunds decided so far (minor units)'),
      refund_pending: z.boolean().describe('A refund decided that Stripe has not confirmed yet (retried by the cron)'),
      refund_manual: z
        .literal(true)
        .optional()
        .describe('The Stripe keys that took the payment were changed or removed since: the refund is not sent; the host gives it in the Stripe account that took the payment'),
      refund_manual_amount: z.number().int().optional().describe('With `refund_manual`: the minor units the host is to refund by hand'),
      expires_at: z.iso.datetime().nullable().describe('While awaiting payment: when the held time is let go'),
      refund_policy: refundPolicySchema.describe("The event type's refund policy when the booking was made"),
      cancel_refund_amount: z.number().int().describe("What the attendee's cancel would refund now (minor units); a host's cancel and a decline refund everything"),
      checkout_url: z.string().optional().describe("While awaiting payment: Stripe Checkout's page to pay on"),
    })
    .optional()
    .describe('Paid event types only: the payment (src/payments/machine.ts; the state table is in docs/DESIGN.md)'),
  reminders: z.array(reminderResponse).optional().describe("The host's view only (signed in as the host or a super admin): the booking's scheduled workflow steps, by due time"),
  calendar_sync: calendarSyncResponse
    .optional()
    .describe("The host's view only: the booking's write-back into the host's destination calendar (null when none was written)"),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
});

/** 201 of POST /v2/bookings: the booking, plus every occurrence when a recurring event type booked its series. */
export const createdBookingResponse = bookingResponse.extend({
  occurrences: z.array(bookingResponse).optional().describe('Only for a recurring event type: every occurrence booked, by start (the first is the booking above)'),
});

/** GET /v2/bookings/{recurring_booking_uid}: the series. */
export const seriesResponse = z.strictObject({
  recurring_booking_uid: z.string(),
  occurrences: z.array(bookingResponse).describe('Every occurrence of the series (cancelled ones too), by start'),
});
