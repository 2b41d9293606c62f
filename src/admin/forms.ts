// HTML forms to API bodies. A form only sends strings; they are turned into the JSON shape the API takes and then
// checked by the API's own zod schemas, so a mistake reads the same in the page as in a 400 response.
import type { z } from 'zod';
import type { EventType, Webhook } from '../db/schema';
import { createEventTypeBody, updateEventTypeBody } from '../event-types/schemas';
import type { ErrorIssue } from '../lib/errors';
import { toIssues } from '../lib/validation';
import { createWebhookBody, updateWebhookBody } from '../webhooks/schemas';
import { field } from './http';
import { LIMIT_PERIODS, type LimitPeriod, type PeriodLimits } from '../db/json-types';

export type Parsed<T> = { ok: true; data: T } | { ok: false; issues: ErrorIssue[] };

function parse<S extends z.ZodType>(schema: S, raw: unknown): Parsed<z.output<S>> {
  const result = schema.safeParse(raw);
  return result.success ? { ok: true, data: result.data } : { ok: false, issues: toIssues(result.error) };
}

/** "" is "not given"; a number-looking string becomes a number; anything else stays a string for zod to reject. */
function numberOrText(value: string): number | string | undefined {
  const v = value.trim();
  if (v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : v;
}

const textOrNull = (value: string) => (value.trim() === '' ? null : value);

// ---- Event types ----

/** What the event type form shows: the submitted strings (so nothing typed is lost) or a stored row. */
export interface EventTypeValues {
  owner_id: string;
  schedule_id: string;
  title: string;
  slug: string;
  description: string;
  duration_minutes: string;
  buffer_before_minutes: string;
  buffer_after_minutes: string;
  minimum_notice_hours: string;
  slot_interval_minutes: string;
  booking_window_days: string;
  location_type: string;
  location_value: string;
  generate_meeting_link: boolean;
  requires_confirmation: boolean;
  email_notifications: boolean;
  is_active: boolean;
  /** The booking questions as JSON (the API's booking_fields); blank: the built-ins only. */
  booking_fields: string;
  /** Booking limits, one box per period, named like the API's issue paths ("booking_limits_count.week"); blank: none. */
  limits: Record<LimitFieldName, string>;
  only_show_first_available_slot: boolean;
  max_active_bookings_per_booker: string;
  /** The series a booking books; blank freq: single bookings. Named like the API's issue paths. */
  'recurring_event.freq': string;
  'recurring_event.interval': string;
  'recurring_event.count': string;
  /** Seats per slot; blank: one attendee per booking. */
  seats_per_time_slot: string;
  seats_show_attendees: boolean;
  seats_show_availability_count: boolean;
}

export const LIMIT_KINDS = ['booking_limits_count', 'booking_limits_duration'] as const;
export type LimitKind = (typeof LIMIT_KINDS)[number];
export type LimitFieldName = `${LimitKind}.${LimitPeriod}`;
const LIMIT_FIELD_NAMES = LIMIT_KINDS.flatMap((kind) => LIMIT_PERIODS.map((period): LimitFieldName => `${kind}.${period}`));

function limitValues(stored: Record<LimitKind, PeriodLimits | null> | null): Record<LimitFieldName, string> {
  const values = {} as Record<LimitFieldName, string>;
  for (const name of LIMIT_FIELD_NAMES) {
    const [kind, period] = name.split('.') as [LimitKind, LimitPeriod];
    const n = stored?.[kind]?.[period];
    values[name] = n === undefined ? '' : String(n);
  }
  return values;
}

/** The boxes of one kind as the API's object; all blank is null (no limits). */
function limitsOf(v: EventTypeValues, kind: LimitKind): Record<string, unknown> | null {
  const limits = defined(Object.fromEntries(LIMIT_PERIODS.map((period) => [period, numberOrText(v.limits[`${kind}.${period}`])])));
  return Object.keys(limits).length ? limits : null;
}

export function newEventTypeValues(ownerId: number): EventTypeValues {
  return {
    owner_id: String(ownerId),
    schedule_id: '',
    title: '',
    slug: '',
    description: '',
    duration_minutes: '30',
    buffer_before_minutes: '0',
    buffer_after_minutes: '0',
    minimum_notice_hours: '0',
    slot_interval_minutes: '',
    booking_window_days: '60',
    location_type: '',
    location_value: '',
    generate_meeting_link: false,
    requires_confirmation: false,
    email_notifications: true,
    is_active: true,
    booking_fields: '',
    limits: limitValues(null),
    only_show_first_available_slot: false,
    max_active_bookings_per_booker: '',
    'recurring_event.freq': '',
    'recurring_event.interval': '1',
    'recurring_event.count': '4',
    seats_per_time_slot: '',
    seats_show_attendees: false,
    seats_show_availability_count: true,
  };
}

export function eventTypeValues(et: EventType): EventTypeValues {
  return {
    owner_id: String(et.ownerId),
    schedule_id: et.scheduleId === null ? '' : String(et.scheduleId),
    title: et.title,
    slug: et.slug,
    description: et.description ?? '',
    duration_minutes: String(et.durationMinutes),
    buffer_before_minutes: String(et.bufferBeforeMinutes),
    buffer_after_minutes: String(et.bufferAfterMinutes),
    minimum_notice_hours: String(et.minimumNoticeHours),
    slot_interval_minutes: et.slotIntervalMinutes === null ? '' : String(et.slotIntervalMinutes),
    booking_window_days: String(et.bookingWindowDays),
    location_type: et.locationType ?? '',
    location_value: et.locationValue ?? '',
    generate_meeting_link: et.generateMeetingLink,
    requires_confirmation: et.requiresConfirmation,
    email_notifications: et.emailNotifications,
    is_active: et.isActive,
    booking_fields: et.bookingFields ? JSON.stringify(et.bookingFields, null, 2) : '',
    limits: limitValues({ booking_limits_count: et.bookingLimitsCount, booking_limits_duration: et.bookingLimitsDuration }),
    only_show_first_available_slot: et.onlyShowFirstAvailableSlot,
    max_active_bookings_per_booker: et.maxActiveBookingsPerBooker === null ? '' : String(et.maxActiveBookingsPerBooker),
    'recurring_event.freq': et.recurringEvent?.freq ?? '',
    'recurring_event.interval': String(et.recurringEvent?.interval ?? 1),
    'recurring_event.count': String(et.recurringEvent?.count ?? 4),
    seats_per_time_slot: et.seatsPerTimeSlot === null ? '' : String(et.seatsPerTimeSlot),
    seats_show_attendees: et.seatsShowAttendees,
    seats_show_availability_count: et.seatsShowAvailabilityCount,
  };
}

export function eventTypeValuesFrom(form: FormData): EventTypeValues {
  const text = (name: keyof EventTypeValues | LimitFieldName) => field(form, name);
  return {
    owner_id: text('owner_id'),
    schedule_id: text('schedule_id'),
    title: text('title'),
    slug: text('slug').trim(),
    description: text('description'),
    duration_minutes: text('duration_minutes'),
    buffer_before_minutes: text('buffer_before_minutes'),
    buffer_after_minutes: text('buffer_after_minutes'),
    minimum_notice_hours: text('minimum_notice_hours'),
    slot_interval_minutes: text('slot_interval_minutes'),
    booking_window_days: text('booking_window_days'),
    location_type: text('location_type'),
    location_value: text('location_value'),
    // An unchecked checkbox is simply absent from the submission.
    generate_meeting_link: form.has('generate_meeting_link'),
    requires_confirmation: form.has('requires_confirmation'),
    email_notifications: form.has('email_notifications'),
    is_active: form.has('is_active'),
    booking_fields: text('booking_fields'),
    limits: Object.fromEntries(LIMIT_FIELD_NAMES.map((name) => [name, text(name)])) as Record<LimitFieldName, string>,
    only_show_first_available_slot: form.has('only_show_first_available_slot'),
    max_active_bookings_per_booker: text('max_active_bookings_per_booker'),
    'recurring_event.freq': text('recurring_event.freq'),
    'recurring_event.interval': text('recurring_event.interval'),
    'recurring_event.count': text('recurring_event.count'),
    seats_per_time_slot: text('seats_per_time_slot'),
    seats_show_attendees: form.has('seats_show_attendees'),
    seats_show_availability_count: form.has('seats_show_availability_count'),
  };
}

function eventTypeFields(v: EventTypeValues) {
  return {
    title: v.title,
    slug: v.slug,
    description: textOrNull(v.description),
    duration_minutes: numberOrText(v.duration_minutes),
    buffer_before_minutes: numberOrText(v.buffer_before_minutes),
    buffer_after_minutes: numberOrText(v.buffer_after_minutes),
    minimum_notice_hours: numberOrText(v.minimum_notice_hours),
    // Blank means "step by the duration", which the API spells null.
    slot_interval_minutes: numberOrText(v.slot_interval_minutes) ?? null,
    booking_window_days: numberOrText(v.booking_window_days),
    location_type: textOrNull(v.location_type),
    location_value: textOrNull(v.location_value),
    generate_meeting_link: v.generate_meeting_link,
    requires_confirmation: v.requires_confirmation,
    email_notifications: v.email_notifications,
    is_active: v.is_active,
    booking_fields: jsonOrText(v.booking_fields),
    // Blank boxes mean "no limit", which the API spells null.
    booking_limits_count: limitsOf(v, 'booking_limits_count'),
    booking_limits_duration: limitsOf(v, 'booking_limits_duration'),
    only_show_first_available_slot: v.only_show_first_available_slot,
    max_active_bookings_per_booker: numberOrText(v.max_active_bookings_per_booker) ?? null,
    recurring_event:
      v['recurring_event.freq'] === ''
        ? null
        : { freq: v['recurring_event.freq'], interval: numberOrText(v['recurring_event.interval']), count: numberOrText(v['recurring_event.count']) },
    seats_per_time_slot: numberOrText(v.seats_per_time_slot) ?? null,
    seats_show_attendees: v.seats_show_attendees,
    seats_show_availability_count: v.seats_show_availability_count,
  };
}

/** Blank is "not given" (create) or "the built-ins only" (update); text that is not JSON stays text for zod to refuse. */
function jsonOrText(value: string): unknown {
  if (value.trim() === '') return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** undefined keys are dropped: for the API they mean "use the default" (create) or "leave as is" (update). */
const defined = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

export function parseNewEventType(v: EventTypeValues) {
  return parse(createEventTypeBody, defined({ ...eventTypeFields(v), owner_id: numberOrText(v.owner_id) }));
}

export function parseEventTypeUpdate(v: EventTypeValues) {
  const fields = eventTypeFields(v);
  // A cleared questions box means "back to the built-ins only".
  return parse(updateEventTypeBody, defined({ ...fields, booking_fields: fields.booking_fields ?? [], schedule_id: numberOrText(v.schedule_id) }));
}

// ---- Webhooks ----

export interface WebhookValues {
  owner_id: string;
  subscriber_url: string;
  event_triggers: string[];
  active: boolean;
  /** Never filled from storage: the secret is write-only. */
  secret: string;
}

export function newWebhookValues(ownerId: number): WebhookValues {
  return { owner_id: String(ownerId), subscriber_url: '', event_triggers: ['BOOKING_CREATED', 'BOOKING_RESCHEDULED', 'BOOKING_CANCELLED'], active: true, secret: '' };
}

export function webhookValues(w: Webhook): WebhookValues {
  return { owner_id: String(w.ownerId), subscriber_url: w.subscriberUrl, event_triggers: [...w.eventTriggers], active: w.active, secret: '' };
}

export function webhookValuesFrom(form: FormData): WebhookValues {
  return {
    owner_id: field(form, 'owner_id'),
    subscriber_url: field(form, 'subscriber_url'),
    event_triggers: form.getAll('event_triggers').filter((t): t is string => typeof t === 'string'),
    active: form.has('active'),
    secret: field(form, 'secret'),
  };
}

function webhookFields(v: WebhookValues) {
  return {
    subscriber_url: v.subscriber_url,
    event_triggers: v.event_triggers,
    active: v.active,
    // Blank: generate one (create) or keep the current one (edit).
    secret: v.secret === '' ? undefined : v.secret,
  };
}

export function parseNewWebhook(v: WebhookValues) {
  return parse(createWebhookBody, defined(webhookFields(v)));
}

export function parseWebhookUpdate(v: WebhookValues) {
  return parse(updateWebhookBody, defined(webhookFields(v)));
}

/** The owner picked in a select: a positive integer, or an issue worded like the API's. */
export function parseOwnerId(value: string): Parsed<number> {
  const n = numberOrText(value);
  if (typeof n === 'number' && Number.isSafeInteger(n) && n > 0) return { ok: true, data: n };
  return { ok: false, issues: [{ path: 'owner_id', message: 'Choose an owner' }] };
}
