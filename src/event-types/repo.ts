import { and, asc, eq, gt, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client';
import { ownedBy } from '../auth/ownership';
import { eventTypes, type EventType, type User } from '../db/schema';
import { completeFields } from './booking-fields';
import { DEFAULT_REFUND_POLICY } from '../payments/money';
import type { CreateEventTypeBody, UpdateEventTypeBody } from './schemas';

/** Who may see an event type: everyone its active ones, owners their own, super admins all. */
function visibleTo(viewer: User | null): SQL | undefined {
  if (viewer?.role === 'super_admin') return undefined;
  // A deactivated host's event types offer no slots, so they are not listed as bookable either.
  const bookable = and(eq(eventTypes.isActive, true), sql`EXISTS (SELECT 1 FROM users u WHERE u.id = ${eventTypes.ownerId} AND u.is_active = 1)`);
  return viewer ? or(bookable, eq(eventTypes.ownerId, viewer.id)) : bookable;
}

export async function listEventTypes(
  db: Db,
  viewer: User | null,
  opts: { ownerId?: number; afterId: number; limit: number },
): Promise<EventType[]> {
  return db
    .select()
    .from(eventTypes)
    .where(
      and(
        visibleTo(viewer),
        // Team event types are listed under their team (/v2/teams/{id}/event-types).
        isNull(eventTypes.teamId),
        gt(eventTypes.id, opts.afterId),
        opts.ownerId === undefined ? undefined : eq(eventTypes.ownerId, opts.ownerId),
      ),
    )
    .orderBy(asc(eventTypes.id))
    .limit(opts.limit)
    .all();
}

export async function findOwnedEventType(db: Db, viewer: User, id: number): Promise<EventType | undefined> {
  return db.select().from(eventTypes).where(and(eq(eventTypes.id, id), isNull(eventTypes.teamId), ownedBy(eventTypes.ownerId, viewer))).get();
}

export async function slugTaken(db: Db, ownerId: number, slug: string, exceptId = 0): Promise<boolean> {
  const row = await db
    .select({ id: eventTypes.id })
    .from(eventTypes)
    .where(and(eq(eventTypes.ownerId, ownerId), eq(eventTypes.slug, slug), isNull(eventTypes.teamId)))
    .get();
  return row !== undefined && row.id !== exceptId;
}

export async function insertEventType(
  db: Db,
  ownerId: number,
  scheduleId: number,
  body: Omit<CreateEventTypeBody, 'owner_id' | 'schedule_id'>,
): Promise<EventType> {
  const now = Date.now();
  return db
    .insert(eventTypes)
    .values({
      ...columnsOf(body),
      ownerId,
      scheduleId,
      title: body.title,
      slug: body.slug,
      durationMinutes: body.duration_minutes,
      createdAt: now,
      updatedAt: now,
    })
    .returning()
    .get();
}

export async function updateEventType(db: Db, id: number, body: UpdateEventTypeBody): Promise<EventType | undefined> {
  return db
    .update(eventTypes)
    .set({ ...columnsOf(body), updatedAt: Date.now() })
    .where(eq(eventTypes.id, id))
    .returning()
    .get();
}

export async function deleteEventType(db: Db, id: number): Promise<void> {
  await db.delete(eventTypes).where(eq(eventTypes.id, id));
}

/** API field names to columns; undefined fields stay untouched on update. */
export function columnsOf(body: UpdateEventTypeBody) {
  return {
    title: body.title,
    slug: body.slug,
    description: body.description,
    durationMinutes: body.duration_minutes,
    bufferBeforeMinutes: body.buffer_before_minutes,
    bufferAfterMinutes: body.buffer_after_minutes,
    minimumNoticeHours: body.minimum_notice_hours,
    slotIntervalMinutes: body.slot_interval_minutes,
    bookingWindowDays: body.booking_window_days,
    locationType: body.location_type,
    locationValue: body.location_value,
    requiresConfirmation: body.requires_confirmation,
    emailNotifications: body.email_notifications,
    isActive: body.is_active,
    scheduleId: body.schedule_id,
    bookingFields: body.booking_fields,
    bookingLimitsCount: body.booking_limits_count,
    bookingLimitsDuration: body.booking_limits_duration,
    onlyShowFirstAvailableSlot: body.only_show_first_available_slot,
    maxActiveBookingsPerBooker: body.max_active_bookings_per_booker,
    recurringEvent: body.recurring_event,
    seatsPerTimeSlot: body.seats_per_time_slot,
    seatsShowAttendees: body.seats_show_attendees,
    seatsShowAvailabilityCount: body.seats_show_availability_count,
    price: body.price,
    currency: body.currency,
    paymentDeadlineMinutes: body.payment_deadline_minutes,
    refundPolicy: body.refund_policy,
    generateMeetingLink: body.generate_meeting_link,
  };
}

/**
 * What someone who is neither the owner nor a super admin sees: enough to pick and book it. The location's value (a
 * meeting link with its passcode, a phone number, an address) is given to the attendee in the booking, as Cal.com and
 * Calendly do, and the schedule id is internal.
 */
export function eventTypeJsonFor(viewer: User | null, et: EventType) {
  const full = eventTypeJson(et);
  if (viewer && (viewer.role === 'super_admin' || viewer.id === et.ownerId)) return full;
  const { location_value: _value, schedule_id: _schedule, ...publicView } = full;
  return publicView;
}

export function eventTypeJson(et: EventType) {
  return {
    id: et.id,
    owner_id: et.ownerId,
    title: et.title,
    slug: et.slug,
    description: et.description,
    duration_minutes: et.durationMinutes,
    buffer_before_minutes: et.bufferBeforeMinutes,
    buffer_after_minutes: et.bufferAfterMinutes,
    minimum_notice_hours: et.minimumNoticeHours,
    slot_interval_minutes: et.slotIntervalMinutes,
    booking_window_days: et.bookingWindowDays,
    location_type: et.locationType,
    location_value: et.locationValue,
    requires_confirmation: et.requiresConfirmation,
    email_notifications: et.emailNotifications,
    is_active: et.isActive,
    schedule_id: et.scheduleId,
    booking_fields: completeFields(et.bookingFields),
    booking_limits_count: et.bookingLimitsCount,
    booking_limits_duration: et.bookingLimitsDuration,
    only_show_first_available_slot: et.onlyShowFirstAvailableSlot,
    max_active_bookings_per_booker: et.maxActiveBookingsPerBooker,
    recurring_event: et.recurringEvent,
    seats_per_time_slot: et.seatsPerTimeSlot,
    seats_show_attendees: et.seatsShowAttendees,
    seats_show_availability_count: et.seatsShowAvailabilityCount,
    price: et.price,
    currency: et.currency,
    payment_deadline_minutes: et.paymentDeadlineMinutes,
    refund_policy: et.refundPolicy ?? DEFAULT_REFUND_POLICY,
    generate_meeting_link: et.generateMeetingLink,
    created_at: new Date(et.createdAt).toISOString(),
    updated_at: new Date(et.updatedAt).toISOString(),
  };
}

// An event type's owner never changes and AUTOINCREMENT never reuses an id, so the answer can be kept for the life of
// the isolate: it saves a D1 round trip on every booking. Bounded, oldest first out.
const ownerCache = new Map<number, { ownerId: number; teamId: number | null }>();
const OWNER_CACHE_MAX = 10_000;

/**
 * The owner and team of an event type (active or not): the owner picks the host's HostCalendar object; a team event
 * type is booked through its hosts' objects instead (src/teams/booking.ts). Neither ever changes.
 */
export async function eventTypeRouting(db: Db, id: number): Promise<{ ownerId: number; teamId: number | null } | undefined> {
  const cached = ownerCache.get(id);
  if (cached !== undefined) return cached;
  const row = await db.select({ ownerId: eventTypes.ownerId, teamId: eventTypes.teamId }).from(eventTypes).where(eq(eventTypes.id, id)).get();
  if (row !== undefined) {
    if (ownerCache.size >= OWNER_CACHE_MAX) ownerCache.delete(ownerCache.keys().next().value!);
    ownerCache.set(id, row);
  }
  return row;
}

/** The owner of a personal event type; undefined for a missing or team event type. */
export async function eventTypeOwner(db: Db, id: number): Promise<number | undefined> {
  const routing = await eventTypeRouting(db, id);
  return routing && routing.teamId === null ? routing.ownerId : undefined;
}
