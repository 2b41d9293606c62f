// SQL for bookings and their attendees. Writes that change a host's occupied time are guarded in SQL, so even a
// caller that bypassed the host's Durable Object could not create an overlap.
import { and, asc, eq, gt, gte, inArray, isNull, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { D1Queryable, Db } from '../db/client';
import { runBatch } from '../db/purge';
import { IDEMPOTENCY_TTL_MS } from './idempotency';
import { viewStatus, type BookingViewStatus } from './status';
import { liveSql, LIVE_STATUSES } from './occupancy';
import { bookedOverlap, heldOverlap, hostMarks } from './guard-sql';
import { attendees, bookingHosts, bookings, eventTypes, users, type Attendee, type Booking, type BookingStatus, type EventType, type User } from '../db/schema';
import { holdGroupParams } from './guard-sql';
import type { BookingFieldResponses, PaymentRecord } from '../db/json-types';
import { paymentJson } from '../payments/checkout';
import { policyAfterMove } from '../payments/money';

const LIVE = liveSql();

export interface NewBooking {
  uid: string;
  eventTypeId: number;
  hostId: number;
  title: string;
  startAt: number;
  endAt: number;
  occupiedStart: number;
  occupiedEnd: number;
  status: BookingStatus;
  locationType: string | null;
  locationValue: string | null;
  metadata: Record<string, unknown> | null;
  bookingFieldsResponses: BookingFieldResponses | null;
  idempotencyKey: string | null;
  idempotencyHash: string | null;
  /** The series this booking is an occurrence of (src/bookings/series.ts); null for a single booking. */
  recurringBookingUid?: string | null;
  /** A paid booking (src/payments/): it holds its time until this instant unless paid, and its payment record. */
  paymentExpiresAt?: number | null;
  payment?: PaymentRecord | null;
  now: number;
}

/** Extra conditions of a new booking (issue #14), checked in the same INSERT so no concurrent write slips past. */
export interface InsertGuards {
  /** The holder's own slot reservation that this booking replaces: it does not stand in the way. */
  consumedHoldUid?: string | null;
  /**
   * At most `max` live future bookings with this host for this attendee email (lower case); with `eventTypeId`, of
   * that event type only (its `max_active_bookings_per_booker`).
   */
  attendeeCap?: { email: string; max: number; eventTypeId?: number };
}

/**
 * Live future bookings with the host whose attendee has this email, of one event type or (NULL) any. Binds: host id,
 * now, email (lower case), event type id or NULL twice. Attendee emails are stored lower case (the schema lowercases them).
 */
export const ATTENDEE_FUTURE = `SELECT COUNT(*) FROM bookings c JOIN booking_attendees a ON a.booking_id = c.id
  WHERE c.host_id = ? AND ${liveSql('c')} AND c.start_at > ? AND a.email = ? AND a.cancelled_at IS NULL AND (? IS NULL OR c.event_type_id = ?)`;

/**
 * INSERT that inserts nothing when the occupied span overlaps a live booking or a live slot reservation of the host
 * (except the consumed one), or when the attendee cap is reached; RETURNING the row.
 */
export function guardedInsert(d1: D1Queryable, b: NewBooking, guards: InsertGuards = {}): D1PreparedStatement {
  const cap = guards.attendeeCap;
  return d1
    .prepare(
      `INSERT INTO bookings (uid, event_type_id, host_id, title, start_at, end_at, occupied_start, occupied_end, status,
         location_type, location_value, metadata, booking_fields_responses, idempotency_key, idempotency_hash, created_at, updated_at,
         recurring_booking_uid, payment_expires_at, payment)
       SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
       WHERE NOT EXISTS (${bookedOverlap(b.now)}) AND NOT EXISTS (${heldOverlap()})
         AND (? IS NULL OR (${ATTENDEE_FUTURE}) < ?)
       RETURNING *`,
    )
    .bind(
      b.uid,
      b.eventTypeId,
      b.hostId,
      b.title,
      b.startAt,
      b.endAt,
      b.occupiedStart,
      b.occupiedEnd,
      b.status,
      b.locationType,
      b.locationValue,
      b.metadata === null ? null : JSON.stringify(b.metadata),
      b.bookingFieldsResponses === null ? null : JSON.stringify(b.bookingFieldsResponses),
      b.idempotencyKey,
      b.idempotencyHash,
      b.now,
      b.now,
      b.recurringBookingUid ?? null,
      b.paymentExpiresAt ?? null,
      b.payment ? JSON.stringify(b.payment) : null,
      b.hostId,
      b.occupiedEnd,
      b.occupiedStart,
      b.hostId,
      b.now,
      b.occupiedEnd,
      b.occupiedStart,
      guards.consumedHoldUid ?? null,
      cap ? 1 : null,
      b.hostId,
      b.now,
      cap?.email.toLowerCase() ?? '',
      cap?.eventTypeId ?? null,
      cap?.eventTypeId ?? null,
      cap?.max ?? 0,
    );
}

/**
 * The booking_hosts row of one more attending host (the organizer's comes from the trigger), in the booking's own
 * span; writes nothing when the booking row was not written.
 */
export function insertBookingHost(d1: D1Queryable, uid: string, userId: number): D1PreparedStatement {
  return d1
    .prepare(
      `INSERT INTO booking_hosts (booking_id, user_id, occupied_start, occupied_end)
       SELECT id, ?, occupied_start, occupied_end FROM bookings WHERE uid = ?`,
    )
    .bind(userId, uid);
}

/**
 * Live future bookings of one event type (whatever host) whose attendee has this email: a team event type's
 * `max_active_bookings_per_booker`. Binds: event type id, now, email (lower case).
 */
const EVENT_TYPE_ATTENDEE_FUTURE = `SELECT COUNT(*) FROM bookings c JOIN booking_attendees a ON a.booking_id = c.id
  WHERE c.event_type_id = ? AND ${liveSql('c')} AND c.start_at > ? AND a.email = ?`;

/**
 * A team booking: written only when NO attending host has a live booking or a live hold overlapping its span (one
 * guard for all of them, so the batch it starts is all or nothing), and, with `attendeeCap`, while the attendee has
 * fewer than `max` live future bookings of the event type. `consumedHoldUid`: the holder's own hold (all its rows),
 * which does not stand in the way. RETURNING the row.
 */
export function guardedTeamInsert(
  d1: D1Queryable,
  b: NewBooking & { assignmentReason: string | null },
  hostIds: number[],
  attendeeCap: { email: string; max: number } | null = null,
  consumedHoldUid: string | null = null,
): D1PreparedStatement {
  const hosts = hostMarks(hostIds.length);
  return d1
    .prepare(
      `INSERT INTO bookings (uid, event_type_id, host_id, title, start_at, end_at, occupied_start, occupied_end, status,
         location_type, location_value, metadata, booking_fields_responses, idempotency_key, idempotency_hash,
         assignment_reason, created_at, updated_at, payment_expires_at, payment)
       SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
       WHERE NOT EXISTS (${bookedOverlap(b.now, hosts)}) AND NOT EXISTS (${heldOverlap(hosts, 'group')})
         AND (? IS NULL OR (${EVENT_TYPE_ATTENDEE_FUTURE}) < ?)
       RETURNING *`,
    )
    .bind(
      b.uid, b.eventTypeId, b.hostId, b.title, b.startAt, b.endAt, b.occupiedStart, b.occupiedEnd, b.status,
      b.locationType, b.locationValue,
      b.metadata === null ? null : JSON.stringify(b.metadata),
      b.bookingFieldsResponses === null ? null : JSON.stringify(b.bookingFieldsResponses),
      b.idempotencyKey, b.idempotencyHash, b.assignmentReason, b.now, b.now,
      b.paymentExpiresAt ?? null, b.payment ? JSON.stringify(b.payment) : null,
      ...hostIds, b.occupiedEnd, b.occupiedStart,
      ...hostIds, b.now, b.occupiedEnd, b.occupiedStart, ...holdGroupParams(consumedHoldUid),
      attendeeCap ? 1 : null, b.eventTypeId, b.now, attendeeCap?.email.toLowerCase() ?? '', attendeeCap?.max ?? 0,
    );
}

/** What a booker says about themselves: an attendee row's own fields (seat columns aside). */
export type AttendeeInput = Pick<Attendee, 'name' | 'email' | 'timezone' | 'notes'> & {
  /** The language they booked in (issue #31): their emails' language. */
  locale?: string | null;
};

export function insertAttendee(d1: D1Queryable, uid: string, a: AttendeeInput): D1PreparedStatement {
  return d1
    .prepare(
      `INSERT INTO booking_attendees (booking_id, name, email, timezone, notes, locale)
       SELECT id, ?, ?, ?, ?, ? FROM bookings WHERE uid = ?`,
    )
    .bind(a.name, a.email, a.timezone, a.notes, a.locale ?? null, uid);
}

export interface Move {
  startAt: number;
  endAt: number;
  occupiedStart: number;
  occupiedEnd: number;
  reason: string | null;
}

/** A paid booking's payment as it moves: its refund policy closed if its window was (`policyAfterMove`). Binds: `movedPaymentBinds`. */
const MOVED_PAYMENT = `payment = CASE WHEN ? IS NULL THEN payment ELSE json_set(payment, '$.refund_policy', json(?)) END`;
const movedPaymentBinds = (booking: Booking, now: number) => {
  const policy = booking.payment ? policyAfterMove(booking.payment.refund_policy, booking.startAt, now) : null;
  const json = policy && JSON.stringify(policy);
  return [json, json];
};

/** The hosts attending booking ? (its booking_hosts), as a host set for the guards. Binds: booking id. */
const HOSTS_OF_BOOKING = '(SELECT m.user_id FROM booking_hosts m WHERE m.booking_id = ?)';

/**
 * Moves a live, future booking in one statement: the new span is taken and the old one freed atomically, and
 * nothing changes when the new span overlaps another live booking or a live slot reservation of the host.
 */
export function guardedMove(d1: D1Queryable, booking: Booking, move: Move, now: number): D1PreparedStatement {
  return d1
    .prepare(
      `UPDATE bookings SET previous_start_at = start_at, start_at = ?, end_at = ?, occupied_start = ?, occupied_end = ?,
         reschedule_reason = ?, updated_at = ?, sequence = sequence + 1, ${MOVED_PAYMENT}
       WHERE id = ? AND ${LIVE} AND start_at > ?
         AND NOT EXISTS (${bookedOverlap(now, HOSTS_OF_BOOKING)} AND o.id != ?) AND NOT EXISTS (${heldOverlap()})
       RETURNING *`,
    )
    .bind(
      move.startAt,
      move.endAt,
      move.occupiedStart,
      move.occupiedEnd,
      move.reason,
      now,
      ...movedPaymentBinds(booking, now),
      booking.id,
      now,
      booking.id,
      move.occupiedEnd,
      move.occupiedStart,
      booking.id,
      booking.hostId,
      now,
      move.occupiedEnd,
      move.occupiedStart,
      null,
    );
}

type Transition =
  | { to: 'cancelled'; reason: string | null }
  | { to: 'rejected'; reason: string | null }
  | { to: 'accepted'; location?: string | null };

/**
 * Status change that only applies from the allowed states (cancel: any live; confirm/decline: pending). Each raises
 * the calendar SEQUENCE: the attendee sees every one of them.
 */
export function transition(d1: D1Queryable, bookingId: number, t: Transition, now: number): D1PreparedStatement {
  switch (t.to) {
    case 'cancelled':
      return d1
        .prepare(`UPDATE bookings SET status = 'cancelled', cancellation_reason = ?, updated_at = ?, sequence = sequence + 1 WHERE id = ? AND ${LIVE} RETURNING *`)
        .bind(t.reason, now, bookingId);
    case 'rejected':
      return d1
        .prepare(`UPDATE bookings SET status = 'rejected', rejection_reason = ?, updated_at = ?, sequence = sequence + 1 WHERE id = ? AND status = 'pending' RETURNING *`)
        .bind(t.reason, now, bookingId);
    case 'accepted':
      return d1
        // An expired request (its start has passed) cannot be confirmed. The host's location, withheld while the
        // request waited (storedLocation, src/bookings/location.ts), is filled in as `acceptedLocation` computed it.
        .prepare(
          `UPDATE bookings SET status = 'accepted', location_value = COALESCE(location_value, ?), updated_at = ?, sequence = sequence + 1
           WHERE id = ? AND status = 'pending' AND start_at > ? RETURNING *`,
        )
        .bind(t.location ?? null, now, bookingId, now);
  }
}

/** A raw RETURNING row (snake_case columns) as the drizzle Booking shape. */
export function bookingFromRow(row: Record<string, unknown>): Booking {
  return {
    id: row.id as number,
    uid: row.uid as string,
    eventTypeId: row.event_type_id as number | null,
    hostId: row.host_id as number,
    title: row.title as string,
    startAt: row.start_at as number,
    endAt: row.end_at as number,
    occupiedStart: row.occupied_start as number,
    occupiedEnd: row.occupied_end as number,
    status: row.status as BookingStatus,
    locationType: row.location_type as string | null,
    locationValue: row.location_value as string | null,
    metadata: typeof row.metadata === 'string' ? (JSON.parse(row.metadata) as Record<string, unknown>) : null,
    cancellationReason: row.cancellation_reason as string | null,
    rejectionReason: row.rejection_reason as string | null,
    rescheduleReason: row.reschedule_reason as string | null,
    previousStartAt: row.previous_start_at as number | null,
    bookingFieldsResponses: typeof row.booking_fields_responses === 'string' ? (JSON.parse(row.booking_fields_responses) as BookingFieldResponses) : null,
    sequence: row.sequence as number,
    idempotencyKey: row.idempotency_key as string | null,
    idempotencyHash: row.idempotency_hash as string | null,
    recurringBookingUid: (row.recurring_booking_uid as string | null) ?? null,
    recurrenceStart: (row.recurrence_start as number | null) ?? null,
    assignmentReason: (row.assignment_reason as string | null) ?? null,
    paymentExpiresAt: (row.payment_expires_at as number | null) ?? null,
    payment: typeof row.payment === 'string' ? (JSON.parse(row.payment) as PaymentRecord) : null,
    createdAt: row.created_at as number,
    updatedAt: row.updated_at as number,
  };
}

/**
 * The attendee a booking row is listed with: its only one, or for a seated booking its first live seat (its first
 * seat once all have left), so a seated slot is one row in every list.
 */
const attendeeShown = and(
  eq(attendees.bookingId, bookings.id),
  sql`(${attendees.seatUid} IS NULL OR ${attendees.id} = (SELECT a1.id FROM booking_attendees a1 WHERE a1.booking_id = ${bookings.id}
    ORDER BY a1.cancelled_at IS NOT NULL, a1.id LIMIT 1))`,
);

export interface BookingWithAttendee {
  booking: Booking;
  attendee: Attendee;
}

export async function findBooking(db: Db, where: SQL): Promise<BookingWithAttendee | undefined> {
  return db.select({ booking: bookings, attendee: attendees }).from(bookings).innerJoin(attendees, attendeeShown).where(where).get();
}

export const byUid = (uid: string) => eq(bookings.uid, uid);
export const byIdempotencyKey = (key: string) => eq(bookings.idempotencyKey, key);

/**
 * Live bookings of the host (null: of any host) and of one event type, if given, starting after `now`, whose attendee
 * has this email (stored lower case).
 */
export async function futureBookingsOfAttendee(db: Db, hostId: number | null, email: string, now: number, eventTypeId?: number): Promise<number> {
  const row = await db
    .select({ n: sql<number>`count(*)` })
    .from(bookings)
    .innerJoin(attendees, eq(attendees.bookingId, bookings.id))
    .where(
      and(
        hostId === null ? undefined : eq(bookings.hostId, hostId),
        inArray(bookings.status, LIVE_STATUSES),
        gt(bookings.startAt, now),
        eq(attendees.email, email.toLowerCase()),
        isNull(attendees.cancelledAt),
        eventTypeId === undefined ? undefined : eq(bookings.eventTypeId, eventTypeId),
      ),
    )
    .get();
  return row?.n ?? 0;
}

/** Frees an expired Idempotency-Key (the unique index would refuse its reuse otherwise). */
export async function forgetIdempotencyKey(db: Db, bookingId: number, key: string): Promise<void> {
  await db
    .update(bookings)
    .set({ idempotencyKey: null, idempotencyHash: null })
    .where(and(eq(bookings.id, bookingId), eq(bookings.idempotencyKey, key)));
}

/** The cron purge: keys of bookings made more than 24 hours ago are forgotten. */
export function purgeIdempotencyKeys(db: Db, now: number, limit: number): Promise<number> {
  return runBatch(
    db.$client,
    `UPDATE bookings SET idempotency_key = NULL, idempotency_hash = NULL
     WHERE id IN (SELECT id FROM bookings WHERE idempotency_key IS NOT NULL AND created_at <= ? LIMIT ?)`,
    [now - IDEMPOTENCY_TTL_MS],
    limit,
  );
}

/** Whose object a booking's changes run in: its host, or its team's hosts (teamId set). One query. */
export interface BookingRouting {
  hostId: number;
  teamId: number | null;
}

export async function bookingRouting(db: Db, uid: string): Promise<BookingRouting | undefined> {
  return db
    .select({ hostId: bookings.hostId, teamId: eventTypes.teamId })
    .from(bookings)
    .leftJoin(eventTypes, eq(eventTypes.id, bookings.eventTypeId))
    .where(eq(bookings.uid, uid))
    .get();
}

/** The hosts attending a booking (booking_hosts), ascending. */
export async function hostIdsOfBooking(db: Db, bookingId: number): Promise<number[]> {
  const rows = await db.select({ userId: bookingHosts.userId }).from(bookingHosts).where(eq(bookingHosts.bookingId, bookingId)).orderBy(asc(bookingHosts.userId)).all();
  return rows.map((r) => r.userId);
}

/**
 * Moves a team booking to a new span and host set in one guarded statement: nothing changes when the new span
 * overlaps a live booking (other than this one) or live hold of ANY of `hostIds`, or when the booking changed since
 * it was read (`sequence`). The trigger moves its booking_hosts rows; `replaceBookingHosts` then fixes the set.
 */
export function guardedTeamMove(
  d1: D1Queryable,
  booking: Booking,
  move: Move & { hostId: number; assignmentReason: string | null },
  hostIds: number[],
  now: number,
): D1PreparedStatement {
  const hosts = hostMarks(hostIds.length);
  return d1
    .prepare(
      `UPDATE bookings SET previous_start_at = start_at, start_at = ?, end_at = ?, occupied_start = ?, occupied_end = ?,
         host_id = ?, assignment_reason = ?, reschedule_reason = ?, updated_at = ?, sequence = sequence + 1, ${MOVED_PAYMENT}
       WHERE id = ? AND ${liveSql()} AND start_at > ? AND sequence = ?
         AND NOT EXISTS (${bookedOverlap(now, hosts)} AND o.id != ?)
         AND NOT EXISTS (${heldOverlap(hosts)})
       RETURNING *`,
    )
    .bind(
      move.startAt, move.endAt, move.occupiedStart, move.occupiedEnd, move.hostId, move.assignmentReason, move.reason, now, ...movedPaymentBinds(booking, now),
      booking.id, now, booking.sequence,
      ...hostIds, move.occupiedEnd, move.occupiedStart, booking.id,
      ...hostIds, now, move.occupiedEnd, move.occupiedStart, null,
    );
}

/** After `guardedTeamMove` (only if it applied: the booking is at `sequence`), the booking's hosts become `hostIds`. */
export function replaceBookingHosts(d1: D1Queryable, bookingId: number, sequence: number, hostIds: number[]): D1PreparedStatement[] {
  const applied = `EXISTS (SELECT 1 FROM bookings WHERE id = ? AND sequence = ?)`;
  return [
    d1
      .prepare(`DELETE FROM booking_hosts WHERE booking_id = ? AND user_id NOT IN (SELECT value FROM json_each(?)) AND ${applied}`)
      .bind(bookingId, JSON.stringify(hostIds), bookingId, sequence),
    ...hostIds.map((userId) =>
      d1
        .prepare(
          `INSERT OR IGNORE INTO booking_hosts (booking_id, user_id, occupied_start, occupied_end)
           SELECT id, ?, occupied_start, occupied_end FROM bookings WHERE id = ? AND sequence = ?`,
        )
        .bind(userId, bookingId, sequence),
    ),
  ];
}

export async function hostOfBooking(db: Db, uid: string): Promise<number | undefined> {
  return (await db.select({ hostId: bookings.hostId }).from(bookings).where(eq(bookings.uid, uid)).get())?.hostId;
}

export interface BookingFilters {
  status?: BookingViewStatus;
  from?: number;
  to?: number;
  eventTypeId?: number;
  hostId?: number;
  /** Sort key of the last row of the previous page. */
  after?: [number, number];
  limit: number;
}

/** The list order's key (start time, then id): what a bookings cursor holds. */
export type BookingSortKey = [startAt: number, id: number];
export const isBookingSortKey = (v: unknown): v is BookingSortKey =>
  Array.isArray(v) && v.length === 2 && v.every((n) => Number.isSafeInteger(n));
export const bookingSortKey = (row: BookingWithAttendee): BookingSortKey => [row.booking.startAt, row.booking.id];

/** Bookings a viewer may list (own as host; super admins all), by start time. */
export async function listBookings(db: Db, viewer: User, f: BookingFilters, now = Date.now()): Promise<BookingWithAttendee[]> {
  return db
    .select({ booking: bookings, attendee: attendees })
    .from(bookings)
    .innerJoin(attendees, attendeeShown)
    .where(
      and(
        attendedBy(viewer),
        f.hostId === undefined ? undefined : eq(bookings.hostId, f.hostId),
        f.status === undefined ? undefined : statusIs(f.status, now),
        f.from === undefined ? undefined : gte(bookings.startAt, f.from),
        f.to === undefined ? undefined : lt(bookings.startAt, f.to),
        f.eventTypeId === undefined ? undefined : eq(bookings.eventTypeId, f.eventTypeId),
        f.after === undefined
          ? undefined
          : or(gt(bookings.startAt, f.after[0]), and(eq(bookings.startAt, f.after[0]), gt(bookings.id, f.after[1]))),
      ),
    )
    .orderBy(asc(bookings.startAt), asc(bookings.id))
    .limit(f.limit)
    .all();
}

/**
 * Bookings the viewer attends as a host (booking_hosts: a team booking shows for each of its hosts); super admins all.
 * `IN` rather than a correlated `EXISTS`: SQLite then starts from the host's booking_hosts rows and sorts them, where
 * `EXISTS` walked the whole start-time index of every host's bookings (issue #32, test/query-plans.test.ts).
 */
function attendedBy(viewer: User): SQL | undefined {
  if (viewer.role === 'super_admin') return undefined;
  return sql`${bookings.id} IN (SELECT bh.booking_id FROM booking_hosts bh WHERE bh.user_id = ${viewer.id})`;
}

/** The filter for a shown status: `pending` and `expired` split the stored `pending` by the clock. */
function statusIs(status: BookingViewStatus, now: number): SQL | undefined {
  if (status === 'pending') return and(eq(bookings.status, 'pending'), gt(bookings.startAt, now));
  if (status === 'awaiting_payment') return and(eq(bookings.status, 'awaiting_payment'), gt(bookings.paymentExpiresAt, now));
  if (status === 'expired') {
    return or(
      and(eq(bookings.status, 'pending'), lte(bookings.startAt, now)),
      eq(bookings.status, 'expired'),
      and(eq(bookings.status, 'awaiting_payment'), lte(bookings.paymentExpiresAt, now)),
    );
  }
  return eq(bookings.status, status);
}

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

/** The API shape of a booking, as of now (a pending request past its start shows as `expired`). */
export function bookingJson({ booking: b, attendee: a }: { booking: Booking; attendee: AttendeeInput }) {
  const now = Date.now();
  return {
    id: b.id,
    uid: b.uid,
    status: viewStatus(b, now),
    event_type_id: b.eventTypeId,
    host_id: b.hostId,
    title: b.title,
    start: iso(b.startAt),
    end: iso(b.endAt),
    attendee: { name: a.name, email: a.email, timezone: a.timezone, notes: a.notes },
    location_type: b.locationType,
    location: b.locationValue,
    metadata: b.metadata ?? {},
    cancellation_reason: b.cancellationReason,
    rejection_reason: b.rejectionReason,
    reschedule_reason: b.rescheduleReason,
    previous_start: iso(b.previousStartAt),
    booking_fields_responses: b.bookingFieldsResponses ?? {},
    recurring_booking_uid: b.recurringBookingUid,
    assignment_reason: b.assignmentReason,
    // Paid event types only (src/payments/).
    ...(b.payment ? { payment: paymentJson(b.payment, b.status, b.paymentExpiresAt, b.startAt, now) } : {}),
    created_at: iso(b.createdAt),
    updated_at: iso(b.updatedAt),
  };
}

export type BookingJson = ReturnType<typeof bookingJson>;

export interface BookingForWrite extends BookingWithAttendee {
  host: Pick<User, 'id' | 'name' | 'email' | 'timezone'>;
  eventType: Pick<EventType, 'id' | 'slug' | 'description' | 'durationMinutes' | 'bookingFields'> & Partial<Pick<EventType, 'locationType' | 'locationValue' | 'generateMeetingLink'>> | null;
}

/**
 * The location an accepted request shows: what it stored (the attendee's), else the host's current one from its event
 * type when the kind is still the same (a request keeps none of the host's while it waits, issue #25).
 */
export function acceptedLocation({ booking, eventType }: Pick<BookingForWrite, 'booking' | 'eventType'>): string | null {
  if (booking.locationValue !== null) return booking.locationValue;
  return eventType && eventType.locationType === booking.locationType ? (eventType.locationValue ?? null) : null;
}

/** A host as the public pages show them (no email). */
export const publicHostColumns = { id: users.id, name: users.name, username: users.username, timezone: users.timezone };

/** What the public pages, invites and payloads say of an event type. */
export const eventTypeSummaryColumns = {
  id: eventTypes.id,
  title: eventTypes.title,
  slug: eventTypes.slug,
  description: eventTypes.description,
  durationMinutes: eventTypes.durationMinutes,
};

/** Bookings joined with everything a webhook payload, an invite, a feed entry or the booking page needs; add the filter. */
export function selectBookingsForWrite(db: Db) {
  return db
    .select({
      booking: bookings,
      attendee: attendees,
      host: { ...publicHostColumns, email: users.email },
      eventType: {
        ...eventTypeSummaryColumns,
        bookingFields: eventTypes.bookingFields,
        isActive: eventTypes.isActive,
        locationType: eventTypes.locationType,
        locationValue: eventTypes.locationValue,
        generateMeetingLink: eventTypes.generateMeetingLink,
      },
    })
    .from(bookings)
    .innerJoin(attendees, attendeeShown)
    .innerJoin(users, eq(users.id, bookings.hostId))
    .leftJoin(eventTypes, eq(eventTypes.id, bookings.eventTypeId));
}

/** What a booking-for-write says of the booking itself, as invites and webhook payloads describe it. */
export function bookingSummaryOf({ booking: b, eventType }: Pick<BookingForWrite, 'booking' | 'eventType'>) {
  return {
    uid: b.uid,
    title: b.title,
    description: eventType?.description ?? null,
    startAt: b.startAt,
    endAt: b.endAt,
    status: b.status,
    locationType: b.locationType,
    locationValue: b.locationValue,
  };
}

/** A booking with everything its webhook payload needs, in one query. */
export async function findBookingForWrite(db: Db, uid: string): Promise<BookingForWrite | undefined> {
  return selectBookingsForWrite(db).where(eq(bookings.uid, uid)).get();
}

// --- Recurring series (src/bookings/series.ts) ---

/**
 * The last statement of a series' batch: fails (and so rolls back the whole batch, D1 runs a batch as one
 * transaction) unless every one of its `count` guarded inserts wrote its row. This makes the series all or nothing
 * in SQL too: a guarded insert that finds an overlap inserts nothing without failing.
 */
export function seriesComplete(d1: D1Queryable, seriesUid: string, count: number): D1PreparedStatement {
  // json() of a non-JSON text raises "malformed JSON"; its argument depends on the count, so it is not folded early.
  return d1
    .prepare(`SELECT json(CASE WHEN (SELECT COUNT(*) FROM bookings WHERE recurring_booking_uid = ?) = ? THEN '1' ELSE '${SERIES_INCOMPLETE}' END) AS ok`)
    .bind(seriesUid, count);
}

const SERIES_INCOMPLETE = 'series incomplete';

/** Records each occurrence's start in its series (the RECURRENCE-ID of its invites) once: a reschedule keeps it. */
export function markRecurrenceStarts(d1: D1Queryable, seriesUid: string): D1PreparedStatement {
  return d1.prepare('UPDATE bookings SET recurrence_start = start_at WHERE recurring_booking_uid = ? AND recurrence_start IS NULL').bind(seriesUid);
}

/** Whether a batch failed on `seriesComplete` (or any guard written the same way, such as a seat's). */
export const isSeriesIncomplete = (error: unknown) => /malformed JSON/i.test(`${String(error)} ${String((error as { cause?: unknown })?.cause)}`);

/** The occurrences of a series, by start. */
export async function findSeries(db: Db, seriesUid: string): Promise<BookingWithAttendee[]> {
  return db
    .select({ booking: bookings, attendee: attendees })
    .from(bookings)
    .innerJoin(attendees, attendeeShown)
    .where(eq(bookings.recurringBookingUid, seriesUid))
    .orderBy(asc(bookings.startAt), asc(bookings.id))
    .all();
}

/** Every occurrence of a series, whatever its status, with what its calendar file needs. */
export async function seriesForWrite(db: Db, seriesUid: string): Promise<BookingForWrite[]> {
  return selectBookingsForWrite(db).where(eq(bookings.recurringBookingUid, seriesUid)).orderBy(asc(bookings.startAt)).all();
}

/** The live occurrences of a series starting at or after `from`, with what their webhooks need. */
export async function liveSeriesForWrite(db: Db, seriesUid: string, from: number): Promise<BookingForWrite[]> {
  return selectBookingsForWrite(db)
    .where(and(eq(bookings.recurringBookingUid, seriesUid), inArray(bookings.status, LIVE_STATUSES), gte(bookings.startAt, from)))
    .orderBy(asc(bookings.startAt))
    .all();
}

export async function hostOfSeries(db: Db, seriesUid: string): Promise<number | undefined> {
  return (await db.select({ hostId: bookings.hostId }).from(bookings).where(eq(bookings.recurringBookingUid, seriesUid)).limit(1).get())?.hostId;
}
