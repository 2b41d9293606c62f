// Webhook bodies, as src/webhooks/payload.ts builds them (Cal.com's envelope). Strict, so a payload field added
// there but not here fails the envelope tests; the OpenAPI document's webhooks section is generated from them.
import { z } from 'zod';
import { BOOKING_STATUSES, WEBHOOK_TRIGGERS, type WebhookTrigger } from '../db/schema';
import { bookingFieldAnswerSchema } from '../event-types/booking-fields';

const calPerson = { name: z.string(), email: z.string(), timeZone: z.string() };
const organizer = z.strictObject({ id: z.number().int().positive(), ...calPerson });
const attendees = z.array(z.strictObject(calPerson));
const answer = z.strictObject({ label: z.string(), value: z.string().optional().describe('Absent when nothing was answered') });

const bookingPayload = z.strictObject({
  type: z.string().nullable().describe("The event type's slug"),
  title: z.string(),
  description: z.string().nullable(),
  additionalNotes: z.string(),
  startTime: z.iso.datetime(),
  endTime: z.iso.datetime(),
  organizer,
  attendees,
  responses: z
    .strictObject({ name: answer, email: answer, notes: answer })
    .catchall(z.strictObject({ label: z.string().describe("The question's label"), value: bookingFieldAnswerSchema }))
    .describe("Cal.com's form answers: the built-ins, then each answered booking question (and guests) by its field name"),
  location: z.string().nullable().describe("The link, address or number; else Cal.com's identifier of the location type"),
  uid: z.string(),
  bookingId: z.number().int().positive().nullable().describe('The booking id (filled in when the delivery is written)'),
  eventTypeId: z.number().int().positive().nullable(),
  length: z.number().int().describe('Minutes'),
  status: z.enum(BOOKING_STATUSES.map((s) => s.toUpperCase()) as [string, ...string[]]),
  metadata: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  seatUid: z.string().optional().describe("Seated event types: the seat this event is about (its attendee is the only one listed)"),
  payment: z
    .strictObject({ status: z.string(), amount: z.number().int(), currency: z.string(), refundedAmount: z.number().int() })
    .optional()
    .describe('Paid event types: the payment as of this change (amounts in minor units of the lower-case ISO 4217 currency)'),
  team: z
    .strictObject({ id: z.number().int().positive(), name: z.string(), members: z.array(organizer) })
    .optional()
    .describe('Team event types, on every trigger: the team and every host attending (a round robin: the assigned and fixed hosts); organizer is the assigned host'),
});

/** What each trigger adds to the common booking payload. */
const triggerExtras: Record<WebhookTrigger, z.ZodRawShape> = {
  BOOKING_CREATED: {},
  BOOKING_REQUESTED: {},
  BOOKING_CONFIRMED: {},
  BOOKING_RESCHEDULED: {
    rescheduleUid: z.string().describe('The same uid: a reschedule keeps it'),
    rescheduleStartTime: z.iso.datetime().describe('Start before the reschedule'),
    rescheduleEndTime: z.iso.datetime().describe('End before the reschedule'),
  },
  BOOKING_CANCELLED: { cancellationReason: z.string().nullable() },
  BOOKING_REJECTED: { rejectionReason: z.string().nullable() },
  BOOKING_PAYMENT_INITIATED: {},
  BOOKING_PAID: {},
  BOOKING_PAYMENT_REFUNDED: { refundAmount: z.number().int().positive().describe('This refund, in minor units (payment.refundedAmount is the total so far)') },
};

const envelopeOf = (trigger: WebhookTrigger) =>
  z.strictObject({
    triggerEvent: z.literal(trigger),
    createdAt: z.iso.datetime(),
    payload: bookingPayload.extend(triggerExtras[trigger]),
  });

export const bookingEnvelopeSchemas = Object.fromEntries(WEBHOOK_TRIGGERS.map((t) => [t, envelopeOf(t)])) as Record<
  WebhookTrigger,
  ReturnType<typeof envelopeOf>
>;

/** A workflow's `webhook` step (#29): the booking as it is when the step is due, and which step it is. */
export const meetingReminderEnvelopeSchema = z.strictObject({
  triggerEvent: z.literal('MEETING_REMINDER'),
  createdAt: z.iso.datetime(),
  payload: z.strictObject({
    type: z.string().nullable().describe("The event type's slug"),
    title: z.string(),
    startTime: z.iso.datetime(),
    endTime: z.iso.datetime(),
    organizer,
    attendees,
    location: z.string().nullable(),
    uid: z.string(),
    bookingId: z.number().int().positive().nullable(),
    eventTypeId: z.number().int().positive().nullable(),
    length: z.number().int().describe('Minutes'),
    status: z.enum(BOOKING_STATUSES.map((s) => s.toUpperCase()) as [string, ...string[]]),
    reminder: z.strictObject({
      workflowId: z.number().int().positive(),
      workflowName: z.string(),
      trigger: z.string().describe('The workflow trigger: before_start, after_end, on_booked, on_rescheduled or on_cancelled'),
      step: z.number().int().min(0).describe("Index in the workflow's steps"),
      dueAt: z.iso.datetime(),
    }),
  }),
});

export const pingEnvelopeSchema = z.strictObject({
  triggerEvent: z.literal('PING'),
  createdAt: z.iso.datetime(),
  payload: z.strictObject({
    type: z.literal('Test'),
    title: z.string(),
    startTime: z.iso.datetime(),
    endTime: z.iso.datetime(),
    organizer,
    attendees,
  }),
});
