import { z } from 'zod';
import { decimalId, multiLine, NO_CONTROL_CHARS, pageQuery, singleLine } from '../lib/validation';
import { bookingFieldResponseSchema, bookingFieldsSchema } from './booking-fields';
import { misorderedPeriod } from '../slots/limits';
import { CALCOM_FREQ } from '../slots/recurrence';
import { BUFFER_MINUTES, DURATION_MINUTES, SEATS_PER_TIME_SLOT, SLOT_INTERVAL_MINUTES } from './limits';
import { LIMIT_PERIODS, RECURRENCE_FREQS, type PeriodLimits, type RecurringEvent } from '../db/json-types';
import { CURRENCIES, isCurrency, PAYMENT_DEADLINE_MINUTES } from '../payments/money';

export const LOCATION_TYPES = ['google_meet', 'ms_teams', 'zoom', 'phone', 'in_person'] as const;

const minutes = ({ min, max }: { min: number; max: number }) => z.number().int().min(min).max(max);

/**
 * `{ day?, week?, month?, year? }` with day <= week <= month <= year among those given; `{}` means no limit (null).
 * Periods are calendar day, ISO week (Monday) and calendar month/year in the schedule's time zone.
 */
const periodLimits = (max: number, unit: string) =>
  z
    .strictObject({
      day: z.number().int().min(1).max(max).optional(),
      week: z.number().int().min(1).max(max).optional(),
      month: z.number().int().min(1).max(max).optional(),
      year: z.number().int().min(1).max(max).optional(),
    })
    .superRefine((p, ctx) => {
      const period = misorderedPeriod(p);
      if (period) ctx.addIssue({ code: 'custom', path: [period], message: `The ${period} limit must not be below a shorter period's (day <= week <= month <= year)` });
    })
    .transform((p): PeriodLimits | null => (LIMIT_PERIODS.some((k) => p[k] !== undefined) ? p : null))
    .nullable()
    .describe(`${unit} per calendar day, ISO week (from Monday), calendar month and year in the schedule's time zone; day <= week <= month <= year`);

/** A booking books a series; Cal.com's numeric freq (0 yearly, 1 monthly, 2 weekly) is accepted on input. */
const recurringEvent = z
  .strictObject({
    freq: z.union([z.enum(RECURRENCE_FREQS), z.literal(0), z.literal(1), z.literal(2)]).transform((f): RecurringEvent['freq'] => (typeof f === 'number' ? CALCOM_FREQ[f]! : f)),
    interval: z.number().int().min(1).max(12),
    count: z.number().int().min(2).max(52),
  })
  .nullable()
  .describe(
    "Each booking books a series of `count` occurrences every `interval` weeks, months or years, at the same wall-clock time in the schedule's time zone (a month or year without that date is skipped, as RRULE does). Null: single bookings",
  );

// Every writable field with its range; create requires title, slug and duration, update takes any subset.
const fields = {
  title: z.string().trim().min(1).max(200).refine(singleLine, NO_CONTROL_CHARS),
  slug: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'Use lowercase letters, digits and single dashes'),
  description: z.string().max(5000).refine(multiLine, NO_CONTROL_CHARS).nullable(),
  duration_minutes: minutes(DURATION_MINUTES),
  buffer_before_minutes: minutes(BUFFER_MINUTES),
  buffer_after_minutes: minutes(BUFFER_MINUTES),
  minimum_notice_hours: z.number().int().min(0).max(8760),
  slot_interval_minutes: minutes(SLOT_INTERVAL_MINUTES).nullable(),
  booking_window_days: z.number().int().min(1).max(730),
  location_type: z.enum(LOCATION_TYPES).nullable(),
  location_value: z.string().trim().min(1).max(500).refine(singleLine, NO_CONTROL_CHARS).nullable(),
  requires_confirmation: z.boolean(),
  email_notifications: z.boolean(),
  is_active: z.boolean(),
  schedule_id: z.number().int().positive(),
  booking_fields: bookingFieldsSchema.describe(
    'The booking questions, in order. The built-ins name, email, notes and guests are always present (added where left out); custom fields have unique slug names.',
  ),
  booking_limits_count: periodLimits(10_000, 'Bookings of this event type (accepted and pending)'),
  booking_limits_duration: periodLimits(527_040, 'Booked minutes of this event type (accepted and pending)'),
  only_show_first_available_slot: z.boolean().describe('Offer only the first free start of each day (in the schedule\'s time zone)'),
  recurring_event: recurringEvent,
  max_active_bookings_per_booker: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .nullable()
    .describe('Future accepted and pending bookings of this event type per attendee email; more is 409 booker_limit_reached. Null: the host-wide cap per attendee applies'),
  seats_per_time_slot: z
    .number()
    .int()
    .min(SEATS_PER_TIME_SLOT.min)
    .max(SEATS_PER_TIME_SLOT.max)
    .nullable()
    .describe('Seats: up to this many attendees share one booking of a slot (2-1000). Null: one attendee per booking. Not with requires_confirmation or recurring_event'),
  seats_show_attendees: z.boolean().describe('Seats: a seat holder sees the other attendees of their slot'),
  seats_show_availability_count: z.boolean().describe('Seats: the slots endpoint says how many seats are booked and left'),
};

/** Every writable field (team event types build on them). */
export const eventTypeFields = fields;

/** What an attendee's cancel refunds (a decline, a host's cancel and a late payment always refund in full). */
export const refundPolicySchema = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('full_until_hours_before'), hours: z.number().int().min(0).max(8760) }),
    z.strictObject({ type: z.literal('none') }),
    z.strictObject({ type: z.literal('always_full') }),
  ])
  .describe("An attendee's cancel refunds the full price until `hours` before the start and nothing after (`full_until_hours_before`), never (`none`) or always (`always_full`)");

/** Paid event types (src/payments/): personal and team event types (the team owner is paid), recurring ones (a price per series) and seated ones (a price per seat). */
export const paymentFields = {
  price: z
    .number()
    .int()
    .min(1)
    .max(99_999_999)
    .nullable()
    .describe('The price in minor units of `currency` (2500 usd is $25.00; 500 jpy is ¥500: zero-decimal currencies have no minor unit). Null: free'),
  currency: z
    .string()
    .transform((c) => c.toLowerCase())
    .refine(isCurrency, `An ISO 4217 currency Stripe charges in (${CURRENCIES.length} codes, e.g. usd, eur, jpy)`)
    .nullable()
    .describe('ISO 4217 code, any case (answered lower case, as Stripe writes it); required with a price'),
  payment_deadline_minutes: z
    .number()
    .int()
    .min(PAYMENT_DEADLINE_MINUTES.min)
    .max(PAYMENT_DEADLINE_MINUTES.max)
    .describe('How long an unpaid booking holds its time (10-1440 minutes); then it expires and the time is free again'),
  refund_policy: refundPolicySchema,
};

/** Personal event types only: a team booking is written to several hosts' calendars, which would make several links. */
export const meetingLinkFields = {
  generate_meeting_link: z
    .boolean()
    .describe(
      "Each booking gets its own link, made by the host's destination calendar (PUT /v2/calendars/destination) when the booking is written there: a Google Meet link (location_type google_meet, a Google destination) or a Microsoft Teams link (ms_teams, a Microsoft destination); location_value must then be null. The booking's `location` is the link once the calendar made it (the confirmation email and BOOKING_CREATED webhook wait for it, at most about two minutes). False: location_value is the host's own link, address or number",
    ),
};

export const createEventTypeBody = z.strictObject({
  ...fields,
  description: fields.description.default(null),
  buffer_before_minutes: fields.buffer_before_minutes.default(0),
  buffer_after_minutes: fields.buffer_after_minutes.default(0),
  minimum_notice_hours: fields.minimum_notice_hours.default(0),
  slot_interval_minutes: fields.slot_interval_minutes.default(null),
  booking_window_days: fields.booking_window_days.default(60),
  location_type: fields.location_type.default(null),
  location_value: fields.location_value.default(null),
  requires_confirmation: fields.requires_confirmation.default(false),
  email_notifications: fields.email_notifications.default(true),
  is_active: fields.is_active.default(true),
  schedule_id: fields.schedule_id.optional(),
  booking_fields: fields.booking_fields.optional(),
  booking_limits_count: fields.booking_limits_count.default(null),
  booking_limits_duration: fields.booking_limits_duration.default(null),
  only_show_first_available_slot: fields.only_show_first_available_slot.default(false),
  max_active_bookings_per_booker: fields.max_active_bookings_per_booker.default(null),
  recurring_event: fields.recurring_event.default(null),
  seats_per_time_slot: fields.seats_per_time_slot.default(null),
  seats_show_attendees: fields.seats_show_attendees.default(false),
  seats_show_availability_count: fields.seats_show_availability_count.default(true),
  price: paymentFields.price.default(null),
  currency: paymentFields.currency.default(null),
  payment_deadline_minutes: paymentFields.payment_deadline_minutes.default(PAYMENT_DEADLINE_MINUTES.default),
  refund_policy: paymentFields.refund_policy.optional(),
  generate_meeting_link: meetingLinkFields.generate_meeting_link.default(false),
  /** Super admins may create an event type for another user. */
  owner_id: z.number().int().positive().optional(),
});

export const updateEventTypeBody = z
  .strictObject({ ...fields, ...paymentFields, ...meetingLinkFields })
  .partial()
  .refine((body) => Object.keys(body).length > 0, { message: 'Nothing to update' });

export const listEventTypesQuery = z.strictObject({
  ...pageQuery,
  owner_id: decimalId.optional(),
});

export type CreateEventTypeBody = z.infer<typeof createEventTypeBody>;
export type UpdateEventTypeBody = z.infer<typeof updateEventTypeBody>;

const periodLimitsResponse = z
  .strictObject({ day: z.number().int().optional(), week: z.number().int().optional(), month: z.number().int().optional(), year: z.number().int().optional() })
  .nullable();

// Response shape (what `eventTypeJson` answers), for the OpenAPI document and its contract tests. Strict, so a
// field added to the serializer but not here fails those tests instead of going undocumented.
export const eventTypeResponse = z.strictObject({
  id: z.number().int().positive(),
  owner_id: z.number().int().positive(),
  title: z.string(),
  slug: z.string(),
  description: z.string().nullable(),
  duration_minutes: z.number().int(),
  buffer_before_minutes: z.number().int(),
  buffer_after_minutes: z.number().int(),
  minimum_notice_hours: z.number().int(),
  slot_interval_minutes: z.number().int().nullable().describe('Null: slots step by the duration'),
  booking_window_days: z.number().int(),
  location_type: z.enum(LOCATION_TYPES).nullable(),
  location_value: z.string().nullable().optional().describe('Only for the owner and super admins; attendees get it in the booking'),
  requires_confirmation: z.boolean(),
  email_notifications: z.boolean().describe('Off: bookings of this event type send no emails (webhooks still fire)'),
  is_active: z.boolean(),
  schedule_id: z.number().int().positive().optional().describe('Only for the owner and super admins'),
  booking_fields: z.array(bookingFieldResponseSchema).describe('The full ordered list of booking questions, built-ins included'),
  booking_limits_count: periodLimitsResponse,
  booking_limits_duration: periodLimitsResponse,
  only_show_first_available_slot: z.boolean(),
  max_active_bookings_per_booker: z.number().int().nullable(),
  recurring_event: z.strictObject({ freq: z.enum(RECURRENCE_FREQS), interval: z.number().int(), count: z.number().int() }).nullable(),
  seats_per_time_slot: z.number().int().nullable(),
  seats_show_attendees: z.boolean(),
  seats_show_availability_count: z.boolean(),
  price: z.number().int().nullable().describe('Minor units of `currency`; null: free'),
  currency: z.string().nullable(),
  payment_deadline_minutes: z.number().int(),
  refund_policy: refundPolicySchema,
  generate_meeting_link: z.boolean().describe('Each booking gets its own Google Meet (google_meet) or Teams (ms_teams) link from the host\'s destination calendar'),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
});
