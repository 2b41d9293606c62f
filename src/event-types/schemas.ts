import { z } from 'zod';
import { decimalId, multiLine, NO_CONTROL_CHARS, pageQuery, singleLine } from '../lib/validation';
import { bookingFieldResponseSchema, bookingFieldsSchema } from './booking-fields';
import { BUFFER_MINUTES, DURATION_MINUTES, SLOT_INTERVAL_MINUTES } from './limits';

export const LOCATION_TYPES = ['google_meet', 'zoom', 'phone', 'in_person'] as const;

const minutes = ({ min, max }: { min: number; max: number }) => z.number().int().min(min).max(max);

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
  /** Super admins may create an event type for another user. */
  owner_id: z.number().int().positive().optional(),
});

export const updateEventTypeBody = z
  .strictObject(fields)
  .partial()
  .refine((body) => Object.keys(body).length > 0, { message: 'Nothing to update' });

export const listEventTypesQuery = z.strictObject({
  ...pageQuery,
  owner_id: decimalId.optional(),
});

export type CreateEventTypeBody = z.infer<typeof createEventTypeBody>;
export type UpdateEventTypeBody = z.infer<typeof updateEventTypeBody>;

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
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
});
