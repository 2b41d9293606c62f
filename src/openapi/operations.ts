// The route list of the OpenAPI document: one row per `/v2` route, naming the very zod schemas its handler validates
// with and answers in. test/openapi.test.ts compares these rows with `app.routes` both ways, so a route cannot be
// added or removed without this table following.
import { z } from 'zod';
import { loginBody } from '../auth/schemas';
import {
  bookingResponse,
  createBookingBody,
  idempotencyKeySchema,
  listBookingsQuery,
  reasonBody,
  rescheduleBody,
  uidParam,
} from '../bookings/schemas';
import {
  createEventTypeBody,
  eventTypeResponse,
  listEventTypesQuery,
  updateEventTypeBody,
} from '../event-types/schemas';
import { createFeedBody, feedCreatedResponse, feedResponse, listFeedsQuery } from '../calendar-feeds/schemas';
import {
  calendarResponse,
  createCalendarBody,
  listCalendarsQuery,
  updateCalendarBody,
} from '../calendars/schemas';
import type { ErrorCode } from '../lib/errors';
import { idParam } from '../lib/validation';
import {
  createOverrideBody,
  createScheduleBody,
  dateOverrideResponse,
  listSchedulesQuery,
  overrideParam,
  scheduleResponse,
  updateScheduleBody,
} from '../schedules/schemas';
import { createReservationBody, reservationParam, reservationResponse, updateReservationBody } from '../reservations/schemas';
import { availableSlotsQuery, slotsResponse } from '../slots/schemas';
import { createUserBody, listUsersQuery, updateMeBody, updateUserBody, userResponse } from '../users/schemas';
import {
  createWebhookBody,
  deliveryResponse,
  listDeliveriesQuery,
  listWebhooksQuery,
  updateWebhookBody,
  webhookCreatedResponse,
  webhookUpdatedResponse,
  webhookResponse,
} from '../webhooks/schemas';
import { errorSchema, listEnvelope, loginResponse } from './schemas';
import { TEAM_OPERATIONS, TEAM_REQUEST_SCHEMAS, TEAM_RESPONSE_SCHEMAS } from '../teams/openapi';

/**
 * Who may call: `public` needs no session; `optional` works without one and shows more with one; `session` needs a
 * valid session; `super_admin` needs a session of a super admin.
 */
export type Auth = 'public' | 'optional' | 'session' | 'super_admin';

export const TAGS = [
  { name: 'Auth', description: 'Sign in and out. A session token works as `Authorization: Bearer <token>` or as the `session` cookie.' },
  { name: 'Users', description: 'User management, for super admins. Users are deactivated, never erased.' },
  { name: 'Event types', description: 'What can be booked: duration, buffers, notice, location, confirmation.' },
  {
    name: 'Schedules',
    description: 'Weekly hours and date overrides in an IANA timezone. Every user has exactly one default schedule.',
  },
  {
    name: 'Slots',
    description:
      'The start times an event type offers right now, and slot reservations: a hold that keeps a slot for an invitee while they fill in the booking form.',
  },
  {
    name: 'Bookings',
    description: "Booking, rescheduling and cancelling need no session: a booking's uid is the attendee's capability.",
  },
  { name: 'Webhooks', description: 'Signed HTTP callbacks on booking changes; see the webhooks section for the bodies.' },
  {
    name: 'Calendar feeds',
    description:
      'Secret iCalendar subscription URLs (`/feeds/{token}.ics`) listing your accepted and pending bookings from 30 days ' +
      'back to your booking window, for Google, Apple or Outlook calendars. The feed answers `ETag` and honours ' +
      '`If-None-Match` with 304; a revoked or unknown token is a 404.',
  },
  {
    name: 'Calendars',
    description:
      "External calendars (private ICS addresses) whose busy time blocks the host's slots. Synced in the background every 15 minutes; the address is write-only.",
  },
  { name: 'Teams', description: 'Teams, their members and roles, and their round-robin and collective event types.' },
  { name: 'Meta', description: 'This API description.' },
] as const;

export type Tag = (typeof TAGS)[number]['name'];

// Named schemas, shown under components.schemas and referenced by name. Requests are described as clients send
// them (zod input), responses as the server answers (zod output).
export const REQUEST_SCHEMAS = {
  LoginBody: loginBody,
  CreateUserBody: createUserBody,
  UpdateUserBody: updateUserBody,
  UpdateMeBody: updateMeBody,
  CreateEventTypeBody: createEventTypeBody,
  UpdateEventTypeBody: updateEventTypeBody,
  CreateScheduleBody: createScheduleBody,
  UpdateScheduleBody: updateScheduleBody,
  CreateDateOverrideBody: createOverrideBody,
  CreateReservationBody: createReservationBody,
  UpdateReservationBody: updateReservationBody,
  CreateBookingBody: createBookingBody,
  RescheduleBookingBody: rescheduleBody,
  ReasonBody: reasonBody,
  CreateWebhookBody: createWebhookBody,
  UpdateWebhookBody: updateWebhookBody,
  CreateCalendarFeedBody: createFeedBody,
  CreateCalendarBody: createCalendarBody,
  UpdateCalendarBody: updateCalendarBody,
  ...TEAM_REQUEST_SCHEMAS,
} satisfies Record<string, z.ZodType>;

export const RESPONSE_SCHEMAS = {
  Error: errorSchema,
  LoginResponse: loginResponse,
  User: userResponse,
  UserList: listEnvelope(userResponse),
  EventType: eventTypeResponse,
  EventTypeList: listEnvelope(eventTypeResponse),
  Schedule: scheduleResponse,
  ScheduleList: listEnvelope(scheduleResponse),
  DateOverride: dateOverrideResponse,
  AvailableSlots: slotsResponse,
  Reservation: reservationResponse,
  Booking: bookingResponse,
  BookingList: listEnvelope(bookingResponse),
  Webhook: webhookResponse,
  WebhookCreated: webhookCreatedResponse,
  WebhookUpdated: webhookUpdatedResponse,
  WebhookList: listEnvelope(webhookResponse),
  WebhookDelivery: deliveryResponse,
  WebhookDeliveryList: listEnvelope(deliveryResponse),
  CalendarFeed: feedResponse,
  CalendarFeedCreated: feedCreatedResponse,
  CalendarFeedList: listEnvelope(feedResponse),
  Calendar: calendarResponse,
  CalendarList: listEnvelope(calendarResponse),
  ...TEAM_RESPONSE_SCHEMAS,
} satisfies Record<string, z.ZodType>;

const openApiDocumentSchema = z.record(z.string(), z.unknown()).describe('This OpenAPI 3.1 document');

export interface HeaderParam {
  name: string;
  schema: z.ZodType;
  description: string;
  required?: boolean;
}

export interface Operation {
  operationId: string;
  method: 'get' | 'post' | 'patch' | 'delete';
  /** OpenAPI style: `{uid}` where Hono has `:uid`. */
  path: string;
  tag: Tag;
  summary: string;
  description?: string;
  auth: Auth;
  params?: z.ZodObject;
  query?: z.ZodType;
  headers?: HeaderParam[];
  /** `required: false` for bodies the handler defaults when absent. */
  body?: { schema: z.ZodType; required?: boolean };
  success: {
    status: 200 | 201 | 202 | 204;
    description: string;
    schema?: z.ZodType;
    /** A body that is not JSON (an iCalendar file): its media type, documented as a string. */
    mediaType?: string;
    headers?: Record<string, string>;
  };
  /**
   * Errors particular to this route, with when they happen. Those that follow from the row's shape are added by the
   * document builder: 400 with a body or query, 404 with path parameters, 401/403 from `auth`, 413/415 with a
   * body, 500 always.
   */
  errors?: Partial<Record<ErrorCode, string>>;
}

const R = RESPONSE_SCHEMAS;
const B = REQUEST_SCHEMAS;

export const OPERATIONS: Operation[] = [
  // Meta
  {
    operationId: 'getOpenApiDocument',
    method: 'get',
    path: '/v2/openapi.json',
    tag: 'Meta',
    summary: 'This API description (OpenAPI 3.1)',
    description: 'A human-readable rendering of it is served at `/docs`.',
    auth: 'public',
    success: { status: 200, description: 'The OpenAPI document', schema: openApiDocumentSchema },
  },

  // Auth
  {
    operationId: 'login',
    method: 'post',
    path: '/v2/auth/login',
    tag: 'Auth',
    summary: 'Sign in',
    description: 'Answers a session token and sets it as the `session` cookie (HttpOnly, Secure, SameSite=Lax).',
    auth: 'public',
    body: { schema: B.LoginBody },
    success: {
      status: 200,
      description: 'Signed in',
      schema: R.LoginResponse,
      headers: { 'Set-Cookie': 'session=<token>; HttpOnly; Secure; SameSite=Lax; Path=/' },
    },
    errors: {
      unauthorized: 'Wrong email or password, or the user is deactivated',
      rate_limited:
        'Ten attempts for this email from this network (or a hundred from all networks) within 15 minutes, or too many sign-in attempts from this client IP within a minute; the Retry-After header says when to try again',
    },
  },
  {
    operationId: 'logout',
    method: 'post',
    path: '/v2/auth/logout',
    tag: 'Auth',
    summary: 'Sign out',
    description: 'Ends the session that made the request and clears the cookie.',
    auth: 'session',
    success: { status: 204, description: 'Signed out' },
  },
  {
    operationId: 'getMe',
    method: 'get',
    path: '/v2/me',
    tag: 'Auth',
    summary: 'The signed-in user',
    auth: 'session',
    success: { status: 200, description: 'The user', schema: R.User },
  },
  {
    operationId: 'updateMe',
    method: 'patch',
    path: '/v2/me',
    tag: 'Auth',
    summary: 'Change your name, username or timezone',
    description: 'The username is the first path segment of your public booking pages (`/{username}`).',
    auth: 'session',
    body: { schema: B.UpdateMeBody },
    success: { status: 200, description: 'The updated user', schema: R.User },
    errors: { conflict: 'This username is taken' },
  },

  // Users
  {
    operationId: 'listUsers',
    method: 'get',
    path: '/v2/users',
    tag: 'Users',
    summary: 'List users',
    auth: 'super_admin',
    query: listUsersQuery,
    success: { status: 200, description: 'A page of users, by id', schema: R.UserList },
  },
  {
    operationId: 'createUser',
    method: 'post',
    path: '/v2/users',
    tag: 'Users',
    summary: 'Create a user',
    description: 'The user starts with a default schedule: Monday to Friday, 09:00-17:00 in their timezone.',
    auth: 'super_admin',
    body: { schema: B.CreateUserBody },
    success: { status: 201, description: 'Created', schema: R.User },
    errors: { conflict: 'A user with this email already exists, or the username is taken' },
  },
  {
    operationId: 'getUser',
    method: 'get',
    path: '/v2/users/{id}',
    tag: 'Users',
    summary: 'Get a user',
    auth: 'super_admin',
    params: idParam,
    success: { status: 200, description: 'The user', schema: R.User },
  },
  {
    operationId: 'updateUser',
    method: 'patch',
    path: '/v2/users/{id}',
    tag: 'Users',
    summary: 'Update a user',
    description: 'Deactivating a user or changing their password ends their sessions.',
    auth: 'super_admin',
    params: idParam,
    body: { schema: B.UpdateUserBody },
    success: { status: 200, description: 'The updated user', schema: R.User },
    errors: { conflict: 'You cannot deactivate or demote yourself, or the username is taken' },
  },
  {
    operationId: 'deactivateUser',
    method: 'delete',
    path: '/v2/users/{id}',
    tag: 'Users',
    summary: 'Deactivate a user',
    description: 'Users are deactivated, never erased, so their bookings and history stay intact.',
    auth: 'super_admin',
    params: idParam,
    success: { status: 200, description: 'The deactivated user', schema: R.User },
    errors: { conflict: 'You cannot deactivate yourself' },
  },

  // Event types
  {
    operationId: 'listEventTypes',
    method: 'get',
    path: '/v2/event-types',
    tag: 'Event types',
    summary: 'List event types',
    description:
      'Without a session: active event types. Signed in: also your inactive ones (a super admin: all). ' +
      'Only the owner and super admins see `location_value` and `schedule_id`; the attendee gets the location in the booking.',
    auth: 'optional',
    query: listEventTypesQuery,
    success: { status: 200, description: 'A page of event types, by id', schema: R.EventTypeList },
  },
  {
    operationId: 'createEventType',
    method: 'post',
    path: '/v2/event-types',
    tag: 'Event types',
    summary: 'Create an event type',
    description: 'Without `schedule_id` it uses the owner’s default schedule. Super admins may set `owner_id`.',
    auth: 'session',
    body: { schema: B.CreateEventTypeBody },
    success: { status: 201, description: 'Created', schema: R.EventType },
    errors: {
      forbidden: 'owner_id names another user and you are not a super admin',
      conflict: 'The owner already has an event type with this slug',
    },
  },
  {
    operationId: 'getEventType',
    method: 'get',
    path: '/v2/event-types/{id}',
    tag: 'Event types',
    summary: 'Get one of your event types',
    auth: 'session',
    params: idParam,
    success: { status: 200, description: 'The event type', schema: R.EventType },
  },
  {
    operationId: 'updateEventType',
    method: 'patch',
    path: '/v2/event-types/{id}',
    tag: 'Event types',
    summary: 'Update an event type',
    description: 'Any subset of the fields; at least one.',
    auth: 'session',
    params: idParam,
    body: { schema: B.UpdateEventTypeBody },
    success: { status: 200, description: 'The updated event type', schema: R.EventType },
    errors: { conflict: 'The owner already has an event type with this slug' },
  },
  {
    operationId: 'deleteEventType',
    method: 'delete',
    path: '/v2/event-types/{id}',
    tag: 'Event types',
    summary: 'Delete an event type',
    description: 'Its bookings stay, with `event_type_id` null.',
    auth: 'session',
    params: idParam,
    success: { status: 204, description: 'Deleted' },
  },

  // Schedules
  {
    operationId: 'listSchedules',
    method: 'get',
    path: '/v2/schedules',
    tag: 'Schedules',
    summary: 'List your schedules',
    auth: 'session',
    query: listSchedulesQuery,
    success: { status: 200, description: 'A page of schedules, by id', schema: R.ScheduleList },
  },
  {
    operationId: 'createSchedule',
    method: 'post',
    path: '/v2/schedules',
    tag: 'Schedules',
    summary: 'Create a schedule',
    description:
      'Wall-clock times are HH:MM in the schedule’s timezone; a range may end at 24:00. Super admins may set `user_id`.',
    auth: 'session',
    body: { schema: B.CreateScheduleBody },
    success: { status: 201, description: 'Created', schema: R.Schedule },
    errors: { forbidden: 'user_id names another user and you are not a super admin' },
  },
  {
    operationId: 'getSchedule',
    method: 'get',
    path: '/v2/schedules/{id}',
    tag: 'Schedules',
    summary: 'Get a schedule',
    auth: 'session',
    params: idParam,
    success: { status: 200, description: 'The schedule', schema: R.Schedule },
  },
  {
    operationId: 'updateSchedule',
    method: 'patch',
    path: '/v2/schedules/{id}',
    tag: 'Schedules',
    summary: 'Update a schedule',
    description: 'Given lists replace the stored ones entirely.',
    auth: 'session',
    params: idParam,
    body: { schema: B.UpdateScheduleBody },
    success: { status: 200, description: 'The updated schedule', schema: R.Schedule },
    errors: { conflict: 'is_default false on the default schedule: make another schedule the default instead' },
  },
  {
    operationId: 'deleteSchedule',
    method: 'delete',
    path: '/v2/schedules/{id}',
    tag: 'Schedules',
    summary: 'Delete a schedule',
    auth: 'session',
    params: idParam,
    success: { status: 204, description: 'Deleted' },
    errors: { conflict: 'It is the default schedule, or event types still use it' },
  },
  {
    operationId: 'addDateOverride',
    method: 'post',
    path: '/v2/schedules/{id}/overrides',
    tag: 'Schedules',
    summary: 'Add a date override',
    description: 'No times: the whole local date is blocked. With times: a range that replaces that date’s weekly hours.',
    auth: 'session',
    params: idParam,
    body: { schema: B.CreateDateOverrideBody },
    success: { status: 201, description: 'Added', schema: R.DateOverride },
    errors: { conflict: 'It clashes with an override of the same date, or the schedule has the most overrides allowed' },
  },
  {
    operationId: 'deleteDateOverride',
    method: 'delete',
    path: '/v2/schedules/{id}/overrides/{override_id}',
    tag: 'Schedules',
    summary: 'Delete a date override',
    auth: 'session',
    params: overrideParam,
    success: { status: 204, description: 'Deleted' },
  },

  // Slots
  {
    operationId: 'getAvailableSlots',
    method: 'get',
    path: '/v2/slots/available',
    tag: 'Slots',
    summary: 'Available slots of an event type',
    description:
      'Slots inside the schedule’s hours (after overrides), past the minimum notice, within the booking window, ' +
      'not overlapping the host’s bookings with buffers. The range may span at most 93 days.',
    auth: 'public',
    query: availableSlotsQuery,
    success: { status: 200, description: 'Slots grouped by local date', schema: R.AvailableSlots },
    errors: {
      not_found: 'No active event type with this id',
      rate_limited: 'Too many slot queries for this event type from this client IP within a minute (generous); see Retry-After',
    },
  },
  {
    operationId: 'reserveSlot',
    method: 'post',
    path: '/v2/slots/reservations',
    tag: 'Slots',
    summary: 'Hold a slot while the invitee fills in the form',
    description:
      'The held slot disappears from everyone else’s GET /v2/slots/available (pass `reservation_uid` there to keep seeing ' +
      'your own) and can only be booked with `reservation_uid` on POST /v2/bookings, which replaces the hold by the ' +
      'booking atomically. A hold lasts 5 minutes; the event type’s host or a super admin may choose 1-60. A client ' +
      '(IP, and the signed-in user) keeps at most a few live holds per host.',
    auth: 'optional',
    body: { schema: B.CreateReservationBody },
    success: { status: 201, description: 'Held', schema: R.Reservation },
    errors: {
      forbidden: 'reservation_duration_minutes from anyone but the signed-in host or a super admin',
      not_found: 'No active event type with this id',
      slot_unavailable: 'The start is not an offered slot (booked or held by someone else); the message says why',
      too_many_holds: 'This client already holds the most slots allowed with this host',
      rate_limited: 'Too many requests from this client IP within a minute; the Retry-After header says when to try again',
    },
  },
  {
    operationId: 'getReservation',
    method: 'get',
    path: '/v2/slots/reservations/{uid}',
    tag: 'Slots',
    summary: 'Get a slot reservation',
    description: 'An expired reservation is gone: 404.',
    auth: 'public',
    params: reservationParam,
    success: { status: 200, description: 'The live reservation', schema: R.Reservation },
  },
  {
    operationId: 'updateReservation',
    method: 'patch',
    path: '/v2/slots/reservations/{uid}',
    tag: 'Slots',
    summary: 'Move or extend a slot reservation',
    description:
      'Moving keeps the expiry; extending (`reservation_duration_minutes`, at most 60, from now) is for the host or a super admin.',
    auth: 'optional',
    params: reservationParam,
    body: { schema: B.UpdateReservationBody },
    success: { status: 200, description: 'The changed reservation', schema: R.Reservation },
    errors: {
      forbidden: 'reservation_duration_minutes from anyone but the signed-in host or a super admin',
      not_found: 'No live reservation with this uid',
      slot_unavailable: 'The new start is not an offered slot; the message says why',
      rate_limited: 'Too many requests from this client IP within a minute; the Retry-After header says when to try again',
    },
  },
  {
    operationId: 'releaseReservation',
    method: 'delete',
    path: '/v2/slots/reservations/{uid}',
    tag: 'Slots',
    summary: 'Release a slot reservation',
    auth: 'public',
    params: reservationParam,
    success: { status: 204, description: 'Released: the slot is offered again' },
    errors: {
      not_found: 'No live reservation with this uid',
      rate_limited: 'Too many requests from this client IP within a minute; the Retry-After header says when to try again',
    },
  },

  // Bookings
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
      '`reservation_uid` the booking replaces your hold atomically.',
    auth: 'public',
    headers: [
      {
        name: 'Idempotency-Key',
        schema: idempotencyKeySchema,
        description: 'Makes retries safe: the same key with the same body returns the first answer (scoped to the caller, kept 24 hours)',
      },
    ],
    body: { schema: B.CreateBookingBody },
    success: { status: 201, description: 'Booked (or the replayed first answer for an Idempotency-Key)', schema: R.Booking },
    errors: {
      not_found: 'No active event type with this id, or reservation_uid names no live reservation for this event type and start',
      slot_unavailable: 'The start is not a slot GET /v2/slots/available would offer now; the message says why',
      idempotency_key_reused: 'The Idempotency-Key was already used with a different body',
      validation_failed: 'A bad body, or a `location` the event type does not take from the attendee',
      too_many_bookings: 'The attendee email already has the most upcoming bookings allowed with this host',
      rate_limited: 'Too many requests from this client IP within a minute; the Retry-After header says when to try again',
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
    success: { status: 200, description: 'A page of bookings', schema: R.BookingList },
  },
  {
    operationId: 'getBooking',
    method: 'get',
    path: '/v2/bookings/{uid}',
    tag: 'Bookings',
    summary: 'Get a booking',
    auth: 'public',
    params: uidParam,
    success: { status: 200, description: 'The booking', schema: R.Booking },
  },
  {
    operationId: 'getBookingIcs',
    method: 'get',
    path: '/v2/bookings/{uid}/ics',
    tag: 'Bookings',
    summary: 'Download a booking as an iCalendar file',
    description:
      'RFC 5545, one VEVENT with the same UID and SEQUENCE as the invitation emails, so importing it and receiving ' +
      'the emails yield one calendar entry. A cancelled or declined booking has STATUS:CANCELLED.',
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
    summary: 'Reschedule a booking',
    description: 'Atomic: the new slot is taken and the old one freed in one step.',
    auth: 'public',
    params: uidParam,
    body: { schema: B.RescheduleBookingBody },
    success: { status: 200, description: 'The moved booking', schema: R.Booking },
    errors: {
      conflict: 'The booking is cancelled, rejected or already started',
      slot_unavailable: 'The new start is not an offered slot; the message says why',
      rate_limited: 'Too many requests from this client IP within a minute; the Retry-After header says when to try again',
    },
  },
  {
    operationId: 'cancelBooking',
    method: 'delete',
    path: '/v2/bookings/{uid}',
    tag: 'Bookings',
    summary: 'Cancel a booking',
    description:
      'Cancelling twice is harmless: the booking is answered as it is. Once the booking has started only its host or a ' +
      'super admin (with their session) may cancel it.',
    auth: 'public',
    params: uidParam,
    body: { schema: B.ReasonBody, required: false },
    success: { status: 200, description: 'The cancelled booking', schema: R.Booking },
    errors: {
      conflict: 'The booking has started and the caller is not its host, or it changed meanwhile',
      rate_limited: 'Too many requests from this client IP within a minute; the Retry-After header says when to try again',
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
    success: { status: 200, description: 'The accepted booking', schema: R.Booking },
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
    body: { schema: B.ReasonBody, required: false },
    success: { status: 200, description: 'The rejected booking', schema: R.Booking },
    errors: { conflict: 'The booking is not pending, or the request expired (its start has passed)' },
  },

  // Webhooks
  {
    operationId: 'listWebhooks',
    method: 'get',
    path: '/v2/webhooks',
    tag: 'Webhooks',
    summary: 'List your webhooks',
    auth: 'session',
    query: listWebhooksQuery,
    success: { status: 200, description: 'A page of webhooks, by id', schema: R.WebhookList },
  },
  {
    operationId: 'createWebhook',
    method: 'post',
    path: '/v2/webhooks',
    tag: 'Webhooks',
    summary: 'Subscribe to booking events',
    description:
      'The secret is write-only. Without one, a `whsec_` secret (32 random bytes, base64) is generated and shown once, in this response. ' +
      '`signing_secret_standard` is the secret as Standard Webhooks libraries take it, for the `webhook-signature` header. ' +
      'The URL must be https and public unless the server allows private URLs (development). ' +
      'An owner may have at most 25 webhooks (`WEBHOOK_MAX_PER_OWNER`).',
    auth: 'session',
    body: { schema: B.CreateWebhookBody },
    success: { status: 201, description: 'Created', schema: R.WebhookCreated },
    errors: { conflict: 'The owner already has the maximum number of webhooks' },
  },
  {
    operationId: 'getWebhook',
    method: 'get',
    path: '/v2/webhooks/{id}',
    tag: 'Webhooks',
    summary: 'Get a webhook',
    auth: 'session',
    params: idParam,
    success: { status: 200, description: 'The webhook (never its secret)', schema: R.Webhook },
  },
  {
    operationId: 'updateWebhook',
    method: 'patch',
    path: '/v2/webhooks/{id}',
    tag: 'Webhooks',
    summary: 'Update a webhook',
    auth: 'session',
    params: idParam,
    description: 'When the body sets a new `secret`, the answer carries its `signing_secret_standard`, this once.',
    body: { schema: B.UpdateWebhookBody },
    success: { status: 200, description: 'The updated webhook', schema: R.WebhookUpdated },
  },
  {
    operationId: 'deleteWebhook',
    method: 'delete',
    path: '/v2/webhooks/{id}',
    tag: 'Webhooks',
    summary: 'Delete a webhook',
    description: 'Its delivery log goes with it.',
    auth: 'session',
    params: idParam,
    success: { status: 204, description: 'Deleted' },
  },
  {
    operationId: 'listWebhookDeliveries',
    method: 'get',
    path: '/v2/webhooks/{id}/deliveries',
    tag: 'Webhooks',
    summary: 'Delivery log of a webhook',
    description: 'Newest first, with every attempt.',
    auth: 'session',
    params: idParam,
    query: listDeliveriesQuery,
    success: { status: 200, description: 'A page of deliveries', schema: R.WebhookDeliveryList },
  },
  {
    operationId: 'pingWebhook',
    method: 'post',
    path: '/v2/webhooks/{id}/ping',
    tag: 'Webhooks',
    summary: 'Send a test delivery',
    description: 'Sends a PING envelope now and answers its outcome, which is also logged as a delivery.',
    auth: 'session',
    params: idParam,
    success: { status: 200, description: 'The logged test delivery', schema: R.WebhookDelivery },
  },
  {
    operationId: 'listCalendarFeeds',
    method: 'get',
    path: '/v2/calendar-feeds',
    tag: 'Calendar feeds',
    summary: 'List your calendar feeds',
    description: 'Without their tokens: those are shown once, at creation. A super admin sees every user\'s feeds.',
    auth: 'session',
    query: listFeedsQuery,
    success: { status: 200, description: 'A page of feeds, by id', schema: R.CalendarFeedList },
  },
  {
    operationId: 'createCalendarFeed',
    method: 'post',
    path: '/v2/calendar-feeds',
    tag: 'Calendar feeds',
    summary: 'Make a secret subscription URL for your bookings',
    description: 'Answers the token and the URL once; subscribe to the URL in your calendar app ("From URL" / "Subscribe").',
    auth: 'session',
    body: { schema: B.CreateCalendarFeedBody, required: false },
    success: { status: 201, description: 'Created; the only time the token is shown', schema: R.CalendarFeedCreated },
  },
  {
    operationId: 'deleteCalendarFeed',
    method: 'delete',
    path: '/v2/calendar-feeds/{id}',
    tag: 'Calendar feeds',
    summary: 'Revoke a calendar feed',
    description: 'Its URL answers 404 from now on.',
    auth: 'session',
    params: idParam,
    success: { status: 204, description: 'Revoked' },
  },
  // Calendars
  {
    operationId: 'listCalendars',
    method: 'get',
    path: '/v2/calendars',
    tag: 'Calendars',
    summary: 'List connected calendars',
    description: 'Your own; a super admin sees everyone\'s and may filter by `owner_id`.',
    auth: 'session',
    query: listCalendarsQuery,
    success: { status: 200, description: 'A page of calendar connections, by id', schema: R.CalendarList },
  },
  {
    operationId: 'createCalendar',
    method: 'post',
    path: '/v2/calendars',
    tag: 'Calendars',
    summary: 'Connect a calendar (ICS subscription)',
    description:
      'The address is stored encrypted and never shown again beyond its scheme and host. It must be https (webcal is read as https) ' +
      'and public unless the server allows private URLs (development). A first sync is queued at once. At most 10 per host.',
    auth: 'session',
    body: { schema: B.CreateCalendarBody },
    success: { status: 201, description: 'Connected', schema: R.Calendar },
    errors: { conflict: 'The host already has 10 calendars' },
  },
  {
    operationId: 'getCalendar',
    method: 'get',
    path: '/v2/calendars/{id}',
    tag: 'Calendars',
    summary: 'Get a calendar connection and its sync status',
    auth: 'session',
    params: idParam,
    success: { status: 200, description: 'The connection (never its address or credentials)', schema: R.Calendar },
  },
  {
    operationId: 'updateCalendar',
    method: 'patch',
    path: '/v2/calendars/{id}',
    tag: 'Calendars',
    summary: 'Update a calendar connection',
    description: 'Disabling removes its busy time at once; a new address or `include_transparent` value queues a fresh sync.',
    auth: 'session',
    params: idParam,
    body: { schema: B.UpdateCalendarBody },
    success: { status: 200, description: 'The updated connection', schema: R.Calendar },
  },
  {
    operationId: 'deleteCalendar',
    method: 'delete',
    path: '/v2/calendars/{id}',
    tag: 'Calendars',
    summary: 'Disconnect a calendar',
    description: 'Its busy time goes with it.',
    auth: 'session',
    params: idParam,
    success: { status: 204, description: 'Deleted' },
  },
  {
    operationId: 'refreshCalendar',
    method: 'post',
    path: '/v2/calendars/{id}/refresh',
    tag: 'Calendars',
    summary: 'Sync a calendar now',
    description: 'Queues a sync and answers at once; poll the connection for `last_synced_at` and `last_error`.',
    auth: 'session',
    params: idParam,
    success: { status: 202, description: 'Sync queued', schema: R.Calendar },
    errors: { conflict: 'The calendar is disabled' },
  },
  ...TEAM_OPERATIONS,
];
