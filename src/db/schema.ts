// The D1 schema. Instants are UTC epoch milliseconds (integer); wall-clock rules are 'HH:MM' text
// interpreted in the schedule's IANA timezone. Migrations in migrations/ are generated from this file.
import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex, type AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { BookingField, CalendarPushChannel, BookingFieldResponses, PaymentRecord, PeriodLimits, RecurringEvent, RefundPolicyJson, WorkflowStep } from './json-types';

const createdAt = () => integer('created_at').notNull();
const updatedAt = () => integer('updated_at').notNull();

export const users = sqliteTable('users', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  email: text('email').notNull().unique(),
  // The first path segment of the user's public booking pages (src/users/username.ts). Nullable only in SQL, so the
  // migration could add it to existing rows; every insert sets one.
  username: text('username').unique(),
  name: text('name').notNull(),
  passwordHash: text('password_hash').notNull(),
  role: text('role', { enum: ['user', 'super_admin'] }).notNull().default('user'),
  timezone: text('timezone').notNull().default('UTC'),
  isActive: integer('is_active', { mode: 'boolean' }).notNull().default(true),
  // Branding and language of the public booking pages (issue #31, docs/DESIGN.md "Branding" and "Languages"):
  // colours as validated #rrggbb, null for the default palette; `locale` is the pages' language when the visitor's
  // own choice and browser name none we have.
  brandColor: text('brand_color'),
  brandColorDark: text('brand_color_dark'),
  hideBranding: integer('hide_branding', { mode: 'boolean' }).notNull().default(false),
  theme: text('theme', { enum: ['light', 'dark', 'system'] }).notNull().default('system'),
  locale: text('locale').notNull().default('en'),
  // How reminders print this person's times (`{start_local}`, issue #29); null: the workflow's choice.
  timeFormat: text('time_format', { enum: ['12h', '24h'] }),
  // The host's own number for `sms_host` reminders (E.164), usable once `phone_verified_at` is set by the code sent to
  // it (src/sms/host-phone.ts). The code is stored hashed; one code per number, a few tries.
  phoneNumber: text('phone_number'),
  phoneVerifiedAt: integer('phone_verified_at'),
  phoneCodeHash: text('phone_code_hash'),
  phoneCodeExpiresAt: integer('phone_code_expires_at'),
  phoneCodeTries: integer('phone_code_tries').notNull().default(0),
  // The embed and the logo (issue #31, docs/DESIGN.md "Embed" and "Logo"): the origins allowed to frame the pages
  // (`frame-ancestors`, postMessage targets), and the logo's R2 key `<sha-256 of the bytes>.<ext>` (null: none).
  embedOrigins: text('embed_origins', { mode: 'json' }).$type<string[]>().notNull().default([]),
  logo: text('logo'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
},
  // The few super admins hear about every booking (src/webhooks/outbox.ts): found without reading every user.
  (t) => [index('users_super_admin_idx').on(t.id).where(sql`${t.role} = 'super_admin'`)],
);

export const sessions = sqliteTable(
  'sessions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    tokenHash: text('token_hash').notNull().unique(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: integer('expires_at').notNull(),
    createdAt: createdAt(),
  },
  // expires: the cron purge (src/housekeeping.ts) deletes by expiry in batches.
  (t) => [index('sessions_user_idx').on(t.userId), index('sessions_expires_idx').on(t.expiresAt)],
);

/**
 * Sign-in attempts per throttle key within a window (src/auth/throttle.ts): one row per (email, client network) and one
 * per email, known or not, so the answer reveals nothing. An attempt is counted before its password is checked.
 */
export const signInAttempts = sqliteTable(
  'sign_in_attempts',
  {
    key: text('key').primaryKey(),
    attempts: integer('attempts').notNull(),
    windowStart: integer('window_start').notNull(),
  },
  // The cron purge deletes ended windows in batches.
  (t) => [index('sign_in_attempts_window_idx').on(t.windowStart)],
);

export const schedules = sqliteTable(
  'booking_schedules',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    timezone: text('timezone').notNull(),
    isDefault: integer('is_default', { mode: 'boolean' }).notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('booking_schedules_user_idx').on(t.userId),
    // At most one default schedule per user, enforced by the database itself.
    uniqueIndex('booking_schedules_one_default_idx').on(t.userId).where(sql`is_default = 1`),
  ],
);

export const availability = sqliteTable(
  'booking_availability',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    scheduleId: integer('schedule_id')
      .notNull()
      .references(() => schedules.id, { onDelete: 'cascade' }),
    dayOfWeek: integer('day_of_week').notNull(),
    startTime: text('start_time').notNull(),
    endTime: text('end_time').notNull(),
  },
  (t) => [index('booking_availability_schedule_idx').on(t.scheduleId)],
);

export const dateOverrides = sqliteTable(
  'booking_date_overrides',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    scheduleId: integer('schedule_id')
      .notNull()
      .references(() => schedules.id, { onDelete: 'cascade' }),
    date: text('date').notNull(),
    // Both null: the whole local date is blocked. Both set: replaces that date's weekly hours.
    startTime: text('start_time'),
    endTime: text('end_time'),
  },
  (t) => [index('booking_date_overrides_schedule_date_idx').on(t.scheduleId, t.date)],
);

export const eventTypes = sqliteTable(
  'booking_event_types',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ownerId: integer('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    scheduleId: integer('schedule_id').references(() => schedules.id, { onDelete: 'restrict' }),
    title: text('title').notNull(),
    slug: text('slug').notNull(),
    description: text('description'),
    durationMinutes: integer('duration_minutes').notNull(),
    bufferBeforeMinutes: integer('buffer_before_minutes').notNull().default(0),
    bufferAfterMinutes: integer('buffer_after_minutes').notNull().default(0),
    minimumNoticeHours: integer('minimum_notice_hours').notNull().default(0),
    slotIntervalMinutes: integer('slot_interval_minutes'),
    bookingWindowDays: integer('booking_window_days').notNull().default(60),
    locationType: text('location_type', { enum: ['google_meet', 'ms_teams', 'zoom', 'phone', 'in_person'] }),
    locationValue: text('location_value'),
    // google_meet / ms_teams with no location_value: each booking gets its own link, made by the host's destination
    // calendar when the booking is written there (src/calendars/meeting-links.ts).
    generateMeetingLink: integer('generate_meeting_link', { mode: 'boolean' }).notNull().default(false),
    requiresConfirmation: integer('requires_confirmation', { mode: 'boolean' }).notNull().default(false),
    // Off: bookings of this event type send no emails (webhooks still fire).
    emailNotifications: integer('email_notifications', { mode: 'boolean' }).notNull().default(true),
    isActive: integer('is_active', { mode: 'boolean' }).notNull().default(true),
    // The booking questions beyond the built-ins (src/event-types/booking-fields.ts); null: the built-ins only.
    bookingFields: text('booking_fields', { mode: 'json' }).$type<BookingField[]>(),
    // Booking limits (src/slots/limits.ts): bookings and booked minutes per day/week/month/year of the schedule's
    // zone; null: none. Read by the slot query, which widens its read of counted bookings by the widest period set.
    bookingLimitsCount: text('booking_limits_count', { mode: 'json' }).$type<PeriodLimits>(),
    bookingLimitsDuration: text('booking_limits_duration', { mode: 'json' }).$type<PeriodLimits>(),
    onlyShowFirstAvailableSlot: integer('only_show_first_available_slot', { mode: 'boolean' }).notNull().default(false),
    // Future accepted + pending bookings of this event type per attendee email; replaces the host-wide
    // MAX_FUTURE_BOOKINGS_PER_ATTENDEE cap for this event type. Null: that cap applies.
    maxActiveBookingsPerBooker: integer('max_active_bookings_per_booker'),
    // A booking books a series (src/slots/recurrence.ts); null: single bookings.
    recurringEvent: text('recurring_event', { mode: 'json' }).$type<RecurringEvent>(),
    // Seats (src/bookings/seats.ts): this many attendees share one booking of a slot; null: one attendee per booking.
    seatsPerTimeSlot: integer('seats_per_time_slot'),
    // Whether a seat holder sees the other attendees of their slot.
    seatsShowAttendees: integer('seats_show_attendees', { mode: 'boolean' }).notNull().default(false),
    // Whether the slots endpoint says how many seats are taken and left.
    seatsShowAvailabilityCount: integer('seats_show_availability_count', { mode: 'boolean' }).notNull().default(true),
    // Team event types (src/teams/): the team, how meetings are assigned; owner_id is the member who created it and
    // schedule_id is null (each host's own default schedule counts). Null team: a personal event type.
    teamId: integer('team_id').references((): AnySQLiteColumn => teams.id, { onDelete: 'cascade' }),
    schedulingType: text('scheduling_type', { enum: ['round_robin', 'collective'] }),
    assignAllTeamMembers: integer('assign_all_team_members', { mode: 'boolean' }).notNull().default(false),
    distribution: text('distribution', { enum: ['maximize_availability', 'load_balancing'] }).notNull().default('maximize_availability'),
    weightsEnabled: integer('weights_enabled', { mode: 'boolean' }).notNull().default(false),
    countingPeriod: text('counting_period', { enum: ['month', 'day'] }).notNull().default('month'),
    // Paid event types (src/payments/): the price in minor units of `currency` (lower-case ISO 4217); null: free.
    price: integer('price'),
    currency: text('currency'),
    // How long an unpaid booking holds its time before it expires.
    paymentDeadlineMinutes: integer('payment_deadline_minutes').notNull().default(30),
    // What an attendee's cancel refunds; null: the default (full until 24 hours before the start).
    refundPolicy: text('refund_policy', { mode: 'json' }).$type<RefundPolicyJson>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('booking_event_types_owner_slug_idx').on(t.ownerId, t.slug).where(sql`team_id IS NULL`),
    uniqueIndex('booking_event_types_team_slug_idx').on(t.teamId, t.slug).where(sql`team_id IS NOT NULL`),
    index('booking_event_types_active_idx').on(t.isActive, t.id),
  ],
);

// `awaiting_payment` holds its time until `payment_expires_at`; `expired` is a paid booking whose checkout closed unpaid.
export const BOOKING_STATUSES = ['accepted', 'pending', 'cancelled', 'rejected', 'awaiting_payment', 'expired'] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];

export const bookings = sqliteTable(
  'bookings',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    uid: text('uid').notNull().unique(),
    // Bookings outlive their event type: they keep the host, title and times of their own.
    eventTypeId: integer('event_type_id').references(() => eventTypes.id, { onDelete: 'set null' }),
    hostId: integer('host_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    startAt: integer('start_at').notNull(),
    endAt: integer('end_at').notNull(),
    // [start - buffer_before, end + buffer_after): what this booking takes from the host's calendar.
    occupiedStart: integer('occupied_start').notNull(),
    occupiedEnd: integer('occupied_end').notNull(),
    status: text('status', { enum: BOOKING_STATUSES }).notNull(),
    locationType: text('location_type'),
    locationValue: text('location_value'),
    metadata: text('metadata', { mode: 'json' }).$type<Record<string, unknown>>(),
    cancellationReason: text('cancellation_reason'),
    rejectionReason: text('rejection_reason'),
    rescheduleReason: text('reschedule_reason'),
    previousStartAt: integer('previous_start_at'),
    // Answers to the event type's custom booking questions, by field name (the built-ins live on the attendee).
    bookingFieldsResponses: text('booking_fields_responses', { mode: 'json' }).$type<BookingFieldResponses>(),
    // iCalendar SEQUENCE of the booking's event: 0 at creation, +1 on every change the attendee sees (reschedule,
    // cancel, confirm, decline), so invitations update the same calendar entry in place.
    sequence: integer('sequence').notNull().default(0),
    idempotencyKey: text('idempotency_key').unique(),
    idempotencyHash: text('idempotency_hash'),
    // The series this booking is an occurrence of (shared by all its occurrences); null for a single booking.
    recurringBookingUid: text('recurring_booking_uid'),
    // An occurrence's start as its series was booked, kept when it is rescheduled: the RECURRENCE-ID that names this
    // occurrence in the series' invitations (src/invites/). Null for a single booking.
    recurrenceStart: integer('recurrence_start'),
    // Round robin: why this host was assigned (src/teams/assignment.ts); null for other bookings.
    assignmentReason: text('assignment_reason'),
    // Paid bookings (src/payments/): an `awaiting_payment` booking holds its time until this instant (the overlap
    // guard reads it, so expiry needs no job to free the time); the payment itself, null for a free booking.
    paymentExpiresAt: integer('payment_expires_at'),
    payment: text('payment', { mode: 'json' }).$type<PaymentRecord>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // The cron's expiry sweep: unpaid bookings past their deadline.
    index('bookings_awaiting_payment_idx').on(t.paymentExpiresAt).where(sql`status = 'awaiting_payment'`),
    // The cron's refund retry: refunds decided that Stripe has not confirmed yet (src/payments/repo.ts REFUND_DUE).
    index('bookings_refund_due_idx').on(t.updatedAt).where(sql`json_extract(payment, '$.refunded_amount') > json_extract(payment, '$.refund_settled_amount')`),
    index('bookings_recurring_idx').on(t.recurringBookingUid, t.startAt),
    index('bookings_host_occupied_idx').on(t.hostId, t.occupiedStart),
    index('bookings_host_start_idx').on(t.hostId, t.startAt),
    index('bookings_event_type_start_idx').on(t.eventTypeId, t.startAt),
    index('bookings_start_idx').on(t.startAt),
    // The cron forgets idempotency keys after their TTL: only rows still holding one are in this index.
    index('bookings_idempotency_created_idx').on(t.createdAt).where(sql`idempotency_key IS NOT NULL`),
  ],
);

/**
 * Who attends a booking and the time it takes from each: one row per attending host (a personal booking's host, every
 * host of a collective, the assigned and fixed hosts of a round robin), with the occupied span (buffers applied).
 * Every busy read and every overlap guard runs on this table, so a booking blocks each of its hosts whatever the
 * event type. Status lives on the booking (cancelling frees every host at once). A trigger (migration 0010) adds the
 * organizer's row (`bookings.host_id`) on every booking insert and moves every row with its booking, so no write path
 * can forget them; team bookings add their other hosts' rows in the same batch.
 */
export const bookingHosts = sqliteTable(
  'booking_hosts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    bookingId: integer('booking_id')
      .notNull()
      .references(() => bookings.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    occupiedStart: integer('occupied_start').notNull(),
    occupiedEnd: integer('occupied_end').notNull(),
  },
  (t) => [uniqueIndex('booking_hosts_booking_user_idx').on(t.bookingId, t.userId), index('booking_hosts_user_occupied_idx').on(t.userId, t.occupiedStart)],
);

export const attendees = sqliteTable(
  'booking_attendees',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    bookingId: integer('booking_id')
      .notNull()
      .references(() => bookings.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    email: text('email').notNull(),
    timezone: text('timezone').notNull(),
    notes: text('notes'),
    // The language the attendee booked in (issue #31): their emails are written in it. Null: the host's default.
    locale: text('locale'),
    // Seated bookings only (src/bookings/seats.ts): the seat holder's capability (random, like a booking uid). A seat
    // moved to another slot's booking keeps its uid: the old row is cancelled and a new row takes the uid.
    seatUid: text('seat_uid'),
    // A seat that was cancelled or moved away; it no longer counts against the booking's capacity.
    cancelledAt: integer('cancelled_at'),
    // A seat's own answers to the booking questions (each attendee of a seated slot answers for themselves).
    bookingFieldsResponses: text('booking_fields_responses', { mode: 'json' }).$type<BookingFieldResponses>(),
    // The seat's own calendar SEQUENCE (its invites carry the seat uid as UID), raised by every change of the seat.
    sequence: integer('sequence').notNull().default(0),
    // A paid seat (price per seat, src/bookings/paid-seats.ts): while unpaid, the seat holds its place until this
    // instant (the seat guards read it); cleared when paid. Its payment, null for a free seat.
    paymentExpiresAt: integer('payment_expires_at'),
    payment: text('payment', { mode: 'json' }).$type<PaymentRecord>(),
  },
  (t) => [
    // The cron's expiry sweep of unpaid seats, and its refund retry (as the bookings' two indexes).
    index('booking_attendees_awaiting_payment_idx').on(t.paymentExpiresAt).where(sql`cancelled_at IS NULL AND payment_expires_at IS NOT NULL`),
    index('booking_attendees_refund_due_idx').on(t.id).where(sql`json_extract(payment, '$.refunded_amount') > json_extract(payment, '$.refund_settled_amount')`),
    index('booking_attendees_booking_idx').on(t.bookingId),
    index('booking_attendees_seat_uid_idx').on(t.seatUid),
    uniqueIndex('booking_attendees_live_seat_uid_idx').on(t.seatUid).where(sql`seat_uid IS NOT NULL AND cancelled_at IS NULL`),
    // One live seat per email and booking, whatever the case.
    uniqueIndex('booking_attendees_live_seat_email_idx').on(t.bookingId, sql`lower(${t.email})`).where(sql`seat_uid IS NOT NULL AND cancelled_at IS NULL`),
  ],
);

/**
 * Slot reservations ("holds"): a slot kept for an invitee while they fill in the booking form. A live hold
 * (`expires_at` after now) takes its occupied span from the host's calendar exactly like a booking, and the same SQL
 * guard keeps holds and bookings from overlapping. Expired rows count for nothing; the cron deletes them.
 */
export const slotReservations = sqliteTable(
  'slot_reservations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    // Random and unguessable: the holder's capability to read, move, release and book it.
    uid: text('uid').notNull().unique(),
    hostId: integer('host_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    eventTypeId: integer('event_type_id')
      .notNull()
      .references(() => eventTypes.id, { onDelete: 'cascade' }),
    slotStart: integer('slot_start').notNull(),
    slotEnd: integer('slot_end').notNull(),
    occupiedStart: integer('occupied_start').notNull(),
    occupiedEnd: integer('occupied_end').notNull(),
    expiresAt: integer('expires_at').notNull(),
    // SHA-256 of the client IP (never the IP itself): the per-client cap counts by it.
    clientHash: text('client_hash').notNull(),
    // The signed-in user who took it, if any: the per-holder cap counts by it.
    holderId: integer('holder_id').references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('slot_reservations_host_occupied_idx').on(t.hostId, t.occupiedStart),
    index('slot_reservations_host_client_idx').on(t.hostId, t.clientHash),
    index('slot_reservations_expires_idx').on(t.expiresAt),
  ],
);

export const WEBHOOK_TRIGGERS = [
  'BOOKING_CREATED',
  'BOOKING_PAYMENT_INITIATED',
  'BOOKING_PAID',
  'BOOKING_PAYMENT_REFUNDED',
  'BOOKING_RESCHEDULED',
  'BOOKING_CANCELLED',
  'BOOKING_REQUESTED',
  'BOOKING_CONFIRMED',
  'BOOKING_REJECTED',
] as const;
export type WebhookTrigger = (typeof WEBHOOK_TRIGGERS)[number];
/** What a webhook may subscribe to: the booking changes, and MEETING_REMINDER (a workflow's `webhook` step, #29). */
export const SUBSCRIBABLE_TRIGGERS = [...WEBHOOK_TRIGGERS, 'MEETING_REMINDER'] as const;
export type SubscribableTrigger = (typeof SUBSCRIBABLE_TRIGGERS)[number];

export const webhooks = sqliteTable(
  'booking_webhooks',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ownerId: integer('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    subscriberUrl: text('subscriber_url').notNull(),
    eventTriggers: text('event_triggers', { mode: 'json' }).$type<SubscribableTrigger[]>().notNull(),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    secret: text('secret').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('booking_webhooks_owner_idx').on(t.ownerId)],
);

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;

export const webhookDeliveries = sqliteTable(
  'booking_webhook_deliveries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    // Stable across retries: sent as the `webhook-id` header so receivers can deduplicate.
    eventId: text('event_id').notNull().unique(),
    webhookId: integer('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    bookingId: integer('booking_id').references(() => bookings.id, { onDelete: 'set null' }),
    triggerEvent: text('trigger_event').notNull(),
    // The exact body bytes that are signed and sent on every attempt.
    payload: text('payload').notNull(),
    status: text('status', { enum: DELIVERY_STATUSES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    lastDurationMs: integer('last_duration_ms'),
    // Every attempt: [{attempt, at, status_code, duration_ms, error, next_attempt_at}].
    attemptLog: text('attempt_log', { mode: 'json' }).$type<DeliveryAttempt[]>().notNull().default([]),
    nextAttemptAt: integer('next_attempt_at'),
    // Null until the queue accepted a message for it; the cron sweep re-sends rows left null.
    enqueuedAt: integer('enqueued_at'),
    // Set while one consumer is sending it (src/webhooks/consumer.ts): a second copy of its message sends nothing.
    leaseUntil: integer('lease_until'),
    deliveredAt: integer('delivered_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('booking_webhook_deliveries_webhook_idx').on(t.webhookId, t.id),
    index('booking_webhook_deliveries_outbox_idx').on(t.status, t.enqueuedAt),
    // Deleting or moving a booking checks its deliveries (the foreign key), without reading the whole table.
    index('booking_webhook_deliveries_booking_idx').on(t.bookingId),
    // Retention (src/housekeeping.ts): rows past the payload retention, by age.
    index('booking_webhook_deliveries_created_idx').on(t.createdAt),
    // Retention: only finished rows whose attempt log is not yet emptied, so a purged row leaves the index.
    index('booking_webhook_deliveries_log_idx').on(t.createdAt).where(sql`status != 'pending' AND attempt_log != '[]'`),
  ],
);

// `suppressed`: never sent, because the recipient address was over its budget when the row was written (last_error says so).
export const NOTIFICATION_STATUSES = ['pending', 'sent', 'failed', 'suppressed'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];
export const RECIPIENT_ROLES = ['attendee', 'host'] as const;
export type RecipientRole = (typeof RECIPIENT_ROLES)[number];

/**
 * The email outbox: one row per recipient per booking change, written in the same D1 batch as the change
 * (src/notifications/outbox.ts), sent by the email queue consumer (src/notifications/consumer.ts).
 */
export const emailNotifications = sqliteTable(
  'booking_email_notifications',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    // Random and stable across retries: the Message-ID is <notification_id@domain>, so a retry is the same message.
    notificationId: text('notification_id').notNull().unique(),
    bookingId: integer('booking_id').references(() => bookings.id, { onDelete: 'set null' }),
    bookingUid: text('booking_uid').notNull(),
    // A booking change, or MEETING_REMINDER for a workflow step (src/workflows/delivery.ts).
    triggerEvent: text('trigger_event').$type<WebhookTrigger | 'MEETING_REMINDER' | 'CALENDAR_REAUTH_REQUIRED'>().notNull(),
    recipientRole: text('recipient_role', { enum: RECIPIENT_ROLES }).notNull(),
    recipientEmail: text('recipient_email').notNull(),
    recipientName: text('recipient_name').notNull(),
    // What the message is rendered from (NotificationPayload), as of the change.
    payload: text('payload').notNull(),
    status: text('status', { enum: NOTIFICATION_STATUSES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    // Every attempt: [{attempt, at, duration_ms, error, permanent, next_attempt_at}].
    attemptLog: text('attempt_log', { mode: 'json' }).$type<EmailAttempt[]>().notNull().default([]),
    nextAttemptAt: integer('next_attempt_at'),
    // A consumer holds the row until then while it sends, so two copies of its message never send twice at once.
    leaseUntil: integer('lease_until'),
    // Null until the queue accepted a message for it; the cron sweep re-sends rows left null.
    enqueuedAt: integer('enqueued_at'),
    sentAt: integer('sent_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('booking_email_notifications_outbox_idx').on(t.status, t.enqueuedAt),
    index('booking_email_notifications_booking_idx').on(t.bookingId),
    // The per-recipient budget counts an address's recent rows (src/notifications/outbox.ts).
    index('booking_email_notifications_recipient_idx').on(sql`lower(${t.recipientEmail})`, t.createdAt),
    // Retention (src/housekeeping.ts): finished rows past the attempt-log retention, by age.
    index('booking_email_notifications_created_idx').on(t.createdAt),
    // The admin's Emails tab filtered by status, newest first: a page without sorting every row of that status.
    index('booking_email_notifications_status_idx').on(t.status, t.id),
  ],
);

/**
 * Reminder workflows (issue #29, src/workflows/): a trigger of an event type's bookings plus the steps it sends.
 * `offset_minutes` is before the start (`before_start`) or after the end (`after_end`); 0 for the event triggers.
 */
export const WORKFLOW_TRIGGERS = ['before_start', 'after_end', 'on_booked', 'on_rescheduled', 'on_cancelled'] as const;
export type WorkflowTrigger = (typeof WORKFLOW_TRIGGERS)[number];

export const workflows = sqliteTable(
  'event_type_workflows',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    eventTypeId: integer('event_type_id')
      .notNull()
      .references(() => eventTypes.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    trigger: text('trigger', { enum: WORKFLOW_TRIGGERS }).notNull(),
    offsetMinutes: integer('offset_minutes').notNull().default(0),
    // How {start_local} prints the hour: no per-person 12/24-hour preference is stored yet, so the host picks it here.
    timeFormat: text('time_format', { enum: ['12h', '24h'] }).notNull().default('12h'),
    steps: text('steps', { mode: 'json' }).$type<WorkflowStep[]>().notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('event_type_workflows_event_type_idx').on(t.eventTypeId, t.trigger)],
);

/**
 * One scheduled step of a workflow for one booking, written in the same D1 batch as the booking change that creates,
 * moves or voids it (src/workflows/schedule.ts). `pending` until claimed; `sent` once claimed and handed to the email
 * outbox (in the same batch as the claim); `skipped` when due before the change that scheduled it; `voided` by a
 * cancel. `claim` is the token of the delivery run whose claim won (src/workflows/delivery.ts).
 */
export const REMINDER_STATUSES = ['pending', 'sent', 'skipped', 'voided'] as const;
export type ReminderStatus = (typeof REMINDER_STATUSES)[number];

export const bookingReminders = sqliteTable(
  'booking_reminders',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    bookingId: integer('booking_id')
      .notNull()
      .references(() => bookings.id, { onDelete: 'cascade' }),
    // The booking's host: the HostCalendar object whose alarm delivers it.
    hostId: integer('host_id').notNull(),
    workflowId: integer('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    step: integer('step').notNull(),
    action: text('action').notNull(),
    dueAt: integer('due_at').notNull(),
    status: text('status', { enum: REMINDER_STATUSES }).notNull(),
    claim: text('claim'),
    sentAt: integer('sent_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('booking_reminders_booking_idx').on(t.bookingId),
    // The alarm's next due step of one host, and the sweep's overdue steps: pending rows only.
    index('booking_reminders_host_due_idx').on(t.hostId, t.dueAt).where(sql`status = 'pending'`),
    index('booking_reminders_due_idx').on(t.dueAt).where(sql`status = 'pending'`),
    index('booking_reminders_workflow_idx').on(t.workflowId),
  ],
);

/**
 * Secret subscription feeds of a host's bookings (`/feeds/{token}.ics`). Only the token's SHA-256 is stored: the
 * token is shown once, at creation. Deleting the row revokes the URL.
 */
export const calendarFeeds = sqliteTable(
  'booking_calendar_feeds',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name'),
    tokenHash: text('token_hash').notNull().unique(),
    lastUsedAt: integer('last_used_at'),
    createdAt: createdAt(),
  },
  (t) => [index('booking_calendar_feeds_user_idx').on(t.userId, t.id)],
);

export interface EmailAttempt {
  attempt: number;
  at: number;
  duration_ms: number;
  error: string | null;
  permanent: boolean;
  next_attempt_at: number | null;
}

export const CALENDAR_KINDS = ['ics', 'caldav', 'google', 'microsoft'] as const;
/** One calendar of a Google or Microsoft account, and whether its events block the host's time. */
export interface CalendarSource {
  id: string;
  name: string;
  primary: boolean;
  selected: boolean;
}
/** The kinds connected with OAuth 2.0 (their `secret` holds the tokens). */
export const OAUTH_PROVIDERS = ['google', 'microsoft'] as const;
export type OAuthProvider = (typeof OAUTH_PROVIDERS)[number];
export type CalendarKind = (typeof CALENDAR_KINDS)[number];

/**
 * A host's external calendar (an ICS subscription or a CalDAV calendar) whose busy time blocks their slots. The
 * address and credentials live only in `secret` (AES-GCM ciphertext, src/calendars/secrets.ts); `url_display` keeps
 * scheme and host for people to recognise it.
 */
export const calendarConnections = sqliteTable(
  'calendar_connections',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ownerId: integer('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: CALENDAR_KINDS }).notNull(),
    name: text('name'),
    urlDisplay: text('url_display').notNull(),
    secret: text('secret').notNull(),
    calendarPath: text('calendar_path'),
    includeTransparent: integer('include_transparent', { mode: 'boolean' }).notNull().default(false),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    // Conditional GET validators of the last good fetch: an unchanged feed answers 304 and costs nothing.
    etag: text('etag'),
    lastModified: text('last_modified'),
    // Busy spans were expanded up to here: a 304 is trusted only while this still covers the booking window.
    expandedUntil: integer('expanded_until'),
    lastSyncedAt: integer('last_synced_at'),
    lastAttemptAt: integer('last_attempt_at'),
    lastError: text('last_error'),
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    busyCount: integer('busy_count').notNull().default(0),
    // The last sync hit the 20,000-instance cap: its busy set is incomplete.
    capped: integer('capped', { mode: 'boolean' }).notNull().default(false),
    // When the sweep last queued a sync: it queues again only after the sync interval.
    enqueuedAt: integer('enqueued_at'),
    // OAuth connections (issue #28): the account's address as the provider names it, and whether the provider refused
    // our refresh token (the host must connect again; they are told once, `reauth_notified_at`).
    account: text('account'),
    reauthRequired: integer('reauth_required', { mode: 'boolean' }).notNull().default(false),
    reauthNotifiedAt: integer('reauth_notified_at'),
    // OAuth connections: the account's calendars that count as busy ([{id, name, primary, selected}], chosen with
    // PATCH /v2/calendars/{id}/sources; null: the primary calendar only), and each one's sync token / delta link.
    sources: text('sources', { mode: 'json' }).$type<CalendarSource[]>(),
    syncState: text('sync_state', { mode: 'json' }).$type<Record<string, string>>(),
    // Push channels per chosen calendar (Google events.watch, Graph subscriptions), renewed by the syncs.
    pushChannels: text('push_channels', { mode: 'json' }).$type<Record<string, CalendarPushChannel>>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('calendar_connections_owner_idx').on(t.ownerId, t.id), index('calendar_connections_due_idx').on(t.enabled, t.enqueuedAt)],
);

/** Busy time from a connection: only start and end, never titles or attendees. Replaced as a whole on every sync. */
export const calendarBusy = sqliteTable(
  'calendar_busy',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    connectionId: integer('connection_id')
      .notNull()
      .references(() => calendarConnections.id, { onDelete: 'cascade' }),
    hostId: integer('host_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    startAt: integer('start_at').notNull(),
    endAt: integer('end_at').notNull(),
  },
  (t) => [index('calendar_busy_host_start_idx').on(t.hostId, t.startAt), index('calendar_busy_connection_idx').on(t.connectionId)],
);

/**
 * Write-back (issue #28): the one calendar a host's bookings are written into, a connection of theirs (CalDAV: the
 * connection's own collection; Google/Microsoft: `calendar_id` names one of the account's calendars).
 */
export const calendarDestinations = sqliteTable('calendar_destinations', {
  hostId: integer('host_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  connectionId: integer('connection_id')
    .notNull()
    .references(() => calendarConnections.id, { onDelete: 'cascade' }),
  calendarId: text('calendar_id'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/**
 * An OAuth 2.0 authorization in flight (issue #28): the `state` (stored as its SHA-256) bound to the session that
 * started it, single use (the callback deletes it as it reads it) and valid 10 minutes; the PKCE verifier sealed
 * like connection secrets.
 */
export const oauthStates = sqliteTable(
  'oauth_states',
  {
    stateHash: text('state_hash').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    sessionHash: text('session_hash').notNull(),
    provider: text('provider', { enum: OAUTH_PROVIDERS }).notNull(),
    codeVerifier: text('code_verifier').notNull(),
    expiresAt: integer('expires_at').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('oauth_states_user_idx').on(t.userId, t.expiresAt)],
);

export const CALENDAR_WRITE_STATUSES = ['pending', 'synced', 'failed'] as const;
export type CalendarWriteStatus = (typeof CALENDAR_WRITE_STATUSES)[number];

/**
 * The write-back outbox: ONE row per (booking, destination connection), upserted in the same D1 batch as every change
 * of the booking with the event as it should now be (`payload`, SEQUENCE `target_sequence`). The consumer makes the
 * provider's copy match it; `written_sequence` is what the provider holds (NULL: nothing written yet).
 */
export const calendarWrites = sqliteTable(
  'calendar_writes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    bookingId: integer('booking_id')
      .notNull()
      .references(() => bookings.id, { onDelete: 'cascade' }),
    hostId: integer('host_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    connectionId: integer('connection_id')
      .notNull()
      .references(() => calendarConnections.id, { onDelete: 'cascade' }),
    calendarId: text('calendar_id'),
    payload: text('payload').notNull(),
    targetSequence: integer('target_sequence').notNull(),
    writtenSequence: integer('written_sequence'),
    /** Where the provider keeps our event (CalDAV: the resource URL), once written. */
    remoteRef: text('remote_ref'),
    status: text('status', { enum: CALENDAR_WRITE_STATUSES }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at'),
    /** A consumer is writing this row until then; another copy of its message leaves it alone. */
    leaseUntil: integer('lease_until'),
    enqueuedAt: integer('enqueued_at'),
    lastError: text('last_error'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('calendar_writes_booking_connection_idx').on(t.bookingId, t.connectionId),
    index('calendar_writes_due_idx').on(t.status, t.nextAttemptAt),
    index('calendar_writes_connection_idx').on(t.connectionId),
  ],
);

export const TEAM_ROLES = ['owner', 'admin', 'member'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

/** A team: its members host its event types (round robin or collective). The slug follows the username rules. */
export const teams = sqliteTable('teams', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  // The team pages' branding and default language, as a user's (see users).
  brandColor: text('brand_color'),
  brandColorDark: text('brand_color_dark'),
  hideBranding: integer('hide_branding', { mode: 'boolean' }).notNull().default(false),
  theme: text('theme', { enum: ['light', 'dark', 'system'] }).notNull().default('system'),
  locale: text('locale').notNull().default('en'),
  embedOrigins: text('embed_origins', { mode: 'json' }).$type<string[]>().notNull().default([]),
  logo: text('logo'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** Membership with a role: owners and admins manage the team and its event types, members see them. */
export const teamMembers = sqliteTable(
  'team_members',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    teamId: integer('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role', { enum: TEAM_ROLES }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('team_members_team_user_idx').on(t.teamId, t.userId), index('team_members_user_idx').on(t.userId, t.teamId)],
);

/**
 * An invitation to join a team (issue #25): membership needs the invitee's consent. Addressed to an email (lowercased)
 * whether or not it has an account; accepted only by the signed-in user with that email, by id or through the link
 * whose token is stored only as its SHA-256. Accepting writes the `team_members` row and deletes this one; until then
 * the invitee is in no member or host query.
 */
export const teamInvitations = sqliteTable(
  'team_invitations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    teamId: integer('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    role: text('role', { enum: TEAM_ROLES }).notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    invitedBy: integer('invited_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [uniqueIndex('team_invitations_team_email_idx').on(t.teamId, t.email), index('team_invitations_email_idx').on(t.email)],
);

/** The listed hosts of a team event type (unless it assigns all team members). */
export const eventTypeHosts = sqliteTable(
  'booking_event_type_hosts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    eventTypeId: integer('event_type_id')
      .notNull()
      .references(() => eventTypes.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    // Attends every round-robin meeting (Cal.com's "mandatory").
    isFixed: integer('is_fixed', { mode: 'boolean' }).notNull().default(false),
    priority: integer('priority').notNull().default(2),
    weight: integer('weight').notNull().default(100),
  },
  (t) => [uniqueIndex('booking_event_type_hosts_et_user_idx').on(t.eventTypeId, t.userId), index('booking_event_type_hosts_user_idx').on(t.userId)],
);

/**
 * A host's Stripe account (src/payments/): the secret key and webhook signing secret, sealed like calendar secrets
 * (AES-256-GCM under CALENDAR_ENCRYPTION_KEY). Without a row, the STRIPE_SECRET_KEY / STRIPE_WEBHOOK_SECRET Worker
 * secrets serve a single-tenant deployment.
 */
export const paymentAccounts = sqliteTable('payment_accounts', {
  userId: integer('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  secretKeySealed: text('secret_key_sealed').notNull(),
  webhookSecretSealed: text('webhook_secret_sealed').notNull(),
  // What may be shown: `sk_test_…abcd`.
  keyHint: text('key_hint').notNull(),
  livemode: integer('livemode', { mode: 'boolean' }).notNull(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** Stripe events already handled, by event id: a redelivered event is answered without acting twice. */
export const stripeEvents = sqliteTable(
  'stripe_events',
  {
    id: text('id').primaryKey(),
    type: text('type').notNull(),
    bookingUid: text('booking_uid'),
    receivedAt: integer('received_at').notNull(),
  },
  (t) => [index('stripe_events_received_idx').on(t.receivedAt)],
);

export interface DeliveryAttempt {
  attempt: number;
  at: number;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  next_attempt_at: number | null;
}

export type User = typeof users.$inferSelect;
export type EventType = typeof eventTypes.$inferSelect;
export type Schedule = typeof schedules.$inferSelect;
export type Booking = typeof bookings.$inferSelect;
export type Attendee = typeof attendees.$inferSelect;
export type Webhook = typeof webhooks.$inferSelect;
export type SlotReservation = typeof slotReservations.$inferSelect;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
export type EmailNotification = typeof emailNotifications.$inferSelect;
export type CalendarFeed = typeof calendarFeeds.$inferSelect;
export type CalendarConnection = typeof calendarConnections.$inferSelect;
export type CalendarWrite = typeof calendarWrites.$inferSelect;
export type Team = typeof teams.$inferSelect;
export type BookingHost = typeof bookingHosts.$inferSelect;
export type TeamMember = typeof teamMembers.$inferSelect;
export type TeamInvitation = typeof teamInvitations.$inferSelect;
export type Workflow = typeof workflows.$inferSelect;
export type BookingReminder = typeof bookingReminders.$inferSelect;

/**
 * The SMS outbox (issue #29, src/sms/): one row per text message, written in the same D1 batch as the workflow step's
 * claim (or by the host's number verification), with the abuse limits counted in the INSERT. `message_key` is the
 * idempotency key (`rem_<step>_<due>`): the unique index refuses a second row. `sending` is an attempt in flight: a
 * row found `sending` with its lease run out may have reached the provider, so it is looked up there before any resend.
 */
export const SMS_STATUSES = ['pending', 'sending', 'sent', 'failed', 'suppressed'] as const;
export type SmsStatus = (typeof SMS_STATUSES)[number];

export const smsMessages = sqliteTable(
  'sms_messages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    messageKey: text('message_key').notNull().unique(),
    bookingId: integer('booking_id').references(() => bookings.id, { onDelete: 'set null' }),
    hostId: integer('host_id').notNull(),
    kind: text('kind', { enum: ['reminder', 'verification'] }).notNull(),
    recipientRole: text('recipient_role', { enum: RECIPIENT_ROLES }).notNull(),
    toNumber: text('to_number').notNull(),
    body: text('body').notNull(),
    status: text('status', { enum: SMS_STATUSES }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    attemptLog: text('attempt_log', { mode: 'json' }).$type<EmailAttempt[]>().notNull().default([]),
    lastError: text('last_error'),
    // The provider's id of the sent message (Twilio's Message SID).
    providerId: text('provider_id'),
    nextAttemptAt: integer('next_attempt_at'),
    leaseUntil: integer('lease_until'),
    sentAt: integer('sent_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // The abuse limits count a number's and a host's messages of the last day.
    index('sms_messages_to_idx').on(t.toNumber, t.createdAt),
    index('sms_messages_host_idx').on(t.hostId, t.createdAt),
    // The cron's retries and lost attempts.
    index('sms_messages_due_idx').on(t.nextAttemptAt).where(sql`status IN ('pending', 'sending')`),
    index('sms_messages_booking_idx').on(t.bookingId),
  ],
);

/** Numbers that replied STOP (Twilio's inbound webhook): never texted again. */
export const smsOptOuts = sqliteTable('sms_opt_outs', {
  phoneNumber: text('phone_number').primaryKey(),
  keyword: text('keyword').notNull(),
  createdAt: createdAt(),
});

export type SmsMessage = typeof smsMessages.$inferSelect;
export type PaymentAccount = typeof paymentAccounts.$inferSelect;
